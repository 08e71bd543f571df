"""The data behind the overview's charts and map, each row with the link to the list behind it.

Figures follow the definitions of `queries.py` (Σ 援助资金 of projects that are
not cancelled or adjusted; ledger sums for funds), so a chart and a headline
card never disagree. Links lead to the filtered project registry
(`projects:project_list`, parameters of `ProjectFilterSet`).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse

from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.geo.choices import Zone
from duikou.geo.models import Division
from duikou.outcomes.models import Measurement
from duikou.parties.choices import SUPPORTER_KINDS
from duikou.parties.models import Organization
from duikou.projects.choices import CLOSED_STATUSES

from .queries import Scope, ratio, scoped_projects

ZERO = Decimal("0.00")
PLANNED_AND_ARRIVED = [EntryKind.PLAN, EntryKind.ADJUSTMENT, EntryKind.ARRIVED]


def project_list_url(scope: Scope, **filters) -> str:
    """The filtered project list behind a figure: the scope's programme, years, supporter (with its
    cities) and division (with what lies under it), plus `filters` (ProjectFilterSet names)."""
    params = {"programme": scope.programme.pk}
    if scope.first_year is not None:
        params["plan_year_min"] = scope.first_year
    if scope.last_year is not None:
        params["plan_year_max"] = scope.last_year
    if scope.supporter is not None:
        params["supporter"] = scope.supporter.pk
    if scope.division is not None:
        params["division"] = scope.division.pk
    params.update(filters)
    return reverse("projects:project_list") + "?" + urlencode(params, doseq=True)


def active_projects(scope: Scope):
    return scoped_projects(scope).exclude(status__in=CLOSED_STATUSES)


def funds_by_year_and_category(scope: Scope) -> dict:
    """Σ 援助资金 by plan year, stacked by category, over every year (the scope's year is ignored)."""
    all_years = Scope(scope.programme, None, None, scope.supporter, scope.division, scope.as_of)
    rows = (
        active_projects(all_years)
        .order_by()
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
    organizations = {o.pk: o for o in Organization.objects.filter(kind__in=SUPPORTER_KINDS)}
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
                "projects": 0,
            },
        )

    for item in (
        active_projects(scope)
        .order_by()
        .values("supporter_id")
        .annotate(aid=Sum("aid_amount"), projects=Count("id"))
    ):
        row = row_for(item["supporter_id"])
        row["aid"] += item["aid"] or ZERO
        row["projects"] += item["projects"]
    entries = scope.filter(LedgerEntry.objects.filter(programme=scope.programme), year_field="fiscal_year")
    for item in (
        entries.filter(value_date__lte=scope.as_of, kind__in=PLANNED_AND_ARRIVED)
        .order_by()
        .values("supporter_id", "kind")
        .annotate(total=Sum("amount"))
    ):
        row = row_for(item["supporter_id"])
        row["arrived" if item["kind"] == EntryKind.ARRIVED else "planned"] += item["total"] or ZERO
    result = []
    for row in rows.values():
        row["arrival_rate"] = ratio(row["arrived"], row["planned"])
        row["url"] = project_list_url(scope, supporter=row["id"], is_active=True)
        result.append(row)
    return sorted(result, key=lambda r: (r["arrival_rate"] is None, r["arrival_rate"] or 0, r["name"]))


def by_category(scope: Scope) -> list[dict]:
    rows = (
        active_projects(scope)
        .order_by()
        .values(
            "category_id",
            "category__name",
            "category__short_name",
            "category__order",
            "category__counts_as_livelihood",
        )
        .annotate(aid=Sum("aid_amount"), projects=Count("id"))
    )
    return [
        {
            "id": row["category_id"],
            "name": row["category__name"],
            "short_name": row["category__short_name"],
            "aid": row["aid"],
            "projects": row["projects"],
            "counts_as_livelihood": row["category__counts_as_livelihood"],
            "url": project_list_url(scope, category=row["category_id"], is_active=True),
        }
        for row in sorted(rows, key=lambda r: r["category__order"])
    ]


def by_zone(scope: Scope) -> list[dict]:
    rows = active_projects(scope).order_by().values("division__zone").annotate(aid=Sum("aid_amount"))
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
        d.pk: d
        for d in Division.objects.filter(level__in=["county", "xpcc_division", "regiment"]).only(
            "code", "name", "level", "parent_id"
        )
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

    for item in (
        active_projects(scope)
        .filter(division_id__in=divisions)
        .order_by()
        .values("division_id")
        .annotate(aid=Sum("aid_amount"), projects=Count("id"))
    ):
        row = row_for(item["division_id"])
        row["aid"] += item["aid"] or ZERO
        row["projects"] += item["projects"]
    jobs = scope.filter(
        Measurement.objects.filter(indicator__code="jobs_created", period_end__lte=scope.as_of),
        year_field="period_end__year",
    ).filter(Q(project__programme=scope.programme) | Q(project__isnull=True), division_id__in=divisions)
    for item in jobs.order_by().values("division_id").annotate(total=Sum("value")):
        row_for(item["division_id"])["jobs"] += int(item["total"] or 0)
    for row in values.values():
        row["url"] = project_list_url(scope, division=row["id"], is_active=True)
    return sorted(values.values(), key=lambda r: r["code"])
