"""A background job's page: its progress bar, updated by htmx polling, then where its result is.

The same URL returns the page or, to htmx, the progress partial (STYLE.md 16). When a job has a result page
(an import's check or outcome) the poll answers with a client redirect there; an export stays here and
offers its file. Every job is visible only to the user who started it: anyone else gets 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from ..choices import JobKind, JobState
from ..models import BackgroundJob
from .services import current_progress, job_file


def owned_job(request, pk: int) -> BackgroundJob:
    """The job `pk` if the signed-in user started it; 404 otherwise (whether or not it exists)."""
    return get_object_or_404(BackgroundJob, pk=pk, user=request.user)


def import_kind(job: BackgroundJob) -> str:
    return job.parameters.get("kind", "")


def result_url(request, job: BackgroundJob) -> str | None:
    """Where a finished job's outcome is shown, or None when its own page shows it (exports, failures)."""
    if job.state != JobState.SUCCEEDED or job.kind == JobKind.EXPORT:
        return None
    import_url = reverse("core:import", args=[import_kind(job)])
    if job.kind == JobKind.IMPORT and not job.result.get("errors"):
        counts = job.result["counts"]
        messages.success(
            request,
            _("已导入“{file}”：新增 {new}，修改 {changed}，未变 {unchanged}（批次 {batch}）。").format(
                file=job.result["file"], batch=job.result["import_batch"], **counts
            ),
        )
        return import_url
    return f"{import_url}?job={job.pk}"


class JobView(LoginRequiredMixin, View):
    """GET: the job's page, or (htmx) its progress partial; a finished import goes on to its result."""

    template_name = "core/job.html"
    partial_template_name = "core/_job_progress.html"

    def get(self, request, pk):
        job = current_progress(owned_job(request, pk))
        next_url = result_url(request, job) if job.is_finished else None
        if next_url:
            return HttpResponseClientRedirect(next_url) if request.htmx else redirect(next_url)
        template = self.partial_template_name if request.htmx else self.template_name
        return render(request, template, self.context(job))

    @staticmethod
    def context(job: BackgroundJob) -> dict:
        has_file = job_file(job) is not None
        back_url = None
        if job.kind in (JobKind.IMPORT_CHECK, JobKind.IMPORT) and import_kind(job):
            back_url = reverse("core:import", args=[import_kind(job)])
        elif job.parameters.get("list_url"):
            back_url = job.parameters["list_url"]
        return {
            "job": job,
            "title": job.label,
            "download_url": reverse("core:job_download", args=[job.pk]) if has_file else None,
            "back_url": back_url,
        }


class JobDownloadView(LoginRequiredMixin, View):
    """GET: the file a finished job wrote (an export, a marked error workbook), to its owner only."""

    def get(self, request, pk):
        job = owned_job(request, pk)
        path = job_file(job)
        if path is None or job.state != JobState.SUCCEEDED:
            raise Http404(_("文件已过期或不存在。"))
        return FileResponse(path.open("rb"), as_attachment=True, filename=job.download_name or path.name)
