"""`duikou export-iati -o FILE [--programme P] [--supporter NAME] [--year Y | --from-year A --to-year B]`.

Writes IATI 2.03 activities XML (docs/decisions/0004-iati-mapping.md) and prints what it wrote.
Exit status 2 for usage errors (unknown programme or supporter, years that make no span, no
reporting organisation), with the message in Chinese and English.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from duikou.reports.iati import IatiExport, ScopeError, resolve_scope


class Command(BaseCommand):
    help = "导出 IATI 2.03 活动数据（XML）。 Export IATI 2.03 activities XML: projects, parties and ledger."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the XML file to write")
        parser.add_argument("--programme", default="xinjiang", help="programme code (default: xinjiang)")
        parser.add_argument("--supporter", help="援疆省市 name, short name or id (includes its cities)")
        parser.add_argument("--year", type=int, help="one plan year")
        parser.add_argument("--from-year", type=int, help="first plan year of a span")
        parser.add_argument("--to-year", type=int, help="last plan year of a span")

    def handle(
        self, *args, output, programme, supporter=None, year=None, from_year=None, to_year=None, **options
    ):
        try:
            scope = resolve_scope(
                programme=programme, supporter=supporter, year=year, from_year=from_year, to_year=to_year
            )
            export = IatiExport(scope)
            chunks = export.chunks()
        except ScopeError as error:
            raise CommandError(error.bilingual(), returncode=2) from error
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"目录不存在：{path.parent} / no such directory: {path.parent}", returncode=2)
        started = time.perf_counter()
        # Written beside the target and moved into place, so a failed export leaves no half file.
        partial = path.with_name(path.name + ".partial")
        try:
            with partial.open("wb") as stream:
                for chunk in chunks:
                    stream.write(chunk)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(path)
        counts = export.counts
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"已导出 {counts.activities} 个活动（项目）、{counts.transactions} 笔交易、"
            f"{counts.budgets} 条预算到 {path}（{seconds:.1f} 秒） / exported {counts.activities} activities,"
            f" {counts.transactions} transactions, {counts.budgets} budgets to {path} in {seconds:.1f} s"
        )
        unassigned = scope.unassigned_entries().count()
        if unassigned:
            self.stdout.write(
                f"另有 {unassigned} 笔资金分录未分配到项目，未导出 / {unassigned} ledger entries not assigned"
                " to a project are left out"
            )
        if not settings.PUBLIC_URL:
            self.stderr.write(
                "提示：未设置 DUIKOU_PUBLIC_URL，自定义词表的 vocabulary-uri 为相对地址"
                " / note: DUIKOU_PUBLIC_URL is not set; the vocabularies' vocabulary-uri are relative"
            )
