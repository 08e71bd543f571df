"""Helpers for the API tests: a client signed in with a token, users with given permissions, errors."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from duikou.core.choices import TokenScope
from duikou.core.tokens import issue_token


def user_with(*permissions: str, username: str = "api-user", role: str | None = "auditor", **fields):
    """A user holding the named permissions (`"projects.add_project"` …) as a member in `role`: by default
    an auditor, who reads every row and changes nothing; `role=None`: a user of no organization, who holds
    exactly the named permissions and reaches no rows (core/scoping.py)."""
    user, _ = get_user_model().objects.get_or_create(username=username, defaults=fields)
    if role is not None:
        # Read when asked: core does not import the apps above it at load time.
        from django.apps import apps

        membership_model = apps.get_model("accounts", "Membership")
        membership_model.objects.update_or_create(user=user, defaults={"role": role})
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return get_user_model().objects.get(pk=user.pk)  # a fresh permission cache


def token_client(user, *, scope: str = TokenScope.WRITE) -> APIClient:
    """A client that sends `Authorization: Token <key>` for `user`, as a script would."""
    _row, token = issue_token(user, scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def client_with(*permissions: str, username: str = "api-user", role: str | None = "auditor") -> APIClient:
    return token_client(user_with(*permissions, username=username, role=role))


def errors(response) -> list[tuple[str | None, str]]:
    """(field, code) of each item of an error answer, checking the format on the way."""
    body = response.json()
    assert set(body) == {"errors"}, body
    for item in body["errors"]:
        assert set(item) == {"field", "message", "code"}, item
        assert item["message"], item
    return [(item["field"], item["code"]) for item in body["errors"]]


def messages(response) -> dict[str | None, list[str]]:
    """The error answer's messages by field."""
    result: dict[str | None, list[str]] = {}
    for item in response.json()["errors"]:
        result.setdefault(item["field"], []).append(item["message"])
    return result
