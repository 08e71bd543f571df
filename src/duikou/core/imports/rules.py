"""A model's own rules — `full_clean()` minus the queries — run fast on many rows of one import.

`full_clean()` costs ~40 µs a row: each field's `clean()` (conversion, `blank`/`null`, choices,
validators) and `Model.clean()`. An import of 100,000 project rows repeats the same few years, statuses,
amounts and dates over and over, so each field's verdict is remembered per value: a field is checked
once per distinct value, not once per row. `Model.clean()` — the rules across fields (总投资 = sum of
sources, the pairing that covers the supporter and division) — runs on every row as it is, and the
check constraints are evaluated in Python (core.constraints). Uniqueness stays the importer's (natural
keys), and the database backstops everything at write time.

The verdicts are the same as `full_clean(exclude=<resolved references>, validate_unique=False,
validate_constraints=False)` followed by `validate_check_constraints()`: tests compare both on bad rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import DecimalField

from ..constraints import validate_check_constraints

MEMO_LIMIT = 20_000  # distinct values remembered per field; past it the memo starts again
_MISSING = object()


def _memo_key(value):
    # 1, 1.0, True and Decimal("1.000") are equal dict keys but not the same verdict (decimal places).
    return value if type(value) is str else (type(value), str(value))


class ModelRules:
    """Validate instances of one model as `full_clean()` would, remembering field verdicts by value."""

    def __init__(self, model):
        self.fields = [field for field in model._meta.fields if not getattr(field, "generated", False)]
        self._memos: dict[str, dict] = {field.attname: {} for field in self.fields}
        self._plain_text_limits = {
            field.attname: field.max_length for field in self.fields if _is_plain_text(field)
        }
        self._decimal_limits = {
            field.attname: (Decimal(10) ** (field.max_digits - field.decimal_places), -field.decimal_places)
            for field in self.fields
            if type(field) is DecimalField
        }

    def validate(self, instance) -> None:
        """Raise `ValidationError` (a dict by field, as `full_clean()`) when the instance breaks a rule."""
        errors: dict[str, list] = {}
        values = instance.__dict__
        for field in self.fields:
            value = values.get(field.attname)
            if field.is_relation and value is not None:
                continue  # resolved by the importer from what exists: no query needed
            if field.blank and value in field.empty_values:
                continue
            limit = self._plain_text_limits.get(field.attname)
            if limit is not None and type(value) is str and 0 < len(value) <= limit and "\x00" not in value:
                continue  # what CharField.clean() would find, without remembering a million names
            limits = self._decimal_limits.get(field.attname)
            if limits is not None and _fits(value, *limits):
                continue  # what DecimalValidator would find: amounts are nearly all distinct
            memo = self._memos[field.attname]
            key = _memo_key(value)
            verdict = memo.get(key, _MISSING)
            if verdict is _MISSING:
                try:
                    verdict = (field.clean(value, instance), None)
                except ValidationError as error:
                    verdict = (value, error.error_list)
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[key] = verdict
            cleaned, messages = verdict
            if messages:
                errors[field.name] = list(messages)
            else:
                values[field.attname] = cleaned  # as full_clean(): "2.5" becomes Decimal("2.5")
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        validate_check_constraints(instance)


def _is_plain_text(field) -> bool:
    """A CharField whose only rule is its length: no choices, no validator but max_length's."""
    from django.core.validators import MaxLengthValidator
    from django.db.models import CharField

    return (
        type(field) is CharField
        and not field.choices
        and all(isinstance(validator, MaxLengthValidator) for validator in field.validators)
    )


def _fits(value, bound: Decimal, min_exponent: int) -> bool:
    """A sufficient condition for DecimalField's rules: a finite Decimal with no more whole digits and
    decimal places than the field allows. False means "ask the field", not "invalid"."""
    return (
        type(value) is Decimal
        and value.is_finite()
        and value.as_tuple().exponent >= min_exponent
        and -bound < value < bound
    )
