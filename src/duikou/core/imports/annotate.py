"""The uploaded table handed back with its mistakes marked: each wrong cell red, the reason in its
comment, and a 错误清单 sheet listing them all — so the clerk fixes the file they know, not a report."""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django.utils.translation import gettext as _

from .engine import RowError


def annotated_filename(uploaded: str, kind: str) -> str:
    """What the marked copy downloads as: named after the uploaded file (计划.csv → 计划-错误标注.xlsx, a
    workbook whatever was uploaded), so the clerk knows which of their files it is."""
    stem = uploaded.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    marked = _("错误标注")
    return f"{stem}-{marked}.xlsx" if stem else f"duikou-{kind}-errors.xlsx"


def annotated_workbook(rows: list[list], errors: list[RowError]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    wrong = workbook.add_format({"bg_color": "#F8696B", "font_color": "#FFFFFF"})
    wrong_row = workbook.add_format({"bg_color": "#FDE9E7"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    data = workbook.add_worksheet(_("数据"))
    listing = workbook.add_worksheet(_("错误清单"))

    by_cell: dict[tuple[int, int], list[str]] = {}
    rows_with_errors = set()
    for error in errors:
        if error.row is None:
            continue
        rows_with_errors.add(error.row - 1)
        if error.column_index is not None:
            by_cell.setdefault((error.row - 1, error.column_index), []).append(error.message)

    width = max((len(row) for row in rows), default=0)
    for row_index, row in enumerate(rows):
        for column_index in range(width):
            value = row[column_index] if column_index < len(row) else None
            messages = by_cell.get((row_index, column_index))
            cell_format = wrong if messages else (wrong_row if row_index in rows_with_errors else None)
            _write(data, row_index, column_index, value, cell_format, date_format)
            if messages:
                data.write_comment(
                    row_index, column_index, "\n".join(messages), {"x_scale": 2, "y_scale": 1.5}
                )
    data.activate()

    for index, title in enumerate([_("行"), _("列"), _("填写的值"), _("原因")]):
        listing.write_string(0, index, title)
    for number, error in enumerate(errors, start=1):
        listing.write(number, 0, error.row if error.row is not None else "")
        listing.write_string(number, 1, error.column)
        listing.write_string(number, 2, error.value)
        listing.write_string(number, 3, error.message)
    listing.set_column(1, 2, 18)
    listing.set_column(3, 3, 80)
    workbook.close()
    return buffer.getvalue()


def _write(sheet, row, column, value, cell_format, date_format):
    if value is None or value == "":
        sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, cell_format)
    elif isinstance(value, datetime.datetime):
        sheet.write_datetime(row, column, value, cell_format or date_format)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(
            row, column, datetime.datetime.combine(value, datetime.time()), cell_format or date_format
        )
    else:
        sheet.write_string(row, column, str(value), cell_format)
