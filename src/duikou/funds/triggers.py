"""The database backstop of period locks (结账): no ledger row dated inside an active closed period.

`LedgerEntry.clean()` already refuses such postings with a message naming the period; the trigger holds
against everything else — raw SQL, bulk loads (COPY), and a period closed while a posting was between its
check and its insert. On PostgreSQL it is a statement-level trigger over the inserted rows (a COPY of
400,000 rows is one join against the few lock rows) that first takes a key-share lock on the programmes'
rows, which `funds.services.close_period` locks for update: a posting and a closing of the same programme
never overlap unseen. SQLite serialises writers, so a row-level `BEFORE INSERT` trigger is enough.

Installed by migration 0004 and again after every `migrate` (`install_period_lock_trigger`, from
`FundsConfig.ready`), because SQLite drops a table's triggers when a migration rebuilds the table.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation

PERIOD_LOCK_MESSAGE = "ledger posting dated inside a closed period"
TRIGGER = "funds_ledgerentry_period_lock"

_POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger AS $$
    DECLARE
        refused record;
    BEGIN
        PERFORM 1 FROM programmes_programme programme
         WHERE programme.id IN (SELECT DISTINCT programme_id FROM funds_new_entries)
         ORDER BY programme.id
           FOR KEY SHARE OF programme;
        SELECT entry.value_date, closed.year, closed.month INTO refused
          FROM funds_new_entries entry
          JOIN funds_periodlock closed
            ON closed.programme_id = entry.programme_id
           AND (closed.supporter_id IS NULL OR closed.supporter_id = entry.supporter_id)
           AND entry.value_date BETWEEN closed.start_date AND closed.end_date
         WHERE closed.reopened_at IS NULL
         LIMIT 1;
        IF FOUND THEN
            -- No percent signs here: migrations pass this text through the driver's placeholders.
            RAISE EXCEPTION USING ERRCODE = 'restrict_violation',
                MESSAGE = '{PERIOD_LOCK_MESSAGE}: value date ' || refused.value_date
                || ' (period ' || refused.year || '-' || coalesce(refused.month::text, 'year') || ')';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON funds_ledgerentry;",
    f"""
    CREATE TRIGGER {TRIGGER} AFTER INSERT ON funds_ledgerentry
    REFERENCING NEW TABLE AS funds_new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}();
    """,
]

_SQLITE = [
    f"DROP TRIGGER IF EXISTS {TRIGGER};",
    f"""
    CREATE TRIGGER {TRIGGER} BEFORE INSERT ON funds_ledgerentry
    WHEN EXISTS (
        SELECT 1 FROM funds_periodlock closed
         WHERE closed.programme_id = NEW.programme_id
           AND (closed.supporter_id IS NULL OR closed.supporter_id = NEW.supporter_id)
           AND closed.reopened_at IS NULL
           AND NEW.value_date BETWEEN closed.start_date AND closed.end_date
    )
    BEGIN SELECT RAISE(ABORT, '{PERIOD_LOCK_MESSAGE}'); END;
    """,
]


def install_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _POSTGRESQL
    if vendor == "sqlite":
        return _SQLITE
    raise NotImplementedError(f"period lock trigger for {vendor}")


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON funds_ledgerentry;",
            f"DROP FUNCTION IF EXISTS {TRIGGER}();",
        ]
    return [f"DROP TRIGGER IF EXISTS {TRIGGER};"]


def install_period_lock_trigger(connection) -> None:
    """(Re)install the trigger: idempotent, a few statements."""
    with connection.cursor() as cursor:
        for statement in install_sql(connection.vendor):
            cursor.execute(statement)


class PeriodLockTrigger(Operation):
    """Migration operation: refuse ledger rows dated inside an active period lock (database trigger)."""

    reduces_to_sql = True
    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for statement in install_sql(schema_editor.connection.vendor):
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for statement in drop_sql(schema_editor.connection.vendor):
            schema_editor.execute(statement)

    def describe(self):
        return "Refuse ledger entries dated inside a closed period (database trigger)"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {})
