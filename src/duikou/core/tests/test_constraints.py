"""Check constraints evaluated in Python agree with the database (issue 4: no query per imported row)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from duikou.core.constraints import validate_check_constraints
from duikou.projects.models import Project
from duikou.testing import build_project

pytestmark = pytest.mark.django_db


def messages(instance) -> list[str]:
    try:
        validate_check_constraints(instance)
    except ValidationError as error:
        return error.messages
    return []


def test_a_valid_project_passes():
    assert messages(build_project()) == []


def test_dates_in_the_wrong_order_give_the_constraints_message():
    project = build_project(planned_start=datetime.date(2024, 5, 1), planned_end=datetime.date(2024, 4, 1))

    constraint = next(c for c in Project._meta.constraints if c.name == "projects_project_planned_period")
    assert messages(project) == [str(constraint.violation_error_message)]


def test_null_passes_as_in_sql():
    assert messages(build_project(planned_start=None, planned_end=datetime.date(2024, 4, 1))) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"planned_start": datetime.date(2024, 5, 1), "planned_end": datetime.date(2024, 4, 1)},
        {"plan_year": 1900},
        {"planned_start": datetime.date(2024, 5, 1), "planned_end": datetime.date(2024, 6, 1)},
        {"plan_year": 2024},
    ],
)
def test_python_and_the_database_agree(fields):
    project = build_project(**fields)
    refused_in_python = bool(messages(project))

    try:
        with transaction.atomic():
            project.save()
        refused_by_database = False
    except IntegrityError:
        refused_by_database = True

    assert refused_in_python == refused_by_database


def test_a_violated_constraint_blames_the_fields_at_fault():
    """For marking cells: of "every amount ≥ 0" the negative one; of "no end, no start, or end ≥ start"
    the end — not the row as a whole."""
    from duikou.core.constraints import check_constraint_errors

    amounts = check_constraint_errors(build_project(aid_amount=-5, other_funding=-1))
    dates = check_constraint_errors(
        build_project(planned_start=datetime.date(2024, 5, 1), planned_end=datetime.date(2024, 4, 1))
    )

    assert sorted(amounts) == ["aid_amount", "other_funding"]
    assert [error.message for error in amounts["aid_amount"]] == ["金额不能为负数。"]
    assert list(dates) == ["planned_end"]
    assert check_constraint_errors(build_project()) == {}
