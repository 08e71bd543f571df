"""Filters over organizations: their registry, and "this supporter and its cities" for others."""

import django_filters
from django.utils.translation import gettext_lazy as _

from duikou.core.filtersets import BaseFilterSet
from duikou.core.text import normalize_text
from duikou.geo.filtersets import DivisionTreeFilter

from .choices import OrganizationKind
from .models import Organization


def supporter_choices(request=None):
    return Organization.objects.supporters().only("id", "name", "short_name").order_by("name")


class SupporterFamilyFilter(django_filters.ModelChoiceFilter):
    """A supporter and the supporting cities under it: 浙江省 lists 杭州市's and 衢州市's rows too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", supporter_choices)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": [member.pk for member in value.supporter_family()]})


class OrganizationFilterSet(BaseFilterSet):
    search_fields = ("name", "short_name")  # and aliases, in `search`

    kind = django_filters.MultipleChoiceFilter(
        distinct=False,  # a local column: no duplicate rows, and DISTINCT would sort every match
        choices=OrganizationKind.choices,
        label=_("类型"),
    )
    parent = django_filters.ModelChoiceFilter(
        queryset=lambda request: (
            Organization.objects.filter(children__isnull=False).distinct().order_by("name")
        ),
        label=_("上级单位"),
    )
    # Front headquarters and recipient governments by where they sit (with what lies under it).
    home_division = DivisionTreeFilter(field_name="home_division", label=_("所在地"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "parent", "home_division"]

    def search(self, queryset, name, value):
        """Names, short names and aliases. Aliases are a JSON list, which SQLite stores with \\u
        escapes, so `aliases__icontains` misses every Chinese alias there; the organizations are a few
        hundred, so their aliases are matched here, in one query."""
        text = normalize_text(value).strip().lower()
        if not text:
            return queryset
        alias_matches = [
            pk
            for pk, aliases in Organization.objects.values_list("pk", "aliases")
            if any(text in alias.lower() for alias in aliases or [])
        ]
        return super().search(queryset, name, value) | queryset.filter(pk__in=alias_matches)
