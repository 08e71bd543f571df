"""The default check rules of each programme, from `reference/data/check_rules.json` (with their sources).

`load-reference` calls `load_default_rules`: it creates the rules a programme lacks and leaves existing
ones as they are — the coordination office may have tuned a threshold or disabled a rule, and a reload must
not undo that.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .models import CheckRule

RULES_FILE = Path(__file__).resolve().parent.parent / "reference" / "data" / "check_rules.json"


def default_rule_specs() -> dict[str, list[dict]]:
    """Programme code → the default rules' specifications."""
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))["programmes"]


def load_default_rules(programmes: dict, counts: Counter | None = None) -> int:
    """Create each programme's missing default rules (`programmes`: code → Programme); returns how many."""
    created = 0
    for programme_code, specs in default_rule_specs().items():
        programme = programmes.get(programme_code)
        if programme is None:
            continue
        existing = set(CheckRule.objects.filter(programme=programme).values_list("code", flat=True))
        for spec in specs:
            if spec["code"] in existing:
                continue
            rule = CheckRule(
                programme=programme,
                code=spec["code"],
                name=spec["name"],
                kind=spec["kind"],
                scope=spec["scope"],
                severity=spec["severity"],
                parameters=spec.get("parameters", {}),
                from_year=spec.get("from_year"),
                to_year=spec.get("to_year"),
                source=spec["source"],
            )
            rule.full_clean()
            rule.save()
            created += 1
    if counts is not None and created:
        counts["checkrule.created"] += created
    return created
