"""Duikou benchmarks: `make bench` runs this script.

The load benchmark: how long `duikou generate` takes to build the synthetic data
set and load it, with its change-log rows, into a fresh PostgreSQL database
("our load") — against raw PostgreSQL `COPY` of exactly the same rows, measured
in the same run on the same server ("the baseline"). The ratio between the two
is the figure that travels between machines; the seconds alone say little.

The baseline is loaded twice, into two more fresh databases:
  * "as in the schema": COPY into the tables with their secondary indexes and
    foreign keys in place — what any plain bulk load pays;
  * "indexes and foreign keys deferred": the same COPY, with the tables' foreign
    keys and secondary indexes dropped first and rebuilt after by the very
    statements `duikou.core.bulk.indexes_and_foreign_keys_deferred` runs for
    our load (the plan is asked of the loader, not copied here).

The dashboard benchmark (bench/dashboard.py) runs right after our load, on the database it wrote: the
server time of the overview (one year, all years), a supporter page and a county page, against a
hand-written SQL aggregate of the same figures over the base tables, alternating, in the same run.
Then the list-page benchmark (bench/lists.py): the registries' first page of 50 rows against the
hand-written count and rows of the same page.

Nothing here runs inside the test suite: benchmarks are never timed tests.
It creates and drops three databases, <prefix>_load, <prefix>_copy and
<prefix>_copy_deferred (--database-prefix, default duikou_bench), and touches
no other. The run writes bench/results/latest.json and the
sections between the `bench:load`, `bench:dashboard`, `bench:lists`, `bench:exports` and `bench:imports`
markers in docs/performance.md. Then the export benchmark (bench/exports.py) and the import benchmark
(bench/imports.py: CSV and XLSX import of 100,000 project rows against raw COPY of the same rows, and the
peak memory of a 1,000,000-row import).

Usage: .venv/bin/python bench/run.py [--scale 1] [--seed 1] [--repeat 1] [--dashboard-runs 15] [--keep]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from duplicates import DUPLICATES_DOC_END, DUPLICATES_DOC_START, render_duplicates_section
from exports import EXPORTS_DOC_END, EXPORTS_DOC_START, RUNS, render_exports_section, summarise_exports
from imports import IMPORTS_DOC_END, IMPORTS_DOC_START, render_imports_section
from load_test import LOAD_TEST_DOC_END, LOAD_TEST_DOC_START, render_load_test_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
LATEST = RESULTS_DIR / "latest.json"
PERFORMANCE_DOC = ROOT / "docs" / "performance.md"
DUIKOU = Path(sys.executable).parent / "duikou"  # the venv's command, next to the interpreter running us

GOAL_SECONDS = 90  # issue 2: "SF1 into PostgreSQL in ≤ 90 s on this machine"
COPY_CHUNK = 1 << 20

# What `duikou generate` writes, parents first (the order the raw COPY loads them in). The filter keeps
# the rows of the generator's import batch where the table also holds reference-data rows; the other
# tables are empty after `load-reference`, so all their rows are the generator's.
EXPORTED_TABLES: list[tuple[str, str | None]] = [
    ("core_importbatch", "id"),
    ("projects_project", None),
    ("projects_projectstatuschange", None),
    ("funds_ledgerentry", None),
    ("talent_assignment", None),
    ("outcomes_measurement", None),
    ("demo_plantedanomaly", None),
    ("core_objectchange", "import_batch_id"),
]
# The tables the generator hands to indexes_and_foreign_keys_deferred (all but the one-row batch).
DEFERRED_TABLES = [table for table, _ in EXPORTED_TABLES if table != "core_importbatch"]

DOC_START = "<!-- bench:load:start -->"
DOC_END = "<!-- bench:load:end -->"
LOAD_SECTION = """{start}
## Load: generating the data set into PostgreSQL / 生成并加载数据集

Reproduce with `make bench` (SF1, seed 1). These figures: `{command}`, run {date} at commit {commit},
scale {scale}, seed {seed}.{medians}

**What is measured — our load.** The wall-clock time of `{timed_command}` in a fresh database
that already holds the schema and the reference data (`duikou migrate` and `duikou load-reference`, not
timed): process start-up, building every row in Python (deterministic by seed), and loading the rows with
PostgreSQL `COPY` in one transaction, each object with its change-log row in `core_objectchange`, with the
tables' foreign keys and secondary indexes dropped for the load and rebuilt after, sequences moved and
`ANALYZE` run.

**The baseline — raw `COPY` of exactly the same rows, in the same run.** The generator's rows are
exported (`COPY (SELECT …) TO STDOUT`, CSV) and loaded with psycopg `COPY … FROM STDIN`, in one transaction,
into another fresh database with the same schema and reference data: once with the tables' indexes and
foreign keys as the schema has them (Django's foreign keys are checked at `COMMIT`, inside the timing), once
with them dropped and rebuilt by the very statements our loader runs (its plan is asked of
`duikou.core.bulk`; settings: {deferred_settings}). The baseline does no Python work, moves no sequences
and runs no `ANALYZE`; its CSV files are read from the page cache. Row counts are checked equal in all three
databases, and the reference data the rows point to are checked identical. A `CHECKPOINT` precedes every
timed step. The dashboards' rollup triggers (docs/decisions/0003-dashboard-rollups.md) are part of the schema:
they keep the rollups exact during all three loads.

| load | seconds | rows per second | our load ÷ this |
| --- | ---: | ---: | ---: |
| **our load**: `duikou generate` (build {ours[build_seconds]} s, write {ours[write_seconds]} s) \
| {ours[seconds]} | {ours_rate} | 1.00 |
| raw `COPY`, indexes and foreign keys as in the schema | {indexed[seconds]} | {indexed_rate} \
| {ratios[our_load_to_raw_copy_indexed]} |
| raw `COPY`, {deferred[foreign_keys_deferred]} foreign keys and {deferred[indexes_deferred]} indexes \
dropped and rebuilt | {deferred[seconds]} | {deferred_rate} | {ratios[our_load_to_raw_copy_deferred]} |

Our write phase alone ({ours[write_seconds]} s) takes {ratios[our_write_phase_to_raw_copy_deferred]}× \
the raw `COPY` with the same deferral.

**Goal** (issue 2): SF1 into PostgreSQL in ≤ {limit} s on this machine: {verdict}.

| table | rows |
| --- | ---: |
{table_rows}
| **total** | **{total}** |

Machine: {machine[nproc]} cores ({cpu}), {machine[memory_gib]} GiB memory, PostgreSQL {machine[postgresql]}
(server defaults: shared_buffers {shared_buffers}, maintenance_work_mem {maintenance_work_mem}), Python
{machine[python]};
1-minute load average {load_average} at the start and right after each timed step: {load_after}. The
machine was not reserved for the benchmark: a load average above its {machine[nproc]} cores means other work
competed for them, which inflates the seconds and, less, the ratios.

{end}"""
DASHBOARD_DOC_START = "<!-- bench:dashboard:start -->"
DASHBOARD_DOC_END = "<!-- bench:dashboard:end -->"
DASHBOARD_SECTION = """{start}
## Dashboard: server time against hand-written SQL / 概览页服务器耗时与手写 SQL 之比

Reproduce with `make bench` (SF1, seed 1). These figures: `{command}`, run {date} at commit {commit}, on the
database our load above has just written (then `VACUUM ANALYZE`, not timed), {runs} timed requests per page
after two warm-up requests.{medians}

**What is measured — ours.** The server time of the page: Django's test client requests it as a signed-in
superuser — middleware, session, the view's queries and the template, everything but the network — with
persistent database connections (`DATABASE_CONN_MAX_AGE=600`) and the default `DEBUG` on (Django then also
records each query: a little slower than production). The figures come from the rollup tables
(docs/decisions/0003-dashboard-rollups.md).

**The baseline — hand-written SQL of the same figures, in the same run.** `baseline_statements()` in
`bench/dashboard.py`: every figure the page shows (headline cards and the data of every chart and the map)
as {statements} grouped statements (GROUPING SETS, FILTER) straight over the base tables, no rollups, through
one persistent psycopg connection. It only aggregates (no names, links, targets or template). Before timing,
its results are checked equal to the page's figures. Page and SQL requests alternate.

| page | p50 | min | max | queries | hand-written SQL p50 | page ÷ SQL |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
{table_rows}

**Goal** (issue 3, item 6): the overview at SF1 on PostgreSQL, p50 ≤ {limit_ms} ms and at most {limit_ratio}×
the hand-written SQL: {verdict}.

Before the rollups (commit `a930afd`, same machine, connections not kept): overview p50 324 ms for one year
and 1,075 ms for all years, 24–25 queries. Rebuilding every rollup from the base tables takes
{rebuild_seconds} s (`duikou rebuild_rollups`); during `duikou generate` the triggers do this work as the rows
arrive, inside the load timed above. Load average {load_average} at the start of the dashboard benchmark,
{load_after} at its end.

{end}"""
LISTS_DOC_START = "<!-- bench:lists:start -->"
LISTS_DOC_END = "<!-- bench:lists:end -->"
LISTS_SECTION = """{start}
## List pages: server time against hand-written SQL / 登记簿清单页服务器耗时与手写 SQL 之比

Reproduce with `make bench` (SF1, seed 1). These figures: `{command}`, run {date} at commit {commit}, on the
same database and in the same way as the dashboard above, {runs} timed requests per page after two warm-up
requests.{medians}

**Ours.** The first page of 50 rows of a registry (`/projects/`, `/ledger/`, `/people/`, `/outcomes/`): the
filters, the count, the rows with their joined names, the filter panel with its choices, the template.
**The baseline** (`bench/lists.py`): two statements written by hand — the count, and the same 50 rows (same
columns, joins, filter and order, `LIMIT 50`) — through one persistent psycopg connection; before timing, its
count is checked equal to the count the page states.

| page | rows matching | p50 | min | max | queries | hand-written SQL p50 | page ÷ SQL |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{table_rows}

Where the SQL takes a few milliseconds (an index serves the order), the page's fixed cost — session, filter
panel, formatting 50 rows, the template, about 30–50 ms — dominates, and the ratio is large; where the SQL
itself is slow (a word searched in every name, no index for `%学校%`), the page adds almost nothing. The
number of queries does not depend on the page size (a test guards it:
`core/tests/test_registry_completeness.py`). Load average {load_average} at the start, {load_after} at the
end.

{end}"""
DOC_INTRO = """# 性能 / Performance

`make bench` runs the benchmarks in `bench/run.py` against PostgreSQL on 127.0.0.1:5432 and writes
`bench/results/latest.json` and the sections below. Each benchmark measures Duikou **and a baseline in the
same run, on the same machine and server**, and reports the ratio between them: seconds depend on the
machine, the ratio much less. Benchmarks are never timed inside the test suite — tests check behaviour,
`make bench` measures speed. Later benchmarks add their own section between their own markers.

每个基准在同一次运行、同一台机器上同时测量 Duikou 和一个基线，报告二者之比；测试套件里从不计时。

"""


# -- small helpers ------------------------------------------------------------------------------------------
def log(message: str) -> None:
    """Progress on stderr, so a long run shows where it is."""
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def database_url(server: str, name: str) -> str:
    return f"{server.rstrip('/')}/{name}"


def run_duikou(url: str, *args: str) -> str:
    """Run a `duikou` command against one database (DATABASE_URL) and return its standard output."""
    env = {**os.environ, "DATABASE_URL": url}
    completed = subprocess.run(
        [str(DUIKOU), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"duikou {' '.join(args)} failed ({completed.returncode}):\n{completed.stderr}")
    return completed.stdout


def checkpoint(server: str) -> None:
    """Flush dirty buffers before a timed step, so no step pays for the previous step's writes."""
    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as connection:
        connection.execute("CHECKPOINT")


def quoted(names: list[str]) -> str:
    """A column list for SQL; the names come from PostgreSQL's catalogue or this file, never from input."""
    return ", ".join(f'"{name}"' for name in names)


def load_average() -> float:
    """The 1-minute load average, read right after a timed step: a sign of other work on the machine.

    The step itself accounts for about 1–2 (our process and its PostgreSQL backend); more than the number
    of cores means something else competed for them and the seconds are inflated.
    """
    return round(os.getloadavg()[0], 2)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


# -- databases ----------------------------------------------------------------------------------------------
def drop_database(server: str, name: str) -> None:
    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database(server: str, name: str) -> str:
    """A new database with Duikou's schema and reference data — the state `make demo` starts from.

    Setup, not timed: migrate and load-reference run the same way for our load and the baseline.
    """
    drop_database(server, name)
    with psycopg.connect(database_url(server, "postgres"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = database_url(server, name)
    run_duikou(url, "migrate", "--no-input")
    run_duikou(url, "load-reference")
    return url


def reference_fingerprint(url: str) -> dict[str, str]:
    """A checksum of every table the loaded rows point to (divisions, organizations, content types …).

    The raw COPY carries the generator's foreign-key values over unchanged, so they must mean the same
    rows in both databases. Timestamps are left out: they differ by construction.
    """
    fingerprints = {}
    with psycopg.connect(url) as connection:
        referenced = connection.execute(
            "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) "
            "AND NOT confrelid::regclass::text = ANY(%s) ORDER BY 1",
            [DEFERRED_TABLES, [table for table, _ in EXPORTED_TABLES]],
        ).fetchall()
        for (table,) in referenced:
            columns = [
                name
                for (name,) in connection.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "AND data_type NOT LIKE 'timestamp%%' ORDER BY ordinal_position",
                    [table],
                )
            ]
            rows = f"string_agg(ROW({quoted(columns)})::text, '|' ORDER BY id)"
            count, digest = connection.execute(
                f"SELECT count(*), md5(coalesce({rows}, '')) FROM {table}"
            ).fetchone()
            fingerprints[table] = f"{count}:{digest}"
    return fingerprints


def select_rows(table: str, column: str | None, batch_id: int, what: str) -> str:
    """`SELECT what FROM table`, limited to the generator's batch where the table holds other rows too."""
    where = f' WHERE "{column}" = {int(batch_id)}' if column else ""
    return f'SELECT {what} FROM "{table}"{where}'


def row_counts(url: str, batch_id: int) -> dict[str, int]:
    """Rows of the generator's batch, table by table."""
    counts = {}
    with psycopg.connect(url) as connection:
        for table, column in EXPORTED_TABLES:
            counts[table] = connection.execute(select_rows(table, column, batch_id, "count(*)")).fetchone()[0]
    return counts


# -- our load -----------------------------------------------------------------------------------------------
def time_our_load(server: str, url: str, scale: str, seed: int) -> dict:
    """Wall-clock of the whole `duikou generate` process: start-up, building the rows, COPY, change log."""
    checkpoint(server)
    started = time.perf_counter()
    output = run_duikou(url, "generate", "--scale", scale, "--seed", str(seed), "--json")
    seconds = time.perf_counter() - started
    report = json.loads(output.strip().splitlines()[-1])
    return {
        "seconds": round(seconds, 2),
        "build_seconds": report["parameters"]["build_seconds"],
        "write_seconds": report["parameters"]["write_seconds"],
        "counts": report["counts"],
        "load_average_after": load_average(),
    }


def generated_batch(url: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT id FROM core_importbatch WHERE kind = 'generated' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit("duikou generate left no import batch")
    return row[0]


# -- the baseline: raw COPY ---------------------------------------------------------------------------------
@dataclass
class Export:
    table: str
    columns: list[str]
    path: Path
    rows: int


def export_rows(url: str, batch_id: int) -> list[Export]:
    """Write the generator's rows to CSV files (COPY TO STDOUT), one per table, in primary-key order."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    exports = []
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        for table, column in EXPORTED_TABLES:
            columns = [
                name
                for (name,) in cursor.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                    "AND NOT attisdropped ORDER BY attnum",
                    [table],
                )
            ]
            select = select_rows(table, column, batch_id, quoted(columns)) + " ORDER BY id"
            path = RESULTS_DIR / f"load-{table}.csv"
            with path.open("wb") as file, cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT csv)") as copy:
                for chunk in copy:
                    file.write(chunk)
            exports.append(Export(table, columns, path, cursor.rowcount))
    return exports


def loader_rebuild_plan(url: str) -> tuple[list[str], list[str]]:
    """The statements our loader runs to defer indexes and foreign keys, asked of the loader itself.

    `duikou.core.bulk.indexes_and_foreign_keys_deferred` builds its plan (drop foreign keys and secondary
    indexes; rebuild them with more sort memory) from the catalogue. Asking it for the plan, against the
    same schema, keeps the baseline deferring exactly what our load defers, whatever the loader does
    today. If the function is renamed, this fails loudly rather than measuring something else.
    """
    code = (
        "import json; from duikou.core.bulk import rebuild_plan as plan; "
        f"print(json.dumps(plan({json.dumps(DEFERRED_TABLES)})))"
    )
    drops, rebuilds = json.loads(run_duikou(url, "shell", "-c", code).strip().splitlines()[-1])
    return drops, rebuilds


def time_raw_copy(server: str, url: str, exports: list[Export], *, defer: bool) -> dict:
    """Load the exported files with COPY FROM STDIN in one transaction; the clock stops after COMMIT.

    With `defer`, run our loader's plan around the COPY: foreign keys and secondary indexes dropped first
    and rebuilt before COMMIT. Without it, the schema stays as it is (Django's foreign keys are DEFERRABLE
    INITIALLY DEFERRED, so their checks run at COMMIT — inside the timing).
    """
    drops, rebuilds = loader_rebuild_plan(url) if defer else ([], [])
    checkpoint(server)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("SELECT 1")  # connected before the clock starts
        started = time.perf_counter()
        with connection.transaction(), connection.cursor() as cursor:
            for statement in drops:
                cursor.execute(statement)
            for export in exports:
                statement = f'COPY "{export.table}" ({quoted(export.columns)}) FROM STDIN (FORMAT csv)'
                with export.path.open("rb") as file, cursor.copy(statement) as copy:
                    while chunk := file.read(COPY_CHUNK):
                        copy.write(chunk)
            for statement in rebuilds:
                cursor.execute(statement)
        seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "foreign_keys": sum(" DROP CONSTRAINT " in statement for statement in drops),
        "indexes": sum(statement.startswith("DROP INDEX ") for statement in drops),
        "settings": [
            s for s in drops + rebuilds if s.startswith("SET ") and not s.startswith("SET CONSTRAINTS")
        ],
        "load_average_after": load_average(),
    }


# -- the dashboard benchmark --------------------------------------------------------------------------------
def vacuum_analyze(url: str) -> None:
    """Settle the loaded database as autovacuum would after a while (visibility map, statistics).

    Not timed. The hand-written SQL profits from it as much as the page: index-only scans need the map.
    """
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def time_pages(script: str, url: str, runs: int) -> dict:
    """bench/<script> (dashboard.py, lists.py) on the loaded database: page server time against
    hand-written SQL, as JSON on its stdout."""
    load_at_start = load_average()
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--database-url", url, "--runs", str(runs), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"bench/{script} failed ({completed.returncode}):\n{completed.stderr}")
    for line in completed.stderr.splitlines():
        log(line.strip())
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    return {**result, "load_average_at_start": load_at_start, "load_average_after": load_average()}


# -- one repetition -----------------------------------------------------------------------------------------
def run_once(args: argparse.Namespace, scale: str) -> dict:
    """Our load, then the two baselines, each into its own fresh database; row counts checked."""
    names = {
        "load": f"{args.database_prefix}_load",
        "indexed": f"{args.database_prefix}_copy",
        "deferred": f"{args.database_prefix}_copy_deferred",
    }
    log(f"setting up {names['load']} (migrate, load-reference; not timed)")
    load_url = fresh_database(args.server, names["load"])
    log(f"timing: duikou generate --scale {scale} --seed {args.seed}")
    ours = time_our_load(args.server, load_url, scale, args.seed)
    log(f"  our load {ours['seconds']} s (build {ours['build_seconds']} s, write {ours['write_seconds']} s)")

    batch_id = generated_batch(load_url)
    exports = export_rows(load_url, batch_id)
    expected = row_counts(load_url, batch_id)
    if {export.table: export.rows for export in exports} != expected:
        raise SystemExit("the exported files do not hold the generator's rows")
    log(f"  exported {sum(expected.values()):,} rows to {RESULTS_DIR.relative_to(ROOT)}/load-*.csv")
    reference = reference_fingerprint(load_url)
    # After the fingerprint: the dashboard benchmark adds its own user to the loaded database.
    log("VACUUM ANALYZE of the loaded database (not timed)")
    vacuum_analyze(load_url)
    log(f"timing: dashboard pages against hand-written SQL ({args.dashboard_runs} requests each)")
    dashboard = time_pages("dashboard.py", load_url, args.dashboard_runs)
    log(f"timing: list pages against hand-written SQL ({args.dashboard_runs} requests each)")
    lists = time_pages("lists.py", load_url, args.dashboard_runs)
    log("timing: XLSX and CSV export of 100,000 ledger rows against openpyxl's writer (bench/exports.py)")
    export_benchmark = time_pages("exports.py", load_url, RUNS)
    log("timing: CSV and XLSX import of 100,000 project rows against raw COPY (bench/imports.py)")
    import_benchmark = time_pages("imports.py", load_url, RUNS)
    log("HTTP load test: Locust against gunicorn, 32 clients for 60 s (bench/load_test.py)")
    load_test = time_pages("load_test.py", load_url, RUNS)
    log("timing: duplicate detection against exact titles and brute-force rapidfuzz (bench/duplicates.py)")
    duplicate_benchmark = time_pages("duplicates.py", load_url, RUNS)

    result = {
        "our_load": ours,
        "dashboard": dashboard,
        "lists": lists,
        "exports": export_benchmark,
        "imports": import_benchmark,
        "load_test": load_test,
        "duplicates": duplicate_benchmark,
        "rows": expected,
        "csv_bytes": sum(e.path.stat().st_size for e in exports),
    }
    for variant in ("indexed", "deferred"):
        log(f"setting up {names[variant]} (migrate, load-reference; not timed)")
        url = fresh_database(args.server, names[variant])
        if reference_fingerprint(url) != reference:
            raise SystemExit(f"reference data differ between {names['load']} and {names[variant]}")
        log(f"timing: raw COPY, {variant}")
        result[variant] = time_raw_copy(args.server, url, exports, defer=variant == "deferred")
        counts = row_counts(url, batch_id)
        if counts != expected:
            raise SystemExit(f"row counts differ in {names[variant]}: {counts} != {expected}")
        log(f"  raw COPY ({variant}) {result[variant]['seconds']} s; row counts match")
    return result


# -- facts about the run ------------------------------------------------------------------------------------
def machine_facts(server: str) -> dict:
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"^MemTotal:\s+(\d+) kB", meminfo.read_text(), re.MULTILINE)
        memory_kb = int(match.group(1)) if match else 0
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = match.group(1).strip() if match else ""
    with psycopg.connect(database_url(server, "postgres")) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
        settings = {
            name: connection.execute(f"SHOW {name}").fetchone()[0]
            for name in ("shared_buffers", "maintenance_work_mem", "max_wal_size", "synchronous_commit")
        }
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": version,
        "postgresql_settings": settings,
        "load_average_at_start": load_average(),
    }


# What a run measures: the code, its dependencies and this script. The run's own outputs (latest.json,
# docs/performance.md) are left out, or every run after the first would count as uncommitted.
MEASURED_PATHS = [
    "src",
    "pyproject.toml",
    "Makefile",
    "bench/run.py",
    "bench/dashboard.py",
    "bench/lists.py",
    "bench/exports.py",
    "bench/imports.py",
    "bench/load_test.py",
    "bench/duplicates.py",
    "bench/locustfile.py",
]


def git_facts() -> dict:
    """The commit measured, and the measured files that differ from it (they should not, for a result)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout

    changed = [line[3:] for line in git("status", "--porcelain", "--", *MEASURED_PATHS).splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "uncommitted": changed}


def invocation() -> str:
    """The command as typed from the repository root, e.g. `.venv/bin/python bench/run.py --scale 1`."""
    executable = Path(sys.executable)
    if executable.is_relative_to(ROOT):
        executable = executable.relative_to(ROOT)
    script = Path(sys.argv[0]).resolve()
    script = script.relative_to(ROOT) if script.is_relative_to(ROOT) else script
    return shlex.join([str(executable), str(script), *sys.argv[1:]])


# -- results ------------------------------------------------------------------------------------------------
def summarise(args: argparse.Namespace, scale: str, runs: list[dict]) -> dict:
    """Medians over the repetitions, ratios of medians, rows per second, the goal."""
    rows = runs[0]["rows"]
    total_rows = sum(rows.values())
    ours = median([run["our_load"]["seconds"] for run in runs])

    def variant(name: str, description: str) -> dict:
        seconds = median([run[name]["seconds"] for run in runs])
        return {
            "description": description,
            "seconds": seconds,
            "samples": [run[name]["seconds"] for run in runs],
            "load_average_after": [run[name]["load_average_after"] for run in runs],
            "rows_per_second": round(total_rows / seconds),
            "foreign_keys_deferred": runs[0][name]["foreign_keys"],
            "indexes_deferred": runs[0][name]["indexes"],
            "settings": runs[0][name]["settings"],
        }

    indexed = variant("indexed", "COPY FROM STDIN of the CSV files, one transaction, schema as it is")
    deferred = variant(
        "deferred",
        "the same COPY wrapped in our loader's own plan (duikou.core.bulk.rebuild_plan, as "
        "indexes_and_foreign_keys_deferred runs it): foreign keys and secondary indexes dropped first, "
        "rebuilt before COMMIT",
    )
    write_seconds = median([run["our_load"]["write_seconds"] for run in runs])
    return {
        "load": {
            "description": "duikou generate: build the synthetic data set in Python and load it, with one "
            "change-log row per object, into a fresh PostgreSQL database; against raw COPY of the same rows",
            "timed_command": f"duikou generate --scale {scale} --seed {args.seed} --json",
            "rows": {**rows, "total": total_rows},
            "csv_bytes": runs[0]["csv_bytes"],
            "our_load": {
                "seconds": ours,
                "samples": [run["our_load"]["seconds"] for run in runs],
                "load_average_after": [run["our_load"]["load_average_after"] for run in runs],
                "build_seconds": median([run["our_load"]["build_seconds"] for run in runs]),
                "write_seconds": write_seconds,
                "rows_per_second": round(total_rows / ours),
            },
            "raw_copy": {"indexed": indexed, "deferred": deferred},
            "ratios": {
                "our_load_to_raw_copy_indexed": round(ours / indexed["seconds"], 2),
                "our_load_to_raw_copy_deferred": round(ours / deferred["seconds"], 2),
                "our_write_phase_to_raw_copy_deferred": round(write_seconds / deferred["seconds"], 2),
            },
            "goal": {
                "description": "SF1 into PostgreSQL in ≤ 90 s on this machine (issue 2)",
                "limit_seconds": GOAL_SECONDS,
                "measured_seconds": ours,
                "met": (ours <= GOAL_SECONDS) if float(scale) == 1 else None,
            },
            "verification": {"row_counts_match": True, "reference_data_identical": True},
        },
        "dashboard": summarise_dashboard(scale, runs),
        "lists": summarise_lists(runs),
        "exports": summarise_exports([run["exports"] for run in runs]),
        "imports": runs[-1]["imports"],  # bench/imports.py alternates its own rounds and takes medians
        "load_test": runs[-1]["load_test"],
        "duplicates": runs[-1]["duplicates"],  # bench/duplicates.py takes its own medians
    }


def summarise_dashboard(scale: str, runs: list[dict]) -> dict:
    """Per page: medians over the repetitions of p50, min, max and the SQL p50; every sample kept."""
    first = runs[0]["dashboard"]
    selections = summarise_selections(runs, "dashboard")
    goal = dict(first["goal"])
    overview = [selection for selection in selections if selection["name"].startswith("overview")]
    goal["met"] = (
        all(o["page"]["p50_ms"] <= goal["limit_ms"] and o["ratio"] <= goal["limit_ratio"] for o in overview)
        if float(scale) == 1
        else None
    )
    return {
        "description": first["description"],
        "runs": first["runs"],
        "selections": selections,
        "goal": goal,
        "rebuild_seconds": median([run["dashboard"]["rebuild_seconds"] for run in runs]),
        "load_average_at_start": [run["dashboard"]["load_average_at_start"] for run in runs],
        "load_average_after": [run["dashboard"]["load_average_after"] for run in runs],
    }


def summarise_selections(runs: list[dict], key: str) -> list[dict]:
    """Per page of benchmark `key`: medians over the repetitions of p50, min and max, page and SQL."""
    selections = []
    for index, selection in enumerate(runs[0][key]["selections"]):
        measured = [run[key]["selections"][index] for run in runs]
        page = {name: median([m["page"][name] for m in measured]) for name in ("p50_ms", "min_ms", "max_ms")}
        sql = {name: median([m["sql"][name] for m in measured]) for name in ("p50_ms", "min_ms", "max_ms")}
        page["samples_ms"] = [sample for m in measured for sample in m["page"]["samples_ms"]]
        sql["samples_ms"] = [sample for m in measured for sample in m["sql"]["samples_ms"]]
        sql["statements"] = selection["sql"]["statements"]
        selections.append(
            {
                **{name: selection[name] for name in ("name", "url", "queries") if name in selection},
                **({"rows": selection["rows"]} if "rows" in selection else {}),
                "page": page,
                "sql": sql,
                "ratio": round(page["p50_ms"] / sql["p50_ms"], 2),
            }
        )
    return selections


def summarise_lists(runs: list[dict]) -> dict:
    first = runs[0]["lists"]
    return {
        "description": first["description"],
        "runs": first["runs"],
        "selections": summarise_selections(runs, "lists"),
        "load_average_at_start": [run["lists"]["load_average_at_start"] for run in runs],
        "load_average_after": [run["lists"]["load_average_after"] for run in runs],
    }


def write_latest(results: dict) -> None:
    """Pretty JSON with sorted keys, so a new run's diff shows only what changed."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    LATEST.write_text(
        json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def render_section(results: dict) -> str:
    """The load benchmark's section of docs/performance.md, markers included."""
    load, machine, parameters = results["benchmarks"]["load"], results["machine"], results["parameters"]
    ours, indexed, deferred = load["our_load"], load["raw_copy"]["indexed"], load["raw_copy"]["deferred"]
    ratios, goal, rows = load["ratios"], load["goal"], load["rows"]
    if goal["met"] is None:
        verdict = f"not judged at scale {parameters['scale']:g} (the goal is for scale 1)"
    else:
        verdict = f"**{'met' if goal['met'] else 'missed'}** ({goal['measured_seconds']} s)"
    settings = machine["postgresql_settings"]
    changed = results["git"]["uncommitted"]
    uncommitted = (
        f" plus uncommitted changes to {', '.join(f'`{path}`' for path in changed)}" if changed else ""
    )
    section = LOAD_SECTION.format(
        start=DOC_START,
        end=DOC_END,
        command=results["command"],
        date=results["date"],
        commit=f"`{results['git']['commit']}`" + uncommitted,
        scale=f"{parameters['scale']:g}",
        seed=parameters["seed"],
        medians=f" Seconds are medians of {parameters['repeat']} runs." if parameters["repeat"] > 1 else "",
        timed_command=load["timed_command"],
        ours=ours,
        ours_rate=f"{ours['rows_per_second']:,}",
        indexed=indexed,
        indexed_rate=f"{indexed['rows_per_second']:,}",
        deferred=deferred,
        deferred_rate=f"{deferred['rows_per_second']:,}",
        deferred_settings=", ".join(f"`{setting}`" for setting in deferred["settings"]) or "none",
        ratios=ratios,
        limit=goal["limit_seconds"],
        verdict=verdict,
        table_rows="\n".join(
            f"| `{table}` | {count:,} |" for table, count in rows.items() if table != "total"
        ),
        total=f"{rows['total']:,}",
        machine=machine,
        cpu=machine["cpu"] or "CPU model unknown",
        shared_buffers=settings["shared_buffers"],
        maintenance_work_mem=settings["maintenance_work_mem"],
        load_average=machine["load_average_at_start"],
        load_after=", ".join(
            f"{label} {', '.join(map(str, measured['load_average_after']))}"
            for label, measured in (
                ("our load", ours),
                ("raw COPY as in the schema", indexed),
                ("raw COPY deferred", deferred),
            )
        ),
    )
    return rewrap(section)


def render_dashboard_section(results: dict) -> str:
    """The dashboard benchmark's section of docs/performance.md, markers included."""
    dashboard, parameters = results["benchmarks"]["dashboard"], results["parameters"]
    goal = dashboard["goal"]
    if goal["met"] is None:
        verdict = f"not judged at scale {parameters['scale']:g} (the goal is for scale 1)"
    else:
        worst = max(s["page"]["p50_ms"] for s in dashboard["selections"] if s["name"].startswith("overview"))
        worst_ratio = max(s["ratio"] for s in dashboard["selections"] if s["name"].startswith("overview"))
        verdict = f"**{'met' if goal['met'] else 'missed'}** (up to {worst:g} ms, {worst_ratio:g}×)"
    changed = results["git"]["uncommitted"]
    uncommitted = (
        f" plus uncommitted changes to {', '.join(f'`{path}`' for path in changed)}" if changed else ""
    )
    rows = "\n".join(
        f"| {s['name']} (`{s['url']}`) | {s['page']['p50_ms']:g} ms | {s['page']['min_ms']:g} ms "
        f"| {s['page']['max_ms']:g} ms | {s['queries']} | {s['sql']['p50_ms']:g} ms | {s['ratio']:.2f} |"
        for s in dashboard["selections"]
    )
    section = DASHBOARD_SECTION.format(
        start=DASHBOARD_DOC_START,
        end=DASHBOARD_DOC_END,
        command=results["command"],
        date=results["date"],
        commit=f"`{results['git']['commit']}`" + uncommitted,
        runs=dashboard["runs"],
        medians=f" Times are medians of {parameters['repeat']} runs." if parameters["repeat"] > 1 else "",
        statements="–".join(
            str(n) for n in sorted({s["sql"]["statements"] for s in dashboard["selections"]})
        ),
        table_rows=rows,
        limit_ms=goal["limit_ms"],
        limit_ratio=goal["limit_ratio"],
        verdict=verdict,
        rebuild_seconds=dashboard["rebuild_seconds"],
        load_average=", ".join(map(str, dashboard["load_average_at_start"])),
        load_after=", ".join(map(str, dashboard["load_average_after"])),
    )
    return rewrap(section)


def render_lists_section(results: dict) -> str:
    """The list-page benchmark's section of docs/performance.md, markers included."""
    lists, parameters = results["benchmarks"]["lists"], results["parameters"]
    changed = results["git"]["uncommitted"]
    uncommitted = (
        f" plus uncommitted changes to {', '.join(f'`{path}`' for path in changed)}" if changed else ""
    )
    rows = "\n".join(
        f"| {s['name']} (`{s['url']}`) | {s['rows']:,} | {s['page']['p50_ms']:g} ms "
        f"| {s['page']['min_ms']:g} ms | {s['page']['max_ms']:g} ms | {s['queries']} "
        f"| {s['sql']['p50_ms']:g} ms | {s['ratio']:.2f} |"
        for s in lists["selections"]
    )
    section = LISTS_SECTION.format(
        start=LISTS_DOC_START,
        end=LISTS_DOC_END,
        command=results["command"],
        date=results["date"],
        commit=f"`{results['git']['commit']}`" + uncommitted,
        runs=lists["runs"],
        medians=f" Times are medians of {parameters['repeat']} runs." if parameters["repeat"] > 1 else "",
        table_rows=rows,
        load_average=", ".join(map(str, lists["load_average_at_start"])),
        load_after=", ".join(map(str, lists["load_average_after"])),
    )
    return rewrap(section)


def rewrap(markdown: str, width: int = 110) -> str:
    """Re-fill the prose paragraphs of a rendered section, whose filled-in values vary in length.

    Tables, headings and markers are left as they are.
    """
    blocks = []
    for block in markdown.split("\n\n"):
        if block.lstrip().startswith(("|", "#", "<!--")):
            blocks.append(block)
        else:
            blocks.append(
                textwrap.fill(" ".join(block.split()), width, break_long_words=False, break_on_hyphens=False)
            )
    return "\n\n".join(blocks)


def update_performance_doc(section: str, start: str = DOC_START, end: str = DOC_END) -> None:
    """Replace one benchmark's section between its markers; other sections and the intro stay as written."""
    text = PERFORMANCE_DOC.read_text(encoding="utf-8") if PERFORMANCE_DOC.exists() else DOC_INTRO
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    PERFORMANCE_DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def print_summary(results: dict) -> None:
    """A few lines for the terminal; the details are in latest.json."""
    load = results["benchmarks"]["load"]
    ratios, goal = load["ratios"], load["goal"]
    lines = [
        ("our load (duikou generate)", load["our_load"], None),
        ("raw COPY, schema as it is", load["raw_copy"]["indexed"], ratios["our_load_to_raw_copy_indexed"]),
        (
            "raw COPY, indexes/FKs deferred",
            load["raw_copy"]["deferred"],
            ratios["our_load_to_raw_copy_deferred"],
        ),
    ]
    print(f"load benchmark, scale {results['parameters']['scale']:g}: {load['rows']['total']:,} rows")
    for label, measured, ratio in lines:
        versus = f"   our load ÷ this = {ratio}" if ratio else ""
        print(f"  {label:32} {measured['seconds']:8.2f} s {measured['rows_per_second']:>10,} rows/s{versus}")
    met = {True: "met", False: "MISSED", None: "not judged (the goal is for scale 1)"}[goal["met"]]
    print(f"  goal, SF1 in ≤ {goal['limit_seconds']} s: {met}")
    dashboard = results["benchmarks"]["dashboard"]
    print("dashboard benchmark: page server time p50, against hand-written SQL of the same figures")
    for selection in dashboard["selections"]:
        print(
            f"  {selection['name'][:44]:44} {selection['page']['p50_ms']:7.1f} ms "
            f"{selection['queries']:3} queries   SQL {selection['sql']['p50_ms']:7.1f} ms   "
            f"page ÷ SQL = {selection['ratio']}"
        )
    met = {True: "met", False: "MISSED", None: "not judged (the goal is for scale 1)"}[
        dashboard["goal"]["met"]
    ]
    print(
        f"  goal, overview p50 ≤ {dashboard['goal']['limit_ms']} ms "
        f"and ≤ {dashboard['goal']['limit_ratio']}× SQL: {met}"
    )
    print("list-page benchmark: first page of 50, p50, against hand-written SQL of the same count and rows")
    for selection in results["benchmarks"]["lists"]["selections"]:
        print(
            f"  {selection['name'][:44]:44} {selection['page']['p50_ms']:7.1f} ms "
            f"{selection['queries']:3} queries   SQL {selection['sql']['p50_ms']:7.1f} ms   "
            f"page ÷ SQL = {selection['ratio']}"
        )
    print(f"  wrote {LATEST.relative_to(ROOT)} and {PERFORMANCE_DOC.relative_to(ROOT)}")


# -- main ---------------------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="data set scale (1 = SF1)")
    parser.add_argument("--seed", type=int, default=1, help="data set seed")
    parser.add_argument(
        "--database-prefix", default="duikou_bench", help="names of the databases created and dropped"
    )
    parser.add_argument("--repeat", type=int, default=1, help="repetitions; medians are reported")
    parser.add_argument(
        "--dashboard-runs",
        type=int,
        default=15,
        help="timed requests per dashboard and list page (and SQL runs)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases and the CSV files")
    parser.add_argument(
        "--server", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL, no database"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database_prefix):
        parser.error("--database-prefix: lower-case letters, digits and underscores")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    scale = f"{args.scale:g}"
    started = datetime.datetime.now(datetime.UTC)
    facts = {
        "command": invocation(),
        "reproduce": "make bench",
        "date": started.isoformat(timespec="seconds"),
        "git": git_facts(),
        "machine": machine_facts(args.server),
        "parameters": {"scale": args.scale, "seed": args.seed, "repeat": args.repeat},
    }
    if (load := facts["machine"]["load_average_at_start"]) > (os.cpu_count() or 2) / 2:
        log(f"warning: load average {load} at the start; other work on the machine inflates the seconds")
    runs = []
    try:
        for repetition in range(1, args.repeat + 1):
            log(f"repetition {repetition} of {args.repeat}")
            runs.append(run_once(args, scale))
    finally:
        if not args.keep:
            for suffix in ("load", "copy", "copy_deferred"):
                drop_database(args.server, f"{args.database_prefix}_{suffix}")
            for path in RESULTS_DIR.glob("load-*.csv"):
                path.unlink()
    results = {**facts, "benchmarks": summarise(args, scale, runs)}
    write_latest(results)
    update_performance_doc(render_section(results))
    update_performance_doc(render_dashboard_section(results), DASHBOARD_DOC_START, DASHBOARD_DOC_END)
    update_performance_doc(render_lists_section(results), LISTS_DOC_START, LISTS_DOC_END)
    update_performance_doc(rewrap(render_exports_section(results)), EXPORTS_DOC_START, EXPORTS_DOC_END)
    update_performance_doc(render_imports_section(results), IMPORTS_DOC_START, IMPORTS_DOC_END)
    update_performance_doc(render_load_test_section(results), LOAD_TEST_DOC_START, LOAD_TEST_DOC_END)
    update_performance_doc(render_duplicates_section(results), DUPLICATES_DOC_START, DUPLICATES_DOC_END)
    print_summary(results)


if __name__ == "__main__":
    main()
