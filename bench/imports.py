"""The import benchmark (issue 4, item 7): the annual-plan import against raw PostgreSQL `COPY` of the same
rows, the XLSX import against reading the workbook alone, and the peak memory of a 1,000,000-row import.

**The file.** The stored projects of the loaded data set, written as rows of the import template (what
`duikou export projects --template` writes), keeping those the importer's own check accepts — the data set
plants anomalies (sums that don't add up, unpaired supporters) that an import rightly refuses — and
repeated with new codes (BENCH-0000001 …) up to `--rows` rows. So every row is new, valid and fully
validated: header found, cells normalised, supporter / division / category resolved, the model's rules,
the pairing check, duplicate codes, and the writes with one change-log row per project.

**Ours.** `importer_for("projects").run(path, …)`, the code behind `duikou import projects FILE`, timed
from the call to its return (committed), on a CSV file (UTF-8) and on the same rows as XLSX.

**The baselines, in the same run.**
  * CSV: raw `COPY projects_project FROM STDIN` of exactly the rows our import wrote (read back from the
    table, all columns, then deleted), in one transaction, committed — indexes, foreign keys (checked at
    commit) and the dashboards' statement triggers as in the schema. No change-log rows: those are ours.
  * XLSX: python-calamine reading the workbook's rows and nothing else.
Our import and the baseline alternate (`--rounds`); the medians are reported.

**Memory.** A real import of a `--memory-rows` CSV by `duikou import projects FILE`, in a child process,
whose peak resident memory (its `VmHWM`) is reported.

Every row this writes is deleted again (codes BENCH-…, their change-log rows and import batches).

Usage (also run by bench/run.py after its load, on the loaded database):
    .venv/bin/python bench/imports.py --database-url postgres://postgres@127.0.0.1:5432/duikou_speed
        [--rows 100000] [--memory-rows 1000000] [--rounds 2] [--json]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dashboard import setup_django

ROOT = Path(__file__).resolve().parent.parent
DUIKOU = Path(sys.executable).parent / "duikou"
CODE_PREFIX = "BENCH-"
GOALS = {
    "csv_ratio_to_copy": 0.5,  # issue 4: "at least half the throughput of raw COPY"
    "xlsx_rows_per_second": 20_000,
    "peak_memory_mb": 500,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the file ---------------------------------------------------------------------------------------------
def template_rows(rows: int) -> tuple[list[str], list[list]]:
    """The header and `rows` valid template rows of new projects: the stored projects' rows, each under a
    new code and with the code in its name (a new project, not a copy of a stored one — copies would all
    be likely duplicates, the import's slowest and rarest case), keeping those the import's check accepts
    as new (not, e.g., added to an issued plan without an adjustment)."""
    from duikou.core.imports.templates import column_header
    from duikou.projects.imports import ProjectImporter
    from duikou.projects.models import Project

    importer = ProjectImporter()
    header = [column_header(spec) for spec in importer.columns]
    code = next(index for index, spec in enumerate(importer.columns) if spec.name == "code")
    name = next(index for index, spec in enumerate(importer.columns) if spec.name == "name")

    def renamed(row: list, number: int) -> list:
        row = list(row)
        row[code] = f"{CODE_PREFIX}{number:07d}"
        row[name] = f"{row[name]}（{row[code]}）"
        return row

    stored = importer.template_rows(Project.objects.all())
    accepted = _accepted(importer, header, [renamed(row, number) for number, row in enumerate(stored, 1)])
    log(f"  {len(accepted):,} of {len(stored):,} stored projects pass the import check; repeated to {rows:,}")
    return header, [renamed(accepted[number % len(accepted)], number + 1) for number in range(rows)]


def _accepted(importer, header: list[str], rows: list[list]) -> list[list]:
    """The rows the importer's own dry run accepts."""
    path = write_csv(Path(tempfile.mkdtemp()) / "check.csv", header, rows)
    result = importer.run(path, path.name, dry_run=True)
    refused = {error.row for error in result.errors}
    return [row for number, row in enumerate(rows, start=2) if number not in refused]


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows([_cell(value) for value in row] for row in rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("数据")
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if hasattr(value, "isoformat"):
                sheet.write_datetime(index, column, value, dates)
            elif value not in (None, ""):
                sheet.write(index, column, value)
    workbook.close()
    return path


# -- ours and the baselines -------------------------------------------------------------------------------
def time_import(path: Path, *, dry_run: bool = False) -> float:
    from duikou.core.imports.registry import importer_for

    started = time.perf_counter()
    result = importer_for("projects").run(path, path.name, dry_run=dry_run)
    seconds = time.perf_counter() - started
    if result.errors or not (dry_run or result.committed):
        raise SystemExit(f"the import of {path.name} failed: {[e.as_dict() for e in result.errors[:5]]}")
    return seconds


def _copy_out(url: str, table: str, select: Callable[[list[str]], str]) -> tuple[list[str], bytes]:
    """`table`'s columns, and as COPY text the rows of the query `select(columns)` writes."""
    import psycopg

    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} LIMIT 0")
        columns = [column.name for column in cursor.description]
        buffer = io.BytesIO()
        with cursor.copy(f"COPY ({select(columns)}) TO STDOUT") as copy:
            for block in copy:
                buffer.write(block)
    return columns, buffer.getvalue()


def imported_rows_as_copy_text(url: str) -> tuple[list[str], bytes]:
    return _copy_out(
        url,
        "projects_project",
        lambda _columns: f"SELECT * FROM projects_project WHERE code LIKE '{CODE_PREFIX}%' ORDER BY id",
    )


def imported_changes_as_copy_text(url: str) -> tuple[list[str], bytes]:
    """The change-log rows our import wrote for its projects, as COPY text (their ids left out, and their
    import batch, deleted with the benchmark's rows: a NULL reference is not checked, so the writes alone
    come out a little faster than they would be)."""

    def select(columns: list[str]) -> str:
        selected = ", ".join(
            'NULL AS "import_batch_id"' if name == "import_batch_id" else f'"{name}"'
            for name in columns
            if name != "id"
        )
        return (
            f"SELECT {selected} FROM core_objectchange WHERE import_batch_id IN "
            "(SELECT id FROM core_importbatch WHERE label LIKE 'bench-%') ORDER BY id"
        )

    columns, data = _copy_out(url, "core_objectchange", select)
    return [name for name in columns if name != "id"], data


def time_raw_copy(url: str, columns: list[str], data: bytes, *tables: tuple[str, list[str], bytes]) -> float:
    """Seconds to COPY `data` into projects_project and commit — after it, in the same transaction, each
    of `tables` (name, columns, COPY text) when given."""
    import psycopg

    with psycopg.connect(url) as connection:
        started = time.perf_counter()
        for table, table_columns, table_data in (("projects_project", columns, data), *tables):
            column_sql = ", ".join(f'"{name}"' for name in table_columns)
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy,
            ):
                for start in range(0, len(table_data), 1 << 20):
                    copy.write(table_data[start : start + (1 << 20)])
        connection.commit()
        return time.perf_counter() - started


def time_calamine_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    seconds = time.perf_counter() - started
    assert len(rows) > 1
    return seconds


def remove_bench_rows(url: str) -> None:
    """Delete what the benchmark wrote: its projects, their change-log rows, its import batches."""
    import psycopg

    with psycopg.connect(url) as connection:
        batches = (
            "SELECT id FROM core_importbatch WHERE parameters->>'importer' = 'projects' AND label LIKE %s"
        )
        connection.execute(f"DELETE FROM core_objectchange WHERE import_batch_id IN ({batches})", ["bench-%"])
        connection.execute("DELETE FROM projects_project WHERE code LIKE %s", [CODE_PREFIX + "%"])
        connection.execute(f"DELETE FROM core_importbatch WHERE id IN ({batches})", ["bench-%"])
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE projects_project")
        connection.execute("VACUUM ANALYZE core_objectchange")


# The child reports its own high-water mark (VmHWM): ru_maxrss would also count the pages a forked child
# shares with this process before its exec.
PEAK_MEMORY_WRAPPER = """
import atexit, re, sys
def report():
    status = open("/proc/self/status").read()
    print("VmHWM_KB", re.search(r"VmHWM:\\s+(\\d+)", status).group(1), file=sys.stderr)
atexit.register(report)
from duikou.cli import main
main(["duikou", "import", "projects", sys.argv[1], "--json", "--no-progress"])
"""


def peak_memory_of_import(url: str, path: Path) -> dict:
    """A real import of `path` by `duikou import` in a child process: its seconds and peak RSS."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY_WRAPPER, str(path)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"duikou import failed ({completed.returncode}): {completed.stderr[-2000:]}")
    peak_kb = int(re.search(r"VmHWM_KB (\d+)", completed.stderr).group(1))
    rows = json.loads(completed.stdout)["counts"]["new"]
    return {"rows": rows, "seconds": round(seconds, 1), "peak_memory_mb": round(peak_kb / 1024, 1)}


def measure(url: str, rows: int, memory_rows: int, rounds: int) -> dict:
    setup_django(url)
    load_at_start = round(os.getloadavg()[0], 2)
    remove_bench_rows(url)
    directory = Path(tempfile.mkdtemp(prefix="duikou-bench-imports-"))
    log(f"import benchmark: building {rows:,} template rows")
    header, data = template_rows(rows)
    csv_path = write_csv(directory / "bench-projects.csv", header, data)
    xlsx_path = write_xlsx(directory / "bench-projects.xlsx", header, data)

    ours, copies, writes, xlsx, calamine, csv_checks, xlsx_checks = [], [], [], [], [], [], []
    for round_number in range(1, rounds + 1):
        csv_checks.append(time_import(csv_path, dry_run=True))
        xlsx_checks.append(time_import(xlsx_path, dry_run=True))
        ours.append(time_import(csv_path))
        columns, copy_text = imported_rows_as_copy_text(url)
        change_columns, change_text = imported_changes_as_copy_text(url)
        remove_bench_rows(url)
        copies.append(time_raw_copy(url, columns, copy_text))
        remove_bench_rows(url)
        writes.append(
            time_raw_copy(url, columns, copy_text, ("core_objectchange", change_columns, change_text))
        )
        remove_bench_rows(url)
        del change_text
        xlsx.append(time_import(xlsx_path))
        remove_bench_rows(url)
        calamine.append(time_calamine_read(xlsx_path))
        log(
            f"  round {round_number}: CSV import {ours[-1]:.2f} s, raw COPY {copies[-1]:.2f} s, "
            f"raw COPY with the change-log rows {writes[-1]:.2f} s, "
            f"XLSX import {xlsx[-1]:.2f} s, calamine read {calamine[-1]:.2f} s; "
            f"checks (dry runs): CSV {csv_checks[-1]:.2f} s, XLSX {xlsx_checks[-1]:.2f} s"
        )
    del copy_text, data

    csv_file_mb = round(csv_path.stat().st_size / 1024 / 1024, 1)
    log(f"import benchmark: peak memory of a {memory_rows:,}-row CSV import (child process)")
    header_only, base = template_rows(min(memory_rows, 50_000))
    big = directory / "bench-projects-big.csv"
    with open(big, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header_only)
        code, name = 0, 1  # 项目编号 and 项目名称 are the template's first columns
        for number in range(memory_rows):
            row = [_cell(value) for value in base[number % len(base)]]
            # A new project, like every row of the timed file — a repeated name would be a likely
            # duplicate of an earlier row on every row past the base's.
            base_code = row[code]
            row[code] = f"{CODE_PREFIX}{number + 1:07d}"
            row[name] = row[name].replace(base_code, row[code])
            writer.writerow(row)
    memory = peak_memory_of_import(url, big)
    memory["file_mb"] = round(big.stat().st_size / 1024 / 1024, 1)
    remove_bench_rows(url)
    for path in directory.iterdir():
        path.unlink()
    directory.rmdir()

    load_after = round(os.getloadavg()[0], 2)
    csv_seconds, copy_seconds = statistics.median(ours), statistics.median(copies)
    xlsx_seconds = statistics.median(xlsx)
    return {
        "rows": rows,
        "rounds": rounds,
        "csv_file_mb": csv_file_mb,
        "csv_import_seconds": round(csv_seconds, 2),
        "csv_rows_per_second": round(rows / csv_seconds),
        "copy_seconds": round(copy_seconds, 2),
        "copy_rows_per_second": round(rows / copy_seconds),
        "csv_ratio_to_copy": round(copy_seconds / csv_seconds, 2),
        "writes_seconds": round(statistics.median(writes), 2),
        "writes_ratio_to_copy": round(copy_seconds / statistics.median(writes), 2),
        "xlsx_import_seconds": round(xlsx_seconds, 2),
        "xlsx_rows_per_second": round(rows / xlsx_seconds),
        "calamine_read_seconds": round(statistics.median(calamine), 2),
        "csv_check_seconds": round(statistics.median(csv_checks), 2),
        "csv_check_rows_per_second": round(rows / statistics.median(csv_checks)),
        "xlsx_check_seconds": round(statistics.median(xlsx_checks), 2),
        "xlsx_check_rows_per_second": round(rows / statistics.median(xlsx_checks)),
        "memory": memory,
        "goals": GOALS,
        "load_average_at_start": load_at_start,
        "load_average_after": load_after,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database holding a data set")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--memory-rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, help="accepted for bench/run.py's time_pages; unused")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    parser.add_argument(
        "--write-doc", action="store_true", help="write the bench:imports section of docs/performance.md"
    )
    args = parser.parse_args(argv)
    results = measure(args.database_url, args.rows, args.memory_rows, args.rounds)
    if args.write_doc:
        write_section(results, " ".join(["python", "bench/imports.py", *(argv or sys.argv[1:])]))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, sort_keys=True))
    else:
        print(json.dumps(results, ensure_ascii=False, indent=2))


# -- docs/performance.md ----------------------------------------------------------------------------------
IMPORTS_DOC_START = "<!-- bench:imports:start -->"
IMPORTS_DOC_END = "<!-- bench:imports:end -->"
IMPORTS_SECTION = """{start}
## Imports: the annual plan, CSV and XLSX / 年度项目计划导入

Measured by `{command}` on {date} at commit {commit}; `bench/imports.py` on an SF1 data set (in `make bench`: the database the load above
wrote. {rows:,} project rows built from the data set's own projects in the import template's shape (the
rows the importer's check refuses — planted anomalies — left out), each with a new code, so every row is
new and goes through everything: header, cells, references, the model's rules, the pairing check,
duplicate codes, the COPY of the rows and of one change-log row each, one import batch, commit.
Medians of {rounds} alternating rounds. Load average {load_average_at_start} at the start, {load_average_after}
at the end (2 cores: above ~1, something else was running and every figure here is slower).

| | seconds | rows/s | goal |
|---|---:|---:|---|
| **ours: CSV import** (`duikou import projects`, committed) | {csv_import_seconds:.2f} | {csv_rows_per_second:,} | |
| baseline: raw `COPY projects_project` of the same rows, committed | {copy_seconds:.2f} | {copy_rows_per_second:,} | |
| **ratio of throughputs, ours / raw COPY** | | **{csv_ratio_to_copy:.2f}** | ≥ 0.50: {csv_verdict} |
| the writes alone: raw `COPY` of the same rows **and of the change-log rows our import wrote for them** (pre-encoded, one transaction) | {writes_seconds:.2f} | {writes_rows_per_second:,} | |
| ratio of throughputs, the writes alone / raw COPY: the best any import that logs each row could reach | | {writes_ratio_to_copy:.2f} | |
| **ours: XLSX import** (same rows as a workbook) | {xlsx_import_seconds:.2f} | {xlsx_rows_per_second:,} | ≥ 20,000 rows/s: {xlsx_verdict} |
| python-calamine reading that workbook, nothing else | {calamine_read_seconds:.2f} | {calamine_rows_per_second:,} | |
| the check alone (试导入, a dry run: read and validate, write nothing), CSV | {csv_check_seconds:.2f} | {csv_check_rows_per_second:,} | |
| the check alone, XLSX | {xlsx_check_seconds:.2f} | {xlsx_check_rows_per_second:,} | |

**Peak memory** of a real import of a {memory_rows:,}-row CSV ({file_mb} MB) by `duikou import projects`
in a child process (its `VmHWM`): **{peak_memory_mb} MB** (goal ≤ 500 MB:
{memory_verdict}), in {memory_seconds} s. The file is read as a stream and written a chunk of 5,000 rows
at a time (`ProjectImporter.chunk_rows`), inside one transaction.
{end}"""  # noqa: E501 (Markdown table rows)


def render_imports_section(results: dict) -> str:
    """The import benchmark's section of docs/performance.md, markers included."""
    imports = results["benchmarks"]["imports"]
    memory = imports["memory"]

    def verdict(met: bool) -> str:
        return "**met**" if met else "**missed**"

    return IMPORTS_SECTION.format(
        start=IMPORTS_DOC_START,
        end=IMPORTS_DOC_END,
        command=results["command"],
        date=results["date"],
        commit=f"`{results['git']['commit']}`"
        + (
            f" (plus uncommitted changes in {len(results['git']['uncommitted'])} files)"
            if results["git"]["uncommitted"]
            else ""
        ),
        csv_verdict=verdict(imports["csv_ratio_to_copy"] >= GOALS["csv_ratio_to_copy"]),
        xlsx_verdict=verdict(imports["xlsx_rows_per_second"] >= GOALS["xlsx_rows_per_second"]),
        calamine_rows_per_second=round(imports["rows"] / imports["calamine_read_seconds"]),
        writes_rows_per_second=round(imports["rows"] / imports["writes_seconds"]),
        memory_rows=memory["rows"],
        file_mb=memory["file_mb"],
        peak_memory_mb=memory["peak_memory_mb"],
        memory_seconds=memory["seconds"],
        memory_verdict=verdict(memory["peak_memory_mb"] <= GOALS["peak_memory_mb"]),
        **{key: value for key, value in imports.items() if key not in ("memory", "goals")},
    )


def write_section(imports: dict, command: str) -> None:
    """Standalone runs write their own section, with the command that made it (bench/run.py does it too)."""
    import datetime

    from run import git_facts, update_performance_doc

    results = {
        "benchmarks": {"imports": imports},
        "command": command,
        "date": datetime.date.today().isoformat(),
        "git": git_facts(),
    }
    update_performance_doc(render_imports_section(results), IMPORTS_DOC_START, IMPORTS_DOC_END)


if __name__ == "__main__":
    main()
