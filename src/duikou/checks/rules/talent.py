"""Dispatched cadres and professionals whose terms end soon with nobody to take over (DOMAIN.md: cadres
serve 36 months, professionals 18; a post left empty breaks the pairing's work)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.talent.choices import AssignmentKind
from duikou.talent.models import Assignment

from .base import CheckContext, Hit, Parameter, RuleKind, register
from .choices import RuleScope, Unit


@register
class TermEndingWithoutSuccessor(RuleKind):
    """A stint of one of `kinds` whose planned end falls within `days` days of the as-of date, not ended,
    and no later stint of the same kind, supporter and host unit recorded (the successor)."""

    code = "term_ending_without_successor"
    label = gettext_lazy("任期将满无接替人员")
    scopes = (RuleScope.PROJECT,)
    unit = Unit.DAYS
    parameters = {
        "days": Parameter("int", 60, gettext_lazy("期满前天数")),
        "kinds": Parameter(
            "list", [AssignmentKind.CADRE, AssignmentKind.PROFESSIONAL], gettext_lazy("人员类别")
        ),
    }

    def evaluate(self, context: CheckContext):
        days = self.params["days"]
        horizon = context.as_of + datetime.timedelta(days=days)
        successor = Assignment.objects.filter(
            programme=OuterRef("programme"),
            kind=OuterRef("kind"),
            supporter=OuterRef("supporter"),
            host_division=OuterRef("host_division"),
            host_unit=OuterRef("host_unit"),
            start_date__gt=OuterRef("start_date"),
        )
        rows = (
            Assignment.objects.filter(
                programme=context.programme,
                kind__in=self.params["kinds"],
                actual_end__isnull=True,
                planned_end__gte=context.as_of,
                planned_end__lte=horizon,
            )
            .filter(context.years_q(self.rule, "planned_end__year"))
            .filter(~Exists(successor))
            .order_by("planned_end", "pk")
            .values(
                "pk", "person_name", "kind", "host_unit", "planned_end", "supporter_id", "host_division_id"
            )
        )
        kinds = dict(AssignmentKind.choices)
        for row in rows:
            remaining = (row["planned_end"] - context.as_of).days
            yield Hit(
                key=f"assignment:{row['pk']}",
                subject_label=f"{row['person_name']}（{kinds[row['kind']]}，{row['host_unit']}）",
                message=_("{end} 期满（还有 {remaining} 天），尚无接替人员。").format(
                    end=row["planned_end"].isoformat(), remaining=remaining
                ),
                value=Decimal(remaining),
                threshold=Decimal(days),
                comparator="gt",
                unit=Unit.DAYS,
                year=row["planned_end"].year,
                period=_("{date} 期满").format(date=row["planned_end"].isoformat()),
                subject_model="talent.assignment",
                subject_id=row["pk"],
                supporter_id=row["supporter_id"],
                division_id=row["host_division_id"],
                rows_url=reverse("talent:assignment", args=[row["pk"]]),
                details={"planned_end": row["planned_end"].isoformat(), "host_unit": row["host_unit"]},
            )
