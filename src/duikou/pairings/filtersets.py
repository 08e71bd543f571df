"""The pairings' query contract."""

import datetime

import django_filters
from django.utils.translation import gettext_lazy as _

from duikou.core.filtersets import BaseFilterSet
from duikou.geo.choices import Zone
from duikou.geo.filtersets import DivisionTreeFilter
from duikou.parties.filtersets import SupporterFamilyFilter
from duikou.programmes.models import Programme

from .models import Pairing


class PairingFilterSet(BaseFilterSet):
    search_fields = ("supporter__name", "division__name", "source")

    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.order_by("code"), label=_("援助计划")
    )
    supporter = SupporterFamilyFilter(label=_("支援方（含所属地市）"))
    division = DivisionTreeFilter(label=_("受援地（含下级）"))
    zone = django_filters.ChoiceFilter(field_name="division__zone", choices=Zone.choices, label=_("片区"))
    is_active = django_filters.BooleanFilter(method="filter_is_active", label=_("现行有效"))
    is_confirmed = django_filters.BooleanFilter(label=_("已核实"))

    class Meta:
        model = Pairing
        fields = ["q", "programme", "supporter", "division", "zone", "is_active", "is_confirmed"]

    def filter_is_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = queryset.active_on(datetime.date.today())
        return active if value else queryset.exclude(pk__in=active.values("pk"))
