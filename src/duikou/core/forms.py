"""Form pieces every data-entry page shares: amounts typed the way officers write them, styled widgets.

Forms validate with the models' own rules: a `BaseModelForm` is a ModelForm, so
`Model.full_clean()` (field checks, `clean()`, constraints with their Chinese
messages) runs before anything is saved, exactly as for imports and the API.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .filtersets import style_form
from .money import WAN, AmountParseError, parse_amount

AMOUNT_EXAMPLES = "“1.2亿”“3,000万元”“120000元”"


class AmountField(forms.CharField):
    """Money typed in 万元 by default, or with its own unit: "500", "1.2亿", "3,000万元", "一千二百万".

    Cleans to yuan (Decimal, two places) — what the models store.
    """

    default_error_messages = {"invalid": _("“%(value)s”不是金额。")}

    def __init__(self, *, unit: str = "万元", **kwargs):
        self.unit = unit
        # The examples stay Chinese in every language: they are what the parser reads.
        help_text = format_lazy(_("单位：万元；也可写 {examples}"), examples=AMOUNT_EXAMPLES)
        kwargs.setdefault("help_text", help_text)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value, unit=self.unit)
        except AmountParseError as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def prepare_value(self, value):
        """Show stored yuan in 万元 (1500000 → "150"); leave what the user typed alone."""
        if isinstance(value, Decimal) and self.unit == "万元":
            return format((value / WAN).normalize(), "f")
        return value


class StyledFormMixin:
    """Knows the acting user, wears the page's styles, and marks fields with errors red.

    Args:
        user: who fills the form in (views pass `request.user`); forms narrow
            their choices with it once roles land (issue 5).
    """

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        style_form(self, small=False)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class BaseModelForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm: `Model.full_clean()` runs before anything is saved.

    Editing a stored object, the form carries the `last_updated` it was opened with (`loaded_version`,
    hidden), so that `ObjectFormView` can refuse to overwrite what another user saved in the meantime
    (issue 5, item 8: nothing is lost when two people edit the same object).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        last_updated = getattr(self.instance, "last_updated", None) if self.instance.pk else None
        if last_updated is not None:
            self.fields[LOADED_VERSION] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=last_updated.isoformat()
            )

    def loaded_version(self):
        """The `last_updated` the editor saw: from the page, else (a client that sent none) the one this
        request read."""
        text = self.cleaned_data.get(LOADED_VERSION) or ""
        try:
            return datetime.datetime.fromisoformat(text) if text else self.instance.last_updated
        except ValueError:
            return self.instance.last_updated


LOADED_VERSION = "loaded_version"


class BaseForm(StyledFormMixin, forms.Form):
    """A plain form (a status change, a reversal) with the same styling and the acting user."""
