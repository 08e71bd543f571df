"""From an uploaded file's bytes to rows of cells, whatever made it: Excel, WPS, LibreOffice, a CSV export.

Spreadsheets (xlsx, xls, ods) are read with python-calamine (a Rust reader, ~15× openpyxl here). CSV and
TSV are decoded as UTF-8 (with or without BOM) when they are valid UTF-8, else as GB18030 (a superset of
GBK, what Chinese Windows writes); the delimiter is the one that splits the first lines most evenly.
The format is taken from the content, not the file name: a binary renamed .xlsx is refused clearly.

`open_table` reads a file as a stream — the first rows (where the header is) and then the rest lazily —
so an import of a million-row CSV holds one chunk of rows at a time, never the file (issue 4: ≤ 500 MB).
`read_table` reads everything at once, for the annotated copy of a file with mistakes.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

MAX_SNIFF_BYTES = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # xls (and other old Office files)
_WORKBOOK_ERRORS = (CalamineError, ValueError, OSError)  # what calamine raises on a damaged workbook


class UnreadableFile(ValueError):
    """The file is empty, not a table, or damaged; the message says which."""


@dataclass
class Table:
    """The cells of the first sheet (or the CSV), and what was learned reading them."""

    rows: list[list]
    format: str  # xlsx, xls, ods, csv, tsv
    encoding: str = ""  # CSV/TSV only
    sheet: str = ""
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1)


HEAD_ROWS = 30  # rows read ahead for finding the header (header.MAX_HEADER_SCAN)


@dataclass
class TableStream:
    """A table read lazily: `head` holds its first rows; `rows()` yields every row from the first."""

    head: list[list]
    format: str
    rest: Iterator[list]
    estimated_rows: int  # for progress; exact for spreadsheets, from the line count for CSV
    encoding: str = ""
    sheet: str = ""
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def rows(self) -> Iterator[list]:
        yield from self.head
        yield from self.rest


def open_table(source: bytes | str | Path) -> TableStream:
    """The table in `source` (the file's bytes, or its path), read lazily.

    Raises:
        UnreadableFile: as `read_table`.
    """
    if isinstance(source, bytes):
        stream, size = io.BytesIO(source), len(source)
    else:
        stream, size = open(source, "rb"), os.path.getsize(source)  # noqa: SIM115 (closed by the reader)
    start = stream.read(MAX_SNIFF_BYTES)
    if not start.strip() and size <= MAX_SNIFF_BYTES:
        stream.close()
        raise UnreadableFile(_("文件为空。"))
    if start.startswith(ZIP_MAGIC) or start.startswith(OLE_MAGIC):
        stream.close()
        return _open_workbook(source, start)
    if b"\x00" in start and not start.startswith((b"\xff\xfe", b"\xfe\xff")):
        stream.close()
        raise UnreadableFile(_("文件不是表格（xlsx、xls、ods、csv 或 tsv），可能已损坏或扩展名不对。"))
    return _stream_delimited(stream, start, size)


def _stream_delimited(stream, start: bytes, size: int) -> TableStream:
    encoding = _sniff_encoding(start, complete=size <= len(start))
    stream.seek(0)
    if encoding == "utf-8-sig":
        stream.read(3)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    sample_text = start.decode(encoding, errors="ignore")
    sample = sample_text.splitlines()[:20]
    delimiter = "\t" if _spread(sample, "\t") > _spread(sample, ",") else ","
    reader = _decoded_rows(csv.reader(text, delimiter=delimiter), stream)
    head = list(itertools.islice(reader, HEAD_ROWS))
    lines_in_start = max(start.count(b"\n"), 1)
    estimated = max(len(head), round(size / len(start) * lines_in_start))
    return TableStream(
        head=head,
        rest=reader,
        format="tsv" if delimiter == "\t" else "csv",
        encoding=encoding,
        estimated_rows=estimated,
    )


def _decoded_rows(reader, stream) -> Iterator[list]:
    """The reader's rows; a byte sequence invalid in the detected encoding is a clear error, not a crash."""
    try:
        yield from reader
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _("文件第 {line} 行附近的文字编码与文件开头不一致（{encoding}）。请另存为 UTF-8 后重试。").format(
                line=reader.line_num + 1, encoding=error.encoding
            )
        ) from error
    finally:
        stream.close()


def _sniff_encoding(start: bytes, *, complete: bool) -> str:
    """The encoding of a delimited file from its first bytes: UTF-8 (BOM or not), UTF-16 with a BOM,
    else GB18030 (a superset of GBK). A multi-byte character cut at the end of the sample is allowed."""
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(start, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(start, final=complete)
        return "gb18030"
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("无法识别文件的文字编码（支持 UTF-8、GBK、GB18030）。")) from error


def read_table(data: bytes, filename: str = "") -> Table:
    """Rows of the file's first sheet (spreadsheets) or of the file (CSV, TSV), all at once: `open_table`
    read to the end, so both always read a file the same way.

    Raises:
        UnreadableFile: empty, a binary that is no spreadsheet, or a damaged workbook.
    """
    stream = open_table(data)
    return Table(
        rows=list(stream.rows()),
        format=stream.format,
        encoding=stream.encoding,
        sheet=stream.sheet,
        merged=stream.merged,
    )


def _refuse_zip_bombs(source: bytes | str | Path) -> None:
    """A workbook (xlsx, ods) is a zip read whole: refuse one whose members unpack beyond the limit
    (`IMPORT_MAX_UNZIPPED_BYTES`) before the reader tries — a 60 MB upload may hold gigabytes of zeros."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        return  # the reader says what is wrong with it
    limit = settings.IMPORT_MAX_UNZIPPED_BYTES
    if unpacked > limit:
        raise UnreadableFile(
            _("工作簿解压后有 {size} MB，超过上限 {limit} MB：请拆分成几个文件导入。").format(
                size=unpacked // 1024 // 1024, limit=limit // 1024 // 1024
            )
        )


def _open_workbook(source: bytes | str | Path, start: bytes) -> TableStream:
    """The first sheet of a workbook (`source`: its bytes or its path; `start`: its first bytes).

    calamine parses the sheet whole (in Rust: ~120 MB for the 2.2 million cells of the 100,000-row benchmark
    workbook); its rows become Python lists one at a time as the import asks, not all at once — as lists,
    that workbook took another ~140 MB. A file on disk (the command line, background jobs) is read by
    calamine from its path, a member at a time, not copied into memory first."""
    if start.startswith(ZIP_MAGIC):
        _refuse_zip_bombs(source)
    try:
        if isinstance(source, bytes):
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(source))
        else:
            workbook = CalamineWorkbook.from_path(str(source))
        with workbook:
            sheet = workbook.get_sheet_by_index(0)
        merged = [(first[0], first[1], last[0], last[1]) for first, last in (sheet.merged_cell_ranges or [])]
        rows = _sheet_rows(sheet)
        head = list(itertools.islice(rows, HEAD_ROWS))
    except _WORKBOOK_ERRORS as error:
        raise _unreadable_workbook(error) from error
    if start.startswith(OLE_MAGIC):
        file_format = "xls"
    else:
        file_format = "ods" if b"opendocument.spreadsheet" in start[:200] else "xlsx"
    return TableStream(
        head=head,
        rest=rows,
        format=file_format,
        estimated_rows=sheet.end[0] + 1 if sheet.end else len(head),
        sheet=sheet.name,
        merged=merged,
    )


def _sheet_rows(sheet) -> Iterator[list]:
    """The sheet's rows from A1, as `sheet.to_python(skip_empty_area=False)` would list them.

    calamine's `iter_rows` starts at row 1 but at the sheet's first used column: the columns before it
    are put back, so a column's index is its position in Excel (the annotated copy marks cells by it).
    """
    first_column = sheet.start[1] if sheet.start else 0
    padding = [""] * first_column
    try:
        for row in sheet.iter_rows():
            yield padding + row if first_column else row
    except _WORKBOOK_ERRORS as error:
        raise _unreadable_workbook(error) from error


def _unreadable_workbook(error: Exception) -> UnreadableFile:
    return UnreadableFile(
        _("无法读取工作簿：{reason}。请用 Excel 或 WPS 另存为 xlsx 后重试。").format(reason=error)
    )


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was written in: UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030."""
    encoding = _sniff_encoding(data, complete=True)
    return data.decode(encoding), encoding


def _spread(lines: list[str], delimiter: str) -> int:
    """How many lines split into more than one cell with this delimiter."""
    return sum(1 for line in lines if len(next(csv.reader([line], delimiter=delimiter), [])) > 1)
