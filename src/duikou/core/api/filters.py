"""Filtering: the apps' own FilterSets, the same query contract as the list pages (STYLE.md 12).

`?plan_year=2024&supporter=12&division_code=653125` means the same rows on `/projects/` and
`/api/projects/`. The backend adds one thing the pages do not need: numbers and ids are bounded to
what the database can compare (a 64-bit integer; a year from 1 to 9999), so an absurd value is a
400 in the error format instead of an overflow deep in the database driver (SQLite's `IN (…)` with a
25-digit id, a year lookup of year 10**100).
"""

from __future__ import annotations

import re

import django_filters
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

LARGEST_INTEGER = 2**63 - 1
ASCII_INTEGER = re.compile(r"-?[0-9]+")  # not str.isdigit(): "²" is a digit to Python, not to int()


class FilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            refuse_ids_out_of_range(filterset)
            bound_number_filters(filterset)
        return filterset


def bound_number_filters(filterset) -> None:
    """Add range validators to the form fields of the filterset's number filters (before validation)."""
    form = filterset.form
    for name, filter_ in filterset.filters.items():
        if not isinstance(filter_, django_filters.NumberFilter) or name not in form.fields:
            continue
        is_year = filter_.field_name.endswith("year")  # plan_year, fiscal_year, period_end__year …
        low, high = (1, 9999) if is_year else (-LARGEST_INTEGER, LARGEST_INTEGER)
        form.fields[name].validators += [MinValueValidator(low), MaxValueValidator(high)]


def refuse_ids_out_of_range(filterset) -> None:
    """Ids of model-choice filters that no 64-bit key can equal are refused before any query."""
    errors = {}
    for name, filter_ in filterset.filters.items():
        if not isinstance(
            filter_, (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)
        ):
            continue
        for value in filterset.data.getlist(name) if hasattr(filterset.data, "getlist") else []:
            text = value.strip()
            if ASCII_INTEGER.fullmatch(text) and abs(int(text)) > LARGEST_INTEGER:
                errors.setdefault(name, []).append(_("“{value}”不是有效的编号。").format(value=text[:30]))
    if errors:
        raise ValidationError(errors)
