"""The findings registry's query contract (the checks page, its exports, the dashboards' links, the API),
and the check rules' (the API)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.filtersets import BaseFilterSet
from duikou.geo.filtersets import DivisionTreeFilter
from duikou.parties.filtersets import SupporterFamilyFilter
from duikou.programmes.models import Programme

from .models import CheckRule, Finding
from .rules.choices import UNSETTLED_STATUSES, FindingStatus, RuleScope, Severity
from .rules.registry import kind_choices


class FindingFilterSet(BaseFilterSet):
    search_fields = ("subject_label", "message", "key", "project__code")

    programme = django_filters.ModelChoiceFilter(
        field_name="rule__programme", queryset=Programme.objects.order_by("code"), label=_("援助计划")
    )
    rule = django_filters.ModelChoiceFilter(queryset=CheckRule.objects.order_by("code"), label=_("规则"))
    rule_code = django_filters.CharFilter(field_name="rule__code", label=_("规则代码"))
    kind = django_filters.ChoiceFilter(field_name="rule__kind", choices=kind_choices, label=_("检查类型"))
    severity = django_filters.MultipleChoiceFilter(
        distinct=False, choices=Severity.choices, label=_("严重程度"), widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        distinct=False, choices=FindingStatus.choices, label=_("状态"), widget=forms.CheckboxSelectMultiple
    )
    is_unsettled = django_filters.BooleanFilter(method="filter_is_unsettled", label=_("待处理或已确认"))
    supporter = SupporterFamilyFilter(label=_("支援方（含所属地市）"))
    division = DivisionTreeFilter(label=_("受援地（含下级）"))
    year = django_filters.NumberFilter(label=_("年度"))
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte", label=_("年度从"))
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte", label=_("年度至"))
    holds = django_filters.BooleanFilter(label=_("仍成立"))
    project = django_filters.NumberFilter(
        field_name="project_id", label=_("项目ID"), widget=forms.HiddenInput
    )

    class Meta:
        model = Finding
        fields = [
            "q",
            "rule",
            "severity",
            "status",
            "supporter",
            "division",
            "year",
            "holds",
            "programme",
            "kind",
            "rule_code",
            "is_unsettled",
            "year_min",
            "year_max",
            "project",
        ]

    def filter_is_unsettled(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=UNSETTLED_STATUSES)
        return queryset.exclude(status__in=UNSETTLED_STATUSES)


class CheckRuleFilterSet(BaseFilterSet):
    """The check rules' query contract (the API's list of rules; the admin configures them)."""

    search_fields = ("code", "name", "source")

    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), label=_("援助计划")
    )
    kind = django_filters.ChoiceFilter(choices=kind_choices, label=_("检查类型"))
    scope = django_filters.ChoiceFilter(choices=RuleScope.choices, label=_("范围"))
    severity = django_filters.MultipleChoiceFilter(
        distinct=False, choices=Severity.choices, label=_("严重程度")
    )
    is_enabled = django_filters.BooleanFilter(label=_("启用"))
    year = django_filters.NumberFilter(method="filter_year", label=_("年度"))

    class Meta:
        model = CheckRule
        fields = ["q", "programme", "kind", "scope", "severity", "is_enabled", "year"]

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(Q(from_year__isnull=True) | Q(from_year__lte=year)).filter(
            Q(to_year__isnull=True) | Q(to_year__gte=year)
        )
