"""What the scope does beyond the matrix's status codes: lists, exports, imports, writes and figures hold only
the user's own rows (issue 5, item 1; core/scoping.py). The world is `world.py`'s."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from duikou.core.imports.registry import importer_for
from duikou.core.models import LoggedModel
from duikou.core.scoping import access_scope, restrict
from duikou.funds.models import LedgerEntry
from duikou.parties.choices import OrganizationKind
from duikou.projects.models import AnnualPlan, PlanAdjustment, PlanVersion, Project
from duikou.testing import PLAN_YEAR, make_supporter, make_user, project_fields

from .world import RE, RV, SE, SV, U

pytestmark = pytest.mark.django_db

# Logged models whose owners are still building them: until they declare a rule, scoped users reach none of
# their rows.
RULE_NOT_YET_DECLARED: set[str] = set()


def test_every_logged_model_declares_who_reaches_its_rows():
    missing = sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if issubclass(model, LoggedModel) and getattr(model, "access_rule", None) is None
    )
    assert [label for label in missing if label not in RULE_NOT_YET_DECLARED] == []


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


LISTS = [
    ("projects:project_list", "project"),
    ("funds:entry_list", "entry"),
    ("funds:arrival_list", "entry"),
    ("talent:assignment_list", "assignment"),
    ("outcomes:measurement_list", "measurement"),
]
API_LISTS = [
    ("api:project_list", "project"),
    ("api:ledger_entry_list", "entry"),
    ("api:assignment_list", "assignment"),
    ("api:measurement_list", "measurement"),
]


@pytest.mark.parametrize(("name", "kind"), LISTS)
@pytest.mark.parametrize("role", [SE, SV, RE, U])
def test_a_list_and_its_export_hold_only_the_rows_in_scope(name, kind, role, world):
    own, other = (world["objects"][kind][which] for which in ("own", "other"))
    client = client_of(world["users"][role])

    page = client.get(reverse(name))
    exported = client.get(reverse(name) + "?export=csv")

    rows = [row for row in page.context["rows"]]
    shown = {row[0].pk if isinstance(row, tuple) else row.pk for row in rows}
    wanted = {own.pk, other.pk} if role == U else {own.pk}
    assert shown == wanted
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(lines) - 1 == len(wanted)


@pytest.mark.parametrize(("name", "kind"), API_LISTS)
@pytest.mark.parametrize("role", [SE, RE, U])
def test_an_api_list_holds_only_the_rows_in_scope(name, kind, role, world):
    own, other = (world["objects"][kind][which] for which in ("own", "other"))

    body = client_of(world["users"][role]).get(reverse(name)).json()

    wanted = {own.pk, other.pk} if role == U else {own.pk}
    assert {item["id"] for item in body["results"]} == wanted


def test_the_background_export_job_writes_the_rows_of_its_user(world, settings, tmp_path):
    from duikou.core.jobs.tasks import run_export
    from duikou.core.models import BackgroundJob
    from duikou.projects.views import ProjectListView

    settings.DUIKOU_JOB_FILES = str(tmp_path)
    job = BackgroundJob.objects.create(
        kind="export",
        label="projects",
        user=world["users"][SE],
        parameters={
            "view": f"{ProjectListView.__module__}.{ProjectListView.__qualname__}",
            "query": "per_page=50",
            "columns": ["code"],
            "sort": None,
            "format": "csv",
            "title": "项目",
        },
    )

    run_export(job, lambda done, total: None)

    assert job.result["rows"] == 1


def test_a_user_of_no_organization_reaches_no_rows(world):
    nobody = make_user("nobody", role=None)

    assert access_scope(nobody).everything is False
    assert not restrict(Project.objects.all(), nobody, "view").exists()
    assert client_of(nobody).get(reverse("projects:project_list")).context["page"].paginator.count == 0


# -- writes that would leave the scope ------------------------------------------------------------------
def test_a_supporter_editor_cannot_create_a_project_for_another_supporter_on_the_page(world):
    other = world["objects"]["supporter"]["other"]
    fields = project_fields(supporter=other, division=world["objects"]["division"]["other"])
    before = Project.objects.count()

    response = client_of(world["users"][SE]).post(
        reverse("projects:project_add"),
        {
            "programme": fields["programme"].pk,
            "code": "ZJ-9999",
            "name": "越权项目",
            "supporter": other.pk,
            "division": fields["division"].pk,
            "category": fields["category"].pk,
            "plan_year": fields["plan_year"],
            "implementation_level": "county",
            "delivery_mode": "turnkey",
            "construction_type": "new",
            "status": "reserve",
            "total_investment": "100",
            "aid_amount": "80",
            "local_matching": "20",
            "other_funding": "0",
        },
    )

    assert response.status_code == 200
    assert "超出您的数据范围" in response.content.decode(), response.context["form"].errors
    assert Project.objects.count() == before
    assert not Project.objects.filter(code="ZJ-9999").exists()


def test_a_supporter_editor_cannot_move_its_project_to_another_supporter_through_the_api(world):
    project = world["objects"]["project"]["own"]
    other = world["objects"]["supporter"]["other"]

    response = client_of(world["users"][SE]).patch(
        reverse("api:project", args=[project.pk]), {"supporter": other.pk}, content_type="application/json"
    )

    assert response.status_code == 400, response.json()
    assert response.json()["errors"][0]["code"] == "out_of_scope"
    project.refresh_from_db()
    assert project.supporter == world["objects"]["supporter"]["own"]


def test_a_supporter_editor_cannot_post_to_another_supporters_books(world):
    other_project = world["objects"]["project"]["other"]
    before = LedgerEntry.objects.count()

    response = client_of(world["users"][SE]).post(
        reverse("api:ledger_entry_list"),
        {
            "kind": "arrived",
            "amount": "1000.00",
            "value_date": "2024-05-01",
            "programme": other_project.programme_id,
            "supporter": other_project.supporter_id,
            "division": other_project.division_id,
        },
        content_type="application/json",
    )

    assert response.status_code == 400, response.json()
    assert response.json()["errors"][0]["code"] == "out_of_scope"
    assert LedgerEntry.objects.count() == before


def test_a_recipient_confirms_its_own_arrival_and_not_another(world):
    from duikou.funds.models import ArrivalConfirmation

    client = client_of(world["users"][RE])
    own, other = world["objects"]["entry"]["own"], world["objects"]["entry"]["other"]

    confirmed = client.post(reverse("funds:entry_confirm", args=[own.pk]), {"reason": ""})
    refused = client.post(reverse("funds:entry_confirm", args=[other.pk]), {"reason": ""})

    assert confirmed.status_code == 302
    assert refused.status_code == 404
    assert list(ArrivalConfirmation.objects.values_list("entry_id", flat=True)) == [own.pk]


# -- annual plans (projects/plans/models.py::AnnualPlan.access_rule) ---------------------------------------
@pytest.mark.parametrize("role", [SE, SV, RE, RV, U])
def test_a_plan_reaches_its_supporters_members_and_no_recipient(role, world, plans):
    client = client_of(world["users"][role])
    wanted = {
        SE: {plans["own"].pk},
        SV: {plans["own"].pk},
        RE: set(),
        RV: set(),
        U: {plans["own"].pk, plans["other"].pk},
    }[role]

    page = client.get(reverse("plans:plan_list"))
    listed = client.get(reverse("api:annual_plan_list")).json()

    assert {row[0].pk if isinstance(row, tuple) else row.pk for row in page.context["rows"]} == wanted
    assert {item["id"] for item in listed["results"]} == wanted


def test_a_supporting_citys_member_reaches_no_plan_of_its_province(world, plans):
    """A plan lists every city's projects: a city's scope (itself) would widen to its sibling cities'."""
    own = world["objects"]["supporter"]["own"]
    city = make_supporter("衢州市", kind=OrganizationKind.SUPPORTING_CITY, parent=own)
    client = client_of(make_user("quzhou-editor", role=SE, organization=city))

    assert client.get(reverse("plans:plan_list")).context["page"].paginator.count == 0
    assert client.get(reverse("plans:plan", args=[plans["own"].pk])).status_code == 404
    version = world["objects"]["version"]["own"]
    assert client.get(reverse("plans:plan_version", args=[version.pk])).status_code == 404


def test_a_supporter_editor_cannot_open_a_plan_for_another_supporter(world):
    other = world["objects"]["supporter"]["other"]

    response = client_of(world["users"][SE]).post(
        reverse("plans:plan_add"),
        {"programme": world["objects"]["programme"]["own"].pk, "supporter": other.pk, "year": PLAN_YEAR + 1},
    )

    assert response.status_code == 200
    assert "超出您的数据范围" in response.content.decode(), response.context["form"].errors
    assert not AnnualPlan.objects.filter(supporter=other).exists()


def test_a_supporter_editor_cannot_submit_another_supporters_plan_through_the_service(world):
    from django.core.exceptions import ValidationError

    from duikou.projects.plans.services import submit_plan

    plan = AnnualPlan.objects.create(
        programme=world["objects"]["programme"]["own"],
        supporter=world["objects"]["supporter"]["other"],
        year=PLAN_YEAR,
    )

    with pytest.raises(ValidationError) as refused:
        submit_plan(plan, acting_user=world["users"][SE])

    assert refused.value.code == "out_of_scope"
    plan.refresh_from_db()
    assert (plan.state, plan.reviews.count()) == ("draft", 0)


def test_moving_a_planned_project_to_another_supporter_with_an_adjustment_is_refused(world, plans):
    project = world["objects"]["project"]["own"]
    versions = PlanVersion.objects.count()

    response = client_of(world["users"][SE]).patch(
        reverse("api:project", args=[project.pk]),
        {
            "supporter": world["objects"]["supporter"]["other"].pk,
            "adjustment_reason": "移交",
            "adjustment_approver": "自治区发展改革委",
        },
        content_type="application/json",
    )

    assert response.status_code == 400, response.json()
    assert response.json()["errors"][0]["code"] == "out_of_scope"
    project.refresh_from_db()
    assert project.supporter == world["objects"]["supporter"]["own"]
    assert (PlanAdjustment.objects.count(), PlanVersion.objects.count()) == (0, versions)


# -- imports ----------------------------------------------------------------------------------------------
HEADER = [
    "项目编号",
    "项目名称",
    "年度",
    "援疆省市",
    "受援地",
    "项目类别",
    "总投资（万元）",
    "其中：援疆资金（万元）",
    "地方配套（万元）",
]


def import_file(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode("utf-8-sig")


def test_an_import_refuses_the_rows_of_another_supporter_with_a_row_error(world):
    other_code = world["objects"]["project"]["other"].code
    data = import_file(
        [
            ["ZJ-2025-0001", "莎车县小学", "2025", "浙江省", "653125", "民生", "100", "80", "20"],
            ["SH-2025-0001", "和田县小学", "2025", "上海市", "653221", "民生", "100", "80", "20"],
            [other_code, "改名", "2024", "浙江省", "653125", "民生", "100", "80", "20"],
        ]
    )
    before = Project.objects.count()

    result = importer_for("projects").run(data, "计划.csv", user=world["users"][SE])

    # row 3 is another supporter's; row 4 is the user's own, under a code another supporter's project has
    assert [(error.row, error.column) for error in result.errors] == [(3, "援疆省市"), (4, "项目编号")]
    assert all("超出您的数据范围" in error.message for error in result.errors)
    assert "换一个编号" in result.errors[1].message
    assert Project.objects.count() == before  # all or nothing


def test_an_import_row_of_another_supporters_planned_project_names_no_plan_of_theirs(world, plans):
    """The scope is checked before the plan guard: the refusal is the scope's, not 上海市's plan's."""
    other_code = world["objects"]["project"]["other"].code
    data = import_file([[other_code, "改名", "2024", "浙江省", "653125", "民生", "100", "80", "20"]])

    result = importer_for("projects").run(data, "计划.csv", user=world["users"][SE])

    assert [(error.row, error.column) for error in result.errors] == [(2, "项目编号")]
    assert "超出您的数据范围" in result.errors[0].message
    assert "上海市" not in result.errors[0].message


def test_the_same_import_by_the_office_command_is_unrestricted(world):
    data = import_file(
        [["SH-2025-0001", "和田县小学", "2025", "上海市", "653221", "民生", "100", "80", "20"]]
    )

    result = importer_for("projects").run(data, "计划.csv")

    assert result.errors == []


# -- dashboards ---------------------------------------------------------------------------------------------
def test_a_supporters_figures_are_its_own_unless_the_programme_allows_comparisons(world):
    programme = world["objects"]["programme"]["own"]
    client = client_of(world["users"][SE])
    own_aid = world["objects"]["project"]["own"].aid_amount
    query = {"programme": programme.code, "year": 2024}

    narrowed = client.get(reverse("api:stats_by_supporter"), query).json()
    programme.allows_supporter_comparison = True
    programme.save()
    compared = client.get(reverse("api:stats_by_supporter"), query).json()

    assert [(row["name"], Decimal(str(row["aid"]))) for row in narrowed] == [("浙江省", own_aid)], narrowed
    assert {row["name"] for row in compared} == {"浙江省", "上海市"}
