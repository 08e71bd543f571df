"""Backup and restore of the whole database (issue 5, item 8): `duikou backup -o FILE`, `duikou restore FILE`.

PostgreSQL: `pg_dump --format=custom` and `pg_restore`, with the connection settings of DATABASES["default"]
(host, port, user, password passed in the environment, never on the command line). pg_dump must be of the
server's major version or newer (Debian's `postgresql-client` for a version 15 server). SQLite: the SQLite
backup API (`sqlite3.Connection.backup`), which copies a consistent snapshot even while the server writes.

Restore refuses a database that already holds tables unless told to overwrite it (`force`): a restore
replaces what is there, and a wrong DATABASE_URL must not cost anyone their data.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.db import connections

PG_MAGIC = b"PGDMP"  # the first bytes of a pg_dump custom-format archive
SQLITE_MAGIC = b"SQLite format 3\0"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why in Chinese and in English."""


class DatabaseNotEmpty(BackupError):
    """Restore into a database that holds tables, without `force`."""


@dataclass(frozen=True)
class BackupResult:
    vendor: str
    path: Path
    size: int


def _connection(alias: str):
    connection = connections[alias]
    if connection.vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"不支持的数据库：{connection.vendor}。 Unsupported database: {connection.vendor}.")
    return connection


def _pg_environment(settings: dict) -> dict:
    """libpq's variables for the connection: the password stays out of the process list."""
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if settings.get(key):
            environment[variable] = str(settings[key])
    options = settings.get("OPTIONS") or {}
    if options.get("sslmode"):
        environment["PGSSLMODE"] = options["sslmode"]
    return environment


def _pg_tool(name: str, connection) -> str:
    """The path of pg_dump or pg_restore, checked to be no older than the server (pg_dump refuses it)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（Debian: apt-get install postgresql-client）。"
            f" {name} not found: install the PostgreSQL client (Debian: apt-get install postgresql-client)."
        )
    version = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    connection.ensure_connection()
    server = connection.pg_version // 10000
    if match and int(match.group(1)) < server:
        raise BackupError(
            f"{name} 的版本（{match.group(1)}）低于数据库服务器（{server}）：请安装 {server} 版的客户端。"
            f" {name} {match.group(1)} is older than the server ({server}):"
            f" install the version {server} client."
        )
    return path


def _run(command: list[str], environment: dict) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} 失败 / failed:\n{result.stderr.strip()}")


def backup(path: str | Path, *, alias: str = "default") -> BackupResult:
    """Write the whole database to `path` (written beside it first, then renamed: never half a file).

    Args:
        path: the backup file; replaced if it exists.
        alias: the database (DATABASES key).
    """
    connection = _connection(alias)
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if connection.vendor == "postgresql":
            settings = connection.settings_dict
            command = [
                _pg_tool("pg_dump", connection),
                "--format=custom",
                f"--file={partial}",
                settings["NAME"],
            ]
            _run(command, _pg_environment(settings))
        else:
            connection.ensure_connection()
            destination = sqlite3.connect(partial)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(connection.vendor, target, target.stat().st_size)


def table_count(alias: str = "default") -> int:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return len(connection.introspection.table_names(cursor))


def restore(path: str | Path, *, alias: str = "default", force: bool = False) -> BackupResult:
    """Replace the database's content by the backup in `path`.

    Args:
        path: a file written by `backup` (pg_dump custom format on PostgreSQL, a SQLite file on SQLite).
        alias: the database (DATABASES key) to restore into.
        force: overwrite a database that already has tables.

    Raises:
        DatabaseNotEmpty: the database has tables and `force` is not set.
        BackupError: the file is not a backup of this kind of database, or the restore failed.
    """
    connection = _connection(alias)
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source}。 No backup file {source}.")
    with open(source, "rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    expected = PG_MAGIC if connection.vendor == "postgresql" else SQLITE_MAGIC
    if not start.startswith(expected):
        kind = "pg_dump (custom format)" if connection.vendor == "postgresql" else "SQLite"
        raise BackupError(
            f"{source} 不是 {kind} 备份，不能恢复到 {connection.vendor} 数据库。"
            f" {source} is not a {kind} backup; it cannot be restored into {connection.vendor}."
        )
    name = connection.settings_dict["NAME"]
    tables = table_count(alias)
    if tables and not force:
        raise DatabaseNotEmpty(
            f"数据库 {name} 不是空的（已有 {tables} 张表），恢复将覆盖其中全部数据。确需覆盖，请加 --force。"
            f" The database {name} is not empty ({tables} tables); restoring would overwrite all of it."
            " Add --force to overwrite it."
        )
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        command = [
            _pg_tool("pg_restore", connection),
            "--no-owner",  # the objects belong to the user restoring, whoever made the dump
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",  # all or nothing
            f"--dbname={name}",
        ]
        if tables:
            command[1:1] = ["--clean", "--if-exists"]
        connection.close()  # pg_restore works in its own connection
        _run([*command, str(source)], _pg_environment(settings))
    else:
        connection.close()
        backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        destination = sqlite3.connect(name)
        try:
            backup_file.backup(destination)  # replaces every page of the destination
        finally:
            destination.close()
            backup_file.close()
    return BackupResult(connection.vendor, source, source.stat().st_size)
