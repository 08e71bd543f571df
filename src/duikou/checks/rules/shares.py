"""Policy shares of 援助资金: 民生 ≥ 80%, 基层 ≥ 80%, 南疆 ≥ 70% (DOMAIN.md, "Policy targets").

A share is Σ 援助资金 of the matching projects ÷ Σ 援助资金, over the projects of a plan year that are not
cancelled or adjusted — the dashboards' definition (`dashboards/queries.py::shares`), so a finding and the
figure on the overview are the same number. Per supporter-year (a province with its cities) or per
programme-year, in one aggregate query.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.programmes.choices import PolicyMetric
from duikou.programmes.models import PolicyTarget
from duikou.projects.choices import CLOSED_STATUSES, GRASSROOTS_LEVELS
from duikou.projects.models import Project

from .base import (
    CheckContext,
    Hit,
    Parameter,
    RuleKind,
    fails,
    percent,
    ratio,
    register,
    supporter_year_subject,
)
from .choices import RuleScope

ZERO = Decimal("0")
CENTS = Decimal("0.01")


class ShareKind(RuleKind):
    """Σ 援助资金 of the projects matching `condition` ÷ Σ 援助资金, against a threshold."""

    metric = ""
    condition = Q()
    list_filters: dict = {}  # the project list's filters for the matching part
    scopes = (RuleScope.SUPPORTER, RuleScope.PROGRAMME)
    parameters = {
        "threshold": Parameter("decimal", None, gettext_lazy("阈值（空：按援助计划的政策目标）")),
        "comparator": Parameter("str", None, gettext_lazy("比较（gte、lte；空：按政策目标）")),
        "minimum_total": Parameter("decimal", "0", gettext_lazy("援助资金合计不足此数（元）的不检查")),
    }

    def targets_by_year(self, context: CheckContext, years) -> dict[int, tuple[Decimal, str]]:
        """The threshold and comparator of each year: the rule's own, else the programme's policy target."""
        if self.params["threshold"] is not None:
            comparator = self.params["comparator"] or "gte"
            return {year: (self.params["threshold"], comparator) for year in years}
        targets = list(
            PolicyTarget.objects.filter(programme=context.programme, metric=self.metric, is_enabled=True)
        )
        result = {}
        for year in years:
            for target in targets:
                if target.from_year <= year and (target.to_year is None or year <= target.to_year):
                    result[year] = (target.threshold, self.params["comparator"] or target.comparator)
        return result

    def evaluate(self, context: CheckContext):
        rule = self.rule
        projects = (
            Project.objects.filter(programme=context.programme)
            .exclude(status__in=CLOSED_STATUSES)
            .filter(context.years_q(rule, "plan_year"))
            .order_by()
        )
        by_supporter = rule.scope == RuleScope.SUPPORTER
        group = ("supporter_id", "plan_year") if by_supporter else ("plan_year",)
        rows = projects.values(*group).annotate(
            total=Sum("aid_amount"), part=Sum("aid_amount", filter=self.condition)
        )
        sums: dict[tuple, list[Decimal]] = {}
        for row in rows:
            top = context.top_supporter_of[row["supporter_id"]].pk if by_supporter else None
            entry = sums.setdefault((top, row["plan_year"]), [ZERO, ZERO])
            entry[0] += row["total"] or ZERO
            entry[1] += row["part"] or ZERO
        targets = self.targets_by_year(context, {year for _, year in sums})
        for (supporter_id, year), (total, part) in sorted(
            sums.items(), key=lambda item: (item[0][1], item[0][0] or 0)
        ):
            if year not in targets or total <= self.params["minimum_total"]:
                continue
            threshold, comparator = targets[year]
            value = ratio(part, total)
            if not fails(value, comparator, threshold):
                continue
            supporter, who, subject = supporter_year_subject(context, supporter_id, year)
            yield Hit(
                **subject,
                message=_("{year}年{who}{label} {value}，目标 {comparator} {threshold}。").format(
                    year=year,
                    who=who,
                    label=self.label,
                    value=percent(value),
                    comparator="≥" if comparator == "gte" else "≤",
                    threshold=percent(threshold),
                ),
                value=value,
                threshold=threshold,
                comparator=comparator,
                year=year,
                period=_("{year}年度").format(year=year),
                rows_url=context.list_url(
                    "projects:project_list",
                    plan_year=year,
                    supporter=supporter.pk if supporter else None,
                    is_active=True,
                ),
                details={
                    "aid_total": str(total.quantize(CENTS)),
                    "matching": str(part.quantize(CENTS)),
                    "matching_url": context.list_url(
                        "projects:project_list",
                        plan_year=year,
                        supporter=supporter.pk if supporter else None,
                        is_active=True,
                        **self.list_filters,
                    ),
                },
            )


@register
class LivelihoodShare(ShareKind):
    code = "livelihood_share"
    label = gettext_lazy("民生投入占比")
    metric = PolicyMetric.LIVELIHOOD_SHARE
    condition = Q(category__counts_as_livelihood=True)
    list_filters = {"is_livelihood": True}


@register
class GrassrootsShare(ShareKind):
    code = "grassroots_share"
    label = gettext_lazy("基层投入占比")
    metric = PolicyMetric.GRASSROOTS_SHARE
    condition = Q(implementation_level__in=GRASSROOTS_LEVELS)
    list_filters = {"implementation_level": list(GRASSROOTS_LEVELS)}


@register
class SouthShare(ShareKind):
    code = "south_share"
    label = gettext_lazy("南疆投入占比")
    metric = PolicyMetric.SOUTH_SHARE
    condition = Q(division__zone="south")
    list_filters = {"zone": "south"}
