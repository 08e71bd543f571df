"""The plans registry's query contract: the list page, its exports and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.filtersets import BaseFilterSet
from duikou.parties.models import Organization
from duikou.programmes.models import Programme

from .choices import PlanState
from .models import AnnualPlan


class AnnualPlanFilterSet(BaseFilterSet):
    search_fields = ("supporter__name", "document_reference", "description")

    year = django_filters.NumberFilter(label=_("计划年度"))
    supporter = django_filters.ModelChoiceFilter(
        queryset=lambda request: Organization.objects.top_level_supporters().order_by("name"),
        label=_("支援方"),
    )
    state = django_filters.MultipleChoiceFilter(
        distinct=False,  # a local column: no duplicate rows
        choices=PlanState.choices,
        label=_("状态"),
        widget=forms.CheckboxSelectMultiple,
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), label=_("援助计划")
    )
    issued_on_after = django_filters.DateFilter(
        field_name="issued_on",
        lookup_expr="gte",
        label=_("下达日期从"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    issued_on_before = django_filters.DateFilter(
        field_name="issued_on",
        lookup_expr="lte",
        label=_("下达日期至"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AnnualPlan
        fields = ["q", "year", "supporter", "state", "programme", "issued_on_after", "issued_on_before"]
