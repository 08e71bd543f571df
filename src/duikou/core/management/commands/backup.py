"""`duikou backup -o FILE`: the whole database in one file (docs/security.md, Backups).

PostgreSQL: pg_dump's custom format (restore with `duikou restore FILE` or pg_restore); SQLite: a copy made
with the SQLite backup API, consistent even while the server writes.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from duikou.core.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "备份整个数据库到一个文件。 Back up the whole database into one file (pg_dump / SQLite backup API)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the backup file to write")
        parser.add_argument("--database", default="default", help="DATABASES key (default: default)")

    def handle(self, *args, output, database, **options):
        started = time.monotonic()
        try:
            result = backup(output, alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"已备份到 {result.path}（{result.vendor}，{result.size / 1024 / 1024:.1f} MB，"
            f"{time.monotonic() - started:.1f} 秒）。 Backed up to {result.path}."
        )
