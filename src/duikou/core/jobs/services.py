"""Start a background job and record its progress where the page reads it.

A job is a `BackgroundJob` row (what, whose, how far) plus one django-tasks task (`tasks.run_job`) that the
worker (`duikou db_worker`) picks up from the database queue. django-tasks stores arguments and outcome but
no progress, so the task writes progress onto the job row and the page polls it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import get_language

from ..choices import JobKind, JobState
from ..models import BackgroundJob

# The page polls once a second; writing progress more often only costs the import time.
PROGRESS_WRITE_INTERVAL = 0.5


def start_job(kind: JobKind, *, user, label: str, parameters: dict, download_name: str = "") -> BackgroundJob:
    """Record a job for `user` and queue it for the worker.

    Args:
        kind: import check, import or export.
        user: who started it; only they see it.
        label: what the page calls it (the file name, the list's title).
        parameters: what the task needs (JSON); the active language is added so that messages written by
            the worker are in the language of the page that started it.
        download_name: the name the file a job writes is offered under.
    """
    from .tasks import run_job  # the task module imports the importers and views it runs

    job = BackgroundJob.objects.create(
        kind=kind,
        user=user,
        label=label[:200],
        parameters={**parameters, "language": get_language() or settings.LANGUAGE_CODE},
        download_name=download_name[:200],
    )
    # Requests run in autocommit (no ATOMIC_REQUESTS), so the job row is committed before the task is
    # queued and a worker never picks up a task whose job it cannot read.
    task_result = run_job.enqueue(job.pk)
    BackgroundJob.objects.filter(pk=job.pk).update(task_id=str(task_result.id)[:64])
    job.refresh_from_db()
    return job


def job_files_directory() -> Path:
    """The directory jobs write their files into; files older than JOB_FILE_MAX_DAYS are removed here."""
    directory = Path(settings.JOB_FILES_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - settings.JOB_FILE_MAX_DAYS * 24 * 3600
    for old in directory.glob("job-*.*"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    return directory


def job_file(job: BackgroundJob) -> Path | None:
    """The file a finished job wrote, or None when it wrote none or the file has expired."""
    if not job.file_name:
        return None
    path = Path(settings.JOB_FILES_DIR) / Path(job.file_name).name  # only a name is stored, never a path
    return path if path.is_file() else None


class JobProgress:
    """`progress(rows_done, rows_total)` for the import engine and the exports: records it for the page.

    Writes at most every PROGRESS_WRITE_INTERVAL seconds (and always the last call). Outside a transaction
    it updates the job row. The engine reads and writes an import inside its own transaction, where an
    update would stay invisible until the commit (PostgreSQL) or wait for the import's write lock (SQLite,
    one writer at a time); there the progress goes to a small file beside the job's files instead, which
    `current_progress` reads while the job runs.
    """

    def __init__(self, job: BackgroundJob):
        self.job = job
        self.last_write = 0.0
        self.rows_done = job.rows_done
        self.rows_total = job.rows_total
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.depth = len(self.connection.atomic_blocks)  # the transactions open before the job's work

    def __call__(self, rows_done: int, rows_total: int) -> None:
        self.rows_total = max(int(rows_total), 0)
        self.rows_done = min(max(int(rows_done), 0), self.rows_total)
        now = time.monotonic()
        if now - self.last_write < PROGRESS_WRITE_INTERVAL and self.rows_done < self.rows_total:
            return
        self.last_write = now
        if len(self.connection.atomic_blocks) <= self.depth:
            BackgroundJob.objects.filter(pk=self.job.pk).update(
                rows_done=self.rows_done, rows_total=self.rows_total
            )
        else:
            path = progress_file(self.job.pk)
            partial = path.with_suffix(".partial")
            partial.write_text(f"{self.rows_done} {self.rows_total}")
            os.replace(partial, path)  # the page never reads half a line

    def close(self) -> None:
        """Leave the last figures on the job (saved with its outcome) and remove the progress file."""
        self.job.rows_done, self.job.rows_total = self.rows_done, self.rows_total
        progress_file(self.job.pk).unlink(missing_ok=True)


def progress_file(job_id: int) -> Path:
    return job_files_directory() / f"job-{job_id}.progress"


def current_progress(job: BackgroundJob) -> BackgroundJob:
    """`job` with the progress its worker reported from inside a transaction, if newer than the row's."""
    if job.state == JobState.RUNNING:
        try:
            done, total = (int(part) for part in progress_file(job.pk).read_text().split())
        except (OSError, ValueError):
            return job
        job.rows_done, job.rows_total = done, total
    return job
