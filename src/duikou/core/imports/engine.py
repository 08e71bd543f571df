"""The import engine: every importer declares its columns and how a row becomes an object; this runs it.

The rules (DESIGN.md, "Imports are all-or-nothing"; STYLE.md 15):

- **every** row is read and validated with the model's own rules (`full_clean()`'s verdicts, computed
  fast by `rules.ModelRules`), and **all** errors are reported at once — the row number as Excel shows it,
  the column header as the file writes it, the value, and the reason in the active language;
- a file with any error changes nothing; a clean file is written in one transaction, as one
  `ImportBatch` (file name, SHA-256, who, when, counts) that every change-log row points to — read as a
  stream and written a chunk at a time inside that transaction (docs/decisions/0006);
- rows are matched to existing objects by natural key: a row equal to what is stored is left alone, so
  importing the same file twice changes nothing the second time (and records no batch);
- a dry run reports what would be new, changed and unchanged, with the changed fields, and writes nothing.
"""

from __future__ import annotations

import gc
import hashlib
import sys
import threading
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property, partial
from itertools import zip_longest
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from ..bulk import BulkWriter, PreparedWrite
from ..context import change_context
from ..models import ImportBatch
from ..text import canonical_text
from .header import ColumnSpec, Header, locate_header
from .reading import TableStream, UnreadableFile, open_table, read_table
from .rules import ModelRules
from .values import LONGEST_BLANK_MARKER, CellError, as_text, is_blank

MAX_CHANGES_SHOWN = 200
PROGRESS_EVERY = 1000  # rows between two calls of a run's `progress` callback

# progress(rows_done, rows_total): called from the importing thread while a file is read and written.
Progress = Callable[[int, int], None]


@dataclass
class RowError:
    """One mistake, where the clerk can find it: Excel row number, column header, value, reason."""

    row: int | None
    column: str
    value: str
    message: str
    column_index: int | None = None  # 0-based, for marking the cell in the annotated workbook

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class ImportResult:
    kind: str
    filename: str
    file_hash: str
    dry_run: bool
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0})
    changes: list[dict] = field(default_factory=list)
    batch_id: int | None = None
    source: bytes | str | Path | None = field(default=None, repr=False)  # what was read

    @cached_property
    def source_rows(self) -> list[list]:
        """Every cell of the file, read again when asked (for the copy with the mistakes marked)."""
        if self.source is None:
            return []
        try:
            return read_table(
                self.source if isinstance(self.source, bytes) else Path(self.source).read_bytes()
            ).rows
        except UnreadableFile:
            return []

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def committed(self) -> bool:
        return self.batch_id is not None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "file": self.filename,
            "sha256": self.file_hash,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "counts": self.counts,
            "errors": [error.as_dict() for error in self.errors],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "changes": self.changes,
            "import_batch": self.batch_id,
        }


@dataclass
class ParsedRow:
    """A data row: its Excel number, the raw cells, and the object it builds."""

    number: int
    raw: list
    columns: dict[str, int]  # spec name → column index (the header's)
    instance: Any = None
    existing: Any = None
    changed_fields: list[str] = field(default_factory=list)
    key: Any = None  # the natural key as read (blank or unreadable: None)

    @property
    def cells(self) -> dict[str, Any]:
        """The raw cells by spec name (for messages: only rows with a mistake ask)."""
        width = len(self.raw)
        return {name: (self.raw[column] if column < width else None) for name, column in self.columns.items()}


@dataclass
class ColumnarRows:
    """New rows of a chunk checked together, as columns (`Importer.columnar_rows`): every one valid.

    `fields` holds a list per concrete field (attname) but the primary key and the timestamps, which the
    writer sets; `reprs` the objects' `str()` for the change log."""

    positions: list[int]  # indexes in the chunk, ascending
    numbers: list[int]  # Excel row numbers
    keys: list[str]  # natural keys as read
    fields: dict[str, list]
    reprs: list[str]

    def __len__(self) -> int:
        return len(self.positions)


class Importer:
    """Subclasses declare `kind`, `model`, `columns` and `natural_key`, and implement `build(row, values)`.

    `build` returns the unsaved instance for a row (the stored one, updated, when the natural key exists),
    raising `RowErrors` for cells it cannot resolve. A value is None when its cell is blank or
    unreadable (the error is already recorded): `build` must accept that. Values arrive parsed by kind
    ("amount" in yuan using the header's unit, "date", "int", "bool", "choice"); reference kinds arrive
    as text for `build`.

    A file is read in chunks of `chunk_rows` rows (None: the whole file at once, for importers whose
    rows refer to each other or whose `prepare` scans whole columns): `prepare(keys)` loads what a chunk
    needs, its rows are validated, and — when the file has had no error so far and this is no dry run —
    written before the next chunk is read, all inside one transaction that a later error rolls back.
    With `bulk_writes`, new and changed rows are written with `core.bulk.BulkWriter` (COPY on
    PostgreSQL) and change-logged there; otherwise each is `save()`d and logged by the signals.

    An importer with bulk writes may check a chunk's new rows as columns (`columnar_rows`, ~10× cheaper
    than row by row): the rows it certainly accepts are written from the columns; every other row — a
    mistake, a stored object to compare, anything it cannot settle — takes the row path for its messages.
    """

    kind = ""
    title = ""  # what the import page calls it: 年度项目计划
    model = None
    columns: list[ColumnSpec] = []
    natural_key = "code"
    chunk_rows: int | None = None
    bulk_writes = False

    def prepare_file(self) -> None:
        """Load what every chunk needs, once per file (resolvers of names and codes)."""

    def prepare(self, keys: set[str]) -> None:
        """Load what a chunk's rows need: the stored objects whose natural keys (`keys`, as the file
        writes them) the chunk names — and, for importers without `prepare_file`, the resolvers.

        Every query a chunk needs belongs here (`chunk_values` holds its columns as read): the connection
        is free now, and later, while the previous chunk is written, a query would wait for it."""

    def build(self, row: ParsedRow, values: dict[str, Any]):
        raise NotImplementedError

    def check_row(self, row: ParsedRow, instance) -> None:
        """Refuse a built row for a reason beyond the model's rules (raise `RowErrors`): the user's scope,
        an issued plan. Runs after `build`, before the rules; mixins extend it and call `super()`."""

    def columnar_rows(self, candidates: list[int], values: dict[str, list]) -> ColumnarRows | None:
        """The rows among `candidates` (indexes in the chunk) that certainly pass every check of the row
        path as new objects, checked column by column; None when this importer checks row by row only.

        `values` holds each column present (spec name → the chunk's values, as the row path gets them).
        Candidates have every required cell, none unreadable, and a natural key this file has not named
        before. Called after `prepare`, in `validation_context`.
        """
        return None

    def columnar_rows_checked(self, rows: ColumnarRows, indexes: range) -> None:
        """Called with the rows `columnar_rows` took (`indexes` into `rows`), a run of consecutive ones at
        a time, in file order among the rows the row path checks: for checks that compare a row with the
        rows before it, like the likely duplicates."""

    def template_choices(self, spec: ColumnSpec) -> list[str]:
        """The drop-down list of a column in the template: a choice column's labels; importers add the
        reference columns (categories, divisions …)."""
        if spec.kind == "choice":
            return [str(label) for _value, label in spec.choices]
        return []

    def template_rows(self, queryset) -> list[list]:
        """Stored objects as rows of the template (importing them back changes nothing)."""
        raise NotImplementedError

    # -- the run --------------------------------------------------------------------------------------------
    def run(
        self,
        source: bytes | str | Path,
        filename: str,
        *,
        user=None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Check (and unless `dry_run`, import) one file.

        Args:
            source: the file's bytes, or its path on disk (read as a stream: a large file is never
                held in memory whole).
            filename: the name the user knows the file by (stored on the import batch).
            user: who imports, for the batch and the change log.
            dry_run: count and report, write nothing.
            progress: called every few thousand rows with (rows done, rows in the file).
        """
        self.progress = progress or (lambda done, total: None)
        result = ImportResult(
            kind=self.kind, filename=filename, file_hash=file_sha256(source), dry_run=dry_run
        )
        result.source = source
        try:
            table = open_table(source)
        except UnreadableFile as error:
            result.errors.append(RowError(None, "", "", str(error)))
            return result
        header = self._header(table, result)
        if header is None:
            return result
        self.header = header
        self.rules = ModelRules(self.model)
        self._readers = self._cell_readers(header)
        self._first_row_of_key: dict[str, int] = {}
        self.prepare_file()
        collecting = gc.isenabled()
        # Rows, instances and memos are many objects without cycles; the cyclic collector walking them
        # all every few thousand allocations costs ~8% of an import. Reference counting frees them.
        gc.disable()
        try:
            if dry_run:
                with self.validation_context():
                    self._read_chunks(table, result, None)
            else:
                self._import(table, result, user)
        except UnreadableFile as error:  # a stream that turns unreadable halfway (encoding)
            result.errors.append(RowError(None, "", "", str(error)))
            result.batch_id = None
        finally:
            if collecting:
                gc.enable()
        if not result.rows and not result.errors:
            result.errors.append(RowError(None, "", "", _("表头下面没有数据行。")))
        result.errors.sort(key=lambda error: (error.row or 0, error.column))
        self.progress(result.rows, result.rows)
        return result

    def _header(self, table: TableStream, result: ImportResult) -> Header | None:
        header = locate_header(table.head, self.columns)
        if header is None:
            expected = "、".join(str(spec.label) for spec in self.columns if spec.required)
            result.errors.append(
                RowError(
                    None,
                    "",
                    "",
                    _("找不到表头：前 30 行中没有包含这些列的行：{columns}。").format(columns=expected),
                )
            )
            return None
        missing = [spec for spec in self.columns if spec.required and spec.name not in header.columns]
        for spec in missing:
            result.errors.append(
                RowError(
                    header.row_index + 1,
                    spec.label,
                    "",
                    _("缺少必填列“{column}”。").format(column=spec.label),
                )
            )
        return None if missing else header

    def _import(self, table: TableStream, result: ImportResult, user) -> None:
        """Read, validate and write chunk by chunk in one transaction; roll it all back on any error, and
        when nothing changed (re-importing a file records no batch)."""
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=ImportBatch.Kind.IMPORT,
                label=result.filename[:200],
                file_hash=result.file_hash,
                created_by=user if getattr(user, "pk", None) else None,
                parameters={"importer": self.kind},
            )
            self.batch = batch
            note = f"import {self.kind}"
            with (
                change_context(user=user, source="import", import_batch=batch, note=note),
                self.validation_context(),
            ):
                writes = (
                    OverlappedWrites(self.model, BulkWriter(), self.chunk_rows)
                    if self.bulk_writes
                    else _SAVE_EACH
                )
                try:
                    with (
                        _foreign_keys_checked_per_write(self.bulk_writes),
                        _threads_switched_often(self.bulk_writes),
                    ):
                        self._read_chunks(table, result, writes)
                except DatabaseError as error:  # e.g. a code another user imported a moment ago
                    result.errors.append(
                        RowError(
                            None, "", "", _("数据库拒绝写入，未导入任何数据：{reason}").format(reason=error)
                        )
                    )
            if result.errors or not (result.counts["new"] or result.counts["changed"]):
                transaction.set_rollback(True)
                return
            batch.counts = dict(result.counts)
            batch.finished = timezone.now()
            batch.save(update_fields=["counts", "finished"])
        result.batch_id = batch.pk

    def _read_chunks(self, table: TableStream, result: ImportResult, writes) -> None:
        header = self.header
        rows = enumerate(table.rows(), start=1)  # Excel's row numbers
        data_rows = ((number, raw) for number, raw in rows if number > header.row_index + 1)
        size = self.chunk_rows or float("inf")
        # The first chunk is a fifth of the others: the database has nothing to write until a chunk is
        # checked, and from then on it writes one chunk while the next is checked.
        limit = max(size // 5, 1) if self.chunk_rows else size
        total = self._estimated_rows = max(table.estimated_rows - header.row_index - 1, 0)
        chunk: list[tuple[int, list]] = []
        try:
            for item in data_rows:
                chunk.append(item)
                if len(chunk) >= limit:
                    self._chunk(chunk, result, writes)
                    chunk, limit = [], size
                    self.progress(result.rows, max(total, result.rows))
            if chunk:
                self._chunk(chunk, result, writes)
            if isinstance(writes, OverlappedWrites) and not result.errors:
                writes.wait()
                writes.start(*writes.pending)
        finally:
            if isinstance(writes, OverlappedWrites):
                writes.wait()  # the connection is the transaction's again, whatever happened

    def _chunk(self, chunk: list[tuple[int, list]], result: ImportResult, writes) -> None:
        self.table_rows = [raw for _number, raw in chunk]
        overlapped = isinstance(writes, OverlappedWrites)
        names, columns, odd_rows = self._read_columns(chunk)  # while the previous chunk is written
        if overlapped:
            writes.wait()  # the previous chunk is written: the connection is free for this one's queries
        self.chunk_values = dict(zip(names, columns, strict=True))
        self.prepare(self._natural_keys(names, columns))
        if overlapped and not result.errors:
            writes.reserve_ids(len(chunk))  # for this chunk's rows checked as columns
            writes.start(*writes.pending)  # written while this chunk is checked
        columnar = self._columnar_rows(chunk, odd_rows)
        taken = set(columnar.positions) if columnar else set()
        handed_over = 0  # columnar rows given to `columnar_rows_checked` so far
        parsed = []
        width = len(names)
        rows_of_cells = zip(*columns, strict=True) if columns else [()] * len(chunk)
        for index, ((number, raw), cells) in enumerate(zip(chunk, rows_of_cells, strict=True)):
            if index in taken:
                row = None
            elif cells.count(None) == width:
                row = None  # blank lines between blocks, or the sheet's formatted-but-empty tail
            else:
                if columnar:  # the columnar rows above this one are handed over first: file order
                    above = bisect_left(columnar.positions, index)
                    if above > handed_over:
                        self.columnar_rows_checked(columnar, range(handed_over, above))
                        handed_over = above
                if index in odd_rows:  # a blank required cell or an unreadable one
                    row = self._odd_row(number, raw, cells, result)
                else:
                    values = dict(zip(names, cells, strict=True))
                    row = self._check_row_values(number, raw, values, [], result)
            if row is not None:
                parsed.append(row)
            if (index + 1) % PROGRESS_EVERY == 0:
                done = result.rows + index + 1
                self.progress(done, max(self._estimated_rows, done))
        if columnar and handed_over < len(columnar):
            self.columnar_rows_checked(columnar, range(handed_over, len(columnar)))
        result.rows += len(parsed) + len(taken)
        self._check_duplicate_keys(parsed, result)
        if columnar:
            self._first_row_of_key.update(zip(columnar.keys, columnar.numbers, strict=True))
        if result.errors:
            return  # keep validating the rest of the file, but write nothing more
        self._compare(parsed, columnar, result)
        if overlapped:
            writes.pending = (parsed, writes.prepare(columnar))
        elif writes is _SAVE_EACH:
            for row in parsed:
                if row.existing is None or row.changed_fields:
                    self.save(row, self.batch)

    def _columnar_rows(self, chunk: list[tuple[int, list]], odd_rows: set[int]) -> ColumnarRows | None:
        """The rows `columnar_rows` checks as columns: complete, readable, and with a natural key named
        once — a key named twice takes the row path, where the later row gets its error."""
        if not (self.bulk_writes and self.natural_key in self.chunk_values):
            return None
        keys = self.chunk_values[self.natural_key]
        seen, counts = self._first_row_of_key, Counter(keys)
        candidates = [
            index
            for index, key in enumerate(keys)
            if type(key) is str and counts[key] == 1 and key not in seen and index not in odd_rows
        ]
        if not candidates:
            return None
        columnar = self.columnar_rows(candidates, self.chunk_values)
        if columnar is not None:
            columnar.numbers = [chunk[index][0] for index in columnar.positions]
        return columnar or None

    def _read_columns(self, chunk: list[tuple[int, list]]) -> tuple[list[str], list[list], set[int]]:
        """The chunk read column by column: the spec names of the columns present, each one's values in
        row order (None for a blank-looking cell), and the rows (indexes in the chunk) where a cell is
        unreadable or a required one blank — those get a message for each such cell (`_odd_row`).

        Column by column, a cell costs a dictionary lookup in a list comprehension (each distinct cell is
        parsed once, `_read_column`); the rows then take their values with `zip`, in C. Read row by row,
        the loop over a row's cells cost more than the checks of the row."""
        names, columns, odd_rows = [], [], set()
        # The chunk transposed in C: every column of the sheet, a row too short for one gives it None.
        sheet_columns = list(zip_longest(*[raw for _number, raw in chunk]))
        missing = (None,) * len(chunk)
        for spec, column, memo, parse in self._readers:
            cells = sheet_columns[column] if column < len(sheet_columns) else missing
            values = _read_column(cells, parse, memo)
            odd = [index for index, value in enumerate(values) if value is _BLANK or type(value) is CellError]
            for index in odd:
                if values[index] is _BLANK:
                    values[index] = None
                    if spec.required:
                        odd_rows.add(index)
                else:
                    odd_rows.add(index)
            if spec.required:  # a cell left empty (no cell at all) in a required column
                odd_rows.update(index for index, cell in enumerate(cells) if cell is None)
            names.append(spec.name)
            columns.append(values)
        return names, columns, odd_rows

    def _natural_keys(self, names: list[str], columns: list[list]) -> set[str]:
        """The natural keys a chunk names (read as its rows are), for `prepare`."""
        if self.natural_key not in names:
            return set()
        keys = set(columns[names.index(self.natural_key)])
        return {key for key in keys if type(key) is str}  # not blank, not unreadable

    def column_texts(self, name: str) -> set[str]:
        """The distinct non-blank cells of one column (as text) in the rows being read, e.g. the project
        codes a chunk names, for `prepare` to load their objects in one query."""
        column = self.header.columns.get(name) if name else None
        if column is None:
            return set()
        return {
            as_text(row[column]) for row in self.table_rows if column < len(row) and not is_blank(row[column])
        }

    # -- one row --------------------------------------------------------------------------------------------
    def _cell_readers(self, header: Header) -> list[tuple]:
        """(spec, column index, memo, parser) for each column present: the memo keeps what each distinct
        cell read as (a year, a division name, 是/否 repeat on every row)."""
        readers = []
        for spec in self.columns:
            if spec.name in header.columns:
                unit = header.units.get(spec.name) or header.table_unit
                readers.append((spec, header.columns[spec.name], {}, self.cell_parser(spec, unit)))
        return readers

    def _odd_row(self, number: int, raw: list, cells: tuple, result: ImportResult) -> ParsedRow:
        """A row with an unreadable cell or a blank required one (`cells`: its values as the columns read
        them): checked like any other, with a message for each such cell."""
        values, problems = {}, []
        for (spec, column, _memo, _parse), value in zip(self._readers, cells, strict=True):
            cell = raw[column] if column < len(raw) else None
            if type(value) is CellError:
                problems.append((spec.name, cell, str(value)))
                continue
            values[spec.name] = value
            if value is None and spec.required:
                problems.append((spec.name, cell, _("必填项为空。")))
        return self._check_row_values(number, raw, values, problems, result)

    def _check_row_values(
        self, number: int, raw: list, values: dict, problems: list[tuple], result: ImportResult
    ) -> ParsedRow:
        """A row read: build its object, check it, and record its errors (`problems`: its unreadable and
        blank required cells, as (spec name, cell, message))."""
        row = ParsedRow(number=number, raw=raw, columns=self.header.columns)
        errors = [self._error(row, name, cell, message) for name, cell, message in problems]
        row.key = values.get(self.natural_key) if self.natural_key else None
        try:
            # Built even when a cell was unreadable, so that unknown names in the same row are reported
            # too; the model's rules run only on a complete row.
            instance = self.build(row, values)
            self.check_row(row, instance)
            if not errors:
                self.validate(instance)
        except RowErrors as error:
            errors += [self._error(row, name, row.cells.get(name), message) for name, message in error.items]
        except ValidationError as error:
            errors += self._validation_errors(row, error)
        else:
            row.instance = instance
        result.errors.extend(errors)
        return row

    def validate(self, instance) -> None:
        """The model's rules without a query per row (`rules.ModelRules`): fields and `clean()` as
        `full_clean()` runs them, references the resolvers found left out (they exist), check constraints
        in Python; uniqueness is the importer's (natural keys), and the database backstops all."""
        self.rules.validate(instance)

    def validation_context(self):
        """A context kept open while the rows are validated (e.g. the pairings preloaded)."""
        return nullcontext()

    def cell_parser(self, spec: ColumnSpec, unit: str | None) -> Callable:
        """The function that reads a non-blank cell of `spec`'s column, raising `CellError`."""
        from . import values as cell

        if spec.kind == "amount":
            return cell.AmountCellParser(unit or spec.unit)
        if spec.kind == "date":
            return partial(cell.parse_date, ends_period=True) if spec.ends_period else cell.parse_date
        if spec.kind == "int":
            return cell.parse_int
        if spec.kind == "bool":
            return cell.parse_bool
        if spec.kind == "choice":
            lookup = cell.choice_lookup(spec.choices)
            labels = [str(label) for _, label in spec.choices]
            return lambda raw: cell.parse_choice(raw, lookup, labels)
        return cell.as_text  # blank-looking cells never reach a parser (`_read_cell`)

    def _validation_errors(self, row: ParsedRow, error: ValidationError) -> list[RowError]:
        """Model errors keyed by field, put on the column that feeds the field (else the row as a whole)."""
        column_of = self.field_columns()
        found = []
        if not hasattr(error, "error_dict"):  # a rule about the row as a whole (a check constraint)
            return [self._error(row, "", None, message) for message in error.messages]
        for field_name, messages in error.message_dict.items():
            spec_name = column_of.get(field_name, field_name)
            for message in messages:
                found.append(self._error(row, spec_name, row.cells.get(spec_name), message))
        return found

    def field_columns(self) -> dict[str, str]:
        """Model field → the spec (column) that feeds it; the same name unless an importer says otherwise."""
        return {spec.name: spec.name for spec in self.columns}

    def _error(self, row: ParsedRow, spec_name: str, raw, message: str) -> RowError:
        spec = next((spec for spec in self.columns if spec.name == spec_name), None)
        column = self.header.titles.get(spec_name) or (spec.label if spec else "")
        value = "" if raw is None else as_text(raw)  # 700.0 from a spreadsheet shows as 700
        return RowError(row.number, column, value, str(message), self.header.columns.get(spec_name))

    def _check_duplicate_keys(self, parsed: list[ParsedRow], result: ImportResult) -> None:
        if not self.natural_key:
            return  # e.g. the ledger: identical rows are separate postings
        first_row = self._first_row_of_key
        for row in parsed:
            key = row.key
            if not key:
                continue
            if key in first_row:
                result.errors.append(
                    self._error(
                        row,
                        self.natural_key,
                        key,
                        _("与第 {row} 行重复：同一文件中编号须唯一。").format(row=first_row[key]),
                    )
                )
            else:
                first_row[key] = row.number

    # -- comparing and writing --------------------------------------------------------------------------
    def _compare(self, parsed: list[ParsedRow], columnar: ColumnarRows | None, result: ImportResult) -> None:
        """Count the chunk's rows as new, changed or unchanged, and list the first changes in row order."""
        from ..changelog import serialize_object

        changes_before = len(result.changes)
        room = max(MAX_CHANGES_SHOWN - changes_before, 0)
        if columnar:
            result.counts["new"] += len(columnar)
            result.changes += [
                {"row": number, "key": key, "action": "new"}
                for number, key in zip(columnar.numbers[:room], columnar.keys[:room], strict=True)
            ]
        # With columnar rows, up to a full list of each kind; then the first in file order are kept.
        limit = len(result.changes) + room if columnar else MAX_CHANGES_SHOWN
        for row in parsed:
            if row.existing is None:
                result.counts["new"] += 1
                if len(result.changes) < limit:
                    result.changes.append({"row": row.number, "key": self._key(row), "action": "new"})
                continue
            stored, read = row.existing.__dict__, row.instance.__dict__
            row.changed_fields = [name for name in self._compared_fields if stored[name] != read[name]]
            if row.changed_fields:
                result.counts["changed"] += 1
                if len(result.changes) < limit:
                    before, after = serialize_object(row.existing), serialize_object(row.instance)
                    result.changes.append(
                        {
                            "row": row.number,
                            "key": self._key(row),
                            "action": "changed",
                            "fields": {
                                name: {"from": before.get(name), "to": after.get(name)}
                                for name in row.changed_fields
                            },
                        }
                    )
            else:
                result.counts["unchanged"] += 1
        if columnar:  # both kinds of rows, in file order, up to the limit
            chunk_changes = sorted(result.changes[changes_before:], key=lambda change: change["row"])
            result.changes[changes_before:] = chunk_changes[:room]

    @cached_property
    def _compared_fields(self) -> list[str]:
        """What makes a row "changed": every stored field but the key and the timestamps."""
        ignored = {"id", "created", "last_updated"}
        return sorted(f.attname for f in self.model._meta.concrete_fields if f.attname not in ignored)

    def _key(self, row: ParsedRow) -> str:
        return str(getattr(row.instance, self.natural_key, "")) if self.natural_key else str(row.instance)

    def save(self, row: ParsedRow, batch: ImportBatch) -> None:
        row.instance.save()


_SAVE_EACH = object()  # the writes of importers without bulk writes: `Importer.save` per row, at once


class OverlappedWrites:
    """Writes a checked chunk while the next one is checked: on PostgreSQL a thread streams the chunk's
    COPY over the import's own connection (and transaction), so the server inserts on one core while
    Python validates on the other. One chunk in flight at most; `wait()` before the connection is used
    again. On SQLite the writes run at once, in the importing thread.
    """

    def __init__(self, model, writer: BulkWriter, chunk_rows: int | None = None):
        self.model = model
        self.writer = writer
        # checked, waiting for the connection: the rows checked one by one, and those checked as columns
        self.pending: tuple[list[ParsedRow], PreparedWrite | None] = ([], None)
        self._ids: list[int] = []  # reserved for the chunk being checked
        self._next_ids: list[int] = []  # reserved by the writing thread for the next chunk
        self.chunk_rows = chunk_rows
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        ContentType.objects.get_for_model(model)  # cached now: the thread must not query for it

    def reserve_ids(self, count: int) -> None:
        """Keys for up to `count` rows checked as columns, so that their COPY text is built as soon as they
        are checked: those the writing thread reserved after its last write, else reserved now. Keys left
        unused are gaps in the sequence."""
        ready, self._next_ids = self._next_ids, []
        self._ids = ready if len(ready) >= count else list(self.writer.reserve_ids(self.model, count))

    def prepare(self, columnar: ColumnarRows | None) -> PreparedWrite | None:
        """The COPY text of rows checked as columns, built here in the checking thread (`start` sends it)."""
        if not columnar:
            return None
        columnar.fields["id"] = self._ids[: len(columnar)]
        return self.writer.prepare_columns(self.model, columnar.fields, columnar.reprs)

    def start(self, parsed: list[ParsedRow], prepared: PreparedWrite | None = None) -> None:
        new = [row.instance for row in parsed if row.existing is None]
        changed = [row for row in parsed if row.changed_fields]
        self.pending = ([], None)
        if not (new or changed or prepared):
            return
        self.writer.assign_ids(self.model, new)  # a query: here, while the connection is free
        if self.writer.vendor != "postgresql":
            self._write(new, changed, prepared)
            return
        self.writer.connection.inc_thread_sharing()
        self._thread = threading.Thread(
            target=self._run, args=(new, changed, prepared), name="duikou-import-writes"
        )
        self._thread.start()

    def wait(self) -> None:
        """Block until the chunk in flight is written; raise what writing it raised."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self.writer.connection.dec_thread_sharing()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _run(self, *writes) -> None:
        try:
            self._write(*writes)
            if self.chunk_rows:  # the next chunk's keys, while the connection is still this thread's
                self._next_ids = list(self.writer.reserve_ids(self.model, self.chunk_rows))
        except BaseException as error:  # re-raised in the importing thread by wait()
            self._error = error

    def _write(self, new: list, changed: list[ParsedRow], prepared: PreparedWrite | None) -> None:
        if prepared:
            self.writer.write_prepared(prepared)
        if new:
            self.writer.create(self.model, new)
        if changed:
            self.writer.update(
                self.model, [row.instance for row in changed], [row.existing for row in changed]
            )


def any_of_texts(texts) -> list[str] | RawSQL:
    """The right side of a `field__in=` lookup on a text column for a chunk's thousands of keys.

    On PostgreSQL one parameter: Django writes a placeholder per value and psycopg binds each, ~70 ms for
    5,000 new codes against ~25 for an array, and ~16 for the texts joined by line breaks and split by the
    server — per chunk, while the writing thread waits for the connection. (An import's keys are
    normalised text, which has no line break; texts that have one go as an array.) Elsewhere the list
    itself."""
    texts = list(texts)
    if connection.vendor != "postgresql":
        return texts
    joined = "\n".join(texts)
    if texts and "" not in texts and joined.count("\n") == len(texts) - 1:
        return RawSQL("SELECT unnest(string_to_array(%s, E'\\n'))", [joined])
    return RawSQL("SELECT unnest(%s::text[])", [texts])


@contextmanager
def _foreign_keys_checked_per_write(bulk_writes: bool):
    """On PostgreSQL, check the foreign keys of the rows written as each chunk's COPY ends.

    Django declares them DEFERRABLE INITIALLY DEFERRED, so PostgreSQL would check every row's references
    (the project's supporter, division, category …, the change-log row's batch and content type) at
    COMMIT, after the last chunk, while Python waits — ~1 s per 100,000 rows. Checked per statement,
    they run in the writing thread while the next chunk is validated. The same checks, earlier; the
    transaction's default is restored after (Duikou has no other deferrable constraint)."""
    if not bulk_writes or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield  # after an exception the transaction is rolled back, and the setting with it
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def _threads_switched_often(bulk_writes: bool):
    """On PostgreSQL, while a thread sends each chunk: the GIL changes hands every millisecond rather than
    every five (Python's default), so the writing thread gets it soon after its socket takes more data, and
    the server waits less for the rest of a chunk — ~0.5 s less of a 100,000-row import, measured
    (docs/decisions/0006). The interval is the process's: restored after."""
    if not bulk_writes or connection.vendor != "postgresql":
        yield
        return
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, 0.001))
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


_BLANK = object()  # what a cell reader returns for a blank-looking cell
MEMO_LIMIT = 20_000  # distinct cells remembered per column; past it the memo starts again (memory)


def _read_column(cells: list, parse: Callable, memo: dict) -> list:
    """What each cell of a column reads as (`_BLANK`, the parsed value or a `CellError`), each distinct
    cell parsed once and remembered in `memo`; None for a missing cell."""
    get = memo.get
    read_plain = getattr(parse, "read_plain", None)
    if read_plain is not None:  # amounts: the plain ones at once, without a memo (nearly all differ)
        values = read_plain(cells, _UNSEEN)
    elif parse is as_text:
        # Text: most cells (codes, names) are canonical text, which reads as itself — one match, and no
        # memo of a million distinct names. Short cells may be blank markers ("无", "/"): read in full.
        canonical, longest = canonical_text().fullmatch, LONGEST_BLANK_MARKER
        values = [
            cell if type(cell) is str and len(cell) > longest and canonical(cell) else _UNSEEN
            for cell in cells
        ]
    else:
        # 1, 1.0 and True are equal keys; a spreadsheet's cell types must not share outcomes.
        values = [
            get(cell, _UNSEEN)
            if type(cell) is str
            else None
            if cell is None
            else get((type(cell), cell), _UNSEEN)
            for cell in cells
        ]
    for index in [index for index, value in enumerate(values) if value is _UNSEEN]:
        cell = cells[index]
        key = cell if type(cell) is str else (type(cell), cell)
        value = get(key, _UNSEEN)  # the same new cell twice in one chunk
        values[index] = _read_cell(cell, parse, memo, key) if value is _UNSEEN else value
    return values


def _read_cell(cell, parse: Callable, memo: dict, key):
    """A cell not read before: `_BLANK` when it only looks blank, else what `parse` makes of it or the
    `CellError` it raises — remembered under `key` for the next row."""
    if is_blank(cell):
        outcome = _BLANK
    else:
        try:
            outcome = parse(cell)
        except CellError as error:
            outcome = error
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = outcome
    return outcome


_UNSEEN = object()


def file_sha256(source: bytes | str | Path) -> str:
    if isinstance(source, bytes):
        return hashlib.sha256(source).hexdigest()
    digest = hashlib.sha256()
    with open(source, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class RowErrors(Exception):
    """Raised by `Importer.build` with (spec name, message) pairs for cells it cannot resolve."""

    def __init__(self, items: list[tuple[str, str]]):
        super().__init__(items)
        self.items = items
