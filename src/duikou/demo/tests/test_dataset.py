"""The SF1 data set looks like the published figures (DOMAIN.md), and its anomalies are where the labels say.

The data set is generated once for the module inside a transaction that is
rolled back at the end, so the rest of the suite never sees it. It takes about
a minute on PostgreSQL and two on SQLite.
"""

import datetime
import json
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from statistics import median

import pytest
from django.core.management import call_command
from django.db import transaction

from duikou.core.context import change_context
from duikou.core.models import ObjectChange
from duikou.dashboards.queries import Scope, shares
from duikou.demo.generator import generate_dataset
from duikou.demo.models import AnomalyKind, PlantedAnomaly
from duikou.funds.models import LedgerEntry
from duikou.outcomes.models import Measurement
from duikou.parties.models import Organization
from duikou.programmes.models import Programme
from duikou.projects.choices import CLOSED_STATUSES, ProjectStatus
from duikou.projects.models import Project, ProjectStatusChange
from duikou.reference.loader import load_reference
from duikou.talent.models import Assignment

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def sf1(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_reference()
        with change_context(source="test", note="SF1 for calibration tests"):
            batch = generate_dataset(scale=1, seed=1, progress=lambda message: None)
        yield batch
        transaction.set_rollback(True)


def stats(*args) -> dict:
    out = StringIO()
    call_command("stats", "--json", "--as-of", AS_OF, *args, stdout=out)
    return json.loads(out.getvalue())


def test_sizes_match_sf1(sf1):
    assert 36_000 <= Project.objects.count() <= 42_000
    assert 370_000 <= LedgerEntry.objects.count() <= 440_000
    assert 27_000 <= Assignment.objects.count() <= 33_000
    assert 160_000 <= Measurement.objects.count() <= 230_000


def test_yearly_funds_match_published_figures(sf1):
    # 援疆资金 plan issued: 159.62亿 (2018), 397.78亿 (2021 + 2022), ~200亿 (2024), 197亿 (2025)
    def planned_yi(*years):
        figures = stats("--from-year", str(years[0]), "--to-year", str(years[-1]))
        return figures["funds"]["planned"] / 1e8

    assert planned_yi(2018) == pytest.approx(159.62, rel=0.05)
    assert planned_yi(2021, 2022) == pytest.approx(397.78, rel=0.05)
    assert planned_yi(2024) == pytest.approx(200, rel=0.05)
    assert planned_yi(2025) == pytest.approx(197, rel=0.05)


def test_about_2500_projects_a_year_with_a_skewed_size_distribution(sf1):
    by_year = defaultdict(list)
    for year, amount in Project.objects.exclude(status__in=CLOSED_STATUSES).values_list(
        "plan_year", "aid_amount"
    ):
        by_year[year].append(amount)
    assert 2_300 <= len(by_year[2018]) <= 2_800
    assert 4_900 <= len(by_year[2021]) + len(by_year[2022]) <= 5_400  # published: 5,125 in two years
    amounts = [amount for amounts in by_year.values() for amount in amounts]
    typical = median(amounts)
    assert Decimal(4_000_000) <= typical <= Decimal(6_000_000)  # median 400–600万
    assert sum(amounts) / len(amounts) > typical * Decimal("1.2")  # skewed: mean well above median


def test_policy_shares_meet_their_targets(sf1):
    overall = stats()["shares"]
    assert overall["livelihood"]["value"] >= 0.80 and overall["livelihood"]["met"] is True
    assert overall["grassroots"]["value"] >= 0.80 and overall["grassroots"]["met"] is True
    assert overall["south"]["target"] is None  # 南疆 ≥70% applies from 2023 only
    for year in (2023, 2024, 2025):
        south = stats("--year", str(year))["shares"]["south"]
        assert south["value"] >= 0.70 and south["met"] is True, year


def test_category_shares_have_the_published_shape(sf1):
    # 浙江 → 阿克苏 2023: 民生 33%, 文化教育 29%, 产业 26%, 交往交流交融 7%, 智力 5%
    totals = defaultdict(Decimal)
    for code, amount in Project.objects.exclude(status__in=CLOSED_STATUSES).values_list(
        "category__code", "aid_amount"
    ):
        totals[code] += amount
    whole = sum(totals.values())
    share = {code: float(amount / whole) for code, amount in totals.items()}
    assert share["livelihood"] == pytest.approx(0.33, abs=0.06)
    assert share["culture_education"] == pytest.approx(0.29, abs=0.06)
    assert share["industry"] == pytest.approx(0.26, abs=0.06)
    assert share["exchanges"] == pytest.approx(0.07, abs=0.04)
    assert share["talent"] == pytest.approx(0.05, abs=0.04)


def test_only_planted_supporter_years_fall_below_the_livelihood_target(sf1):
    programme = Programme.objects.get(code="xinjiang")
    below = set()
    for supporter in Organization.objects.top_level_supporters():
        for year in range(2010, 2026):
            value = shares(Scope(programme, year, year, supporter, as_of=datetime.date(2025, 12, 31)))[
                "livelihood"
            ]["value"]
            if value is not None and value < Decimal("0.80"):
                below.add((supporter.pk, year))
    planted = set(
        PlantedAnomaly.objects.filter(kind=AnomalyKind.LOW_LIVELIHOOD_SHARE).values_list(
            "supporter_id", "year"
        )
    )
    assert len(planted) >= 2
    assert below == planted


def test_statuses_agree_with_dates_and_history(sf1):
    as_of = datetime.date(2025, 12, 31)
    assert not Project.objects.filter(
        status=ProjectStatus.UNDER_CONSTRUCTION, actual_start__isnull=True
    ).exists()
    assert not Project.objects.filter(
        status__in=[ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER], accepted_on__isnull=True
    ).exists()
    assert not Project.objects.filter(actual_start__gt=as_of).exists()
    # every project's last status change is its status
    sample = Project.objects.order_by("?")[:300]
    for project in sample:
        last = ProjectStatusChange.objects.filter(project=project).order_by("effective_on", "pk").last()
        assert last.to_status == project.status, project.code


def test_unplanted_completed_projects_were_accepted_within_150_days(sf1):
    planted = set(
        PlantedAnomaly.objects.filter(kind=AnomalyKind.COMPLETED_NOT_ACCEPTED).values_list(
            "project_id", flat=True
        )
    )
    overdue = set(
        Project.objects.filter(
            status=ProjectStatus.COMPLETED,
            actual_end__lt=datetime.date(2025, 12, 31) - datetime.timedelta(days=150),
        ).values_list("pk", flat=True)
    )
    assert planted and overdue == planted


def test_ledgers_agree_with_statuses(sf1):
    figures = stats("--year", "2019")
    funds = figures["funds"]
    assert funds["arrived"] <= funds["planned"] * 1.02  # planted overruns are few
    assert figures["rates"]["arrival"] >= 0.95
    # a project never started has spent nothing
    never_started = Project.objects.filter(actual_start__isnull=True).values("pk")
    assert not LedgerEntry.objects.filter(project__in=never_started, kind="spent").exists()


def test_jobs_and_people_match_published_orders_of_magnitude(sf1):
    two_years = stats("--from-year", "2023", "--to-year", "2024")
    assert 100_000 <= two_years["outcomes"]["jobs_created"] <= 150_000  # "120,000+ jobs in two years"
    people = stats("--year", "2024")["people"]
    assert 2_000 <= people["in_post"] <= 5_000
    terms = {kind: set() for kind in ("cadre", "professional")}
    for kind, start, end in Assignment.objects.filter(kind__in=terms).values_list(
        "kind", "start_date", "planned_end"
    )[:2000]:
        terms[kind].add((end.year - start.year) * 12 + end.month - start.month)
    assert terms == {"cadre": {36}, "professional": {18}}


def test_every_kind_of_anomaly_is_planted_and_listed(sf1):
    out = StringIO()
    call_command("planted_anomalies", "--json", stdout=out)
    listed = json.loads(out.getvalue())
    assert set(listed["counts"]) == set(AnomalyKind.values)
    duplicates = PlantedAnomaly.objects.filter(kind=AnomalyKind.NEAR_DUPLICATE).select_related(
        "project", "other_project"
    )
    for anomaly in duplicates[:50]:
        assert anomaly.project.division_id == anomaly.other_project.division_id
        assert anomaly.project.category_id == anomaly.other_project.category_id


def test_every_generated_row_is_in_the_change_log(sf1):
    # One change row per row written, and one more per annual plan review step (it changes its plan's state).
    assert (
        ObjectChange.objects.filter(import_batch=sf1).count()
        == sum(count for name, count in sf1.counts.items() if name != "PlantedAnomaly")
        + sf1.counts["PlanReview"]
    )


def test_the_rate_rules_flag_the_planted_late_supporter_years_and_only_genuinely_late_ones(sf1):
    """到位率, 开工率 and 完工率 (issue 6 follow-up): the generator keeps supporter-years on time except those
    it plants late; beyond those, only supporter-years holding a project the generator stalled at 批复 (an
    idle balance: never started, never finished) or started late (a planted late year's project, due later)
    may fail a benchmark."""
    from duikou.checks.findings import run_checks
    from duikou.checks.models import Finding
    from duikou.checks.rules.base import CheckContext

    as_of = datetime.date(2025, 12, 31)
    codes = [
        "arrival-rate-june",
        "arrival-rate-september",
        "start-rate-may",
        "start-rate-september",
        "completion-rate",
    ]
    run_checks(rule_codes=codes, as_of=as_of)
    top = CheckContext(programme=Programme.objects.get(code="xinjiang"), as_of=as_of).top_supporter_of

    def planted(kind) -> set:
        return set(PlantedAnomaly.objects.filter(kind=kind).values_list("supporter_id", "year"))

    def found(code) -> set:
        return set(Finding.objects.filter(rule__code=code, holds=True).values_list("supporter_id", "year"))

    stalled = Project.objects.filter(
        pk__in=PlantedAnomaly.objects.filter(kind=AnomalyKind.IDLE_BALANCE).values("project_id")
    )
    late_years = planted(AnomalyKind.LOW_START_RATE)
    started_late = [
        p
        for p in Project.objects.exclude(status__in=CLOSED_STATUSES).filter(
            plan_year__in={year for _, year in late_years}
        )
        if (top[p.supporter_id].pk, p.plan_year) in late_years
    ]
    not_started = {(top[p.supporter_id].pk, p.plan_year) for p in stalled}
    not_finished = {(top[p.supporter_id].pk, p.planned_end.year) for p in [*stalled, *started_late]}

    for code in ("arrival-rate-june", "arrival-rate-september"):
        assert found(code) == planted(AnomalyKind.LOW_ARRIVAL_RATE), code
    for code in ("start-rate-may", "start-rate-september"):
        assert late_years <= found(code) <= late_years | not_started, code
    late_finish = planted(AnomalyKind.LOW_COMPLETION_RATE)
    assert late_finish <= found("completion-rate") <= late_finish | not_finished
    assert len(planted(AnomalyKind.LOW_ARRIVAL_RATE)) == len(late_years) == len(late_finish) == 3


def test_recipients_confirmed_most_arrivals(sf1):
    from duikou.funds.choices import ConfirmationState
    from duikou.funds.models import ArrivalConfirmation
    from duikou.funds.reconciliation import OPEN_Q

    arrivals = LedgerEntry.objects.filter(OPEN_Q, kind="arrived").count()
    answers = ArrivalConfirmation.objects.count()
    disputed = ArrivalConfirmation.objects.filter(state=ConfirmationState.DISPUTED).count()
    assert 0.95 * arrivals <= answers < arrivals
    assert 0.005 * answers <= disputed <= 0.02 * answers
