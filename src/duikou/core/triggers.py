"""Database triggers that make a table append-only, on PostgreSQL and SQLite.

The application never updates or deletes ledger rows, but "never" must hold
against raw SQL, other clients and future bugs too: the database itself
refuses. Use `AppendOnlyTrigger("app_label", "ModelName")` as a migration
operation. Maintenance that must wipe a table (regenerating the demo data set)
goes through `append_only_suspended()`, which is explicit and logged by the caller.
"""

from contextlib import contextmanager

from django.db import connection
from django.db.migrations.operations.base import Operation

APPEND_ONLY_MESSAGE = "append-only table {table}: UPDATE and DELETE are refused; post a reversing entry"


def _postgresql_sql(table: str) -> list[str]:
    message = APPEND_ONLY_MESSAGE.format(table=table)
    return [
        f"""
        CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
        END;
        $$ LANGUAGE plpgsql;
        """,
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
        """,
    ]


def _sqlite_sql(table: str) -> list[str]:
    message = APPEND_ONLY_MESSAGE.format(table=table)
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update;",
        f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
    ]


def _drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"]
    return [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]


def install_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return _postgresql_sql(table)
    if vendor == "sqlite":
        return _sqlite_sql(table)
    raise NotImplementedError(f"append-only trigger for {vendor}")


class AppendOnlyTrigger(Operation):
    """Migration operation: install the append-only trigger on a model's table."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, app_label: str, model_name: str):
        self.app_label = app_label
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _table(self, apps):
        return apps.get_model(self.app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for statement in install_sql(schema_editor.connection.vendor, self._table(to_state.apps)):
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for statement in _drop_sql(schema_editor.connection.vendor, self._table(from_state.apps)):
            schema_editor.execute(statement)

    def describe(self):
        return f"Make {self.app_label}.{self.model_name} append-only (database trigger)"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.app_label, self.model_name], {})


@contextmanager
def append_only_suspended(*tables: str):
    """Lift the triggers on `tables` for a maintenance wipe, and put them back.

    Only the demo generator's `--replace` uses this. It runs inside the
    caller's transaction, so on PostgreSQL and SQLite other sessions never
    see the table unprotected.
    """
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for table in tables:
            for statement in _drop_sql(vendor, table):
                cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for table in tables:
                for statement in install_sql(vendor, table):
                    cursor.execute(statement)
