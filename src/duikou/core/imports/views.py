"""The import pages: download the template, upload a file, see every mistake or what would change, confirm.

The check (试导入) is a dry run of the engine; the file waits in staging under its SHA-256 and the
confirmation imports exactly those bytes. Nothing is written before the user confirms, and nothing at all
when the file has an error.

Files larger than BACKGROUND_IMPORT_BYTES are checked and imported by the background worker
(`core.jobs`): the upload redirects to the job's progress page, which comes back here with `?job=<id>` to
show the same result from the job's record.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from ..audit.tables import field_labels, shown
from ..choices import JobKind, JobState
from ..jobs import start_job
from ..models import BackgroundJob
from . import staging
from .annotate import annotated_filename, annotated_workbook
from .registry import IMPORTERS, importer_for
from .templates import write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv", ".tsv", ".txt")


def _importer_or_404(kind: str):
    if kind not in IMPORTERS:
        raise Http404(kind)
    return importer_for(kind)


def _require_write_permission(user, importer) -> None:
    meta = importer.model._meta
    needed = [f"{meta.app_label}.add_{meta.model_name}", f"{meta.app_label}.change_{meta.model_name}"]
    if not user.has_perms(needed):
        raise PermissionDenied


class ImportTemplateView(LoginRequiredMixin, View):
    """GET: the blank xlsx template of an import."""

    def get(self, request, kind):
        importer = _importer_or_404(kind)
        response = HttpResponse(write_workbook(importer), content_type=XLSX)
        filename = f"duikou-{kind}-template.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ImportErrorsView(LoginRequiredMixin, View):
    """GET: the checked file handed back with each mistake marked red and explained in a comment."""

    def get(self, request, kind, sha256):
        importer = _importer_or_404(kind)
        _require_write_permission(request.user, importer)
        data = staging.staged(sha256)
        if data is None:
            raise Http404(sha256)
        result = importer.run(data, "", user=request.user, dry_run=True)
        response = HttpResponse(annotated_workbook(result.source_rows, result.errors), content_type=XLSX)
        filename = annotated_filename(request.GET.get("name", "")[:200], kind)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response


class ImportView(LoginRequiredMixin, View):
    """GET: the upload page. POST a file: the check. POST `confirm` with the file's hash: the import."""

    template_name = "core/import.html"

    def get(self, request, kind):
        importer = _importer_or_404(kind)
        _require_write_permission(request.user, importer)
        if "job" in request.GET:
            return self.job_result(request, kind, importer)
        return render(request, self.template_name, self.context(kind, importer))

    def job_result(self, request, kind, importer):
        """The outcome of a background check or import, shown as the inline check shows it."""
        job_id = request.GET["job"]
        job = get_object_or_404(
            BackgroundJob,
            pk=job_id if job_id.isdigit() else 0,
            user=request.user,
            kind__in=[JobKind.IMPORT_CHECK, JobKind.IMPORT],
            state=JobState.SUCCEEDED,
            parameters__kind=kind,
        )
        errors_url = reverse("core:job_download", args=[job.pk]) if job.file_name else None
        result = StoredResult(job.result)
        return render(
            request, self.template_name, self.context(kind, importer, result=result, errors_url=errors_url)
        )

    def post(self, request, kind):
        importer = _importer_or_404(kind)
        _require_write_permission(request.user, importer)
        if "confirm" in request.POST:
            return self.confirm(request, kind, importer)
        upload = request.FILES.get("file")
        problem = self.upload_problem(upload)
        if problem:
            return render(
                request, self.template_name, self.context(kind, importer, problem=problem), status=400
            )
        data = upload.read()
        if len(data) > settings.BACKGROUND_IMPORT_BYTES:
            return self.start_in_background(request, JobKind.IMPORT_CHECK, kind, data, upload.name)
        result = importer.run(data, upload.name, user=request.user, dry_run=True)
        if not result.is_valid or result.counts["new"] or result.counts["changed"]:
            # Kept for the confirmation, or for the annotated copy of a file with mistakes.
            staging.stage(data, result.file_hash)
        status = 200 if result.is_valid else 400
        return render(request, self.template_name, self.context(kind, importer, result=result), status=status)

    def confirm(self, request, kind, importer):
        file_hash = request.POST.get("sha256", "")
        filename = request.POST.get("filename", "")[:200] or "upload"
        path = staging.staged_path(file_hash)
        if path is None:
            problem = _("待导入的文件已过期或不存在，请重新上传。")
            return render(
                request, self.template_name, self.context(kind, importer, problem=problem), status=400
            )
        if path.stat().st_size > settings.BACKGROUND_IMPORT_BYTES:
            job = start_job(
                JobKind.IMPORT,
                user=request.user,
                label=filename,
                parameters={"kind": kind, "sha256": file_hash, "filename": filename},
            )
            return redirect(reverse("core:job", args=[job.pk]))
        result = importer.run(path.read_bytes(), filename, user=request.user)
        if not result.is_valid:  # the stored data changed since the check: show why, import nothing
            return render(
                request, self.template_name, self.context(kind, importer, result=result), status=400
            )
        staging.discard(file_hash)
        counts = result.counts
        messages.success(
            request,
            _("已导入“{file}”：新增 {new}，修改 {changed}，未变 {unchanged}（批次 {batch}）。").format(
                file=filename, batch=result.batch_id, **counts
            ),
        )
        # To what the import wrote; importing a file that changed nothing made no batch.
        if result.batch_id:
            return redirect(reverse("core:import_batch", args=[result.batch_id]))
        return redirect(reverse("core:import", args=[kind]))

    def start_in_background(self, request, job_kind, kind, data: bytes, filename: str):
        file_hash = hashlib.sha256(data).hexdigest()
        staging.stage(data, file_hash)
        job = start_job(
            job_kind,
            user=request.user,
            label=filename,
            parameters={"kind": kind, "sha256": file_hash, "filename": filename[:200]},
        )
        return redirect(reverse("core:job", args=[job.pk]))

    def upload_problem(self, upload) -> str | None:
        if upload is None:
            return _("请选择要上传的文件。")
        if upload.size > settings.IMPORT_MAX_BYTES:
            return _("文件太大（{size} MB），上限为 {limit} MB。").format(
                size=round(upload.size / 1024 / 1024, 1), limit=settings.IMPORT_MAX_BYTES // 1024 // 1024
            )
        if not upload.name.lower().endswith(ACCEPTED_SUFFIXES):
            return _("只接受 xlsx、xls、ods、csv 或 tsv 文件。")
        return None

    def context(self, kind, importer, *, result=None, problem=None, errors_url=None) -> dict:
        from .templates import column_header

        return {
            "kind": kind,
            "title": importer.title,
            "columns": [
                {"header": column_header(spec), "required": spec.required, "kind": spec.kind}
                for spec in importer.columns
            ],
            "result": result,
            "changes": readable_changes(importer.model, result.changes) if result else [],
            "errors_url": errors_url,
            "problem": problem,
            "max_mb": settings.IMPORT_MAX_BYTES // 1024 // 1024,
            "background_kb": settings.BACKGROUND_IMPORT_BYTES // 1024,
        }


def readable_changes(model, changes: list[dict]) -> list[dict]:
    """The dry run's listed changes as the page shows them: each changed field by its label, as the audit
    log names it (援助资金, not `aid_amount`), with "—" for a blank; the JSON keeps the attribute names."""
    labels = field_labels(model)
    return [
        {
            **change,
            "fields": [
                (labels.get(name, name), shown(values["from"]), shown(values["to"]))
                for name, values in change.get("fields", {}).items()
            ],
        }
        for change in changes
    ]


class StoredResult:
    """An `ImportResult` read back from a background job (`ImportResult.as_dict()`), for the same template.

    The marked error workbook was written by the job (`errors_url`), so the cells read are not kept.
    """

    source_rows = ()

    def __init__(self, data: dict):
        self.filename = data["file"]
        self.file_hash = data["sha256"]
        self.dry_run = data["dry_run"]
        self.rows = data["rows"]
        self.counts = data["counts"]
        self.errors = data["errors"]
        self.warnings = data["warnings"]
        self.changes = data["changes"]
        self.batch_id = data["import_batch"]

    @property
    def is_valid(self) -> bool:
        return not self.errors
