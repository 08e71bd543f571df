"""Rollups: exact after every write path, and the figures read from them equal the base-table figures.

A small generated data set (≈770 projects, ≈8,000 ledger entries) is loaded once for the module with
the bulk loader, in a transaction rolled back at the end; each test writes inside its own savepoint.
Runs on SQLite and, with DATABASE_URL, on PostgreSQL (issue 3, item 6: the rollups must give exactly
what the raw queries give, for several scopes, on both databases).
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from duikou.core.bulk import BulkWriter
from duikou.core.context import change_context
from duikou.core.triggers import append_only_suspended
from duikou.dashboards import charts, rollups, summaries
from duikou.dashboards.models import ConfirmedRollup, FundRollup, OutcomeRollup, ProjectRollup
from duikou.dashboards.queries import Scope, headline_figures
from duikou.demo.generator import generate_dataset
from duikou.demo.wipe import wipe_dataset
from duikou.funds.choices import ConfirmationState, EntryKind
from duikou.funds.models import ArrivalConfirmation, LedgerEntry
from duikou.funds.reconciliation import confirmed_arrivals_by
from duikou.funds.services import (
    confirm_arrival,
    dispute_arrival,
    first_open_day,
    post_entry,
    reverse_entry,
)
from duikou.geo.choices import DivisionLevel
from duikou.geo.models import Division
from duikou.outcomes.models import Measurement
from duikou.parties.choices import OrganizationKind
from duikou.parties.models import Organization
from duikou.programmes.models import Category, Programme
from duikou.projects.choices import ProjectStatus
from duikou.projects.models import Project
from duikou.projects.services import transition_project
from duikou.reference.loader import load_reference
from duikou.talent.models import Assignment

pytestmark = pytest.mark.django_db
SCALE = 0.02
TODAY = datetime.date.today()


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    """Reference data and a generated data set, written by the bulk loader (COPY on PostgreSQL)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_reference()
        with change_context(source="test", note="rollup tests"):
            generate_dataset(scale=SCALE, seed=1, progress=lambda message: None)
        yield Programme.objects.get(code="xinjiang")
        transaction.set_rollback(True)


def assert_rollups_exact():
    assert rollups.differences() == {}


def every_figure(scope: Scope) -> dict:
    """What the overview shows for a scope: the headline figures and the data of every chart."""
    return {
        "headline": headline_figures(scope),
        "funds_by_year": charts.funds_by_year_and_category(scope),
        "supporters": charts.by_supporter(scope),
        "categories": charts.by_category(scope),
        "zones": charts.by_zone(scope),
        "divisions": charts.by_division(scope),
    }


def fresh(scope: Scope) -> Scope:
    """A copy without the query results the scope keeps for one page (Scope.memo)."""
    return dataclasses.replace(scope)


def assert_same_as_base_tables(scope: Scope):
    scope = fresh(scope)
    from_rollups = every_figure(scope)
    from_base_tables = every_figure(scope.from_base_tables())
    assert from_rollups == from_base_tables


def supporter_with_cities() -> Organization:
    """A 援疆省 whose cities post projects too (浙江省: 杭州市, 宁波市 …)."""
    cities = Organization.objects.filter(kind=OrganizationKind.SUPPORTING_CITY, projects__isnull=False)
    return cities.order_by("parent__name").first().parent


def scope_of(programme, name: str) -> Scope:
    latest = Project.objects.order_by("-plan_year").values_list("plan_year", flat=True).first()
    prefecture = Division.objects.filter(level=DivisionLevel.PREFECTURE, children__projects__isnull=False)
    county = Division.objects.filter(level=DivisionLevel.COUNTY, projects__isnull=False).order_by("code")
    scopes = {
        "programme, all years": Scope(programme, as_of=TODAY),
        "programme, one year": Scope(programme, latest, latest, as_of=TODAY),
        "programme, 2015–2019": Scope(programme, 2015, 2019, as_of=TODAY),
        "supporter with its cities, all years": Scope(
            programme, supporter=supporter_with_cities(), as_of=TODAY
        ),
        "supporter with its cities, one year": Scope(
            programme, latest - 1, latest - 1, supporter=supporter_with_cities(), as_of=TODAY
        ),
        "prefecture with its counties, all years": Scope(
            programme, division=prefecture.order_by("code").first(), as_of=TODAY
        ),
        "prefecture with its counties, one year": Scope(
            programme, latest, latest, division=prefecture.order_by("-code").first(), as_of=TODAY
        ),
        "county, all years": Scope(programme, division=county.first(), as_of=TODAY),
        "county, one year": Scope(programme, latest, latest, division=county.last(), as_of=TODAY),
        "supporter inside a prefecture": Scope(
            programme,
            supporter=supporter_with_cities(),
            division=Division.objects.get(code="653100"),  # 喀什地区
            as_of=TODAY,
        ),
        # As of a day inside the data: the figures that depend on dates come from the base tables.
        "programme, all years, as of mid-2019": Scope(programme, as_of=datetime.date(2019, 6, 30)),
        "programme, one year, as of that year's end": Scope(
            programme, latest, latest, as_of=datetime.date(latest, 12, 31)
        ),
        "county, 2018, as of 2019-03-15": Scope(
            programme, 2018, 2018, division=county.first(), as_of=datetime.date(2019, 3, 15)
        ),
    }
    return scopes[name]


SCOPES = [
    "programme, all years",
    "programme, one year",
    "programme, 2015–2019",
    "supporter with its cities, all years",
    "supporter with its cities, one year",
    "prefecture with its counties, all years",
    "prefecture with its counties, one year",
    "county, all years",
    "county, one year",
    "supporter inside a prefecture",
    "programme, all years, as of mid-2019",
    "programme, one year, as of that year's end",
    "county, 2018, as of 2019-03-15",
]


# -- the load -----------------------------------------------------------------------------------------------
def test_the_bulk_load_leaves_every_rollup_exact(dataset):
    assert FundRollup.objects.exists() and ProjectRollup.objects.exists() and OutcomeRollup.objects.exists()
    assert ConfirmedRollup.objects.exists()
    assert_rollups_exact()


def test_the_installed_triggers_are_the_current_definitions(dataset):
    assert rollups.stale() == []


@pytest.mark.parametrize("name", SCOPES)
def test_figures_from_rollups_equal_figures_from_base_tables(dataset, name):
    assert_same_as_base_tables(scope_of(dataset, name))


def test_today_over_past_data_is_read_from_the_rollups(dataset):
    scope = scope_of(dataset, "programme, all years")

    assert summaries.fund_totals(scope) is not None
    assert summaries.confirmed_by_supporter(scope) is not None
    assert summaries.start_counts(scope) is not None
    assert summaries.completion_counts(scope) is not None
    assert summaries.people(scope) is not None
    assert summaries.outcome_sums(scope) is not None


def test_an_as_of_day_inside_the_data_falls_back_to_the_base_tables(dataset):
    scope = scope_of(dataset, "programme, all years, as of mid-2019")

    assert summaries.fund_totals(scope) is None  # later entries of those fiscal years exist
    assert summaries.confirmed_by_supporter(scope) is None
    assert headline_figures(scope) == headline_figures(scope.from_base_tables())


def test_people_in_post_at_a_year_end_come_from_the_rollups(dataset):
    scope = scope_of(dataset, "programme, one year, as of that year's end")

    assert summaries.people(scope) is not None
    assert headline_figures(scope)["people"] == headline_figures(scope.from_base_tables())["people"]


# -- write paths --------------------------------------------------------------------------------------------
def approved_project() -> Project:
    return Project.objects.filter(status=ProjectStatus.APPROVED).order_by("code").first()


def test_posting_and_reversing_ledger_entries_keeps_the_rollups_exact(dataset):
    project = approved_project()
    scope = Scope(dataset, project.plan_year, project.plan_year, division=project.division, as_of=TODAY)
    before = headline_figures(scope)["funds"]["arrived"]

    entry = post_entry(
        project=project,
        kind="arrived",
        amount=Decimal("12345.67"),
        value_date=datetime.date(project.plan_year, 6, 1),
        fiscal_year=project.plan_year,
    )
    assert_rollups_exact()
    assert headline_figures(fresh(scope))["funds"]["arrived"] == before + Decimal("12345.67")
    reverse_entry(entry, reason="录入错误", value_date=datetime.date(project.plan_year, 6, 2))

    assert_rollups_exact()
    assert headline_figures(fresh(scope))["funds"]["arrived"] == before
    assert_same_as_base_tables(scope)


def test_a_future_dated_entry_sends_the_funds_to_the_ledger_and_stays_exact(dataset):
    project = approved_project()
    post_entry(
        project=project,
        kind="plan",
        amount=Decimal("1000.00"),
        value_date=TODAY + datetime.timedelta(days=30),
    )
    scope = Scope(dataset, as_of=TODAY)

    assert_rollups_exact()
    assert summaries.fund_totals(scope) is None
    assert_same_as_base_tables(scope)


def test_status_transitions_keep_the_rollups_exact(dataset):
    project = approved_project()
    scope = Scope(dataset, project.plan_year, project.plan_year, supporter=project.supporter, as_of=TODAY)

    transition_project(project, ProjectStatus.UNDER_CONSTRUCTION, effective_on=datetime.date(2025, 5, 1))
    transition_project(project, ProjectStatus.COMPLETED, effective_on=datetime.date(2025, 11, 1))

    assert_rollups_exact()
    assert_same_as_base_tables(scope)


def test_saving_a_project_moves_it_between_rollup_rows(dataset):
    project = approved_project()
    other_category = Category.objects.exclude(pk=project.category_id).filter(programme=dataset).first()
    old_scope = Scope(dataset, project.plan_year, project.plan_year, division=project.division, as_of=TODAY)

    project.category = other_category
    project.plan_year = project.plan_year - 1
    project.aid_amount = project.aid_amount + Decimal("0.01")
    project.planned_end = None
    project.save()

    assert_rollups_exact()
    assert_same_as_base_tables(old_scope)
    assert_same_as_base_tables(Scope(dataset, project.plan_year, project.plan_year, as_of=TODAY))


def test_queryset_updates_keep_the_rollups_exact(dataset):
    year = Project.objects.order_by("-plan_year").values_list("plan_year", flat=True).first()
    Project.objects.filter(plan_year=year, status=ProjectStatus.HANDED_OVER).update(
        aid_amount=Decimal("1000000.00"), implementation_level="prefecture"
    )
    Assignment.objects.filter(start_date__year=year - 1).update(actual_end=datetime.date(year, 1, 31))
    Measurement.objects.filter(period_end__year=year - 1).update(value=Decimal("7.0000"))

    assert_rollups_exact()
    assert_same_as_base_tables(Scope(dataset, as_of=TODAY))
    assert_same_as_base_tables(Scope(dataset, year, year, as_of=TODAY))


def test_deletes_empty_and_drop_rollup_rows(dataset):
    measurement = Measurement.objects.order_by("pk").first()
    assignment = Assignment.objects.order_by("pk").first()
    project = approved_project()
    project.pk, project.code, project.plan_year = None, "TEST-2030-0001", 2030  # a rollup row of its own
    project.save()
    assert ProjectRollup.objects.filter(plan_year=2030).exists()

    measurement.delete()
    assignment.delete()
    project.delete()

    assert not ProjectRollup.objects.filter(plan_year=2030).exists()
    assert_rollups_exact()
    assert_same_as_base_tables(Scope(dataset, as_of=TODAY))


def test_moving_a_project_to_another_programme_moves_its_outcomes(dataset):
    other = Programme.objects.create(code="xizang", name="对口援藏", short_name="援藏")
    measured = Measurement.objects.filter(project__isnull=False).order_by("pk").first().project

    Project.objects.filter(pk=measured.pk).update(programme=other)

    assert_rollups_exact()
    assert OutcomeRollup.objects.filter(programme_id=other.pk).exists()
    assert_same_as_base_tables(Scope(dataset, as_of=TODAY))


def test_wiping_the_data_set_empties_the_rollups(dataset):
    wipe_dataset()

    assert not FundRollup.objects.exists()
    assert not ProjectRollup.objects.exists()
    assert not ConfirmedRollup.objects.exists()
    assert_rollups_exact()


def test_ensure_installed_puts_back_dropped_triggers_and_rebuilds(dataset):
    with connection.cursor() as cursor:
        for statement in rollups.drop_sql(rollups.PROJECTS, connection.vendor):
            cursor.execute(statement)
    Project.objects.filter(pk=approved_project().pk).update(
        aid_amount=Decimal("1.00")
    )  # not seen by a trigger
    assert rollups.stale() == [rollups.PROJECTS]
    assert rollups.differences([rollups.PROJECTS]) != {}

    assert rollups.ensure_installed() == [rollups.PROJECTS]

    assert rollups.stale() == []
    assert_rollups_exact()


def test_the_rebuild_command_checks_and_repairs(dataset):
    out = StringIO()
    call_command("rebuild_rollups", "--check", stdout=out)
    assert "every rollup matches" in out.getvalue()

    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM dashboards_fundrollup WHERE id IN (SELECT MIN(id) FROM dashboards_fundrollup)"
        )
    with pytest.raises(CommandError):
        call_command("rebuild_rollups", "--check", stdout=StringIO(), stderr=StringIO())

    call_command("rebuild_rollups", stdout=StringIO())
    assert_rollups_exact()


# -- confirmed arrivals (对账): the confirmed-arrival rollup against confirmed_arrivals_by ------------------
EVER = datetime.date(2100, 12, 31)  # an as-of day after every entry: the rollup answers whole


def confirmed_now(programme) -> dict[int, Decimal]:
    """The programme's confirmed arrivals by supporter, from the rollup."""
    return summaries.confirmed_by_supporter(Scope(programme, as_of=EVER))


def assert_confirmed_exact(programme):
    """The rollup equals a fresh computation, and what the dashboards read from it equals the definition."""
    assert rollups.differences([rollups.CONFIRMED]) == {}
    entries = LedgerEntry.objects.filter(programme=programme)
    assert confirmed_now(programme) == confirmed_arrivals_by(entries, "supporter_id")


def open_arrivals():
    """Arrivals that are not reversals and not reversed, oldest first."""
    return LedgerEntry.objects.filter(
        kind=EntryKind.ARRIVED, reverses__isnull=True, reversal__isnull=True
    ).order_by("pk")


def pending_arrival() -> LedgerEntry:
    return open_arrivals().filter(confirmation__isnull=True).first()


def confirmed_arrival() -> LedgerEntry:
    return open_arrivals().filter(confirmation__state=ConfirmationState.CONFIRMED).first()


def test_the_bulk_load_fills_the_confirmed_rollup(dataset):
    counted = ArrivalConfirmation.objects.filter(
        state=ConfirmationState.CONFIRMED, entry__kind=EntryKind.ARRIVED, entry__reversal__isnull=True
    )

    assert_confirmed_exact(dataset)
    assert sum(ConfirmedRollup.objects.values_list("source_rows", flat=True)) == counted.count()


def test_answering_an_arrival_moves_the_confirmed_figure(dataset):
    entry = pending_arrival()
    supporter_id, amount = entry.supporter_id, entry.amount
    before = confirmed_now(dataset).get(supporter_id, Decimal("0.00"))
    scope = Scope(dataset, entry.fiscal_year, entry.fiscal_year, supporter=entry.supporter, as_of=TODAY)

    confirm_arrival(entry, acting_user=None)
    assert confirmed_now(dataset)[supporter_id] == before + amount
    assert_confirmed_exact(dataset)

    dispute_arrival(
        entry, acting_user=None, reason="未收到", amount_received=Decimal("0.00")
    )  # confirmed → disputed
    assert confirmed_now(dataset).get(supporter_id, Decimal("0.00")) == before
    assert_confirmed_exact(dataset)

    confirm_arrival(entry, acting_user=None)  # disputed → confirmed
    assert confirmed_now(dataset)[supporter_id] == before + amount
    assert_confirmed_exact(dataset)
    assert_same_as_base_tables(scope)


def test_saves_updates_and_deletes_of_confirmations_keep_the_confirmed_rollup_exact(dataset):
    confirmation = confirmed_arrival().confirmation
    confirmation.state, confirmation.reason = ConfirmationState.DISPUTED, "金额不符"
    confirmation.save()
    assert_confirmed_exact(dataset)

    year = confirmation.entry.fiscal_year
    answers = ArrivalConfirmation.objects.filter(entry__fiscal_year=year)
    answers.update(state=ConfirmationState.DISPUTED, reason="批量质疑")
    assert_confirmed_exact(dataset)
    answers.update(state=ConfirmationState.CONFIRMED, reason="")
    assert_confirmed_exact(dataset)

    # An answer moved to another arrival (raw update of the key), then deleted, one and many.
    ArrivalConfirmation.objects.filter(pk=confirmation.pk).update(entry=pending_arrival())
    assert_confirmed_exact(dataset)
    ArrivalConfirmation.objects.get(pk=confirmation.pk).delete()
    assert_confirmed_exact(dataset)
    ArrivalConfirmation.objects.filter(entry__fiscal_year=year - 1).delete()
    assert_confirmed_exact(dataset)
    assert_same_as_base_tables(Scope(dataset, as_of=TODAY))


def test_reversing_a_confirmed_arrival_takes_it_out_of_the_confirmed_figure(dataset):
    entry = confirmed_arrival()
    before = confirmed_now(dataset)[entry.supporter_id]

    reverse_entry(entry, reason="重复登记")

    assert confirmed_now(dataset).get(entry.supporter_id, Decimal("0.00")) == before - entry.amount
    assert_confirmed_exact(dataset)
    assert_same_as_base_tables(Scope(dataset, entry.fiscal_year, entry.fiscal_year, as_of=TODAY))


def test_answers_the_services_refuse_count_for_nothing_when_written_anyway(dataset):
    """A confirmed answer to a reversed arrival, to a reversal or to a planned amount: confirmed_arrivals_by
    leaves the first and the last out (the reversal itself counts there, negative), and so does the rollup."""
    before = confirmed_now(dataset)
    reversed_arrival = LedgerEntry.objects.filter(kind=EntryKind.ARRIVED, reversal__isnull=False).first()
    plan = LedgerEntry.objects.filter(kind=EntryKind.PLAN).first()
    for entry in (reversed_arrival, plan):
        ArrivalConfirmation.objects.create(
            entry=entry,
            state=ConfirmationState.CONFIRMED,
            amount_received=entry.amount,
            decided_at=timezone.now(),
        )

    assert confirmed_now(dataset) == before
    assert_confirmed_exact(dataset)

    ArrivalConfirmation.objects.create(
        entry=reversed_arrival.reversal, state="confirmed", amount_received=0, decided_at=timezone.now()
    )
    assert_confirmed_exact(dataset)


def test_the_bulk_loader_keeps_the_confirmed_rollup_exact(dataset):
    """COPY on PostgreSQL: a reversal of a confirmed arrival, a new arrival, then its confirmation."""
    confirmed = confirmed_arrival()
    day = first_open_day(confirmed.programme_id, confirmed.supporter_id, TODAY)
    fields = {
        name: getattr(confirmed, name)
        for name in ("programme_id", "fiscal_year", "supporter_id", "division_id", "project_id")
    }
    reversal = LedgerEntry(
        kind=EntryKind.ARRIVED, amount=-confirmed.amount, value_date=day, reverses_id=confirmed.pk, **fields
    )
    arrival = LedgerEntry(kind=EntryKind.ARRIVED, amount=Decimal("4321.09"), value_date=day, **fields)
    writer = BulkWriter()
    writer.create(LedgerEntry, [reversal, arrival])
    assert_confirmed_exact(dataset)

    writer.create(
        ArrivalConfirmation,
        [
            ArrivalConfirmation(
                entry_id=arrival.pk,
                state=ConfirmationState.CONFIRMED,
                amount_received=arrival.amount,
                reason="",
                decided_at=timezone.now(),
            )
        ],
    )
    writer.finish()
    assert_confirmed_exact(dataset)
    assert_same_as_base_tables(Scope(dataset, as_of=TODAY))


def test_a_ledger_row_deleted_with_the_append_only_rule_lifted_rebuilds_the_confirmed_rollup(dataset):
    """The backstop: an answer to a reversed arrival counts again once the reversal is gone."""
    reversed_arrival = LedgerEntry.objects.filter(kind=EntryKind.ARRIVED, reversal__isnull=False).first()
    ArrivalConfirmation.objects.create(
        entry=reversed_arrival,
        state=ConfirmationState.CONFIRMED,
        amount_received=reversed_arrival.amount,
        decided_at=timezone.now(),
    )
    before = confirmed_now(dataset)[reversed_arrival.supporter_id]

    with append_only_suspended(LedgerEntry._meta.db_table), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {LedgerEntry._meta.db_table} WHERE id = %s", [reversed_arrival.reversal.pk]
        )

    assert confirmed_now(dataset)[reversed_arrival.supporter_id] == before + reversed_arrival.amount
    assert_confirmed_exact(dataset)
