"""Progress rates against dated benchmarks (DOMAIN.md, "Funds"): 到位率 ≥ 80% by 30 June and 100% by
30 September; 开工率 ≥ 90% by 31 May and 97% by 30 September; 完工率 100% by the year's end.

Each is measured for every year whose benchmark date has passed, per supporter-year (a province with its
cities) or per programme-year, in one aggregate query: the benchmark is compared with each row's own year
(`value_date` against its fiscal year, `actual_start` against its plan year), so no year needs its own query.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.projects.choices import CLOSED_STATUSES, ConstructionType
from duikou.projects.models import Project

from .base import (
    CheckContext,
    Hit,
    Parameter,
    RuleKind,
    benchmark_date,
    fails,
    percent,
    ratio,
    register,
    supporter_year_subject,
)
from .choices import RuleScope

ZERO = Decimal("0")


def on_or_before_benchmark(date_field: str, month_day: tuple[int, int]) -> Q:
    """Rows whose `date_field` falls on or before month-day of the row's annotated `year` (any earlier year
    counts too: a plan issued the autumn before)."""
    month, day = month_day
    same_year = Q(**{f"{date_field}__year": F("year")})
    return (
        Q(**{f"{date_field}__year__lt": F("year")})
        | (same_year & Q(**{f"{date_field}__month__lt": month}))
        | (same_year & Q(**{f"{date_field}__month": month, f"{date_field}__day__lte": day}))
    )


class RateKind(RuleKind):
    """part ÷ whole by a dated benchmark of each year; subclasses give `sums(context)` rows."""

    scopes = (RuleScope.SUPPORTER, RuleScope.PROGRAMME)
    default_threshold = "0.80"
    default_benchmark = "06-30"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.parameters = {
            "threshold": Parameter(
                "decimal", cls.default_threshold, gettext_lazy("阈值（比例，80% 填 0.8）")
            ),
            "benchmark": Parameter(
                "month_day", cls.default_benchmark, gettext_lazy("基准日（月-日，如 06-30）")
            ),
            "minimum_whole": Parameter("decimal", "0", gettext_lazy("分母不足此数的不检查")),
        }

    def rows(self, context: CheckContext, group: tuple[str, ...]):
        raise NotImplementedError

    def rows_url(self, context: CheckContext, year: int, supporter_id: int | None, benchmark) -> str:
        raise NotImplementedError

    def evaluate(self, context: CheckContext):
        by_supporter = self.rule.scope == RuleScope.SUPPORTER
        group = ("supporter_id", "year") if by_supporter else ("year",)
        sums: dict[tuple, list[Decimal]] = {}
        for row in self.rows(context, group):
            top = context.top_supporter_of[row["supporter_id"]].pk if by_supporter else None
            entry = sums.setdefault((top, row["year"]), [ZERO, ZERO])
            entry[0] += row["whole"] or ZERO
            entry[1] += row["part"] or ZERO
        threshold = self.params["threshold"]
        for (supporter_id, year), (whole, part) in sorted(
            sums.items(), key=lambda item: (item[0][1], item[0][0] or 0)
        ):
            benchmark = benchmark_date(year, self.params["benchmark"])
            if benchmark > context.as_of or whole <= self.params["minimum_whole"]:
                continue  # not yet due, or nothing to measure
            value = ratio(part, whole)
            if not fails(value, "gte", threshold):
                continue
            supporter, who, subject = supporter_year_subject(context, supporter_id, year)
            yield Hit(
                **subject,
                message=_("{year}年{who}截至 {date} {label} {value}，目标 ≥ {threshold}。").format(
                    year=year,
                    who=who,
                    date=benchmark.isoformat(),
                    label=self.label,
                    value=percent(value),
                    threshold=percent(threshold),
                ),
                value=value,
                threshold=threshold,
                comparator="gte",
                year=year,
                period=_("截至 {date}").format(date=benchmark.isoformat()),
                rows_url=self.rows_url(context, year, supporter.pk if supporter else None, benchmark),
                details={
                    "part": f"{part.normalize():f}",
                    "whole": f"{whole.normalize():f}",
                    "benchmark": benchmark.isoformat(),
                },
            )


@register
class ArrivalRate(RateKind):
    """资金到位率 = arrived ÷ (planned + plan adjustments) of a fiscal year, both dated by the benchmark."""

    code = "arrival_rate"
    label = gettext_lazy("资金到位率")
    default_threshold, default_benchmark = "0.80", "06-30"

    def rows(self, context, group):
        dated = on_or_before_benchmark("value_date", self.params["benchmark"])
        entries = (
            LedgerEntry.objects.filter(programme=context.programme, value_date__lte=context.as_of)
            .filter(context.years_q(self.rule, "fiscal_year"))
            .order_by()
            .annotate(year=F("fiscal_year"))
            .filter(dated)
        )
        return entries.values(*group).annotate(
            whole=Sum("amount", filter=Q(kind__in=[EntryKind.PLAN, EntryKind.ADJUSTMENT])),
            part=Sum("amount", filter=Q(kind=EntryKind.ARRIVED)),
        )

    def rows_url(self, context, year, supporter_id, benchmark):
        return context.list_url(
            "funds:entry_list",
            fiscal_year=year,
            supporter=supporter_id,
            kind=[EntryKind.PLAN, EntryKind.ADJUSTMENT, EntryKind.ARRIVED],
            value_date_before=benchmark.isoformat(),
        )


@register
class StartRate(RateKind):
    """开工率 = new projects started by the benchmark ÷ new projects of the plan year (cancelled and
    adjusted ones left out, as on the dashboards)."""

    code = "start_rate"
    label = gettext_lazy("开工率")
    default_threshold, default_benchmark = "0.90", "05-31"

    def rows(self, context, group):
        started = on_or_before_benchmark("actual_start", self.params["benchmark"])
        projects = (
            Project.objects.filter(programme=context.programme, construction_type=ConstructionType.NEW)
            .exclude(status__in=CLOSED_STATUSES)
            .filter(context.years_q(self.rule, "plan_year"))
            .order_by()
            .annotate(year=F("plan_year"))
        )
        return projects.values(*group).annotate(
            whole=Count("id"), part=Count("id", filter=started & Q(actual_start__lte=context.as_of))
        )

    def rows_url(self, context, year, supporter_id, benchmark):
        return context.list_url(
            "projects:project_list",
            plan_year=year,
            supporter=supporter_id,
            construction_type=ConstructionType.NEW,
            is_active=True,
        )


@register
class CompletionRate(RateKind):
    """完工率 = projects completed by the benchmark ÷ projects planned to complete in the year."""

    code = "completion_rate"
    label = gettext_lazy("完工率")
    default_threshold, default_benchmark = "1.00", "12-31"

    def rows(self, context, group):
        done = on_or_before_benchmark("actual_end", self.params["benchmark"])
        projects = (
            Project.objects.filter(programme=context.programme, planned_end__isnull=False)
            .exclude(status__in=CLOSED_STATUSES)
            .filter(context.years_q(self.rule, "planned_end__year"))
            .order_by()
            .annotate(year=ExtractYear("planned_end"))
        )
        return projects.values(*group).annotate(
            whole=Count("id"), part=Count("id", filter=done & Q(actual_end__lte=context.as_of))
        )

    def rows_url(self, context, year, supporter_id, benchmark):
        return context.list_url(
            "projects:project_list", planned_end_year=year, supporter=supporter_id, is_active=True
        )
