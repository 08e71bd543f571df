"""The data behind the overview's charts and map, each row with the link to the list behind it.

Figures follow the definitions of `queries.py` (Σ 援助资金 of projects that are
not cancelled or adjusted; ledger sums for funds), so a chart and a headline
card never disagree. Links lead to the filtered project registry
(`projects:project_list`, parameters of `ProjectFilterSet`). Like the cards, the
charts read the rollups (`summaries.py`) unless the scope says otherwise
(`Scope.use_rollups`) or its as-of date needs the base tables.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse

from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.geo.choices import Zone
from duikou.parties.choices import SUPPORTER_KINDS
from duikou.parties.models import Organization

from . import summaries
from .queries import Scope, active_projects, confirmed_by_supporter, ratio, scoped_measurements

ZERO = Decimal("0.00")
PLANNED_AND_ARRIVED = [EntryKind.PLAN, EntryKind.ADJUSTMENT, EntryKind.ARRIVED]


def registry_url(url_name: str, scope: Scope, *, years: tuple[str, str] | None = None, **filters) -> str:
    """A registry list narrowed to the scope: programme, supporter (with its cities), division (with
    what lies under it) and, when `years` names the list's year filters, the scope's years."""
    params = {"programme": scope.programme.pk}
    if years is not None:
        if scope.first_year is not None:
            params[years[0]] = scope.first_year
        if scope.last_year is not None:
            params[years[1]] = scope.last_year
    if scope.supporter is not None:
        params["supporter"] = scope.supporter.pk
    if scope.division is not None:
        params["division"] = scope.division.pk
    params.update(filters)
    return reverse(url_name) + "?" + urlencode(params, doseq=True)


def project_list_url(scope: Scope, **filters) -> str:
    """The filtered project list behind a figure (`filters`: ProjectFilterSet names)."""
    return registry_url("projects:project_list", scope, years=("plan_year_min", "plan_year_max"), **filters)


def funds_by_year_and_category(scope: Scope) -> dict:
    """Σ 援助资金 by plan year, stacked by category, over every year (the scope's year is ignored)."""
    all_years = scope.widened(first_year=None, last_year=None)
    if all_years.use_rollups:
        rows = summaries.aid_by_year_and_category(all_years)
    else:
        rows = list(
            active_projects(all_years)
            .values("plan_year", "category_id", "category__name", "category__order")
            .annotate(total=Sum("aid_amount"))
        )
    years = sorted({row["plan_year"] for row in rows})
    categories: dict[int, dict] = {}
    for row in sorted(rows, key=lambda r: (r["category__order"], r["category_id"])):
        series = categories.setdefault(
            row["category_id"], {"id": row["category_id"], "name": row["category__name"], "values": {}}
        )
        series["values"][row["plan_year"]] = row["total"]
    return {
        "years": years,
        "series": [
            {"id": s["id"], "name": s["name"], "data": [s["values"].get(year, ZERO) for year in years]}
            for s in categories.values()
        ],
        "links": {str(year): project_list_url(all_years, plan_year=year, is_active=True) for year in years},
    }


def _top_supporter_of() -> dict[int, Organization]:
    """Each supporter's top-level 援疆省市 (衢州市 → 浙江省)."""
    organizations = {
        o.pk: o
        for o in Organization.objects.filter(kind__in=SUPPORTER_KINDS).only("name", "short_name", "parent_id")
    }
    top = {}
    for pk, organization in organizations.items():
        node = organization
        while node.parent_id in organizations:
            node = organizations[node.parent_id]
        top[pk] = node
    return top


def by_supporter(scope: Scope) -> list[dict]:
    """Per 援疆省市 (its cities included): 援助资金, planned, arrived, 到位率 — weakest arrival first."""
    top = _top_supporter_of()
    rows: dict[int, dict] = {}

    def row_for(supporter_id):
        supporter = top[supporter_id]
        return rows.setdefault(
            supporter.pk,
            {
                "id": supporter.pk,
                "name": supporter.short_name or supporter.name,
                "aid": ZERO,
                "planned": ZERO,
                "arrived": ZERO,
                "confirmed": ZERO,
                "projects": 0,
            },
        )

    if scope.use_rollups:
        aid_rows = summaries.aid_by(scope, "supporter_id")
    else:
        aid_rows = (
            active_projects(scope)
            .values("supporter_id")
            .annotate(aid=Sum("aid_amount"), projects=Count("id"))
        )
    for item in aid_rows:
        row = row_for(item["supporter_id"])
        row["aid"] += item["aid"] or ZERO
        row["projects"] += item["projects"]
    ledger_rows = summaries.ledger_by_supporter(scope, PLANNED_AND_ARRIVED) if scope.use_rollups else None
    if ledger_rows is None:
        entries = scope.filter(
            LedgerEntry.objects.filter(programme=scope.programme), year_field="fiscal_year"
        )
        ledger_rows = (
            entries.filter(value_date__lte=scope.as_of, kind__in=PLANNED_AND_ARRIVED)
            .order_by()
            .values("supporter_id", "kind")
            .annotate(total=Sum("amount"))
        )
    for item in ledger_rows:
        row = row_for(item["supporter_id"])
        row["arrived" if item["kind"] == EntryKind.ARRIVED else "planned"] += item["total"] or ZERO
    for supporter_id, amount in confirmed_by_supporter(scope).items():
        row_for(supporter_id)["confirmed"] += amount
    result = []
    for row in rows.values():
        row["unconfirmed"] = row["arrived"] - row.pop("confirmed")  # 含未确认: issue 5, item 3
        row["arrival_rate"] = ratio(row["arrived"], row["planned"])
        row["url"] = project_list_url(scope, supporter=row["id"], is_active=True)
        result.append(row)
    return sorted(result, key=lambda r: (r["arrival_rate"] is None, r["arrival_rate"] or 0, r["name"]))


def by_category(scope: Scope) -> list[dict]:
    if scope.use_rollups:
        rows = summaries.aid_by(scope, "category_id")
    else:
        rows = (
            active_projects(scope).values("category_id").annotate(aid=Sum("aid_amount"), projects=Count("id"))
        )
    categories = summaries.categories(scope)
    return [
        {
            "id": row["category_id"],
            "name": categories[row["category_id"]].name,
            "short_name": categories[row["category_id"]].short_name,
            "aid": row["aid"],
            "projects": row["projects"],
            "counts_as_livelihood": categories[row["category_id"]].counts_as_livelihood,
            "url": project_list_url(scope, category=row["category_id"], is_active=True),
        }
        for row in sorted(rows, key=lambda r: (categories[r["category_id"]].order, r["category_id"]))
    ]


def by_zone(scope: Scope) -> list[dict]:
    if scope.use_rollups:
        rows = summaries.aid_by_zone(scope)
    else:
        rows = active_projects(scope).values("division__zone").annotate(aid=Sum("aid_amount"))
    labels = dict(Zone.choices)
    return [
        {
            "zone": row["division__zone"],
            "name": str(labels.get(row["division__zone"], row["division__zone"])),
            "aid": row["aid"],
            "url": project_list_url(scope, zone=row["division__zone"], is_active=True),
        }
        for row in sorted(rows, key=lambda r: r["division__zone"])
    ]


def by_division(scope: Scope) -> list[dict]:
    """Per county-level division and XPCC 师市: 援助资金, projects and jobs — the map's values."""
    divisions = {
        pk: division
        for pk, division in summaries.divisions(scope).items()
        if division.level in ("county", "xpcc_division", "regiment")
    }
    regiment_parent = {pk: d.parent_id for pk, d in divisions.items() if d.level == "regiment"}
    values: dict[int, dict] = {}

    def row_for(division_id):
        division_id = regiment_parent.get(division_id, division_id)  # regiments are drawn with their division
        division = divisions[division_id]
        return values.setdefault(
            division_id,
            {
                "id": division_id,
                "code": division.code,
                "name": division.name,
                "aid": ZERO,
                "projects": 0,
                "jobs": 0,
            },
        )

    if scope.use_rollups:
        aid_rows = [row for row in summaries.aid_by(scope, "division_id") if row["division_id"] in divisions]
    else:
        aid_rows = (
            active_projects(scope)
            .filter(division_id__in=divisions)
            .values("division_id")
            .annotate(aid=Sum("aid_amount"), projects=Count("id"))
        )
    for item in aid_rows:
        row = row_for(item["division_id"])
        row["aid"] += item["aid"] or ZERO
        row["projects"] += item["projects"]
    jobs = summaries.outcome_by_division(scope, "jobs_created") if scope.use_rollups else None
    if jobs is None:
        jobs = (
            scoped_measurements(scope)
            .filter(indicator__code="jobs_created", division_id__in=divisions)
            .order_by()
            .values("division_id")
            .annotate(total=Sum("value"))
        )
    for item in jobs:
        if item["division_id"] in divisions:
            row_for(item["division_id"])["jobs"] += int(item["total"] or 0)
    for row in values.values():
        row["url"] = project_list_url(scope, division=row["id"], is_active=True)
    return sorted(values.values(), key=lambda r: r["code"])
