"""The headline figures: funds, rates, policy shares, projects, people, outcomes — for any scope.

One function per figure group, each a handful of aggregate queries; `duikou
stats`, the dashboards and later reports all call `headline_figures()`, so a
figure means the same everywhere. Definitions follow DOMAIN.md ("Funds",
"Policy targets"):

- funds are ledger sums by kind for the scope's fiscal years;
- 到位率 = arrived ÷ (planned + plan adjustments); 支付率 = spent ÷ arrived;
- 开工率 = new projects started ÷ new projects of the plan year (cancelled and
  adjusted ones left out); 完工率 = completed ÷ projects planned to finish in
  the year;
- shares are Σ援疆资金 (project aid amounts) of the plan years in scope,
  cancelled and adjusted projects left out.

Every figure is read from the rollups (`summaries.py`) when the scope allows
it, and otherwise from the base tables with the queries below, which define
the figures: `Scope(..., use_rollups=False)` computes everything from the base
tables, which the tests compare against (docs/decisions/0003-dashboard-rollups.md).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Max, Min, Q, Sum

from duikou.funds.models import LedgerEntry
from duikou.funds.reconciliation import confirmed_arrivals_by
from duikou.funds.services import fund_totals
from duikou.geo.models import Division
from duikou.outcomes.models import Measurement
from duikou.parties.models import Organization
from duikou.programmes.choices import PolicyMetric
from duikou.programmes.models import PolicyTarget, Programme
from duikou.projects.choices import CLOSED_STATUSES, GRASSROOTS_LEVELS, ProjectStatus
from duikou.projects.models import Project
from duikou.talent.models import Assignment

from . import summaries

ZERO = Decimal("0.00")
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Scope:
    """What the figures cover: a programme, a year span, optionally a supporter and a division."""

    programme: Programme
    first_year: int | None = None
    last_year: int | None = None
    supporter: Organization | None = None
    division: Division | None = None
    as_of: datetime.date = field(default_factory=datetime.date.today)
    use_rollups: bool = True  # False: every figure from the base tables (tests, benchmarks)

    @cached_property
    def memo(self) -> dict:
        """Query results shared by the figures and charts of one page (see summaries.py)."""
        return {}

    def from_base_tables(self) -> Scope:
        """The same scope, computed from the base tables only."""
        return replace(self, use_rollups=False)

    def widened(self, **changes) -> Scope:
        """A copy with other years (or subject) that shares this page's lookups of names and kinds."""
        scope = replace(self, **changes)
        scope.memo["lookups"] = self.memo.setdefault("lookups", {})
        return scope

    @cached_property  # works on a frozen dataclass: it writes the instance __dict__ directly
    def supporter_ids(self) -> list[int] | None:
        """The supporter and its supporting cities (浙江省 includes 衢州市, 杭州市)."""
        if self.supporter is None:
            return None
        return [organization.pk for organization in self.supporter.supporter_family()]

    @property
    def division_ids(self):
        if self.division is None:
            return None
        return Division.objects.descendants_of(self.division).values("pk")

    @cached_property
    def division_id_list(self) -> list[int] | None:
        """The division and the divisions under it, read once."""
        if self.division is None:
            return None
        return list(self.division_ids.values_list("pk", flat=True))

    @property
    def people_date(self) -> datetime.date:
        """The day "people in post" is counted: the end of the last year in scope, or as-of."""
        if self.last_year is None:
            return self.as_of
        return min(datetime.date(self.last_year, 12, 31), self.as_of)

    def years_q(self, field_name: str) -> Q:
        q = Q()
        if self.first_year is not None:
            q &= Q(**{f"{field_name}__gte": self.first_year})
        if self.last_year is not None:
            q &= Q(**{f"{field_name}__lte": self.last_year})
        return q

    def filter(
        self, queryset, *, year_field: str, supporter_field="supporter_id", division_field="division_id"
    ):
        queryset = queryset.filter(self.years_q(year_field))
        if self.supporter is not None:
            queryset = queryset.filter(**{f"{supporter_field}__in": self.supporter_ids})
        if self.division is not None:
            queryset = queryset.filter(**{f"{division_field}__in": self.division_ids})
        return queryset


def ratio(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES)


def scoped_entries(scope: Scope):
    return scope.filter(LedgerEntry.objects.filter(programme=scope.programme), year_field="fiscal_year")


def confirmed_by_supporter(scope: Scope) -> dict[int, Decimal]:
    """Σ of the scope's arrivals their recipients confirmed, by supporter, read once per page (`Scope.memo`):
    the headline's unconfirmed share and the supporters' chart both take it. From the confirmed-arrival
    rollup when its dates allow; otherwise, or with `use_rollups=False`, from the ledger joined to the
    answers (`confirmed_arrivals_by`, the definition: ~90 ms for all years of SF1)."""
    if "confirmed_by_supporter" not in scope.memo:
        confirmed = summaries.confirmed_by_supporter(scope) if scope.use_rollups else None
        if confirmed is None:
            entries = scoped_entries(scope).filter(value_date__lte=scope.as_of)
            confirmed = confirmed_arrivals_by(entries, "supporter_id")
        scope.memo["confirmed_by_supporter"] = confirmed
    return scope.memo["confirmed_by_supporter"]


def funds(scope: Scope) -> dict:
    """Ledger sums of the scope. `unconfirmed_arrived` is the part of `arrived` its recipients have not
    confirmed (pending or disputed, issue 5 item 3): the arrival figures rest on it, and the pages say so.
    It is the rollups' arrived sum less their confirmed sum (`confirmed_by_supporter`), never stored."""
    totals = summaries.fund_totals(scope) if scope.use_rollups else None
    if totals is None:
        totals = fund_totals(scoped_entries(scope), as_of=scope.as_of)
    confirmed = sum(confirmed_by_supporter(scope).values(), Decimal("0.00"))
    return {
        "planned": totals.planned + totals.adjusted,
        "arrived": totals.arrived,
        "unconfirmed_arrived": totals.arrived - confirmed,
        "disbursed": totals.disbursed,
        "spent": totals.spent,
        "returned": totals.returned,
        "balance": totals.balance,
        "rates": {
            "arrival": ratio(totals.arrived, totals.planned + totals.adjusted),
            "disbursement": ratio(totals.disbursed, totals.arrived),
            "payment": ratio(totals.spent, totals.arrived),
        },
    }


def scoped_projects(scope: Scope):
    return scope.filter(Project.objects.filter(programme=scope.programme), year_field="plan_year")


def active_projects(scope: Scope):
    """The scope's projects that count for the figures: not cancelled or adjusted."""
    return scoped_projects(scope).exclude(status__in=CLOSED_STATUSES).order_by()


def projects(scope: Scope) -> dict:
    if scope.use_rollups:
        by_status = summaries.status_counts(scope)
    else:
        by_status = dict(scoped_projects(scope).order_by().values_list("status").annotate(n=Count("id")))
    counts = summaries.start_counts(scope) if scope.use_rollups else None
    if counts is None:
        counts = (
            scoped_projects(scope)
            .exclude(status__in=CLOSED_STATUSES)
            .aggregate(
                new=Count("id", filter=Q(construction_type="new")),
                new_started=Count("id", filter=Q(construction_type="new", actual_start__lte=scope.as_of)),
            )
        )
    due_counts = summaries.completion_counts(scope) if scope.use_rollups else None
    if due_counts is None:
        due = scope.filter(
            Project.objects.filter(programme=scope.programme).exclude(status__in=CLOSED_STATUSES),
            year_field="planned_end__year",
        )
        due_counts = due.aggregate(due=Count("id"), done=Count("id", filter=Q(actual_end__lte=scope.as_of)))
    return {
        "total": sum(by_status.values()),
        "by_status": {status: by_status.get(status, 0) for status in ProjectStatus.values},
        "new_planned": counts["new"],
        "new_started": counts["new_started"],
        "due_to_complete": due_counts["due"],
        "completed_of_due": due_counts["done"],
        "rates": {
            "start": ratio(counts["new_started"], counts["new"]),
            "completion": ratio(due_counts["done"], due_counts["due"]),
        },
    }


SHARE_DEFINITIONS = {
    # key: (metric, condition on Project)
    "livelihood": (PolicyMetric.LIVELIHOOD_SHARE, Q(category__counts_as_livelihood=True)),
    "grassroots": (PolicyMetric.GRASSROOTS_SHARE, Q(implementation_level__in=GRASSROOTS_LEVELS)),
    "south": (PolicyMetric.SOUTH_SHARE, Q(division__zone="south")),
}


def shares(scope: Scope) -> dict:
    if scope.use_rollups:
        sums = summaries.share_sums(scope)
    else:
        sums = active_projects(scope).aggregate(
            total=Sum("aid_amount"),
            **{key: Sum("aid_amount", filter=condition) for key, (_, condition) in SHARE_DEFINITIONS.items()},
        )
    total = sums["total"] or ZERO
    result = {"aid_total": total}
    years = _years_covered(scope)
    # One query for every target; the programme has a handful.
    targets = list(
        PolicyTarget.objects.filter(programme=scope.programme, is_enabled=True).order_by("from_year")
    )
    for key, (metric, _) in SHARE_DEFINITIONS.items():
        value = ratio(sums[key] or ZERO, total)
        own = [target for target in targets if target.metric == metric]
        target = _target_for(own, years)
        result[key] = {
            "value": value,
            "amount": sums[key] or ZERO,
            "target": target.threshold if target else None,
            "comparator": target.comparator if target else None,
            "met": target.is_met_by(value) if target else None,
            "target_from_year": own[0].from_year if own else None,
        }
    return result


def _years_covered(scope: Scope) -> range:
    if scope.first_year is not None and scope.last_year is not None:
        return range(scope.first_year, scope.last_year + 1)
    if scope.use_rollups:
        bounds = summaries.active_year_bounds(scope)
    else:
        bounds = active_projects(scope).aggregate(first=Min("plan_year"), last=Max("plan_year"))
    first = scope.first_year if scope.first_year is not None else bounds["first"]
    last = scope.last_year if scope.last_year is not None else bounds["last"]
    return range(first, last + 1) if first is not None and last is not None else range(0)


def _target_for(targets: list[PolicyTarget], years: range) -> PolicyTarget | None:
    """The one target in force for every year of the scope; None if none is, or it changes inside it."""
    if not years:
        return None
    first, last = years[0], years[-1]
    covering = [t for t in targets if t.from_year <= first and (t.to_year is None or t.to_year >= last)]
    return covering[0] if covering else None


def people(scope: Scope) -> dict:
    counts = summaries.people(scope) if scope.use_rollups else None
    if counts is None:
        counts = _people_from_roster(scope)
    return {
        "in_post": counts["in_post"],
        "in_post_on": scope.people_date,
        "person_times": counts["person_times"],
        "person_times_by_kind": counts["person_times_by_kind"],
    }


def _people_from_roster(scope: Scope) -> dict:
    assignments = Assignment.objects.filter(programme=scope.programme)
    if scope.supporter is not None:
        assignments = assignments.filter(supporter_id__in=scope.supporter_ids)
    if scope.division is not None:
        assignments = assignments.filter(host_division_id__in=scope.division_ids)
    started = assignments.filter(scope.years_q("start_date__year"), start_date__lte=scope.as_of)
    in_post = assignments.in_post_on(scope.people_date)
    return {
        "in_post": in_post.count(),
        "person_times": started.count(),
        "person_times_by_kind": dict(started.order_by().values_list("kind").annotate(n=Count("id"))),
    }


def scoped_measurements(scope: Scope):
    """Measurements of the scope's projects and divisions, periods ending in its years up to as-of."""
    return scope.filter(
        Measurement.objects.filter(Q(project__programme=scope.programme) | Q(project__isnull=True)),
        year_field="period_end__year",
    ).filter(period_end__lte=scope.as_of)


def outcomes(scope: Scope) -> dict:
    sums = summaries.outcome_sums(scope) if scope.use_rollups else None
    if sums is None:
        sums = dict(
            scoped_measurements(scope)
            .filter(indicator__aggregation="sum")
            .order_by()
            .values_list("indicator__code")
            .annotate(total=Sum("value"))
        )
    return {
        "jobs_created": int(sums.get("jobs_created") or 0),
        "jobs_formerly_poor": int(sums.get("jobs_formerly_poor") or 0),
        "beneficiaries": int(sums.get("beneficiaries") or 0),
        "people_trained": int(sums.get("people_trained") or 0),
        "produce_sales_wan": sums.get("produce_sales") or ZERO,
    }


def headline_figures(scope: Scope) -> dict:
    """All headline figures of a scope, as one dict with stable keys (see docs/stats.md)."""
    fund_figures = funds(scope)
    fund_rates = fund_figures.pop("rates")
    project_figures = projects(scope)
    project_rates = project_figures.pop("rates")
    return {
        "scope": {
            "programme": scope.programme.code,
            "first_year": scope.first_year,
            "last_year": scope.last_year,
            "supporter": scope.supporter.name if scope.supporter else None,
            "division": scope.division.code if scope.division else None,
            "as_of": scope.as_of,
        },
        "funds": fund_figures,
        "rates": {**fund_rates, **project_rates},
        "shares": shares(scope),
        "projects": project_figures,
        "people": people(scope),
        "outcomes": outcomes(scope),
    }
