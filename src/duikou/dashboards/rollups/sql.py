"""The SQL of the rollups, generated from their definitions: rebuilds, and the triggers of both databases.

PostgreSQL gets statement-level triggers with transition tables (a COPY of 400,000 rows costs one grouped
query per rollup), SQLite row-level triggers (the only kind it has). Inserts add to a row's sums with an
upsert; deletes and the old side of updates subtract from existing rows only and delete rows whose count
reaches zero. Dates bounded by `maxima` only grow.
"""

from __future__ import annotations

from .definitions import Facet, Rollup


# -- SQL common to both databases -------------------------------------------------------------------------
def quote(name: str) -> str:
    return f'"{name}"'


def column_list(names) -> str:
    return ", ".join(quote(name) for name in names)


def _on_conflict(rollup: Rollup) -> str:
    table = quote(rollup.table)
    updates = [f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in rollup.sums]
    updates += [
        f"{quote(c)} = CASE WHEN {table}.{quote(c)} IS NULL OR excluded.{quote(c)} > {table}.{quote(c)} "
        f"THEN excluded.{quote(c)} ELSE {table}.{quote(c)} END"
        for c in rollup.maxima
    ]
    return f"ON CONFLICT ({column_list(rollup.keys)}) DO UPDATE SET " + ", ".join(updates)


def _insert_grouped(rollup: Rollup, facet: Facet, vendor: str, rows: str) -> str:
    """Add the rows of `rows` (a table or subquery, aliased r) to the rollup, grouped by its keys."""
    keys = [expression.render(vendor, "r") for expression in facet.keys.values()]
    sums = [f"SUM({expression.render(vendor, 'r')})" for expression in facet.sums.values()]
    maxima = [f"MAX({expression.render(vendor, 'r')})" for expression in facet.maxima.values()]
    positions = ", ".join(str(position) for position in range(1, len(keys) + 1))
    columns = column_list([*facet.keys, *facet.sums, *facet.maxima])
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
    columns = column_list([*facet.keys, *facet.sums, *facet.maxima])
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


def sqlite_triggers(rollup: Rollup) -> dict[str, str]:
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
    for name, create in sqlite_triggers(rollup).items():
        statements += [f"DROP TRIGGER IF EXISTS {name}", create]
    return statements


def sqlite_drop_sql(rollup: Rollup) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in sqlite_triggers(rollup)]


# -- installing, checking, rebuilding ---------------------------------------------------------------------
def install_sql(rollup: Rollup, vendor: str) -> list[str]:
    return {"postgresql": postgresql_install_sql, "sqlite": sqlite_install_sql}[vendor](rollup)


def drop_sql(rollup: Rollup, vendor: str) -> list[str]:
    return {"postgresql": postgresql_drop_sql, "sqlite": sqlite_drop_sql}[vendor](rollup)
