"""Annual plans (年度计划), their reviews, their issued versions and the adjustments after issue.

Written only by `projects.plans.services` (and a plan's creation on its form). Registered with Django
through `projects.models`, which imports them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import ChangeLoggedModel, PrimaryModel
from duikou.core.scoping import AccessRule

from ..choices import ConstructionType, ImplementationLevel
from ..models import money_field  # defined before projects.models imports this module
from .choices import AdjustmentKind, PlanState, ReviewAction, VersionCause

ZERO = Decimal("0.00")
AMOUNT_FIELDS = ("total_investment", "aid_amount", "local_matching", "other_funding")


class AnnualPlan(PrimaryModel):
    """One supporter's annual project plan for one programme and year (e.g. 2025年度浙江省援疆项目计划).

    Its projects are the programme's in-plan projects (计划内, `Project.is_in_plan`) of that plan year whose
    supporter is the plan's supporter or one of its supporting cities (浙江省's plan holds 衢州市's
    projects): a plan belongs to a top-level supporter. `version` is the number of the newest issued
    version (0 before issue); the versions hold what was issued and each adjustment's result.
    """

    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("援助计划"), on_delete=models.PROTECT, related_name="+"
    )
    supporter = models.ForeignKey(
        "parties.Organization",
        verbose_name=_("支援方"),
        on_delete=models.PROTECT,
        related_name="annual_plans",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(
        _("计划年度"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=PlanState.choices, default=PlanState.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("当前版本"), default=0, help_text=_("0：尚未下达"))
    issued_on = models.DateField(_("下达日期"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下达人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_reference = models.CharField(_("下达文号"), max_length=100, blank=True)

    # Who reaches a plan (core/scoping.py), decided for issue 5 and written in docs/security.md:
    # - the members of its supporter: a supporter role's scope is its supporter's family
    #   (`Organization.supporter_family()`: the supporter and the cities under it), and a plan belongs to a
    #   top-level supporter, so 浙江省's editors and viewers (and its front HQ's) reach 浙江省's plan;
    # - not a supporting city's members: 衢州市's scope is 衢州市 alone, and the plan lists every city's
    #   projects and amounts, so showing it would widen the city's scope to its sibling cities. A city sees
    #   its share as its in-plan projects of the year on the project pages, and still records adjustments
    #   to them (that change checks the project's scope, not the plan's);
    # - no recipient: a plan has no division, and one plan spans many; showing the plans that touch a
    #   recipient's divisions would show the other divisions' rows in them. The recipient's projects show
    #   on the project pages (filter by plan year and 计划内).
    access_rule = AccessRule(supporter="supporter")

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["-year", "supporter__name", "pk"]
        permissions = [
            ("submit_annualplan", _("可以报送年度计划")),
            ("review_annualplan", _("可以审核（退回、下达）年度计划")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["supporter", "programme", "year"],
                name="projects_annualplan_one_per_year",
                violation_error_message=_("该支援方在该援助计划的这一年度已有年度计划。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990) & Q(year__lte=2100),
                name="projects_annualplan_year_range",
                violation_error_message=_("计划年度须在 1990 到 2100 之间。"),
            ),
            models.CheckConstraint(
                condition=~Q(state=PlanState.ISSUED) | (Q(version__gte=1) & Q(issued_on__isnull=False)),
                name="projects_annualplan_issued_has_version",
                violation_error_message=_("已下达的计划须有版本号和下达日期。"),
            ),
        ]
        indexes = [models.Index(fields=["year", "state"], name="projects_plan_year_state_idx")]

    def __str__(self):
        return _("{year}年度{supporter}{programme}项目计划").format(
            year=self.year, supporter=self.supporter.name, programme=self.programme.short_name
        )

    def get_absolute_url(self):
        return reverse("plans:plan", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.state == PlanState.ISSUED

    def clean(self):
        super().clean()
        if self.supporter_id is None:
            return
        if not self.supporter.is_supporter:
            raise ValidationError({"supporter": _("支援方须为援疆省市、地市、中央企业或部委。")})
        top = self.supporter.supporter_chain()[-1]
        if top.pk != self.supporter_id:
            raise ValidationError(
                {
                    "supporter": _("{city} 的项目列入 {top} 的年度计划，请为 {top} 编制。").format(
                        city=self.supporter.name, top=top.name
                    )
                }
            )


class PlanReview(ChangeLoggedModel):
    """One step of a plan's review: who submitted, returned or issued it, when, with what comment, and the
    plan's size at that moment (what the reviewer had in front of them)."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="reviews"
    )
    action = models.CharField(_("操作"), max_length=10, choices=ReviewAction.choices)
    from_state = models.CharField(_("原状态"), max_length=12, choices=PlanState.choices)
    to_state = models.CharField(_("新状态"), max_length=12, choices=PlanState.choices)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acted_at = models.DateTimeField(_("操作时间"))
    comment = models.TextField(_("意见"), blank=True)
    project_count = models.PositiveIntegerField(_("项目数"), default=0)
    aid_amount = money_field(_("援助资金（元）"))
    total_investment = money_field(_("总投资（元）"))

    access_rule = AccessRule(supporter="plan__supporter")  # as its plan

    class Meta:
        verbose_name = _("年度计划审核记录")
        verbose_name_plural = _("年度计划审核记录")
        ordering = ["plan", "acted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=ReviewAction.RETURN) | ~Q(comment=""),
                name="projects_planreview_return_has_comment",
                violation_error_message=_("退回须填写意见。"),
            ),
            models.CheckConstraint(
                condition=~Q(from_state=models.F("to_state")),
                name="projects_planreview_moves",
                violation_error_message=_("新状态须与原状态不同。"),
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.get_action_display()}"


class PlanVersion(ChangeLoggedModel):
    """One frozen state of an issued plan: version 1 at issue, the next one after each adjustment.
    Its items are the snapshot; it is never changed afterwards."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    cause = models.CharField(_("原因"), max_length=12, choices=VersionCause.choices)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("形成时间"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    project_count = models.PositiveIntegerField(_("项目数"), default=0)
    aid_amount = money_field(_("援助资金（元）"))
    total_investment = money_field(_("总投资（元）"))

    access_rule = AccessRule(supporter="plan__supporter")  # as its plan

    class Meta:
        verbose_name = _("年度计划版本")
        verbose_name_plural = _("年度计划版本")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="projects_planversion_unique_number",
                violation_error_message=_("该计划已有此版本号。"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="projects_planversion_number_positive",
                violation_error_message=_("版本号从 1 开始。"),
            ),
        ]

    def __str__(self):
        return _("{plan} 第{number}版").format(plan=self.plan, number=self.number)

    def get_absolute_url(self):
        return reverse("plans:plan_version", args=[self.pk])


class PlanVersionItem(ChangeLoggedModel):
    """One project as a version froze it: the facts the statutory plan table prints."""

    version = models.ForeignKey(
        PlanVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="items"
    )
    # PROTECT: a project that was in an issued plan is never deleted (nothing is lost).
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="plan_items"
    )
    code = models.CharField(_("项目编号"), max_length=40)
    name = models.CharField(_("项目名称"), max_length=200)
    supporter = models.ForeignKey(
        "parties.Organization", verbose_name=_("支援方"), on_delete=models.PROTECT, related_name="+"
    )
    division = models.ForeignKey(
        "geo.Division", verbose_name=_("受援地"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "programmes.Category", verbose_name=_("项目类别"), on_delete=models.PROTECT, related_name="+"
    )
    implementation_level = models.CharField(_("实施层级"), max_length=20, choices=ImplementationLevel.choices)
    construction_type = models.CharField(_("新建/续建"), max_length=12, choices=ConstructionType.choices)
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工"), null=True, blank=True)
    description = models.CharField(_("建设内容"), max_length=500, blank=True)
    total_investment = money_field(_("总投资（元）"))
    aid_amount = money_field(_("援助资金（元）"))
    local_matching = money_field(_("地方配套（元）"))
    other_funding = money_field(_("其他资金（元）"))

    access_rule = AccessRule(supporter="version__plan__supporter")  # as its plan

    class Meta:
        verbose_name = _("年度计划版本项目")
        verbose_name_plural = _("年度计划版本项目")
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "project"],
                name="projects_planversionitem_once_per_version",
                violation_error_message=_("一个项目在一个版本中只出现一次。"),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class PlanAdjustment(ChangeLoggedModel):
    """One change after issue (调整): which project, what changed (before → after), why, who approved it,
    who recorded it, and the version it produced."""

    plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="adjustments"
    )
    version = models.OneToOneField(
        PlanVersion, verbose_name=_("形成版本"), on_delete=models.PROTECT, related_name="adjustment"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="plan_adjustments"
    )
    kind = models.CharField(_("调整类型"), max_length=10, choices=AdjustmentKind.choices)
    changes = models.JSONField(
        _("调整内容"), default=dict, blank=True, help_text=_("字段 → [调整前, 调整后]，金额以元计")
    )
    reason = models.TextField(_("调整原因"))
    approved_by = models.CharField(_("审批人（单位）"), max_length=100)
    approval_reference = models.CharField(_("批准文号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    access_rule = AccessRule(supporter="plan__supporter")  # as its plan

    class Meta:
        verbose_name = _("年度计划调整")
        verbose_name_plural = _("年度计划调整")
        ordering = ["plan", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="projects_planadjustment_has_reason",
                violation_error_message=_("请填写调整原因。"),
            ),
            models.CheckConstraint(
                condition=~Q(approved_by=""),
                name="projects_planadjustment_has_approver",
                violation_error_message=_("请填写审批人（单位）。"),
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.get_kind_display()} · {self.project.code}"

    def get_absolute_url(self):
        return self.plan.get_absolute_url()
