"""`duikou backup` / `duikou restore` round trip (issue 5, item 8): a generated data set's `stats --json` is
the same after it was backed up and restored into a fresh database; restore refuses a non-empty database.

The commands run as the operator runs them, in their own processes against databases of their own (never the
test database): on SQLite, files in tmp_path; on PostgreSQL — when DATABASE_URL points to one — two databases
named duikou_hard_backup_<pid> and duikou_hard_restore_<pid> (the pid keeps two runs on one server apart),
dropped afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

SCALE = "0.01"  # ~380 projects, ~4,000 ledger entries: every figure of `stats` is non-zero
IS_POSTGRES = connection.vendor == "postgresql"


def duikou(*args, environment: dict, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "duikou.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check:
        assert result.returncode == 0, f"duikou {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def base_environment() -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DUIKOU_SQLITE_PATH", "DATABASE_TEST_NAME"}
    }
    environment["DEBUG"] = "1"
    return environment


def load_data_set(environment: dict) -> dict:
    duikou("migrate", "--no-input", environment=environment)
    duikou("load-reference", environment=environment)
    duikou("generate", "--scale", SCALE, "--seed", "3", environment=environment)
    figures = json.loads(duikou("stats", "--json", environment=environment).stdout)
    assert figures["projects"]["total"] > 100, figures
    return figures


def assert_round_trip(source: dict, target: dict, backup_file) -> None:
    before = load_data_set(source)

    backed_up = duikou("backup", "-o", str(backup_file), environment=source)
    assert "Backed up to" in backed_up.stdout
    duikou("restore", str(backup_file), environment=target)
    after = json.loads(duikou("stats", "--json", environment=target).stdout)

    assert after == before

    # Now the target holds data: a second restore is refused, in Chinese and English, unless forced.
    refused = duikou("restore", str(backup_file), environment=target, check=False)
    assert refused.returncode != 0
    assert "不是空的" in refused.stderr and "--force" in refused.stderr
    assert "is not empty" in refused.stderr
    duikou("restore", str(backup_file), "--force", environment=target)
    assert json.loads(duikou("stats", "--json", environment=target).stdout) == before


@pytest.mark.slow
@pytest.mark.skipif(IS_POSTGRES, reason="the SQLite round trip; the PostgreSQL one runs on PostgreSQL")
def test_sqlite_backup_and_restore_keep_every_figure(tmp_path):
    source = {**base_environment(), "DUIKOU_SQLITE_PATH": str(tmp_path / "source.sqlite3")}
    target = {**base_environment(), "DUIKOU_SQLITE_PATH": str(tmp_path / "restored.sqlite3")}

    assert_round_trip(source, target, tmp_path / "duikou.backup.sqlite3")


@pytest.mark.slow
@pytest.mark.skipif(IS_POSTGRES, reason="SQLite only")
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    target = {**base_environment(), "DUIKOU_SQLITE_PATH": str(tmp_path / "restored.sqlite3")}

    result = duikou("restore", str(bogus), environment=target, check=False)

    assert result.returncode != 0
    assert "is not a SQLite backup" in result.stderr


@pytest.fixture
def postgres_databases():
    """Two new, empty PostgreSQL databases beside the test database, dropped afterwards."""
    import psycopg

    settings = connection.settings_dict
    url = os.environ["DATABASE_URL"]
    names = [f"duikou_hard_backup_{os.getpid()}", f"duikou_hard_restore_{os.getpid()}"]
    server = psycopg.connect(
        dbname="postgres",
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    )

    def drop_all():
        for name in names:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop_all()
    for name in names:
        server.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    try:
        yield [urlunsplit(parts._replace(path=f"/{name}")) for name in names]
    finally:
        drop_all()
        server.close()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.skipif(not IS_POSTGRES, reason="needs DATABASE_URL pointing to PostgreSQL")
def test_postgresql_backup_and_restore_keep_every_figure(postgres_databases, tmp_path):
    source_url, target_url = postgres_databases
    source = {**base_environment(), "DATABASE_URL": source_url}
    target = {**base_environment(), "DATABASE_URL": target_url}

    assert_round_trip(source, target, tmp_path / "duikou.dump")
