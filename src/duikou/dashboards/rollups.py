"""The rollup tables' definitions, and the database triggers that keep them exact.

Each rollup (`dashboards.models`) sums one base table by a few keys. One
definition here gives, for PostgreSQL and SQLite alike:

- the triggers that apply every write of the base table to the sums in the
  same transaction — saves, deletes, queryset `update()`, raw SQL and the
  bulk loader's COPY alike (docs/decisions/0003-dashboard-rollups.md says why
  triggers and not signals). On PostgreSQL they are statement-level triggers
  with transition tables, so a COPY of 400,000 ledger rows costs one grouped
  query, not 400,000 upserts; SQLite has only row-level triggers;
- the statements that rebuild a rollup from its base table (`rebuild()`),
  used after installing the triggers and to repair;
- the fresh sums to compare a rollup against (`differences()`), for tests and
  `duikou rebuild_rollups --check`.

Writes add to a row's sums and counts (an upsert); deletes and the old side of
updates subtract (an update of existing rows only) and drop rows whose count
reaches zero. The `latest_*` dates only ever grow until a rebuild: they are
upper bounds, which is all the readers need (see `dashboards.summaries`).

Triggers are (re)installed by the migration and checked after every
`migrate` (`ensure_installed()`): SQLite drops a table's triggers when a
migration rebuilds the table, and the definitions hold code constants (the
grassroots levels) that a later release may change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection as default_connection
from django.db.migrations.operations.base import Operation

from duikou.projects.choices import CLOSED_STATUSES, GRASSROOTS_LEVELS, ConstructionType

from .models import CompletionRollup, FundRollup, OutcomeRollup, PeopleRollup, ProjectRollup, StatusRollup

VENDORS = ("postgresql", "sqlite")


# -- expressions over one source row ----------------------------------------------------------------------
@dataclass(frozen=True)
class Sql:
    """An SQL expression over a source row, per database; `{r}` stands for the row (alias, NEW or OLD)."""

    postgresql: str
    sqlite: str

    def render(self, vendor: str, row: str) -> str:
        return getattr(self, vendor).format(r=row)

    def columns(self) -> set[str]:
        """The source columns the expression reads."""
        return set(re.findall(r"\{r\}\.(\w+)", self.postgresql + " " + self.sqlite))


def same(text: str) -> Sql:
    return Sql(text, text)


def column(name: str) -> Sql:
    return same("{r}." + name)


ONE = same("1")
ZERO = same("0")
NO_DATE = Sql("CAST(NULL AS date)", "NULL")


def year_of(date: Sql) -> Sql:
    """The year of a date; 0 when the date is empty (a key cannot be NULL: NULLs never conflict)."""
    return Sql(
        f"COALESCE(CAST(EXTRACT(YEAR FROM {date.postgresql}) AS integer), 0)",
        f"COALESCE(CAST(strftime('%Y', {date.sqlite}) AS integer), 0)",
    )


def day_after(date: Sql) -> Sql:
    return Sql(f"({date.postgresql} + 1)", f"date({date.sqlite}, '+1 day')")


def fixed_point(name: str, places: int) -> Sql:
    """A decimal column as a whole number of 10^-places: exact integer sums on both databases.

    SQLite keeps decimals as floats (an amount's float times 100 is within 1e-6 of the whole fen,
    so ROUND restores it exactly); PostgreSQL's numeric is exact already.
    """
    factor = 10**places
    return Sql(f"CAST({{r}}.{name} * {factor} AS bigint)", f"CAST(ROUND({{r}}.{name} * {factor}) AS integer)")


def when(condition: Sql, value: Sql, otherwise: Sql = ZERO) -> Sql:
    return Sql(
        f"CASE WHEN {condition.postgresql} THEN {value.postgresql} ELSE {otherwise.postgresql} END",
        f"CASE WHEN {condition.sqlite} THEN {value.sqlite} ELSE {otherwise.sqlite} END",
    )


def literals(values) -> str:
    for value in values:
        if not re.fullmatch(r"[a-z_]+", value):
            raise ValueError(f"not a plain choice value: {value!r}")
    return ", ".join(f"'{value}'" for value in values)


# -- definitions ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Facet:
    """How one source row adds to one row of a rollup: its keys, the numbers it adds, the dates it bounds."""

    keys: dict[str, Sql]
    sums: dict[str, Sql]
    maxima: dict[str, Sql] = field(default_factory=dict)


@dataclass(frozen=True)
class Rollup:
    """A rollup table, the base table it sums, and how (one facet or more per source row).

    `depends_on` names (table, column) pairs the key expressions read from other tables: when such a
    column changes, the rollup is rebuilt (rare by nature: a project moved to another programme).
    """

    model: type
    source: str
    facets: tuple[Facet, ...]
    depends_on: tuple[tuple[str, str], ...] = ()

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def keys(self) -> list[str]:
        return list(self.facets[0].keys)

    @property
    def sums(self) -> list[str]:
        return list(self.facets[0].sums)

    @property
    def maxima(self) -> list[str]:
        return list(self.facets[0].maxima)

    def source_columns(self) -> list[str]:
        found = set()
        for facet in self.facets:
            for expression in [*facet.keys.values(), *facet.sums.values(), *facet.maxima.values()]:
                found |= expression.columns()
        return sorted(found)


# Code constants the triggers hold: a release that changes one gets its triggers reinstalled and the rollups
# rebuilt by ensure_installed() after its migrate (the installed text no longer matches).
COUNTS = same("{r}.status NOT IN (" + literals(CLOSED_STATUSES) + ")")  # cancelled and adjusted do not count
IS_NEW = same(COUNTS.sqlite + " AND {r}.construction_type = '" + ConstructionType.NEW + "'")

FUNDS = Rollup(
    FundRollup,
    "funds_ledgerentry",
    (
        Facet(
            keys={
                "programme_id": column("programme_id"),
                "fiscal_year": column("fiscal_year"),
                "supporter_id": column("supporter_id"),
                "division_id": column("division_id"),
                "kind": column("kind"),
            },
            sums={"source_rows": ONE, "amount_fen": fixed_point("amount", 2)},
            maxima={"latest_value_date": column("value_date")},
        ),
    ),
)

PROJECTS = Rollup(
    ProjectRollup,
    "projects_project",
    (
        Facet(
            keys={
                "programme_id": column("programme_id"),
                "plan_year": column("plan_year"),
                "supporter_id": column("supporter_id"),
                "division_id": column("division_id"),
                "category_id": column("category_id"),
            },
            sums={
                "source_rows": ONE,
                "projects": when(COUNTS, ONE),
                "aid_fen": when(COUNTS, fixed_point("aid_amount", 2)),
                # The ≥80% 基层 rule: projects.choices.GRASSROOTS_LEVELS.
                "grassroots_aid_fen": when(
                    same(
                        COUNTS.sqlite
                        + " AND {r}.implementation_level IN ("
                        + literals(GRASSROOTS_LEVELS)
                        + ")"
                    ),
                    fixed_point("aid_amount", 2),
                ),
                "new_projects": when(IS_NEW, ONE),
                "new_started": when(same(IS_NEW.sqlite + " AND {r}.actual_start IS NOT NULL"), ONE),
            },
            maxima={"latest_new_start": when(IS_NEW, column("actual_start"), NO_DATE)},
        ),
    ),
)

STATUSES = Rollup(
    StatusRollup,
    "projects_project",
    (
        Facet(
            keys={
                "programme_id": column("programme_id"),
                "plan_year": column("plan_year"),
                "supporter_id": column("supporter_id"),
                "division_id": column("division_id"),
                "status": column("status"),
            },
            sums={"source_rows": ONE},
        ),
    ),
)

COMPLETIONS = Rollup(
    CompletionRollup,
    "projects_project",
    (
        Facet(
            keys={
                "programme_id": column("programme_id"),
                "end_year": year_of(column("planned_end")),
                "supporter_id": column("supporter_id"),
                "division_id": column("division_id"),
            },
            sums={
                "source_rows": ONE,
                "projects": when(COUNTS, ONE),
                "ended": when(same(COUNTS.sqlite + " AND {r}.actual_end IS NOT NULL"), ONE),
            },
            maxima={"latest_end": when(COUNTS, column("actual_end"), NO_DATE)},
        ),
    ),
)

OUTCOMES = Rollup(
    OutcomeRollup,
    "outcomes_measurement",
    (
        Facet(
            keys={
                "indicator_id": column("indicator_id"),
                # The measured project's programme; 0 for a division's own figure (no project).
                "programme_id": same(
                    "COALESCE((SELECT p.programme_id FROM projects_project p WHERE p.id = {r}.project_id), 0)"
                ),
                "supporter_id": column("supporter_id"),
                "division_id": column("division_id"),
                "period_year": year_of(column("period_end")),
            },
            sums={"source_rows": ONE, "value_units": fixed_point("value", 4)},
            maxima={"latest_period_end": column("period_end")},
        ),
    ),
    depends_on=(("projects_project", "programme_id"),),
)

LEAVE_DATE = day_after(same("COALESCE({r}.actual_end, {r}.planned_end)"))
PEOPLE_KEYS = {
    "programme_id": column("programme_id"),
    "supporter_id": column("supporter_id"),
    "division_id": column("host_division_id"),
    "kind": column("kind"),
}
PEOPLE = Rollup(
    PeopleRollup,
    "talent_assignment",
    (
        Facet(
            keys={**PEOPLE_KEYS, "year": year_of(column("start_date"))},
            sums={"source_rows": ONE, "started": ONE, "left": ZERO},
            maxima={"latest_start": column("start_date"), "latest_leave": NO_DATE},
        ),
        Facet(
            keys={**PEOPLE_KEYS, "year": year_of(LEAVE_DATE)},
            sums={"source_rows": ONE, "started": ZERO, "left": ONE},
            maxima={"latest_start": NO_DATE, "latest_leave": LEAVE_DATE},
        ),
    ),
)

ROLLUPS: tuple[Rollup, ...] = (FUNDS, PROJECTS, STATUSES, COMPLETIONS, OUTCOMES, PEOPLE)


# -- SQL common to both databases -------------------------------------------------------------------------
def quote(name: str) -> str:
    return f'"{name}"'


def _column_list(names) -> str:
    return ", ".join(quote(name) for name in names)


def _on_conflict(rollup: Rollup) -> str:
    table = quote(rollup.table)
    updates = [f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in rollup.sums]
    updates += [
        f"{quote(c)} = CASE WHEN {table}.{quote(c)} IS NULL OR excluded.{quote(c)} > {table}.{quote(c)} "
        f"THEN excluded.{quote(c)} ELSE {table}.{quote(c)} END"
        for c in rollup.maxima
    ]
    return f"ON CONFLICT ({_column_list(rollup.keys)}) DO UPDATE SET " + ", ".join(updates)


def _insert_grouped(rollup: Rollup, facet: Facet, vendor: str, rows: str) -> str:
    """Add the rows of `rows` (a table or subquery, aliased r) to the rollup, grouped by its keys."""
    keys = [expression.render(vendor, "r") for expression in facet.keys.values()]
    sums = [f"SUM({expression.render(vendor, 'r')})" for expression in facet.sums.values()]
    maxima = [f"MAX({expression.render(vendor, 'r')})" for expression in facet.maxima.values()]
    positions = ", ".join(str(position) for position in range(1, len(keys) + 1))
    columns = _column_list([*facet.keys, *facet.sums, *facet.maxima])
    # WHERE true: SQLite reads "ON CONFLICT" after a bare FROM as a join constraint otherwise.
    # ORDER BY: concurrent writers lock rollup rows in the same order.
    return (
        f"INSERT INTO {quote(rollup.table)} ({columns}) SELECT {', '.join(keys + sums + maxima)} "
        f"FROM {rows} AS r WHERE true GROUP BY {positions} ORDER BY {positions} {_on_conflict(rollup)}"
    )


def rebuild_sql(rollup: Rollup, vendor: str) -> list[str]:
    """Empty the rollup and fill it from its base table."""
    return [f"DELETE FROM {quote(rollup.table)}"] + [
        _insert_grouped(rollup, facet, vendor, quote(rollup.source)) for facet in rollup.facets
    ]


def _name(rollup: Rollup, suffix: str) -> str:
    return f"{rollup.table}_{suffix}"


# -- PostgreSQL: statement-level triggers with transition tables ------------------------------------------
def _pg_subtract(rollup: Rollup, facet: Facet) -> list[str]:
    """Take the old rows' sums off the rollup rows they were in (never creating rows), drop emptied rows."""
    keys = {name: expression.render("postgresql", "r") for name, expression in facet.keys.items()}
    sums = {name: expression.render("postgresql", "r") for name, expression in facet.sums.items()}
    table = quote(rollup.table)
    grouped = (
        "SELECT "
        + ", ".join([f"{sql} AS {quote(name)}" for name, sql in keys.items()])
        + ", "
        + ", ".join(f"SUM({sql}) AS {quote(name)}" for name, sql in sums.items())
        + f" FROM old_rows AS r GROUP BY {', '.join(str(i) for i in range(1, len(keys) + 1))}"
    )
    matches = " AND ".join(f"t.{quote(name)} = d.{quote(name)}" for name in keys)
    updates = ", ".join(f"{quote(name)} = t.{quote(name)} - d.{quote(name)}" for name in sums)
    distinct_keys = "SELECT DISTINCT " + ", ".join(f"{sql} AS {quote(name)}" for name, sql in keys.items())
    return [
        f"UPDATE {table} AS t SET {updates} FROM ({grouped}) AS d WHERE {matches}",
        f"DELETE FROM {table} AS t USING ({distinct_keys} FROM old_rows AS r) AS d "
        f"WHERE {matches} AND t.source_rows <= 0",
    ]


def _pg_function(name: str, statements: list[str]) -> tuple[str, str]:
    """(body, CREATE FUNCTION statement); the body is compared with pg_proc.prosrc to find stale triggers."""
    body = (
        "\nBEGIN\n" + "".join(f"    {statement};\n" for statement in statements) + "    RETURN NULL;\nEND;\n"
    )
    return body, f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body${body}$body$"


def _pg_triggers(rollup: Rollup) -> list[tuple[str, str, str, str]]:
    """(trigger and function name, table, CREATE TRIGGER clause, function body statements...)."""
    source = rollup.source
    insert = [_insert_grouped(rollup, facet, "postgresql", "new_rows") for facet in rollup.facets]
    delete = [statement for facet in rollup.facets for statement in _pg_subtract(rollup, facet)]
    triggers = [
        (_name(rollup, "ins"), source, "AFTER INSERT", "REFERENCING NEW TABLE AS new_rows", insert),
        (_name(rollup, "del"), source, "AFTER DELETE", "REFERENCING OLD TABLE AS old_rows", delete),
        (
            _name(rollup, "upd"),
            source,
            "AFTER UPDATE",
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            delete + insert,
        ),
        (_name(rollup, "trunc"), source, "AFTER TRUNCATE", "", [f"DELETE FROM {quote(rollup.table)}"]),
    ]
    for table, watched in rollup.depends_on:
        rebuild = "\n        ".join(f"{statement};" for statement in rebuild_sql(rollup, "postgresql"))
        changed = (
            f"IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id "
            f"WHERE o.{quote(watched)} IS DISTINCT FROM n.{quote(watched)}) THEN\n"
            f"        {rebuild}\n    END IF"
        )
        triggers.append(
            (
                _name(rollup, f"on_{table}"),
                table,
                "AFTER UPDATE",
                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                [changed],
            )
        )
    return triggers


def postgresql_functions(rollup: Rollup) -> dict[str, str]:
    """Function name → body, as installed."""
    return {name: _pg_function(name, statements)[0] for name, _, _, _, statements in _pg_triggers(rollup)}


def postgresql_install_sql(rollup: Rollup) -> list[str]:
    statements = []
    for name, table, event, referencing, body in _pg_triggers(rollup):
        statements.append(_pg_function(name, body)[1])
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
        statements.append(
            f"CREATE TRIGGER {name} {event} ON {quote(table)} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    return statements


def postgresql_drop_sql(rollup: Rollup) -> list[str]:
    statements = []
    for name, table, _, _, _ in _pg_triggers(rollup):
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
        statements.append(f"DROP FUNCTION IF EXISTS {name}()")
    return statements


# -- SQLite: row-level triggers ---------------------------------------------------------------------------
def _sqlite_add(rollup: Rollup, facet: Facet, row: str) -> str:
    values = [expression.render("sqlite", row) for expression in facet.keys.values()]
    values += [expression.render("sqlite", row) for expression in facet.sums.values()]
    values += [expression.render("sqlite", row) for expression in facet.maxima.values()]
    columns = _column_list([*facet.keys, *facet.sums, *facet.maxima])
    return (
        f"INSERT INTO {quote(rollup.table)} ({columns}) SELECT {', '.join(values)} WHERE true "
        f"{_on_conflict(rollup)};"
    )


def _sqlite_subtract(rollup: Rollup, facet: Facet, row: str) -> list[str]:
    matches = " AND ".join(f"{quote(name)} = {sql.render('sqlite', row)}" for name, sql in facet.keys.items())
    updates = ", ".join(
        f"{quote(name)} = {quote(name)} - ({sql.render('sqlite', row)})" for name, sql in facet.sums.items()
    )
    table = quote(rollup.table)
    return [
        f"UPDATE {table} SET {updates} WHERE {matches};",
        f"DELETE FROM {table} WHERE {matches} AND source_rows <= 0;",
    ]


def _sqlite_triggers(rollup: Rollup) -> dict[str, str]:
    """Trigger name → CREATE TRIGGER statement (SQLite keeps the text verbatim in sqlite_master)."""
    source = quote(rollup.source)
    add_new = [_sqlite_add(rollup, facet, "NEW") for facet in rollup.facets]
    take_old = [statement for facet in rollup.facets for statement in _sqlite_subtract(rollup, facet, "OLD")]
    changed = " OR ".join(f"OLD.{quote(c)} IS NOT NEW.{quote(c)}" for c in rollup.source_columns())

    def trigger(name, event, statements, when=""):
        body = "\n".join(f"    {statement}" for statement in statements)
        return f"CREATE TRIGGER {name} {event} ON {source}{when}\nBEGIN\n{body}\nEND"

    triggers = {
        _name(rollup, "ins"): trigger(_name(rollup, "ins"), "AFTER INSERT", add_new),
        _name(rollup, "del"): trigger(_name(rollup, "del"), "AFTER DELETE", take_old),
        _name(rollup, "upd"): trigger(
            _name(rollup, "upd"), "AFTER UPDATE", take_old + add_new, f" WHEN {changed}"
        ),
    }
    for table, watched in rollup.depends_on:
        name = _name(rollup, f"on_{table}")
        rebuild = [f"{statement};" for statement in rebuild_sql(rollup, "sqlite")]
        triggers[name] = (
            f"CREATE TRIGGER {name} AFTER UPDATE OF {quote(watched)} ON {quote(table)} "
            f"WHEN OLD.{quote(watched)} IS NOT NEW.{quote(watched)}\nBEGIN\n"
            + "\n".join(f"    {statement}" for statement in rebuild)
            + "\nEND"
        )
    return triggers


def sqlite_install_sql(rollup: Rollup) -> list[str]:
    statements = []
    for name, create in _sqlite_triggers(rollup).items():
        statements += [f"DROP TRIGGER IF EXISTS {name}", create]
    return statements


def sqlite_drop_sql(rollup: Rollup) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in _sqlite_triggers(rollup)]


# -- installing, checking, rebuilding ---------------------------------------------------------------------
def install_sql(rollup: Rollup, vendor: str) -> list[str]:
    return {"postgresql": postgresql_install_sql, "sqlite": sqlite_install_sql}[vendor](rollup)


def drop_sql(rollup: Rollup, vendor: str) -> list[str]:
    return {"postgresql": postgresql_drop_sql, "sqlite": sqlite_drop_sql}[vendor](rollup)


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
            expected = [(rollup, _sqlite_triggers(rollup)) for rollup in ROLLUPS]
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
            cursor.execute(
                f"SELECT {', '.join(keys + values)} FROM {quote(rollup.source)} AS r GROUP BY {positions}",
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
        columns = _column_list(rollup.keys + rollup.sums + rollup.maxima)
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
