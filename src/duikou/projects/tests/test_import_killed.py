"""A process killed in the middle of an import leaves nothing behind (issue 5, item 8).

`duikou import` writes a large file chunk by chunk, but inside one transaction: killed with SIGKILL after
several chunks were written — no chance to clean up — PostgreSQL rolls the transaction back when the
connection drops. Nothing of the file stays: no project, no change-log row, no import batch, no lock; the
same file then imports in full. PostgreSQL only: the command runs in another process, which must see the
test's committed data (SQLite's test database lives in memory).
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from duikou.core.models import ImportBatch, ObjectChange
from duikou.projects.models import Project

from .test_imports import HEADER, world  # noqa: F401  (the fixture)

IS_POSTGRES = connection.vendor == "postgresql"
ROWS = 40_000
KILL_AFTER_ROWS = 15_000  # three chunks of 5,000 read: at least two written
DUIKOU = Path(sys.executable).parent / "duikou"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.skipif(not IS_POSTGRES, reason="needs DATABASE_URL pointing to PostgreSQL"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("world"),
]


def plan_file(path: Path) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for number in range(1, ROWS + 1):
            writer.writerow(
                [
                    f"KILL-{number:06d}",
                    f"莎车县项目{number}",
                    "2025",
                    "上海",
                    "653125",
                    "民生",
                    "12",
                    "8",
                    "4",
                    "",
                    "是",
                ]
            )
    return path


def this_database_url() -> str:
    settings = connection.settings_dict
    user, host = settings.get("USER") or "postgres", settings.get("HOST") or "127.0.0.1"
    return f"postgres://{user}@{host}:{settings.get('PORT') or 5432}/{settings['NAME']}"


def start_import(path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(DUIKOU), "import", "projects", str(path)],
        env={**os.environ, "DATABASE_URL": this_database_url()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_when_written(process: subprocess.Popen) -> int:
    """SIGKILL the import once its progress says `KILL_AFTER_ROWS` rows were read; the rows it had read."""
    deadline = time.monotonic() + 120
    for line in process.stderr:
        match = re.search(r"\(([\d,]+) /", line)
        if match and int(match.group(1).replace(",", "")) >= KILL_AFTER_ROWS:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            return int(match.group(1).replace(",", ""))
        assert time.monotonic() < deadline, "the import showed no progress"
    pytest.fail(f"the import ended before it could be killed (exit {process.wait()})")


def wait_for_the_server_to_let_go() -> None:
    """The server notices the dropped connection and rolls back: wait until no backend runs the import."""
    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state <> 'idle'"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


def test_a_killed_import_leaves_nothing_and_the_file_then_imports(tmp_path):
    path = plan_file(tmp_path / "plan.csv")
    batches_before = ImportBatch.objects.count()

    read = kill_when_written(start_import(path))
    wait_for_the_server_to_let_go()

    assert read >= KILL_AFTER_ROWS
    assert not Project.objects.filter(code__startswith="KILL-").exists()
    assert ImportBatch.objects.count() == batches_before
    assert not ObjectChange.objects.filter(object_repr__startswith="KILL-").exists()

    again = subprocess.run(
        [str(DUIKOU), "import", "projects", str(path), "--no-progress"],
        env={**os.environ, "DATABASE_URL": this_database_url()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert Project.objects.filter(code__startswith="KILL-").count() == ROWS
    assert ObjectChange.objects.filter(object_repr__startswith="KILL-", action="create").count() == ROWS
