"""`duikou import <kind> <file> [--dry-run] [--json]`: the import engine from the command line.

Exit status: 0 imported (or a dry run found no errors), 1 the file has errors (nothing changed), 2 usage
errors (unknown kind, missing file) — issue 4, item 3. Progress goes to stderr (`--no-progress` to hide
it), so `--json` output on stdout stays clean.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from duikou.core.imports.annotate import annotated_workbook
from duikou.core.imports.registry import IMPORTERS, importer_for
from duikou.core.progress import TerminalProgress


class Command(BaseCommand):
    help = "导入表格文件（xlsx、xls、ods、csv、tsv）。 Import a table file; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", help=f"one of: {', '.join(IMPORTERS)}")
        parser.add_argument("file", help="xlsx, xls, ods, csv (UTF-8 or GBK) or tsv")
        parser.add_argument("--dry-run", action="store_true", help="check and count, change nothing")
        parser.add_argument("--json", action="store_true", help="machine-readable result on stdout")
        parser.add_argument("--no-progress", action="store_true", help="no progress on stderr")
        parser.add_argument(
            "--errors-xlsx", metavar="PATH", help="when the file has errors, write it here with them marked"
        )

    def handle(
        self, *args, kind, file, dry_run=False, json=False, errors_xlsx=None, no_progress=False, **options
    ):
        if kind not in IMPORTERS:
            raise CommandError(
                f"不认识的导入类型“{kind}”；可用：{', '.join(IMPORTERS)}。 Unknown kind {kind!r}.",
                returncode=2,
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}。 No such file: {file}", returncode=2)
        label = "检查 / checking" if dry_run else "导入 / importing"
        progress = None if no_progress else TerminalProgress(self.stderr, label)
        result = importer_for(kind).run(path, path.name, dry_run=dry_run, progress=progress)
        if progress:
            progress.finish()
        if json:
            self.stdout.write(_dumps(result.as_dict()))
        else:
            self._report(result)
        if not result.is_valid:
            if errors_xlsx and result.source_rows:
                Path(errors_xlsx).write_bytes(annotated_workbook(result.source_rows, result.errors))
            raise SystemExit(1)

    def _report(self, result):
        counts = result.counts
        for error in result.errors:
            where = f"第 {error.row} 行 " if error.row else ""
            column = f"“{error.column}” " if error.column else ""
            value = f"（{error.value}）" if error.value else ""
            self.stderr.write(f"{where}{column}{value}：{error.message}")
        for warning in result.warnings:
            self.stdout.write(f"提示 / note: 第 {warning.row} 行 “{warning.column}”：{warning.message}")
        if result.errors:
            count = len(result.errors)
            self.stderr.write(f"{count} 处错误，未导入任何数据。 {count} errors; nothing was imported.")
            return
        summary = (
            f"新增 {counts['new']}，修改 {counts['changed']}，未变 {counts['unchanged']}"
            f" · new {counts['new']}, changed {counts['changed']}, unchanged {counts['unchanged']}"
        )
        if result.dry_run:
            self.stdout.write(f"试导入（未写入）/ dry run, nothing written: {summary}")
        elif result.committed:
            self.stdout.write(
                f"已导入，批次 {result.batch_id} / imported as batch {result.batch_id}: {summary}"
            )
        else:
            self.stdout.write(f"无变化 / nothing to change: {summary}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
