"""Programmes, categories, policy targets and cadre batches: constraints and clean() rules."""

import datetime
from decimal import Decimal

import pytest

from duikou.programmes.choices import Comparator, PolicyMetric
from duikou.programmes.models import Batch, Category, PolicyTarget, Programme
from duikou.testing import (
    assert_database_refuses,
    clean_errors,
    constraint_errors,
    make_category,
    make_programme,
)

pytestmark = pytest.mark.django_db


def target_fields(**overrides):
    fields = {
        "programme": make_programme(),
        "metric": PolicyMetric.LIVELIHOOD_SHARE,
        "threshold": Decimal("0.8"),
        "from_year": 2010,
    }
    fields.update(overrides)
    return fields


def batch_fields(**overrides):
    fields = {
        "programme": make_programme(),
        "number": 11,
        "name": "第十一批",
        "starts": datetime.date(2023, 2, 1),
        "ends": datetime.date(2026, 1, 31),
    }
    fields.update(overrides)
    return fields


# --- Programme and Category ------------------------------------------------------------------------


def test_programme_code_and_name_are_unique():
    make_programme()

    assert_database_refuses(Programme, code="xinjiang", name="对口援疆", short_name="援疆")
    assert_database_refuses(Programme, code="yuanjiang", name="援疆", short_name="援疆")


def test_category_code_is_unique_within_a_programme():
    category = make_category()
    fields = {"programme": category.programme, "code": "livelihood", "name": "民生改善", "short_name": "民生"}

    assert_database_refuses(Category, **fields)
    assert constraint_errors(Category(**fields)) == {"__all__": ["同一援助计划下类别代码不能重复。"]}
    assert clean_errors(Category(**fields)) == {"__all__": ["同一援助计划下类别代码不能重复。"]}


def test_category_name_is_unique_within_a_programme():
    category = make_category()
    fields = {"programme": category.programme, "code": "livelihood-2", "name": "民生", "short_name": "民生"}

    assert_database_refuses(Category, **fields)
    assert constraint_errors(Category(**fields)) == {"__all__": ["同一援助计划下类别名称不能重复。"]}


def test_category_code_and_name_may_repeat_in_another_programme():
    make_category()
    tibet = Programme.objects.create(code="xizang", name="援藏", short_name="援藏")

    category = Category(programme=tibet, code="livelihood", name="民生", short_name="民生")

    assert clean_errors(category) == {}


# --- PolicyTarget ----------------------------------------------------------------------------------


def test_target_year_span_constraint():
    fields = target_fields(from_year=2020, to_year=2019)

    assert_database_refuses(PolicyTarget, **fields)
    assert constraint_errors(PolicyTarget(**fields)) == {"__all__": ["截止年度不能早于起始年度。"]}
    assert clean_errors(PolicyTarget(**fields)) == {"__all__": ["截止年度不能早于起始年度。"]}


def test_target_unique_start_constraint():
    PolicyTarget.objects.create(**target_fields(to_year=2015))
    fields = target_fields(threshold=Decimal("0.7"))

    assert_database_refuses(PolicyTarget, **fields)
    assert constraint_errors(PolicyTarget(**fields)) == {"__all__": ["同一指标同一起始年度只能有一个目标。"]}
    assert clean_errors(PolicyTarget(**fields)) == {
        "__all__": [
            "与已有目标 民生投入占比 ≥ 0.8000（2010–2015）年度重叠。",
            "同一指标同一起始年度只能有一个目标。",
        ]
    }


@pytest.mark.parametrize("threshold", ["80", "1.0001", "-0.1"])
def test_share_target_threshold_is_a_fraction(threshold):
    target = PolicyTarget(**target_fields(threshold=Decimal(threshold)))

    assert clean_errors(target) == {
        "threshold": ["比例类指标的阈值以小数表示，须在 0 到 1 之间（80% 填 0.8）。"]
    }


@pytest.mark.parametrize("threshold", ["0", "0.8", "1"])
def test_share_target_threshold_between_zero_and_one_is_accepted(threshold):
    assert clean_errors(PolicyTarget(**target_fields(threshold=Decimal(threshold)))) == {}


def test_month_targets_are_not_fractions():
    target = PolicyTarget(**target_fields(metric=PolicyMetric.CADRE_TERM_MONTHS, threshold=Decimal("36")))

    assert clean_errors(target) == {}


def test_targets_of_one_metric_may_not_overlap():
    PolicyTarget.objects.create(**target_fields(from_year=2010))  # open-ended

    later = PolicyTarget(**target_fields(from_year=2020, threshold=Decimal("0.85")))

    assert clean_errors(later) == {"__all__": ["与已有目标 民生投入占比 ≥ 0.8000（2010–…）年度重叠。"]}


def test_targets_of_one_metric_may_follow_each_other():
    PolicyTarget.objects.create(**target_fields(from_year=2010, to_year=2019))

    later = PolicyTarget(**target_fields(from_year=2020, threshold=Decimal("0.85")))
    other_metric = PolicyTarget(**target_fields(metric=PolicyMetric.GRASSROOTS_SHARE))

    assert clean_errors(later) == {}
    assert clean_errors(other_metric) == {}


def test_a_saved_target_does_not_overlap_itself():
    target = PolicyTarget.objects.create(**target_fields())

    target.threshold = Decimal("0.85")

    assert clean_errors(target) == {}


def test_targets_in_force():
    old = PolicyTarget.objects.create(**target_fields(from_year=2010, to_year=2019))
    current = PolicyTarget.objects.create(**target_fields(from_year=2020, threshold=Decimal("0.85")))
    PolicyTarget.objects.create(**target_fields(metric=PolicyMetric.SOUTH_SHARE, is_enabled=False))

    assert list(PolicyTarget.objects.in_force(2019)) == [old]
    assert list(PolicyTarget.objects.in_force(2020)) == [current]
    assert list(PolicyTarget.objects.in_force(2009)) == []


@pytest.mark.parametrize(
    ("comparator", "value", "expected"),
    [
        (Comparator.GTE, Decimal("0.8"), True),
        (Comparator.GTE, Decimal("0.7999"), False),
        (Comparator.LTE, Decimal("0.8"), True),
        (Comparator.LTE, Decimal("0.8001"), False),
        (Comparator.EQ, Decimal("0.80"), True),
        (Comparator.EQ, Decimal("0.81"), False),
        (Comparator.GTE, None, None),
    ],
)
def test_target_is_met_by(comparator, value, expected):
    target = PolicyTarget(**target_fields(comparator=comparator))

    assert target.is_met_by(value) is expected


# --- Batch -----------------------------------------------------------------------------------------


def test_batch_number_is_unique_within_a_programme():
    Batch.objects.create(**batch_fields())
    fields = batch_fields(name="第十一批（补）")

    assert_database_refuses(Batch, **fields)
    assert constraint_errors(Batch(**fields)) == {"__all__": ["同一援助计划下批次号不能重复。"]}
    assert clean_errors(Batch(**fields)) == {"__all__": ["同一援助计划下批次号不能重复。"]}


@pytest.mark.parametrize("ends", [datetime.date(2023, 2, 1), datetime.date(2023, 1, 31)])
def test_batch_period_constraint(ends):
    fields = batch_fields(ends=ends)

    assert_database_refuses(Batch, **fields)
    assert constraint_errors(Batch(**fields)) == {"__all__": ["批次结束日期须晚于开始日期。"]}
    assert clean_errors(Batch(**fields)) == {"__all__": ["批次结束日期须晚于开始日期。"]}


def test_batch_covers_its_dates():
    batch = Batch(**batch_fields())

    assert batch.covers(datetime.date(2023, 2, 1)) is True
    assert batch.covers(datetime.date(2026, 1, 31)) is True
    assert batch.covers(datetime.date(2026, 2, 1)) is False
    assert batch.covers(datetime.date(2023, 1, 31)) is False
