"""The SQL of the rollups, generated from their definitions: rebuilds, and the triggers of both databases.

PostgreSQL gets statement-level triggers with transition tables (a COPY of 400,000 rows costs one grouped
query per rollup), SQLite row-level triggers (the only kind it has). Inserts add to a row's sums with an
upsert; deletes and the old side of updates subtract from existing rows only and delete rows whose count
reaches zero. Dates bounded by `maxima` only grow.

A rollup with a `Parent` reads its keys and sums from the parent row (joined as its alias); one with a
`Cancellation` also gets triggers on the cancelling table: an insert subtracts what the cancelled parents'
source rows added, and an update or delete of parent or cancelling rows that source rows point at
rebuilds the rollup (the append-only ledger refuses both; this is the backstop for a lifted trigger).
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


def rows_from(rollup: Rollup, rows: str) -> str:
    """`rows` (a table or transition table) aliased r, joined to the parent rows the expressions read."""
    if rollup.parent is None:
        return f"{rows} AS r"
    parent = rollup.parent
    return (
        f"{rows} AS r JOIN {quote(parent.table)} AS {parent.alias} "
        f"ON {parent.alias}.id = r.{quote(parent.column)}"
    )


def counted_condition(
    rollup: Rollup, facet: Facet, vendor: str, row: str, *, cancelled_too: bool = True
) -> str:
    """The condition under which a source row adds to the rollup ("" when every row does): the facet's
    `where`, and no row cancelling its parent unless `cancelled_too` is false (as before a cancellation)."""
    conditions = [f"({facet.where.render(vendor, row)})"] if facet.where is not None else []
    if rollup.cancelled_by is not None and cancelled_too:
        cancellation, parent = rollup.cancelled_by, rollup.parent
        conditions.append(
            f"NOT EXISTS (SELECT 1 FROM {quote(cancellation.table)} AS cancelling "
            f"WHERE cancelling.{quote(cancellation.column)} = {parent.alias}.id)"
        )
    return " AND ".join(conditions)


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
        f"FROM {rows_from(rollup, rows)} WHERE {counted_condition(rollup, facet, vendor, 'r') or 'true'} "
        f"GROUP BY {positions} ORDER BY {positions} {_on_conflict(rollup)}"
    )


def rebuild_sql(rollup: Rollup, vendor: str) -> list[str]:
    """Empty the rollup and fill it from its base table."""
    return [f"DELETE FROM {quote(rollup.table)}"] + [
        _insert_grouped(rollup, facet, vendor, quote(rollup.source)) for facet in rollup.facets
    ]


def _name(rollup: Rollup, suffix: str) -> str:
    return f"{rollup.table}_{suffix}"


def _subtract_grouped(
    rollup: Rollup, facet: Facet, vendor: str, rows: str, condition: str = "", row: str = "r"
) -> list[str]:
    """Take the sums of the source rows in `rows` (a FROM clause naming the source row `row`) under
    `condition` off the rollup rows they were in (never creating rows), and drop emptied rows."""
    keys = {name: expression.render(vendor, row) for name, expression in facet.keys.items()}
    sums = {name: expression.render(vendor, row) for name, expression in facet.sums.items()}
    table = quote(rollup.table)
    where = f" WHERE {condition}" if condition else ""
    grouped = (
        "SELECT "
        + ", ".join([f"{sql} AS {quote(name)}" for name, sql in keys.items()])
        + ", "
        + ", ".join(f"SUM({sql}) AS {quote(name)}" for name, sql in sums.items())
        + f" FROM {rows}{where} GROUP BY {', '.join(str(i) for i in range(1, len(keys) + 1))}"
    )
    distinct_keys = "SELECT DISTINCT " + ", ".join(f"{sql} AS {quote(name)}" for name, sql in keys.items())
    if vendor == "postgresql":
        matches = " AND ".join(f"t.{quote(name)} = d.{quote(name)}" for name in keys)
        updates = ", ".join(f"{quote(name)} = t.{quote(name)} - d.{quote(name)}" for name in sums)
        return [
            f"UPDATE {table} AS t SET {updates} FROM ({grouped}) AS d WHERE {matches}",
            f"DELETE FROM {table} AS t USING ({distinct_keys} FROM {rows}{where}) AS d "
            f"WHERE {matches} AND t.source_rows <= 0",
        ]
    # SQLite (3.33 or later for UPDATE … FROM): no alias of the target table in a trigger, no DELETE … USING.
    matches = " AND ".join(f"{table}.{quote(name)} = d.{quote(name)}" for name in keys)
    updates = ", ".join(f"{quote(name)} = {table}.{quote(name)} - d.{quote(name)}" for name in sums)
    return [
        f"UPDATE {table} SET {updates} FROM ({grouped}) AS d WHERE {matches};",
        f"DELETE FROM {table} WHERE source_rows <= 0 AND ({column_list(keys)}) IN "
        f"({distinct_keys} FROM {rows}{where});",
    ]


def _cancel(rollup: Rollup, vendor: str) -> list[str]:
    """Statements that subtract what the source rows of newly cancelled parents added: the new cancelling
    rows are `new_rows` (PostgreSQL) or NEW (SQLite). The cancelling column is unique, so those rows added
    everything their facet counts, less nothing cancelled before (`Cancellation`)."""
    cancellation, parent = rollup.cancelled_by, rollup.parent
    source = rows_from(rollup, quote(rollup.source))
    column = quote(cancellation.column)
    statements = []
    for facet in rollup.facets:
        counted = counted_condition(rollup, facet, vendor, "r", cancelled_too=False)
        if vendor == "postgresql":
            foreign_key = f"r.{quote(parent.column)}"
            rows = (
                f"new_rows AS cancelling JOIN {quote(rollup.source)} AS r "
                f"ON {foreign_key} = cancelling.{column} "
                f"JOIN {quote(parent.table)} AS {parent.alias} ON {parent.alias}.id = {foreign_key}"
            )
            statements += _subtract_grouped(rollup, facet, vendor, rows, counted)
        else:
            condition = " AND ".join(filter(None, [f"r.{quote(parent.column)} = NEW.{column}", counted]))
            statements += _subtract_grouped(rollup, facet, vendor, source, condition)
    return statements


def _watched_parents(rollup: Rollup) -> dict[str, list[str]]:
    """Table → its columns that name a parent of source rows: the parent's id, the cancelling column."""
    watched: dict[str, list[str]] = {}
    if rollup.parent is not None:
        watched.setdefault(rollup.parent.table, []).append("id")
    if rollup.cancelled_by is not None:
        watched.setdefault(rollup.cancelled_by.table, []).append(rollup.cancelled_by.column)
    return watched


# -- PostgreSQL: statement-level triggers with transition tables ------------------------------------------
def _pg_subtract(rollup: Rollup, facet: Facet) -> list[str]:
    """Take the old rows' sums off the rollup rows they were in (never creating rows), drop emptied rows."""
    return _subtract_grouped(
        rollup,
        facet,
        "postgresql",
        rows_from(rollup, "old_rows"),
        counted_condition(rollup, facet, "postgresql", "r"),
    )


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
    if rollup.cancelled_by is not None:
        triggers.append(
            (
                _name(rollup, f"on_{rollup.cancelled_by.table}_ins"),
                rollup.cancelled_by.table,
                "AFTER INSERT",
                "REFERENCING NEW TABLE AS new_rows",
                _cancel(rollup, "postgresql"),
            )
        )
    rebuild = "\n        ".join(f"{statement};" for statement in rebuild_sql(rollup, "postgresql"))
    parent_column = quote(rollup.parent.column) if rollup.parent else ""
    for table, columns in _watched_parents(rollup).items():
        for suffix, event, referencing, transition_tables in (
            (
                "upd",
                "AFTER UPDATE",
                "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
                ("old_rows", "new_rows"),
            ),
            ("del", "AFTER DELETE", "REFERENCING OLD TABLE AS old_rows", ("old_rows",)),
        ):
            named = " UNION ALL ".join(
                f"SELECT {quote(column)} FROM {rows}" for rows in transition_tables for column in columns
            )
            touched = (
                f"IF EXISTS (SELECT 1 FROM {quote(rollup.source)} AS r WHERE r.{parent_column} IN ({named})) "
                f"THEN\n        {rebuild}\n    END IF"
            )
            triggers.append((_name(rollup, f"on_{table}_{suffix}"), table, event, referencing, [touched]))
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
def _sqlite_row(rollup: Rollup, facet: Facet, row: str) -> tuple[str, str]:
    """(" FROM parent" or "", condition): one source row (NEW or OLD) with its parent, if it counts."""
    counted = counted_condition(rollup, facet, "sqlite", row)
    if rollup.parent is None:
        return "", counted or "true"
    parent = rollup.parent
    joined = f"{parent.alias}.id = {row}.{quote(parent.column)}"
    return f" FROM {quote(parent.table)} AS {parent.alias}", " AND ".join(filter(None, [joined, counted]))


def _sqlite_add(rollup: Rollup, facet: Facet, row: str) -> str:
    values = [expression.render("sqlite", row) for expression in facet.keys.values()]
    values += [expression.render("sqlite", row) for expression in facet.sums.values()]
    values += [expression.render("sqlite", row) for expression in facet.maxima.values()]
    columns = column_list([*facet.keys, *facet.sums, *facet.maxima])
    rows, condition = _sqlite_row(rollup, facet, row)
    return (
        f"INSERT INTO {quote(rollup.table)} ({columns}) SELECT {', '.join(values)}{rows} WHERE {condition} "
        f"{_on_conflict(rollup)};"
    )


def _sqlite_subtract(rollup: Rollup, facet: Facet, row: str) -> list[str]:
    if rollup.parent is not None:
        parent = rollup.parent
        _, condition = _sqlite_row(rollup, facet, row)
        return _subtract_grouped(
            rollup, facet, "sqlite", f"{quote(parent.table)} AS {parent.alias}", condition, row
        )
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
    if rollup.cancelled_by is not None:
        name, table = _name(rollup, f"on_{rollup.cancelled_by.table}_ins"), rollup.cancelled_by.table
        triggers[name] = (
            f"CREATE TRIGGER {name} AFTER INSERT ON {quote(table)} "
            f"WHEN NEW.{quote(rollup.cancelled_by.column)} IS NOT NULL\nBEGIN\n"
            + "\n".join(f"    {statement}" for statement in _cancel(rollup, "sqlite"))
            + "\nEND"
        )
    rebuild = "\n".join(f"    {statement};" for statement in rebuild_sql(rollup, "sqlite"))
    for table, columns in _watched_parents(rollup).items():
        for suffix, event, rows in (
            ("upd", "AFTER UPDATE", ("OLD", "NEW")),
            ("del", "AFTER DELETE", ("OLD",)),
        ):
            name = _name(rollup, f"on_{table}_{suffix}")
            named = ", ".join(f"{row}.{quote(column)}" for row in rows for column in columns)
            triggers[name] = (
                f"CREATE TRIGGER {name} {event} ON {quote(table)} WHEN EXISTS (SELECT 1 FROM "
                f"{quote(rollup.source)} AS r WHERE r.{quote(rollup.parent.column)} IN ({named}))\nBEGIN\n"
                f"{rebuild}\nEND"
            )
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
