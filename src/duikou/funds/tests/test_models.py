"""The fund ledger: constraints, clean() rules, posting and reversing, totals and balances."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from duikou.core.models import ObjectChange
from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.funds.services import FundTotals, fund_totals, post_entry, reverse_entry, running_balances
from duikou.geo.choices import DivisionLevel, Zone
from duikou.programmes.models import Programme
from duikou.testing import (
    assert_database_refuses,
    clean_errors,
    constraint_errors,
    make_county,
    make_division,
    make_entry,
    make_prefecture,
    make_programme,
    make_project,
    make_supporter,
)

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2024, 3, 1)


def entry_fields(project=None, **overrides):
    project = project or make_project()
    fields = {
        "programme": project.programme,
        "supporter": project.supporter,
        "division": project.division,
        "project": project,
        "kind": EntryKind.ARRIVED,
        "amount": Decimal("1000.00"),
        "value_date": MARCH,
        "fiscal_year": 2024,
    }
    fields.update(overrides)
    return fields


def ledger_state():
    """Everything a refused posting must leave as it was."""
    return (
        list(LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "amount", "reverses_id")),
        ObjectChange.objects.count(),
    )


# --- constraints -----------------------------------------------------------------------------------


def test_amount_not_zero_constraint():
    fields = entry_fields(kind=EntryKind.ADJUSTMENT, amount=Decimal("0.00"))

    assert_database_refuses(LedgerEntry, **fields)
    assert constraint_errors(LedgerEntry(**fields)) == {"__all__": ["金额不能为零。"]}


def test_a_zero_ordinary_entry_breaks_both_amount_constraints():
    fields = entry_fields(amount=Decimal("0.00"))

    assert_database_refuses(LedgerEntry, **fields)
    assert constraint_errors(LedgerEntry(**fields)) == {
        "__all__": ["金额不能为零。", "金额须为正数；更正请录入冲正分录。"]
    }


def test_amount_positive_constraint():
    fields = entry_fields(amount=Decimal("-1000.00"))

    assert_database_refuses(LedgerEntry, **fields)
    assert constraint_errors(LedgerEntry(**fields)) == {"__all__": ["金额须为正数；更正请录入冲正分录。"]}


def test_negative_adjustments_and_reversals_pass_the_constraints():
    original = make_entry()

    adjustment = LedgerEntry(
        **entry_fields(original.project, kind=EntryKind.ADJUSTMENT, amount=Decimal("-5.00"))
    )
    reversal = LedgerEntry(**entry_fields(original.project, amount=-original.amount, reverses=original))

    assert constraint_errors(adjustment) == {}
    assert constraint_errors(reversal) == {}
    assert clean_errors(adjustment) == {}
    assert clean_errors(reversal) == {}


@pytest.mark.parametrize("fiscal_year", [1989, 2101])
def test_fiscal_year_range_constraint(fiscal_year):
    fields = entry_fields(fiscal_year=fiscal_year)

    assert_database_refuses(LedgerEntry, **fields)
    assert constraint_errors(LedgerEntry(**fields)) == {"__all__": ["资金年度须在 1990 到 2100 之间。"]}


def test_an_entry_is_reversed_at_most_once_in_the_database():
    original = make_entry()
    make_entry(original.project, amount=-original.amount, reverses=original)

    assert_database_refuses(
        LedgerEntry, **entry_fields(original.project, amount=-original.amount, reverses=original)
    )


# --- clean() ---------------------------------------------------------------------------------------


def test_clean_refuses_a_zero_amount():
    entry = LedgerEntry(**entry_fields(kind=EntryKind.ADJUSTMENT, amount=Decimal("0.00")))

    assert clean_errors(entry) == {"amount": ["金额不能为零。"]}


def test_clean_refuses_a_negative_ordinary_entry():
    entry = LedgerEntry(**entry_fields(kind=EntryKind.SPENT, amount=Decimal("-1.00")))

    assert clean_errors(entry) == {"amount": ["金额须为正数；更正请录入冲正分录。"]}


def test_clean_refuses_a_reversal_of_a_reversal():
    original = make_entry()
    reversal = make_entry(original.project, amount=-original.amount, reverses=original)

    entry = LedgerEntry(**entry_fields(original.project, amount=original.amount, reverses=reversal))

    assert clean_errors(entry) == {"reverses": ["不能冲正一笔冲正分录。"]}


def test_clean_refuses_a_reversal_of_another_amount_or_kind():
    original = make_entry(amount="1000.00")

    entry = LedgerEntry(
        **entry_fields(
            original.project, kind=EntryKind.DISBURSED, amount=Decimal("-999.00"), reverses=original
        )
    )

    assert clean_errors(entry) == {
        "amount": ["冲正金额须为原分录金额的相反数（-1000.00）。"],
        "kind": ["冲正分录的类型须与原分录相同。"],
    }


def test_clean_refuses_funds_dated_before_the_year_before_their_plan_year():
    early = LedgerEntry(**entry_fields(fiscal_year=2026))  # value date 2024-03-01
    next_year = LedgerEntry(**entry_fields(fiscal_year=2025))  # a plan issued in advance
    carried_over = LedgerEntry(**entry_fields(fiscal_year=2019))  # 结转: old funds spent late

    assert clean_errors(early) == {"fiscal_year": ["资金年度 2026 晚于发生日期 2024-03-01 的次年。"]}
    assert clean_errors(next_year) == {}
    assert clean_errors(carried_over) == {}


def test_clean_refuses_an_entry_that_disagrees_with_its_project():
    project = make_project()
    tibet = Programme.objects.create(code="xizang", name="援藏", short_name="援藏")
    zhejiang = make_supporter("浙江省")

    entry = LedgerEntry(
        **entry_fields(project, programme=tibet, supporter=zhejiang, division=make_prefecture())
    )

    assert clean_errors(entry) == {
        "project": ["项目不属于该援助计划。"],
        "supporter": ["支援方须与项目的支援方（上海市）一致。"],
        "division": ["受援地须与项目的受援地（莎车县）一致。"],
    }


def test_an_entry_without_a_project_is_valid():
    entry = LedgerEntry(
        programme=make_programme(),
        supporter=make_supporter(),
        division=make_county(),
        kind=EntryKind.PLAN,
        amount=Decimal("5000000.00"),
        value_date=MARCH,
        fiscal_year=2024,
    )

    assert clean_errors(entry) == {}


# --- post_entry ------------------------------------------------------------------------------------


def test_post_entry_takes_programme_supporter_division_and_fiscal_year_from_the_project():
    # given
    project = make_project()

    # when
    entry = post_entry(
        project=project,
        kind=EntryKind.ARRIVED,
        amount=Decimal("300000.00"),
        value_date=datetime.date(2024, 5, 20),
        document_reference="沪援疆〔2024〕12号",
    )

    # then
    entry = LedgerEntry.objects.get(pk=entry.pk)
    assert (entry.programme, entry.supporter, entry.division) == (
        project.programme,
        project.supporter,
        project.division,
    )
    assert entry.fiscal_year == 2024
    assert entry.amount == Decimal("300000.00")
    assert entry.document_reference == "沪援疆〔2024〕12号"
    assert (
        ObjectChange.objects.filter(
            changed_object_id=entry.pk, changed_object_type__model="ledgerentry", action="create"
        ).count()
        == 1
    )


def test_post_entry_keeps_an_explicit_fiscal_year():
    entry = post_entry(
        project=make_project(),
        kind=EntryKind.PLAN,
        amount=Decimal("1.00"),
        value_date=datetime.date(2023, 12, 20),
        fiscal_year=2024,
    )

    assert entry.fiscal_year == 2024


def test_post_entry_without_a_project():
    entry = post_entry(
        programme=make_programme(),
        supporter=make_supporter(),
        division=make_prefecture(),
        kind=EntryKind.PLAN,
        amount=Decimal("5000000.00"),
        value_date=MARCH,
    )

    assert LedgerEntry.objects.get(pk=entry.pk).project is None


@pytest.mark.parametrize(
    ("amount", "errors"),
    [
        (Decimal("0.00"), {"amount": ["金额不能为零。"]}),
        (Decimal("-100.00"), {"amount": ["金额须为正数；更正请录入冲正分录。"]}),
    ],
)
def test_post_entry_refuses_zero_and_negative_amounts(amount, errors):
    # given
    project = make_project()
    make_entry(project)
    before = ledger_state()

    # when
    with pytest.raises(ValidationError) as raised:
        post_entry(project=project, kind=EntryKind.ARRIVED, amount=amount, value_date=MARCH)

    # then
    assert raised.value.message_dict == errors
    assert ledger_state() == before


def test_post_entry_refuses_a_supporter_other_than_the_projects():
    # given
    project = make_project()
    zhejiang = make_supporter("浙江省")
    before = ledger_state()

    # when
    with pytest.raises(ValidationError) as raised:
        post_entry(
            project=project,
            supporter=zhejiang,
            kind=EntryKind.ARRIVED,
            amount=Decimal("100.00"),
            value_date=MARCH,
        )

    # then
    assert raised.value.message_dict == {"supporter": ["支援方须与项目的支援方（上海市）一致。"]}
    assert ledger_state() == before


# --- reverse_entry ---------------------------------------------------------------------------------


def test_reverse_entry_posts_the_negated_amount():
    # given
    original = post_entry(
        project=make_project(),
        kind=EntryKind.DISBURSED,
        amount=Decimal("250000.00"),
        value_date=MARCH,
        document_reference="莎财〔2024〕3号",
    )

    # when
    reversal = reverse_entry(original, value_date=datetime.date(2024, 4, 2), reason=" 重复录入 ")

    # then
    reversal = LedgerEntry.objects.get(pk=reversal.pk)
    assert reversal.amount == Decimal("-250000.00")
    assert reversal.kind == EntryKind.DISBURSED
    assert reversal.reverses == original
    assert reversal.is_reversal is True
    assert original.is_reversal is False
    assert (reversal.project_id, reversal.programme_id, reversal.supporter_id, reversal.division_id) == (
        original.project_id,
        original.programme_id,
        original.supporter_id,
        original.division_id,
    )
    assert (reversal.value_date, reversal.fiscal_year) == (datetime.date(2024, 4, 2), 2024)
    assert reversal.document_reference == "莎财〔2024〕3号"
    assert reversal.note == "冲正：重复录入"
    assert fund_totals(LedgerEntry.objects.filter(project=original.project)).disbursed == Decimal("0.00")


def test_reverse_entry_refuses_a_second_reversal():
    # given
    original = make_entry()
    reverse_entry(original, value_date=MARCH, reason="录错金额")
    before = ledger_state()

    # when
    with pytest.raises(ValidationError) as raised:
        reverse_entry(original, value_date=MARCH, reason="再冲一次")

    # then
    assert raised.value.messages == ["该分录已冲正，不能重复冲正。"]
    assert ledger_state() == before


def test_reverse_entry_refuses_reversing_a_reversal():
    # given
    original = make_entry()
    reversal = reverse_entry(original, value_date=MARCH, reason="录错金额")
    before = ledger_state()

    # when
    with pytest.raises(ValidationError) as raised:
        reverse_entry(reversal, value_date=MARCH, reason="冲错了")

    # then
    assert raised.value.message_dict == {"reverses": ["不能冲正一笔冲正分录。"]}
    assert ledger_state() == before


def test_reverse_entry_needs_a_reason():
    original = make_entry()
    before = ledger_state()

    with pytest.raises(ValidationError) as raised:
        reverse_entry(original, value_date=MARCH, reason="  ")

    assert raised.value.message_dict == {"note": ["请填写冲正原因。"]}
    assert ledger_state() == before


def test_reverse_entry_of_an_old_entry_with_the_default_date():
    original = make_entry(value_date=datetime.date(2015, 6, 1))

    reversal = reverse_entry(original, reason="审计发现重复")

    assert reversal.amount == -original.amount
    assert reversal.value_date == datetime.date.today()


# --- totals and balances ---------------------------------------------------------------------------


def post_a_year(project):
    """Plan 100 万, cut by 20 万; 60 万 arrived (after a reversed 10 万); 30 万 disbursed;
    15 万 spent; 5 万 returned."""
    post = {"project": project, "value_date": MARCH}
    post_entry(kind=EntryKind.PLAN, amount=Decimal("1000000.00"), **post)
    post_entry(
        kind=EntryKind.ADJUSTMENT,
        amount=Decimal("-200000.00"),
        **{**post, "value_date": datetime.date(2024, 6, 1)},
    )
    post_entry(kind=EntryKind.ARRIVED, amount=Decimal("400000.00"), **post)
    wrong = post_entry(kind=EntryKind.ARRIVED, amount=Decimal("100000.00"), **post)
    reverse_entry(wrong, value_date=datetime.date(2024, 3, 2), reason="重复录入")
    post_entry(
        kind=EntryKind.ARRIVED,
        amount=Decimal("200000.00"),
        **{**post, "value_date": datetime.date(2024, 7, 1)},
    )
    post_entry(
        kind=EntryKind.DISBURSED,
        amount=Decimal("300000.00"),
        **{**post, "value_date": datetime.date(2024, 4, 1)},
    )
    post_entry(
        kind=EntryKind.SPENT, amount=Decimal("150000.00"), **{**post, "value_date": datetime.date(2024, 5, 1)}
    )
    post_entry(
        kind=EntryKind.RETURNED,
        amount=Decimal("50000.00"),
        **{**post, "value_date": datetime.date(2024, 8, 1)},
    )


def test_fund_totals_and_rates():
    # given
    project = make_project()
    post_a_year(project)

    # when
    totals = fund_totals(LedgerEntry.objects.filter(project=project))

    # then
    assert totals == FundTotals(
        planned=Decimal("1000000.00"),
        arrived=Decimal("600000.00"),
        disbursed=Decimal("300000.00"),
        spent=Decimal("150000.00"),
        returned=Decimal("50000.00"),
        adjusted=Decimal("-200000.00"),
    )
    assert totals.balance == Decimal("250000.00")
    assert totals.arrival_rate == Decimal("0.75")
    assert totals.payment_rate == Decimal("0.25")
    assert all(
        isinstance(value, Decimal) for value in (totals.arrived, totals.arrival_rate, totals.payment_rate)
    )


def test_fund_totals_as_of_a_date():
    project = make_project()
    post_a_year(project)

    totals = fund_totals(LedgerEntry.objects.filter(project=project), as_of=datetime.date(2024, 4, 30))

    assert totals == FundTotals(
        planned=Decimal("1000000.00"), arrived=Decimal("400000.00"), disbursed=Decimal("300000.00")
    )
    assert totals.arrival_rate == Decimal("0.4")
    assert totals.payment_rate == Decimal("0")
    assert totals.balance == Decimal("100000.00")


def test_fund_totals_of_all_entries_and_of_none():
    post_a_year(make_project())
    other = make_project(code="TEST-OTHER")
    make_entry(other, kind=EntryKind.ARRIVED, amount="50000.00")

    assert fund_totals().arrived == Decimal("650000.00")
    assert fund_totals(LedgerEntry.objects.none()) == FundTotals()


def test_rates_without_a_plan_or_arrivals_are_none():
    assert FundTotals().arrival_rate is None
    assert FundTotals().payment_rate is None
    assert FundTotals().balance == Decimal("0.00")
    assert (
        FundTotals(
            planned=Decimal("100.00"), adjusted=Decimal("-100.00"), arrived=Decimal("5.00")
        ).arrival_rate
        is None
    )


def test_fund_totals_rates_are_exact_decimals():
    totals = FundTotals(
        planned=Decimal("300000.00"), arrived=Decimal("100000.00"), spent=Decimal("100000.00")
    )

    assert totals.arrival_rate == Decimal(1) / Decimal(3)
    assert totals.payment_rate == Decimal("1")


def test_running_balances():
    # given entries posted out of date order
    project = make_project()
    post_a_year(project)

    # when
    rows = running_balances(project)

    # then
    assert [(entry.kind, entry.amount, balance) for entry, balance in rows] == [
        ("plan", Decimal("1000000.00"), Decimal("0.00")),
        ("arrived", Decimal("400000.00"), Decimal("400000.00")),
        ("arrived", Decimal("100000.00"), Decimal("500000.00")),
        ("arrived", Decimal("-100000.00"), Decimal("400000.00")),
        ("disbursed", Decimal("300000.00"), Decimal("100000.00")),
        ("spent", Decimal("150000.00"), Decimal("100000.00")),
        ("adjustment", Decimal("-200000.00"), Decimal("100000.00")),
        ("arrived", Decimal("200000.00"), Decimal("300000.00")),
        ("returned", Decimal("50000.00"), Decimal("250000.00")),
    ]
    assert rows[-1][1] == fund_totals(LedgerEntry.objects.filter(project=project)).balance


def test_running_balances_of_a_project_without_entries():
    assert running_balances(make_project()) == []


def test_entries_of_other_divisions_do_not_leak_into_a_project():
    project = make_project()
    kashgar_city = make_division(
        "653101", "喀什市", level=DivisionLevel.COUNTY, parent=make_prefecture(), zone=Zone.SOUTH
    )
    post_entry(
        programme=make_programme(),
        supporter=make_supporter(),
        division=kashgar_city,
        kind=EntryKind.ARRIVED,
        amount=Decimal("10.00"),
        value_date=MARCH,
    )

    assert running_balances(project) == []
