"""The outcome measurements' query contract."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from duikou.core.filtersets import BaseFilterSet
from duikou.geo.choices import Zone
from duikou.geo.filtersets import DivisionCodeFilter, DivisionTreeFilter
from duikou.parties.filtersets import SupporterFamilyFilter
from duikou.programmes.models import Programme

from .models import Indicator, Measurement


class MeasurementFilterSet(BaseFilterSet):
    search_fields = ("indicator__name", "project__code", "project__name")

    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), method="filter_programme", label=_("援助计划")
    )
    indicator = django_filters.ModelMultipleChoiceFilter(
        distinct=False,  # a local column: no duplicate rows, and DISTINCT would sort every match
        queryset=Indicator.objects.all(),
        label=_("指标"),
        widget=forms.CheckboxSelectMultiple,
    )
    supporter = SupporterFamilyFilter(label=_("支援方（含所属地市）"))
    division = DivisionTreeFilter(label=_("受援地（含下级）"))
    division_code = DivisionCodeFilter(field_name="division", label=_("区划代码（含下级）"))
    zone = django_filters.ChoiceFilter(field_name="division__zone", choices=Zone.choices, label=_("片区"))
    year = django_filters.NumberFilter(field_name="period_end__year", label=_("年度（期间止）"))
    year_min = django_filters.NumberFilter(
        field_name="period_end__year", lookup_expr="gte", label=_("年度从")
    )
    year_max = django_filters.NumberFilter(
        field_name="period_end__year", lookup_expr="lte", label=_("年度至")
    )
    project = django_filters.NumberFilter(
        field_name="project_id", label=_("项目ID"), widget=forms.HiddenInput
    )
    project_code = django_filters.CharFilter(field_name="project__code", label=_("项目编号"))
    has_project = django_filters.BooleanFilter(
        field_name="project", lookup_expr="isnull", exclude=True, label=_("按项目填报")
    )
    # The rows one import wrote (STYLE.md 14): the batch's own page links here.
    import_batch = django_filters.NumberFilter(
        field_name="import_batch_id", label=_("导入批次"), widget=forms.HiddenInput
    )

    class Meta:
        model = Measurement
        fields = [
            "q",
            "indicator",
            "year",
            "supporter",
            "division",
            "project_code",
            "zone",
            "has_project",
            "year_min",
            "year_max",
            "programme",
            "division_code",
            "project",
            "import_batch",
        ]

    @extend_schema_field(OpenApiTypes.INT)  # the programme's id (the schema cannot guess: no model field)
    def filter_programme(self, queryset, name, value):
        """The programme's projects, and measurements of a division (no project) — as the outcome
        figures count them (`dashboards.queries.outcomes`)."""
        if not value:
            return queryset
        return queryset.filter(Q(project__programme=value) | Q(project__isnull=True))
