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

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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
    errors = [error for error, _fields in _violations(instance)]
    if errors:
        raise ValidationError(errors)


def check_constraint_errors(instance) -> dict[str, list[ValidationError]]:
    """The violated check constraints' errors keyed by the fields at fault (`fields_at_fault`) — for an
    import, which cell to mark: "金额不能为负数" on 援助资金, not on the row — else by `NON_FIELD_ERRORS`."""
    errors: dict[str, list[ValidationError]] = {}
    for error, fields in _violations(instance):
        for name in fields or [NON_FIELD_ERRORS]:
            errors.setdefault(name, []).append(error)
    return errors


def _violations(instance):
    """(error, fields at fault) of each check constraint `instance` violates, in the model's order; the
    database's verdict (no fields) for a condition this evaluator does not understand."""
    for constraint, holds in _compiled(type(instance)):
        if holds is None:
            try:
                constraint.validate(type(instance), instance)
            except ValidationError as error:
                yield error, []
        elif not holds(instance):
            error = ValidationError(constraint.get_violation_error_message(), code=constraint.name)
            yield error, fields_at_fault(type(instance), constraint.condition, instance)


def fields_at_fault(model, condition, instance) -> list[str]:
    """The fields a violated condition blames, for pointing at cells: of an AND, those of its failing
    parts (`aid_amount` of "every amount ≥ 0"); of an OR, which fails whole, those of its comparisons
    rather than of its `isnull` escapes (`planned_end` of "no end, no start, or end ≥ start"); of a
    comparison, its left-hand field. Empty when the condition is negated (no one part to blame)."""
    if not isinstance(condition, Q):
        return [condition[0].partition("__")[0]]
    if condition.negated:
        return []
    if condition.connector == Q.AND:
        failing = [child for child in condition.children if not _compile(model, child)(instance)]
    else:
        failing = [
            child for child in condition.children if isinstance(child, Q) or not child[0].endswith("__isnull")
        ] or list(condition.children)
    return [name for child in failing for name in fields_at_fault(model, child, instance)]


def column_verdicts(
    model, constraint: CheckConstraint, columns: dict[str, list], defaults: dict, length: int
):
    """Whether each row of a chunk given as columns (attname → values) satisfies `constraint`, as
    `validate_check_constraints` would find row by row: the condition evaluated a column at a time, in
    list comprehensions. Attnames missing from `columns` take their value in `defaults`; references are
    read as ids. A condition this evaluator cannot read holds on no row (the rows take the row path)."""
    try:
        return _column_verdicts(model, constraint.condition, columns, defaults, length)
    except Unsupported:
        return [False] * length


def _column_verdicts(model, condition, columns: dict, defaults: dict, length: int) -> list[bool]:
    if isinstance(condition, Q):
        parts = [_column_verdicts(model, child, columns, defaults, length) for child in condition.children]
        combined = parts[0]
        for part in parts[1:]:
            if condition.connector == Q.AND:
                combined = [first and second for first, second in zip(combined, part, strict=True)]
            else:
                combined = [first or second for first, second in zip(combined, part, strict=True)]
        return [not verdict for verdict in combined] if condition.negated else combined
    if not isinstance(condition, tuple):
        raise Unsupported(condition)
    lookup, expected = condition
    name, _, operation = lookup.partition("__")
    operation = operation or "exact"

    def column(field_name: str) -> list:
        attname = model._meta.get_field(field_name).attname
        values = columns.get(attname)
        return [defaults.get(attname)] * length if values is None else values

    actual = column(name)
    if isinstance(expected, F):
        other = column(expected.name)
    elif operation == "isnull":
        return [(value is None) == bool(expected) for value in actual]
    elif operation == "in":
        return [value in expected for value in actual]
    else:
        other = [expected] * length
    if operation not in COMPARE:
        raise Unsupported(lookup)
    compare = COMPARE[operation]
    # SQL: a comparison with NULL is unknown, and CHECK passes on unknown.
    return [
        left is None or right is None or compare(left, right)
        for left, right in zip(actual, other, strict=True)
    ]
