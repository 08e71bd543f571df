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
from collections.abc import Callable
from functools import cache

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


Predicate = Callable[[object], bool]


def _reader(model, name: str) -> Callable[[object], object]:
    """The value a condition compares for field `name` of an instance."""
    field = model._meta.get_field(name)
    attname = field.attname
    if not field.is_relation:
        return lambda instance: getattr(instance, attname)

    def read(instance):
        value = getattr(instance, attname)
        if value is None:
            # A parent assigned but not saved yet (an earlier row of the same import) is not NULL.
            return instance._state.fields_cache.get(field.name)
        return value

    return read


def _compile(model, condition) -> Predicate:
    """`condition` (a Q tree) as a function of an instance, built once per model."""
    if isinstance(condition, Q):
        children = [_compile(model, child) for child in condition.children]
        combined = children[0]
        for child in children[1:]:  # nested closures: no generator per evaluation
            combined = _both(combined, child) if condition.connector == Q.AND else _either(combined, child)
        if condition.negated:
            return lambda instance, inner=combined: not inner(instance)
        return combined
    if not isinstance(condition, tuple):
        raise Unsupported(condition)
    lookup, expected = condition
    name, _, operation = lookup.partition("__")
    operation = operation or "exact"
    actual = _reader(model, name)
    if isinstance(expected, F):
        other = _reader(model, expected.name)
    else:
        other = lambda instance, constant=expected: constant  # noqa: E731
    if operation == "isnull":
        return lambda instance: (actual(instance) is None) == bool(other(instance))
    if operation == "in":
        return lambda instance: actual(instance) in other(instance)
    if operation not in COMPARE:
        raise Unsupported(lookup)
    compare = COMPARE[operation]

    def holds(instance):
        left, right = actual(instance), other(instance)
        if left is None or right is None:
            return True  # SQL: a comparison with NULL is unknown, and CHECK passes on unknown
        return compare(left, right)

    return holds


def _both(first: Predicate, second: Predicate) -> Predicate:
    return lambda instance: first(instance) and second(instance)


def _either(first: Predicate, second: Predicate) -> Predicate:
    return lambda instance: first(instance) or second(instance)


@cache
def _compiled(model) -> list[tuple[CheckConstraint, Predicate | None]]:
    """Each check constraint of `model` with its predicate (None: only the database can evaluate it)."""
    compiled = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            try:
                compiled.append((constraint, _compile(model, constraint.condition)))
            except Unsupported:
                compiled.append((constraint, None))
    return compiled


def validate_check_constraints(instance) -> None:
    """Raise ValidationError with every violated check constraint's message; the ones this evaluator does
    not understand are validated by the database (`CheckConstraint.validate`)."""
    errors = []
    for constraint, holds in _compiled(type(instance)):
        if holds is None:
            constraint.validate(type(instance), instance)
        elif not holds(instance):
            errors.append(ValidationError(constraint.get_violation_error_message(), code=constraint.name))
    if errors:
        raise ValidationError(errors)
