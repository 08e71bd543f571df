"""Each rule kind on hand-made data: at its threshold, just inside and just outside (issue 6, "Done when")."""

import datetime
from decimal import Decimal

import pytest

from duikou.checks.models import CheckRule
from duikou.funds.choices import EntryKind
from duikou.geo.choices import DivisionLevel, Zone
from duikou.programmes.choices import PolicyMetric
from duikou.programmes.models import PolicyTarget
from duikou.projects.choices import ConstructionType, ImplementationLevel, ProjectStatus
from duikou.projects.plans.models import AnnualPlan
from duikou.projects.plans.services import issue_plan, submit_plan
from duikou.talent.choices import AssignmentKind
from duikou.testing import (
    make_assignment,
    make_county,
    make_division,
    make_entry,
    make_pairing,
    make_prefecture,
    make_programme,
    make_project,
    make_region,
    make_supporter,
)

from .rule_helpers import AS_OF, make_rule, measure, other_category

pytestmark = pytest.mark.django_db
D = Decimal


# -- shares -------------------------------------------------------------------------------------------


def livelihood_year(other_aid: str):
    """80 万 of 民生 and `other_aid` of 交往 for 上海市 in 2024: share = 800000 ÷ (800000 + other)."""
    make_project(aid_amount=D("800000"), total_investment=D("1000000"))
    make_project(
        category=other_category(),
        aid_amount=D(other_aid),
        local_matching=D("0"),
        total_investment=D(other_aid),
    )


@pytest.mark.parametrize(
    ("other_aid", "expected"),
    [("200000", None), ("200100", D("0.7999")), ("199900", None)],
    ids=["at-80%", "just-below", "just-above"],
)
def test_livelihood_share_per_supporter_year_against_its_policy_target(other_aid, expected):
    PolicyTarget.objects.create(
        programme=make_programme(), metric=PolicyMetric.LIVELIHOOD_SHARE, threshold=D("0.80"), from_year=2010
    )
    livelihood_year(other_aid)
    hits = measure(make_rule("livelihood_share", scope="supporter"))
    if expected is None:
        assert hits == []
    else:
        (hit,) = hits
        assert (hit.key, hit.value, hit.threshold, hit.comparator) == (
            f"supporter:{make_supporter().pk}:2024",
            expected,
            D("0.80"),
            "gte",
        )
        assert hit.details == {
            "aid_total": "1000100.00",
            "matching": "800000.00",
            "matching_url": hit.details["matching_url"],
        }
        assert "is_livelihood=True" in hit.details["matching_url"]
        assert f"supporter={make_supporter().pk}" in hit.rows_url and "plan_year=2024" in hit.rows_url


def test_a_share_rule_without_a_policy_target_or_threshold_judges_nothing():
    livelihood_year("900000")
    assert measure(make_rule("livelihood_share", scope="supporter")) == []


def test_share_rule_threshold_of_its_own_overrides_the_target_and_cancelled_projects_do_not_count():
    livelihood_year("200000")  # 0.80
    make_project(
        category=other_category(),
        aid_amount=D("500000"),
        local_matching=D("0"),
        total_investment=D("500000"),
        status=ProjectStatus.CANCELLED,
    )
    rule = make_rule("livelihood_share", scope="programme", threshold="0.81")
    (hit,) = measure(rule)
    assert (hit.key, hit.value, hit.threshold) == ("programme:2024", D("0.8000"), D("0.81"))
    assert hit.supporter_id is None


def test_a_supporters_cities_count_with_it():
    shanghai = make_supporter()
    city = make_supporter("上海市浦东新区", kind="supporting_city", parent=shanghai)
    make_pairing(city)
    make_project(aid_amount=D("800000"), total_investment=D("1000000"))
    make_project(
        supporter=city,
        category=other_category(),
        aid_amount=D("200100"),
        local_matching=D("0"),
        total_investment=D("200100"),
    )
    (hit,) = measure(make_rule("livelihood_share", scope="supporter", threshold="0.8"))
    assert (hit.supporter_id, hit.value) == (shanghai.pk, D("0.7999"))


@pytest.mark.parametrize(
    ("level", "expected"), [(ImplementationLevel.COUNTY, 0), (ImplementationLevel.PREFECTURE, 1)]
)
def test_grassroots_share(level, expected):
    make_project(aid_amount=D("800000"), implementation_level=ImplementationLevel.COUNTY)
    make_project(aid_amount=D("200000"), implementation_level=level)
    # 100% or 80% at county level and below, against 0.81
    assert len(measure(make_rule("grassroots_share", scope="supporter", threshold="0.81"))) == expected


def test_south_share_counts_divisions_of_the_south_zone():
    north = make_division(
        "654000", "伊犁哈萨克自治州", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.NORTH
    )
    make_pairing(division=north)
    make_project(aid_amount=D("700000"))
    make_project(division=north, aid_amount=D("300000"), local_matching=D("0"), total_investment=D("300000"))
    assert measure(make_rule("south_share", scope="programme", threshold="0.70")) == []
    (hit,) = measure(make_rule("south_share", scope="programme", code="south-71", threshold="0.71"))
    assert hit.value == D("0.7000")


def test_a_rules_years_bound_what_it_judges():
    PolicyTarget.objects.create(
        programme=make_programme(), metric=PolicyMetric.LIVELIHOOD_SHARE, threshold=D("0.80"), from_year=2010
    )
    livelihood_year("300000")
    rule = make_rule("livelihood_share", scope="supporter")
    rule.from_year = 2025
    rule.save()
    assert measure(rule) == []
    assert measure(make_rule("livelihood_share", scope="supporter", code="all-years"), year=2023) == []
    assert len(measure(make_rule("livelihood_share", scope="supporter", code="y2024"), year=2024)) == 1


# -- dated rates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arrived", "dated", "expected"),
    [
        ("800000", datetime.date(2024, 6, 30), None),
        ("799900", datetime.date(2024, 6, 30), D("0.7999")),
        ("800100", datetime.date(2024, 6, 30), None),
        ("1000000", datetime.date(2024, 7, 1), D("0")),  # after the benchmark: not yet arrived by 30 June
    ],
    ids=["at-80%", "just-below", "just-above", "late"],
)
def test_arrival_rate_by_30_june(arrived, dated, expected):
    project = make_project()
    make_entry(project, kind=EntryKind.PLAN, amount="1000000", value_date=datetime.date(2024, 2, 1))
    make_entry(project, kind=EntryKind.ARRIVED, amount=arrived, value_date=dated)
    rule = make_rule("arrival_rate", scope="supporter", threshold="0.80", benchmark="06-30")
    hits = measure(rule)
    if expected is None:
        assert hits == []
    else:
        (hit,) = hits
        assert (hit.value, hit.threshold, hit.year, hit.period) == (
            expected,
            D("0.80"),
            2024,
            "截至 2024-06-30",
        )
        assert "value_date_before=2024-06-30" in hit.rows_url
    assert measure(rule, as_of=datetime.date(2024, 6, 29)) == []  # not yet due


@pytest.mark.parametrize(
    ("arrived", "adjusted_on", "expected"),
    [
        ("1000000", datetime.date(2024, 9, 30), None),  # at 100%: the cancelled project's plan is adjusted
        ("999900", datetime.date(2024, 9, 30), D("0.9999")),  # just below
        ("1000100", datetime.date(2024, 9, 30), None),  # just above
        ("1000000", datetime.date(2024, 10, 1), D("0.5000")),  # adjusted after the benchmark: not yet
    ],
    ids=["at-100%", "just-below", "just-above", "adjusted-late"],
)
def test_arrival_rate_by_30_september_counts_the_plan_adjustments_dated_by_then(
    arrived, adjusted_on, expected
):
    """The generator adjusts the plan of a project cancelled before approval (issue 6 follow-up): the
    benchmark measures against what is still planned on its day."""
    kept, cancelled = make_project(), make_project(status=ProjectStatus.CANCELLED)
    for project in (kept, cancelled):
        make_entry(project, kind=EntryKind.PLAN, amount="1000000", value_date=datetime.date(2024, 2, 1))
    make_entry(cancelled, kind=EntryKind.ADJUSTMENT, amount="-1000000", value_date=adjusted_on)
    make_entry(kept, kind=EntryKind.ARRIVED, amount=arrived, value_date=datetime.date(2024, 9, 30))
    rule = make_rule("arrival_rate", scope="supporter", threshold="1.00", benchmark="09-30")
    assert [hit.value for hit in measure(rule)] == ([] if expected is None else [expected])


@pytest.mark.parametrize(("started", "expected"), [(9, None), (8, D("0.8000")), (10, None)])
def test_start_rate_at_90_percent_by_31_may(started, expected):
    for number in range(10):
        make_project(
            construction_type=ConstructionType.NEW,
            actual_start=datetime.date(2024, 5, 31) if number < started else datetime.date(2024, 6, 1),
            status=ProjectStatus.UNDER_CONSTRUCTION,
        )
    hits = measure(make_rule("start_rate", scope="supporter", threshold="0.90", benchmark="05-31"))
    assert [hit.value for hit in hits] == ([] if expected is None else [expected])


@pytest.mark.parametrize(("started", "expected"), [(1, None), (0, D("0")), (2, None)])
def test_start_rate_by_31_may(started, expected):
    for number in range(2):
        make_project(
            construction_type=ConstructionType.NEW,
            actual_start=datetime.date(2024, 5, 31) if number < started else datetime.date(2024, 6, 1),
            status=ProjectStatus.UNDER_CONSTRUCTION,
        )
    make_project(construction_type=ConstructionType.CONTINUING)  # 续建: not in the rate
    hits = measure(make_rule("start_rate", scope="supporter", threshold="0.5", benchmark="05-31"))
    assert [hit.value for hit in hits] == ([] if expected is None else [expected])


@pytest.mark.parametrize(
    ("actual_end", "expected"),
    [(datetime.date(2024, 12, 31), None), (datetime.date(2025, 1, 1), D("0.5000"))],
)
def test_completion_rate_of_projects_planned_to_complete_in_the_year(actual_end, expected):
    make_project(
        planned_end=datetime.date(2024, 10, 1),
        actual_start=datetime.date(2024, 3, 1),
        actual_end=datetime.date(2024, 9, 1),
    )
    make_project(
        planned_end=datetime.date(2024, 11, 1), actual_start=datetime.date(2024, 3, 1), actual_end=actual_end
    )
    make_project(planned_end=datetime.date(2025, 11, 1))  # due next year
    hits = measure(
        make_rule("completion_rate", scope="programme", threshold="1"), as_of=datetime.date(2025, 6, 1)
    )
    assert [hit.value for hit in hits] == ([] if expected is None else [expected])


# -- the ledger ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(datetime.date(2024, 1, 20), 0), (datetime.date(2024, 1, 21), 1), (datetime.date(2024, 1, 19), 0)],
    ids=["exactly-12-months", "a-day-over", "a-day-under"],
)
def test_idle_balance_older_than_12_months(as_of, expected):
    project = make_project(plan_year=2023)
    make_entry(project, kind=EntryKind.ARRIVED, amount="100000", value_date=datetime.date(2023, 1, 10))
    make_entry(project, kind=EntryKind.DISBURSED, amount="60000", value_date=datetime.date(2023, 1, 20))
    hits = measure(make_rule("idle_balance", months=12), as_of=as_of)
    assert len(hits) == expected
    if hits:
        assert (hits[0].value, hits[0].key, hits[0].project_id) == (
            D("40000.00"),
            f"project:{project.pk}",
            project.pk,
        )
        assert (
            hits[0].rows_url.endswith(f"project={project.pk}") or f"project={project.pk}&" in hits[0].rows_url
        )


def test_idle_balance_spent_down_or_still_spending_is_not_idle():
    drained = make_project(plan_year=2023)
    make_entry(drained, kind=EntryKind.ARRIVED, amount="100000", value_date=datetime.date(2023, 1, 10))
    make_entry(drained, kind=EntryKind.DISBURSED, amount="100000", value_date=datetime.date(2023, 1, 20))
    building = make_project(plan_year=2023)
    make_entry(building, kind=EntryKind.ARRIVED, amount="100000", value_date=datetime.date(2023, 1, 10))
    make_entry(building, kind=EntryKind.SPENT, amount="10000", value_date=datetime.date(2024, 6, 1))
    assert measure(make_rule("idle_balance", months=12), as_of=datetime.date(2024, 12, 31)) == []


@pytest.mark.parametrize(("disbursed", "expected"), [("100000", 0), ("100000.01", 1), ("99999.99", 0)])
def test_disbursed_beyond_arrived(disbursed, expected):
    project = make_project()
    make_entry(project, kind=EntryKind.ARRIVED, amount="100000")
    make_entry(project, kind=EntryKind.DISBURSED, amount=disbursed)
    hits = measure(make_rule("disbursed_beyond_arrived"))
    assert len(hits) == expected
    if hits:
        assert (hits[0].value, hits[0].threshold, hits[0].details["excess"]) == (
            D("100000.01"),
            D("100000.00"),
            "0.01",
        )


def test_a_reversed_disbursement_does_not_count():
    project = make_project()
    make_entry(project, kind=EntryKind.ARRIVED, amount="100000")
    wrong = make_entry(project, kind=EntryKind.DISBURSED, amount="1000000")
    make_entry(project, kind=EntryKind.DISBURSED, amount="-1000000", reverses=wrong)
    make_entry(project, kind=EntryKind.DISBURSED, amount="100000")
    assert measure(make_rule("disbursed_beyond_arrived")) == []


@pytest.mark.parametrize(("spent", "expected"), [("880000", 0), ("880000.01", 1), ("879999.99", 0)])
def test_spent_over_the_approved_amount_by_more_than_ten_percent(spent, expected):
    project = make_project()  # 援助资金 80 万
    make_entry(project, kind=EntryKind.SPENT, amount=spent)
    hits = measure(make_rule("spent_over_approved", tolerance="0.10"))
    assert len(hits) == expected
    if hits:
        assert (hits[0].value, hits[0].threshold) == (D("880000.01"), D("880000.00"))


# -- projects -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("completed_days_ago", "expected"), [(180, 0), (181, 1), (179, 0)])
def test_completed_but_not_accepted_after_180_days(completed_days_ago, expected):
    actual_end = AS_OF - datetime.timedelta(days=completed_days_ago)
    project = make_project(
        status=ProjectStatus.COMPLETED, actual_start=datetime.date(2023, 1, 1), actual_end=actual_end
    )
    make_project(
        status=ProjectStatus.ACCEPTED,
        actual_start=datetime.date(2023, 1, 1),
        actual_end=datetime.date(2023, 6, 1),
        accepted_on=datetime.date(2023, 9, 1),
    )
    hits = measure(make_rule("completed_not_accepted", days=180))
    assert [(hit.project_id, hit.value) for hit in hits] == ([(project.pk, D(181))] if expected else [])


@pytest.mark.parametrize(("total", "expected"), [("1000000", 0), ("1000000.01", 1), ("999999.99", 1)])
def test_total_investment_not_the_sum_of_its_sources(total, expected):
    make_project(total_investment=D(total))
    hits = measure(make_rule("total_mismatch"))
    assert len(hits) == expected
    if hits:
        assert hits[0].threshold == D("1000000.00")


def test_total_mismatch_within_the_tolerance_is_accepted():
    make_project(total_investment=D("1000100"))
    assert measure(make_rule("total_mismatch", tolerance="100")) == []
    assert len(measure(make_rule("total_mismatch", code="strict", tolerance="99.99"))) == 1


def test_office_buildings_by_keyword_or_category():
    flagged = make_project(name="莎车县人民政府办公楼建设项目")
    make_project(name="莎车县第二中学教学综合楼建设项目")
    by_category = make_project(name="莎车县交流中心", category=other_category())
    hits = measure(make_rule("office_building"))
    assert [(hit.project_id, hit.details["matched"]) for hit in hits] == [(flagged.pk, ["办公楼"])]
    hits = measure(make_rule("office_building", code="by-category", categories=["exchanges"]))
    assert {hit.project_id for hit in hits} == {flagged.pk, by_category.pk}


def test_one_approval_reference_on_two_projects_of_one_division():
    first = make_project(document_reference="莎车发改投资〔2024〕7号")
    second = make_project(document_reference="莎车发改投资〔2024〕7号")
    make_project(document_reference="莎车发改投资〔2024〕8号")
    elsewhere = make_division(
        "653126", "叶城县", level=DivisionLevel.COUNTY, parent=make_prefecture(), zone=Zone.SOUTH
    )
    make_pairing(division=elsewhere)
    make_project(division=elsewhere, document_reference="莎车发改投资〔2024〕8号")
    (hit,) = measure(make_rule("duplicate_document"))
    assert (hit.project_id, hit.other_project_id, hit.value) == (first.pk, second.pk, D(2))
    assert hit.key == f"document:{make_county().pk}:莎车发改投资〔2024〕7号"
    assert len(measure(make_rule("duplicate_document", code="any-division", same_division=False))) == 2


def test_one_voucher_on_the_ledger_of_two_projects():
    first, second = make_project(), make_project()
    make_entry(first, kind=EntryKind.SPENT, amount="1000", document_reference="合同 HT-2024-001")
    make_entry(second, kind=EntryKind.SPENT, amount="1000", document_reference="合同 HT-2024-001")
    make_entry(second, kind=EntryKind.SPENT, amount="1000", document_reference="合同 HT-2024-002")
    (hit,) = measure(make_rule("duplicate_document"))
    assert (hit.key, hit.project_id, hit.other_project_id) == (
        "voucher:合同 HT-2024-001",
        first.pk,
        second.pk,
    )
    assert measure(make_rule("duplicate_document", code="projects-only", ledger_kinds=[])) == []


def test_funded_outside_the_issued_plan():
    planned = make_project(is_in_plan=True)
    plan = AnnualPlan.objects.create(programme=make_programme(), supporter=make_supporter(), year=2024)
    submit_plan(plan, acting_user=None)
    issue_plan(plan, acting_user=None, issued_on=datetime.date(2024, 1, 15))
    late = make_project(is_in_plan=True)
    extra = make_project(is_in_plan=False)  # 计划外: funded outside the plan by definition
    unfunded = make_project(is_in_plan=True)
    for project in (planned, late, extra):
        make_entry(project, kind=EntryKind.ARRIVED, amount="1000")
    hits = measure(make_rule("funded_outside_plan"))
    assert [hit.project_id for hit in hits] == [late.pk]
    assert unfunded.pk not in [hit.project_id for hit in hits]


# -- people -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_left", "expected"), [(60, 1), (61, 0), (59, 1)])
def test_term_ending_within_60_days_without_successor(days_left, expected):
    make_assignment(planned_end=AS_OF + datetime.timedelta(days=days_left))
    make_assignment(
        kind=AssignmentKind.TEACHER, planned_end=AS_OF + datetime.timedelta(days=10)
    )  # not checked
    hits = measure(make_rule("term_ending_without_successor", days=60))
    assert [hit.value for hit in hits] == ([D(days_left)] if expected else [])


def test_a_successor_at_the_same_post_clears_the_term():
    make_assignment(planned_end=AS_OF + datetime.timedelta(days=30))
    make_assignment(
        person_name="李强",
        start_date=AS_OF + datetime.timedelta(days=20),
        planned_end=AS_OF + datetime.timedelta(days=1100),
    )
    assert measure(make_rule("term_ending_without_successor", days=60)) == []


# -- configuration ------------------------------------------------------------------------------------


def test_a_rules_parameters_and_scope_are_checked_against_its_kind():
    rule = CheckRule(
        programme=make_programme(),
        code="x",
        name="x",
        kind="idle_balance",
        scope="supporter",
        parameters={"months": "twelve", "colour": 1},
    )
    with pytest.raises(Exception) as raised:
        rule.full_clean()
    errors = raised.value.message_dict
    assert errors["scope"] == ["资金闲置 只能按以下范围检查：项目或记录。"]
    assert errors["parameters"] == [
        "未知参数 colour；可用参数：months、minimum。",
        "参数 months 的值 'twelve' 不是整数。",
    ]


def test_unknown_kind_is_refused():
    rule = CheckRule(programme=make_programme(), code="x", name="x", kind="astrology", scope="project")
    with pytest.raises(Exception) as raised:
        rule.full_clean()
    assert "未知的检查类型：astrology。" in str(raised.value)


def test_the_county_is_where_the_world_starts():  # keeps the helpers honest
    assert make_county().code == "653125"
