"""API tokens and rate limits through HTTP (issue 5, item 7): hashed, expiring, revocable, scoped tokens;
the `duikou api-token` command and the admin; 429 past the rate limits."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from duikou.core.api.testing import errors, user_with
from duikou.core.choices import TokenScope
from duikou.core.tokens import ApiToken, issue_token
from duikou.projects.models import Project
from duikou.testing import make_project, project_fields

pytestmark = pytest.mark.django_db

READ_AND_WRITE = ("projects.view_project", "projects.add_project")


def new_project_body() -> dict:
    fields = project_fields()
    body = {name: value.pk if hasattr(value, "pk") else str(value) for name, value in fields.items()}
    body["plan_year"] = fields["plan_year"]
    return body


def client_for(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- storage ---------------------------------------------------------------------------------------


def test_only_the_prefix_and_the_sha256_are_stored():
    row, token = issue_token(user_with(), scope=TokenScope.READ, days=30)

    stored = ApiToken.objects.get(pk=row.pk)
    prefix, secret = token.split(".")
    assert stored.prefix == prefix
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert secret not in {str(value) for value in ApiToken.objects.values_list().get(pk=row.pk)}
    assert timedelta(days=29, hours=23) < stored.expires - stored.created <= timedelta(days=30)


# --- through HTTP ----------------------------------------------------------------------------------


def test_a_valid_token_signs_the_user_in_and_records_its_use():
    make_project()
    row, token = issue_token(user_with("projects.view_project"))

    response = client_for(token).get(reverse("api:project_list"))

    assert response.status_code == 200
    assert response.json()["count"] == 1
    row.refresh_from_db()
    assert row.last_used is not None


def test_an_expired_token_is_refused():
    row, token = issue_token(user_with("projects.view_project"))
    ApiToken.objects.filter(pk=row.pk).update(
        created=timezone.now() - timedelta(days=10), expires=timezone.now() - timedelta(seconds=1)
    )

    response = client_for(token).get(reverse("api:project_list"))

    assert response.status_code == 401
    assert errors(response) == [(None, "authentication_failed")]
    assert "过期" in response.json()["errors"][0]["message"]


def test_a_revoked_token_is_refused():
    row, token = issue_token(user_with("projects.view_project"))
    row.revoke()

    response = client_for(token).get(reverse("api:project_list"))

    assert response.status_code == 401
    assert errors(response) == [(None, "authentication_failed")]
    assert "撤销" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "presented",
    [
        "0123456789abcdef0123456789abcdef01234567",  # an old DRF key: no longer valid
        "deadbeef.not-the-secret",
        "",
    ],
)
def test_a_wrong_token_is_refused(presented):
    _row, token = issue_token(user_with("projects.view_project"))
    if presented == "":
        presented = token[:-1] + ("A" if token[-1] != "A" else "B")  # the right prefix, a wrong secret

    response = client_for(presented).get(reverse("api:project_list"))

    assert response.status_code == 401
    assert errors(response) == [(None, "authentication_failed")]


def test_a_token_of_an_inactive_user_is_refused():
    user = user_with("projects.view_project")
    _row, token = issue_token(user)
    user.is_active = False
    user.save()

    assert client_for(token).get(reverse("api:project_list")).status_code == 401


def test_a_read_token_reads_but_may_not_write():
    _row, token = issue_token(user_with(*READ_AND_WRITE), scope=TokenScope.READ)
    client = client_for(token)

    assert client.get(reverse("api:project_list")).status_code == 200
    response = client.post(reverse("api:project_list"), new_project_body(), format="json")

    assert response.status_code == 403
    assert errors(response) == [(None, "permission_denied")]
    assert "只读" in response.json()["errors"][0]["message"]
    assert not Project.objects.exists()


def test_a_write_token_writes_what_its_user_may():
    _row, token = issue_token(user_with(*READ_AND_WRITE), scope=TokenScope.WRITE)

    response = client_for(token).post(reverse("api:project_list"), new_project_body(), format="json")

    assert response.status_code == 201, response.json()
    assert Project.objects.count() == 1


def test_a_write_token_does_not_widen_its_users_permissions():
    _row, token = issue_token(user_with("projects.view_project"), scope=TokenScope.WRITE)

    response = client_for(token).post(reverse("api:project_list"), new_project_body(), format="json")

    assert response.status_code == 403
    assert not Project.objects.exists()


# --- the command -----------------------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_creates_a_token_printed_once_that_works():
    user_with("projects.view_project", username="sync")

    out, err = run("create", "sync", "--scope", "read", "--days", "7", "--name", "省级平台")

    token = out.strip()
    row = ApiToken.objects.get()
    assert token.startswith(row.prefix + ".")
    assert (row.scope, row.name, row.user.username) == ("read", "省级平台", "sync")
    assert token not in err  # the notice goes to stderr, the token alone to stdout
    assert client_for(token).get(reverse("api:project_list")).status_code == 200


def test_the_command_lists_and_revokes():
    user_with(username="sync")
    token = run("create", "sync", "--scope", "write")[0].strip()
    prefix = token.split(".")[0]

    listing = run("list")[0]
    assert prefix in listing and "write" in listing and token not in listing

    assert "已撤销" in run("revoke", prefix)[0]
    assert prefix not in run("list")[0]
    assert "revoked" in run("list", "--all")[0]
    assert client_for(token).get(reverse("api:project_list")).status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody"), "No user"),
        (("create", "sync", "--days", "0"), "--days"),
        (("create", "sync", "--days", "400"), "--days"),
        (("revoke", "ffffffff"), "No token"),
    ],
)
def test_the_command_refuses_what_it_cannot_do(args, message):
    user_with(username="sync")
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not ApiToken.objects.exists()


# --- the admin -------------------------------------------------------------------------------------


def test_the_admin_makes_a_token_shows_it_once_and_revokes_it(client):
    admin = user_with(username="root", is_superuser=True, is_staff=True)
    owner = user_with("projects.view_project", username="sync")
    client.force_login(admin)

    response = client.post(
        reverse("admin:core_apitoken_add"),
        {"user": owner.pk, "name": "同步", "scope": "read", "days": "30"},
        follow=True,
    )

    assert response.status_code == 200
    row = ApiToken.objects.get()
    shown = [str(message) for message in response.context["messages"]]
    token = next(text.split("：")[-1] for text in shown if row.prefix in text)
    assert client_for(token).get(reverse("api:project_list")).status_code == 200
    detail = client.get(reverse("admin:core_apitoken_change", args=[row.pk])).content.decode()
    assert token not in detail and row.key_hash not in detail

    client.post(
        reverse("admin:core_apitoken_changelist"),
        {"action": "revoke_tokens", "_selected_action": [row.pk]},
    )

    row.refresh_from_db()
    assert row.revoked is not None
    assert client_for(token).get(reverse("api:project_list")).status_code == 401


# --- rate limits -----------------------------------------------------------------------------------


def test_a_user_over_the_rate_limit_gets_429_with_retry_after(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": "3/min"},
    }
    _row, token = issue_token(user_with("projects.view_project"))
    client = client_for(token)

    statuses = [client.get(reverse("api:project_list")).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get(reverse("api:project_list"))
    assert errors(response) == [(None, "throttled")]
    assert int(response.headers["Retry-After"]) > 0
    # Another user has a budget of its own.
    _row, other = issue_token(user_with("projects.view_project", username="other"))
    assert client_for(other).get(reverse("api:project_list")).status_code == 200


def test_anonymous_requests_are_limited_by_address(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": None},
    }
    client = APIClient()
    schema = reverse("api:schema")

    statuses = [client.get(schema, REMOTE_ADDR="10.0.0.1").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert client.get(schema, REMOTE_ADDR="10.0.0.2").status_code == 200
    # Without a proxy configured, X-Forwarded-For is not believed: it cannot buy a fresh budget.
    assert client.get(schema, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
