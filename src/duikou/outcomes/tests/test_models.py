"""Outcome indicators and measurements: the ratio rule, periods, uniqueness and clean() rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from duikou.outcomes.choices import Aggregation
from duikou.outcomes.models import Indicator, Measurement
from duikou.testing import (
    assert_database_refuses,
    clean_errors,
    constraint_errors,
    make_county,
    make_prefecture,
    make_programme,
    make_project,
    make_supporter,
)

pytestmark = pytest.mark.django_db

YEAR_START, YEAR_END = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)


def make_indicator(code="jobs", name="带动就业", unit="人", **fields):
    indicator, _ = Indicator.objects.get_or_create(
        code=code, defaults={"name": name, "unit": unit, "programme": make_programme(), **fields}
    )
    return indicator


def measurement_fields(**overrides):
    fields = {
        "indicator": make_indicator(),
        "division": make_county(),
        "supporter": make_supporter(),
        "period_start": YEAR_START,
        "period_end": YEAR_END,
        "value": Decimal("120"),
    }
    fields.update(overrides)
    return fields


# --- Indicator -------------------------------------------------------------------------------------


@pytest.mark.parametrize("parts", ["none", "numerator only", "denominator only"])
def test_ratio_indicator_constraint(parts):
    jobs = make_indicator()
    households = make_indicator(code="households", name="受益户数", unit="户")
    fields = {
        "code": "jobs-per-household",
        "name": "户均就业",
        "unit": "人/户",
        "aggregation": Aggregation.RATIO,
        "numerator": jobs if parts == "numerator only" else None,
        "denominator": households if parts == "denominator only" else None,
    }

    assert_database_refuses(Indicator, **fields)
    assert constraint_errors(Indicator(**fields)) == {"__all__": ["比率指标须指定分子和分母指标。"]}
    with pytest.raises(ValidationError) as raised:
        Indicator(**fields).full_clean()
    assert raised.value.messages == ["比率指标须指定分子和分母指标。"]


def test_ratio_indicator_rule_is_reported_once_by_full_clean():
    fields = {
        "code": "jobs-per-household",
        "name": "户均就业",
        "unit": "人/户",
        "aggregation": Aggregation.RATIO,
    }

    assert clean_errors(Indicator(**fields)) == {NON_FIELD_ERRORS: ["比率指标须指定分子和分母指标。"]}


def test_a_ratio_indicator_with_both_parts_is_valid():
    jobs = make_indicator()
    households = make_indicator(code="households", name="受益户数", unit="户")

    ratio = Indicator(
        code="jobs-per-household",
        name="户均就业",
        unit="人/户",
        aggregation=Aggregation.RATIO,
        numerator=jobs,
        denominator=households,
    )

    assert clean_errors(ratio) == {}


def test_an_indicator_may_not_refer_to_itself():
    jobs = make_indicator()

    jobs.parent = jobs

    assert clean_errors(jobs) == {NON_FIELD_ERRORS: ["指标不能引用自己。"]}


def test_indicator_code_is_unique():
    make_indicator()

    assert_database_refuses(Indicator, code="jobs", name="就业", unit="人")


# --- Measurement -----------------------------------------------------------------------------------


def test_period_constraint():
    fields = measurement_fields(period_end=YEAR_START - datetime.timedelta(days=1))

    assert_database_refuses(Measurement, **fields)
    assert constraint_errors(Measurement(**fields)) == {"__all__": ["期间止不能早于期间起。"]}
    # clean() says it first, on the field
    assert clean_errors(Measurement(**fields)) == {"period_end": ["期间止不能早于期间起。"]}


def test_a_measurement_may_cover_a_single_day():
    assert clean_errors(Measurement(**measurement_fields(period_end=YEAR_START))) == {}


def test_unique_project_period_constraint():
    project = make_project()
    first = Measurement.objects.create(**measurement_fields(project=project))
    fields = measurement_fields(indicator=first.indicator, project=project, value=Decimal("130"))

    assert_database_refuses(Measurement, **fields)
    assert constraint_errors(Measurement(**fields)) == {"__all__": ["该项目该期间已有此指标的数据。"]}
    assert clean_errors(Measurement(**fields)) == {"__all__": ["该项目该期间已有此指标的数据。"]}


def test_unique_division_period_constraint():
    first = Measurement.objects.create(**measurement_fields())
    fields = measurement_fields(indicator=first.indicator, value=Decimal("130"))

    assert_database_refuses(Measurement, **fields)
    assert constraint_errors(Measurement(**fields)) == {"__all__": ["该受援地该期间已有此指标的数据。"]}
    assert clean_errors(Measurement(**fields)) == {"__all__": ["该受援地该期间已有此指标的数据。"]}


def test_project_and_division_measurements_of_one_period_coexist():
    division_level = Measurement.objects.create(**measurement_fields())
    project_level = Measurement(
        **measurement_fields(indicator=division_level.indicator, project=make_project())
    )
    other_period = Measurement(
        **measurement_fields(
            indicator=division_level.indicator,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 12, 31),
        )
    )
    other_supporter = Measurement(
        **measurement_fields(indicator=division_level.indicator, supporter=make_supporter("浙江省"))
    )

    assert clean_errors(project_level) == {}
    assert clean_errors(other_period) == {}
    assert clean_errors(other_supporter) == {}


def test_measurement_must_agree_with_its_project():
    project = make_project()

    measurement = Measurement(
        **measurement_fields(project=project, division=make_prefecture(), supporter=make_supporter("浙江省"))
    )

    assert clean_errors(measurement) == {
        "division": ["受援地须与项目的受援地（莎车县）一致。"],
        "supporter": ["支援方须与项目的支援方（上海市）一致。"],
    }


def test_negative_values_only_for_averages():
    jobs = make_indicator()
    income_change = make_indicator(
        code="income-change", name="人均收入变化", unit="%", aggregation=Aggregation.AVERAGE
    )

    assert clean_errors(Measurement(**measurement_fields(indicator=jobs, value=Decimal("-1")))) == {
        "value": ["数值不能为负数。"]
    }
    falling_income = Measurement(**measurement_fields(indicator=income_change, value=Decimal("-1.5")))
    assert clean_errors(falling_income) == {}


def test_measurement_str():
    measurement = Measurement(**measurement_fields(value=Decimal("120.0000")))

    assert str(measurement) == "带动就业 120.0000 人（2024-01-01–2024-12-31）"
