"""`duikou restore FILE [--force]`: put a backup made by `duikou backup` back (docs/security.md, Backups).

Refuses a database that already has tables unless `--force` is given, and says so in Chinese and English.
Restore into an empty database (PostgreSQL: `createdb` a new one and point DATABASE_URL at it; SQLite: a new
DUIKOU_SQLITE_PATH), then check it with `duikou stats --json` before switching the server over.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from duikou.core.backups import BackupError, restore


class Command(BaseCommand):
    help = "从备份文件恢复数据库（非空数据库须加 --force）。 Restore the database from a backup file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a file written by `duikou backup`")
        parser.add_argument("--force", action="store_true", help="overwrite a database that is not empty")
        parser.add_argument("--database", default="default", help="DATABASES key (default: default)")

    def handle(self, *args, file, force, database, **options):
        started = time.monotonic()
        try:
            result = restore(file, alias=database, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"已从 {result.path} 恢复（{result.vendor}，{time.monotonic() - started:.1f} 秒）。"
            f" Restored from {result.path}."
        )
