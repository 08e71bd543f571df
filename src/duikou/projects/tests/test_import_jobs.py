"""Long files in the background (issue 4, item 1): the upload queues the check, the page shows its progress
and then every error or what would change; confirming queues the import. Through HTTP, with the database
task backend; `run_queued_tasks` is the database worker's own task runner, in the test's process."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from duikou.core.choices import JobKind, JobState
from duikou.core.jobs import JobProgress
from duikou.core.jobs.worker import run_queued_tasks
from duikou.core.models import BackgroundJob, ImportBatch, ObjectChange
from duikou.projects.models import Project
from duikou.testing import make_user

from .test_imports import GOOD_ROWS, HEADER, csv_bytes, world  # noqa: F401  (world: the fixture)

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("core:import", args=["projects"])
ROWS = 2500  # more than the engine's progress step (1,000 rows)


@pytest.fixture(autouse=True)
def background(settings, tmp_path):
    """Every upload goes to the worker; staged and written files stay in the test's directory."""
    settings.BACKGROUND_IMPORT_BYTES = 0
    settings.IMPORT_STAGING_DIR = tmp_path / "staging"
    settings.JOB_FILES_DIR = tmp_path / "jobs"


@pytest.fixture
def clerk(client, world):  # noqa: F811
    client.force_login(make_user("clerk", is_superuser=True))
    return client


def plan_rows(count: int) -> list[list[str]]:
    amounts = ["150", "100", "50", "", ""]
    return [
        [f"SH-2025-{number:05d}", f"莎车县后台导入项目{number}", "2025", "上海", "莎车县", "民生", *amounts]
        for number in range(1, count + 1)
    ]


def upload(client, data: bytes, name="计划.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def job_of(response) -> BackgroundJob:
    match = re.fullmatch(r"/jobs/(\d+)/", response["Location"])
    assert match, response["Location"]
    return BackgroundJob.objects.get(pk=match.group(1))


def follow_job(client, job) -> str:
    """Poll the job page as htmx does; return where its client redirect leads."""
    response = client.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response["HX-Redirect"]


def counts(html: str) -> dict[str, int]:
    return {key: int(value) for key, value in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def test_a_large_upload_is_checked_in_the_background_with_progress_then_imported_on_confirm(clerk):
    # given a long, clean file
    uploaded = upload(clerk, csv_bytes([HEADER, *plan_rows(ROWS)]))

    # then the upload queues the check and shows its page, with an indeterminate bar until the worker starts
    assert uploaded.status_code == 302
    job = job_of(uploaded)
    assert (job.kind, job.state, job.label) == (JobKind.IMPORT_CHECK, JobState.QUEUED, "计划.csv")
    page = clerk.get(uploaded["Location"]).content.decode()
    assert 'data-state="queued"' in page and 'hx-trigger="every 1s"' in page

    # when the worker runs it
    assert run_queued_tasks() == 1

    # then the progress was recorded, the check wrote nothing, and the poll leads to the same result as inline
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == (JobState.SUCCEEDED, ROWS, ROWS)
    assert not Project.objects.filter(code__startswith="SH-2025-").exists()
    result_url = follow_job(clerk, job)
    assert result_url == f"{IMPORT_URL}?job={job.pk}"
    result = clerk.get(result_url)
    html = result.content.decode()
    assert counts(html) == {"new": ROWS, "changed": 0, "unchanged": 0}
    assert 'data-action="confirm"' in html

    # when the clerk confirms
    file_hash = re.search(r'name="sha256" value="(\w+)"', html).group(1)
    confirmed = clerk.post(IMPORT_URL, {"confirm": "1", "sha256": file_hash, "filename": "计划.csv"})

    # then the import is queued too, and once run the poll leads back to the page with the batch announced
    import_job = job_of(confirmed)
    assert import_job.kind == JobKind.IMPORT
    assert not Project.objects.filter(code__startswith="SH-2025-").exists()
    run_queued_tasks()
    import_job.refresh_from_db()
    assert (import_job.rows_done, import_job.rows_total) == (ROWS, ROWS)
    assert Project.objects.filter(code__startswith="SH-2025-").count() == ROWS
    batch = ImportBatch.objects.get()
    assert import_job.result["import_batch"] == batch.pk
    assert follow_job(clerk, import_job) == IMPORT_URL
    announced = clerk.get(IMPORT_URL).content.decode()
    assert f"新增 {ROWS}，修改 0，未变 0（批次 {batch.pk}）" in announced


def test_the_page_shows_the_recorded_progress(clerk):
    uploaded = upload(clerk, csv_bytes([HEADER, *plan_rows(3)]))
    job = job_of(uploaded)
    BackgroundJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    job.refresh_from_db()

    JobProgress(job)(1000, 2500)  # as the engine reports it from the worker

    partial = clerk.get(uploaded["Location"], headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="job-progress"')  # the partial alone, polling again
    assert 'value="40" max="100"' in partial
    assert "1,000 / 2,500 行（40%）" in partial
    assert 'hx-trigger="every 1s"' in partial


def test_progress_reported_inside_the_imports_transaction_is_shown_too(clerk):
    # the engine writes an import in one transaction: an update of the job row would not be seen until the
    # commit (or, on SQLite, wait for the import's lock), so the progress goes beside the job's files
    job = job_of(upload(clerk, csv_bytes([HEADER, *plan_rows(3)])))
    BackgroundJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    job.refresh_from_db()
    progress = JobProgress(job)

    with transaction.atomic():
        progress(1500, 2500)

    job.refresh_from_db()
    assert (job.rows_done, job.rows_total) == (0, 0)
    partial = clerk.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "1,500 / 2,500 行（60%）" in partial
    progress.close()
    assert job.rows_done == 1500


def test_after_a_background_check_the_page_lists_every_error_and_offers_the_marked_file(clerk):
    rows = [*plan_rows(ROWS)]
    rows[9][4] = "不存在县"  # Excel row 11
    rows[1999][6] = "abc"  # Excel row 2001
    rows[2499][1] = ""  # Excel row 2501
    job = job_of(upload(clerk, csv_bytes([HEADER, *rows])))

    run_queued_tasks()

    response = clerk.get(follow_job(clerk, job))
    html = response.content.decode()
    assert 'data-role="import-errors"' in html and 'data-action="confirm"' not in html
    assert re.findall(r"<tr><td>(\d+)</td>", html) == ["11", "2001", "2501"]
    assert "找不到区划“不存在县”" in html and "“abc”不是金额" in html and "必填项为空" in html
    link = re.search(r'href="([^"]+)" data-action="error-workbook"', html).group(1)
    assert link == reverse("core:job_download", args=[job.pk])
    download = clerk.get(link)
    assert "filename*=utf-8''%E8%AE%A1%E5%88%92-" in download["Content-Disposition"]  # 计划-错误标注.xlsx
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert [row[0] for row in workbook["错误清单"].iter_rows(min_row=2, values_only=True)] == [11, 2001, 2501]
    assert not Project.objects.filter(code__startswith="SH-2025-").exists()


def test_someone_elses_job_is_not_found(clerk, client, world):  # noqa: F811
    rows = [*plan_rows(2)]
    rows[0][4] = "不存在县"
    job = job_of(upload(clerk, csv_bytes([HEADER, *rows])))
    run_queued_tasks()
    other = make_user("other", is_superuser=True)
    clerk.force_login(other)

    assert clerk.get(reverse("core:job", args=[job.pk])).status_code == 404
    assert clerk.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    assert clerk.get(f"{IMPORT_URL}?job={job.pk}").status_code == 404


def test_a_failing_import_job_shows_why_and_changes_nothing(clerk, monkeypatch):
    checked = upload(clerk, csv_bytes([HEADER, *plan_rows(5)]))
    html = clerk.get(follow_job_after_run(clerk, checked)).content.decode()
    file_hash = re.search(r'name="sha256" value="(\w+)"', html).group(1)
    changes_before = ObjectChange.objects.count()
    save_batch = ImportBatch.save

    def fail_when_the_batch_is_closed(batch, *args, **kwargs):
        # after every row is written, as the batch's counts are saved: the whole import must roll back
        if "counts" in (kwargs.get("update_fields") or ()):
            raise RuntimeError("磁盘已满")
        save_batch(batch, *args, **kwargs)

    monkeypatch.setattr(ImportBatch, "save", fail_when_the_batch_is_closed)

    job = job_of(clerk.post(IMPORT_URL, {"confirm": "1", "sha256": file_hash, "filename": "计划.csv"}))
    run_queued_tasks()

    job.refresh_from_db()
    assert job.state == JobState.FAILED and "磁盘已满" in job.error
    page = clerk.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"})
    html = page.content.decode()
    assert "HX-Redirect" not in page and 'data-role="job-error"' in html
    assert "后台任务失败，未导入或修改任何数据。" in html and "磁盘已满" in html
    assert "hx-trigger" not in html  # polling stops
    assert not Project.objects.filter(code__startswith="SH-2025-").exists()
    assert ImportBatch.objects.count() == 0 and ObjectChange.objects.count() == changes_before


def follow_job_after_run(client, response) -> str:
    job = job_of(response)
    run_queued_tasks()
    return follow_job(client, job)


def test_small_files_are_still_checked_in_the_request(clerk, settings):
    settings.BACKGROUND_IMPORT_BYTES = 256 * 1024

    response = upload(clerk, csv_bytes([HEADER, *GOOD_ROWS]))

    assert response.status_code == 200
    assert counts(response.content.decode()) == {"new": 2, "changed": 0, "unchanged": 0}
    assert not BackgroundJob.objects.exists()
