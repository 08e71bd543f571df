"""Posting to the fund ledger, closing periods (结账) and answering arrivals (对账).

Views, imports, the API and commands all come through here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core.money import format_amount, yuan_of_sum
from duikou.core.scoping import check_in_scope, check_writable
from duikou.programmes.models import Programme
from duikou.projects.models import Project

from .choices import ConfirmationState, EntryKind, PeriodKind
from .models import ArrivalConfirmation, LedgerEntry, PeriodLock, period_bounds
from .triggers import PERIOD_LOCK_MESSAGE

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
    entry = LedgerEntry(**fields)
    # Scope first: the model's checks name what they compare with (another supporter's closed period).
    check_writable(entry, acting_user)
    _lock_project(project.pk if project is not None else None)
    entry.full_clean()
    _save_entry(entry)
    check_in_scope(entry, acting_user)  # another supporter's books: refused, and the posting rolled back
    return entry


def _save_entry(entry: LedgerEntry) -> None:
    """Insert the entry; a period closed after `full_clean()` looked (the database's trigger) is a
    ValidationError naming the period, like the one `clean()` gives."""
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        if PERIOD_LOCK_MESSAGE not in str(error):
            raise
        lock = PeriodLock.covering(entry.programme_id, entry.supporter_id, entry.value_date)
        message = lock.refusal(entry.value_date) if lock else _("发生日期所在期间已结账，不能再登记。")
        raise ValidationError({"value_date": [message]}) from error


def first_open_day(programme_id: int, supporter_id: int | None, day: datetime.date) -> datetime.date:
    """`day`, or the first day after it outside every active period lock of the supporter's books."""
    while (lock := PeriodLock.covering(programme_id, supporter_id, day)) is not None:
        day = lock.end_date + datetime.timedelta(days=1)
    return day


@transaction.atomic
def reverse_entry(
    entry: LedgerEntry, *, acting_user=None, value_date: datetime.date | None = None, reason: str
) -> LedgerEntry:
    """Post the reversing entry of `entry` (same kind, negated amount) with a reason.

    The reversal is dated in an open period: an entry of a closed month is corrected in a later one,
    never by reopening history (issue 5, item 5).

    Args:
        value_date: the reversal's date; default the first open day from today on.

    Raises:
        ValidationError: the entry is itself a reversal or is already reversed, or `value_date` lies in a
            closed period.
    """
    _lock_project(entry.project_id)
    # The entry's row too: a confirmation (`confirm_arrival`) and a reversal of one arrival never cross.
    list(LedgerEntry.objects.select_for_update().filter(pk=entry.pk).values_list("pk", flat=True))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("该分录已冲正，不能重复冲正。"))
    if not reason.strip():
        raise ValidationError({"note": _("请填写冲正原因。")})
    value_date = value_date or first_open_day(entry.programme_id, entry.supporter_id, timezone.localdate())
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
    _save_entry(reversal)
    check_in_scope(reversal, acting_user)
    return reversal


# -- period locks (结账) ---------------------------------------------------------------------------------
def _check_permission(acting_user, permission: str) -> None:
    # acting_user None: a command or a script, inside its own change context (CONTRIBUTING: every write
    # outside a request opens one), which is trusted as the shell it runs in.
    if acting_user is not None and not acting_user.has_perm(permission):
        raise PermissionDenied(_("没有权限执行此操作。"))


def pending_arrivals(entries):
    """Arrival entries among `entries` the recipient has not confirmed: no answer, or disputed; reversed
    arrivals and reversals left out (they cancel out)."""
    return entries.filter(kind=EntryKind.ARRIVED, reverses__isnull=True, reversal__isnull=True).exclude(
        confirmation__state=ConfirmationState.CONFIRMED
    )


@transaction.atomic
def close_period(
    *,
    acting_user,
    programme: Programme,
    year: int,
    month: int | None = None,
    supporter=None,
    reason: str,
    allow_pending: bool = False,
    today: datetime.date | None = None,
) -> PeriodLock:
    """Close a month (or, without `month`, a year) of a programme to postings dated inside it.

    Args:
        acting_user: who closes; needs `funds.add_periodlock` (None: a command).
        supporter: close only this supporter's books; None closes the period for every supporter.
        reason: why (结账说明), required.
        allow_pending: close although arrivals in the period still wait for the recipient's confirmation
            (their count and amount are kept on the lock); otherwise that is refused.
        today: the current date (tests); a period can be closed from its last day on.

    Raises:
        PermissionDenied: the user may not close periods.
        ValidationError: no reason, a period not yet ended, one already closed (itself or by a wider
            lock), or pending arrivals without `allow_pending`. Nothing is written.
    """
    _check_permission(acting_user, "funds.add_periodlock")
    today = today or timezone.localdate()
    # Serialise with postings: the database trigger takes a key-share lock on the programme row for
    # every insert into the ledger, which this lock waits for (and which waits for it), so no posting
    # into the period can commit unseen while it closes.
    list(Programme.objects.select_for_update().filter(pk=programme.pk).values_list("pk", flat=True))
    kind = PeriodKind.YEAR if month is None else PeriodKind.MONTH
    lock = PeriodLock(
        programme=programme,
        supporter=supporter,
        kind=kind,
        year=year,
        month=month,
        reason=(reason or "").strip(),
        closed_by=acting_user if getattr(acting_user, "pk", None) else None,
        closed_at=timezone.now(),
    )
    if not lock.reason:
        raise ValidationError({"reason": _("请填写结账说明。")})
    try:
        start, end = period_bounds(year, month)
    except ValueError as error:
        raise ValidationError({"month": _("月度结账须填 1 到 12 月。")}) from error
    if end > today:
        raise ValidationError(
            _("期间 {period} 尚未结束（截止 {end}），不能结账。").format(
                period=lock.period_label, end=end.isoformat()
            )
        )
    # A lock of the same or a wider period, for every supporter or for this one, already closes it.
    wider = PeriodLock.active().filter(programme=programme, start_date__lte=start, end_date__gte=end)
    if supporter is None:
        wider = wider.filter(supporter__isnull=True)
    else:
        wider = wider.filter(Q(supporter__isnull=True) | Q(supporter=supporter))
    covering = wider.select_related("supporter").order_by("start_date").first()
    if covering is not None:
        raise ValidationError(
            _("期间 {period} 已包含在已结账的 {closed} 中。").format(
                period=lock.period_label, closed=covering
            )
        )
    entries = LedgerEntry.objects.filter(programme=programme, value_date__gte=start, value_date__lte=end)
    if supporter is not None:
        entries = entries.filter(supporter=supporter)
    pending = pending_arrivals(entries).aggregate(count=Count("pk"), total=Sum("amount"))
    lock.pending_arrivals = pending["count"] or 0
    lock.pending_amount = yuan_of_sum(pending["total"])
    if lock.pending_arrivals and not allow_pending:
        raise ValidationError(
            {
                "allow_pending": _(
                    "期间 {period} 还有 {count} 笔到位资金（{amount}）待受援方确认或有异议；"
                    "请先对账，或选择“仍然结账”。"
                ).format(
                    period=lock.period_label,
                    count=lock.pending_arrivals,
                    amount=format_amount(lock.pending_amount, "万元"),
                )
            }
        )
    lock.full_clean()
    lock.save()
    check_in_scope(lock, acting_user)
    return lock


@transaction.atomic
def reopen_period(lock: PeriodLock, *, acting_user, reason: str) -> PeriodLock:
    """Reopen a closed period (反结账): postings may be dated inside it again.

    Args:
        acting_user: who reopens; needs `funds.change_periodlock` (None: a command).
        reason: why, required; kept on the lock with who and when.

    Raises:
        PermissionDenied: the user may not reopen periods.
        ValidationError: no reason, or the period is not closed.
    """
    _check_permission(acting_user, "funds.change_periodlock")
    lock = PeriodLock.objects.select_for_update().get(pk=lock.pk)
    if not lock.is_active:
        raise ValidationError(_("期间 {period} 未结账或已反结账。").format(period=lock.period_label))
    if not (reason or "").strip():
        raise ValidationError({"reopen_reason": _("请填写反结账原因。")})
    lock.reopened_by = acting_user if getattr(acting_user, "pk", None) else None
    lock.reopened_at = timezone.now()
    lock.reopen_reason = reason.strip()
    lock.full_clean()
    lock.save()
    return lock


# -- two-party reconciliation (对账) ----------------------------------------------------------------------
def _answer_arrival(
    entry: LedgerEntry, *, acting_user, state: str, amount_received: Decimal, reason: str
) -> ArrivalConfirmation:
    _check_permission(acting_user, "funds.add_arrivalconfirmation")
    # The entry's row first (as `reverse_entry` locks it), then the answer: one order for every writer.
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    problem = ArrivalConfirmation.entry_problem(entry)
    if problem:
        raise ValidationError({"entry": [problem]})
    confirmation = ArrivalConfirmation.objects.filter(entry=entry).first()
    if confirmation is None:
        confirmation = ArrivalConfirmation(entry=entry)
    else:
        _check_permission(acting_user, "funds.change_arrivalconfirmation")
    confirmation.state = state
    confirmation.amount_received = amount_received
    confirmation.reason = (reason or "").strip()
    confirmation.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    confirmation.decided_at = timezone.now()
    confirmation.full_clean()
    confirmation.save()
    check_in_scope(confirmation, acting_user)  # only the recipient of the arrival answers it
    return confirmation


@transaction.atomic
def confirm_arrival(entry: LedgerEntry, *, acting_user, reason: str = "") -> ArrivalConfirmation:
    """The recipient confirms that an arrival (到位) reached it in full.

    Args:
        acting_user: who confirms; needs `funds.add_arrivalconfirmation` (and `change_…` to change an
            earlier answer). None: a command.
        reason: an optional note.

    Raises:
        PermissionDenied: the user may not confirm arrivals.
        ValidationError: not an arrival, a reversal, or reversed.
    """
    return _answer_arrival(
        entry,
        acting_user=acting_user,
        state=ConfirmationState.CONFIRMED,
        amount_received=entry.amount,
        reason=reason,
    )


@transaction.atomic
def dispute_arrival(
    entry: LedgerEntry, *, acting_user, reason: str, amount_received: Decimal = ZERO
) -> ArrivalConfirmation:
    """The recipient disputes an arrival (到位): it did not arrive, or not in full.

    Args:
        acting_user: who disputes; permissions as `confirm_arrival`.
        reason: why, required.
        amount_received: what did arrive (0 to the entry's amount); the rest is the difference the
            reconciliation shows.

    Raises:
        PermissionDenied: the user may not answer arrivals.
        ValidationError: no reason, an amount out of range, not an arrival, a reversal, or reversed.
    """
    return _answer_arrival(
        entry,
        acting_user=acting_user,
        state=ConfirmationState.DISPUTED,
        amount_received=amount_received,
        reason=reason,
    )


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
