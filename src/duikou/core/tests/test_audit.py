"""The audit trail (issue 5, item 6): every change says who, when, through which page, import batch or API
token and what changed; the audit log shows, filters and exports it for auditors; each object's history is
on its page and one link away in full."""

from __future__ import annotations

import csv
import datetime
import io
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duikou.accounts.choices import Role
from duikou.core.choices import TokenScope
from duikou.core.context import change_context, current_change_context
from duikou.core.models import ImportBatch, ObjectChange
from duikou.core.tokens import issue_token
from duikou.funds.models import LedgerEntry
from duikou.parties.choices import OrganizationKind
from duikou.projects.models import Project
from duikou.testing import make_county, make_project, make_supporter, make_user, project_fields, results_table

pytestmark = pytest.mark.django_db

AUDIT_LOG = "/audit/"


def changes_of(obj) -> list[ObjectChange]:
    content_type = ContentType.objects.get_for_model(type(obj))
    changes = ObjectChange.objects.filter(changed_object_type=content_type, changed_object_id=obj.pk)
    return list(changes.order_by("pk"))  # oldest first


def signed_in(client, role=Role.AUDITOR, username="auditor", **fields):
    user = make_user(username, role=role, **fields)
    client.force_login(user)
    return user


# --- what a change records ---------------------------------------------------------------------------------


def test_a_web_edit_records_the_page_it_came_through(client):
    # given
    project = make_project(name="旧名称")
    editor = signed_in(client, Role.PLATFORM_ADMIN, "editor")
    url = reverse("projects:project_edit", args=[project.pk])
    page = client.get(url)
    data = {**page.context["form"].initial, "name": "新名称"}
    data = {key: ("" if value is None else getattr(value, "pk", value)) for key, value in data.items()}
    for name in ("total_investment", "aid_amount", "local_matching", "other_funding"):
        data[name] = page.context["form"][name].value()

    # when
    response = client.post(url, data)

    # then
    assert response.status_code == 302, response.context["form"].errors
    change = changes_of(project)[-1]
    assert (change.action, change.source, change.user, change.request_path, change.api_token_prefix) == (
        "update",
        "web",
        editor,
        url,
        "",
    )
    assert change.note == f"POST {url}"
    assert change.changed_fields == ["name"]


def test_an_api_write_through_a_token_records_the_token_and_the_endpoint():
    # given
    project = make_project()
    user = make_user("treasurer", role=Role.SUPPORTER_EDITOR, organization=project.supporter)
    token_row, token = issue_token(user, scope=TokenScope.WRITE, name="省级平台同步")
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # when
    response = client.post(
        reverse("api:ledger_entry_list"),
        {"project": project.pk, "kind": "arrived", "amount": "1000.00", "value_date": "2024-05-06"},
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    entry = LedgerEntry.objects.get(pk=response.json()["id"])
    (change,) = changes_of(entry)
    assert (change.source, change.user, change.api_token_prefix, change.request_path) == (
        "api",
        user,
        token_row.prefix,
        "/api/ledger-entries/",
    )


def test_an_api_write_with_the_web_session_names_no_token(client):
    # given
    project = make_project()
    signed_in(client, Role.PLATFORM_ADMIN, "admin-user")

    # when
    response = client.patch(
        reverse("api:project", args=[project.pk]), {"name": "经会话改名"}, content_type="application/json"
    )

    # then
    assert response.status_code == 200, response.json()
    change = changes_of(project)[-1]
    assert (change.source, change.api_token_prefix, change.request_path) == (
        "api",
        "",
        f"/api/projects/{project.pk}/",
    )


def test_a_context_opened_inside_a_request_keeps_its_page_and_token():
    with change_context(source="web", request_path="/imports/projects/", api_token_prefix="abcd1234"):
        with change_context(source="import", note="import projects"):
            inner = current_change_context()
        with change_context(source="import", request_path="", api_token_prefix=""):
            cleared = current_change_context()
    assert (inner.source, inner.request_path, inner.api_token_prefix) == (
        "import",
        "/imports/projects/",
        "abcd1234",
    )
    assert (cleared.request_path, cleared.api_token_prefix) == ("", "")


# --- the history card on an object's page -----------------------------------------------------------------


def test_the_history_card_shows_who_through_what_and_the_difference(client):
    # given
    project = make_project(name="旧名称")
    with change_context(source="web", request_path="/projects/1/edit/", api_token_prefix=""):
        project.name = "新名称"
        project.save()
    signed_in(client, Role.SUPPORTER_VIEWER, "viewer", organization=project.supporter)

    # when
    page = client.get(project.get_absolute_url())

    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert "/projects/1/edit/" in html
    assert "<del>旧名称</del> → <ins>新名称</ins>" in html
    history_url = reverse("audit:object_history", kwargs={"model": "projects.project", "pk": project.pk})
    assert f'href="{history_url}"' in html
    assert 'data-action="audit-log"' not in html  # a supporter holds no core.view_objectchange


def test_the_history_card_links_auditors_to_the_audit_log(client):
    project = make_project()
    signed_in(client)

    html = client.get(project.get_absolute_url()).content.decode()

    assert f'href="{AUDIT_LOG}?object_type=projects.project&amp;object_id={project.pk}"' in html


def test_an_objects_full_history_lists_every_change_newest_first(client):
    # given: more changes than the card shows
    project = make_project(name="第0版")
    for number in range(1, 56):
        project.name = f"第{number}版"
        project.save()
    make_project(code="OTHER-1")  # another object's changes stay out
    signed_in(client, Role.SUPPORTER_VIEWER, "viewer", organization=project.supporter)
    url = reverse("audit:object_history", kwargs={"model": "projects.project", "pk": project.pk})

    # when
    page = client.get(url, {"per_page": 100})

    # then
    table = results_table(page)
    assert page.status_code == 200
    assert len(table.pks) == 56
    assert table.column("操作")[0] == "修改" and table.column("操作")[-1] == "新增"
    assert "第54版 → 第55版" in table.column("修改内容（前 → 后）")[0]


def test_an_objects_history_is_404_for_what_the_user_cannot_see_or_what_is_not_logged(client):
    project = make_project()
    signed_in(client, Role.SUPPORTER_VIEWER, "viewer", organization=make_supporter("上海市"))  # the project's
    other = make_supporter("浙江省")
    signed_in(client, Role.SUPPORTER_VIEWER, "other-viewer", organization=other)

    assert (
        client.get(reverse("audit:object_history", args=["projects.project", project.pk])).status_code == 404
    )
    assert (
        client.get(reverse("audit:object_history", args=["projects.nothing", project.pk])).status_code == 404
    )
    assert client.get(reverse("audit:object_history", args=["core.objectchange", 1])).status_code == 404


# --- the audit log -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDITOR, 200),
        (Role.COORDINATION_OFFICE, 200),
        (Role.PLATFORM_ADMIN, 200),
        (Role.SUPPORTER_EDITOR, 403),
        (Role.SUPPORTER_VIEWER, 403),
        (Role.RECIPIENT_EDITOR, 403),
        (Role.RECIPIENT_VIEWER, 403),
    ],
)
def test_the_audit_log_is_for_auditors_the_office_and_administrators(client, role, status):
    organization = None
    if role in (Role.SUPPORTER_EDITOR, Role.SUPPORTER_VIEWER):
        organization = make_supporter()
    elif role in (Role.RECIPIENT_EDITOR, Role.RECIPIENT_VIEWER):
        organization = make_supporter(
            "莎车县人民政府", kind=OrganizationKind.RECIPIENT_GOVERNMENT, home_division=make_county()
        )
    signed_in(client, role, f"user-{role}", organization=organization)

    response = client.get(AUDIT_LOG)

    assert response.status_code == status
    menu = client.get("/").content.decode()
    assert (f'href="{AUDIT_LOG}"' in menu) is (status == 200)


def test_the_audit_log_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(AUDIT_LOG)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


@pytest.fixture
def logged_world():
    """Changes through each channel: a web edit, an API post with a token, an import batch, a command."""
    officer = make_user("officer-a", role=Role.PLATFORM_ADMIN)
    project = make_project(code="A-1", name="喀什职业学校")
    with change_context(user=officer, source="web", request_path="/projects/9/edit/"):
        project.name = "喀什职业技术学校"
        project.save()
    with change_context(
        user=officer, source="api", request_path="/api/ledger-entries/", api_token_prefix="cafe0001"
    ):
        entry = LedgerEntry.objects.create(
            programme=project.programme,
            kind="arrived",
            amount="5000.00",
            value_date=datetime.date(2024, 3, 1),
            fiscal_year=2024,
            supporter=project.supporter,
            division=project.division,
            project=project,
        )
    batch = ImportBatch.objects.create(kind=ImportBatch.Kind.IMPORT, label="projects.xlsx")
    with change_context(user=officer, source="import", import_batch=batch, note="import projects"):
        imported = Project.objects.create(**project_fields(code="B-2", name="和田水厂"))
    return {"officer": officer, "project": project, "entry": entry, "batch": batch, "imported": imported}


def listed(client, **params) -> list[int]:
    response = client.get(AUDIT_LOG, {"per_page": 200, **params})
    assert response.status_code == 200
    return results_table(response).pks


def test_the_audit_log_filters_by_each_question_an_auditor_asks(client, logged_world):
    signed_in(client)
    project, entry, imported = logged_world["project"], logged_world["entry"], logged_world["imported"]
    edit = changes_of(project)[-1]
    (posting,) = changes_of(entry)
    (imported_change,) = changes_of(imported)

    assert listed(client, source="api") == [posting.pk]
    assert listed(client, api_token="CAFE0001") == [posting.pk]
    assert listed(client, import_batch=logged_world["batch"].pk) == [imported_change.pk]
    assert listed(client, object_type="funds.ledgerentry") == [posting.pk]
    assert listed(client, object_type="projects.project", action="update") == [edit.pk]
    assert listed(client, object_type="projects.project", object_id=project.pk) == [
        edit.pk,
        changes_of(project)[0].pk,
    ]
    assert listed(client, user_name="OFFICER-A") == [imported_change.pk, posting.pk, edit.pk]
    assert listed(client, request_id=str(posting.request_id)) == [posting.pk]
    assert listed(client, request_id=str(uuid.uuid4())) == []
    assert listed(client, q="/projects/9/") == [edit.pk]
    assert listed(client, q="和田水厂") == [imported_change.pk]
    today = timezone.localdate()
    assert (
        len(listed(client, time_after=today.isoformat(), time_before=today.isoformat()))
        == ObjectChange.objects.count()
    )
    assert listed(client, time_before=(today - datetime.timedelta(days=1)).isoformat()) == []
    assert listed(client, time_after=(today + datetime.timedelta(days=1)).isoformat()) == []


def test_a_row_shows_the_channel_and_the_difference(client, logged_world):
    signed_in(client)
    edit = changes_of(logged_world["project"])[-1]

    table = results_table(client.get(AUDIT_LOG, {"per_page": 200}))
    row = table.rows[table.pks.index(edit.pk)]
    cells = dict(zip(table.headers, row, strict=True))
    (posting,) = changes_of(logged_world["entry"])
    posting_cells = dict(zip(table.headers, table.rows[table.pks.index(posting.pk)], strict=True))

    assert cells["修改内容（前 → 后）"] == "项目名称 喀什职业学校 → 喀什职业技术学校"
    assert (cells["操作"], cells["对象类型"], cells["用户"], cells["来源"], cells["页面"]) == (
        "修改",
        "项目",
        "officer-a",
        "网页",
        "/projects/9/edit/",
    )
    assert posting_cells["来源"] == "API · 令牌 cafe0001…"


def test_the_export_holds_the_filtered_rows_with_their_differences(client, logged_world):
    signed_in(client)
    edit = changes_of(logged_world["project"])[-1]

    response = client.get(AUDIT_LOG, {"object_type": "projects.project", "action": "update", "export": "csv"})

    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1
    assert rows[0]["对象编号"] == str(edit.changed_object_id)
    assert rows[0]["修改内容（前 → 后）"] == "项目名称: 喀什职业学校 → 喀什职业技术学校"
    assert rows[0]["页面"] == "/projects/9/edit/"


def test_the_xlsx_export_names_the_token(client, logged_world):
    from python_calamine import CalamineWorkbook

    signed_in(client)
    response = client.get(
        AUDIT_LOG, {"source": "api", "export": "xlsx", "columns": ["time", "source", "api_token"]}
    )

    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = workbook.get_sheet_by_index(0).to_python()
    assert rows[0] == ["时间", "来源", "API 令牌"]
    assert rows[1][1:] == ["API · 令牌 cafe0001…", "cafe0001"]


def test_the_audit_log_reads_a_constant_number_of_queries(client, logged_world):
    signed_in(client)
    all_columns = [
        column.name
        for column in __import__("duikou.core.audit.tables", fromlist=["x"]).ObjectChangeTable.columns
    ]
    project = logged_world["project"]
    for number in range(30):
        with change_context(source="test", import_batch=logged_world["batch"]):
            project.name = f"名称{number}"
            project.save()

    def count(per_page):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(AUDIT_LOG, {"per_page": per_page, "columns": all_columns})
        assert response.status_code == 200
        return len(queries)

    assert count(25) == count(50)
