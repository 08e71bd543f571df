"""Check rules: the programme's policy and data-quality rules as configuration records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.models import PrimaryModel
from duikou.core.querysets import ChangeLoggedQuerySet
from duikou.core.scoping import AccessRule

from ..rules.choices import RuleScope, Severity


def rule_kind_choices():
    """The rule kinds implemented in code (`checks.rules.registry`), read when the choices are asked for."""
    from ..rules.registry import kind_choices

    return kind_choices()


class CheckRuleQuerySet(ChangeLoggedQuerySet):
    def in_force(self, year: int | None = None):
        """Enabled rules, and when `year` is given, those whose years include it."""
        rules = self.filter(is_enabled=True)
        if year is None:
            return rules
        return rules.filter(Q(from_year__isnull=True) | Q(from_year__lte=year)).filter(
            Q(to_year__isnull=True) | Q(to_year__gte=year)
        )


class CheckRule(PrimaryModel):
    """One rule of a programme: which check (`kind`, implemented once in `checks.rules`), with which
    parameters, at which level, for which years, how severe, and the policy sentence it comes from.

    Thresholds are configuration (DOMAIN.md): a share rule without a `threshold` parameter follows the
    programme's `PolicyTarget` for the year, so the dashboards and the checks never disagree.
    """

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("援助计划"),
        on_delete=models.PROTECT,
        related_name="check_rules",
    )
    code = models.SlugField(_("规则代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("检查类型"), max_length=40, choices=rule_kind_choices)
    parameters = models.JSONField(
        _("参数"), default=dict, blank=True, help_text=_("如：阈值、比较方式、月数、天数、基准日期")
    )
    scope = models.CharField(_("范围"), max_length=12, choices=RuleScope.choices, default=RuleScope.PROJECT)
    from_year = models.PositiveSmallIntegerField(_("起始年度"), null=True, blank=True)
    to_year = models.PositiveSmallIntegerField(_("截止年度"), null=True, blank=True)
    severity = models.CharField(
        _("严重程度"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    is_enabled = models.BooleanField(_("启用"), default=True)
    source = models.TextField(_("依据"), blank=True, help_text=_("规则出自的政策原文或来源"))

    objects = CheckRuleQuerySet.as_manager()

    # Configuration every member reads; changing it needs the permission (core/scoping.py).
    access_rule = AccessRule.PUBLIC

    class Meta:
        verbose_name = _("核查规则")
        verbose_name_plural = _("核查规则")
        ordering = ["programme", "code"]
        permissions = [("run_checks", _("可以运行核查"))]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"],
                name="checks_checkrule_unique_code",
                violation_error_message=_("同一援助计划下规则代码不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(to_year__isnull=True)
                | Q(from_year__isnull=True)
                | Q(to_year__gte=models.F("from_year")),
                name="checks_checkrule_year_span",
                violation_error_message=_("截止年度不能早于起始年度。"),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("findings:finding_list") + f"?rule={self.pk}"

    @property
    def implementation(self):
        """The rule kind's class in `checks.rules`; None for a kind no longer implemented."""
        from ..rules.registry import kind_for

        return kind_for(self.kind)

    def covers(self, year: int | None) -> bool:
        if year is None:
            return True
        return (self.from_year is None or self.from_year <= year) and (
            self.to_year is None or year <= self.to_year
        )

    def clean(self):
        super().clean()
        implementation = self.implementation
        if implementation is None:
            raise ValidationError({"kind": _("未知的检查类型：{kind}。").format(kind=self.kind)})
        errors = {}
        if self.scope and self.scope not in implementation.scopes:
            errors["scope"] = _("{kind} 只能按以下范围检查：{scopes}。").format(
                kind=implementation.label,
                scopes="、".join(str(RuleScope(scope).label) for scope in implementation.scopes),
            )
        parameter_errors = implementation.parameter_errors(self.parameters or {})
        if parameter_errors:
            errors["parameters"] = parameter_errors
        if errors:
            raise ValidationError(errors)
