"""Findings: what a run of the checks found, where, how far off, and what people did about it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import ChangeLoggedModel
from duikou.core.scoping import AccessRule

from ..rules.choices import FindingStatus, RunTrigger, Severity, Unit


class CheckRun(models.Model):
    """One run of the checks (on demand, after an import, nightly): when, for what, and what changed.

    Not change-logged, like `core.ImportBatch`: it records work done; the findings it opened, changed or
    closed are logged. A finding that still holds is not rewritten by every run (no change-log row per
    finding per night): it held at its rule's latest run, which this table tells.
    """

    trigger = models.CharField(_("触发方式"), max_length=10, choices=RunTrigger.choices)
    started = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)
    as_of = models.DateField(_("截至日期"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("援助计划"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True, help_text=_("空：全部年度"))
    rule_codes = models.JSONField(_("规则"), default=list, blank=True)
    counts = models.JSONField(
        _("统计"), default=dict, blank=True, help_text=_("规则代码 → 新发现、仍成立、已关闭")
    )
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("核查运行")
        verbose_name_plural = _("核查运行")
        ordering = ["-started", "-pk"]

    def __str__(self):
        return _("核查 {time}（{trigger}）").format(
            time=f"{self.started:%Y-%m-%d %H:%M}" if self.started else "—", trigger=self.get_trigger_display()
        )


class Finding(ChangeLoggedModel):
    """One thing a rule found: a supporter-year below a share, a project spending over its approval, two
    projects under one approval reference … — its measured value against the threshold, the link to the rows
    behind the value, and its status.

    A finding is identified by its rule and `key` (the subject and period, e.g. `supporter:12:2019`): a run
    updates it, never deletes it. When it stops holding the run resolves it with a note in its thread; when
    it holds again, the run opens it again.
    """

    rule = models.ForeignKey(
        "checks.CheckRule", verbose_name=_("规则"), on_delete=models.PROTECT, related_name="findings"
    )
    key = models.CharField(_("标识"), max_length=200, help_text=_("对象与期间，如 supporter:12:2019"))
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_id = models.BigIntegerField(_("对象编号"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("对象"), max_length=300)
    supporter = models.ForeignKey(
        "parties.Organization",
        verbose_name=_("支援方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    division = models.ForeignKey(
        "geo.Division",
        verbose_name=_("受援地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    other_project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("对应项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("成对的发现（同一文号）"),
    )
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    period = models.CharField(_("期间"), max_length=60, blank=True)
    value = models.DecimalField(_("实际值"), max_digits=20, decimal_places=4, null=True, blank=True)
    threshold = models.DecimalField(_("阈值"), max_digits=20, decimal_places=4, null=True, blank=True)
    comparator = models.CharField(_("比较"), max_length=3, blank=True)
    unit = models.CharField(_("单位"), max_length=8, choices=Unit.choices, default=Unit.RATIO)
    message = models.CharField(_("说明"), max_length=500)
    rows_url = models.CharField(_("明细链接"), max_length=500, blank=True, help_text=_("数值背后的记录"))
    details = models.JSONField(_("明细"), default=dict, blank=True)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    holds = models.BooleanField(_("仍成立"), default=True, help_text=_("最近一次核查时是否仍成立"))
    first_found = models.DateTimeField(_("首次发现"))
    last_changed_run = models.ForeignKey(
        CheckRun,
        verbose_name=_("最近变化的核查"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    # A supporter's findings, and those in a recipient's divisions (core/scoping.py); programme-wide ones
    # are the coordination office's and the auditors'.
    access_rule = AccessRule(supporter="supporter", division="division")

    class Meta:
        verbose_name = _("核查发现")
        verbose_name_plural = _("核查发现")
        ordering = ["-year", "rule__code", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key"],
                name="checks_finding_unique_key",
                violation_error_message=_("同一规则对同一对象和期间只有一条发现。"),
            ),
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="checks_finding_subject_complete",
                violation_error_message=_("对象类型和对象编号须同时填写。"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "severity"], name="checks_finding_status_idx"),
            models.Index(fields=["supporter", "year"], name="checks_finding_supporter_idx"),
            models.Index(fields=["division", "year"], name="checks_finding_division_idx"),
        ]

    def __str__(self):
        return f"{self.rule.name}：{self.subject_label}"

    def get_absolute_url(self):
        return reverse("findings:finding", args=[self.pk])

    @property
    def rows_link_label(self) -> str:
        """The text of the link to the rows behind the value (the registry tables' 明细 column)."""
        return str(_("查看明细")) if self.rows_url else ""


class FindingComment(ChangeLoggedModel):
    """One entry of a finding's thread: a person's comment, a status change with its reason, or the note a
    run leaves when the finding stops (or starts again) holding."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("核查发现"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("空：核查自动记录"),
    )
    text = models.TextField(_("内容"))
    from_status = models.CharField(_("原状态"), max_length=16, choices=FindingStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=FindingStatus.choices, blank=True)

    access_rule = AccessRule(supporter="finding__supporter", division="finding__division")  # as its finding

    class Meta:
        verbose_name = _("核查发现意见")
        verbose_name_plural = _("核查发现意见")
        ordering = ["finding", "created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="checks_findingcomment_has_text",
                violation_error_message=_("请填写内容。"),
            ),
        ]

    def __str__(self):
        return f"{self.finding_id}: {self.text[:40]}"

    @property
    def is_automatic(self) -> bool:
        return self.author_id is None
