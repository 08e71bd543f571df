"""The API's shared behaviour, through HTTP: authentication, permissions, the error format, language,
pagination, the change context, the schema and the offline Swagger UI (issue 4, item 6)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import yaml
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles import finders
from django.urls import reverse
from rest_framework.test import APIClient

from duikou.core.api.testing import client_with, errors, messages, token_client, user_with
from duikou.core.models import ObjectChange
from duikou.projects.models import Project
from duikou.testing import make_entry, make_project, project_fields

pytestmark = pytest.mark.django_db

# Every collection of the API, and the permission that reads it.
COLLECTIONS = {
    "api:project_list": "projects.view_project",
    "api:ledger_entry_list": "funds.view_ledgerentry",
    "api:assignment_list": "talent.view_assignment",
    "api:measurement_list": "outcomes.view_measurement",
    "api:indicator_list": "outcomes.view_indicator",
    "api:division_list": "geo.view_division",
    "api:organization_list": "parties.view_organization",
    "api:pairing_list": "pairings.view_pairing",
    "api:programme_list": "programmes.view_programme",
    "api:category_list": "programmes.view_category",
    "api:batch_list": "programmes.view_batch",
}
AGGREGATES = [
    "api:stats",
    "api:stats_by_supporter",
    "api:stats_by_category",
    "api:stats_by_zone",
    "api:stats_by_division",
    "api:stats_by_year",
]


def new_project_body(**overrides) -> dict:
    """A valid project as JSON: ids for the related rows, money as strings of yuan."""
    fields = project_fields(**overrides)
    body = {}
    for name, value in fields.items():
        body[name] = value.pk if hasattr(value, "pk") else str(value)
    body["plan_year"] = fields["plan_year"]
    return body


# --- authentication -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*COLLECTIONS, *AGGREGATES])
def test_every_endpoint_refuses_a_request_without_credentials(name):
    response = APIClient().get(reverse(name))
    assert response.status_code == 401
    assert errors(response) == [(None, "not_authenticated")]
    assert response.headers["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = client.get(reverse("api:project_list"))
    assert response.status_code == 401
    assert errors(response) == [(None, "authentication_failed")]


def test_a_token_signs_the_user_in():
    make_project()
    response = client_with("projects.view_project").get(reverse("api:project_list"))
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_web_session_signs_the_user_in_and_writes_need_the_csrf_token():
    user = user_with("projects.view_project", "projects.add_project")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(reverse("api:project_list")).status_code == 200

    response = client.post(reverse("api:project_list"), new_project_body(), format="json")

    assert response.status_code == 403
    assert errors(response) == [(None, "permission_denied")]
    assert "CSRF" in response.json()["errors"][0]["message"]
    assert not Project.objects.exists()


def test_with_the_csrf_token_a_session_writes():
    user = user_with("projects.view_project", "projects.add_project")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/login/")  # the page sets the CSRF cookie, as a browser session has it
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        reverse("api:project_list"), new_project_body(), format="json", HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 201, response.json()


# --- permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "permission"), COLLECTIONS.items())
def test_reading_needs_the_view_permission(name, permission):
    assert client_with(username="nobody", role=None).get(reverse(name)).status_code == 403
    assert client_with(permission, username="reader", role=None).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", AGGREGATES)
def test_the_figures_are_for_every_signed_in_user(name):
    from duikou.testing import make_programme

    make_programme()
    response = client_with(username="nobody").get(reverse(name))
    assert response.status_code == 200, response.json()


def test_writing_needs_the_add_permission():
    client = client_with("projects.view_project")
    response = client.post(reverse("api:project_list"), new_project_body(), format="json")
    assert response.status_code == 403
    assert errors(response) == [(None, "permission_denied")]
    assert not Project.objects.exists()


# --- the error format -----------------------------------------------------------------------------


def test_an_invalid_request_lists_every_field_at_fault():
    client = client_with("projects.view_project", "projects.add_project")
    response = client.post(reverse("api:project_list"), {"code": "X-1", "plan_year": 1800}, format="json")
    assert response.status_code == 400
    found = errors(response)
    assert ("plan_year", "min_value") in found
    assert {field for field, code in found if code == "required"} == {
        "programme",
        "name",
        "supporter",
        "division",
        "category",
    }


def test_a_missing_object_is_a_404_in_the_format():
    response = client_with("projects.view_project").get(reverse("api:project", args=[999999]))
    assert response.status_code == 404
    assert errors(response) == [(None, "not_found")]


@pytest.mark.parametrize(
    "path", ["/api/nothing-here/", "/api/projects/12345678901234567890123/", "/api/x\ny/"]
)
def test_an_unknown_path_under_api_is_a_404_in_the_format(path):
    response = client_with().get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert errors(response) == [(None, "not_found")]


def test_a_body_that_is_not_json_is_a_400_in_the_format():
    client = client_with("projects.view_project", "projects.add_project")
    response = client.generic(
        "POST", reverse("api:project_list"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert errors(response) == [(None, "parse_error")]


def test_filters_refuse_values_out_of_range_with_a_400():
    client = client_with("projects.view_project", "outcomes.view_measurement")
    response = client.get(reverse("api:project_list"), {"plan_year": "123456", "supporter": "9" * 25})
    assert response.status_code == 400
    assert {field for field, _ in errors(response)} == {"supporter"}
    response = client.get(reverse("api:measurement_list"), {"year": "99999", "indicator": "9" * 25})
    assert response.status_code == 400
    assert {field for field, _ in errors(response)} == {"indicator"}
    response = client.get(reverse("api:measurement_list"), {"year": "99999"})
    assert errors(response) == [("year", "max_value")]


# --- language -------------------------------------------------------------------------------------


def test_messages_are_chinese_by_default_and_english_on_request():
    client = client_with("projects.view_project")
    url = reverse("api:project", args=[999999])

    chinese = client.get(url)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert chinese.json()["errors"][0]["message"] == "未找到。"
    assert chinese.headers["Content-Language"] == "zh-hans"
    assert english.json()["errors"][0]["message"] == "Not found."
    assert english.headers["Content-Language"] == "en"
    assert "Accept-Language" in english.headers["Vary"]


def test_the_language_cookie_of_the_web_wins_over_the_browser_header():
    client = client_with("projects.view_project")
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("api:project", args=[999999]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"][0]["message"] == "未找到。"


def test_model_rules_speak_the_requested_language():
    client = client_with("projects.view_project", "projects.add_project")
    body = new_project_body(total_investment="999.00")

    chinese = messages(client.post(reverse("api:project_list"), body, format="json"))
    english = messages(
        client.post(reverse("api:project_list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    )

    assert chinese["total_investment"][0].startswith("总投资")
    assert english["total_investment"][0].startswith("Total investment")


def test_choice_labels_follow_the_language():
    project = make_project()
    client = client_with("projects.view_project")
    url = reverse("api:project", args=[project.pk])
    assert client.get(url).json()["status_display"] == "储备"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["status_display"] == "In reserve"


# --- pagination -----------------------------------------------------------------------------------


def test_lists_are_paged_with_a_page_size_up_to_a_cap():
    project = make_project()
    for day in range(1, 8):
        make_entry(project, value_date=project_date(day))
    client = client_with("funds.view_ledgerentry")
    url = reverse("api:ledger_entry_list")

    first = client.get(url, {"page_size": 3}).json()
    third = client.get(url, {"page_size": 3, "page": 3}).json()
    capped = client.get(url, {"page_size": 100000})

    assert first["count"] == 7
    assert len(first["results"]) == 3
    assert "page=2" in first["next"] and first["previous"] is None
    assert len(third["results"]) == 1 and third["next"] is None
    # Newest first, as on the ledger page; the pages do not overlap.
    dates = [row["value_date"] for row in first["results"]]
    assert dates == sorted(dates, reverse=True)
    assert capped.status_code == 200 and len(capped.json()["results"]) == 7


def test_a_page_past_the_end_is_a_404_in_the_format():
    make_project()
    response = client_with("projects.view_project").get(reverse("api:project_list"), {"page": 5})
    assert response.status_code == 404
    assert errors(response) == [(None, "not_found")]


def test_the_page_size_cap_is_500():
    from duikou.core.api.pagination import PageNumberPagination

    assert PageNumberPagination.max_page_size == 500


def project_date(day: int):
    import datetime

    return datetime.date(2024, 3, day)


# --- the change context ---------------------------------------------------------------------------


def project_change(pk: int) -> ObjectChange:
    return ObjectChange.objects.get(
        changed_object_type=ContentType.objects.get_for_model(Project), changed_object_id=pk, action="create"
    )


def test_a_write_with_a_token_is_logged_as_api_with_the_user():
    user = user_with("projects.view_project", "projects.add_project", username="hq-officer")
    response = token_client(user).post(reverse("api:project_list"), new_project_body(), format="json")
    assert response.status_code == 201, response.json()

    change = project_change(response.json()["id"])
    assert change.source == "api"
    assert change.user == user
    assert change.user_name == "hq-officer"
    assert change.note == "POST /api/projects/"


def test_a_write_with_the_session_is_logged_as_api_too():
    user = user_with("projects.view_project", "projects.add_project", username="web-officer")
    client = APIClient()
    client.force_login(user)
    response = client.post(reverse("api:project_list"), new_project_body(), format="json")
    change = project_change(response.json()["id"])
    assert (change.source, change.user) == ("api", user)


# --- schema and documentation ---------------------------------------------------------------------


def test_the_openapi_schema_describes_every_endpoint_and_the_error_format():
    response = APIClient().get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/projects/",
        "/api/projects/{id}/transition/",
        "/api/ledger-entries/{id}/reverse/",
        "/api/assignments/{id}/end/",
        "/api/measurements/{id}/",
        "/api/stats/",
        "/api/stats/by-year/",
    ):
        assert path in paths
    assert set(paths["/api/ledger-entries/{id}/"]) == {"get"}  # append-only: no put, patch, delete
    assert "Error" in schema["components"]["schemas"]
    assert paths["/api/projects/"]["post"]["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    # Money is a decimal string, never a float.
    amount = schema["components"]["schemas"]["Project"]["properties"]["aid_amount"]
    assert amount["type"] == "string" and amount["format"] == "decimal"


def test_the_schema_is_also_served_as_json():
    response = APIClient().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Duikou API"


class _References(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_the_swagger_ui_is_served_offline_from_local_static_files():
    response = APIClient().get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    parser = _References()
    parser.feed(html)

    assert parser.urls, "the page loads its script and style sheet"
    for url in parser.urls:
        assert url.startswith("/"), f"{url} is not on this server (no CDN on intranets)"
        assert not url.startswith("//")
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is not a shipped static file"
    assert "cdn" not in html.lower()
    # The start-up script is a file of its own (the CSP allows no inline script), and it loads the schema.
    script = APIClient().get(reverse("api:docs") + "?script=").content.decode()
    assert reverse("api:schema") in script


# --- query counts ---------------------------------------------------------------------------------


def _grow(name: str, count: int) -> None:
    """Add `count` rows behind the collection `name`, each with its related rows."""
    import datetime

    from duikou.testing import make_assignment, make_indicator, make_measurement

    for number in range(count):
        if name == "api:project_list":
            make_project()
        elif name == "api:ledger_entry_list":
            make_entry(make_project(), value_date=datetime.date(2024, 3, 1 + number))
        elif name == "api:assignment_list":
            make_assignment(person_name=f"张{number}")
        elif name == "api:measurement_list":
            make_measurement(make_project(), indicator=make_indicator(f"indicator-{number}"))


@pytest.mark.parametrize(
    ("name", "permission"),
    [
        ("api:project_list", "projects.view_project"),
        ("api:ledger_entry_list", "funds.view_ledgerentry"),
        ("api:assignment_list", "talent.view_assignment"),
        ("api:measurement_list", "outcomes.view_measurement"),
    ],
)
def test_a_list_reads_the_same_number_of_queries_whatever_its_rows(name, permission):
    """No N+1 (STYLE.md 19): every related name a row shows is read with the row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_with(permission)
    client.get(reverse(name))  # a token's first use is recorded (an UPDATE a minute at most), not a row's
    _grow(name, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    _grow(name, 6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(name)).json()["count"] == 8
    assert len(many) == len(few), [query["sql"] for query in many.captured_queries]
