"""The checks app's models: duplicate detection's review queue (`duplicates.py`); the rules and findings
of issue 6 join here as their own modules."""

from .duplicates import DuplicatePair, DuplicatePairQuerySet
from .findings import CheckRun, Finding, FindingComment
from .rules import CheckRule, CheckRuleQuerySet

__all__ = [
    "CheckRule",
    "CheckRuleQuerySet",
    "CheckRun",
    "DuplicatePair",
    "DuplicatePairQuerySet",
    "Finding",
    "FindingComment",
]
