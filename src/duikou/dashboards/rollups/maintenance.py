"""Installing, checking and rebuilding the rollups, and the migration operation that drops their triggers."""

from __future__ import annotations

from django.db import connection as default_connection
from django.db.migrations.operations.base import Operation

from .definitions import ROLLUPS, VENDORS, Rollup
from .sql import (
    column_list,
    counted_condition,
    install_sql,
    postgresql_functions,
    quote,
    rebuild_sql,
    rows_from,
    sqlite_triggers,
)


def _execute(statements: list[str], connection=None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, None)  # no parameters: "%" in strftime('%Y') is literal


def install(rollups=ROLLUPS, connection=None) -> None:
    """Install (or replace) the triggers of `rollups`, then rebuild them from their base tables."""
    connection = connection or default_connection
    for rollup in rollups:
        _execute(install_sql(rollup, connection.vendor) + rebuild_sql(rollup, connection.vendor), connection)
    analyze(rollups, connection)


def rebuild(rollups=ROLLUPS, connection=None) -> None:
    """Recompute `rollups` from their base tables (exact `latest_*` bounds again)."""
    connection = connection or default_connection
    for rollup in rollups:
        _execute(rebuild_sql(rollup, connection.vendor), connection)
    analyze(rollups, connection)


def analyze(rollups=ROLLUPS, connection=None) -> None:
    """Refresh PostgreSQL's statistics of the rollup tables after many rows changed at once (a rebuild,
    a bulk load): without them the planner takes a table of thousands of rows for a few dozen and sorts
    where it should hash. Autovacuum would get there within a minute or so."""
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        _execute([f"ANALYZE {quote(rollup.table)}" for rollup in rollups], connection)


def stale(connection=None) -> list[Rollup]:
    """The rollups whose installed triggers are missing or differ from the definitions above."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_trigger t ON t.tgfoid = p.oid "
                "WHERE p.proname LIKE 'dashboards%'"
            )
            installed = dict(cursor.fetchall())
            expected = [(rollup, postgresql_functions(rollup)) for rollup in ROLLUPS]
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dashboards%'"
            )
            installed = dict(cursor.fetchall())
            expected = [(rollup, sqlite_triggers(rollup)) for rollup in ROLLUPS]
    return [
        rollup
        for rollup, definitions in expected
        if any(installed.get(name) != text for name, text in definitions.items())
    ]


def ensure_installed(connection=None) -> list[Rollup]:
    """Reinstall and rebuild the rollups whose triggers are missing or out of date; returns them."""
    connection = connection or default_connection
    if connection.vendor not in VENDORS:
        raise NotImplementedError(f"rollup triggers for {connection.vendor}")
    outdated = stale(connection)
    install(outdated, connection)
    return outdated


def _fresh_rows(rollup: Rollup, connection) -> dict[tuple, tuple]:
    """The rollup's rows as its base table gives them now: key → (sums..., maxima...)."""
    vendor = connection.vendor
    totals: dict[tuple, list] = {}
    with connection.cursor() as cursor:
        for facet in rollup.facets:
            keys = [sql.render(vendor, "r") for sql in facet.keys.values()]
            values = [f"SUM({sql.render(vendor, 'r')})" for sql in facet.sums.values()]
            values += [f"MAX({sql.render(vendor, 'r')})" for sql in facet.maxima.values()]
            positions = ", ".join(str(i) for i in range(1, len(keys) + 1))
            counted = counted_condition(rollup, facet, vendor, "r")
            cursor.execute(
                f"SELECT {', '.join(keys + values)} FROM {rows_from(rollup, quote(rollup.source))}"
                + (f" WHERE {counted}" if counted else "")
                + f" GROUP BY {positions}",
                None,
            )
            for row in cursor.fetchall():
                key, numbers = tuple(row[: len(keys)]), list(row[len(keys) :])
                if key not in totals:
                    totals[key] = numbers
                    continue
                current = totals[key]
                count = len(facet.sums)
                for i in range(count):
                    current[i] += numbers[i]
                for i in range(count, len(numbers)):
                    if numbers[i] is not None and (current[i] is None or numbers[i] > current[i]):
                        current[i] = numbers[i]
    return {key: tuple(_normalise(v) for v in values) for key, values in totals.items()}


def _normalise(value):
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return int(value)


def differences(rollups=ROLLUPS, connection=None) -> dict[str, list]:
    """What each rollup holds that a fresh computation from its base table does not, and vice versa.

    Sums and counts must match exactly; a stored `latest_*` bound may exceed the fresh maximum (bounds
    only grow between rebuilds) but never fall below it. Empty when every rollup is exact.
    """
    connection = connection or default_connection
    found = {}
    for rollup in rollups:
        fresh = _fresh_rows(rollup, connection)
        columns = column_list(rollup.keys + rollup.sums + rollup.maxima)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {quote(rollup.table)}", None)
            stored = {
                tuple(row[: len(rollup.keys)]): tuple(_normalise(v) for v in row[len(rollup.keys) :])
                for row in cursor.fetchall()
            }
        problems = []
        sum_count = len(rollup.sums)
        for key in sorted(fresh.keys() | stored.keys(), key=repr):
            want, have = fresh.get(key), stored.get(key)
            if want is None or have is None or want[:sum_count] != have[:sum_count]:
                problems.append((key, have, want))
                continue
            for bound, maximum in zip(have[sum_count:], want[sum_count:], strict=True):
                if maximum is not None and (bound is None or bound < maximum):
                    problems.append((key, have, want))
                    break
        if problems:
            found[rollup.table] = problems
    return found


def drop_all(connection=None) -> None:
    """Drop every rollup trigger installed, whatever definitions it came from (matched by name)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, t.tgrelid::regclass::text, p.proname FROM pg_trigger t "
                "JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname LIKE 'dashboards\\_%' ESCAPE '\\'"
            )
            found = cursor.fetchall()
            statements = [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, _ in found]
            statements += [
                f"DROP FUNCTION IF EXISTS {function}()" for function in sorted({f for *_, f in found})
            ]
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'dashboards\\_%' ESCAPE '\\'"
            )
            statements = [f"DROP TRIGGER IF EXISTS {name}" for (name,) in cursor.fetchall()]
    _execute(statements, connection)


class DropRollupTriggers(Operation):
    """Migration operation: drop the rollup triggers (both directions).

    Put it first in a migration that changes a rollup table, and last in one that creates them, so
    that no trigger writes to a table being changed. The triggers come back, current and with the
    rollups rebuilt, right after `migrate` (`ensure_installed()`, connected in apps.py).
    """

    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        drop_all(schema_editor.connection)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        drop_all(schema_editor.connection)

    def describe(self):
        return "Drop the dashboard rollup triggers (reinstalled after migrate)"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {})
