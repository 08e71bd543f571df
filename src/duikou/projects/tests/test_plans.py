"""The annual plan workflow (issue 5, item 4) through its services: submit, return, resubmit, issue (which
freezes version 1), adjustments after issue with reason and approver (each freezing the next version), the
refusals, and the difference between versions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from duikou.core.models import ObjectChange
from duikou.parties.choices import OrganizationKind
from duikou.projects.models import (
    AnnualPlan,
    PlanAdjustment,
    PlanReview,
    PlanVersion,
    PlanVersionItem,
    Project,
)
from duikou.projects.plans.choices import AdjustmentKind, PlanState, ReviewAction, VersionCause
from duikou.projects.plans.guard import IssuedPlanGuard, check_import_row
from duikou.projects.plans.services import (
    issue_plan,
    plan_of,
    plan_projects,
    record_adjustment,
    return_plan,
    submit_plan,
)
from duikou.projects.plans.snapshots import version_diff, version_plan_table
from duikou.testing import (
    PLAN_YEAR,
    clean_errors,
    make_pairing,
    make_programme,
    make_project,
    make_supporter,
    make_user,
)

pytestmark = pytest.mark.django_db

ISSUED_ON = datetime.date(PLAN_YEAR, 3, 1)


def user_with(username: str, *codenames: str):
    user = make_user(username)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="projects", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # permissions are cached on the instance


@pytest.fixture
def supporter_user():
    return user_with("hq", "submit_annualplan", "change_project", "add_project", "add_planadjustment")


@pytest.fixture
def office():
    return user_with("office", "review_annualplan")


def make_plan(**fields) -> AnnualPlan:
    fields = {"programme": make_programme(), "supporter": make_supporter(), "year": PLAN_YEAR, **fields}
    return AnnualPlan.objects.create(**fields)


@pytest.fixture
def plan_with_two_projects():
    hospital = make_project(code="P-1", name="莎车县人民医院门诊楼")
    school = make_project(
        code="P-2",
        name="莎车县第一中学教学楼",
        total_investment=Decimal("3000000.00"),
        aid_amount=Decimal("3000000.00"),
        local_matching=Decimal("0.00"),
    )
    return make_plan(), hospital, school


def issued(plan, supporter_user, office) -> PlanVersion:
    submit_plan(plan, acting_user=supporter_user)
    return issue_plan(plan, acting_user=office, issued_on=ISSUED_ON, document_reference="沪援疆发〔2024〕1号")


# --- the review ------------------------------------------------------------------------------------------


def test_the_whole_workflow_returned_then_resubmitted_then_issued(
    plan_with_two_projects, supporter_user, office
):
    plan, _hospital, _school = plan_with_two_projects

    submit_plan(plan, acting_user=supporter_user, comment="请审核")
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED

    return_plan(plan, acting_user=office, comment="第一中学教学楼缺少可研批复")
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED
    assert plan.version == 0

    submit_plan(plan, acting_user=supporter_user, comment="已补充")
    version = issue_plan(
        plan, acting_user=office, issued_on=ISSUED_ON, document_reference="沪援疆发〔2024〕1号"
    )

    plan.refresh_from_db()
    assert (plan.state, plan.version, plan.issued_on, plan.issued_by, plan.document_reference) == (
        PlanState.ISSUED,
        1,
        ISSUED_ON,
        office,
        "沪援疆发〔2024〕1号",
    )
    reviews = list(
        plan.reviews.order_by("pk").values_list(
            "action", "from_state", "to_state", "acted_by__username", "comment", "project_count", "aid_amount"
        )
    )
    assert reviews == [
        ("submit", "draft", "submitted", "hq", "请审核", 2, Decimal("3800000.00")),
        ("return", "submitted", "returned", "office", "第一中学教学楼缺少可研批复", 2, Decimal("3800000.00")),
        ("submit", "returned", "submitted", "hq", "已补充", 2, Decimal("3800000.00")),
        ("issue", "submitted", "issued", "office", "", 2, Decimal("3800000.00")),
    ]
    assert (version.number, version.cause, version.project_count, version.aid_amount) == (
        1,
        VersionCause.ISSUE,
        2,
        Decimal("3800000.00"),
    )


def test_issue_freezes_the_projects_and_amounts(plan_with_two_projects, supporter_user, office):
    plan, hospital, _school = plan_with_two_projects
    version = issued(plan, supporter_user, office)

    items = list(
        version.items.order_by("code").values_list("project__code", "name", "aid_amount", "total_investment")
    )
    assert items == [
        ("P-1", "莎车县人民医院门诊楼", Decimal("800000.00"), Decimal("1000000.00")),
        ("P-2", "莎车县第一中学教学楼", Decimal("3000000.00"), Decimal("3000000.00")),
    ]
    # a later adjustment leaves version 1 as it was issued
    hospital.aid_amount, hospital.local_matching = Decimal("900000.00"), Decimal("100000.00")
    record_adjustment(hospital, acting_user=supporter_user, reason="概算调整", approved_by="上海市发展改革委")
    assert version.items.get(code="P-1").aid_amount == Decimal("800000.00")
    assert PlanVersion.objects.get(plan=plan, number=2).items.get(code="P-1").aid_amount == Decimal(
        "900000.00"
    )


def test_a_city_projects_belong_to_its_province_plan(plan_with_two_projects):
    plan, _hospital, _school = plan_with_two_projects
    minhang = make_supporter("闵行区", kind=OrganizationKind.SUPPORTING_CITY, parent=make_supporter())
    make_pairing(minhang)
    city_project = make_project(code="P-3", supporter=minhang)
    make_project(code="P-4", is_in_plan=False)  # 计划外
    make_project(code="P-5", plan_year=PLAN_YEAR + 1)

    assert sorted(plan_projects(plan).values_list("code", flat=True)) == ["P-1", "P-2", "P-3"]
    assert plan_of(city_project) == plan


def test_a_plan_is_kept_by_the_top_level_supporter():
    minhang = make_supporter("闵行区", kind=OrganizationKind.SUPPORTING_CITY, parent=make_supporter())
    plan = AnnualPlan(programme=make_programme(), supporter=minhang, year=PLAN_YEAR)

    assert clean_errors(plan) == {"supporter": ["闵行区 的项目列入 上海市 的年度计划，请为 上海市 编制。"]}


def test_one_plan_per_supporter_programme_and_year():
    make_plan()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_plan()
    assert clean_errors(
        AnnualPlan(programme=make_programme(), supporter=make_supporter(), year=PLAN_YEAR)
    ) == {"__all__": ["该支援方在该援助计划的这一年度已有年度计划。"]}


def test_return_needs_a_comment_and_changes_nothing_without_one(
    plan_with_two_projects, supporter_user, office
):
    plan, *_ = plan_with_two_projects
    submit_plan(plan, acting_user=supporter_user)
    changes = ObjectChange.objects.count()

    with pytest.raises(ValidationError) as refused:
        return_plan(plan, acting_user=office, comment="  ")

    assert refused.value.message_dict == {"comment": ["退回须填写意见。"]}
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED
    assert ObjectChange.objects.count() == changes


def test_steps_out_of_order_are_refused(plan_with_two_projects, supporter_user, office):
    plan, *_ = plan_with_two_projects

    with pytest.raises(ValidationError) as refused:
        issue_plan(plan, acting_user=office)
    assert refused.value.messages == ["2024年度上海市援疆项目计划 当前为“编制中”，不能下达。"]

    issued(plan, supporter_user, office)
    with pytest.raises(ValidationError) as refused:
        submit_plan(plan, acting_user=supporter_user)
    assert refused.value.messages == ["2024年度上海市援疆项目计划 当前为“已下达”，不能报送。"]
    assert PlanReview.objects.filter(plan=plan).count() == 2
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_an_empty_plan_cannot_be_submitted(supporter_user):
    plan = make_plan()
    with pytest.raises(ValidationError) as refused:
        submit_plan(plan, acting_user=supporter_user)
    assert refused.value.messages == ["2024年度上海市援疆项目计划 没有计划内项目，不能报送。"]
    assert PlanReview.objects.count() == 0


def test_each_step_needs_its_permission(plan_with_two_projects, supporter_user, office):
    plan, *_ = plan_with_two_projects
    with pytest.raises(PermissionDenied):
        submit_plan(plan, acting_user=office)
    submit_plan(plan, acting_user=supporter_user)
    with pytest.raises(PermissionDenied):
        issue_plan(plan, acting_user=supporter_user)
    with pytest.raises(PermissionDenied):
        return_plan(plan, acting_user=supporter_user, comment="自己退回")
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED


# --- after issue: adjustments ------------------------------------------------------------------------


def test_an_adjustment_after_issue_keeps_reason_approver_and_before_after(
    plan_with_two_projects, supporter_user, office
):
    plan, hospital, _school = plan_with_two_projects
    issued(plan, supporter_user, office)

    hospital.name = "莎车县人民医院门诊综合楼"
    hospital.aid_amount, hospital.local_matching = Decimal("900000.00"), Decimal("100000.00")
    [adjustment] = record_adjustment(
        hospital,
        acting_user=supporter_user,
        reason="门诊楼扩建，援助资金增加10万元",
        approved_by="上海市发展改革委",
        approval_reference="沪发改〔2024〕12号",
    )

    adjustment.refresh_from_db()
    assert (adjustment.kind, adjustment.reason, adjustment.approved_by, adjustment.approval_reference) == (
        AdjustmentKind.CHANGE,
        "门诊楼扩建，援助资金增加10万元",
        "上海市发展改革委",
        "沪发改〔2024〕12号",
    )
    assert adjustment.recorded_by == supporter_user
    assert adjustment.changes == {
        "name": ["莎车县人民医院门诊楼", "莎车县人民医院门诊综合楼"],
        "aid_amount": ["800000.00", "900000.00"],
        "local_matching": ["200000.00", "100000.00"],
    }
    plan.refresh_from_db()
    assert plan.version == 2
    assert adjustment.version.number == 2
    assert adjustment.version.aid_amount == Decimal("3900000.00")
    hospital.refresh_from_db()
    assert hospital.aid_amount == Decimal("900000.00")


def test_an_adjustment_without_reason_or_approver_is_refused_and_changes_nothing(
    plan_with_two_projects, supporter_user, office
):
    plan, hospital, _school = plan_with_two_projects
    issued(plan, supporter_user, office)
    changes = ObjectChange.objects.count()

    hospital.aid_amount, hospital.local_matching = Decimal("900000.00"), Decimal("100000.00")
    with pytest.raises(ValidationError) as refused:
        record_adjustment(hospital, acting_user=supporter_user, reason="", approved_by=" ")

    assert refused.value.message_dict == {
        "adjustment_reason": ["请填写调整原因。"],
        "adjustment_approver": ["请填写审批人（单位）。"],
    }
    assert Project.objects.get(pk=hospital.pk).aid_amount == Decimal("800000.00")
    assert (PlanAdjustment.objects.count(), PlanVersion.objects.count()) == (0, 1)
    assert ObjectChange.objects.count() == changes


def test_an_adjustment_needs_its_permission(plan_with_two_projects, supporter_user, office):
    plan, hospital, _school = plan_with_two_projects
    issued(plan, supporter_user, office)
    editor = user_with("editor", "change_project")

    hospital.name = "改名"
    with pytest.raises(PermissionDenied):
        record_adjustment(hospital, acting_user=editor, reason="改名", approved_by="发改委")
    assert Project.objects.get(pk=hospital.pk).name == "莎车县人民医院门诊楼"


def test_adding_and_removing_projects_after_issue_are_adjustments(
    plan_with_two_projects, supporter_user, office
):
    plan, hospital, school = plan_with_two_projects
    issued(plan, supporter_user, office)

    new = Project(**{**{f: getattr(hospital, f) for f in ("programme", "supporter", "division", "category")}})
    new.code, new.name, new.plan_year = "P-9", "莎车县幼儿园", PLAN_YEAR
    new.total_investment = new.aid_amount = Decimal("500000.00")
    [added] = record_adjustment(
        new, acting_user=supporter_user, reason="新增幼儿园", approved_by="上海市发展改革委"
    )
    [removed] = record_adjustment(
        school,
        changes={"is_in_plan": False},
        acting_user=supporter_user,
        reason="改由计划外资金",
        approved_by="市政府",
    )

    assert (added.kind, added.changes["aid_amount"]) == (AdjustmentKind.ADD, [None, "500000.00"])
    assert (removed.kind, removed.changes["name"]) == (AdjustmentKind.REMOVE, ["莎车县第一中学教学楼", None])
    assert list(plan.versions.values_list("number", "project_count", "aid_amount")) == [
        (1, 2, Decimal("3800000.00")),
        (2, 3, Decimal("4300000.00")),
        (3, 2, Decimal("1300000.00")),
    ]


def test_moving_a_project_between_two_issued_plans_adjusts_both(
    plan_with_two_projects, supporter_user, office
):
    plan, hospital, _school = plan_with_two_projects
    issued(plan, supporter_user, office)
    make_project(code="N-1", plan_year=PLAN_YEAR + 1)
    next_year = make_plan(year=PLAN_YEAR + 1)
    issued(next_year, supporter_user, office)

    adjustments = record_adjustment(
        hospital,
        changes={"plan_year": PLAN_YEAR + 1},
        acting_user=supporter_user,
        reason="顺延",
        approved_by="发改委",
    )

    assert [(a.plan.year, a.kind) for a in adjustments] == [(2024, "remove"), (2025, "add")]
    assert sorted(next_year.versions.get(number=2).items.values_list("code", flat=True)) == ["N-1", "P-1"]


def test_a_change_that_touches_no_issued_plan_is_not_an_adjustment(plan_with_two_projects, supporter_user):
    _plan, hospital, _school = plan_with_two_projects
    hospital.name = "改名"
    with pytest.raises(ValidationError) as refused:
        record_adjustment(hospital, acting_user=supporter_user, reason="改名", approved_by="发改委")
    assert refused.value.messages == ["该修改不涉及已下达的年度计划，无需登记调整。"]


# --- the guard: what the form, the API and the import ask ----------------------------------------------


def test_the_guard_asks_for_an_adjustment_only_for_plan_facts_of_issued_plans(
    plan_with_two_projects, supporter_user, office
):
    plan, hospital, _school = plan_with_two_projects
    stored = Project.objects.get(pk=hospital.pk)
    hospital.aid_amount = Decimal("1.00")
    assert not IssuedPlanGuard().impact(hospital, stored)  # a draft plan: edit freely

    issued(plan, supporter_user, office)
    hospital.refresh_from_db()
    hospital.description, hospital.planned_start = "说明可改", datetime.date(PLAN_YEAR, 5, 1)
    assert not IssuedPlanGuard().impact(hospital, stored)  # not a plan fact

    hospital.aid_amount = Decimal("1.00")
    impact = IssuedPlanGuard().impact(hospital, stored)
    assert impact.adjustment_message() == (
        "修改已下达的2024年度上海市援疆项目计划（第1版）中项目的援助资金属于计划调整，须填写调整原因和审批人（单位）。"
    )


def test_an_import_row_that_changes_an_issued_plan_gets_a_clear_error(
    plan_with_two_projects, supporter_user, office
):
    plan, hospital, school = plan_with_two_projects
    issued(plan, supporter_user, office)
    guard = IssuedPlanGuard()
    existing = Project.objects.get(pk=hospital.pk)
    hospital.aid_amount = Decimal("1.00")

    assert check_import_row(guard, hospital, existing) == (
        "项目 P-1：修改已下达的2024年度上海市援疆项目计划（第1版）中项目的援助资金属于计划调整，"
        "须填写调整原因和审批人（单位）。导入不能登记调整，请在项目页面编辑该项目并填写调整原因和审批人。"
    )
    unchanged = Project.objects.get(pk=school.pk)
    assert check_import_row(guard, unchanged, Project.objects.get(pk=school.pk)) is None


def test_a_plan_under_review_refuses_changes_to_its_projects(plan_with_two_projects, supporter_user):
    plan, hospital, _school = plan_with_two_projects
    submit_plan(plan, acting_user=supporter_user)
    stored = Project.objects.get(pk=hospital.pk)
    hospital.name = "改名"

    assert IssuedPlanGuard().impact(hospital, stored).review_refusal() == (
        "2024年度上海市援疆项目计划 已报送、正在审核，不能修改其中的项目（项目名称）；"
        "请等待审核结果，或请协调办退回后再改。"
    )


# --- versions -----------------------------------------------------------------------------------------


def test_the_difference_between_two_versions(plan_with_two_projects, supporter_user, office):
    plan, hospital, school = plan_with_two_projects
    first = issued(plan, supporter_user, office)
    hospital.aid_amount, hospital.local_matching = Decimal("900000.00"), Decimal("100000.00")
    record_adjustment(hospital, acting_user=supporter_user, reason="概算调整", approved_by="发改委")
    record_adjustment(
        school, changes={"is_in_plan": False}, acting_user=supporter_user, reason="调出", approved_by="发改委"
    )
    third = plan.versions.get(number=3)

    rows = version_diff(first, third)

    assert [(row.code, row.kind, row.changes) for row in rows] == [
        (
            "P-1",
            "changed",
            [
                ("援助资金", Decimal("800000.00"), Decimal("900000.00")),
                ("地方配套", Decimal("200000.00"), Decimal("100000.00")),
            ],
        ),
        ("P-2", "removed", []),
    ]
    assert [(row.code, row.kind) for row in version_diff(third, first)] == [
        ("P-1", "changed"),
        ("P-2", "added"),
    ]


def test_the_plan_table_of_a_version_is_its_snapshot(plan_with_two_projects, supporter_user, office):
    plan, hospital, _school = plan_with_two_projects
    first = issued(plan, supporter_user, office)
    Project.objects.filter(pk=hospital.pk).update(aid_amount=Decimal("1.00"))  # behind the guard's back

    table = version_plan_table(first)

    assert table.title == "2024年度上海市对口援疆项目计划表"
    assert table.project_count == 2
    assert table.totals["aid_amount"] == Decimal("3800000.00")
    assert PlanVersionItem.objects.filter(version=first).count() == 2
    assert ReviewAction.ISSUE in set(plan.reviews.values_list("action", flat=True))


def test_an_import_that_changes_an_issued_plan_is_refused_and_changes_nothing(
    plan_with_two_projects, supporter_user, office
):
    """The import's hook (projects/imports.py): changing an issued plan's project is a row error."""
    import csv
    import io

    from duikou.core.imports.registry import importer_for

    plan, hospital, _school = plan_with_two_projects
    issued(plan, supporter_user, office)
    template = importer_for("projects").template_rows(Project.objects.filter(pk=hospital.pk))
    header = [str(spec.label) for spec in importer_for("projects").columns]
    row = [("" if value is None else value) for value in template[0]]
    row[header.index("援助资金")] = "1"  # 万元 in the template's unit
    row[header.index("总投资")] = str(
        sum(Decimal(str(row[header.index(name)] or 0)) for name in ("援助资金", "地方配套", "其他资金"))
    )
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            [
                f"{name}（万元）" if name in ("总投资", "援助资金", "地方配套", "其他资金") else name
                for name in header
            ],
            row,
        ]
    )

    result = importer_for("projects").run(buffer.getvalue().encode(), "plan.csv", user=supporter_user)

    assert [(error.row, error.column) for error in result.errors] == [(2, "项目编号")]
    assert "属于计划调整" in result.errors[0].message
    assert Project.objects.get(pk=hospital.pk).aid_amount == hospital.aid_amount
