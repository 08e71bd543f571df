"""Money: Decimal yuan in, 万元 / 亿元 out. Never float.

Amounts are stored in yuan with two decimal places. Spreadsheets state them in
yuan, 万元 or 亿元, in the header ("金额（万元）") or in the cell ("1.2亿",
"3,000万元"), with full-width digits ("１２３.５") or Chinese numerals
("一千二百万"). `parse_amount` reads all of these; `format_amount` shows an
amount the way Chinese reports do (千分位, 万元 or 亿元).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .text import to_halfwidth

FEN = Decimal("0.01")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)

# Multipliers to yuan for every unit spelling seen in government sheets.
UNIT_FACTORS: dict[str, Decimal] = {
    "": Decimal(1),
    "元": Decimal(1),
    "千": Decimal(1_000),
    "千元": Decimal(1_000),
    "万": WAN,
    "万元": WAN,
    "十万": Decimal(100_000),
    "十万元": Decimal(100_000),
    "百万": Decimal(1_000_000),
    "百万元": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "千万元": Decimal(10_000_000),
    "亿": YI,
    "亿元": YI,
    "万亿": WAN * YI,
    "万亿元": WAN * YI,
}

_CURRENCY = re.compile(r"^(人民币|rmb|cny|¥|￥)\s*|\s*(人民币|rmb|cny)$", re.IGNORECASE)
_THOUSANDS = re.compile(r"(?<=\d)[,，'’ ](?=\d{3}(\D|$))")
_NUMBER_WITH_UNIT = re.compile(
    r"^(?P<sign>[-+−])?(?P<number>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>万亿元?|十万元?|百万元?|千万元?|千元?|万元?|亿元?|元)?$"
)
_PLAIN_NUMBER = re.compile(r"\d{1,20}(?:\.\d{1,10})?")
_PLAIN_NUMBERS = re.compile(r"(?:\d{1,20}(?:\.\d{1,10})?\n)*")  # lines of plain numbers, each ended
_CHINESE_NUMERAL_CHARS = set("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点负")


class AmountParseError(ValueError):
    """The text is not an amount; the message says why, in the active language."""


def yuan_of_sum(value) -> Decimal:
    """A database SUM of amounts as yuan with two places (None: nothing summed, zero). SQLite sums decimals
    as floats (0.1 + 0.2 ≠ 0.3), so its sums are rounded back to the fen the columns hold."""
    return Decimal(str(value or 0)).quantize(FEN)


def unit_factor(unit: str | None) -> Decimal:
    """Multiplier from a unit ("万元", "亿", "元", None) to yuan."""
    key = (unit or "").strip()
    if key not in UNIT_FACTORS:
        raise AmountParseError(_("不认识的金额单位“{unit}”").format(unit=unit))
    return UNIT_FACTORS[key]


def to_yuan(number: Decimal, unit: str | None = None) -> Decimal:
    """Scale a number stated in `unit` to yuan, rounded to the fen."""
    return _scaled(number, unit_factor(unit))


def _scaled(number: Decimal, factor: Decimal) -> Decimal:
    try:
        return (number * factor).quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation as error:  # more digits than a Decimal holds: no amount is that large
        raise AmountParseError(_("“{value}”太大，不是金额").format(value=number)) from error


def amount_parser(unit: str | None) -> Callable[[object], Decimal]:
    """`parse_amount` with `unit` fixed, for the cells of one column: the unit's factor is looked up once,
    and plain numbers ("1200", "35.5") — most cells of a real file — are scaled straight away."""
    try:
        factor = unit_factor(unit)
    except AmountParseError:  # each cell says so, as parse_amount does
        return lambda value: parse_amount(value, unit=unit)

    def parse(value) -> Decimal:
        kind = type(value)
        if kind is str and _PLAIN_NUMBER.fullmatch(value):
            number = Decimal(value)
        elif kind is float and math.isfinite(value):  # a spreadsheet's number, as parse_amount reads it
            number = Decimal(repr(value))
        elif kind is int:
            number = Decimal(value)
        else:
            return parse_amount(value, unit=unit)
        return _scaled(number, factor)

    return parse


def plain_amounts_reader(unit: str | None) -> Callable[[Sequence, object], list]:
    """A reader of a whole column of amounts stated in `unit`, for its plain-number text cells ("1200",
    "174.85": nearly every cell of a real file, and nearly all different): `read(cells, unread)` gives each
    such cell's yuan, as `amount_parser(unit)` would, and `unread` for every other cell (blank, a unit of
    its own, not a number — read cell by cell). One pattern over the column joined tells whether all are
    plain: then no test or call per cell. A column of a spreadsheet's numbers (floats) is read whole too."""
    try:
        factor = unit_factor(unit)
    except AmountParseError:
        return lambda cells, unread: [unread] * len(cells)  # each cell says so, as parse_amount does

    plain = _PLAIN_NUMBER.fullmatch

    def read(cells: Sequence, unread) -> list:
        kinds = set(map(type, cells))
        try:
            if kinds == {str} and _PLAIN_NUMBERS.fullmatch("\n".join(cells) + "\n"):
                numbers = map(Decimal, cells)
            elif kinds == {float} and all(map(math.isfinite, cells)):  # a spreadsheet's numbers
                numbers = map(Decimal, map(repr, cells))
            else:
                return [
                    (Decimal(cell) * factor).quantize(FEN, ROUND_HALF_UP)
                    if type(cell) is str and plain(cell)
                    else unread
                    for cell in cells
                ]
            return [(number * factor).quantize(FEN, ROUND_HALF_UP) for number in numbers]
        except InvalidOperation:  # a number too large for an amount: cell by cell, for its message
            return [unread] * len(cells)

    return read


def parse_amount(value, *, unit: str | None = None) -> Decimal:
    """Read an amount in yuan from a cell.

    Args:
        value: the cell: a Decimal or int, a float from a spreadsheet reader,
            or text such as "1.2亿", "3,000万元", "１２３.５", "一千二百万".
        unit: the unit the column states in its header ("万元"); applies only
            when the cell carries no unit of its own.

    Returns:
        The amount in yuan as a Decimal with two places.

    Raises:
        AmountParseError: blank, not a number, or an unknown unit.
    """
    if value is None:
        raise AmountParseError(_("金额为空"))
    if isinstance(value, bool):
        raise AmountParseError(_("“{value}”不是金额").format(value=value))
    if isinstance(value, int):
        return to_yuan(Decimal(value), unit)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountParseError(_("“{value}”不是金额").format(value=value))
        return to_yuan(value, unit)
    if isinstance(value, float):
        # Spreadsheet readers return floats; repr() gives the shortest decimal
        # that round-trips, so 0.1 stays 0.1 and not 0.1000000000000000055.
        if value != value or value in (float("inf"), float("-inf")):
            raise AmountParseError(_("“{value}”不是金额").format(value=value))
        return to_yuan(Decimal(repr(value)), unit)

    if _PLAIN_NUMBER.fullmatch(value if isinstance(value, str) else ""):
        return to_yuan(Decimal(value), unit)  # most cells of a real file: the rest is for the others
    text = to_halfwidth(str(value)).strip()
    if not text:
        raise AmountParseError(_("金额为空"))
    text = _CURRENCY.sub("", text).strip()
    text = _THOUSANDS.sub("", text).replace(" ", "")
    match = _NUMBER_WITH_UNIT.match(text)
    if match:
        number = Decimal(match["number"])
        if match["sign"] in ("-", "−"):
            number = -number
        cell_unit = match["unit"]
        return to_yuan(number, cell_unit if cell_unit else unit)
    if set(text.rstrip("元")) <= _CHINESE_NUMERAL_CHARS | set("0123456789."):
        return _parse_chinese_numeral(text, unit)
    raise AmountParseError(_("“{value}”不是金额").format(value=value))


def _parse_chinese_numeral(text: str, unit: str | None) -> Decimal:
    import cn2an

    has_own_unit = text.endswith("元")
    core = text.removesuffix("元")
    try:
        number = Decimal(str(cn2an.cn2an(core, "smart")))
    except (ValueError, TypeError, InvalidOperation, KeyError) as error:
        raise AmountParseError(_("“{value}”不是金额").format(value=text)) from error
    # "一千二百万元" states its unit in words, so the header unit does not apply.
    return to_yuan(number, None if has_own_unit or "万" in core or "亿" in core else unit)


def yuan_to_wan(amount: Decimal) -> Decimal:
    return amount / WAN


def yuan_to_yi(amount: Decimal) -> Decimal:
    return amount / YI


def format_amount(amount: Decimal | int | None, unit: str = "auto", places: int = 2) -> str:
    """Show yuan as Chinese reports do: "1,234.56万元", "159.62亿元".

    Args:
        amount: yuan (None shows as "—").
        unit: "元", "万元", "亿元", or "auto" (亿元 from one 亿 up, else 万元).
        places: decimal places shown.
    """
    if amount is None:
        return "—"
    amount = Decimal(amount)
    if unit == "auto":
        unit = "亿元" if abs(amount) >= YI else "万元"
    scaled = amount / unit_factor(unit)
    quantum = Decimal(1).scaleb(-places)
    return f"{scaled.quantize(quantum, rounding=ROUND_HALF_UP):,f}{unit}"
