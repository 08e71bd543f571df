"""Finding the header in a real government sheet, and which column is which.

Files open with title rows ("2024年度援疆项目计划表", "填报单位：…"), sometimes a header of two rows
whose upper row is merged over a group ("资金（万元）" over 总投资 / 援助资金 / 地方配套), and units in
the header text. `locate_header` scans the first rows for the one (or the pair) whose cells name the
most known columns, by Chinese or English alias, and reads each column's unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import normalize_text

MAX_HEADER_SCAN = 30
UNIT = re.compile(r"[（(]\s*(?:单位[:：]\s*)?(万元|亿元|元|万|亿)\s*[)）]")
DECORATION = re.compile(r"[\s*＊:：※]|[（(](?:必填|选填|可选|required|optional)[)）]", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnSpec:
    """One column an importer reads.

    Args:
        name: the model field (or the importer's own key).
        label: the header the template writes (Chinese; the first alias).
        aliases: other headers people use, Chinese and English ("援疆资金", "aid amount").
        kind: text, int, amount, date, bool, choice, or a reference the importer resolves.
        required: the column must be present, and a row must fill it.
        unit: the default unit of an amount column when the header names none.
        ends_period: a date column that ends a period (计划完工, 期间止): a month alone is its last day.
    """

    name: str
    label: str
    kind: str = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    unit: str = "元"
    choices: tuple = ()
    help_text: str = ""
    ends_period: bool = False

    def header_keys(self) -> set[str]:
        """Every header that names this column: the label in Chinese and in English, the aliases."""
        return {header_key(text)[0] for text in (*in_every_language(self.label), self.name, *self.aliases)}


def in_every_language(text) -> list[str]:
    """A translatable text as each language the site offers writes it (中文, English): what a file may say,
    whatever language its reader has chosen."""
    from django.conf import settings
    from django.utils import translation

    written = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            written.append(str(text))
    return written


TITLE_UNIT = re.compile(r"单位\s*[:：]\s*(万元|亿元|元)")


def title_unit(rows: list[list], header_row: int) -> str | None:
    """The unit a title row above the header states for the whole table ("单位：万元"), if any."""
    for row in rows[:header_row]:
        for cell in row:
            match = TITLE_UNIT.search(normalize_text("" if cell is None else str(cell)))
            if match:
                return match.group(1)
    return None


@dataclass
class Header:
    """Where the header is and which file column feeds which spec."""

    row_index: int  # 0-based index of the (last) header row; data starts after it
    columns: dict[str, int]  # spec name → 0-based column index
    titles: dict[str, str]  # spec name → the header text as the file writes it (for error messages)
    units: dict[str, str] = field(default_factory=dict)  # spec name → unit read from the header
    unknown: list[str] = field(default_factory=list)  # header cells no spec knows
    table_unit: str | None = None  # "单位：万元" in a title row: amounts whose header names no unit
    first_row_index: int = 0  # the upper row of a two-row header, else the same as row_index
    uses_upper_row: bool = False  # a two-row candidate that reads a column or a unit from the upper row


def header_key(text) -> tuple[str, str | None]:
    """("援助资金", "万元") for "援助资金（万元）*": the comparable name and the unit, if any."""
    value = normalize_text("" if text is None else str(text))
    unit_match = UNIT.search(value)
    unit = unit_match.group(1) if unit_match else None
    if unit in ("万", "亿"):
        unit += "元"
    name = UNIT.sub("", value)
    name = DECORATION.sub("", name).lower()
    return name, unit


def _filled(row: list, width: int) -> list[str]:
    """A header row with merged (blank) cells carrying the text on their left, as Excel shows them."""
    cells, last = [], ""
    for index in range(width):
        value = row[index] if index < len(row) else ""
        text = "" if value is None else str(value).strip()
        last = text or last
        cells.append(last)
    return cells


def _match(cells: list[str], parents: list[str] | None, by_key: dict[str, ColumnSpec]) -> Header | None:
    columns, titles, units, unknown = {}, {}, {}, []
    uses_parent = False
    for index, text in enumerate(cells):
        parent = parents[index] if parents else ""
        key, unit = header_key(text)
        spec = by_key.get(key)
        title = text
        if spec is None and parent:  # an upper cell that is not merged (a lone column over two rows)
            key, unit = header_key(parent)
            spec = by_key.get(key)
            title = parent
        if spec is None:
            if text:
                unknown.append(text)
            continue
        if spec.name in columns:
            continue  # the first column of that name wins; a second is reported as unknown
        columns[spec.name] = index
        titles[spec.name] = title
        parent_unit = header_key(parent)[1] if parent else None
        if unit or parent_unit:
            units[spec.name] = unit or parent_unit
        uses_parent = uses_parent or title == parent or bool(parent_unit and not unit)
    header = Header(row_index=-1, columns=columns, titles=titles, units=units, unknown=unknown)
    header.uses_upper_row = uses_parent
    return header


def locate_header(rows: list[list], specs: list[ColumnSpec]) -> Header | None:
    """The header row (or two-row header) naming the most columns; None when no row names a required one."""
    by_key = {}
    for spec in specs:
        for key in spec.header_keys():
            by_key.setdefault(key, spec)
    best, best_score = None, 0
    for index in range(min(len(rows), MAX_HEADER_SCAN)):
        width = max(len(rows[index]), len(rows[index + 1]) if index + 1 < len(rows) else 0)
        raw = [("" if cell is None else str(cell).strip()) for cell in rows[index]] + [""] * width
        single = _match(raw[:width], None, by_key)
        single.row_index = single.first_row_index = index
        candidates = [single]
        if index + 1 < len(rows):
            lower = [("" if cell is None else str(cell).strip()) for cell in rows[index + 1]] + [""] * width
            double = _match(lower[:width], _filled(rows[index], width), by_key)
            double.row_index, double.first_row_index = index + 1, index
            if double.uses_upper_row:  # else it is the single header of the next row, found there
                candidates.append(double)
        for candidate in candidates:
            score = len(candidate.columns)
            if score > best_score:
                best, best_score = candidate, score
    required = {spec.name for spec in specs if spec.required}
    if best is None or not (required & set(best.columns)):
        return None
    best.table_unit = title_unit(rows, best.first_row_index)
    return best
