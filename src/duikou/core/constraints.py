"""Check constraints evaluated in Python, for validating many rows without a query per row and constraint.

Django 5 validates a `CheckConstraint` by asking the database (`SELECT 1 WHERE …`): correct, but an
import of 100,000 rows with four constraints would send 400,000 queries. The conditions Duikou declares
are simple — comparisons of a field with a value or another field (`F()`), `isnull`, `in`, joined by
&, | and ~ — and this evaluates exactly those against an unsaved instance. Anything else raises
`Unsupported`, and the caller falls back to the database. The database keeps its constraints as the
backstop at save time either way.
"""

from __future__ import annotations

import operator

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, F, Q

COMPARE = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class Unsupported(Exception):
    """The condition uses something this evaluator does not know."""


def _value(instance, term):
    if isinstance(term, F):
        return _field_value(instance, term.name)
    return term


def _field_value(instance, name: str):
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    if value is None and field.is_relation:
        # A parent assigned but not saved yet (an earlier row of the same import) is not NULL.
        related = instance._state.fields_cache.get(field.name)
        if related is not None:
            return related
    return value


def _holds(instance, condition) -> bool:
    if isinstance(condition, Q):
        results = (_holds(instance, child) for child in condition.children)
        value = all(results) if condition.connector == Q.AND else any(results)
        return not value if condition.negated else value
    if not isinstance(condition, tuple):
        raise Unsupported(condition)
    lookup, expected = condition
    name, _, operation = lookup.partition("__")
    operation = operation or "exact"
    actual = _field_value(instance, name)
    expected = _value(instance, expected)
    if operation == "isnull":
        return (actual is None) == bool(expected)
    if operation == "in":
        return actual in expected
    if operation not in COMPARE:
        raise Unsupported(lookup)
    if actual is None or expected is None:
        return True  # SQL: a comparison with NULL is unknown, and CHECK passes on unknown
    return COMPARE[operation](actual, expected)


def validate_check_constraints(instance) -> None:
    """Raise ValidationError with every violated check constraint's message (field errors when the
    constraint names a `violation_error_code` field, else non-field); unsupported ones go to the database.
    """
    errors = []
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        try:
            holds = _holds(instance, constraint.condition)
        except Unsupported:
            constraint.validate(type(instance), instance)
            continue
        if not holds:
            errors.append(ValidationError(constraint.get_violation_error_message(), code=constraint.name))
    if errors:
        raise ValidationError(errors)
