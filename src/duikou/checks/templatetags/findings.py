"""Findings on other apps' pages: `{% findings_card %}` (a project's, supporter's or division's unsettled
findings, counted by severity, each linked) and `{% off_target %}` (the overview's supporters and years off a
policy target or benchmark, each with the link to the rows behind its figure).

Template tags, so the projects and dashboards apps show findings without importing the checks app (which
sits above them); both read only the findings the user may see (core/scoping.py).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.db.models import Count
from django.urls import reverse

from duikou.core.scoping import restrict
from duikou.geo.models import Division

from ..models import Finding
from ..rules.choices import SEVERITY_ORDER, UNSETTLED_STATUSES, RuleScope, Severity

register = template.Library()
CARD_SIZE = 8
OFF_TARGET_SIZE = 15
# Rule kinds measured per supporter-year against a target or benchmark (the conference's questions).
TARGET_KINDS = (
    "livelihood_share",
    "grassroots_share",
    "south_share",
    "arrival_rate",
    "start_rate",
    "completion_rate",
)


@register.filter
def as_percent(value) -> str:
    """A stored ratio as a percentage to two places: 0.7999 → 79.99% (never rounded up to the target)."""
    if value is None:
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"


def _list_url(**filters) -> str:
    params = {key: value for key, value in filters.items() if value not in (None, "")}
    return reverse("findings:finding_list") + "?" + urlencode(params, doseq=True)


@register.inclusion_tag("checks/_findings_card.html", takes_context=True)
def findings_card(context, project=None, supporter=None, division=None, year=None):
    """The unsettled findings of a project, or of a supporter (with its cities) or division (with what lies
    under it), by severity, with links to the checks page filtered the same way."""
    user = context["request"].user
    # A missing variable arrives as "" (the overview has no subject): treat it as not given.
    project, supporter, division, year = (value or None for value in (project, supporter, division, year))
    findings = restrict(Finding.objects.filter(status__in=UNSETTLED_STATUSES), user, "view")
    filters = {"is_unsettled": "true"}
    if project is not None:
        findings = findings.filter(project=project) | restrict(
            Finding.objects.filter(status__in=UNSETTLED_STATUSES, other_project=project), user, "view"
        )
        filters["q"] = project.code
    if supporter is not None:
        family = [organization.pk for organization in supporter.supporter_family()]
        findings = findings.filter(supporter_id__in=family)
        filters["supporter"] = supporter.pk
    if division is not None:
        findings = findings.filter(division__in=Division.objects.descendants_of(division))
        filters["division"] = division.pk
    if year is not None:
        findings = findings.filter(year=year)
        filters["year"] = year
    counts = dict(findings.order_by().values_list("severity").annotate(n=Count("pk")))
    order = {severity: index for index, severity in enumerate(SEVERITY_ORDER)}
    shown = sorted(
        findings.select_related("rule")[:200],
        key=lambda finding: (order[finding.severity], -(finding.year or 0)),
    )[:CARD_SIZE]
    return {
        "severities": [
            {
                "value": severity.value,
                "label": severity.label,
                "count": counts.get(severity.value, 0),
                "url": _list_url(**filters, severity=severity.value),
            }
            for severity in Severity
        ],
        "total": sum(counts.values()),
        "findings": shown,
        "list_url": _list_url(**filters),
    }


@register.inclusion_tag("checks/_off_target.html", takes_context=True)
def off_target(context, programme, year=None):
    """Supporter-years off a policy target or dated benchmark that still hold, worst first, each with the
    rows behind its figure."""
    user = context["request"].user
    year = year or None
    findings = restrict(
        Finding.objects.filter(
            rule__programme=programme,
            rule__scope=RuleScope.SUPPORTER,
            rule__kind__in=TARGET_KINDS,
            holds=True,
        ).exclude(status="false_positive"),
        user,
        "view",
    )
    if year is not None:
        findings = findings.filter(year=year)
    total = findings.count()
    rows = findings.select_related("rule", "supporter").order_by("-year", "rule__code", "value")[
        :OFF_TARGET_SIZE
    ]
    return {
        "rows": rows,
        "total": total,
        "list_url": _list_url(year=year, holds="true", is_unsettled="true"),
    }
