"""The review queue's query contract: year, supporter, division, score and decision state."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.filtersets import BaseFilterSet
from duikou.geo.filtersets import DivisionTreeFilter
from duikou.parties.filtersets import supporter_choices

from .choices import DuplicateDecision, DuplicateKind
from .models import DuplicatePair


class DuplicatePairFilterSet(BaseFilterSet):
    search_fields = ("project_a__code", "project_b__code", "project_a__name", "project_b__name")

    state = django_filters.ChoiceFilter(
        method="filter_state",
        choices=[("pending", _("待审核")), ("decided", _("已审核"))],
        label=_("审核状态"),
        empty_label=_("全部"),
    )
    decision = django_filters.ChoiceFilter(choices=DuplicateDecision.choices, label=_("审核结论"))
    kind = django_filters.ChoiceFilter(choices=DuplicateKind.choices, label=_("类型"))
    year = django_filters.NumberFilter(method="filter_year", label=_("计划年度"))
    supporter = django_filters.ModelChoiceFilter(
        queryset=supporter_choices, method="filter_supporter", label=_("支援方（含所属地市）")
    )
    division = DivisionTreeFilter(field_name="division", label=_("受援地（含下级）"))
    score = django_filters.RangeFilter(
        label=_("相似度"), widget=django_filters.widgets.RangeWidget(attrs={"step": "0.05"})
    )

    class Meta:
        model = DuplicatePair
        fields = ["q", "state", "year", "supporter", "division", "score", "decision", "kind"]

    def filter_state(self, queryset, name, value):
        if value == "pending":
            return queryset.pending()
        if value == "decided":
            return queryset.decided()
        return queryset

    def filter_year(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Q(project_a__plan_year=value) | Q(project_b__plan_year=value))

    def filter_supporter(self, queryset, name, value):
        if not value:
            return queryset
        family = [member.pk for member in value.supporter_family()]
        return queryset.filter(Q(project_a__supporter__in=family) | Q(project_b__supporter__in=family))
