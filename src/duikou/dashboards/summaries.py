"""The dashboards' figures read from the rollups (`dashboards.models`) instead of the base tables.

Each function here gives the same rows as one base-table query in
`queries.py` or `charts.py` — same keys, same values — from a few thousand
rollup rows instead of hundreds of thousands of base rows. Results are kept on
the scope (`Scope.memo`), so the headline cards and the charts of one page
share their queries.

"As of" a date: a rollup row sums all its base rows, whatever their dates.
Each row also keeps an upper bound of the date that matters (`latest_*`); when
every row a figure uses has its bound on or before the scope's as-of date, the
sum is the as-of figure exactly. Otherwise the function returns None and the
caller asks the base table — the case for a look back into the past
(`duikou stats --as-of 2020-06-30`), never for today's page over past data.
Rows are filed by year, so a year after the as-of date is left out whole.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Max, Min, Sum

from duikou.funds.choices import EntryKind
from duikou.funds.services import FundTotals
from duikou.geo.models import Division
from duikou.outcomes.models import Indicator
from duikou.programmes.models import Category

from .models import (
    CompletionRollup,
    ConfirmedRollup,
    FundRollup,
    OutcomeRollup,
    PeopleRollup,
    ProjectRollup,
    StatusRollup,
)

FUND_FIELDS = {
    EntryKind.PLAN: "planned",
    EntryKind.ARRIVED: "arrived",
    EntryKind.DISBURSED: "disbursed",
    EntryKind.SPENT: "spent",
    EntryKind.RETURNED: "returned",
    EntryKind.ADJUSTMENT: "adjusted",
}


def fen(value) -> Decimal:
    """Whole fen (1/100 yuan) as yuan with two places."""
    return Decimal(int(value or 0)).scaleb(-2)


def ten_thousandths(value) -> Decimal:
    return Decimal(int(value or 0)).scaleb(-4)


def _memo(scope, key, compute):
    if key not in scope.memo:
        scope.memo[key] = compute()
    return scope.memo[key]


def _lookup(scope, key, compute):
    """Like _memo, for tables that do not depend on the scope (shared with `Scope.widened()` copies)."""
    lookups = scope.memo.setdefault("lookups", {})
    if key not in lookups:
        lookups[key] = compute()
    return lookups[key]


def _all_on_or_before(dates, day: datetime.date) -> bool:
    return all(date is None or date <= day for date in dates)


def _scoped(model, scope, *, year_field: str | None, programmes=None):
    queryset = model.objects.order_by()
    if programmes is None:
        queryset = queryset.filter(programme_id=scope.programme.pk)
    else:
        queryset = queryset.filter(programme_id__in=programmes)
    if year_field is not None:
        if scope.first_year is not None:
            queryset = queryset.filter(**{f"{year_field}__gte": scope.first_year})
        if scope.last_year is not None:
            queryset = queryset.filter(**{f"{year_field}__lte": scope.last_year})
    if scope.supporter is not None:
        queryset = queryset.filter(supporter_id__in=scope.supporter_ids)
    if scope.division is not None:
        queryset = queryset.filter(division_id__in=scope.division_id_list)
    return queryset


# -- small lookups ----------------------------------------------------------------------------------------
def categories(scope) -> dict[int, Category]:
    return _lookup(
        scope,
        "categories",
        lambda: {
            c.pk: c for c in Category.objects.only("name", "short_name", "order", "counts_as_livelihood")
        },
    )


def divisions(scope) -> dict[int, Division]:
    """Every division (a few hundred), with the fields the charts use."""
    return _lookup(
        scope,
        "divisions",
        lambda: {d.pk: d for d in Division.objects.only("code", "name", "level", "parent_id", "zone")},
    )


def division_zones(scope) -> dict[int, str]:
    return {pk: division.zone for pk, division in divisions(scope).items()}


# -- funds ------------------------------------------------------------------------------------------------
def _ledger_rows(scope) -> list[dict]:
    """Σ by supporter and kind over the scope's fiscal years, with each row's latest value date."""
    return _memo(
        scope,
        "ledger",
        lambda: list(
            _scoped(FundRollup, scope, year_field="fiscal_year")
            .values("supporter_id", "kind")
            .annotate(fen=Sum("amount_fen"), latest=Max("latest_value_date"))
        ),
    )


def fund_totals(scope) -> FundTotals | None:
    """As `funds.services.fund_totals` over the scope's ledger up to as-of; None: ask the ledger."""
    rows = _ledger_rows(scope)
    if not _all_on_or_before((row["latest"] for row in rows), scope.as_of):
        return None
    sums: dict[str, int] = {}
    for row in rows:
        sums[row["kind"]] = sums.get(row["kind"], 0) + int(row["fen"])
    return FundTotals(**{FUND_FIELDS[kind]: fen(total) for kind, total in sums.items()})


def ledger_by_supporter(scope, kinds) -> list[dict] | None:
    """Rows {supporter_id, kind, total} for `kinds`, up to as-of; None: ask the ledger."""
    rows = [row for row in _ledger_rows(scope) if row["kind"] in kinds]
    if not _all_on_or_before((row["latest"] for row in rows), scope.as_of):
        return None
    return [
        {"supporter_id": row["supporter_id"], "kind": row["kind"], "total": fen(row["fen"])} for row in rows
    ]


def confirmed_by_supporter(scope) -> dict[int, Decimal] | None:
    """As `funds.reconciliation.confirmed_arrivals_by(entries, "supporter_id")` over the scope's ledger up
    to as-of: Σ of the arrivals their recipients confirmed (reversed ones left out); None: ask the ledger."""
    rows = list(
        _scoped(ConfirmedRollup, scope, year_field="fiscal_year")
        .values_list("supporter_id")
        .annotate(fen=Sum("confirmed_fen"), latest=Max("latest_value_date"))
    )
    if not _all_on_or_before((latest for _, _, latest in rows), scope.as_of):
        return None
    return {supporter_id: fen(total) for supporter_id, total, _ in rows}


# -- projects ---------------------------------------------------------------------------------------------
def status_counts(scope) -> dict[str, int]:
    """Projects of the scope's plan years by status (all statuses)."""
    rows = (
        _scoped(StatusRollup, scope, year_field="plan_year")
        .values_list("status")
        .annotate(n=Sum("source_rows"))
    )
    return {status: int(n) for status, n in rows}


def active_groups(scope) -> list[dict]:
    """Projects that are not cancelled or adjusted, of the scope's plan years, by supporter × division ×
    category: count, Σ 援助资金 (fen), of it at county level and below, new and new-started counts."""
    return _memo(
        scope,
        "active",
        lambda: list(
            _scoped(ProjectRollup, scope, year_field="plan_year")
            .filter(projects__gt=0)
            .values("supporter_id", "division_id", "category_id")
            .annotate(
                project_count=Sum("projects"),
                aid_fen=Sum("aid_fen"),
                grassroots_fen=Sum("grassroots_aid_fen"),
                new=Sum("new_projects"),
                new_started=Sum("new_started"),
                latest_start=Max("latest_new_start"),
                first_year=Min("plan_year"),
                last_year=Max("plan_year"),
            )
        ),
    )


def start_counts(scope) -> dict | None:
    """{new, new_started}: new active projects, and those started by as-of; None: ask the projects."""
    groups = active_groups(scope)
    if not _all_on_or_before((group["latest_start"] for group in groups), scope.as_of):
        return None
    return {
        "new": sum(int(group["new"]) for group in groups),
        "new_started": sum(int(group["new_started"]) for group in groups),
    }


def active_year_bounds(scope) -> dict:
    """{first, last}: the earliest and latest plan year of the scope's active projects."""
    groups = active_groups(scope)
    return {
        "first": min((group["first_year"] for group in groups), default=None),
        "last": max((group["last_year"] for group in groups), default=None),
    }


def share_sums(scope) -> dict:
    """Σ 援助资金 of active projects: total, 民生 categories, county level and below, 南疆."""
    flags = categories(scope)
    zones = division_zones(scope)
    total = livelihood = grassroots = south = 0
    for group in active_groups(scope):
        aid = int(group["aid_fen"])
        total += aid
        category = flags.get(group["category_id"])
        if category is not None and category.counts_as_livelihood:
            livelihood += aid
        grassroots += int(group["grassroots_fen"])
        if zones.get(group["division_id"]) == "south":
            south += aid
    return {
        "total": fen(total),
        "livelihood": fen(livelihood),
        "grassroots": fen(grassroots),
        "south": fen(south),
    }


def aid_by(scope, key: str) -> list[dict]:
    """Rows {key, aid, projects} of active projects, where key is supporter_id, division_id or category_id."""
    totals: dict[int, list[int]] = {}
    for group in active_groups(scope):
        total = totals.setdefault(group[key], [0, 0])
        total[0] += int(group["aid_fen"])
        total[1] += int(group["project_count"])
    return [{key: value, "aid": fen(aid), "projects": count} for value, (aid, count) in totals.items()]


def aid_by_zone(scope) -> list[dict]:
    """Rows {division__zone, aid} of active projects."""
    zones = division_zones(scope)
    totals: dict[str, int] = {}
    for group in active_groups(scope):
        zone = zones[group["division_id"]]
        totals[zone] = totals.get(zone, 0) + int(group["aid_fen"])
    return [{"division__zone": zone, "aid": fen(aid)} for zone, aid in totals.items()]


def aid_by_year_and_category(scope) -> list[dict]:
    """Rows {plan_year, category_id, category__name, category__order, total} of active projects."""
    rows = (
        _scoped(ProjectRollup, scope, year_field="plan_year")
        .filter(projects__gt=0)
        .values_list("plan_year", "category_id")
        .annotate(total=Sum("aid_fen"))
    )
    known = categories(scope)
    return [
        {
            "plan_year": year,
            "category_id": category_id,
            "category__name": known[category_id].name,
            "category__order": known[category_id].order,
            "total": fen(total),
        }
        for year, category_id, total in rows
    ]


def completion_counts(scope) -> dict | None:
    """{due, done}: active projects planned to finish in the scope's years, and those finished by as-of."""
    totals = _scoped(CompletionRollup, scope, year_field="end_year").aggregate(
        due=Sum("projects"), done=Sum("ended"), latest=Max("latest_end")
    )
    if not _all_on_or_before([totals["latest"]], scope.as_of):
        return None
    return {"due": int(totals["due"] or 0), "done": int(totals["done"] or 0)}


# -- people -----------------------------------------------------------------------------------------------
def people(scope) -> dict | None:
    """{in_post, person_times, person_times_by_kind} as `queries.people` counts them; None: ask the roster.

    In post on day d = started on or before d − left on or before d (a stint leaves the day after it
    ends); rows of years before d's year count whole, rows of d's year only if their dates allow.
    """
    day, as_of = scope.people_date, scope.as_of
    last_needed = max(day.year, as_of.year)
    rows = list(
        _scoped(PeopleRollup, scope, year_field=None)
        .filter(year__lte=last_needed)
        .values_list("kind", "year")
        .annotate(
            started=Sum("started"),
            left=Sum("left"),
            latest_start=Max("latest_start"),
            latest_leave=Max("latest_leave"),
        )
    )
    in_post = 0
    by_kind: dict[str, int] = {}
    for kind, year, started, left, latest_start, latest_leave in rows:
        if year <= day.year:
            if not _all_on_or_before([latest_start, latest_leave], day):
                return None
            in_post += int(started) - int(left)
        in_years = (scope.first_year is None or year >= scope.first_year) and (
            scope.last_year is None or year <= scope.last_year
        )
        if in_years and year <= as_of.year and started:
            if not _all_on_or_before([latest_start], as_of):
                return None
            by_kind[kind] = by_kind.get(kind, 0) + int(started)
    return {
        "in_post": in_post,
        "person_times": sum(by_kind.values()),
        "person_times_by_kind": {kind: count for kind, count in by_kind.items() if count},
    }


# -- outcomes ---------------------------------------------------------------------------------------------
def _indicators(scope) -> dict[int, tuple[str, str]]:
    return _lookup(
        scope,
        "indicators",
        lambda: {
            pk: (code, rule) for pk, code, rule in Indicator.objects.values_list("pk", "code", "aggregation")
        },
    )


def _outcome_totals(scope, key: str, **filters) -> dict | None:
    """Σ value by `key` (indicator_id or division_id) of measurements ending in the scope's years up to
    as-of; None: ask the measurements."""
    rows = list(
        _scoped(OutcomeRollup, scope, year_field="period_year", programmes=[scope.programme.pk, 0])
        .filter(period_year__lte=scope.as_of.year, **filters)
        .values_list(key)
        .annotate(units=Sum("value_units"), latest=Max("latest_period_end"))
    )
    if not _all_on_or_before((row[2] for row in rows), scope.as_of):
        return None
    return {value: ten_thousandths(units) for value, units, _ in rows}


def outcome_sums(scope) -> dict[str, Decimal] | None:
    """Σ value by indicator code, for indicators aggregated by sum; None: ask the measurements."""
    totals = _memo(scope, "outcomes", lambda: _outcome_totals(scope, "indicator_id"))
    if totals is None:
        return None
    indicators = _indicators(scope)
    sums: dict[str, Decimal] = {}
    for indicator_id, value in totals.items():
        code, rule = indicators[indicator_id]
        if rule == "sum":
            sums[code] = sums.get(code, Decimal("0.0000")) + value
    return sums


def outcome_by_division(scope, code: str) -> list[dict] | None:
    """Rows {division_id, total} of one indicator; None: ask the measurements."""
    ids = [pk for pk, (indicator_code, _) in _indicators(scope).items() if indicator_code == code]
    totals = _outcome_totals(scope, "division_id", indicator_id__in=ids)
    if totals is None:
        return None
    return [{"division_id": division_id, "total": total} for division_id, total in totals.items()]
