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

Triggers are installed, and checked, after every `migrate` (`ensure_installed()`,
connected in apps.py), never by a migration, which would install today's
definitions into yesterday's tables: SQLite drops a table's triggers when a
migration rebuilds the table, and the definitions hold code constants (the
closed statuses, the grassroots levels) that a later release may change. A
migration that changes a rollup table starts with `DropRollupTriggers`.

Modules: `definitions` (what each rollup sums), `sql` (the generated SQL),
`maintenance` (install, check, rebuild, repair).
"""

from .definitions import (
    COMPLETIONS,
    CONFIRMED,
    FUNDS,
    OUTCOMES,
    PEOPLE,
    PROJECTS,
    ROLLUPS,
    STATUSES,
    VENDORS,
    Cancellation,
    Facet,
    Parent,
    Rollup,
    Sql,
)
from .maintenance import (
    DropRollupTriggers,
    analyze,
    differences,
    drop_all,
    ensure_installed,
    install,
    rebuild,
    stale,
)
from .sql import drop_sql, install_sql, rebuild_sql

__all__ = [
    "COMPLETIONS",
    "CONFIRMED",
    "FUNDS",
    "OUTCOMES",
    "PEOPLE",
    "PROJECTS",
    "ROLLUPS",
    "STATUSES",
    "VENDORS",
    "Cancellation",
    "DropRollupTriggers",
    "Facet",
    "Parent",
    "Rollup",
    "Sql",
    "analyze",
    "differences",
    "drop_all",
    "drop_sql",
    "ensure_installed",
    "install",
    "install_sql",
    "rebuild",
    "rebuild_sql",
    "stale",
]
