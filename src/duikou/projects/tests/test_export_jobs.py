"""Large exports in the background (issue 4, item 4), and progress of the commands on stderr (item 3).

A list export above BACKGROUND_EXPORT_ROWS rows is written by the worker (`run_queued_tasks`: the database
worker's own task runner, in the test's process) and must equal the direct download byte for byte (CSV)
or cell for cell (XLSX)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from duikou.core.choices import JobKind, JobState
from duikou.core.exports import export_filename
from duikou.core.jobs.worker import run_queued_tasks
from duikou.core.models import BackgroundJob
from duikou.core.progress import TerminalProgress
from duikou.testing import make_project, make_user

from .test_imports import HEADER, csv_bytes, world  # noqa: F401  (world: the fixture)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("projects:project_list")


@pytest.fixture(autouse=True)
def job_files(settings, tmp_path):
    settings.JOB_FILES_DIR = tmp_path / "jobs"


@pytest.fixture
def projects():
    return [
        make_project(
            code=f"SH-2024-{number:04d}",
            name=f"莎车县“双语”幼儿园 & 食堂 <{number}>",
            plan_year=2023 + number % 2,
            aid_amount=Decimal("700000.00") + number,
            other_funding=Decimal("100000.00"),
        )
        for number in range(1, 31)
    ]


@pytest.fixture
def officer(client):
    client.force_login(make_user("officer", is_superuser=True))
    return client


def download(response) -> bytes:
    return b"".join(response.streaming_content)


def export_in_background(client, query: str) -> BackgroundJob:
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 302, response.status_code
    job = BackgroundJob.objects.get(pk=re.fullmatch(r"/jobs/(\d+)/", response["Location"]).group(1))
    assert (job.kind, job.state) == (JobKind.EXPORT, JobState.QUEUED)
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_a_large_export_runs_in_the_background_and_equals_the_direct_download(
    officer, projects, settings, export_format
):
    query = f"plan_year=2024&sort=-aid_amount&export={export_format}"
    settings.BACKGROUND_EXPORT_ROWS = 1000
    direct = officer.get(f"{LIST_URL}?{query}")
    assert direct.status_code == 200
    settings.BACKGROUND_EXPORT_ROWS = 10

    job = export_in_background(officer, query)

    assert (job.state, job.rows_done, job.rows_total, job.result["rows"]) == (JobState.SUCCEEDED, 15, 15, 15)
    page = officer.get(reverse("core:job", args=[job.pk]), headers={"HX-Request": "true"})
    html = page.content.decode()
    assert "HX-Redirect" not in page and 'data-state="succeeded"' in html and "hx-trigger" not in html
    assert "15 / 15 行（100%）" in html
    link = re.search(r'href="([^"]+)" data-action="download"', html).group(1)
    background = officer.get(link)
    filename = f'filename="{export_filename("projects", export_format)}"'
    assert filename in background["Content-Disposition"] and filename in direct["Content-Disposition"]
    if export_format == "csv":
        assert download(background) == download(direct)
    else:
        sheets = [
            openpyxl.load_workbook(io.BytesIO(download(response))).active for response in (direct, background)
        ]
        direct_rows, background_rows = (
            [row for row in sheet.iter_rows(values_only=True)] for sheet in sheets
        )
        assert len(background_rows) == 16 and background_rows == direct_rows


def test_only_the_owner_downloads_a_background_export(officer, projects, settings, client):
    settings.BACKGROUND_EXPORT_ROWS = 10
    job = export_in_background(officer, "export=csv")  # no filter at all: the whole list
    assert (job.state, job.result["rows"]) == (JobState.SUCCEEDED, 30)
    assert officer.get(reverse("core:job_download", args=[job.pk])).status_code == 200
    officer.force_login(make_user("other", is_superuser=True))

    assert officer.get(reverse("core:job", args=[job.pk])).status_code == 404
    assert officer.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_small_exports_download_directly(officer, projects):
    response = officer.get(f"{LIST_URL}?export=csv")

    assert response.status_code == 200 and not BackgroundJob.objects.exists()


def test_import_progress_goes_to_stderr_and_the_json_to_stdout(world, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "plan.csv"
    amounts = ["150", "100", "50", "", ""]
    rows = [
        [f"SH-2025-{n:05d}", f"项目{n}", "2025", "上海", "莎车县", "民生", *amounts] for n in range(1, 2501)
    ]
    path.write_bytes(csv_bytes([HEADER, *rows]))

    call_command("import", "projects", str(path), "--dry-run", "--json")

    captured = capsys.readouterr()
    assert json.loads(captured.out)["counts"] == {"new": 2500, "changed": 0, "unchanged": 0}
    progress = captured.err.splitlines()
    assert progress[-1] == "检查 / checking: 100% (2,500 / 2,500)"
    assert len(progress) <= 11 and all(line.startswith("检查 / checking: ") for line in progress)


def test_export_progress_goes_to_stderr_for_large_exports(projects, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("duikou.dashboards.management.commands.export.PROGRESS_MIN_ROWS", 10)

    call_command("export", "projects", "--format", "csv", "-o", str(tmp_path / "p.csv"))

    captured = capsys.readouterr()
    assert (
        captured.out.strip()
        == f"已导出 30 条到 {tmp_path / 'p.csv'} / exported 30 rows to {tmp_path / 'p.csv'}"
    )
    assert captured.err.splitlines() == ["导出 / exporting: 0% (0 / 30)", "导出 / exporting: 100% (30 / 30)"]


def test_on_a_terminal_progress_rewrites_one_line():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = TerminalProgress(stream, "导入 / importing")

    for done in (0, 1000, 1000, 2000, 2500):
        progress(done, 2500)

    assert stream.getvalue() == (
        "\r导入 / importing: 0% (0 / 2,500)\r导入 / importing: 40% (1,000 / 2,500)"
        "\r导入 / importing: 80% (2,000 / 2,500)\r导入 / importing: 100% (2,500 / 2,500)\n"
    )


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_command_runs_a_queued_export(client, settings):
    # `duikou db_worker --batch`: the command `make demo` runs, polling the committed queue, then exiting
    import signal

    settings.BACKGROUND_EXPORT_ROWS = 2
    for number in range(1, 4):
        make_project(code=f"SH-2024-{number:04d}")
    client.force_login(make_user("officer", is_superuser=True))
    response = client.get(f"{LIST_URL}?export=csv")
    job = BackgroundJob.objects.get(pk=re.fullmatch(r"/jobs/(\d+)/", response["Location"]).group(1))
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    handlers = {number: signal.getsignal(number) for number in signals}

    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        for number, handler in handlers.items():  # the worker installs its own; give pytest its back
            signal.signal(number, handler)

    job.refresh_from_db()
    assert (job.state, job.result["rows"]) == (JobState.SUCCEEDED, 3)
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 200
