"""Projects: constraints, clean() rules (总投资, pairing), and the lifecycle gate in services."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.core.models import ObjectChange
from duikou.geo.choices import DivisionLevel, Zone
from duikou.parties.choices import OrganizationKind
from duikou.programmes.models import Category, Programme
from duikou.projects.choices import ProjectStatus
from duikou.projects.models import Project, ProjectStatusChange
from duikou.projects.services import TransitionRefused, transition_project
from duikou.testing import (
    assert_database_refuses,
    build_project,
    clean_errors,
    constraint_errors,
    make_division,
    make_pairing,
    make_project,
    make_region,
    make_supporter,
    make_user,
    project_fields,
)

pytestmark = pytest.mark.django_db


# --- constraints -----------------------------------------------------------------------------------


def test_code_is_unique():
    project = make_project()

    assert_database_refuses(Project, **project_fields(code=project.code))
    assert list(clean_errors(build_project(code=project.code))) == ["code"]


@pytest.mark.parametrize("field", ["total_investment", "aid_amount", "local_matching", "other_funding"])
def test_amounts_not_negative_constraint(field):
    amounts = {
        "total_investment": Decimal("0.00"),
        "aid_amount": Decimal("0.00"),
        "local_matching": Decimal("0.00"),
        "other_funding": Decimal("0.00"),
    }
    amounts[field] = Decimal("-1.00")
    if field != "total_investment":
        amounts["total_investment"] = Decimal("-1.00")  # keep 总投资 = sum, so only the sign is wrong
    fields = project_fields(**amounts)

    assert_database_refuses(Project, **fields)
    assert constraint_errors(Project(**fields)) == {"__all__": ["金额不能为负数。"]}


def test_negative_amounts_through_full_clean():
    project = build_project(
        total_investment=Decimal("-1.00"), aid_amount=Decimal("-1.00"), local_matching=Decimal("0.00")
    )

    assert clean_errors(project) == {"__all__": ["金额不能为负数。"]}


def test_planned_period_constraint():
    fields = project_fields(planned_start=datetime.date(2024, 5, 1), planned_end=datetime.date(2024, 4, 30))

    assert_database_refuses(Project, **fields)
    assert constraint_errors(Project(**fields)) == {"__all__": ["计划完工日期不能早于计划开工日期。"]}
    assert clean_errors(Project(**fields)) == {"__all__": ["计划完工日期不能早于计划开工日期。"]}


def test_actual_period_constraint():
    fields = project_fields(actual_start=datetime.date(2024, 5, 1), actual_end=datetime.date(2024, 4, 30))

    assert_database_refuses(Project, **fields)
    assert constraint_errors(Project(**fields)) == {"__all__": ["实际完工日期不能早于实际开工日期。"]}
    assert clean_errors(Project(**fields)) == {"__all__": ["实际完工日期不能早于实际开工日期。"]}


@pytest.mark.parametrize(
    ("plan_year", "fields_in_error"),
    [(1989, ["division", "plan_year"]), (2101, ["plan_year"])],  # 上海市 is paired with 莎车县 from 2010
)
def test_plan_year_range_constraint(plan_year, fields_in_error):
    fields = project_fields(plan_year=plan_year)

    assert_database_refuses(Project, **fields)
    assert constraint_errors(Project(**fields)) == {"__all__": ["计划年度须在 1990 到 2100 之间。"]}
    # the field validators say it first, on the field
    assert sorted(clean_errors(Project(**fields))) == fields_in_error


def test_status_change_must_move_constraint():
    project = make_project()
    fields = {
        "project": project,
        "from_status": ProjectStatus.PLANNED,
        "to_status": ProjectStatus.PLANNED,
        "effective_on": datetime.date(2024, 3, 1),
    }

    assert_database_refuses(ProjectStatusChange, **fields)
    assert constraint_errors(ProjectStatusChange(**fields)) == {"__all__": ["新状态须与原状态不同。"]}
    assert clean_errors(ProjectStatusChange(**fields)) == {"__all__": ["新状态须与原状态不同。"]}


def test_first_status_change_may_have_no_from_status():
    change = ProjectStatusChange(
        project=make_project(),
        from_status="",
        to_status=ProjectStatus.RESERVE,
        effective_on=datetime.date(2024, 3, 1),
    )

    assert clean_errors(change) == {}


# --- clean() ---------------------------------------------------------------------------------------


def test_a_valid_project_passes_clean():
    project = build_project(name=" 莎車縣人民醫院門診樓 ")

    assert clean_errors(project) == {}
    assert project.name == "莎车县人民医院门诊楼"
    assert project.sources_total == Decimal("1000000.00")


def test_total_investment_must_equal_its_sources():
    project = build_project(
        total_investment=Decimal("1000000.00"),
        aid_amount=Decimal("700000.00"),
        local_matching=Decimal("200000.00"),
        other_funding=Decimal("0.00"),
    )

    assert clean_errors(project) == {
        "total_investment": ["总投资 100.00万元 ≠ 援助资金 + 地方配套 + 其他 = 90.00万元。"]
    }


def test_a_difference_below_a_fen_of_wan_is_shown_in_yuan():
    project = build_project(
        total_investment=Decimal("1000000.00"),
        aid_amount=Decimal("800000.00"),
        local_matching=Decimal("199999.50"),
        other_funding=Decimal("0.00"),
    )

    assert clean_errors(project) == {
        "total_investment": ["总投资 1,000,000.00元 ≠ 援助资金 + 地方配套 + 其他 = 999,999.50元。"]
    }


def test_total_investment_counts_other_funding():
    project = build_project(
        total_investment=Decimal("1000000.01"),
        aid_amount=Decimal("700000.00"),
        local_matching=Decimal("200000.00"),
        other_funding=Decimal("100000.01"),
    )

    assert clean_errors(project) == {}


def test_a_project_may_break_the_total_in_the_database():
    # legacy sheets do; the checks must find those rows rather than lose them (Project docstring)
    project = make_project(total_investment=Decimal("2000000.00"))

    assert Project.objects.get(pk=project.pk).total_investment == Decimal("2000000.00")


def test_category_must_belong_to_the_programme():
    tibet = Programme.objects.create(code="xizang", name="援藏", short_name="援藏")
    foreign = Category.objects.create(programme=tibet, code="livelihood", name="民生", short_name="民生")

    assert clean_errors(build_project(category=foreign)) == {"category": ["类别不属于该援助计划。"]}


def test_supporter_must_be_a_supporter():
    government = make_supporter("莎车县人民政府", kind=OrganizationKind.RECIPIENT_GOVERNMENT)

    errors = clean_errors(build_project(supporter=government))

    assert errors["supporter"] == ["支援方须为援疆省市、地市、中央企业或部委。"]


def test_no_acceptance_before_completion_and_no_completion_before_start():
    not_completed = build_project(
        actual_start=datetime.date(2024, 4, 1), accepted_on=datetime.date(2024, 12, 1)
    )
    not_started = build_project(actual_end=datetime.date(2024, 10, 31))

    assert clean_errors(not_completed) == {"accepted_on": ["未完工的项目不能有验收日期。"]}
    assert clean_errors(not_started) == {"actual_end": ["未开工的项目不能有完工日期。"]}


def test_supporter_must_be_paired_with_the_division():
    zhejiang = make_supporter("浙江省")

    project = build_project(supporter=zhejiang)

    assert clean_errors(project) == {"division": ["浙江省 在 2024-01-01 与 莎车县 及其上级均无结对关系。"]}


def test_pairing_is_checked_at_the_planned_start():
    # 上海市 is paired with 莎车县 since 2010-01-01
    before = build_project(plan_year=2010, planned_start=datetime.date(2009, 12, 1))
    on_the_day = build_project(plan_year=2010, planned_start=datetime.date(2010, 1, 1))

    assert clean_errors(before) == {"division": ["上海市 在 2009-12-01 与 莎车县 及其上级均无结对关系。"]}
    assert clean_errors(on_the_day) == {}


def test_pairing_that_ended_before_the_plan_year_refuses_the_project():
    pairing = make_pairing()
    pairing.until = datetime.date(2020, 12, 31)
    pairing.save()

    assert clean_errors(build_project(plan_year=2021)) == {
        "division": ["上海市 在 2021-01-01 与 莎车县 及其上级均无结对关系。"]
    }
    assert clean_errors(build_project(plan_year=2020)) == {}


def test_a_city_works_under_its_provinces_prefecture_pairing():
    aksu = make_division(
        "652900", "阿克苏地区", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.SOUTH
    )
    wushi = make_division("652927", "乌什县", level=DivisionLevel.COUNTY, parent=aksu, zone=Zone.SOUTH)
    zhejiang = make_supporter("浙江省")
    quzhou = make_supporter("衢州市", kind=OrganizationKind.SUPPORTING_CITY, parent=zhejiang)
    make_pairing(zhejiang, aksu)

    assert clean_errors(build_project(supporter=quzhou, division=wushi)) == {}


def test_clean_reports_every_rule_at_once():
    zhejiang = make_supporter("浙江省")

    project = build_project(
        supporter=zhejiang, total_investment=Decimal("1.00"), actual_end=datetime.date(2024, 10, 31)
    )

    assert sorted(clean_errors(project)) == ["actual_end", "division", "total_investment"]


# --- transition_project ----------------------------------------------------------------------------

HAPPY_PATH = [
    (ProjectStatus.PLANNED, datetime.date(2024, 1, 10)),
    (ProjectStatus.APPROVED, datetime.date(2024, 2, 1)),
    (ProjectStatus.UNDER_CONSTRUCTION, datetime.date(2024, 4, 1)),
    (ProjectStatus.COMPLETED, datetime.date(2024, 10, 31)),
    (ProjectStatus.ACCEPTED, datetime.date(2024, 12, 15)),
    (ProjectStatus.HANDED_OVER, datetime.date(2025, 1, 10)),
]


def walk(project, until_status, user=None):
    """Move `project` along the happy path up to and including `until_status`."""
    for status, effective_on in HAPPY_PATH:
        transition_project(project, status, acting_user=user, effective_on=effective_on)
        if status == until_status:
            break
    project.refresh_from_db()
    return project


def history(project):
    return list(
        ProjectStatusChange.objects.filter(project=project)
        .order_by("effective_on", "pk")
        .values_list("from_status", "to_status", "effective_on", "changed_by__username", "note")
    )


def test_the_happy_path_from_reserve_to_handed_over():
    # given
    user = make_user()
    project = make_project()

    # when
    changes = [
        transition_project(project, status, acting_user=user, effective_on=effective_on, note=f"第{number}步")
        for number, (status, effective_on) in enumerate(HAPPY_PATH, start=1)
    ]

    # then
    project.refresh_from_db()
    assert project.status == ProjectStatus.HANDED_OVER
    assert project.actual_start == datetime.date(2024, 4, 1)
    assert project.actual_end == datetime.date(2024, 10, 31)
    assert project.accepted_on == datetime.date(2024, 12, 15)
    assert [change.to_status for change in changes] == [status for status, _ in HAPPY_PATH]
    assert history(project) == [
        ("reserve", "planned", datetime.date(2024, 1, 10), "officer", "第1步"),
        ("planned", "approved", datetime.date(2024, 2, 1), "officer", "第2步"),
        ("approved", "under_construction", datetime.date(2024, 4, 1), "officer", "第3步"),
        ("under_construction", "completed", datetime.date(2024, 10, 31), "officer", "第4步"),
        ("completed", "accepted", datetime.date(2024, 12, 15), "officer", "第5步"),
        ("accepted", "handed_over", datetime.date(2025, 1, 10), "officer", "第6步"),
    ]
    assert clean_errors(project) == {}


def test_a_transition_is_change_logged():
    project = make_project()

    change = transition_project(project, ProjectStatus.PLANNED, effective_on=datetime.date(2024, 1, 10))

    project_update = ObjectChange.objects.get(
        changed_object_id=project.pk, action="update", changed_object_type__model="project"
    )
    assert project_update.changed_fields == ["status"]
    assert (
        ObjectChange.objects.filter(
            changed_object_id=change.pk, action="create", changed_object_type__model="projectstatuschange"
        ).count()
        == 1
    )


def test_transition_defaults_to_today():
    project = make_project()

    change = transition_project(project, ProjectStatus.PLANNED)

    assert change.effective_on == datetime.date.today()
    assert change.changed_by is None


@pytest.mark.parametrize(
    ("reached", "to_status", "message"),
    [
        (
            ProjectStatus.PLANNED,
            ProjectStatus.UNDER_CONSTRUCTION,
            "不能从“计划”变为“在建”：项目须先批复才能开工。",
        ),
        (
            ProjectStatus.UNDER_CONSTRUCTION,
            ProjectStatus.ACCEPTED,
            "不能从“在建”变为“验收”：项目须先完工才能验收。",
        ),
        (
            ProjectStatus.APPROVED,
            ProjectStatus.COMPLETED,
            "不能从“批复”变为“完工”：项目须先开工（在建）才能完工。",
        ),
        (
            ProjectStatus.COMPLETED,
            ProjectStatus.HANDED_OVER,
            "不能从“完工”变为“移交”：项目须先验收才能移交。",
        ),
        (
            ProjectStatus.HANDED_OVER,
            ProjectStatus.UNDER_CONSTRUCTION,
            "不能从“移交”变为“在建”：项目须先批复才能开工。",
        ),
        (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED, "不能从“完工”变为“取消”：该状态变更不被允许。"),
    ],
)
def test_refused_transitions_change_nothing(reached, to_status, message):
    # given
    project = walk(make_project(), reached)
    status_before = project.status
    dates_before = (project.actual_start, project.actual_end, project.accepted_on)
    history_before = history(project)
    changes_before = ObjectChange.objects.count()

    # when
    with pytest.raises(TransitionRefused) as raised:
        transition_project(project, to_status, effective_on=datetime.date(2025, 6, 1))

    # then
    assert raised.value.messages == [message]
    project.refresh_from_db()
    assert project.status == status_before == reached
    assert (project.actual_start, project.actual_end, project.accepted_on) == dates_before
    assert history(project) == history_before
    assert ObjectChange.objects.count() == changes_before


def test_reserve_cannot_be_approved_directly():
    project = make_project()

    with pytest.raises(TransitionRefused) as raised:
        transition_project(project, ProjectStatus.APPROVED)

    assert raised.value.messages == ["不能从“储备”变为“批复”：项目须先列入计划才能批复。"]
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.RESERVE


@pytest.mark.parametrize("closed", [ProjectStatus.CANCELLED, ProjectStatus.ADJUSTED])
def test_closed_projects_move_no_further(closed):
    project = walk(make_project(), ProjectStatus.PLANNED)
    transition_project(project, closed, effective_on=datetime.date(2024, 3, 1))

    with pytest.raises(TransitionRefused) as raised:
        transition_project(project, ProjectStatus.PLANNED, effective_on=datetime.date(2024, 4, 1))

    assert raised.value.messages == [f"不能从“{ProjectStatus(closed).label}”变为“计划”：该状态变更不被允许。"]
    assert Project.objects.get(pk=project.pk).status == closed


def test_unknown_status_is_refused():
    project = make_project()

    with pytest.raises(TransitionRefused) as raised:
        transition_project(project, "demolished")

    assert raised.value.messages == ["未知状态“demolished”。"]
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.RESERVE
    assert history(project) == []


def test_completion_before_the_start_is_refused():
    project = walk(make_project(), ProjectStatus.UNDER_CONSTRUCTION)

    with pytest.raises(TransitionRefused) as raised:
        transition_project(project, ProjectStatus.COMPLETED, effective_on=datetime.date(2024, 3, 31))

    assert raised.value.messages == ["完工日期不能早于开工日期 2024-04-01。"]
    project.refresh_from_db()
    assert (project.status, project.actual_end) == (ProjectStatus.UNDER_CONSTRUCTION, None)
    assert len(history(project)) == 3


def test_acceptance_before_completion_date_is_refused():
    project = walk(make_project(), ProjectStatus.COMPLETED)

    with pytest.raises(TransitionRefused) as raised:
        transition_project(project, ProjectStatus.ACCEPTED, effective_on=datetime.date(2024, 10, 30))

    assert raised.value.messages == ["验收日期不能早于完工日期 2024-10-31。"]
    project.refresh_from_db()
    assert (project.status, project.accepted_on) == (ProjectStatus.COMPLETED, None)
    assert len(history(project)) == 4


def test_transition_refused_is_a_validation_error():
    assert issubclass(TransitionRefused, ValidationError)
