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
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
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


class BulkWriter:
    """Writes many rows of logged models fast, with their change-log rows.

    Use inside `transaction.atomic()` and a change context; call `finish()`
    at the end to move the id sequences past the reserved keys (PostgreSQL).
    """

    def __init__(self):
        self.context = require_change_context()
        self.vendor = connection.vendor
        self.counts: dict[str, int] = {}
        self._reserved: dict[str, int] = {}  # SQLite: keys handed out but not yet written, per table
        self._written_models: list = []
        self._now = timezone.now()

    # -- keys ---------------------------------------------------------------
    def reserve_ids(self, model, count: int) -> Iterable[int]:
        """Primary keys for `count` new rows, so rows can point at each other before they are written."""
        if count <= 0:
            return range(0)
        table = model._meta.db_table
        connection.ensure_connection()
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return [row[0] for row in cursor.fetchall()]
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
        columns = [field.attname for field in model._meta.concrete_fields]
        self._copy(model._meta.db_table, columns, ([row[c] for c in columns] for row in rows))
        if log:
            self._write_changes(model, columns, rows, describe)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + len(rows)
        self._written_models.append(model)
        return len(rows)

    def _write_changes(self, model, columns, rows, describe):
        content_type_id = ContentType.objects.get_for_model(model).pk
        context = self.context
        user_id = getattr(context.user, "pk", None)
        user_name = getattr(context.user, "username", "") if context.user else ""
        batch_id = getattr(context.import_batch, "pk", None)
        note = context.note[:200]
        change_columns = [
            "time", "user_id", "user_name", "source", "request_id", "import_batch_id", "action",
            "changed_object_type_id", "changed_object_id", "object_repr", "prechange_data", "postchange_data", "note",
        ]
        dumps = json.dumps
        snapshot_columns = [c for c in columns if c != "last_updated"]

        def change_rows():
            for row in rows:
                snapshot = {c: row[c] for c in snapshot_columns}
                yield [
                    self._now, user_id, user_name, context.source, context.request_id, batch_id, "create",
                    content_type_id, row["id"], describe(row)[:200], None,
                    dumps(snapshot, ensure_ascii=False, default=_json_default), note,
                ]

        self._copy(ObjectChange._meta.db_table, change_columns, change_rows())

    def _copy(self, table: str, columns: list[str], rows: Iterable[list]):
        column_sql = ", ".join(f'"{c}"' for c in columns)
        connection.ensure_connection()
        if self.vendor == "postgresql":
            raw = connection.connection  # psycopg 3 connection inside Django's transaction
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({column_sql}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table}" ({column_sql}) VALUES ({placeholders})'
        raw_cursor = connection.connection.cursor()
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
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            for model in [*models, ObjectChange]:
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
