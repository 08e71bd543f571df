"""The export benchmark: 100,000 ledger rows to XLSX through the list page's own export, against
openpyxl's write-only writer writing the same rows, measured in the same run (issue 4, item 7: "XLSX
export of 100,000 rows in ≤ 5 s (openpyxl's writer takes ~30 s here)").

**Ours.** `duikou.core.exports.write_xlsx` — the function behind the ledger page's 导出 XLSX button, the
background export job and `duikou export ledger` — on the ledger list's default view (its FilterSet with no
filter, its default columns and order: newest value date first), limited to the first 100,000 rows: the
query, reading the rows, the cells, and the workbook written to a file. The same for CSV (`csv_lines`).

**The baselines.** The same 100,000 rows of cells, read once beforehand (not timed), written by
openpyxl's write-only workbook and by XlsxWriter in constant-memory mode (the writer our exports used
before), with the same header style, number and date formats and frozen header row. They time the writer
alone; ours also reads the database. The XLSX files are read back with python-calamine and checked equal
(row count, every cell of the first and last 1,000 rows) before the figures count.

Usage (also run by bench/run.py after the list pages, on the loaded database):
    .venv/bin/python bench/exports.py --database-url postgres://postgres@127.0.0.1:5432/duikou_speed
        [--runs 3] [--baseline-runs 1] [--rows 100000] [--json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from dashboard import setup_django

ROWS = 100_000
GOAL_SECONDS = 5  # issue 4, item 7
RUNS = 3  # timed runs of ours (the baselines run --baseline-runs times: openpyxl takes ~30 s)
CHECKED_ROWS = 1000  # cells compared at each end of the files

EXPORTS_DOC_START = "<!-- bench:exports:start -->"
EXPORTS_DOC_END = "<!-- bench:exports:end -->"
EXPORTS_SECTION = """{start}
## Exports: 100,000 ledger rows to XLSX and CSV / 导出 10 万行资金台账

Reproduce with `make bench` (SF1, seed 1), or on any loaded database with `.venv/bin/python bench/exports.py
--database-url …`. These figures: `{command}`, run {date} at commit {commit}, on the loaded SF1 database;
ours {runs} times (median), each baseline {baseline_runs}×.{medians}

**Ours.** `duikou.core.exports.write_xlsx` — behind the ledger page's XLSX button, the background export
job and `duikou export ledger --format xlsx` — on the ledger list's default view (no filter, default columns,
newest value date first), its first {rows:,} rows of {column_count} columns ({columns}): the query, the
cells (read with `values_list`, choice
labels from a dict), the workbook written by rustpy-xlsxwriter to a file. CSV: `csv_lines` to a file.
**The baselines**, in the same run: the same {rows:,} rows of cells, read beforehand and not timed, written
by openpyxl's write-only workbook and by XlsxWriter in constant-memory mode (our writer before
docs/decisions/0005-xlsx-writer.md), with the same header style, number and date formats and frozen header.
They time the writer alone; ours includes reading the database. The files are read back with
python-calamine and their cells checked equal before the figures count.

| export | seconds | rows per second | openpyxl ÷ this |
| --- | ---: | ---: | ---: |
{table_rows}

**Goal** (issue 4, item 7): XLSX export of 100,000 rows in ≤ {limit} s: {verdict}. Load average
{load_average} at the start, {load_after} at the end.

{end}"""


def log_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def summary(seconds: list[float], rows: int) -> dict:
    median = statistics.median(seconds)
    return {
        "seconds": round(median, 2),
        "min_seconds": round(min(seconds), 2),
        "samples": [round(s, 2) for s in seconds],
        "rows_per_second": round(rows / median),
    }


def timed(function, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def ledger_view(rows: int):
    """The ledger page's table and the queryset its export reads: no filter, default columns, first rows."""
    from duikou.funds.views import LedgerEntryListView

    view = LedgerEntryListView
    table = view.table_class()
    filterset = view.filterset_class({}, queryset=view.queryset.all())
    if not filterset.is_valid():
        raise SystemExit(f"the ledger FilterSet refuses an empty query: {filterset.errors}")
    return table, table.prepare(filterset.qs)[:rows], str(view.title)


# -- the baselines: the same cells, another writer ----------------------------------------------------------
def openpyxl_write(table, cells: list[list], path: Path, sheet_name: str) -> None:
    """openpyxl's write-only workbook (its fastest mode), same header style, formats and frozen header."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Border, Font, PatternFill, Side

    from duikou.core.exports import DATE_FORMAT, MONEY_FORMAT, _xlsx_cell
    from duikou.core.tables import Column

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    sheet.freeze_panes = "A2"
    thin = Side(style="thin")
    header = []
    for column in table.visible_columns:
        cell = WriteOnlyCell(sheet, value=column.export_label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        header.append(cell)
    sheet.append(header)
    formats = [
        MONEY_FORMAT if c.kind == Column.MONEY else DATE_FORMAT if c.kind == Column.DATE else None
        for c in table.visible_columns
    ]
    for row in cells:
        out = []
        for value, number_format in zip(row, formats, strict=True):
            value = _xlsx_cell(value)
            if number_format and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                out.append(cell)
            else:
                out.append(value)
        sheet.append(out)
    workbook.save(path)


def xlsxwriter_write(table, cells: list[list], path: Path, sheet_name: str) -> None:
    """XlsxWriter in constant-memory mode, written as `core.exports` wrote it before decision 0005."""
    import xlsxwriter

    from duikou.core.exports import DATE_FORMAT, MONEY_FORMAT, _xlsx_cell
    from duikou.core.tables import Column

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "border": 1})
    money = workbook.add_format({"num_format": MONEY_FORMAT})
    date = workbook.add_format({"num_format": DATE_FORMAT})
    columns = table.visible_columns
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.export_label, header)
    sheet.freeze_panes(1, 0)
    formats = [money if c.kind == Column.MONEY else date if c.kind == Column.DATE else None for c in columns]
    for row_number, row in enumerate(cells, start=1):
        for index, value in enumerate(row):
            value = _xlsx_cell(value)
            if value is None:
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(row_number, index, value, formats[index])
            elif isinstance(value, (int, float)):
                sheet.write_number(row_number, index, value, formats[index])
            else:
                sheet.write_string(row_number, index, str(value))
    workbook.close()


# -- checks -------------------------------------------------------------------------------------------------
def read_back(path: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)


def comparable(value):
    """A cell as calamine reads it back: numbers as rounded floats, midnight times as dates, blanks as ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date()
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return round(float(value), 2)
    return value


def check_file(path: Path, header: list[str], cells: list[list], name: str) -> None:
    """Every cell of the first and last CHECKED_ROWS rows, the header and the row count, as written."""
    from duikou.core.exports import _xlsx_cell

    rows = read_back(path)
    if [str(value) for value in rows[0]] != header:
        raise SystemExit(f"{name}: header {rows[0]} != {header}")
    if len(rows) - 1 != len(cells):
        raise SystemExit(f"{name}: {len(rows) - 1} rows read back, {len(cells)} written")
    for index in [
        *range(min(CHECKED_ROWS, len(cells))),
        *range(max(0, len(cells) - CHECKED_ROWS), len(cells)),
    ]:
        expected = [comparable(_xlsx_cell(value)) for value in cells[index]]
        actual = [comparable(value) for value in rows[index + 1]][: len(expected)]
        if actual != expected:
            raise SystemExit(f"{name}: row {index + 2} reads {actual}, expected {expected}")


# -- the run ------------------------------------------------------------------------------------------------
def run_exports(
    database_url: str,
    *,
    rows: int = ROWS,
    runs: int = RUNS,
    baseline_runs: int = 1,
    log=log_to_stderr,
) -> dict:
    """Time ours (XLSX, CSV) and the baselines on `database_url`, a PostgreSQL database holding a data set.

    Args:
        database_url: the loaded database (bench/run.py's, or one made with `duikou generate`).
        rows: how many ledger rows to export (the first of the list's default order).
        runs: timed runs of ours; the median is reported.
        baseline_runs: timed runs of each baseline (openpyxl takes ~30 s a run).
        log: progress lines.

    Returns:
        The figures as a dict (JSON-ready): seconds, rows per second, ratios and the goal.
    """
    setup_django(database_url)
    from duikou.core.exports import csv_lines, export_rows, write_xlsx, write_xlsx_rows

    load_at_start = round(os.getloadavg()[0], 2)
    table, queryset, sheet_name = ledger_view(rows)
    header = [column.export_label for column in table.visible_columns]
    cells = list(export_rows(table, queryset))  # the baselines' input, read once, not timed
    if len(cells) != rows:
        raise SystemExit(f"the database holds {len(cells)} ledger rows, fewer than {rows}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="duikou-bench-exports-") as directory:
        folder = Path(directory)

        def ours_xlsx():
            write_xlsx(table, queryset, str(folder / "ours.xlsx"), sheet_name=sheet_name)

        def ours_csv():
            with (folder / "ours.csv").open("w", encoding="utf-8", newline="") as stream:
                stream.writelines(csv_lines(table, queryset))

        steps = [
            ("ours_xlsx", ours_xlsx, runs),
            ("ours_csv", ours_csv, runs),
            (
                "ours_writer",
                lambda: write_xlsx_rows(
                    table.visible_columns, cells, folder / "writer.xlsx", sheet_name=sheet_name
                ),
                runs,
            ),
            (
                "openpyxl",
                lambda: openpyxl_write(table, cells, folder / "openpyxl.xlsx", sheet_name),
                baseline_runs,
            ),
            (
                "xlsxwriter",
                lambda: xlsxwriter_write(table, cells, folder / "xlsxwriter.xlsx", sheet_name),
                baseline_runs,
            ),
        ]
        for name, function, count in steps:
            log(f"  {name}: {count} run(s) of {rows:,} rows")
            results[name] = summary(timed(function, count), rows)
            log(f"  {name}: {results[name]['seconds']} s")
        for name in ("ours", "writer", "openpyxl", "xlsxwriter"):
            check_file(folder / f"{name}.xlsx", header, cells, name)
        with (folder / "ours.csv").open(encoding="utf-8-sig") as stream:
            csv_rows = sum(1 for _ in stream) - 1
        if csv_rows != rows:
            raise SystemExit(f"ours_csv: {csv_rows} lines, expected {rows}")
        sizes = {
            name: (folder / f"{name}.xlsx").stat().st_size for name in ("ours", "openpyxl", "xlsxwriter")
        }
    openpyxl_seconds = results["openpyxl"]["seconds"]
    return {
        "description": f"the ledger list's first {rows:,} rows (default view) exported by core.exports "
        "(XLSX by rustpy-xlsxwriter, CSV), against openpyxl's write-only writer and XlsxWriter "
        "(constant memory) writing the same cells, in the same run",
        "rows": rows,
        "columns": header,
        "runs": runs,
        "baseline_runs": baseline_runs,
        "ours": {
            "xlsx": results["ours_xlsx"],
            "csv": results["ours_csv"],
            "writer_alone": results["ours_writer"],
        },
        "baselines": {
            "openpyxl_write_only": results["openpyxl"],
            "xlsxwriter_constant_memory": results["xlsxwriter"],
        },
        "xlsx_bytes": sizes,
        "ratios": {
            "openpyxl_to_ours_xlsx": round(openpyxl_seconds / results["ours_xlsx"]["seconds"], 2),
            "xlsxwriter_to_ours_xlsx": round(
                results["xlsxwriter"]["seconds"] / results["ours_xlsx"]["seconds"], 2
            ),
            "openpyxl_to_ours_csv": round(openpyxl_seconds / results["ours_csv"]["seconds"], 2),
        },
        "goal": {
            "description": "XLSX export of 100,000 rows in ≤ 5 s (issue 4, item 7)",
            "limit_seconds": GOAL_SECONDS,
            "measured_seconds": results["ours_xlsx"]["seconds"],
            "met": results["ours_xlsx"]["seconds"] <= GOAL_SECONDS if rows >= ROWS else None,
        },
        "verification": {"cells_read_back_equal": True, "checked_rows_each_end": CHECKED_ROWS},
        "load_average_at_start": load_at_start,
        "load_average_after": round(os.getloadavg()[0], 2),
    }


# -- bench/run.py's side: repetitions and the section of docs/performance.md --------------------------------
def summarise_exports(measured: list[dict]) -> dict:
    """Medians over bench/run.py's repetitions (one dict of `run_exports` each); every sample kept."""

    def merged(path: tuple[str, ...]) -> dict:
        parts = []
        for run in measured:
            value = run
            for key in path:
                value = value[key]
            parts.append(value)
        samples = [sample for part in parts for sample in part["samples"]]
        return {**summary(samples, measured[0]["rows"]), "samples": samples}

    first = measured[0]
    ours_xlsx, ours_csv = merged(("ours", "xlsx")), merged(("ours", "csv"))
    writer_alone = merged(("ours", "writer_alone"))
    openpyxl = merged(("baselines", "openpyxl_write_only"))
    xlsxwriter = merged(("baselines", "xlsxwriter_constant_memory"))
    goal = {**first["goal"], "measured_seconds": ours_xlsx["seconds"]}
    if goal["met"] is not None:
        goal["met"] = ours_xlsx["seconds"] <= goal["limit_seconds"]
    return {
        **{
            key: first[key]
            for key in ("description", "rows", "columns", "runs", "baseline_runs", "xlsx_bytes")
        },
        "ours": {"xlsx": ours_xlsx, "csv": ours_csv, "writer_alone": writer_alone},
        "baselines": {"openpyxl_write_only": openpyxl, "xlsxwriter_constant_memory": xlsxwriter},
        "ratios": {
            "openpyxl_to_ours_xlsx": round(openpyxl["seconds"] / ours_xlsx["seconds"], 2),
            "xlsxwriter_to_ours_xlsx": round(xlsxwriter["seconds"] / ours_xlsx["seconds"], 2),
            "openpyxl_to_ours_csv": round(openpyxl["seconds"] / ours_csv["seconds"], 2),
        },
        "goal": goal,
        "verification": first["verification"],
        "load_average_at_start": [run["load_average_at_start"] for run in measured],
        "load_average_after": [run["load_average_after"] for run in measured],
    }


def render_exports_section(results: dict) -> str:
    """The export benchmark's section of docs/performance.md, markers included (not yet re-wrapped)."""
    exports, parameters = results["benchmarks"]["exports"], results["parameters"]
    changed = results["git"]["uncommitted"]
    uncommitted = f" plus uncommitted changes to {', '.join(f'`{p}`' for p in changed)}" if changed else ""
    openpyxl = exports["baselines"]["openpyxl_write_only"]["seconds"]
    lines = [
        (
            "**ours: XLSX** (`write_xlsx`, rustpy-xlsxwriter, reading the database included)",
            exports["ours"]["xlsx"],
        ),
        ("ours: CSV (`csv_lines`, reading the database included)", exports["ours"]["csv"]),
        ("rustpy-xlsxwriter (`write_xlsx_rows`), writer alone", exports["ours"]["writer_alone"]),
        ("baseline: openpyxl write-only, writer alone", exports["baselines"]["openpyxl_write_only"]),
        (
            "XlsxWriter constant memory (before 0005), writer alone",
            exports["baselines"]["xlsxwriter_constant_memory"],
        ),
    ]
    rows = "\n".join(
        f"| {name} | {figures['seconds']:.2f} | {figures['rows_per_second']:,} "
        f"| {openpyxl / figures['seconds']:.2f} |"
        for name, figures in lines
    )
    goal = exports["goal"]
    verdict = {True: "**met**", False: "**missed**", None: "not judged (fewer rows than the goal's)"}[
        goal["met"]
    ]
    return EXPORTS_SECTION.format(
        start=EXPORTS_DOC_START,
        end=EXPORTS_DOC_END,
        command=results["command"],
        date=results["date"],
        commit=f"`{results['git']['commit']}`" + uncommitted,
        runs=exports["runs"],
        baseline_runs=exports["baseline_runs"],
        medians=f" Times are medians over {parameters['repeat']} repetitions."
        if parameters["repeat"] > 1
        else "",
        rows=exports["rows"],
        table_rows=rows,
        limit=goal["limit_seconds"],
        verdict=f"{verdict} ({goal['measured_seconds']:.2f} s)",
        column_count=len(exports["columns"]),
        columns="、".join(exports["columns"]),
        load_average=", ".join(map(str, exports["load_average_at_start"])),
        load_after=", ".join(map(str, exports["load_average_after"])),
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database holding a data set")
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of ours (median reported)")
    parser.add_argument("--baseline-runs", type=int, default=1, help="timed runs of each baseline")
    parser.add_argument("--rows", type=int, default=ROWS, help="ledger rows exported")
    parser.add_argument("--json", action="store_true", help="print the results as JSON on stdout")
    args = parser.parse_args(argv)
    results = run_exports(args.database_url, rows=args.rows, runs=args.runs, baseline_runs=args.baseline_runs)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, sort_keys=True))
    else:
        ours = results["ours"]
        print(
            f"XLSX {ours['xlsx']['seconds']} s, CSV {ours['csv']['seconds']} s; openpyxl "
            f"{results['baselines']['openpyxl_write_only']['seconds']} s, XlsxWriter "
            f"{results['baselines']['xlsxwriter_constant_memory']['seconds']} s; "
            f"goal met: {results['goal']['met']}"
        )


if __name__ == "__main__":
    main()
