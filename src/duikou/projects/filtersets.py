"""The project registry's query contract: the list page, its exports and the dashboards' links."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.filtersets import BaseFilterSet, WanRangeFilter
from duikou.geo.choices import Zone
from duikou.geo.filtersets import DivisionCodeFilter, DivisionTreeFilter
from duikou.parties.filtersets import SupporterFamilyFilter
from duikou.programmes.models import Category, Programme

from .choices import CLOSED_STATUSES, ConstructionType, DeliveryMode, ImplementationLevel, ProjectStatus
from .models import Project


class ProjectFilterSet(BaseFilterSet):
    search_fields = ("code", "name", "description", "document_reference", "flagship")

    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), label=_("援助计划")
    )
    plan_year = django_filters.NumberFilter(label=_("计划年度"))
    plan_year_min = django_filters.NumberFilter(field_name="plan_year", lookup_expr="gte", label=_("年度从"))
    plan_year_max = django_filters.NumberFilter(field_name="plan_year", lookup_expr="lte", label=_("年度至"))
    # The projects due to complete in a year (完工率's denominator; the checks' completion rule links here).
    planned_end_year = django_filters.NumberFilter(field_name="planned_end__year", label=_("计划完工年度"))
    supporter = SupporterFamilyFilter(label=_("支援方（含所属地市）"))
    division = DivisionTreeFilter(label=_("受援地（含下级）"))
    division_code = DivisionCodeFilter(field_name="division", label=_("区划代码（含下级）"))
    zone = django_filters.ChoiceFilter(field_name="division__zone", choices=Zone.choices, label=_("片区"))
    category = django_filters.ModelChoiceFilter(queryset=Category.objects.all(), label=_("项目类别"))
    is_livelihood = django_filters.BooleanFilter(
        field_name="category__counts_as_livelihood", label=_("计入民生")
    )
    is_active = django_filters.BooleanFilter(method="filter_is_active", label=_("有效（不含取消、调整）"))
    status = django_filters.MultipleChoiceFilter(
        distinct=False,  # a local column: no duplicate rows, and DISTINCT would sort every match
        choices=ProjectStatus.choices,
        label=_("状态"),
        widget=forms.CheckboxSelectMultiple,
    )
    implementation_level = django_filters.MultipleChoiceFilter(
        distinct=False,  # a local column: no duplicate rows, and DISTINCT would sort every match
        choices=ImplementationLevel.choices,
        label=_("实施层级"),
        widget=forms.CheckboxSelectMultiple,
    )
    delivery_mode = django_filters.ChoiceFilter(choices=DeliveryMode.choices, label=_("建设方式"))
    construction_type = django_filters.ChoiceFilter(choices=ConstructionType.choices, label=_("新建/续建"))
    is_in_plan = django_filters.BooleanFilter(label=_("计划内"))
    is_fixed_asset = django_filters.BooleanFilter(label=_("固定资产投资"))
    is_employment_oriented = django_filters.BooleanFilter(label=_("促进就业"))
    aid_amount = WanRangeFilter(label=_("援助资金（万元）"))
    total_investment = WanRangeFilter(label=_("总投资（万元）"))

    class Meta:
        model = Project
        # The panel shows the first eight; the rest fold under "更多筛选".
        fields = [
            "q",
            "plan_year",
            "supporter",
            "division",
            "category",
            "status",
            "zone",
            "aid_amount",
            "programme",
            "plan_year_min",
            "plan_year_max",
            "division_code",
            "is_livelihood",
            "is_active",
            "implementation_level",
            "delivery_mode",
            "construction_type",
            "is_in_plan",
            "is_fixed_asset",
            "is_employment_oriented",
            "total_investment",
            "planned_end_year",
        ]

    def filter_is_active(self, queryset, name, value):
        """Projects the shares and charts count: cancelled (取消) and adjusted (调整) ones left out."""
        if value is None:
            return queryset
        closed = Q(status__in=CLOSED_STATUSES)
        return queryset.exclude(closed) if value else queryset.filter(closed)
