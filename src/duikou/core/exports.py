"""Export exactly what a list page shows — its filters, its order, its columns — to CSV or XLSX.

Rows are read as plain values (`QuerySet.values_list()` of the columns' fields, joined by the
database, with choice labels looked up in a dict) whenever every visible column is a field or a
field of a related row: building a model instance per row cost ~7 s of the ~12 s that 100,000
ledger rows took (docs/decisions/0005-xlsx-writer.md). A column reading anything else (a property,
a method) falls back to model instances and `Column.export_value`, so the file is always exactly
the page's view. Either way the rows are read in chunks (`iterator()`) and memory stays flat.

CSV is streamed to the client as it is written. XLSX is written by rustpy-xlsxwriter (the Rust
rust_xlsxwriter, in constant-memory mode: row by row to a temporary file) and sent when complete,
because a workbook is a zip that cannot be streamed before its end.

CSV is UTF-8 with a byte-order mark: without it Excel and WPS on Windows read
the Chinese as GBK and show mojibake.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import chain
from urllib.parse import quote

from django.core.exceptions import FieldDoesNotExist
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rustpy_xlsxwriter import Format, write_worksheet

from .tables import Column, Table

CHUNK_SIZE = 2000
FORMATS = ("csv", "xlsx")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


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


# -- reading the rows ---------------------------------------------------------------------------------------
def _value_converter(column: Column, field) -> Callable:
    """What `column.export_value(row)` does to the stored value of `field`, without a model instance."""
    if column.kind == Column.BOOL:
        yes, no = _("是"), _("否")
        return lambda value: "" if value is None else (yes if value else no)
    if field.choices:
        # get_<field>_display(): the label, or the stored value when it is not a choice.
        labels = {key: str(label) for key, label in field.flatchoices}
        return lambda value: "" if value is None else _plain(labels.get(value, value))
    return lambda value: "" if value is None else _plain(value)


def _plain(value):
    return value if isinstance(value, (int, Decimal, datetime.date, str)) else str(value)


def _field_of(model, column: Column):
    """The model field a column reads through forward relations, or None (a property, a method …)."""
    parts = column.path
    try:
        for part in parts[:-1]:
            relation = model._meta.get_field(part)
            if not (relation.many_to_one or relation.one_to_one) or relation.auto_created:
                return None
            model = relation.related_model
        field = model._meta.get_field(parts[-1])
    except FieldDoesNotExist:
        return None
    if not field.concrete or (field.is_relation and parts[-1] != field.attname):
        return None  # the column shows str(related object): only the instance knows it
    return field


def _value_rows(columns: list[Column], queryset) -> Iterator[list] | None:
    """The rows as `export_value`s from `values_list()`, or None when a column needs model instances."""
    fields = [_field_of(queryset.model, column) for column in columns]
    if any(field is None for field in fields):
        return None
    lookups = [
        "__".join([*column.path[:-1], field.attname]) for column, field in zip(columns, fields, strict=True)
    ]
    converters = [_value_converter(column, field) for column, field in zip(columns, fields, strict=True)]
    values = queryset.values_list(*lookups).iterator(chunk_size=CHUNK_SIZE)
    return ([convert(value) for convert, value in zip(converters, row, strict=True)] for row in values)


def export_rows(table: Table, queryset) -> Iterator[list]:
    """Each row of the export as the cells `Column.export_value` gives, in the table's column order."""
    columns = table.visible_columns
    rows = _value_rows(columns, queryset)
    if rows is not None:
        return rows
    return (
        [column.export_value(obj) for column in columns] for obj in queryset.iterator(chunk_size=CHUNK_SIZE)
    )


# -- CSV ----------------------------------------------------------------------------------------------------
def csv_lines(table: Table, queryset):
    """The export as CSV text, line by line: the byte-order mark, the header, then each row."""
    header = [column.export_label for column in table.visible_columns]
    return csv_text(header, export_rows(table, queryset))


def csv_text(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV lines for Excel and WPS: the byte-order mark, `header`, then `rows` (yuan, ISO dates, 是/否)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row])


def csv_response(table: Table, queryset, *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(table, queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _content_disposition(filename)
    return response


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        # The time shown on the page (TIME_ZONE), not the UTC value stored.
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# -- XLSX ---------------------------------------------------------------------------------------------------
def _xlsx_cell(value):
    """A cell for the writer: yuan as a double (exact to the fen), local naive times, blanks as None."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    if value == "":
        return None  # a blank cell, not an empty string: Excel's 空白 filter and COUNTA agree
    return value


def _unique_labels(columns: list[Column]) -> list[str]:
    """Headers as the writer's record keys: two columns with one label would otherwise become one."""
    labels: list[str] = []
    for column in columns:
        label = column.export_label
        while label in labels:
            label += " "
        labels.append(label)
    return labels


def write_xlsx(table: Table, queryset, target, *, sheet_name: str) -> None:
    """Write the export as a workbook into `target` (a path or a binary file), row by row.

    Bold shaded header, frozen under the header; money in yuan as numbers shown `#,##0.00`; dates as
    Excel dates shown `yyyy-mm-dd`; empty values as blank cells.
    """
    write_xlsx_rows(table.visible_columns, export_rows(table, queryset), target, sheet_name=sheet_name)


def write_xlsx_rows(columns: list[Column], rows: Iterable[list], target, *, sheet_name: str) -> None:
    """`write_xlsx` of rows already read (`export_rows`): the writer alone, as bench/exports.py times it."""
    labels = _unique_labels(columns)
    records = (dict(zip(labels, [_xlsx_cell(value) for value in row], strict=True)) for row in rows)
    first = next(records, None)
    # The writer takes its header from the first record: an empty view is the header over one blank row
    # (a row of blanks writes no cells, so the sheet is the header alone).
    records = chain([first if first is not None else dict.fromkeys(labels)], records)
    money = Format().set_num_format(MONEY_FORMAT)
    date = Format().set_num_format(DATE_FORMAT)
    column_formats = {
        label: money if column.kind == Column.MONEY else date
        for label, column in zip(labels, columns, strict=True)
        if column.kind in (Column.MONEY, Column.DATE)
    }
    write_worksheet(
        records,
        target,
        sheet_name=sheet_name[:31],  # Excel's limit on sheet names
        freeze_row=1,
        header_format=Format().set_bold().set_background_color("#EEF2F7").set_border("thin"),
        column_formats=column_formats,
        column_widths=[16 if column.kind in (Column.MONEY, Column.DATE) else 14 for column in columns],
    )


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
