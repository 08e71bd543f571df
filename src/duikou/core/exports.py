"""Export exactly what a list page shows — its filters, its order, its columns — to CSV or XLSX.

Both read the rows with `QuerySet.iterator()`, so memory stays flat however many
rows match: CSV is streamed to the client as it is written; XLSX is written by
XlsxWriter in `constant_memory` mode (row by row to a temporary file) and sent
when complete, because a workbook is a zip that cannot be streamed before its end.

CSV is UTF-8 with a byte-order mark: without it Excel and WPS on Windows read
the Chinese as GBK and show mojibake.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from .tables import Column, Table

CHUNK_SIZE = 2000
FORMATS = ("csv", "xlsx")


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value):
        return value


def export_filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y%m%d}.{extension}"


def _content_disposition(filename: str) -> str:
    # RFC 6266: an ASCII fallback plus the UTF-8 name, which browsers prefer.
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def _rows(table: Table, queryset):
    columns = table.visible_columns
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [column.export_value(obj) for column in columns]


def csv_lines(table: Table, queryset):
    """The export as CSV text, line by line: the byte-order mark, the header, then each row."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([column.export_label for column in table.visible_columns])
    for row in _rows(table, queryset):
        yield writer.writerow([_csv_cell(value) for value in row])


def csv_response(table: Table, queryset, *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(table, queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _content_disposition(filename)
    return response


def _csv_cell(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        # The time shown on the page (TIME_ZONE), not the UTC value stored.
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def write_xlsx(table: Table, queryset, target, *, sheet_name: str) -> None:
    """Write the export as a workbook into `target` (a path or a binary file), row by row."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(sheet_name[:31])  # Excel's limit on sheet names
    header = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    money = workbook.add_format({"num_format": "#,##0.00"})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    columns = table.visible_columns
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.export_label, header)
        sheet.set_column(index, index, 16 if column.kind in (Column.MONEY, Column.DATE) else 14)
    sheet.freeze_panes(1, 0)
    for row_number, row in enumerate(_rows(table, queryset), start=1):
        for index, value in enumerate(row):
            if isinstance(value, Decimal):
                sheet.write_number(row_number, index, float(value), money)
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(row_number, index, timezone.make_naive(value), date)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row_number, index, value, date)
            elif isinstance(value, int):
                sheet.write_number(row_number, index, value)
            elif value == "":
                continue  # a blank cell, not an empty string: Excel's 空白 filter and COUNTA agree
            else:
                sheet.write_string(row_number, index, str(value))
    workbook.close()


def xlsx_response(table: Table, queryset, *, filename: str, sheet_name: str) -> FileResponse:
    # Not a `with` block: FileResponse closes (and so removes) the file once it is sent.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    write_xlsx(table, queryset, handle, sheet_name=sheet_name)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
