"""A model's own rules — `full_clean()` minus the queries — run fast on many rows of one import.

`full_clean()` costs ~40 µs a row: each field's `clean()` (conversion, `blank`/`null`, choices,
validators) and `Model.clean()`. An import of 100,000 project rows repeats the same few years, statuses,
amounts and dates over and over, so each field's verdict is remembered per value: a field is checked
once per distinct value, not once per row. `Model.clean()` — the rules across fields (总投资 = sum of
sources, the pairing that covers the supporter and division) — runs on every row as it is, and the
check constraints are evaluated in Python (core.constraints). Uniqueness stays the importer's (natural
keys), and the database backstops everything at write time.

The verdicts are the same as `full_clean(exclude=<resolved references>, validate_unique=False,
validate_constraints=False)` and the check constraints, whose messages go on the fields at fault
(`constraints.check_constraint_errors`): tests compare both on bad rows.

`failing_rows` asks the same of a whole chunk given as columns, without an object per row: each field once
per distinct value, each of the model's row rules (core/row_rules.py) and check constraints once per
distinct combination of what it reads. It only separates the rows that certainly pass from the others;
those take `validate` for their messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import CheckConstraint, DecimalField
from django.db.models.base import ModelState

from ..constraints import check_constraint_errors, column_verdicts

MEMO_LIMIT = 20_000  # distinct values remembered per field; past it the memo starts again
_MISSING = object()

# How a field's value is checked before asking the field (see `ModelRules._plan`).
RELATION, PLAIN_TEXT, DECIMAL, OTHER = range(4)


def _memo_key(value):
    # 1, 1.0, True and Decimal("1.000") are equal dict keys but not the same verdict (decimal places).
    if type(value) is str:
        return value
    if isinstance(value, (list, dict, set)):
        return None  # JSON values: checked every time
    return (type(value), str(value) if type(value) is Decimal else value)


class ModelRules:
    """Validate instances of one model as `full_clean()` would, remembering field verdicts by value."""

    def __init__(self, model):
        self.model = model
        fields = [field for field in model._meta.fields if not getattr(field, "generated", False)]
        self._memos: dict[str, dict] = {field.attname: {} for field in fields}
        self._plan = [self._step(field) for field in fields]
        self._passed: list = [_MISSING] * len(self._plan)  # per field, the last value object that passed
        # Per field of few values (a choice, a date, 是/否), every value object that passed: a file's rows
        # alternate between them, and the last one alone would send most rows to the full check.
        self._known: list[dict] = [{} for _step in self._plan]
        self._check_fields = _compile_field_checks(self._plan, self._check_field, self._known)

    @staticmethod
    def _step(field) -> tuple:
        """(attname, how to check, field, limits, simple_empty): one field's place in the loop."""
        simple_empty = field.get_internal_type() not in ("JSONField", "ArrayField")  # [] or {} are empty too
        if field.is_relation:
            return (field.attname, RELATION, field, None, simple_empty)
        if _is_plain_text(field):
            return (field.attname, PLAIN_TEXT, field, field.max_length, simple_empty)
        if type(field) is DecimalField:
            bound = Decimal(10) ** (field.max_digits - field.decimal_places)
            return (field.attname, DECIMAL, field, (bound, -field.decimal_places), simple_empty)
        return (field.attname, OTHER, field, None, simple_empty)

    def validate(self, instance) -> None:
        """Raise `ValidationError` (a dict by field, as `full_clean()`) when the instance breaks a rule."""
        errors: dict[str, list] = {}
        self._check_fields(instance.__dict__, self._passed, instance, errors)
        fields_valid = not errors
        try:
            instance.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Every mistake at once, each on its cell: a constraint's message goes on the fields at fault (a
        # negative 援助资金 is reported beside the 总投资 that no longer adds up), unless a rule above already
        # blamed that field — as `full_clean()` skips the constraints on such fields. Constraints compare
        # values, so they wait for every field to be valid.
        constraint_errors = check_constraint_errors(instance) if fields_valid else {}
        for name, messages in constraint_errors.items():
            if name not in errors or name == NON_FIELD_ERRORS:
                errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def failing_rows(self, columns: dict[str, list], prototype) -> set[int]:
        """The rows of a chunk, given as columns, that `validate` would refuse or change (their indexes).

        Args:
            columns: one list per attribute, all of the same length: field attnames, and the relation
                names whose objects the row rules read (`category` beside `category_id`).
            prototype: an object holding every other field's value (the model's defaults).

        Each field is checked once per distinct value, each row rule once per distinct combination of what
        it reads, each check constraint as column expressions. A value is kept only when the field's check
        returns that very object; anything the full check would change ("2.5" to a Decimal) counts as
        failing. Failing may include rows that would pass (a value equal to a refused one): they only
        take the row path.
        """
        length = _length(columns)
        failing: set[int] = set()
        for index, step in enumerate(self._plan):
            column = columns.get(step[0])
            if column is None:  # the prototype's value on every row
                if not self._value_passes(index, prototype.__dict__.get(step[0]), prototype):
                    return set(range(length))
                continue
            if step[1] == DECIMAL and step[4] and _all_fit(column, *step[3]):
                continue  # amounts: nearly all distinct, so settled as a column, not value by value
            refused = [
                value
                for value in _unsettled(step, _distinct(column))
                if not self._value_passes(index, value, prototype)
            ]
            if refused:
                failing.update(_rows_holding(column, refused))
        for rule in getattr(self.model, "row_rules", ()):
            failing |= self._rows_breaking(rule, columns, prototype)
        for constraint in self.model._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                verdicts = column_verdicts(self.model, constraint, columns, prototype.__dict__, length)
                failing.update(row for row, verdict in enumerate(verdicts) if not verdict)
        return failing

    def _value_passes(self, index: int, value, prototype) -> bool:
        attname = self._plan[index][0]
        values, errors = {attname: value}, {}
        self._check_field(index, value, prototype, values, errors)
        return not errors and values[attname] is value

    def _rows_breaking(self, rule, columns: dict, prototype) -> set[int]:
        """The rows whose combination of what `rule` reads makes it say something: one check per distinct
        combination, on one stand-in set to each in turn (the rules keep nothing)."""
        reads = rule.reads
        _check_reads(self.model, reads, columns)
        length = _length(columns)
        read_columns = [columns.get(name) or [_read(prototype, name)] * length for name in reads]
        if rule.holds_on_columns is not None:
            verdicts = rule.holds_on_columns(*read_columns)
            return {row for row, holds in enumerate(verdicts) if not holds}
        # A relation's object goes with its id: keyed by the ids alone (a model's hash is Python's work).
        keyed = [
            column
            for name, column in zip(reads, read_columns, strict=True)
            if not _is_object_beside_its_id(self.model, name, reads)
        ]
        combinations = list(zip(*keyed, strict=True))
        first_row = {}
        for row, combination in enumerate(combinations):
            first_row.setdefault(combination, row)
        obj = stand_in(prototype, (), ())
        concrete, cache = obj.__dict__, obj._state.fields_cache
        targets = [(concrete if name in concrete else cache, name) for name in reads]
        values_of_rows = list(zip(*read_columns, strict=True)) if len(keyed) < len(reads) else combinations
        broken = set()
        for combination, row in first_row.items():
            for (target, name), value in zip(targets, values_of_rows[row], strict=True):
                target[name] = value
            if rule.message(obj) is not None:
                broken.add(combination)
        if not broken:
            return set()
        return {row for row, combination in enumerate(combinations) if combination in broken}

    def _check_field(self, index: int, value, instance, values: dict, errors: dict) -> None:
        """One field's value, checked in full: what `_compile_field_checks`' shortcuts could not settle."""
        attname, how, field, limits, simple_empty = self._plan[index]
        if value is None or (type(value) is str and not value) or not simple_empty:
            valid = field.blank and value in field.empty_values
        elif how == RELATION:
            valid = True  # resolved by the importer from what exists: no query needed
        elif how == PLAIN_TEXT:
            # what CharField.clean() would find, without remembering a million names
            valid = type(value) is str and len(value) <= limits and "\x00" not in value
        else:
            # what DecimalValidator would find: amounts are nearly all distinct
            valid = how == DECIMAL and _fits(value, *limits)
        if valid:
            self._passed_check(index, how, simple_empty, value)
            return
        memo = self._memos[attname]
        key = _memo_key(value)
        verdict = _MISSING if key is None else memo.get(key, _MISSING)
        if verdict is _MISSING:
            try:
                verdict = (field.clean(value, instance), None)
            except ValidationError as error:
                verdict = (value, error.error_list)
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            if key is not None:
                memo[key] = verdict
        cleaned, messages = verdict
        if messages:
            errors[field.name] = list(messages)
        elif cleaned is value:
            self._passed_check(index, how, simple_empty, value)
        else:
            values[attname] = cleaned  # as full_clean(): "2.5" becomes Decimal("2.5")

    def _passed_check(self, index: int, how: int, simple_empty: bool, value) -> None:
        self._passed[index] = value
        if how == OTHER and simple_empty:
            known = self._known[index]
            if len(known) >= MEMO_LIMIT:
                known.clear()
            known[value] = value


def _compile_field_checks(plan: list[tuple], check_field: Callable, known: list[dict]) -> Callable:
    """A function checking every field of an instance's `__dict__`, written out field by field.

    Per field: skip the very object that passed before (a default, a cell read once for many rows) — for a
    field of few values, any object that passed (`known`: compared by identity, so 1 never stands for
    True); else settle the common valid case inline — an id for a reference, text within `max_length`, a
    decimal within its digits — and hand anything else to `check_field`, the full check. Written out
    because a loop over the plan (unpacking each step, branching on its kind) cost ~10 µs a row for a
    30-field model, more than the checks themselves; the shortcuts only ever accept what the full check
    accepts.
    """
    lines = ["def check_fields(values, passed, instance, errors):", "    get = values.get"]
    constants: dict = {"check_field": check_field, "Decimal": Decimal, "MISSING": _MISSING}
    for index, (attname, how, _field, limits, simple_empty) in enumerate(plan):
        lines.append(f"    value = get({attname!r})")
        if how == OTHER and simple_empty:
            constants[f"known_{index}"] = known[index]
            lines.append(
                f"    if value is not passed[{index}] and known_{index}.get(value, MISSING) is not value:"
            )
        else:
            lines.append(f"    if value is not passed[{index}]:")
        if not simple_empty or how == OTHER:
            shortcut = None
        elif how == RELATION:
            shortcut = "type(value) is int"
        elif how == PLAIN_TEXT:
            shortcut = f"type(value) is str and value and len(value) <= {limits} and '\\x00' not in value"
        else:  # DECIMAL
            constants[f"bound_{index}"], constants[f"exponent_{index}"] = limits
            shortcut = (
                f"type(value) is Decimal and value.is_finite() and value.as_tuple().exponent >= "
                f"exponent_{index} and -bound_{index} < value < bound_{index}"
            )
        if shortcut is None:
            lines.append(f"        check_field({index}, value, instance, values, errors)")
        else:
            lines += [
                f"        if {shortcut}:",
                f"            passed[{index}] = value",
                "        else:",
                f"            check_field({index}, value, instance, values, errors)",
            ]
    if not plan:
        lines.append("    return")
    exec("\n".join(lines), constants)  # the source is written above, from field names and numbers
    return constants["check_fields"]


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


def _all_fit(column: list, bound: Decimal, min_exponent: int) -> bool:
    """`_fits` for every value of a column at once: Decimals all written plainly (`str`) with no more
    decimal places and whole digits than the field allows — one pattern over the column joined."""
    if set(map(type, column)) != {Decimal}:
        return False
    whole, places = len(str(bound)) - 1, -min_exponent  # bound is 10 ** whole
    if whole < 1:  # below 1 only: let each value be checked
        return False
    fraction = rf"(?:\.\d{{1,{places}}})?" if places else ""
    lines = re.compile(rf"(?:-?\d{{1,{whole}}}{fraction}\n)*")
    return lines.fullmatch("\n".join(map(str, column)) + "\n") is not None


def _distinct(values: list) -> Iterable:
    """Each distinct value of a column once. Equal values of one type have the same verdict — but for
    Decimals ("1.0" and "1.00" differ in places) and across types (1, 1.0 and True are equal keys)."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if len(kinds) <= 1 and Decimal not in kinds:
        return dict.fromkeys(values)
    if kinds == {Decimal}:
        return dict(zip(map(str, values), values, strict=True)).values()
    seen = {}
    for value in values:
        key = _memo_key(value)
        seen.setdefault(("unhashable", id(value)) if key is None else key, value)
    return seen.values()


def _unsettled(step: tuple, values: Iterable) -> list:
    """The values the field checks' inline shortcuts (`_compile_field_checks`) do not settle."""
    _attname, how, _field, limits, simple_empty = step
    if not simple_empty or how == OTHER:
        return list(values)
    if how == RELATION:
        return [value for value in values if type(value) is not int]
    if how == PLAIN_TEXT:
        return [
            value
            for value in values
            if not (type(value) is str and value and len(value) <= limits and "\x00" not in value)
        ]
    return [value for value in values if not _fits(value, *limits)]


def _rows_holding(column: list, refused: list) -> list[int]:
    """The rows whose value equals a refused one (an unhashable value: every row)."""
    try:
        refused_set = set(refused)
    except TypeError:
        return list(range(len(column)))
    return [row for row, value in enumerate(column) if value in refused_set]


def _length(columns: dict[str, list]) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def _read(obj, name: str):
    """An attribute of `obj` for a rule: a relation's object from its cache, without a query."""
    if name in obj.__dict__:
        return obj.__dict__[name]
    return obj._state.fields_cache.get(name)


def _is_object_beside_its_id(model, name: str, reads: tuple[str, ...]) -> bool:
    field = model._meta.get_field(name)
    return field.is_relation and field.name == name and field.attname in reads


def stand_in(prototype, names: tuple[str, ...], values):
    """A copy of `prototype` with `names` set to `values` (relation names to their cached objects)."""
    obj = type(prototype).__new__(type(prototype))
    obj.__dict__.update(prototype.__dict__)
    obj._state = ModelState()
    obj._state.adding = True
    fields_cache = obj._state.fields_cache
    fields_cache.update(prototype._state.fields_cache)
    concrete = obj.__dict__
    for name, value in zip(names, values, strict=True):
        if name in concrete:
            concrete[name] = value
        else:
            fields_cache[name] = value
    return obj


def _check_reads(model, reads: tuple[str, ...], columns: dict) -> None:
    """A rule reading a relation's object must be given it wherever its id varies: the prototype's object
    would stand for every row's."""
    for name in reads:
        field = model._meta.get_field(name) if name not in columns else None
        if field is not None and field.is_relation and field.name == name and field.attname in columns:
            raise ValueError(
                f"columns give {field.attname} but not {name}, which a rule of {model.__name__} reads"
            )
