"""Assignments of dispatched cadres and professionals: constraints, clean() rules and the 人次 queries."""

import datetime

import pytest

from duikou.parties.choices import OrganizationKind
from duikou.programmes.models import Batch, Programme
from duikou.talent.choices import AssignmentKind
from duikou.talent.models import Assignment
from duikou.testing import (
    assert_database_refuses,
    clean_errors,
    constraint_errors,
    make_county,
    make_programme,
    make_supporter,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2023, 2, 15)


def assignment_fields(**overrides):
    fields = {
        "programme": make_programme(),
        "person_name": "张伟",
        "kind": AssignmentKind.CADRE,
        "sending_organization": "上海市卫生健康委员会",
        "supporter": make_supporter(),
        "host_division": make_county(),
        "host_unit": "莎车县人民医院",
        "post": "副院长",
        "start_date": START,
        "planned_end": datetime.date(2026, 2, 14),
    }
    fields.update(overrides)
    return fields


def make_assignment(**overrides):
    return Assignment.objects.create(**assignment_fields(**overrides))


# --- constraints -----------------------------------------------------------------------------------


@pytest.mark.parametrize("planned_end", [START, START - datetime.timedelta(days=1)])
def test_planned_period_constraint(planned_end):
    fields = assignment_fields(planned_end=planned_end)

    assert_database_refuses(Assignment, **fields)
    assert constraint_errors(Assignment(**fields)) == {"__all__": ["计划期满日期须晚于进疆日期。"]}
    # clean() says it first, on the field
    assert clean_errors(Assignment(**fields)) == {"planned_end": ["计划期满日期须晚于进疆日期。"]}


def test_actual_period_constraint():
    fields = assignment_fields(actual_end=START - datetime.timedelta(days=1))

    assert_database_refuses(Assignment, **fields)
    assert constraint_errors(Assignment(**fields)) == {"__all__": ["实际离疆日期不能早于进疆日期。"]}
    assert clean_errors(Assignment(**fields)) == {"actual_end": ["实际离疆日期不能早于进疆日期。"]}


def test_a_stint_may_end_the_day_it_starts():
    assert clean_errors(Assignment(**assignment_fields(actual_end=START))) == {}


# --- clean() ---------------------------------------------------------------------------------------


def test_batch_must_belong_to_the_programme():
    tibet = Programme.objects.create(code="xizang", name="援藏", short_name="援藏")
    batch = Batch.objects.create(
        programme=tibet,
        number=10,
        name="第十批",
        starts=datetime.date(2022, 7, 1),
        ends=datetime.date(2025, 6, 30),
    )

    assert clean_errors(Assignment(**assignment_fields(batch=batch))) == {"batch": ["批次不属于该援助计划。"]}


def test_supporter_must_be_a_supporter():
    government = make_supporter("莎车县人民政府", kind=OrganizationKind.RECIPIENT_GOVERNMENT)

    assert clean_errors(Assignment(**assignment_fields(supporter=government))) == {
        "supporter": ["支援方须为援疆省市、地市、中央企业或部委。"]
    }


def test_a_valid_assignment_with_its_batch():
    batch = Batch.objects.create(
        programme=make_programme(), number=11, name="第十一批", starts=START, ends=datetime.date(2026, 2, 14)
    )

    assignment = Assignment(**assignment_fields(batch=batch))

    assert clean_errors(assignment) == {}
    assert assignment.planned_months == 36
    assert str(assignment) == "张伟（党政干部，莎车县人民医院）"


# --- queries ---------------------------------------------------------------------------------------


def test_in_post_on():
    # given
    planned = make_assignment(person_name="甲")  # 2023-02-15 .. planned 2026-02-14
    left_early = make_assignment(person_name="乙", actual_end=datetime.date(2024, 6, 30))
    stayed_on = make_assignment(person_name="丙", actual_end=datetime.date(2026, 7, 31))
    later = make_assignment(
        person_name="丁", start_date=datetime.date(2024, 7, 1), planned_end=datetime.date(2025, 6, 30)
    )

    def in_post(on):
        return set(Assignment.objects.in_post_on(on).values_list("person_name", flat=True))

    # then
    assert in_post(datetime.date(2023, 2, 14)) == set()
    assert in_post(START) == {"甲", "乙", "丙"}
    assert in_post(datetime.date(2024, 6, 30)) == {"甲", "乙", "丙"}
    assert in_post(datetime.date(2024, 7, 1)) == {"甲", "丙", "丁"}
    assert in_post(datetime.date(2026, 2, 14)) == {"甲", "丙"}
    assert in_post(datetime.date(2026, 2, 15)) == {"丙"}
    assert in_post(datetime.date(2026, 8, 1)) == set()
    assert {planned.pk, left_early.pk, stayed_on.pk, later.pk} == set(
        Assignment.objects.values_list("pk", flat=True)
    )


def test_started_between_counts_stints_by_start_date():
    make_assignment(
        person_name="甲", start_date=datetime.date(2023, 1, 1), planned_end=datetime.date(2024, 1, 1)
    )
    make_assignment(
        person_name="乙", start_date=datetime.date(2023, 12, 31), planned_end=datetime.date(2024, 12, 31)
    )
    make_assignment(
        person_name="丙", start_date=datetime.date(2022, 12, 31), planned_end=datetime.date(2023, 12, 31)
    )
    make_assignment(
        person_name="甲", start_date=datetime.date(2024, 1, 1), planned_end=datetime.date(2025, 1, 1)
    )

    started = Assignment.objects.started_between(datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))

    assert sorted(started.values_list("person_name", flat=True)) == ["乙", "甲"]
