"""Date helpers for the generator."""

import datetime
import random


def add_months(date: datetime.date, months: int) -> datetime.date:
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    day = min(date.day, 28)
    return datetime.date(year, month, day)


def add_days(date: datetime.date, days: int) -> datetime.date:
    return date + datetime.timedelta(days=days)


def random_date(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    """A uniformly random day in [first, last]; `first` when the span is empty."""
    span = (last - first).days
    return first if span <= 0 else first + datetime.timedelta(days=rng.randint(0, span))
