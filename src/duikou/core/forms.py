"""Form pieces every data-entry page shares: amounts typed the way officers write them, styled widgets.

Forms validate with the models' own rules: a `BaseModelForm` is a ModelForm, so
`Model.full_clean()` (field checks, `clean()`, constraints with their Chinese
messages) runs before anything is saved, exactly as for imports and the API.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import ErrorDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .filtersets import style_form
from .money import WAN, AmountParseError, parse_amount
from .scoping import check_writable, is_scoped, offered_choices, referable, scope_field

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


class OfferedChoices(ModelChoiceIterator):
    """A select's options from a narrower queryset than the one its field validates against."""

    def __init__(self, field, queryset):
        super().__init__(field)
        self.queryset = queryset


def narrow_choices(fields, model, user) -> None:
    """Narrow every reference among `fields` to what `user` may write into a `model` row (issue 5 follow-up).

    - A reference to a scoped model (a project typed by its code, a plan) finds only rows the user may see:
      another supporter's project is "no such project", never a sign that it exists.
    - The reference that places the row in a scope (the supporter for a supporter's member, the division
      for a recipient's) offers only the user's own. It still accepts any: such a choice, posted by hand,
      is refused by the scope's own check (`BaseModelForm`, the services), which says why.

    Fields without a `queryset` are left alone; so is everything when there is no user (a command).
    """
    if user is None:
        return
    for name, field in fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        if is_scoped(queryset.model):
            field.queryset = referable(queryset, user)
        offered = offered_choices(model, name, field.queryset, user)
        if offered is not field.queryset and isinstance(field, forms.ModelChoiceField):
            field.widget.choices = OfferedChoices(field, offered)


class StyledFormMixin:
    """Knows the acting user, offers only the choices the user may write, wears the page's styles, and marks
    fields with errors red.

    A form declares the querysets of its references in `choice_querysets` (name → a function returning the
    queryset), not in `__init__`: they are set first, then narrowed to the user's scope (`narrow_choices`).
    A plain form that writes a scoped model through a service names it in `scoped_model`.

    Args:
        user: who fills the form in (views pass `request.user`).
    """

    choice_querysets: dict = {}
    scoped_model = None

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, queryset in self.choice_querysets.items():
            self.fields[name].queryset = queryset()
        narrow_choices(self.fields, self.written_model(), user)
        style_form(self, small=False)

    def written_model(self):
        """The model whose rows this form writes (a ModelForm's own, or `scoped_model`)."""
        meta = getattr(self, "_meta", None)
        return self.scoped_model or getattr(meta, "model", None)

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
        self.is_out_of_scope = False
        last_updated = getattr(self.instance, "last_updated", None) if self.instance.pk else None
        if last_updated is not None:
            self.fields[LOADED_VERSION] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=last_updated.isoformat()
            )

    def _post_clean(self):
        """The model's checks, then the scope's: an object the user would put outside their scope gets the
        scope's refusal alone. The model's messages are dropped then — a uniqueness or plan message could
        name another supporter's row — and subclasses skip their own checks (`is_out_of_scope`)."""
        errors_before = ErrorDict(
            {name: errors.copy() for name, errors in self._errors.items()}, renderer=self.renderer
        )
        super()._post_clean()
        try:
            check_writable(self.instance, self.user)
        except ValidationError as error:
            self.is_out_of_scope = True
            self._errors = errors_before
            field = scope_field(type(self.instance), self.user)
            self.add_error(field if field in self.fields else None, error)

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
