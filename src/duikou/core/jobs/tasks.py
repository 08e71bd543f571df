"""The one background task: run a `BackgroundJob` by its kind, recording progress, outcome and failure.

`duikou db_worker` (django-tasks' database worker) runs it. A job runs once; an exception marks the job
failed with its reason and changes nothing the job was writing (an import commits in one transaction).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.http import HttpRequest, QueryDict
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from ..choices import JobKind, JobState
from ..imports import staging
from ..imports.annotate import annotated_filename, annotated_workbook
from ..imports.registry import importer_for
from ..models import BackgroundJob
from .exporting import write_export
from .services import JobProgress, job_files_directory

logger = logging.getLogger(__name__)


class JobInputMissing(Exception):
    """What the job needs is gone (the staged upload expired); the message is shown as it is."""


@task()
def run_job(job_id: int) -> str:
    """Run one queued job; return its final state (stored by django-tasks as the task's return value)."""
    job = BackgroundJob.objects.select_related("user").get(pk=job_id)
    if job.state != JobState.QUEUED:
        return job.state  # already run: a task is never run twice
    job.state, job.started = JobState.RUNNING, timezone.now()
    job.save(update_fields=["state", "started"])
    progress = JobProgress(job)
    try:
        with translation.override(job.parameters.get("language")):
            RUNNERS[job.kind](job, progress)
    except JobInputMissing as error:
        job.state, job.error = JobState.FAILED, str(error)
    except Exception as error:
        logger.exception("background job %s (%s) failed", job.pk, job.kind)
        job.state, job.error = JobState.FAILED, f"{type(error).__name__}: {error}"[:2000]
    else:
        job.state = JobState.SUCCEEDED
    finally:
        progress.close()
    job.finished = timezone.now()
    job.save(
        update_fields=[
            "state",
            "error",
            "result",
            "rows_done",
            "rows_total",
            "file_name",
            "download_name",
            "finished",
        ]
    )
    return job.state


def _staged_upload(job: BackgroundJob) -> Path:
    path = staging.staged_path(job.parameters.get("sha256", ""))
    if path is None:
        raise JobInputMissing(_("待导入的文件已过期或不存在，请重新上传。"))
    return path


def check_import(job: BackgroundJob, progress: JobProgress) -> None:
    """The check (试导入) of a staged upload; a file with mistakes is also written back with them marked."""
    parameters = job.parameters
    result = importer_for(parameters["kind"]).run(
        _staged_upload(job), parameters["filename"], user=job.user, dry_run=True, progress=progress
    )
    job.result = result.as_dict()
    if result.errors and result.source_rows:
        name = f"job-{job.pk}-errors.xlsx"
        (job_files_directory() / name).write_bytes(annotated_workbook(result.source_rows, result.errors))
        job.file_name = name
        job.download_name = annotated_filename(parameters["filename"], parameters["kind"])
    if result.is_valid and not (result.counts["new"] or result.counts["changed"]):
        staging.discard(result.file_hash)  # nothing to confirm


def run_import(job: BackgroundJob, progress: JobProgress) -> None:
    """The confirmed import of the staged upload, in one transaction (the engine's)."""
    parameters = job.parameters
    result = importer_for(parameters["kind"]).run(
        _staged_upload(job), parameters["filename"], user=job.user, progress=progress
    )
    job.result = result.as_dict()
    if result.is_valid:
        staging.discard(result.file_hash)


def run_export(job: BackgroundJob, progress: JobProgress) -> None:
    """A list page's export (its filters, columns and order) written into the job files directory."""
    from ..views import ObjectListView

    parameters = job.parameters
    view_class = import_string(parameters["view"])
    if not (isinstance(view_class, type) and issubclass(view_class, ObjectListView)):
        raise TypeError(f"{parameters['view']} is not a list view")
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(parameters["query"])
    request.user = job.user
    view = view_class()
    view.setup(request)
    filterset = view.filterset_class(request.GET or None, queryset=view.get_queryset(), request=request)
    if not filterset.is_valid():
        raise ValueError(f"invalid filters: {filterset.errors.as_json()}")
    table = view.table_class(visible=parameters["columns"], sort=parameters.get("sort"))
    rows = table.prepare(filterset.qs)
    export_format = parameters["format"]
    name = f"job-{job.pk}.{export_format}"
    count = write_export(
        table,
        rows,
        job_files_directory() / name,
        export_format,
        sheet_name=parameters["title"],
        progress=progress,
    )
    job.file_name = name
    job.result = {"rows": count, "format": export_format}


RUNNERS = {
    JobKind.IMPORT_CHECK: check_import,
    JobKind.IMPORT: run_import,
    JobKind.EXPORT: run_export,
}
