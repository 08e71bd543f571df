"""Annual plan pages through HTTP (issue 5, item 4): the list and its filters, a new plan, submit → return
→ resubmit → issue on the plan's action pages, an adjustment after issue on the project's edit page (and the
refusal without a reason), a version's difference and its plan table."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from duikou.core.models import ObjectChange
from duikou.projects.models import AnnualPlan, PlanAdjustment, PlanVersion, Project
from duikou.projects.plans.choices import PlanState
from duikou.testing import (
    PLAN_YEAR,
    REQUIRED,
    form_errors,
    make_programme,
    make_project,
    make_supporter,
    make_user,
    results_table,
)

pytestmark = pytest.mark.django_db


def login_with(client, username: str, *codenames: str):
    user = make_user(username)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="projects", codename__in=codenames)
    )
    client.force_login(user)
    return client


@pytest.fixture
def hq(client):
    return login_with(
        client,
        "hq",
        "add_annualplan",
        "submit_annualplan",
        "view_project",
        "change_project",
        "add_planadjustment",
    )


@pytest.fixture
def world():
    hospital = make_project(code="P-1", name="莎车县人民医院门诊楼")
    school = make_project(
        code="P-2",
        name="莎车县第一中学教学楼",
        total_investment=Decimal("3000000.00"),
        aid_amount=Decimal("3000000.00"),
        local_matching=Decimal("0.00"),
    )
    plan = AnnualPlan.objects.create(programme=make_programme(), supporter=make_supporter(), year=PLAN_YEAR)
    return plan, hospital, school


def act(client, plan, step: str, **data):
    return client.post(reverse(f"plans:plan_{step}", args=[plan.pk]), data)


def project_form_data(project: Project, **changes) -> dict:
    data = {
        "programme": project.programme_id,
        "code": project.code,
        "name": project.name,
        "plan_year": project.plan_year,
        "supporter": project.supporter_id,
        "division": project.division_id,
        "implementation_level": project.implementation_level,
        "category": project.category_id,
        "delivery_mode": project.delivery_mode,
        "construction_type": project.construction_type,
        "is_in_plan": "on" if project.is_in_plan else "",
        "is_fixed_asset": "on",
        "total_investment": str(project.total_investment / 10000),
        "aid_amount": str(project.aid_amount / 10000),
        "local_matching": str(project.local_matching / 10000),
        "other_funding": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_whole_workflow_through_the_pages(client, world):
    plan, _hospital, _school = world
    hq = login_with(client, "hq", "submit_annualplan")

    response = act(hq, plan, "submit", comment="请审核")
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()

    office = login_with(client, "office", "review_annualplan")
    page = office.get(plan.get_absolute_url())
    assert 'data-action="issue"' in page.content.decode()
    assert form_errors(act(office, plan, "return", comment="")) == {"comment": [str(REQUIRED)]}
    assert act(office, plan, "return", comment="请补充可研批复").status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED

    hq = login_with(client, "hq", "submit_annualplan")
    page = hq.get(plan.get_absolute_url()).content.decode()
    assert "请补充可研批复" in page
    assert act(hq, plan, "submit", comment="已补充").status_code == 302

    office = login_with(client, "office", "review_annualplan")
    response = act(
        office, plan, "issue", issued_on="2024-03-01", document_reference="沪援疆发〔2024〕1号", comment=""
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.state, plan.version, str(plan.issued_on)) == (PlanState.ISSUED, 1, "2024-03-01")
    page = office.get(plan.get_absolute_url())
    html = page.content.decode()
    assert "第1版" in html
    assert results_table(page, "plan-projects").column("项目编号") == ["P-1", "P-2"]
    assert 'data-figure="aid-total">380.00万元' in html


def test_the_steps_need_their_permissions(client, world):
    plan, *_ = world
    hq = login_with(client, "hq", "submit_annualplan")
    assert act(hq, plan, "issue").status_code == 403
    viewer = login_with(client, "viewer")
    assert act(viewer, plan, "submit").status_code == 403
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_a_step_out_of_order_shows_why_and_changes_nothing(client, world):
    plan, *_ = world
    office = login_with(client, "office", "review_annualplan")
    response = act(office, plan, "issue", issued_on="2024-03-01")
    assert form_errors(response) == {"__all__": ["2024年度上海市援疆项目计划 当前为“编制中”，不能下达。"]}
    assert PlanVersion.objects.count() == 0


def test_a_new_plan_on_its_form(hq, world):
    AnnualPlan.objects.all().delete()
    response = hq.post(
        reverse("plans:plan_add"),
        {"programme": make_programme().pk, "supporter": make_supporter().pk, "year": PLAN_YEAR},
    )
    plan = AnnualPlan.objects.get()
    assert response.url == plan.get_absolute_url()
    assert plan.state == PlanState.DRAFT


def test_the_list_filters_by_year_supporter_and_state(client, world):
    plan, *_ = world
    other = AnnualPlan.objects.create(
        programme=make_programme(), supporter=make_supporter("江苏省"), year=2025
    )
    viewer = login_with(client, "viewer")
    url = reverse("plans:plan_list")

    assert sorted(results_table(viewer.get(url)).pks) == sorted([plan.pk, other.pk])
    assert results_table(viewer.get(url, {"year": 2025})).pks == [other.pk]
    assert results_table(viewer.get(url, {"supporter": plan.supporter_id})).pks == [plan.pk]
    assert results_table(viewer.get(url, {"state": "issued"})).pks == []
    assert results_table(viewer.get(url, {"state": "draft"})).column("状态") == ["编制中", "编制中"]


def issue(client, plan):
    act(login_with(client, "hq", "submit_annualplan"), plan, "submit")
    act(login_with(client, "office", "review_annualplan"), plan, "issue", issued_on="2024-03-01")
    plan.refresh_from_db()
    assert plan.state == PlanState.ISSUED


def test_a_change_after_issue_without_reason_is_refused_on_the_project_form(client, world):
    plan, hospital, _school = world
    issue(client, plan)
    hq = login_with(client, "hq", "view_project", "change_project", "add_planadjustment")
    changes = ObjectChange.objects.count()

    response = hq.post(
        reverse("projects:project_edit", args=[hospital.pk]),
        project_form_data(hospital, aid_amount="90", local_matching="10"),
    )

    assert response.status_code == 200
    assert form_errors(response) == {
        "adjustment_reason": [
            "修改已下达的2024年度上海市援疆项目计划（第1版）中项目的援助资金、地方配套属于计划调整，"
            "须填写调整原因和审批人（单位）。"
        ],
        "adjustment_approver": ["请填写审批人（单位）。"],
    }
    hospital.refresh_from_db()
    assert hospital.aid_amount == Decimal("800000.00")
    assert (PlanAdjustment.objects.count(), ObjectChange.objects.count()) == (0, changes)


def test_an_adjustment_after_issue_with_reason_and_approver_on_the_project_form(client, world):
    plan, hospital, _school = world
    issue(client, plan)
    hq = login_with(client, "hq", "view_project", "change_project", "add_planadjustment")
    page = hq.get(reverse("projects:project_edit", args=[hospital.pk])).content.decode()
    assert 'name="adjustment_reason"' in page  # asked up front: the project is in an issued plan

    response = hq.post(
        reverse("projects:project_edit", args=[hospital.pk]),
        project_form_data(
            hospital,
            aid_amount="90",
            local_matching="10",
            adjustment_reason="门诊楼扩建",
            adjustment_approver="上海市发展改革委",
            adjustment_reference="沪发改〔2024〕12号",
        ),
    )

    assert response.status_code == 302
    adjustment = PlanAdjustment.objects.get()
    assert (adjustment.reason, adjustment.approved_by, adjustment.approval_reference) == (
        "门诊楼扩建",
        "上海市发展改革委",
        "沪发改〔2024〕12号",
    )
    assert adjustment.recorded_by.username == "hq"
    hospital.refresh_from_db()
    assert hospital.aid_amount == Decimal("900000.00")
    plan.refresh_from_db()
    assert plan.version == 2
    page = hq.get(plan.get_absolute_url())
    assert results_table(page, "adjustments").column("调整原因") == ["门诊楼扩建"]
    assert results_table(page, "versions").column("版本") == ["第2版", "第1版"]


def test_a_new_in_plan_project_for_an_issued_plan_asks_for_the_adjustment(client, world):
    plan, hospital, _school = world
    issue(client, plan)
    hq = login_with(client, "hq", "view_project", "add_project", "add_planadjustment")
    data = project_form_data(hospital, code="P-9", name="莎车县幼儿园")

    refused = hq.post(reverse("projects:project_add"), data)
    assert form_errors(refused)["adjustment_reason"] == [
        "将项目调入已下达的2024年度上海市援疆项目计划（第1版）属于计划调整，须填写调整原因和审批人（单位）。"
    ]
    assert not Project.objects.filter(code="P-9").exists()

    accepted = hq.post(
        reverse("projects:project_add"),
        {**data, "adjustment_reason": "新增", "adjustment_approver": "发改委"},
    )
    assert accepted.status_code == 302
    assert PlanAdjustment.objects.get().kind == "add"


def test_an_editor_without_the_adjustment_permission_is_told_so(client, world):
    plan, hospital, _school = world
    issue(client, plan)
    editor = login_with(client, "editor", "view_project", "change_project")

    response = editor.post(
        reverse("projects:project_edit", args=[hospital.pk]),
        project_form_data(hospital, name="改名", adjustment_reason="改名", adjustment_approver="发改委"),
    )

    assert form_errors(response)["__all__"] == [
        "修改已下达的2024年度上海市援疆项目计划（第1版）中项目的项目名称属于计划调整，"
        "须填写调整原因和审批人（单位）。您没有登记计划调整的权限。"
    ]
    assert Project.objects.get(pk=hospital.pk).name == "莎车县人民医院门诊楼"


def test_a_change_that_is_not_a_plan_fact_needs_no_adjustment(client, world):
    plan, hospital, _school = world
    issue(client, plan)
    hq = login_with(client, "hq", "view_project", "change_project")
    response = hq.post(
        reverse("projects:project_edit", args=[hospital.pk]),
        project_form_data(hospital, description="新的建设内容说明"),
    )
    assert response.status_code == 302
    assert PlanAdjustment.objects.count() == 0


def test_a_version_page_shows_the_difference_and_exports_its_plan_table(client, world):
    plan, hospital, _school = world
    issue(client, plan)
    hq = login_with(client, "hq", "view_project", "change_project", "add_planadjustment")
    hq.post(
        reverse("projects:project_edit", args=[hospital.pk]),
        project_form_data(
            hospital,
            aid_amount="90",
            local_matching="10",
            adjustment_reason="扩建",
            adjustment_approver="发改委",
        ),
    )

    page = hq.get(plan.versions.get(number=2).get_absolute_url())
    assert page.status_code == 200
    diff = results_table(page, "diff")
    assert diff.headers == ["项目编号", "项目名称", "变化"]
    assert "援助资金：80.00万元 → 90.00万元" in page.content.decode()

    first = hq.get(reverse("plans:plan_version_table", args=[plan.versions.get(number=1).pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(first.streaming_content)))
    sheet = workbook.active
    assert sheet["A1"].value == "2024年度上海市对口援疆项目计划表"
    assert sheet.cell(row=5, column=9).value == 380  # 合计 援助资金 in 万元, as issued (version 1)
    second = hq.get(reverse("plans:plan_version_table", args=[plan.versions.get(number=2).pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(second.streaming_content))).active
    assert sheet.cell(row=5, column=9).value == 390
    assert hq.get(reverse("plans:plan_version", args=[999999])).status_code == 404
