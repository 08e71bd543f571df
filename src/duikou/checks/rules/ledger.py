"""Checks on each project's ledger (DOMAIN.md, "Funds"): idle balances (结存 older than N months — an
audit finding), disbursements beyond what arrived, spending over the approved amount (概算 overrun).

One grouped query over the ledger per rule: sums by kind for each project (reversals carry negated
amounts, so corrections cancel out), filtered in the database.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core.money import format_amount, yuan_of_sum
from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry

from .base import CheckContext, Hit, Parameter, RuleKind, register
from .choices import Unit

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
# Amounts are whole cents; SQLite does arithmetic on them in floating point, so a comparison keeps half a
# cent of margin (0.1 + 0.2 − 0.3 is not zero there) and values are rounded back to cents.
HALF_CENT = Decimal("0.005")


PROJECT_FIELDS = (
    "project_id",
    "project__code",
    "project__name",
    "project__supporter_id",
    "project__division_id",
    "project__plan_year",
)


def kind_sum(*kinds: str):
    return Coalesce(Sum("amount", filter=Q(kind__in=kinds)), ZERO)


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def wan(amount) -> str:
    return format_amount(amount, "万元")


class ProjectLedgerKind(RuleKind):
    """Sums of each project's ledger entries up to the as-of date, for the projects of the rule's years."""

    unit = Unit.YUAN

    def project_sums(self, context: CheckContext, *extra_fields: str, **sums):
        return (
            LedgerEntry.objects.filter(
                programme=context.programme, project__isnull=False, value_date__lte=context.as_of
            )
            .filter(context.years_q(self.rule, "project__plan_year"))
            .order_by()
            .values(*PROJECT_FIELDS, *extra_fields)
            .annotate(**sums)
        )

    def hit(self, context: CheckContext, row: dict, **fields) -> Hit:
        return Hit(
            key=f"project:{row['project_id']}",
            subject_label=f"{row['project__code']} {row['project__name']}",
            unit=self.unit,
            year=row["project__plan_year"],
            period=_("{year}年度").format(year=row["project__plan_year"]),
            subject_model="projects.project",
            subject_id=row["project_id"],
            supporter_id=row["project__supporter_id"],
            division_id=row["project__division_id"],
            project_id=row["project_id"],
            rows_url=context.list_url("funds:entry_list", project=row["project_id"]),
            **fields,
        )


@register
class IdleBalance(ProjectLedgerKind):
    """结存 = arrived − disbursed − returned above `minimum`, with no arrival, disbursement, return or
    spending on the project for `months` months."""

    code = "idle_balance"
    label = gettext_lazy("资金闲置")
    parameters = {
        "months": Parameter("int", 12, gettext_lazy("闲置月数")),
        "minimum": Parameter("decimal", "0", gettext_lazy("结存超过此数（元）才计")),
    }

    def evaluate(self, context: CheckContext):
        months = self.params["months"]
        cutoff = months_before(context.as_of, months)
        # Spending counts as movement: a project still building is using its money, not leaving it idle.
        moving = [EntryKind.ARRIVED, EntryKind.DISBURSED, EntryKind.RETURNED, EntryKind.SPENT]
        rows = (
            self.project_sums(
                context,
                arrived=kind_sum(EntryKind.ARRIVED),
                disbursed=kind_sum(EntryKind.DISBURSED),
                returned=kind_sum(EntryKind.RETURNED),
                last_movement=Max("value_date", filter=Q(kind__in=moving)),
            )
            .annotate(balance=F("arrived") - F("disbursed") - F("returned"))
            .filter(balance__gt=self.params["minimum"] + HALF_CENT, last_movement__lt=cutoff)
            .order_by("project_id")
        )
        for row in rows:
            for name in ("arrived", "disbursed", "returned", "balance"):
                row[name] = yuan_of_sum(row[name])
            yield self.hit(
                context,
                row,
                message=_("结存 {balance}，{date} 以来项目资金无变动（超过 {months} 个月）。").format(
                    balance=wan(row["balance"]), date=row["last_movement"].isoformat(), months=months
                ),
                value=row["balance"],
                threshold=self.params["minimum"],
                comparator="lte",
                details={
                    "arrived": str(row["arrived"]),
                    "disbursed": str(row["disbursed"]),
                    "returned": str(row["returned"]),
                    "last_movement": row["last_movement"].isoformat(),
                    "months": months,
                },
            )


@register
class DisbursedBeyondArrived(ProjectLedgerKind):
    """拨付 > 到位 − 收回: money paid out to a project that never arrived for it."""

    code = "disbursed_beyond_arrived"
    label = gettext_lazy("拨付超过到位")
    parameters = {"tolerance": Parameter("decimal", "0", gettext_lazy("容差（元）"))}

    def evaluate(self, context: CheckContext):
        rows = (
            self.project_sums(
                context,
                arrived=kind_sum(EntryKind.ARRIVED),
                disbursed=kind_sum(EntryKind.DISBURSED),
                returned=kind_sum(EntryKind.RETURNED),
            )
            .annotate(available=F("arrived") - F("returned"))
            .annotate(excess=F("disbursed") - F("available"))
            .filter(excess__gt=self.params["tolerance"] + HALF_CENT)
            .order_by("project_id")
        )
        for row in rows:
            for name in ("arrived", "disbursed", "returned", "available", "excess"):
                row[name] = yuan_of_sum(row[name])
            yield self.hit(
                context,
                row,
                message=_("拨付 {disbursed}，超过到位（扣除收回）{available} 共 {excess}。").format(
                    disbursed=wan(row["disbursed"]),
                    available=wan(row["available"]),
                    excess=wan(row["excess"]),
                ),
                value=row["disbursed"],
                threshold=row["available"],
                comparator="lte",
                details={
                    "arrived": str(row["arrived"]),
                    "returned": str(row["returned"]),
                    "excess": str(row["excess"]),
                },
            )


@register
class SpentOverApproved(ProjectLedgerKind):
    """支出 (完成投资) > 批复援助资金 × (1 + tolerance); the 概算 overrun rule allows 10% (DOMAIN.md)."""

    code = "spent_over_approved"
    label = gettext_lazy("支出超过批复金额")
    parameters = {"tolerance": Parameter("decimal", "0.10", gettext_lazy("允许超出的比例（10% 填 0.1）"))}

    def evaluate(self, context: CheckContext):
        limit_factor = 1 + self.params["tolerance"]
        rows = (
            self.project_sums(context, "project__aid_amount", spent=kind_sum(EntryKind.SPENT))
            .filter(spent__gt=F("project__aid_amount") * limit_factor + HALF_CENT)
            .order_by("project_id")
        )
        for row in rows:
            row["approved"], row["spent"] = row["project__aid_amount"], yuan_of_sum(row["spent"])
            limit = (row["approved"] * limit_factor).quantize(Decimal("0.01"))
            yield self.hit(
                context,
                row,
                message=_("支出 {spent}，超过批复援助资金 {approved} 的 {limit_percent}（{limit}）。").format(
                    spent=wan(row["spent"]),
                    approved=wan(row["approved"]),
                    limit_percent=f"{(limit_factor * 100).normalize():f}%",
                    limit=wan(limit),
                ),
                value=row["spent"],
                threshold=limit,
                comparator="lte",
                details={"approved": str(row["approved"]), "tolerance": str(self.params["tolerance"])},
            )
