"""Two-party reconciliation (对账): what supporters posted as arrived (到位) against what recipients
confirmed.

Every arrival entry stands in one of four places (`ReconciliationStatus`): pending (no answer yet),
confirmed, disputed, or reversed — a reversed arrival and its reversal cancel out and need no answer.
For any set of arrival entries, the posted amount splits exactly:

    posted = reversed + confirmed + disputed + pending

and the recipient's side is confirmed + what it says it received of the disputed ones. The difference
the page shows is posted − reversed − the recipient's side = pending + the disputed shortfall.

Read-only queries; the answers themselves are written by `funds.services.confirm_arrival` /
`dispute_arrival`. Callers pass the ledger rows they may see (a queryset), so a later restriction of
what a user sees narrows these figures too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Count, DecimalField, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear

from duikou.core.money import yuan_of_sum

from .choices import ConfirmationState, EntryKind, ReconciliationStatus

ZERO = Decimal("0.00")

REVERSED_Q = Q(reverses__isnull=False) | Q(reversal__isnull=False)
OPEN_Q = Q(reverses__isnull=True, reversal__isnull=True)
STATUS_Q = {
    ReconciliationStatus.REVERSED: REVERSED_Q,
    ReconciliationStatus.CONFIRMED: OPEN_Q & Q(confirmation__state=ConfirmationState.CONFIRMED),
    ReconciliationStatus.DISPUTED: OPEN_Q & Q(confirmation__state=ConfirmationState.DISPUTED),
    ReconciliationStatus.PENDING: OPEN_Q & Q(confirmation__isnull=True),
}


def arrivals(entries):
    """The arrival entries among `entries`, each annotated with its `status` (a ReconciliationStatus)."""
    return entries.filter(kind=EntryKind.ARRIVED).annotate(
        status=Case(
            *(When(condition, then=Value(status.value)) for status, condition in STATUS_Q.items()),
            output_field=CharField(),
        )
    )


@dataclass(frozen=True)
class ReconciliationRow:
    """Both sides of the arrivals of one supporter × recipient division × month (or of a total)."""

    posted: Decimal = ZERO
    reversed: Decimal = ZERO
    confirmed: Decimal = ZERO
    disputed: Decimal = ZERO
    disputed_received: Decimal = ZERO
    pending: Decimal = ZERO
    entries: int = 0
    pending_entries: int = 0
    disputed_entries: int = 0
    supporter_id: int | None = None
    supporter_name: str = ""
    division_id: int | None = None
    division_name: str = ""
    year: int | None = None
    month: int | None = None

    @property
    def recipient_side(self) -> Decimal:
        """What the recipient says arrived: the confirmed amounts and what it received of the disputed."""
        return self.confirmed + self.disputed_received

    @property
    def difference(self) -> Decimal:
        """Posted (reversals netted out) minus the recipient's side: pending + disputed shortfall."""
        return self.posted - self.reversed - self.recipient_side

    @property
    def is_reconciled(self) -> bool:
        return self.difference == 0 and not self.disputed_entries

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.year and self.month else ""


def _sums():
    money = DecimalField(max_digits=18, decimal_places=2)
    return {
        "posted": Sum("amount"),
        "reversed": Sum("amount", filter=STATUS_Q[ReconciliationStatus.REVERSED]),
        "confirmed": Sum("amount", filter=STATUS_Q[ReconciliationStatus.CONFIRMED]),
        "disputed": Sum("amount", filter=STATUS_Q[ReconciliationStatus.DISPUTED]),
        "disputed_received": Sum(
            "confirmation__amount_received",
            filter=STATUS_Q[ReconciliationStatus.DISPUTED],
            output_field=money,
        ),
        "pending": Sum("amount", filter=STATUS_Q[ReconciliationStatus.PENDING]),
        "entries": Count("pk"),
        "pending_entries": Count("pk", filter=STATUS_Q[ReconciliationStatus.PENDING]),
        "disputed_entries": Count("pk", filter=STATUS_Q[ReconciliationStatus.DISPUTED]),
    }


def _row(values: dict, **keys) -> ReconciliationRow:
    return ReconciliationRow(
        posted=yuan_of_sum(values["posted"]),
        reversed=yuan_of_sum(values["reversed"]),
        confirmed=yuan_of_sum(values["confirmed"]),
        disputed=yuan_of_sum(values["disputed"]),
        disputed_received=yuan_of_sum(values["disputed_received"]),
        pending=yuan_of_sum(values["pending"]),
        entries=int(values["entries"] or 0),
        pending_entries=int(values["pending_entries"] or 0),
        disputed_entries=int(values["disputed_entries"] or 0),
        **keys,
    )


def reconciliation_rows(entries) -> list[ReconciliationRow]:
    """One row per supporter × recipient division × month of the arrival entries among `entries`, newest
    month first, in one grouped query."""
    grouped = (
        entries.filter(kind=EntryKind.ARRIVED)
        .order_by()
        .values(
            "supporter_id",
            "supporter__name",
            "division_id",
            "division__name",
            year=ExtractYear("value_date"),
            month=ExtractMonth("value_date"),
        )
        .annotate(**_sums())
        .order_by("-year", "-month", "supporter__name", "division__code")
    )
    return [
        _row(
            values,
            supporter_id=values["supporter_id"],
            supporter_name=values["supporter__name"],
            division_id=values["division_id"],
            division_name=values["division__name"],
            year=values["year"],
            month=values["month"],
        )
        for values in grouped
    ]


def reconciliation_total(entries) -> ReconciliationRow:
    """Both sides over all the arrival entries among `entries`."""
    return _row(entries.filter(kind=EntryKind.ARRIVED).order_by().aggregate(**_sums()))


def unconfirmed_arrivals(entries) -> Decimal:
    """Σ of the arrivals among `entries` the recipient has not confirmed (pending or disputed, reversals
    netted out): the part of an "arrived" figure that rests on the supporter's word alone."""
    total = reconciliation_total(entries)
    return total.posted - total.reversed - total.confirmed


def unconfirmed_arrivals_by(entries, key: str) -> dict[int, Decimal]:
    """`unconfirmed_arrivals` grouped by `key` (supporter_id, division_id …), in one query."""
    rows = (
        entries.filter(kind=EntryKind.ARRIVED)
        .order_by()
        .values(key)
        .annotate(
            posted=Sum("amount"),
            settled=Sum("amount", filter=REVERSED_Q | STATUS_Q[ReconciliationStatus.CONFIRMED]),
        )
    )
    return {row[key]: yuan_of_sum(row["posted"]) - yuan_of_sum(row["settled"]) for row in rows}


def confirmed_arrivals_by(entries, key: str) -> dict[int, Decimal]:
    """Σ of the arrivals among `entries` the recipient confirmed (reversed ones left out), grouped by `key`
    (supporter_id …), in one query. The dashboards take `arrived − confirmed` as the unconfirmed share of
    an arrival figure they read from the rollups.

    This is the definition of the dashboards' confirmed figure: their confirmed-arrival rollup
    (`dashboards.ConfirmedRollup`, kept by triggers) holds the same sums by programme, fiscal year,
    supporter and division, and the dashboards call this only for an as-of date the rollup cannot answer."""
    # From the entries, joined to their answers: PostgreSQL hashes the confirmations and scans the entries
    # once (~90 ms for SF1's 72,000 answers, all years). Written as answers whose entry is `IN` the entries,
    # it probed the ledger's key once per ledger row (~330 ms).
    confirmed = entries.filter(
        kind=EntryKind.ARRIVED, confirmation__state=ConfirmationState.CONFIRMED, reversal__isnull=True
    ).order_by()
    rows = confirmed.values_list(key).annotate(total=Sum("amount"))
    return {value: yuan_of_sum(total) for value, total in rows}
