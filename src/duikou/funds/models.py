"""The fund ledger: append-only postings of planned, arrived, disbursed and spent money;
the periods closed to postings (结账); the recipient's confirmations of arrivals (对账)."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duikou.core.models import AppendOnlyModel, ChangeLoggedModel
from duikou.core.scoping import AccessRule

from .choices import ConfirmationState, EntryKind, PeriodKind


class LedgerEntry(AppendOnlyModel):
    """One posting. Never updated, never deleted: a mistake is corrected by a reversing entry.

    Amounts are yuan. Ordinary entries are positive; a reversal carries the
    negated amount of the entry it reverses; an adjustment (调整) may have
    either sign. Balances and rates are sums over these rows, never stored.
    """

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("援助计划"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        db_index=False,
    )
    kind = models.CharField(_("类型"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=16, decimal_places=2)
    value_date = models.DateField(_("发生日期"))
    fiscal_year = models.PositiveSmallIntegerField(_("资金年度"))
    supporter = models.ForeignKey(
        "parties.Organization",
        verbose_name=_("支援方"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        db_index=False,
    )
    division = models.ForeignKey(
        "geo.Division",
        verbose_name=_("受援地"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        db_index=False,
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        help_text=_("尚未分配到项目的资金可不填"),
        db_index=False,
    )
    document_reference = models.CharField(_("凭证/文号"), max_length=100, blank=True)
    import_batch = models.ForeignKey(
        "core.ImportBatch",
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    note = models.CharField(_("摘要"), max_length=500, blank=True)

    # A supporter's entries, and those for a recipient's divisions (core/scoping.py).
    access_rule = AccessRule(supporter="supporter", division="division")

    class Meta:
        verbose_name = _("资金分录")
        verbose_name_plural = _("资金分录")
        ordering = ["-value_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="funds_entry_amount_not_zero",
                violation_error_message=_("金额不能为零。"),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(reverses__isnull=False) | Q(kind=EntryKind.ADJUSTMENT),
                name="funds_entry_amount_positive",
                violation_error_message=_("金额须为正数；更正请录入冲正分录。"),
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=1990) & Q(fiscal_year__lte=2100),
                name="funds_entry_fiscal_year_range",
                violation_error_message=_("资金年度须在 1990 到 2100 之间。"),
            ),
        ]
        # Composite indexes also serve the foreign keys declared with db_index=False (leading column).
        indexes = [
            models.Index(fields=["project", "kind"], name="funds_project_kind_idx"),
            models.Index(fields=["programme", "fiscal_year", "kind"], name="funds_programme_year_kind_idx"),
            models.Index(fields=["supporter", "fiscal_year"], name="funds_supporter_year_idx"),
            models.Index(fields=["division", "fiscal_year"], name="funds_division_year_idx"),
            # The ledger list's default order (newest first), read backwards: no sort of 400,000 rows.
            models.Index(fields=["value_date", "id"], name="funds_value_date_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} 元 · {self.value_date}"

    def get_absolute_url(self):
        return reverse("funds:entry", args=[self.pk])

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.amount is not None and self.amount == 0:
            errors.setdefault("amount", []).append(_("金额不能为零。"))
        if self.reverses_id:
            original = self.reverses
            if original.reverses_id:
                errors.setdefault("reverses", []).append(_("不能冲正一笔冲正分录。"))
            if self.amount != -original.amount:
                errors.setdefault("amount", []).append(
                    _("冲正金额须为原分录金额的相反数（{amount}）。").format(amount=-original.amount)
                )
            if self.kind != original.kind:
                errors.setdefault("kind", []).append(_("冲正分录的类型须与原分录相同。"))
        elif self.amount is not None and self.amount < 0 and self.kind != EntryKind.ADJUSTMENT:
            errors.setdefault("amount", []).append(_("金额须为正数；更正请录入冲正分录。"))
        # Funds of a year may be spent years later (结转, carried over) — idle balances are a check,
        # not an input error — but nothing can move before the year before its plan year (plans for
        # next year are issued in the autumn).
        if self.value_date and self.fiscal_year and self.fiscal_year > self.value_date.year + 1:
            errors.setdefault("fiscal_year", []).append(
                _("资金年度 {year} 晚于发生日期 {date} 的次年。").format(
                    year=self.fiscal_year, date=self.value_date
                )
            )
        if self.project_id:
            project = self.project
            if self.programme_id and project.programme_id != self.programme_id:
                errors.setdefault("project", []).append(_("项目不属于该援助计划。"))
            if self.supporter_id and self.supporter_id != project.supporter_id:
                errors.setdefault("supporter", []).append(
                    _("支援方须与项目的支援方（{supporter}）一致。").format(supporter=project.supporter)
                )
            if self.division_id and self.division_id != project.division_id:
                errors.setdefault("division", []).append(
                    _("受援地须与项目的受援地（{division}）一致。").format(division=project.division)
                )
        if self._state.adding and self.value_date and self.programme_id and self.supporter_id:
            lock = PeriodLock.covering(
                self.programme_id, self.supporter_id, self.value_date, self.period_locks
            )
            if lock is not None:
                errors.setdefault("value_date", []).append(lock.refusal(self.value_date))
        if errors:
            raise ValidationError(errors)

    # The active period locks to check against, when a caller has read them once for many rows (an
    # import); None: `clean()` asks the database.
    period_locks: list[PeriodLock] | None = None


def period_bounds(year: int, month: int | None) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a month, or of the year when `month` is None."""
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


class PeriodLock(ChangeLoggedModel):
    """One closed period (结账): a month or a year of a programme — for one supporter's books, or for every
    supporter when `supporter` is empty — inside which no posting may be dated (by value date).

    Closing and reopening (反结账) go through `funds.services.close_period` / `reopen_period`, which check
    permission and ask for a reason. Reopening keeps the row (with who, when and why), so a period's
    history stays on one page and in the change log; only rows not reopened lock anything. The database
    refuses postings into an active lock too (`funds.triggers`).
    """

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("援助计划"),
        on_delete=models.PROTECT,
        related_name="period_locks",
    )
    supporter = models.ForeignKey(
        "parties.Organization",
        verbose_name=_("支援方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="period_locks",
        help_text=_("不填则对该援助计划的全部支援方结账"),
    )
    kind = models.CharField(_("期间类型"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), null=True, blank=True)
    start_date = models.DateField(_("起始日"), editable=False)
    end_date = models.DateField(_("截止日"), editable=False)
    reason = models.CharField(_("结账说明"), max_length=400)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结账人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结账时间"))
    pending_arrivals = models.PositiveIntegerField(
        _("结账时待确认到位笔数"), default=0, help_text=_("结账时该期间内尚未由受援方确认的到位分录")
    )
    pending_amount = models.DecimalField(
        _("结账时待确认到位金额（元）"), max_digits=16, decimal_places=2, default=0
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反结账人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("反结账时间"), null=True, blank=True)
    reopen_reason = models.CharField(_("反结账原因"), max_length=400, blank=True)

    # A supporter's own closed periods and those closed for every supporter (core/scoping.py).
    access_rule = AccessRule(supporter="supporter", shared=Q(supporter__isnull=True))

    class Meta:
        verbose_name = _("结账期间")
        verbose_name_plural = _("结账期间")
        ordering = ["-start_date", "programme", "supporter", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=PeriodKind.MONTH) & Q(month__gte=1) & Q(month__lte=12))
                | (Q(kind=PeriodKind.YEAR) & Q(month__isnull=True)),
                name="funds_periodlock_month_matches_kind",
                violation_error_message=_("月度结账须填 1 到 12 月；年度结账不填月份。"),
            ),
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")),
                name="funds_periodlock_dates_in_order",
                violation_error_message=_("期间的起始日不能晚于截止日。"),
            ),
            models.CheckConstraint(
                condition=Q(reopened_at__isnull=True) | ~Q(reopen_reason=""),
                name="funds_periodlock_reopen_has_reason",
                violation_error_message=_("反结账须填写原因。"),
            ),
            # NULLs never conflict in a unique key, so "every supporter" is keyed as 0.
            models.UniqueConstraint(
                "programme",
                Coalesce("supporter", Value(0)),
                "year",
                Coalesce("month", Value(0)),
                condition=Q(reopened_at__isnull=True),
                name="funds_periodlock_one_active",
                violation_error_message=_("该期间已经结账。"),
            ),
        ]
        indexes = [models.Index(fields=["programme", "start_date"], name="funds_periodlock_start_idx")]

    def __str__(self):
        scope = self.supporter.name if self.supporter_id else _("全部支援方")
        return f"{self.programme.short_name or self.programme.name} · {scope} · {self.period_label}"

    def get_absolute_url(self):
        return reverse("funds:period_list") + f"?programme={self.programme_id}"

    @property
    def period_label(self) -> str:
        """2024年3月, or 2024年度."""
        if self.month is None:
            return _("{year}年度").format(year=self.year)
        return _("{year}年{month}月").format(year=self.year, month=self.month)

    @property
    def is_active(self) -> bool:
        return self.reopened_at is None

    def set_bounds(self) -> None:
        if self.year:
            self.start_date, self.end_date = period_bounds(self.year, self.month)

    def save(self, *args, **kwargs):
        self.set_bounds()  # the bounds are the period's, never typed in
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.year and not 1990 <= self.year <= 2100:
            raise ValidationError({"year": _("年度须在 1990 到 2100 之间。")})
        if self.kind == PeriodKind.YEAR and self.month is not None:
            raise ValidationError({"month": _("年度结账不填月份。")})
        if self.kind == PeriodKind.MONTH and not (self.month and 1 <= self.month <= 12):
            raise ValidationError({"month": _("月度结账须填 1 到 12 月。")})
        self.set_bounds()

    def refusal(self, value_date: datetime.date) -> str:
        """The message a posting dated inside this period gets: it names the period and who closed it."""
        scope = self.supporter.name if self.supporter_id else _("全部支援方")
        return _(
            "{date} 属于已结账期间 {period}（{scope}，{when} 结账），不能再登记；"
            "请改用未结账期间的日期，或请有权限的人员先反结账。"
        ).format(
            date=value_date.isoformat(),
            period=self.period_label,
            scope=scope,
            when=timezone.localdate(self.closed_at).isoformat() if self.closed_at else "—",
        )

    @classmethod
    def active(cls):
        return cls.objects.filter(reopened_at__isnull=True)

    @classmethod
    def covering(
        cls,
        programme_id: int,
        supporter_id: int | None,
        day: datetime.date,
        locks: list[PeriodLock] | None = None,
    ) -> PeriodLock | None:
        """The active lock that closes `day` to a supporter's postings (a year before a month), if any.

        Args:
            locks: active locks read beforehand (many rows checked at once); None reads the database.
        """
        if locks is None:
            locks = (
                cls.active()
                .filter(programme_id=programme_id, start_date__lte=day, end_date__gte=day)
                .filter(Q(supporter__isnull=True) | Q(supporter_id=supporter_id))
                .select_related("supporter")
            )
        matches = [
            lock
            for lock in locks
            if lock.programme_id == programme_id
            and lock.supporter_id in (None, supporter_id)
            and lock.start_date <= day <= lock.end_date
            and lock.is_active
        ]
        matches.sort(key=lambda lock: (lock.start_date, lock.end_date != lock.start_date, lock.pk or 0))
        return matches[0] if matches else None


class ArrivalConfirmation(ChangeLoggedModel):
    """The recipient's answer to one arrival (到位) a supporter posted: confirmed, or disputed with a reason.

    The ledger stays append-only: the answer is its own row, one per arrival entry, written by
    `funds.services.confirm_arrival` / `dispute_arrival`. An arrival without one is pending. The
    recipient may change its answer (a disputed arrival confirmed once the money is found); each
    change is in the change log. `amount_received` is what the recipient says arrived: the entry's
    amount when confirmed, the amount it did receive (often 0) when disputed.
    """

    entry = models.OneToOneField(
        LedgerEntry, verbose_name=_("到位分录"), on_delete=models.PROTECT, related_name="confirmation"
    )
    state = models.CharField(_("确认状态"), max_length=10, choices=ConfirmationState.choices)
    amount_received = models.DecimalField(_("受援方实收金额（元）"), max_digits=16, decimal_places=2)
    reason = models.CharField(_("说明"), max_length=400, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"))

    # As the arrival it answers (core/scoping.py).
    access_rule = AccessRule(supporter="entry__supporter", division="entry__division")

    class Meta:
        verbose_name = _("到位确认")
        verbose_name_plural = _("到位确认")
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_received__gte=0),
                name="funds_arrivalconfirmation_received_not_negative",
                violation_error_message=_("实收金额不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(state=ConfirmationState.CONFIRMED) | ~Q(reason=""),
                name="funds_arrivalconfirmation_dispute_has_reason",
                violation_error_message=_("提出异议须填写原因。"),
            ),
        ]
        indexes = [models.Index(fields=["state", "entry"], name="funds_confirmation_state_idx")]

    def __str__(self):
        return f"{self.get_state_display()} · {self.entry}"

    def get_absolute_url(self):
        return self.entry.get_absolute_url()

    @staticmethod
    def entry_problem(entry: LedgerEntry) -> str | None:
        """Why `entry` cannot be answered, or None: only open arrivals (not a reversal, not reversed) can."""
        if entry.kind != EntryKind.ARRIVED:
            return _("只有到位分录需要受援方确认。")
        if entry.reverses_id:
            return _("冲正分录不需要确认；请确认或质疑原分录。")
        if LedgerEntry.objects.filter(reverses_id=entry.pk).exists():
            return _("该到位分录已被冲正，无需确认。")
        return None

    def clean(self):
        super().clean()
        if not self.entry_id:
            return
        entry = self.entry
        problem = self.entry_problem(entry)
        if problem:
            raise ValidationError({"entry": [problem]})
        if self.state == ConfirmationState.DISPUTED and not self.reason.strip():
            raise ValidationError({"reason": _("提出异议须填写原因。")})
        if self.amount_received is not None and self.amount_received < 0:
            raise ValidationError({"amount_received": _("实收金额不能为负数。")})
        if self.amount_received is not None and self.amount_received > entry.amount:
            raise ValidationError(
                {
                    "amount_received": _("实收金额不能超过登记的到位金额（{amount}）。").format(
                        amount=entry.amount
                    )
                }
            )
