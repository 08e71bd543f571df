"""The registry of rule kinds: every module of this package registers its kinds when imported here."""

from __future__ import annotations

from . import ledger, projects, rates, shares, talent  # noqa: F401  (each registers its kinds)
from .base import KINDS, RuleKind


def kind_for(code: str) -> type[RuleKind] | None:
    return KINDS.get(code)


def kind_choices() -> list[tuple[str, str]]:
    return [(code, kind.label) for code, kind in sorted(KINDS.items())]
