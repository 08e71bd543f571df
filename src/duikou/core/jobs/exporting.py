"""Write a list export to a file with progress: the background export job and `duikou export` share it.

The rows and their cells are exactly `core.exports` (`csv_lines`, `write_xlsx`), so a file written here
equals the direct download; this module only counts the rows as they pass, to report progress.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..exports import csv_lines, write_xlsx

PROGRESS_EVERY = 1000  # rows between two progress calls

Progress = Callable[[int, int], None]


def write_export(
    table, rows, target: Path, export_format: str, *, sheet_name: str, progress: Progress
) -> int:
    """Write `rows` (a table's prepared queryset) as CSV or XLSX into `target`; return how many rows.

    The file appears under its name only when complete: a failure leaves no partial export behind.

    Args:
        table: the list's Table with the visible columns and order of the page.
        rows: `table.prepare(filterset.qs)`.
        target: the file to write.
        export_format: "csv" or "xlsx".
        sheet_name: the XLSX sheet's name (the list's title).
        progress: called with (rows written, rows in the export) every PROGRESS_EVERY rows and at the end.
    """
    total = rows.count()
    progress(0, total)
    counter = _Counter(total, progress)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if export_format == "csv":
            with partial.open("w", encoding="utf-8", newline="") as stream:
                stream.writelines(csv_lines(table, counting(rows, counter)))
        else:
            write_xlsx(table, counting(rows, counter), str(partial), sheet_name=sheet_name)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    progress(total, total)
    return counter.done


class _Counter:
    def __init__(self, total: int, progress: Progress):
        self.total, self.progress, self.done = total, progress, 0

    def __call__(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            self.progress(min(self.done, self.total), self.total)


def counting(queryset, on_row: Callable[[], None]):
    """The same queryset, calling `on_row()` for each row it yields (through `iterator()` or iteration).

    A subclass of the queryset's own class rather than a wrapper: whatever the export does with it (chain,
    `iterator(chunk_size=…)`, `values_list`) still works, and still counts.
    """
    base = type(queryset)

    class CountingQuerySet(base):
        def iterator(self, *args, **kwargs):
            for item in super().iterator(*args, **kwargs):
                on_row()
                yield item

        def __iter__(self):
            for item in super().__iter__():
                on_row()
                yield item

    clone = queryset.all()
    clone.__class__ = CountingQuerySet
    return clone
