"""Outcome indicators and their measurements (jobs, beneficiaries, trade …)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import PrimaryModel
from duikou.core.scoping import AccessRule

from .choices import Aggregation


class Indicator(PrimaryModel):
    """What is measured, in which unit, and how values combine.

    Beneficiaries are counted, never listed by person (DOMAIN.md, privacy).
    A ratio indicator names its numerator and denominator indicators.
    """

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("援助计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text=_("空：所有援助计划通用"),
    )
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20)
    aggregation = models.CharField(
        _("汇总方式"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    numerator = models.ForeignKey(
        "self", verbose_name=_("分子指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", verbose_name=_("分母指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text=_("“其中”指标：如 带动就业 其中 脱贫人口"),
    )

    # Reference data: every member reads it; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("成效指标")
        verbose_name_plural = _("成效指标")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(aggregation="ratio")
                | (Q(numerator__isnull=False) & Q(denominator__isnull=False)),
                name="outcomes_indicator_ratio_parts",
                violation_error_message=_("比率指标须指定分子和分母指标。"),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.unit}）"

    def clean(self):
        super().clean()
        # "A ratio needs both parts" is the outcomes_indicator_ratio_parts constraint's message alone,
        # so a form shows it once.
        if self.pk and self.pk in {self.numerator_id, self.denominator_id, self.parent_id}:
            raise ValidationError(_("指标不能引用自己。"))


class Measurement(PrimaryModel):
    """One value of an indicator for a project or division, a supporter and a period."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("指标"),
        on_delete=models.PROTECT,
        related_name="measurements",
        db_index=False,
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    division = models.ForeignKey(
        "geo.Division", verbose_name=_("受援地"), on_delete=models.PROTECT, related_name="measurements"
    )
    supporter = models.ForeignKey(
        "parties.Organization",
        verbose_name=_("支援方"),
        on_delete=models.PROTECT,
        related_name="measurements",
        db_index=False,
    )
    period_start = models.DateField(_("期间起"))
    period_end = models.DateField(_("期间止"))
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4)
    import_batch = models.ForeignKey(
        "core.ImportBatch",
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measurements",
    )

    # A supporter's measurements, and those in a recipient's divisions (core/scoping.py).
    access_rule = AccessRule(supporter="supporter", division="division")

    class Meta:
        verbose_name = _("成效数据")
        verbose_name_plural = _("成效数据")
        ordering = ["-period_end", "indicator"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="outcomes_measurement_period",
                violation_error_message=_("期间止不能早于期间起。"),
            ),
            models.UniqueConstraint(
                fields=["indicator", "project", "supporter", "period_start", "period_end"],
                condition=Q(project__isnull=False),
                name="outcomes_measurement_unique_project_period",
                violation_error_message=_("该项目该期间已有此指标的数据。"),
            ),
            models.UniqueConstraint(
                fields=["indicator", "division", "supporter", "period_start", "period_end"],
                condition=Q(project__isnull=True),
                name="outcomes_measurement_unique_division_period",
                violation_error_message=_("该受援地该期间已有此指标的数据。"),
            ),
        ]
        # Composite indexes also serve the foreign keys declared with db_index=False (leading column).
        indexes = [
            models.Index(fields=["indicator", "period_end"], name="outcomes_indicator_period_idx"),
            models.Index(fields=["supporter", "period_end"], name="outcomes_supporter_period_idx"),
            # The list's default order (latest period first), read backwards.
            models.Index(fields=["period_end", "id"], name="outcomes_period_end_idx"),
        ]

    def __str__(self):
        period = f"{self.period_start}–{self.period_end}"
        return f"{self.indicator.name} {self.value} {self.indicator.unit}（{period}）"

    def get_absolute_url(self):
        return reverse("outcomes:measurement", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("期间止不能早于期间起。")
        if self.project_id and self.division_id and self.project.division_id != self.division_id:
            errors["division"] = _("受援地须与项目的受援地（{division}）一致。").format(
                division=self.project.division
            )
        if self.project_id and self.supporter_id and self.project.supporter_id != self.supporter_id:
            errors["supporter"] = _("支援方须与项目的支援方（{supporter}）一致。").format(
                supporter=self.project.supporter
            )
        if (
            self.value is not None
            and self.value < 0
            and self.indicator_id
            and self.indicator.aggregation != Aggregation.AVERAGE
        ):
            errors["value"] = _("数值不能为负数。")
        if errors:
            raise ValidationError(errors)
