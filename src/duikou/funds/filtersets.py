"""The ledger registry's query contract (list page, exports, dashboards' links)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.filtersets import BaseFilterSet, WanRangeFilter
from duikou.geo.choices import Zone
from duikou.geo.filtersets import DivisionCodeFilter, DivisionTreeFilter
from duikou.parties.filtersets import SupporterFamilyFilter
from duikou.programmes.models import Programme

from .choices import EntryKind, PeriodKind, ReconciliationStatus
from .models import LedgerEntry, PeriodLock
from .reconciliation import STATUS_Q


class LedgerEntryFilterSet(BaseFilterSet):
    search_fields = ("document_reference", "note", "project__code", "project__name")

    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), label=_("援助计划")
    )
    fiscal_year = django_filters.NumberFilter(label=_("资金年度"))
    fiscal_year_min = django_filters.NumberFilter(
        field_name="fiscal_year", lookup_expr="gte", label=_("年度从")
    )
    fiscal_year_max = django_filters.NumberFilter(
        field_name="fiscal_year", lookup_expr="lte", label=_("年度至")
    )
    kind = django_filters.MultipleChoiceFilter(
        distinct=False,  # a local column: no duplicate rows, and DISTINCT would sort every match
        choices=EntryKind.choices,
        label=_("类型"),
        widget=forms.CheckboxSelectMultiple,
    )
    supporter = SupporterFamilyFilter(label=_("支援方（含所属地市）"))
    division = DivisionTreeFilter(label=_("受援地（含下级）"))
    division_code = DivisionCodeFilter(field_name="division", label=_("区划代码（含下级）"))
    zone = django_filters.ChoiceFilter(field_name="division__zone", choices=Zone.choices, label=_("片区"))
    project = django_filters.NumberFilter(
        field_name="project_id", label=_("项目ID"), widget=forms.HiddenInput
    )
    project_code = django_filters.CharFilter(field_name="project__code", label=_("项目编号"))
    has_project = django_filters.BooleanFilter(
        field_name="project", lookup_expr="isnull", exclude=True, label=_("已分配到项目")
    )
    is_reversal = django_filters.BooleanFilter(
        field_name="reverses", lookup_expr="isnull", exclude=True, label=_("冲正分录")
    )
    value_date_after = django_filters.DateFilter(
        field_name="value_date",
        lookup_expr="gte",
        label=_("发生日期从"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    value_date_before = django_filters.DateFilter(
        field_name="value_date",
        lookup_expr="lte",
        label=_("发生日期至"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    amount = WanRangeFilter(label=_("金额（万元）"))
    # The rows one import wrote (STYLE.md 14): the batch's own page links here.
    import_batch = django_filters.NumberFilter(
        field_name="import_batch_id", label=_("导入批次"), widget=forms.HiddenInput
    )

    class Meta:
        model = LedgerEntry
        fields = [
            "q",
            "fiscal_year",
            "kind",
            "supporter",
            "division",
            "project_code",
            "zone",
            "amount",
            "programme",
            "fiscal_year_min",
            "fiscal_year_max",
            "division_code",
            "project",
            "has_project",
            "is_reversal",
            "value_date_after",
            "value_date_before",
            "import_batch",
        ]


class ArrivalFilterSet(BaseFilterSet):
    """Arrival entries (到位) for the reconciliation: both the per-entry list and the summary by month."""

    search_fields = ("document_reference", "note", "project__code", "project__name")

    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), label=_("援助计划")
    )
    supporter = SupporterFamilyFilter(label=_("支援方（含所属地市）"))
    division = DivisionTreeFilter(label=_("受援地（含下级）"))
    year = django_filters.NumberFilter(field_name="value_date", lookup_expr="year", label=_("年度"))
    month = django_filters.NumberFilter(field_name="value_date", lookup_expr="month", label=_("月份"))
    # Exact parties, for the summary's links to its rows (the two filters above include cities and
    # the divisions below).
    supporter_id = django_filters.NumberFilter(label=_("支援方ID"), widget=forms.HiddenInput)
    division_id = django_filters.NumberFilter(label=_("受援地ID"), widget=forms.HiddenInput)
    status = django_filters.MultipleChoiceFilter(
        choices=ReconciliationStatus.choices,
        method="filter_status",
        label=_("确认状态"),
        widget=forms.CheckboxSelectMultiple,
    )
    fiscal_year = django_filters.NumberFilter(label=_("资金年度"))
    division_code = DivisionCodeFilter(field_name="division", label=_("区划代码（含下级）"))
    value_date_after = django_filters.DateFilter(
        field_name="value_date",
        lookup_expr="gte",
        label=_("发生日期从"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    value_date_before = django_filters.DateFilter(
        field_name="value_date",
        lookup_expr="lte",
        label=_("发生日期至"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    amount = WanRangeFilter(label=_("金额（万元）"))

    class Meta:
        model = LedgerEntry
        fields = [
            "q",
            "programme",
            "supporter",
            "division",
            "year",
            "month",
            "status",
            "fiscal_year",
            "division_code",
            "value_date_after",
            "value_date_before",
            "amount",
            "supporter_id",
            "division_id",
        ]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        for status in value:
            condition |= STATUS_Q[status]
        return queryset.filter(condition)


class PeriodLockFilterSet(BaseFilterSet):
    search_fields = ("reason", "reopen_reason", "supporter__name")

    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), label=_("援助计划")
    )
    supporter = SupporterFamilyFilter(label=_("支援方（含所属地市）"))
    year = django_filters.NumberFilter(label=_("年度"))
    kind = django_filters.ChoiceFilter(choices=PeriodKind.choices, label=_("期间类型"))
    is_active = django_filters.BooleanFilter(
        field_name="reopened_at", lookup_expr="isnull", label=_("结账中（未反结账）")
    )

    class Meta:
        model = PeriodLock
        fields = ["q", "programme", "supporter", "year", "kind", "is_active"]
