"""Bulk writes for large loads: PostgreSQL COPY, batched INSERTs on SQLite — change-logged.

The generator (and later the importers) produce rows as dicts keyed by field
attname. `BulkWriter.write()` reserves primary keys, streams the rows into the
table and streams one `ObjectChange` per row (action "create", the row as
its snapshot) in the same transaction, so a bulk load is as traceable as a
form save — and still at COPY speed (see docs/performance.md).
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from json.encoder import encode_basestring  # the C-accelerated string quoting of json

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from .context import require_change_context
from .models import ObjectChange

_encoder = DjangoJSONEncoder()
SQLITE_BATCH = 5_000


def _json_default(value):
    return _encoder.default(value)


def _sqlite_value(value):
    """The value as Django's SQLite backend would store it."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str, float)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return value


def snapshot_encoder(model) -> Callable[[dict], str]:
    """A function that writes a row's change-log snapshot as JSON text, fast.

    Gives the same text as `json.dumps(serialize_object(instance), ensure_ascii=False,
    cls=DjangoJSONEncoder)` would, but with one converter per column chosen up
    front instead of a `default()` call per Decimal and date: the snapshots are
    most of the work of a change-logged bulk load (docs/performance.md).
    """
    converters = [
        (field.attname, encode_basestring(field.attname) + ":", _converter_for(field))
        for field in _snapshot_fields(model)
    ]

    def encode(row: dict) -> str:
        return "{" + ",".join(key + convert(row[name]) for name, key, convert in converters) + "}"

    return encode


def _snapshot_fields(model) -> list:
    """The fields a snapshot holds: every concrete one but `last_updated` (see changelog.serialize_object)."""
    return [field for field in model._meta.concrete_fields if field.attname != "last_updated"]


def snapshot_texts(model, columns: dict[str, list]) -> list[str]:
    """The change-log snapshots of rows given as columns (attname → values), as `snapshot_encoder` writes
    them one row at a time: each column's distinct values are converted once, and each row is one string
    formatting — an import's new rows are mostly the same years, places and categories."""
    template, encoded = snapshot_columns(model, columns)
    return [template % parts for parts in zip(*encoded, strict=True)]


def snapshot_columns(model, columns: dict[str, list]) -> tuple[str, list[list[str]]]:
    """A snapshot's template (`{"id":%s,…}`) and, per field, each row's value as JSON text."""
    fields = _snapshot_fields(model)
    names = [field.attname for field in fields]
    encoded = [_each_distinct(columns[field.attname], _converter_for(field)) for field in fields]
    # JSON keys are attnames: no "%" to escape in the template.
    return "{" + ",".join(encode_basestring(name) + ":%s" for name in names) + "}", encoded


def snapshot_copy_columns(model, columns: dict[str, list], copied: dict[str, list[str]]) -> tuple[str, list]:
    """`snapshot_columns` for rows on their way into a COPY: the template and, per field, each row's value
    as JSON text already escaped for COPY, given `copied`, each column's COPY text (`copy_texts`).

    A column whose COPY text is already its JSON is taken as it is — whole numbers; and, in a quoted slot
    (`"%s"`), dates, amounts to the field's places and text without a character JSON escapes. An import's
    columns are mostly such, so its snapshots cost little more than the rows' own COPY text. The others are
    converted as `snapshot_columns` does."""
    slots, fragments = [], []
    for field in _snapshot_fields(model):
        values, texts = columns[field.attname], copied[field.attname]
        slot = _json_slot(field, values, texts)
        if slot is None:
            slot, texts = "%s", copy_texts(_each_distinct(values, _converter_for(field)))
        slots.append(encode_basestring(field.attname) + ":" + slot)
        fragments.append(texts)
    return "{" + ",".join(slots) + "}", fragments


_JSON_ESCAPED = re.compile(r'[\x00-\x1f"\\]')  # what json.dumps escapes in a string (ensure_ascii=False)


def _json_slot(field, values: list, texts: list[str]) -> str | None:
    """The snapshot template's slot for a column whose COPY text `texts` is its JSON as it is; None if not."""
    kinds = set(map(type, values))
    if len(kinds) != 1:  # with None (JSON null, COPY \N) or mixed
        return None
    kind, internal = kinds.pop(), field.get_internal_type()
    if kind is str and internal in _TEXT_FIELDS:
        return None if _JSON_ESCAPED.search("".join(values)) else '"%s"'
    if kind is datetime.date and internal == "DateField":
        return '"%s"'
    if kind is Decimal and internal == "DecimalField":
        return '"%s"' if _to_places(field.decimal_places).fullmatch("\n".join(texts) + "\n") else None
    if kind is int and internal not in _CONVERTED_FIELDS:  # `_converter_for`'s whole numbers and keys
        return "%s"
    return None


@lru_cache
def _to_places(places: int) -> re.Pattern:
    """Lines of plain decimals written to `places` places, as `str(Decimal)` writes them when quantised."""
    fraction = rf"\.\d{{{places}}}" if places else ""
    return re.compile(rf"(?:-?\d+{fraction}\n)*")


def _copy_lines(columns: list[list[str]]) -> str:
    """COPY text from its columns' texts (`copy_texts`): rows joined in C, ~3× less Python than a
    `write_row` per row."""
    text = "\n".join(map("\t".join, zip(*columns, strict=True)))
    return text + "\n" if text else ""


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_texts(values: list) -> list[str]:
    """A column's values as PostgreSQL's COPY text format writes them (None as \\N, backslashes, tabs and
    line breaks escaped), each distinct value converted once."""
    if set(map(type, values)) == {str}:
        joined = "".join(values)
        if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
            return [value.translate(_COPY_ESCAPES) for value in values]
        return values
    return _each_distinct(values, _copy_text)


def _each_distinct(values: list, convert: Callable[[object], str]) -> list[str]:
    """`convert` of each value, called once per distinct value when the column holds one type (with None):
    1 and True are equal keys, and equal Decimals ("1.0", "1.00") must convert alike — they do here, where
    numbers are written as the column's places or as the database reads them."""
    kinds = set(map(type, values))
    if len(kinds) == 1 and values.count(values[0]) == len(values):
        return [convert(values[0])] * len(values)  # a default the file does not give: one value
    kinds.discard(type(None))
    distinct = set(values) if len(kinds) <= 1 else values
    if len(distinct) * 2 > len(values):  # mostly distinct (codes, names): remembering costs more
        return [convert(value) for value in values]
    texts = {value: convert(value) for value in distinct}
    return [texts[value] for value in values]


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)  # numbers, UUIDs


_TEXT_FIELDS = ("CharField", "TextField", "SlugField", "EmailField", "URLField")
# The fields `_converter_for` writes otherwise than as whole numbers.
_CONVERTED_FIELDS = (
    *_TEXT_FIELDS,
    "BooleanField",
    "DecimalField",
    "DateField",
    "DateTimeField",
    "UUIDField",
    "JSONField",
)


def _converter_for(field) -> Callable[[object], str]:
    kind = field.get_internal_type()
    if kind in _TEXT_FIELDS:
        return lambda value: "null" if value is None else encode_basestring(value)
    if kind == "BooleanField":
        return lambda value: "null" if value is None else ("true" if value else "false")
    if kind == "DecimalField":
        places = Decimal(1).scaleb(-field.decimal_places)
        return lambda value: "null" if value is None else '"' + str(Decimal(value).quantize(places)) + '"'
    if kind == "DateField":
        return lambda value: "null" if value is None else '"' + value.isoformat() + '"'
    if kind in ("DateTimeField", "UUIDField"):
        cache: dict = {}  # bulk rows share their timestamps

        def convert(value):
            if value is None:
                return "null"
            if value not in cache:
                cache[value] = json.dumps(_json_default(value))
            return cache[value]

        return convert
    if kind == "JSONField":
        return lambda value: json.dumps(value, ensure_ascii=False, default=_json_default)
    return lambda value: "null" if value is None else str(int(value))  # integers and foreign keys


# The change log's columns a bulk write fills: the constants of `_change_constants`, then the row's own.
_CHANGE_COLUMNS = [
    "time",
    "user_id",
    "user_name",
    "source",
    "request_id",
    "import_batch_id",
    "action",
    "changed_object_type_id",
    "changed_object_id",
    "object_repr",
    "prechange_data",
    "postchange_data",
    "note",
]


@dataclass
class PreparedWrite:
    """New rows of one model and their change-log rows, ready to send (`BulkWriter.prepare_columns`)."""

    model: type
    count: int
    statements: list[tuple[str, list[str], str | list[list]]]  # (table, columns, COPY text or values)


class BulkWriter:
    """Writes many rows of logged models fast, with their change-log rows.

    Use inside `transaction.atomic()` and a change context; call `finish()`
    at the end to move the id sequences past the reserved keys (PostgreSQL).
    """

    def __init__(self, using=None):
        self.context = require_change_context()
        # This thread's connection itself, not the `connection` proxy (which resolves per thread): a thread
        # writing for an import shares the importer's connection and so its transaction.
        self.connection = using or connections[DEFAULT_DB_ALIAS]
        self.vendor = self.connection.vendor
        self.counts: dict[str, int] = {}
        self._reserved: dict[str, int] = {}  # SQLite: keys handed out but not yet written, per table
        self._sequences: dict[str, str] = {}  # PostgreSQL: the key sequence of each table
        self._written_models: list = []
        self._now = timezone.now()

    # -- keys ---------------------------------------------------------------
    def reserve_ids(self, model, count: int) -> Iterable[int]:
        """Primary keys for `count` new rows, so rows can point at each other before they are written."""
        if count <= 0:
            return range(0)
        table = model._meta.db_table
        self.connection.ensure_connection()
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # The sequence is looked up once (per key, it cost an import 30 ms per 5,000 keys while
                # the next chunk waited for the connection), and one row comes back: the keys are
                # consecutive unless another session took some meanwhile — only then the list of them.
                if table not in self._sequences:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    self._sequences[table] = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 <> count(*) "
                    "THEN array_agg(id ORDER BY id) END "
                    "FROM (SELECT nextval(%s::regclass) AS id FROM generate_series(1, %s)) AS keys",
                    [self._sequences[table], count],
                )
                low, high, scattered = cursor.fetchone()
                return scattered if scattered is not None else range(low, high + 1)
            # SQLite allows one writer at a time, so MAX(id) cannot move under us.
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
            start = max(cursor.fetchone()[0] + 1, self._reserved.get(table, 0))
            self._reserved[table] = start + count
            return range(start, start + count)

    # -- writing ------------------------------------------------------------
    def write(self, model, rows: list[dict], describe: Callable[[dict], str], *, log: bool = True) -> int:
        """Insert `rows` (dicts by attname, with `id`) into `model`'s table, and their change-log rows.

        Args:
            model: the model class.
            rows: one dict per row; every concrete field's attname present.
            describe: the object's `str()` for the change log, computed from the row.
            log: False only for models outside the change log (e.g. demo labels).
        """
        if not rows:
            return 0
        fields = model._meta.concrete_fields
        columns = [field.attname for field in fields]
        json_columns = {field.attname for field in fields if field.get_internal_type() == "JSONField"}
        if json_columns:
            dumps = json.dumps
            values = (
                [
                    dumps(row[c], ensure_ascii=False, default=_json_default) if c in json_columns else row[c]
                    for c in columns
                ]
                for row in rows
            )
        else:
            values = ([row[c] for c in columns] for row in rows)
        self._copy(model._meta.db_table, columns, values)
        if log:
            self._write_changes(model, columns, rows, describe)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)
        self._written_models.append(model)
        return len(rows)

    def create(self, model, instances: list) -> int:
        """Insert unsaved, validated `instances` with their change-log rows (an import's new objects).

        Instances without a primary key get one here (`assign_ids` beforehand saves that query)."""
        self.assign_ids(model, instances)
        attnames = {field.attname for field in model._meta.concrete_fields}
        stamps = [name for name in ("created", "last_updated") if name in attnames]
        names = {}
        for instance in instances:
            for name in stamps:
                instance.__dict__[name] = self._now
            names[instance.pk] = str(instance)
        # An instance's __dict__ holds every concrete field by attname: the row itself, no copy.
        return self.write(model, [instance.__dict__ for instance in instances], lambda row: names[row["id"]])

    def create_columns(self, model, columns: dict[str, list], reprs: list[str]) -> int:
        """Insert new rows given as columns (attname → values: every concrete field, the timestamps aside)
        with their change-log rows: an import's rows checked as columns (core.imports.ColumnarRows), written
        without an object per row."""
        return self.write_prepared(self.prepare_columns(model, columns, reprs))

    def prepare_columns(self, model, columns: dict[str, list], reprs: list[str]) -> PreparedWrite:
        """What `create_columns` sends, made ready: on PostgreSQL the COPY text of the rows and of their
        change-log rows. Separate so that an import builds it in its checking thread, and its writing thread
        only sends (`write_prepared`) — a thread sending while the other computes holds the GIL for
        little; one that also formats waits for it at every step (docs/decisions/0006)."""
        count = len(reprs)
        if "id" not in columns:
            columns["id"] = list(self.reserve_ids(model, count))
        attnames = [field.attname for field in model._meta.concrete_fields]
        for name in ("created", "last_updated"):
            if name in attnames:
                columns[name] = [self._now] * count
        values = dict(columns)
        for field in model._meta.concrete_fields:
            if field.get_internal_type() == "JSONField":
                values[field.attname] = [
                    json.dumps(value, ensure_ascii=False, default=_json_default)
                    for value in columns[field.attname]
                ]
        reprs = [text[:200] for text in reprs]
        table = model._meta.db_table
        if self.vendor == "postgresql":
            copied = {name: copy_texts(values[name]) for name in attnames}  # each column's COPY text
            rows = (table, attnames, _copy_lines([copied[name] for name in attnames]))
            changes = (
                ObjectChange._meta.db_table,
                _CHANGE_COLUMNS,
                self._change_log_text(model, columns, copied, reprs),
            )
            return PreparedWrite(model, count, [rows, changes])
        change_values = [[constant] * count for constant in self._change_constants(model, "create")]
        change_values += [
            columns["id"],
            reprs,
            [None] * count,
            snapshot_texts(model, columns),
            [self.context.note[:200]] * count,
        ]
        changes = (ObjectChange._meta.db_table, _CHANGE_COLUMNS, change_values)
        return PreparedWrite(model, count, [(table, attnames, [values[name] for name in attnames]), changes])

    def _change_log_text(self, model, columns: dict[str, list], copied: dict[str, list[str]], reprs) -> str:
        """The COPY text of the change-log rows of new rows given as columns (`copied`: their COPY text),
        each line one string formatting: the constants, the id, the name, no snapshot before, the snapshot
        after (`snapshot_copy_columns`) and the note. COPY's escaping is applied to each piece — escaping
        a concatenation is concatenating the escaped pieces."""
        fixed = [_copy_text(value) for value in self._change_constants(model, "create")]
        note = _copy_text(self.context.note[:200])
        snapshot, fragments = snapshot_copy_columns(model, columns, copied)
        template = "\t".join([*(text.replace("%", "%%") for text in fixed), "%s", "%s", "\\N"])
        template += "\t" + snapshot + "\t" + note.replace("%", "%%")
        lines = [template % parts for parts in zip(copied["id"], copy_texts(reprs), *fragments, strict=True)]
        return "\n".join(lines) + "\n" if lines else ""

    def write_prepared(self, prepared: PreparedWrite) -> int:
        for table, columns, data in prepared.statements:
            if isinstance(data, str):  # PostgreSQL's COPY text, built by `prepare_columns`
                if data:
                    with self._copy_in(table, columns) as copy:
                        copy.write(data)
            else:
                self._copy(table, columns, zip(*data, strict=True))
        model = prepared.model
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + prepared.count
        self._written_models.append(model)
        return prepared.count

    def assign_ids(self, model, instances: list) -> None:
        """Reserve primary keys for the instances that have none."""
        missing = [instance for instance in instances if instance.pk is None]
        for instance, key in zip(missing, self.reserve_ids(model, len(missing)), strict=True):
            instance.pk = key

    def update(self, model, instances: list, before: list) -> int:
        """Write changed `instances` over their rows, logging each with `before` (the stored objects) and
        after. PostgreSQL: COPY into a temporary table and one UPDATE, so statement triggers (rollups)
        run once, not once a row."""
        from .changelog import serialize_object

        if not instances:
            return 0
        fields = [field for field in model._meta.concrete_fields if field.attname not in ("id", "created")]
        columns = [field.attname for field in fields]
        for instance in instances:
            if "last_updated" in columns:
                instance.last_updated = self._now
        table = model._meta.db_table
        values = [[getattr(instance, name) for name in columns] + [instance.pk] for instance in instances]
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                column_sql = ", ".join(f'"{name}"' for name in [*columns, "id"])
                cursor.execute(  # the columns' types, without their constraints
                    f'CREATE TEMPORARY TABLE "_duikou_update" ON COMMIT DROP AS '
                    f'SELECT {column_sql} FROM "{table}" WITH NO DATA'
                )
                self._copy("_duikou_update", [*columns, "id"], values)
                assignments = ", ".join(f'"{name}" = s."{name}"' for name in columns)
                cursor.execute(
                    f'UPDATE "{table}" t SET {assignments} FROM "_duikou_update" s WHERE t.id = s.id'
                )
                cursor.execute('DROP TABLE "_duikou_update"')
            else:
                assignments = ", ".join(f'"{name}" = %s' for name in columns)
                cursor.executemany(
                    f'UPDATE "{table}" SET {assignments} WHERE id = %s',
                    [[_sqlite_value(value) for value in row] for row in values],
                )
        attnames = [field.attname for field in model._meta.concrete_fields]
        rows = [{name: instance.__dict__.get(name) for name in attnames} for instance in instances]
        names = {instance.pk: str(instance) for instance in instances}
        befores = {obj.pk: serialize_object(obj) for obj in before}
        self._write_changes(model, attnames, rows, lambda row: names[row["id"]], befores=befores)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)
        return len(rows)

    def _write_changes(self, model, columns, rows, describe, *, befores: dict | None = None):
        # Generators: a load's hundreds of thousands of snapshots are streamed to COPY, never held.
        snapshot_of = snapshot_encoder(model)
        before_texts = None
        if befores is not None:
            before_texts = (
                json.dumps(befores[row["id"]], ensure_ascii=False, default=_json_default) for row in rows
            )
        self._write_change_rows(
            model,
            (row["id"] for row in rows),
            (describe(row) for row in rows),
            (snapshot_of(row) for row in rows),
            before_texts,
        )

    def _write_change_rows(
        self,
        model,
        ids: Iterable[int],
        reprs: Iterable[str],
        afters: Iterable[str],
        befores: Iterable[str] | None = None,
    ) -> None:
        """The change-log rows of objects just written: created ones (`befores` None) or updated ones,
        their snapshots as JSON text — streamed, one row at a time."""
        constants = self._change_constants(model, "create" if befores is None else "update")
        note = self.context.note[:200]
        rows = (
            [*constants, object_id, text[:200], before, after, note]
            for object_id, text, before, after in zip(
                ids, reprs, befores or repeat(None), afters, strict=befores is not None
            )
        )
        self._copy(ObjectChange._meta.db_table, _CHANGE_COLUMNS, rows)

    def _change_constants(self, model, action: str) -> list:
        """Who, when, how, in which batch: the same on every change-log row of one write
        (`_CHANGE_COLUMNS`' first columns)."""
        context = self.context
        return [
            self._now,
            getattr(context.user, "pk", None),
            getattr(context.user, "username", "") if context.user else "",
            context.source,
            context.request_id.hex,  # psycopg and SQLite both take the hex form
            getattr(context.import_batch, "pk", None),
            action,
            ContentType.objects.get_for_model(model).pk,
        ]

    @contextmanager
    def _copy_in(self, table: str, columns: list[str]):
        """PostgreSQL: a `COPY table (columns) FROM STDIN` on this writer's connection (the transaction's)."""
        column_sql = ", ".join(f'"{c}"' for c in columns)
        self.connection.ensure_connection()
        raw = self.connection.connection  # psycopg 3 connection inside Django's transaction
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({column_sql}) FROM STDIN') as copy:
            yield copy

    def _copy(self, table: str, columns: list[str], rows: Iterable[list]):
        if self.vendor == "postgresql":
            with self._copy_in(table, columns) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        self.connection.ensure_connection()
        column_sql = ", ".join(f'"{c}"' for c in columns)
        placeholders = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({column_sql}) VALUES ({placeholders})'
        raw_cursor = self.connection.connection.cursor()
        batch = []
        for row in rows:
            batch.append([_sqlite_value(v) for v in row])
            if len(batch) >= SQLITE_BATCH:
                raw_cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            raw_cursor.executemany(sql, batch)
        raw_cursor.close()

    def finish(self):
        """Move sequences past the keys used and refresh planner statistics (PostgreSQL)."""
        if self.vendor != "postgresql":
            return
        models = list(dict.fromkeys(self._written_models))
        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            for model in [*models, ObjectChange]:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')


@contextmanager
def indexes_and_foreign_keys_deferred(models):
    """Drop the tables' secondary indexes (and on PostgreSQL foreign keys) for a load, then rebuild them.

    Row-by-row foreign-key triggers and index maintenance cost more than the
    COPY itself; rebuilding afterwards checks each foreign key in one join and
    builds each index in one sort. Primary keys and unique constraints stay, so
    duplicates are still refused during the load. The drop takes an exclusive
    lock on the tables until the transaction ends: use it for bulk loads into a
    quiet database (the demo generator), not for everyday imports. SQLite checks
    its deferred foreign keys cheaply at commit, so there only indexes go.
    """
    drops, rebuilds = rebuild_plan([model._meta.db_table for model in models])
    with connection.cursor() as cursor:
        for statement in drops:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in rebuilds:
            cursor.execute(statement)


def rebuild_plan(tables: list[str]) -> tuple[list[str], list[str]]:
    """The statements that drop the tables' secondary indexes (and foreign keys), and those that rebuild them.

    Public so that `make bench` times its raw-COPY baseline with exactly the same deferral.
    """
    plan = {"postgresql": _postgresql_rebuild_plan, "sqlite": _sqlite_rebuild_plan}.get(connection.vendor)
    return plan(tables) if plan else ([], [])


def _postgresql_rebuild_plan(tables: list[str]) -> tuple[list[str], list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY conname",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x')) ORDER BY indexname",
            [tables],
        )
        indexes = cursor.fetchall()
    # Dropping a foreign key alters the referenced table too, which PostgreSQL refuses while
    # deferred checks of earlier writes in this transaction are queued: run those checks first.
    drops = ["SET CONSTRAINTS ALL IMMEDIATE", "SET CONSTRAINTS ALL DEFERRED"]
    drops += [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for table, name, _ in foreign_keys]
    drops += [f'DROP INDEX "{name}"' for name, _ in indexes]
    # Index builds sort in memory up to maintenance_work_mem; the default 64 MB spills to disk.
    rebuilds = ["SET LOCAL maintenance_work_mem = '512MB'"]
    rebuilds += [definition for _, definition in indexes]
    rebuilds += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in foreign_keys
    ]
    return drops, rebuilds


def _sqlite_rebuild_plan(tables: list[str]) -> tuple[list[str], list[str]]:
    placeholders = ", ".join("%s" for _ in tables)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({placeholders}) ORDER BY name",
            tables,
        )
        indexes = cursor.fetchall()
    return [f'DROP INDEX "{name}"' for name, _ in indexes], [definition for _, definition in indexes]
