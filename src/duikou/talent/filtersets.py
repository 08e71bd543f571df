"""The roster's query contract."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.filtersets import BaseFilterSet
from duikou.geo.choices import Zone
from duikou.geo.filtersets import DivisionCodeFilter, DivisionTreeFilter
from duikou.parties.filtersets import SupporterFamilyFilter
from duikou.programmes.models import Batch, Programme

from .choices import AssignmentKind
from .models import Assignment


class AssignmentFilterSet(BaseFilterSet):
    search_fields = ("person_name", "sending_organization", "host_unit", "post", "team")

    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), label=_("援助计划")
    )
    batch = django_filters.ModelChoiceFilter(queryset=Batch.objects.all(), label=_("批次"))
    kind = django_filters.MultipleChoiceFilter(
        distinct=False,  # a local column: no duplicate rows, and DISTINCT would sort every match
        choices=AssignmentKind.choices,
        label=_("人员类别"),
        widget=forms.CheckboxSelectMultiple,
    )
    supporter = SupporterFamilyFilter(label=_("支援方（含所属地市）"))
    division = DivisionTreeFilter(field_name="host_division", label=_("受援地（含下级）"))
    division_code = DivisionCodeFilter(field_name="host_division", label=_("区划代码（含下级）"))
    zone = django_filters.ChoiceFilter(
        field_name="host_division__zone", choices=Zone.choices, label=_("片区")
    )
    start_year = django_filters.NumberFilter(field_name="start_date__year", label=_("进疆年份"))
    in_post_on = django_filters.DateFilter(
        method="filter_in_post_on", label=_("在岗日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    in_post = django_filters.BooleanFilter(method="filter_in_post", label=_("今日在岗"))
    has_team = django_filters.BooleanFilter(method="filter_has_team", label=_("组团式"))

    class Meta:
        model = Assignment
        fields = [
            "q",
            "kind",
            "batch",
            "supporter",
            "division",
            "in_post",
            "start_year",
            "zone",
            "programme",
            "division_code",
            "in_post_on",
            "has_team",
        ]

    def filter_in_post_on(self, queryset, name, value):
        return queryset.in_post_on(value) if value else queryset

    def filter_in_post(self, queryset, name, value):
        if value is None:
            return queryset
        today = datetime.date.today()
        in_post = queryset.in_post_on(today)
        return in_post if value else queryset.exclude(pk__in=in_post.values("pk"))

    def filter_has_team(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(team="") if value else queryset.filter(team="")
