"""Filters over divisions: their registry, and "this division and everything under it" for others."""

import django_filters
from django.utils.translation import gettext_lazy as _

from duikou.core.filtersets import BaseFilterSet

from .choices import DivisionLevel, Zone
from .models import Division


def division_choices(request=None):
    # Prefectures, counties and XPCC divisions; regiments and townships are reached through the search.
    # Only what the option shows: a filter panel builds ~270 of these per page.
    return (
        Division.objects.exclude(level__in=[DivisionLevel.TOWNSHIP])
        .only("id", "code", "name")
        .order_by("code")
    )


class DivisionTreeFilter(django_filters.ModelChoiceFilter):
    """A division and its descendants: choosing 喀什地区 lists the rows of its twelve counties too.

    The URL carries the division's id (`division=123`); `division_code` in the
    same filterset takes the GB/T 2260 code for links from outside.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", division_choices)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        # A subquery, not a join: no duplicate rows, and the planner uses the field's index.
        return qs.filter(**{f"{self.field_name}__in": Division.objects.descendants_of(value).values("pk")})


class DivisionCodeFilter(django_filters.CharFilter):
    """The same by code (`division_code=653125`), for links and scripts that know codes, not ids."""

    def filter(self, qs, value):
        if not value:
            return qs
        division = Division.objects.filter(code=value.strip()).first()
        if division is None:
            return qs.none()
        return qs.filter(**{f"{self.field_name}__in": Division.objects.descendants_of(division).values("pk")})


class DivisionFilterSet(BaseFilterSet):
    search_fields = ("name", "short_name", "code", "former_codes__code", "former_codes__name")

    level = django_filters.MultipleChoiceFilter(
        distinct=False,  # a local column: no duplicate rows, and DISTINCT would sort every match
        choices=DivisionLevel.choices,
        label=_("级别"),
    )
    zone = django_filters.ChoiceFilter(choices=Zone.choices, label=_("片区"))
    parent = DivisionTreeFilter(field_name="parent", label=_("上级区划（含下级）"))
    is_xpcc = django_filters.BooleanFilter(label=_("兵团"))
    # Curation: the self-assigned codes (XPCC units without a GB/T 2260 code) and unverified rows.
    is_code_official = django_filters.BooleanFilter(label=_("国标代码"))
    is_confirmed = django_filters.BooleanFilter(label=_("已核实"))

    class Meta:
        model = Division
        fields = ["q", "level", "zone", "parent", "is_xpcc", "is_code_official", "is_confirmed"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()
