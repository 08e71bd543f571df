"""Helpers for the rules' tests: a rule of a kind, measured on the test world as of a day."""

from __future__ import annotations

import datetime
from decimal import Decimal

from duikou.checks.models import CheckRule
from duikou.checks.rules.base import CheckContext
from duikou.checks.rules.registry import kind_for
from duikou.programmes.models import Category
from duikou.testing import make_programme

AS_OF = datetime.date(2024, 12, 31)


def make_rule(kind: str, *, scope: str = "project", code: str | None = None, **parameters) -> CheckRule:
    rule = CheckRule(
        programme=make_programme(),
        code=code or kind.replace("_", "-"),
        name=kind,
        kind=kind,
        scope=scope,
        parameters={
            key: str(value) if isinstance(value, Decimal) else value for key, value in parameters.items()
        },
        source="test",
    )
    rule.full_clean()
    rule.save()
    return rule


def measure(rule: CheckRule, as_of: datetime.date = AS_OF, year: int | None = None) -> list:
    """The hits of `rule` now: the subjects for which it does not hold."""
    context = CheckContext(programme=rule.programme, as_of=as_of, year=year)
    return list(kind_for(rule.kind)(rule).evaluate(context))


def other_category() -> Category:
    category, _ = Category.objects.get_or_create(
        programme=make_programme(),
        code="exchanges",
        defaults={"name": "交往交流交融", "short_name": "交往", "counts_as_livelihood": False},
    )
    return category
