"""Programmes (援疆, 援藏, 东西部协作) and what each configures: categories, targets, batches."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.models import PrimaryModel
from duikou.core.querysets import ChangeLoggedQuerySet
from duikou.core.scoping import AccessRule

from .choices import Comparator, PolicyMetric


class Programme(PrimaryModel):
    """A paired-assistance programme; the unit of configuration (DESIGN.md: configuration, not code)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=20)
    started = models.DateField(_("起始日期"), null=True, blank=True)
    region = models.ForeignKey(
        "geo.Division",
        verbose_name=_("受援区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    allows_supporter_comparison = models.BooleanField(
        _("援疆省市可互相比较"),
        default=False,
        help_text=_("开启后，援疆省市账号可在统计页查看全计划和其他援疆省市的汇总数字（不含明细）。"),
    )

    # Reference data: every member reads it; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("援助计划")
        verbose_name_plural = _("援助计划")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Category(PrimaryModel):
    """A project category of one programme; `counts_as_livelihood` feeds the ≥80% 民生 rule.

    The rule uses a broader notion of livelihood than the 民生 category itself,
    so the flag is per category and programme (DOMAIN.md, Projects).
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("援助计划"), on_delete=models.PROTECT, related_name="categories"
    )
    code = models.SlugField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=20)
    counts_as_livelihood = models.BooleanField(_("计入民生"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    valid_from_year = models.PositiveSmallIntegerField(_("起始年度"), null=True, blank=True)
    valid_to_year = models.PositiveSmallIntegerField(_("截止年度"), null=True, blank=True)

    # Reference data: every member reads it; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("项目类别")
        verbose_name_plural = _("项目类别")
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="programmes_category_unique_code",
                violation_error_message=_("同一援助计划下类别代码不能重复。"),
            ),
            models.UniqueConstraint(
                fields=["programme", "name"],
                name="programmes_category_unique_name",
                violation_error_message=_("同一援助计划下类别名称不能重复。"),
            ),
        ]

    def __str__(self):
        return self.name


class PolicyTargetQuerySet(ChangeLoggedQuerySet):
    def in_force(self, year: int):
        return self.filter(is_enabled=True, from_year__lte=year).filter(
            Q(to_year__isnull=True) | Q(to_year__gte=year)
        )


class PolicyTarget(PrimaryModel):
    """A threshold a programme sets for a metric over a span of years (民生 ≥ 80% …)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("援助计划"), on_delete=models.PROTECT, related_name="targets"
    )
    metric = models.CharField(_("指标"), max_length=40, choices=PolicyMetric.choices)
    comparator = models.CharField(_("比较"), max_length=3, choices=Comparator.choices, default=Comparator.GTE)
    threshold = models.DecimalField(_("阈值"), max_digits=10, decimal_places=4)
    from_year = models.PositiveSmallIntegerField(_("起始年度"))
    to_year = models.PositiveSmallIntegerField(_("截止年度"), null=True, blank=True)
    is_enabled = models.BooleanField(_("启用"), default=True)
    source = models.CharField(_("依据"), max_length=500, blank=True)

    objects = PolicyTargetQuerySet.as_manager()

    # Reference data: every member reads it; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("政策目标")
        verbose_name_plural = _("政策目标")
        ordering = ["programme", "metric", "from_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_year__isnull=True) | Q(to_year__gte=models.F("from_year")),
                name="programmes_target_year_span",
                violation_error_message=_("截止年度不能早于起始年度。"),
            ),
            models.UniqueConstraint(
                fields=["programme", "metric", "from_year"],
                name="programmes_target_unique_start",
                violation_error_message=_("同一指标同一起始年度只能有一个目标。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_metric_display()} {self.get_comparator_display()} {self.threshold}"

    def is_met_by(self, value: Decimal | None) -> bool | None:
        """Whether a measured value meets the target; None when there is no value."""
        if value is None:
            return None
        if self.comparator == Comparator.GTE:
            return value >= self.threshold
        if self.comparator == Comparator.LTE:
            return value <= self.threshold
        return value == self.threshold

    def clean(self):
        super().clean()
        share_metrics = {
            PolicyMetric.LIVELIHOOD_SHARE,
            PolicyMetric.GRASSROOTS_SHARE,
            PolicyMetric.SOUTH_SHARE,
            PolicyMetric.ARRIVAL_RATE,
            PolicyMetric.START_RATE,
            PolicyMetric.COMPLETION_RATE,
        }
        if self.metric in share_metrics and self.threshold is not None and not (0 <= self.threshold <= 1):
            raise ValidationError(
                {"threshold": _("比例类指标的阈值以小数表示，须在 0 到 1 之间（80% 填 0.8）。")}
            )
        if not self.is_enabled:
            return  # a disabled target constrains nothing, so it may overlap
        overlapping = PolicyTarget.objects.filter(
            programme_id=self.programme_id, metric=self.metric, is_enabled=True
        ).exclude(pk=self.pk)
        end = self.to_year or 9999
        for other in overlapping:
            if other.from_year <= end and (other.to_year or 9999) >= (self.from_year or 0):
                raise ValidationError(
                    _("与已有目标 {other}（{start}–{end}）年度重叠。").format(
                        other=other, start=other.from_year, end=other.to_year or "…"
                    )
                )


class Batch(PrimaryModel):
    """A batch of dispatched cadres (第十一批), with its nominal dates."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("援助计划"), on_delete=models.PROTECT, related_name="batches"
    )
    number = models.PositiveSmallIntegerField(_("批次"))
    name = models.CharField(_("名称"), max_length=50)
    starts = models.DateField(_("开始日期"))
    ends = models.DateField(_("结束日期"))

    # Reference data: every member reads it; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("干部批次")
        verbose_name_plural = _("干部批次")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"],
                name="programmes_batch_unique_number",
                violation_error_message=_("同一援助计划下批次号不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")),
                name="programmes_batch_period",
                violation_error_message=_("批次结束日期须晚于开始日期。"),
            ),
        ]

    def __str__(self):
        return self.name

    def covers(self, date: datetime.date) -> bool:
        return self.starts <= date <= self.ends
