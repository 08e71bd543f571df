"""Widgets that render fast enough for long choice lists.

Django renders each <option> through its own template; a filter panel with the 270 divisions, the
supporters and the categories spent about 40 ms per page in those templates (profiled at SF1), more than
the page's queries. These widgets write the same HTML in Python.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class FastSelectMixin:
    """Renders <select> and its options (and optgroups) directly; same attributes and selection as Django."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        selected = set(self.format_value(value))
        parts = [f"<select{flatatt(final_attrs)}>"]
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):  # an optgroup
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.append(self._options(option_label, selected))
                parts.append("</optgroup>")
            else:
                parts.append(self._options([(option_value, option_label)], selected))
        parts.append("</select>")
        return mark_safe("".join(parts))

    @staticmethod
    def _options(choices, selected) -> str:
        rows = []
        for option_value, option_label in choices:
            text_value = "" if option_value is None else str(option_value)
            rows.append((text_value, " selected" if text_value in selected else "", option_label))
        return format_html_join("", '<option value="{}"{}>{}</option>', rows)


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


FAST_WIDGETS = {forms.Select: FastSelect, forms.SelectMultiple: FastSelectMultiple}


def speed_up(widget: forms.Widget) -> forms.Widget:
    """The fast twin of a plain Select or SelectMultiple (same choices and attributes), else the widget."""
    fast_class = FAST_WIDGETS.get(type(widget))
    if fast_class is None:
        return widget
    fast = fast_class(attrs=widget.attrs, choices=widget.choices)
    fast.is_required = widget.is_required
    return fast
