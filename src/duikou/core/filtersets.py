"""The base of every FilterSet: the query contract of a list page, its export and later its API (STYLE.md 12).

Domain filtersets declare their filters; this module adds what all of them share:
a free-text `q` over the model's `search_fields` (normalised like imported text,
so 繁體 and full-width input still match), amount ranges typed in 万元, and form
widgets styled for the page.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .money import WAN
from .text import normalize_text
from .widgets import speed_up


class BaseFilterSet(django_filters.FilterSet):
    """Adds `q`, free-text search over `search_fields` (a list of ORM lookups, icontains)."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label=_("搜索"))

    def search(self, queryset, name, value):
        text = normalize_text(value).strip()
        if not text or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": text})
        return queryset.filter(condition)

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_duikou_styled", False):
            for field in form.fields.values():
                if isinstance(field.widget, forms.NullBooleanSelect):
                    # "未知" (unknown) reads oddly on a filter: not choosing means "all".
                    field.widget.choices = [("unknown", _("全部")), ("true", _("是")), ("false", _("否"))]
            style_form(form)
            form._duikou_styled = True
        return form

    def active_filters(self) -> list[tuple[str, str, str]]:
        """(name, label, shown value) of each filter in use, for the chips above the list."""
        form = self.form
        if not form.is_valid():
            return []
        active = []
        for name, value in form.cleaned_data.items():
            if value in (None, "", [], ()) or (isinstance(value, slice) and value == slice(None, None)):
                continue
            field = form.fields[name]
            active.append((name, str(field.label), _describe(field, value)))
        return active


def _describe(field, value) -> str:
    if isinstance(value, slice):
        low = "" if value.start is None else format(value.start, "f")
        high = "" if value.stop is None else format(value.stop, "f")
        return f"{low} – {high}"
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    choices = dict(getattr(field, "choices", ()) or ())
    if isinstance(value, (list, tuple)) or (hasattr(value, "__iter__") and not isinstance(value, str)):
        return "、".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


class WanRangeFilter(django_filters.RangeFilter):
    """An amount range typed in 万元 (what officers think in), compared in yuan (what is stored).

    The URL carries `<name>_min` and `<name>_max`, e.g. `aid_amount_min=500` for ≥ 500万元.
    """

    def filter(self, qs, value):
        if value:
            start = value.start * WAN if value.start is not None else None
            stop = value.stop * WAN if value.stop is not None else None
            value = slice(start, stop)
        return super().filter(qs, value)


def style_form(form: forms.Form, *, small: bool = True) -> None:
    """Give every widget Tabler's classes (selects, checkboxes, inputs); small in filter panels.

    Date fields get the browser's date picker (ISO values, whatever the language).
    """
    size = " form-select-sm" if small else ""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and type(field.widget) is forms.DateInput:
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        field.widget = speed_up(field.widget)
        widget = field.widget
        widgets = getattr(widget, "widgets", None) or [widget]
        for part in widgets:
            if isinstance(part, forms.CheckboxSelectMultiple):
                continue
            if isinstance(part, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(part, forms.Select | forms.SelectMultiple):
                css = f"form-select{size}"
            else:
                css = "form-control form-control-sm" if small else "form-control"
            existing = part.attrs.get("class", "")
            part.attrs["class"] = f"{existing} {css}".strip()
