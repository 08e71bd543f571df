"""Projects and their status history."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import ChangeLoggedModel, PrimaryModel
from duikou.core.money import format_amount
from duikou.core.row_rules import RowRule, broken_rules
from duikou.core.scoping import AccessRule
from duikou.core.text import normalize_text

from .choices import ConstructionType, DeliveryMode, ImplementationLevel, ProjectStatus

ZERO = Decimal("0.00")


def money_field(verbose_name, **kwargs):
    """Yuan, two places; up to 10^14 yuan — far above any programme's total."""
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, default=ZERO, **kwargs)


def _distinct_amounts(**amounts: Decimal) -> dict[str, str]:
    """Amounts in 万元 as officers read them, or in 元 when 万元 to two places would hide the difference."""
    in_wan = {key: format_amount(value, "万元") for key, value in amounts.items()}
    if len(set(in_wan.values())) == len(in_wan):
        return in_wan
    return {key: format_amount(value, "元") for key, value in amounts.items()}


def sum_of_sources(aid_amount, local_matching, other_funding) -> Decimal:
    """援助资金 + 地方配套 + 其他, a blank one as zero: what 总投资 must equal."""
    return (aid_amount or ZERO) + (local_matching or ZERO) + (other_funding or ZERO)


class Project(PrimaryModel):
    """One assistance project: where, by whom, what, how much, and where it stands.

    总投资 = 援助资金 + 地方配套 + 其他 is checked in `clean()` (forms, imports,
    API) but not by the database: legacy sheets migrated in bulk are known to
    break it, and the checks must be able to find those rows rather than lose them.
    """

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("援助计划"),
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,
    )
    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    supporter = models.ForeignKey(
        "parties.Organization",
        verbose_name=_("支援方"),
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,
    )
    division = models.ForeignKey(
        "geo.Division",
        verbose_name=_("受援地"),
        on_delete=models.PROTECT,
        related_name="projects",
        db_index=False,
    )
    implementation_level = models.CharField(
        _("实施层级"), max_length=20, choices=ImplementationLevel.choices, default=ImplementationLevel.COUNTY
    )
    category = models.ForeignKey(
        "programmes.Category", verbose_name=_("项目类别"), on_delete=models.PROTECT, related_name="projects"
    )
    delivery_mode = models.CharField(
        _("建设方式"), max_length=10, choices=DeliveryMode.choices, default=DeliveryMode.CHEQUE
    )
    construction_type = models.CharField(
        _("新建/续建"), max_length=12, choices=ConstructionType.choices, default=ConstructionType.NEW
    )
    is_in_plan = models.BooleanField(
        _("计划内"), default=True, help_text=_("否：计划外资金（市县、企业、捐赠）")
    )
    is_fixed_asset = models.BooleanField(_("固定资产投资"), default=True)
    plan_year = models.PositiveSmallIntegerField(
        _("计划年度"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    planned_start = models.DateField(_("计划开工"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工"), null=True, blank=True)
    actual_start = models.DateField(_("实际开工"), null=True, blank=True)
    actual_end = models.DateField(_("实际完工"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.RESERVE, db_index=True
    )
    total_investment = money_field(_("总投资（元）"))
    aid_amount = money_field(_("援助资金（元）"))
    local_matching = money_field(_("地方配套（元）"))
    other_funding = money_field(_("其他资金（元）"))
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=8, decimal_places=5, null=True, blank=True)
    is_employment_oriented = models.BooleanField(_("促进就业"), default=False)
    flagship = models.CharField(_("品牌工程"), max_length=50, blank=True, help_text=_("如：百村千厂"))
    document_reference = models.CharField(_("批复文号"), max_length=100, blank=True)

    # A supporter's projects, and those in a recipient's divisions (core/scoping.py).
    access_rule = AccessRule(supporter="supporter", division="division")

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-plan_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0)
                & Q(aid_amount__gte=0)
                & Q(local_matching__gte=0)
                & Q(other_funding__gte=0),
                name="projects_project_amounts_not_negative",
                violation_error_message=_("金额不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=models.F("planned_start")),
                name="projects_project_planned_period",
                violation_error_message=_("计划完工日期不能早于计划开工日期。"),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="projects_project_actual_period",
                violation_error_message=_("实际完工日期不能早于实际开工日期。"),
            ),
            models.CheckConstraint(
                condition=Q(plan_year__gte=1990) & Q(plan_year__lte=2100),
                name="projects_project_plan_year_range",
                violation_error_message=_("计划年度须在 1990 到 2100 之间。"),
            ),
        ]
        # Composite indexes also serve the foreign keys declared with db_index=False (leading column).
        indexes = [
            models.Index(fields=["programme", "plan_year"], name="projects_programme_year_idx"),
            models.Index(fields=["supporter", "plan_year"], name="projects_supporter_year_idx"),
            models.Index(fields=["division", "plan_year"], name="projects_division_year_idx"),
            # The registry's default order (newest plan year first, then code): the first page is an
            # index scan, not a sort of every project.
            models.Index(fields=["-plan_year", "code", "id"], name="projects_list_order_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("projects:project", args=[self.pk])

    @property
    def sources_total(self) -> Decimal:
        return sum_of_sources(self.aid_amount, self.local_matching, self.other_funding)

    # The rules across fields (core/row_rules.py), in the order their messages are listed.
    row_rules: list[RowRule] = []  # filled below the class: the rules are module functions

    # Text that `clean()` stores normalised: whatever the form, the API or a file wrote.
    normalized_text_fields = ("name",)

    def clean(self):
        super().clean()
        for name in self.normalized_text_fields:
            setattr(self, name, normalize_text(getattr(self, name)))
        errors = broken_rules(self, self.row_rules)
        if errors:
            raise ValidationError(errors)


def _sources_add_up(project: Project) -> str | None:
    if project.total_investment is None or project.total_investment == project.sources_total:
        return None
    return _("总投资 {total} ≠ 援助资金 + 地方配套 + 其他 = {sum}。").format(
        **_distinct_amounts(total=project.total_investment, sum=project.sources_total)
    )


def _sources_add_up_on_columns(totals, aids, locals_, others) -> list[bool]:
    return [
        total is None or total == sum_of_sources(aid, local, other)
        for total, aid, local, other in zip(totals, aids, locals_, others, strict=True)
    ]


def _category_in_programme(project: Project) -> str | None:
    if project.category_id and project.programme_id and project.category.programme_id != project.programme_id:
        return _("类别不属于该援助计划。")
    return None


def _supporter_supports(project: Project) -> str | None:
    if project.supporter_id and not project.supporter.is_supporter:
        return _("支援方须为援疆省市、地市、中央企业或部委。")
    return None


def _accepted_when_finished(project: Project) -> str | None:
    return _("未完工的项目不能有验收日期。") if project.accepted_on and not project.actual_end else None


def _finished_when_started(project: Project) -> str | None:
    return _("未开工的项目不能有完工日期。") if project.actual_end and not project.actual_start else None


def _pairing_date(planned_start: datetime.date | None, plan_year: int) -> datetime.date:
    """The day a project's pairing must cover: its planned start, else 1 January of its plan year."""
    return planned_start or datetime.date(plan_year, 1, 1)


def _paired(project: Project) -> str | None:
    """The supporter must be paired with the division (or a division above it) on the start date."""
    from duikou.pairings.models import find_covering_pairing

    if not (project.supporter_id and project.division_id and project.programme_id and project.plan_year):
        return None
    on = _pairing_date(project.planned_start, project.plan_year)
    pairing = find_covering_pairing(
        programme=project.programme, supporter=project.supporter, division=project.division, on=on
    )
    if pairing is not None:
        return None
    return _("{supporter} 在 {date} 与 {division} 及其上级均无结对关系。").format(
        supporter=project.supporter, date=on, division=project.division
    )


def _paired_on_columns(
    supporter_ids, division_ids, programme_ids, years, starts, programmes, supporters, divisions
) -> list[bool]:
    """`_paired` over many rows: each supporter, division and programme's candidate pairings found once."""
    from duikou.pairings.models import find_covering_pairing, preloaded_candidates

    candidates_of: dict[tuple, list | None] = {}
    verdicts = []
    rows = zip(
        supporter_ids,
        division_ids,
        programme_ids,
        years,
        starts,
        programmes,
        supporters,
        divisions,
        strict=True,
    )
    for supporter_id, division_id, programme_id, year, start, programme, supporter, division in rows:
        if not (supporter_id and division_id and programme_id and year):
            verdicts.append(True)
            continue
        on = _pairing_date(start, year)
        key = (programme_id, supporter_id, division_id)
        if key not in candidates_of:
            candidates_of[key] = preloaded_candidates(programme, supporter, division)
        candidates = candidates_of[key]
        if candidates is None:  # not preloaded: the database answers
            found = find_covering_pairing(programme=programme, supporter=supporter, division=division, on=on)
            verdicts.append(found is not None)
        else:
            verdicts.append(any(pairing.covers(on) for pairing in candidates))
    return verdicts


Project.row_rules = [
    RowRule(
        "total_investment",
        ("total_investment", "aid_amount", "local_matching", "other_funding"),
        _sources_add_up,
        _sources_add_up_on_columns,
    ),
    RowRule("category", ("category_id", "programme_id", "category"), _category_in_programme),
    RowRule("supporter", ("supporter_id", "supporter"), _supporter_supports),
    RowRule("accepted_on", ("accepted_on", "actual_end"), _accepted_when_finished),
    RowRule("actual_end", ("actual_end", "actual_start"), _finished_when_started),
    RowRule(
        "division",
        (
            "supporter_id",
            "division_id",
            "programme_id",
            "plan_year",
            "planned_start",
            "programme",
            "supporter",
            "division",
        ),
        _paired,
        _paired_on_columns,
    ),
]


class ProjectStatusChange(ChangeLoggedModel):
    """One step of a project's lifecycle: from, to, on which date, by whom, why."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=ProjectStatus.choices)
    effective_on = models.DateField(_("生效日期"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)

    # As its project (core/scoping.py).
    access_rule = AccessRule(supporter="project__supporter", division="project__division")

    class Meta:
        verbose_name = _("项目状态变更")
        verbose_name_plural = _("项目状态变更")
        ordering = ["project", "effective_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="projects_status_change_moves",
                violation_error_message=_("新状态须与原状态不同。"),
            ),
        ]

    def __str__(self):
        return (
            f"{self.project.code}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"
        )


# The annual plan workflow (projects/plans/): its models are registered with this app from here.
from .plans.models import (  # noqa: E402, F401
    AnnualPlan,
    PlanAdjustment,
    PlanReview,
    PlanVersion,
    PlanVersionItem,
)
