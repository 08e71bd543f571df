"""The import engine: every importer declares its columns and how a row becomes an object; this runs it.

The rules (DESIGN.md, "Imports are all-or-nothing"; STYLE.md 15):

- **every** row is read and validated with the model's own rules (`full_clean()`), and **all** errors are
  reported at once — the row number as Excel shows it, the column header as the file writes it, the
  value, and the reason in the active language;
- a file with any error changes nothing; a clean file is written in one transaction, as one
  `ImportBatch` (file name, SHA-256, who, when, counts) that every change-log row points to;
- rows are matched to existing objects by natural key: a row equal to what is stored is left alone, so
  importing the same file twice changes nothing the second time (and records no batch);
- a dry run reports what would be new, changed and unchanged, with the changed fields, and writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..constraints import validate_check_constraints
from ..context import change_context
from ..models import ImportBatch
from .header import ColumnSpec, Header, locate_header
from .reading import UnreadableFile, read_table
from .values import CellError, as_text, is_blank

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
    source_rows: list[list] = field(default_factory=list, repr=False)  # the cells read, for annotation

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
    """A data row: its Excel number, the raw cells by spec name, and the object it builds."""

    number: int
    cells: dict[str, Any]
    instance: Any = None
    existing: Any = None
    changed_fields: list[str] = field(default_factory=list)


class Importer:
    """Subclasses declare `kind`, `model`, `columns` and `natural_key`, and implement `build(row, values)`.

    `build` returns the unsaved instance for a row (the stored one, updated, when the natural key exists),
    raising `RowErrors` for cells it cannot resolve. A value is None when its cell is blank or
    unreadable (the error is already recorded): `build` must accept that. Values arrive parsed by kind
    ("amount" in yuan using the header's unit, "date", "int", "bool", "choice"); reference kinds arrive
    as text for `build`.
    """

    kind = ""
    title = ""  # what the import page calls it: 年度项目计划
    model = None
    columns: list[ColumnSpec] = []
    natural_key = "code"

    def prepare(self, keys: set[str]) -> None:
        """Load what every row needs once per file: resolvers, and the stored objects whose natural keys
        (`keys`, as the file writes them) the file names."""

    def build(self, row: ParsedRow, values: dict[str, Any]):
        raise NotImplementedError

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
            source: the file's bytes, or its path on disk.
            filename: the name the user knows the file by (stored on the import batch).
            user: who imports, for the batch and the change log.
            dry_run: count and report, write nothing.
            progress: called every few thousand rows with (rows done, rows in the file).
        """
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        self.progress = progress or (lambda done, total: None)
        result = ImportResult(
            kind=self.kind, filename=filename, file_hash=hashlib.sha256(data).hexdigest(), dry_run=dry_run
        )
        try:
            table = read_table(data, filename)
        except UnreadableFile as error:
            result.errors.append(RowError(None, "", "", str(error)))
            return result
        result.source_rows = table.rows
        header = locate_header(table.rows, self.columns)
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
            return result
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
        if missing:
            return result
        self.header = header
        self.table_rows = table.rows
        self.prepare(self.column_texts(self.natural_key))
        with self.validation_context():
            parsed = self._parse_rows(table.rows, header, result)
        if not parsed and not result.errors:
            result.errors.append(RowError(None, "", "", _("表头下面没有数据行。")))
        self.progress(len(table.rows) - header.row_index - 1, len(table.rows) - header.row_index - 1)
        result.rows = len(parsed)
        self._check_duplicate_keys(parsed, header, result)
        if result.errors:
            return result
        self._compare(parsed, result)
        if dry_run or not (result.counts["new"] or result.counts["changed"]):
            return result
        self._commit(parsed, result, user)
        return result

    def column_texts(self, name: str) -> set[str]:
        """The distinct non-blank cells of one column (as text), e.g. the project codes a file names,
        for `prepare` to load their objects in one query."""
        column = self.header.columns.get(name) if name else None
        if column is None:
            return set()
        return {
            as_text(row[column])
            for row in self.table_rows[self.header.row_index + 1 :]
            if column < len(row) and not is_blank(row[column])
        }

    def _parse_rows(self, rows: list[list], header: Header, result: ImportResult) -> list[ParsedRow]:
        parsed = []
        total = len(rows) - header.row_index - 1
        for index in range(header.row_index + 1, len(rows)):
            done = index - header.row_index - 1
            if done % PROGRESS_EVERY == 0:
                self.progress(done, total)
            raw = rows[index]
            cells = {
                name: (raw[column] if column < len(raw) else None) for name, column in header.columns.items()
            }
            if all(is_blank(value) for value in cells.values()):
                continue  # blank lines between blocks, or the sheet's formatted-but-empty tail
            row = ParsedRow(number=index + 1, cells=cells)
            errors = self._build_row(row, header)
            result.errors.extend(errors)
            parsed.append(row)
        return parsed

    def _build_row(self, row: ParsedRow, header: Header) -> list[RowError]:
        errors, values = [], {}
        for spec in self.columns:
            if spec.name not in header.columns:
                continue
            raw = row.cells[spec.name]
            if is_blank(raw):
                if spec.required:
                    errors.append(self._error(row, spec.name, raw, _("必填项为空。")))
                values[spec.name] = None
                continue
            try:
                unit = header.units.get(spec.name) or header.table_unit
                values[spec.name] = self.parse_cell(spec, raw, unit)
            except CellError as error:
                errors.append(self._error(row, spec.name, raw, str(error)))
        try:
            # Built even when a cell was unreadable, so that unknown names in the same row are reported
            # too; the model's rules run only on a complete row.
            instance = self.build(row, values)
            if not errors:
                self.validate(instance)
        except RowErrors as error:
            errors += [self._error(row, name, row.cells.get(name), message) for name, message in error.items]
        except ValidationError as error:
            errors += self._validation_errors(row, error)
        else:
            row.instance = instance
        return errors

    def validate(self, instance) -> None:
        """The model's rules, without a query per row: fields and `clean()` as `full_clean()` runs them,
        references the resolvers found left out (they exist), check constraints evaluated in Python
        (core.constraints); uniqueness is the importer's (natural keys), and the database backstops all.
        """
        references = [
            field.name
            for field in instance._meta.concrete_fields
            if field.is_relation and getattr(instance, field.attname) is not None
        ]
        instance.full_clean(exclude=references, validate_unique=False, validate_constraints=False)
        validate_check_constraints(instance)

    def validation_context(self):
        """A context kept open while the rows are validated (e.g. the pairings preloaded)."""
        return nullcontext()

    def parse_cell(self, spec: ColumnSpec, raw, unit: str | None):
        from . import values as cell

        if spec.kind == "amount":
            return cell.parse_amount_cell(raw, unit or spec.unit)
        if spec.kind == "date":
            return cell.parse_date(raw)
        if spec.kind == "int":
            return cell.parse_int(raw)
        if spec.kind == "bool":
            return cell.parse_bool(raw)
        if spec.kind == "choice":
            lookup = cell.choice_lookup(spec.choices)
            return cell.parse_choice(raw, lookup, [str(label) for _, label in spec.choices])
        return cell.parse_text(raw)

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

    def _check_duplicate_keys(self, parsed: list[ParsedRow], header: Header, result: ImportResult) -> None:
        if not self.natural_key:
            return  # e.g. the ledger: identical rows are separate postings
        first_row: dict[str, int] = {}
        for row in parsed:
            key = row.cells.get(self.natural_key)
            if is_blank(key):
                continue
            key = as_text(key)
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
        result.errors.sort(key=lambda error: (error.row or 0, error.column))

    def _compare(self, parsed: list[ParsedRow], result: ImportResult) -> None:
        from ..changelog import serialize_object

        for row in parsed:
            if row.existing is None:
                result.counts["new"] += 1
                if len(result.changes) < MAX_CHANGES_SHOWN:
                    result.changes.append({"row": row.number, "key": self._key(row), "action": "new"})
                continue
            before, after = serialize_object(row.existing), serialize_object(row.instance)
            ignored = {"id", "created", "last_updated"}
            row.changed_fields = sorted(
                k for k in after if k not in ignored and before.get(k) != after.get(k)
            )
            if row.changed_fields:
                result.counts["changed"] += 1
                if len(result.changes) < MAX_CHANGES_SHOWN:
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

    def _key(self, row: ParsedRow) -> str:
        return str(getattr(row.instance, self.natural_key, "")) if self.natural_key else str(row.instance)

    def _commit(self, parsed: list[ParsedRow], result: ImportResult, user) -> None:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=ImportBatch.Kind.IMPORT,
                label=result.filename[:200],
                file_hash=result.file_hash,
                created_by=user if getattr(user, "pk", None) else None,
                parameters={"importer": self.kind},
            )
            with change_context(user=user, source="import", import_batch=batch, note=f"import {self.kind}"):
                for row in parsed:
                    if row.existing is None or row.changed_fields:
                        self.save(row, batch)
            batch.counts = dict(result.counts)
            batch.finished = timezone.now()
            batch.save(update_fields=["counts", "finished"])
        result.batch_id = batch.pk

    def save(self, row: ParsedRow, batch: ImportBatch) -> None:
        row.instance.save()


class RowErrors(Exception):
    """Raised by `Importer.build` with (spec name, message) pairs for cells it cannot resolve."""

    def __init__(self, items: list[tuple[str, str]]):
        super().__init__(items)
        self.items = items
