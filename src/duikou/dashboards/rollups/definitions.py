"""What each rollup sums: its table, its base table, and SQL expressions over one base row.

See the package docstring (`duikou.dashboards.rollups`) and docs/decisions/0003-dashboard-rollups.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from duikou.funds.choices import ConfirmationState, EntryKind
from duikou.projects.choices import CLOSED_STATUSES, GRASSROOTS_LEVELS, ConstructionType

from ..models import (
    CompletionRollup,
    ConfirmedRollup,
    FundRollup,
    OutcomeRollup,
    PeopleRollup,
    ProjectRollup,
    StatusRollup,
)

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


def fixed_point(name: str, places: int, row: str = "{r}") -> Sql:
    """A decimal column as a whole number of 10^-places: exact integer sums on both databases.

    SQLite keeps decimals as floats (an amount's float times 100 is within 1e-6 of the whole fen,
    so ROUND restores it exactly); PostgreSQL's numeric is exact already. `row`: the source row, or
    the alias of its parent (`Parent`).
    """
    factor = 10**places
    return Sql(f"CAST({row}.{name} * {factor} AS bigint)", f"CAST(ROUND({row}.{name} * {factor}) AS integer)")


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
    where: Sql | None = None  # the source rows that add anything; None: all of them


@dataclass(frozen=True)
class Parent:
    """The row of another table each source row reads its keys and sums from, joined as `alias` on
    `alias.id = source.column` (a confirmation's ledger entry).

    The parent must never change while a source row points at it — the ledger is append-only — so only
    the source rows' own writes move their sums. A parent updated or deleted anyway (the append-only
    trigger lifted) rebuilds the rollup; a source row without its parent adds nothing.
    """

    table: str
    alias: str
    column: str


@dataclass(frozen=True)
class Cancellation:
    """Rows of `table` whose `column` points at a parent take that parent's source rows out of the sums
    (a reversal, `reverses_id`, takes its arrival's confirmation out).

    `column` must be unique (one reversal per entry): a row inserted into `table` is then the first to
    cancel its parent, so its insert trigger subtracts what the parent's source rows added, and nothing
    else need be known of the time before the insert.
    """

    table: str
    column: str


@dataclass(frozen=True)
class Rollup:
    """A rollup table, the base table it sums, and how (one facet or more per source row).

    `depends_on` names (table, column) pairs the key expressions read from other tables: when such a
    column changes, the rollup is rebuilt (rare by nature: a project moved to another programme).
    `parent` and `cancelled_by`: see `Parent` and `Cancellation`.
    """

    model: type
    source: str
    facets: tuple[Facet, ...]
    depends_on: tuple[tuple[str, str], ...] = ()
    parent: Parent | None = None
    cancelled_by: Cancellation | None = None

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
        found = {self.parent.column} if self.parent else set()
        for facet in self.facets:
            expressions = [*facet.keys.values(), *facet.sums.values(), *facet.maxima.values()]
            for expression in expressions + ([facet.where] if facet.where else []):
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

# The confirmed arrivals of funds.reconciliation.confirmed_arrivals_by: a confirmation counts while it says
# confirmed, its entry is an arrival, and no entry reverses that entry. Keys, amount and value date are the
# entry's, which never changes (append-only ledger).
ENTRY = Parent("funds_ledgerentry", "entry", "entry_id")
CONFIRMED = Rollup(
    ConfirmedRollup,
    "funds_arrivalconfirmation",
    (
        Facet(
            keys={
                "programme_id": same("entry.programme_id"),
                "fiscal_year": same("entry.fiscal_year"),
                "supporter_id": same("entry.supporter_id"),
                "division_id": same("entry.division_id"),
            },
            sums={"source_rows": ONE, "confirmed_fen": fixed_point("amount", 2, row="entry")},
            maxima={"latest_value_date": same("entry.value_date")},
            where=same(
                "{r}.state = "
                + literals([ConfirmationState.CONFIRMED])
                + " AND entry.kind = "
                + literals([EntryKind.ARRIVED])
            ),
        ),
    ),
    parent=ENTRY,
    cancelled_by=Cancellation("funds_ledgerentry", "reverses_id"),
)

ROLLUPS: tuple[Rollup, ...] = (FUNDS, PROJECTS, STATUSES, COMPLETIONS, OUTCOMES, PEOPLE, CONFIRMED)
