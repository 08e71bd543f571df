import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from duikou.dashboards import rollups


class Command(BaseCommand):
    help = (
        "重装统计汇总表的触发器并从原始数据重算汇总表；--check 只核对。"
        " Reinstall the rollup triggers and rebuild the rollups from the base tables; --check only compares."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="compare every rollup with a fresh computation and the triggers with their definitions; "
            "exit 1 on any difference, change nothing",
        )

    def handle(self, *args, check, **options):
        if check:
            stale = rollups.stale()
            differences = rollups.differences()
            for rollup in stale:
                self.stderr.write(f"触发器缺失或过期 · triggers missing or out of date: {rollup.table}")
            for table, rows in differences.items():
                self.stderr.write(f"汇总不一致 · {table}: {len(rows)} rows differ, e.g. {rows[0]}")
            if stale or differences:
                raise CommandError(
                    "汇总表需要重建（运行 duikou rebuild_rollups）。 Run `duikou rebuild_rollups`."
                )
            self.stdout.write("汇总表与原始数据一致 · every rollup matches its base table.")
            return
        started = time.perf_counter()
        with transaction.atomic():
            rollups.install()
        seconds = round(time.perf_counter() - started, 2)
        counts = ", ".join(f"{rollup.table} {rollup.model.objects.count():,}" for rollup in rollups.ROLLUPS)
        self.stdout.write(
            self.style.SUCCESS(f"汇总表已重建（{seconds} 秒）· rollups rebuilt in {seconds} s: {counts}")
        )
