"""Posting to the fund ledger. Views, imports, the API and commands all come through here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from duikou.projects.models import Project

from .choices import EntryKind
from .models import LedgerEntry

ZERO = Decimal("0.00")


def _lock_project(project_id: int | None) -> None:
    # Postings to one project are serialised on the project row, so two
    # officers posting at once both land and balances stay exact.
    if project_id is not None:
        list(Project.objects.select_for_update().filter(pk=project_id).values_list("pk", flat=True))


@transaction.atomic
def post_entry(*, acting_user=None, **fields) -> LedgerEntry:
    """Validate and post one ledger entry.

    Args:
        acting_user: who posts (recorded in the change log through the change context).
        **fields: `LedgerEntry` fields (programme, kind, amount, value_date,
            fiscal_year, supporter, division, project, document_reference, note …).
            When a project is given, programme, supporter and division default to the project's.

    Raises:
        ValidationError: the entry breaks a rule; nothing is posted.
    """
    project = fields.get("project")
    if project is not None:
        fields.setdefault("programme", project.programme)
        fields.setdefault("supporter", project.supporter)
        fields.setdefault("division", project.division)
    if "value_date" in fields and "fiscal_year" not in fields:
        fields["fiscal_year"] = fields["value_date"].year
    _lock_project(project.pk if project is not None else None)
    entry = LedgerEntry(**fields)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def reverse_entry(
    entry: LedgerEntry, *, acting_user=None, value_date: datetime.date | None = None, reason: str
) -> LedgerEntry:
    """Post the reversing entry of `entry` (same kind, negated amount) with a reason.

    Raises:
        ValidationError: the entry is itself a reversal or is already reversed.
    """
    _lock_project(entry.project_id)
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("该分录已冲正，不能重复冲正。"))
    if not reason.strip():
        raise ValidationError({"note": _("请填写冲正原因。")})
    value_date = value_date or datetime.date.today()
    reversal = LedgerEntry(
        programme_id=entry.programme_id,
        kind=entry.kind,
        amount=-entry.amount,
        value_date=value_date,
        fiscal_year=entry.fiscal_year,
        supporter_id=entry.supporter_id,
        division_id=entry.division_id,
        project_id=entry.project_id,
        document_reference=entry.document_reference,
        reverses=entry,
        # Stored data, not interface text: the same words whatever language the poster uses.
        note=f"冲正：{reason.strip()}",
    )
    reversal.full_clean()
    reversal.save()
    return reversal


@dataclass(frozen=True)
class FundTotals:
    """Sums by entry kind over some ledger rows, and the rates derived from them."""

    planned: Decimal = ZERO
    arrived: Decimal = ZERO
    disbursed: Decimal = ZERO
    spent: Decimal = ZERO
    returned: Decimal = ZERO
    adjusted: Decimal = ZERO

    @property
    def plan_total(self) -> Decimal:
        """计划下达 including plan adjustments: the denominator of 到位率."""
        return self.planned + self.adjusted

    @property
    def balance(self) -> Decimal:
        """结存: arrived but not yet disbursed (returns leave the pool)."""
        return self.arrived - self.disbursed - self.returned

    @property
    def arrival_rate(self) -> Decimal | None:
        """到位率 = arrived ÷ planned (plan adjustments included)."""
        return self.arrived / self.plan_total if self.plan_total else None

    @property
    def payment_rate(self) -> Decimal | None:
        """支付率 = spent ÷ arrived."""
        return self.spent / self.arrived if self.arrived else None


_KIND_FIELDS = {
    EntryKind.PLAN: "planned",
    EntryKind.ARRIVED: "arrived",
    EntryKind.DISBURSED: "disbursed",
    EntryKind.SPENT: "spent",
    EntryKind.RETURNED: "returned",
    EntryKind.ADJUSTMENT: "adjusted",
}


def fund_totals(entries=None, *, as_of: datetime.date | None = None) -> FundTotals:
    """Totals of a ledger queryset (default: all), optionally up to a date, in one query."""
    entries = LedgerEntry.objects.all() if entries is None else entries
    if as_of is not None:
        entries = entries.filter(value_date__lte=as_of)
    sums = {
        _KIND_FIELDS[row["kind"]]: row["total"] or ZERO
        for row in entries.order_by().values("kind").annotate(total=Sum("amount"))
    }
    return FundTotals(**sums)


def running_balances(project: Project) -> list[tuple[LedgerEntry, Decimal]]:
    """The project's entries in date order, each with the 结存 (arrived − disbursed − returned) after it."""
    balance, rows = ZERO, []
    for entry in project.ledger_entries.order_by("value_date", "pk"):
        if entry.kind == EntryKind.ARRIVED:
            balance += entry.amount
        elif entry.kind in (EntryKind.DISBURSED, EntryKind.RETURNED):
            balance -= entry.amount
        rows.append((entry, balance))
    return rows
