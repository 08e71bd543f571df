"""Where an uploaded file waits between its check (试导入) and the import the user confirms.

Files are named by their SHA-256, so the confirmation names exactly the bytes that were checked, and a
crafted name cannot reach any other file. Files older than a day are removed on the next upload.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
HASH = re.compile(r"^[0-9a-f]{64}$")


def _directory() -> Path:
    directory = Path(settings.IMPORT_STAGING_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def stage(data: bytes, file_hash: str) -> None:
    directory = _directory()
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in directory.glob("*.upload"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    (directory / f"{file_hash}.upload").write_bytes(data)


def staged(file_hash: str) -> bytes | None:
    """The bytes staged under `file_hash`, or None (unknown, expired, or not a hash at all)."""
    path = staged_path(file_hash)
    return path.read_bytes() if path is not None else None


def staged_path(file_hash: str) -> Path | None:
    """Where the file staged under `file_hash` is, for the background worker to read; None when there is
    none (unknown, expired, or not a hash at all)."""
    if not HASH.match(file_hash or ""):
        return None
    path = _directory() / f"{file_hash}.upload"
    return path if path.is_file() else None


def discard(file_hash: str) -> None:
    if HASH.match(file_hash or ""):
        (_directory() / f"{file_hash}.upload").unlink(missing_ok=True)
