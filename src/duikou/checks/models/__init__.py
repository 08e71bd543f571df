"""The checks app's models: duplicate detection's review queue (`duplicates.py`); the rules and findings
of issue 6 join here as their own modules."""

from .duplicates import DuplicatePair, DuplicatePairQuerySet

__all__ = ["DuplicatePair", "DuplicatePairQuerySet"]
