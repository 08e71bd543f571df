"""The fund ledger: append-only postings of planned, arrived, disbursed and spent money."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import AppendOnlyModel

from .choices import EntryKind


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
        if errors:
            raise ValidationError(errors)
