"""Reading one cell the way a clerk meant it: blanks that look like dashes, 是/否, dates in every spelling.

Each parser takes the raw cell (str, int, float, bool, datetime from a spreadsheet reader) and returns
the value or raises `CellError` with a message saying, in the active language, what was expected.
Amounts are read by `core.money.parse_amount` (units, 千分位, 万/亿, Chinese numerals).
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal

from django.utils.translation import gettext as _

from ..money import AmountParseError, amount_parser, plain_amounts_reader
from ..text import normalize_text, to_halfwidth
from .header import in_every_language


class CellError(ValueError):
    """The cell cannot be read as the column's kind; the message says why."""


# What people type in a cell that has nothing to say (DESIGN.md: "blank-looking cells").
BLANK_MARKERS = frozenset(
    {"", "—", "——", "-", "--", "－", "/", "／", "\\", "无", "空", "n/a", "na", "null", "none"}
)

LONGEST_BLANK_MARKER = max(len(marker) for marker in BLANK_MARKERS)

TRUE_WORDS = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓", "对"})
FALSE_WORDS = frozenset({"否", "无", "没有", "n", "no", "false", "0", "×", "✗", "不是"})

# Excel's day 0 in the 1900 date system (Lotus' leap-year bug included): serial 45000 is 2023-03-15.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (20_000, 80_000)  # 1954 … 2119: a plain number outside this is not a date

_DATE_PATTERNS = [
    # 2024-03-05, 2024/3/5, 2024.03.05, 2024年3月5日, 2024年03月05号
    re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?$"),
    # 20240305
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    # 2024年3月, 2024.03, 2024-03, 2024/3: the first of the month (the last, for a date ending a period)
    re.compile(r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*月?(份)?$"),
]


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        if len(text) > LONGEST_BLANK_MARKER:
            return False  # most cells: a name or a number, not a dash
        return to_halfwidth(text).strip().lower() in BLANK_MARKERS
    return False


def as_text(value) -> str:
    """Text as stored: NFKC, simplified characters, trimmed; 2024.0 from a spreadsheet reads "2024"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return normalize_text(str(value)).strip()


def parse_text(value) -> str:
    return "" if is_blank(value) else as_text(value)


class AmountCellParser:
    """The reader of a cell of a column of amounts stated in `unit` (`money.amount_parser`), raising
    `CellError`; `read_plain(cells, unread)` reads the column's plain-number cells all at once
    (`money.plain_amounts_reader`)."""

    def __init__(self, unit: str | None):
        self.parse = amount_parser(unit)
        self.read_plain = plain_amounts_reader(unit)

    def __call__(self, value) -> Decimal:
        try:
            return self.parse(value)
        except AmountParseError as error:
            raise CellError(str(error)) from error


def parse_int(value) -> int:
    if isinstance(value, bool):
        raise CellError(_("“{value}”不是整数").format(value=value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = to_halfwidth(str(value)).strip().replace(",", "").removesuffix("年")
    if re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        return int(Decimal(text))
    raise CellError(_("“{value}”不是整数").format(value=value))


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = to_halfwidth(str(value)).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("“{value}”应为“是”或“否”").format(value=value))


def parse_date(value, *, ends_period: bool = False) -> datetime.date:
    """A date from a date cell, an Excel serial number, or text in the usual Chinese spellings.

    A month alone (2024年3月) is its first day — or its last when the date ends a period (`ends_period`:
    计划完工, 期间止, 停用日期), so that "2024年3月 to 2024年3月" is the month, not a single day."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if EXCEL_SERIAL_RANGE[0] <= value <= EXCEL_SERIAL_RANGE[1]:
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        if isinstance(value, int) or value.is_integer():
            value = str(int(value))  # 20240305 typed as a number
        else:
            raise CellError(_("“{value}”不是日期").format(value=value))
    text = to_halfwidth(str(value)).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel serial that a CSV export wrote as text
        return parse_date(float(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            parts = match.groupdict()
            try:
                year, month = int(parts["y"]), int(parts["m"])
                if parts.get("d"):
                    return datetime.date(year, month, int(parts["d"]))
                return datetime.date(year, month, calendar.monthrange(year, month)[1] if ends_period else 1)
            except ValueError as error:
                raise CellError(_("“{value}”不是有效日期").format(value=value)) from error
    raise CellError(_("“{value}”不是日期（可写 2024-03-05、2024年3月5日或 2024年3月）").format(value=value))


def choice_lookup(choices) -> dict[str, str]:
    """Stored value and label in every language the site offers (中文, English) of a TextChoices → the stored
    value, by match key. Whatever language the importing user has chosen: a file reads the same for all."""
    lookup = {}
    for value, label in choices:
        for name in (str(value), *in_every_language(label)):
            key = normalize_text(name).lower()
            lookup[key] = value
            # "支出" for "支出（完成投资）": the words before a parenthesised gloss name the choice too
            lookup.setdefault(re.sub(r"[(（].*?[)）]", "", key).strip(), value)
    return lookup


def parse_choice(value, lookup: dict[str, str], labels: list[str]) -> str:
    key = normalize_text(str(value)).strip().lower()
    if key in lookup:
        return lookup[key]
    raise CellError(_("“{value}”不是可选值（可选：{labels}）").format(value=value, labels="、".join(labels)))
