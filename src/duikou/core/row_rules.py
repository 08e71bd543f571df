"""Rules of a model across its fields, each declared with the attributes it reads.

`Model.clean()` runs them on one object (`broken_rules`). An import runs each rule once per distinct
combination of the attributes it reads across a chunk of rows (`core.imports.rules.ModelRules.failing_rows`):
the covering pairing once per supporter, division, programme, year and start date — a few hundred
checks for 5,000 rows — and 总投资 = its sources once per distinct set of amounts. Declaring what a rule
reads is what makes that possible; a rule that read an attribute it does not declare would be checked
against a stand-in whose other attributes are the model's defaults (the tests compare both ways).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RowRule:
    """One rule across fields: `message(obj)` says what is wrong (None when nothing is).

    `holds_on_columns`, when given, is the same rule over many rows at once: called with one list per
    attribute of `reads`, it says whether the rule holds on each row — for rules whose combinations are
    nearly as many as the rows (amounts, dates). It must agree with `message`; a test compares them."""

    field: str  # the field the message is shown on
    reads: tuple[str, ...]  # the attributes `message` reads: attnames, or relation names for their objects
    message: Callable[[Any], str | None]
    holds_on_columns: Callable[..., list[bool]] | None = None


def broken_rules(obj, rules: Iterable[RowRule]) -> dict[str, list[str]]:
    """The messages of the rules `obj` breaks, by field (as `ValidationError` takes them)."""
    errors: dict[str, list[str]] = {}
    for rule in rules:
        message = rule.message(obj)
        if message is not None:
            errors.setdefault(rule.field, []).append(message)
    return errors
