"""`duikou export-iati`: the file, the counts it prints, and exit status 2 for usage errors."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from lxml import etree

from duikou.cli import main
from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.testing import make_entry, make_project

from .conftest import assert_valid

pytestmark = pytest.mark.django_db


def export(*arguments) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export_iati", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_writes_a_valid_file_and_prints_the_counts(office, iati_schema, tmp_path):
    project = make_project(plan_year=2024)
    make_project(plan_year=2023)
    make_entry(project, kind=EntryKind.PLAN, amount="800000.00")
    make_entry(project, kind=EntryKind.ARRIVED, amount="300000.00")
    path = tmp_path / "iati.xml"

    out, err = export("-o", str(path), "--supporter", "上海市")

    assert_valid(iati_schema, path.read_bytes())
    assert "已导出 2 个活动（项目）、2 笔交易、2 条预算" in out
    assert "exported 2 activities, 2 transactions, 2 budgets" in out
    assert "DUIKOU_PUBLIC_URL" in err  # the vocabulary URIs are relative without it
    assert not (tmp_path / "iati.xml.partial").exists()


def test_years_select_plan_years(office, tmp_path):
    make_project(plan_year=2022)
    make_project(plan_year=2023)
    make_project(plan_year=2024)
    path = tmp_path / "iati.xml"

    out, _err = export("-o", str(path), "--from-year", "2023", "--to-year", "2024")

    assert "已导出 2 个活动" in out
    assert len(etree.parse(str(path)).getroot()) == 2


def test_entries_not_assigned_to_a_project_are_reported_as_left_out(office, tmp_path, settings):
    settings.PUBLIC_URL = "https://duikou.example.gov.cn"
    project = make_project()
    LedgerEntry.objects.create(
        programme=project.programme,
        kind=EntryKind.ARRIVED,
        amount="5000.00",
        value_date=datetime.date(2024, 2, 1),
        fiscal_year=2024,
        supporter=project.supporter,
        division=project.division,
    )

    out, err = export("-o", str(tmp_path / "iati.xml"))

    assert "已导出 1 个活动（项目）、0 笔交易" in out
    assert "另有 1 笔资金分录未分配到项目，未导出" in out
    assert err == ""


@pytest.mark.parametrize(
    "arguments,message",
    [
        (["--supporter", "火星"], "找不到援疆省市“火星”。 / No supporter called “火星”."),
        (["--programme", "tibet"], "找不到援助计划 tibet"),
        (["--year", "2024", "--from-year", "2020"], "年度与起止年度不能同时使用。 / Use a year or a span"),
        (["--from-year", "2025", "--to-year", "2020"], "起始年度 2025 晚于截止年度 2020"),
        (["--year", "2019"], "所选范围内没有项目"),
    ],
)
def test_usage_errors_exit_two_in_chinese_and_english(office, tmp_path, arguments, message):
    make_project(plan_year=2024)
    path = tmp_path / "iati.xml"

    with pytest.raises(CommandError, match=message) as error_info:
        export("-o", str(path), *arguments)

    assert error_info.value.returncode == 2
    assert not path.exists()


def test_no_reporting_organisation_exits_two(tmp_path):
    make_project()

    with pytest.raises(CommandError, match="DUIKOU_IATI_REPORTING_ORG") as error_info:
        export("-o", str(tmp_path / "iati.xml"))

    assert error_info.value.returncode == 2


def test_a_missing_directory_exits_two(office, tmp_path):
    make_project()

    with pytest.raises(CommandError, match="目录不存在") as error_info:
        export("-o", str(tmp_path / "nowhere" / "iati.xml"))

    assert error_info.value.returncode == 2


def test_the_hyphenated_name_runs_and_a_usage_error_exits_two(office, tmp_path, capsys, monkeypatch):
    # The command line closes the database connections when it ends; the test's transaction needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    make_project()
    path = tmp_path / "iati.xml"

    main(["duikou", "export-iati", "-o", str(path)])
    with pytest.raises(SystemExit) as exit_info:
        main(["duikou", "export-iati", "-o", str(path), "--supporter", "火星"])

    assert etree.parse(str(path)).getroot().tag == "iati-activities"
    assert exit_info.value.code == 2
    assert "找不到援疆省市“火星”" in capsys.readouterr().err


def test_a_failure_while_writing_leaves_no_file(office, tmp_path, monkeypatch):
    make_project()
    path = tmp_path / "iati.xml"

    def broken(self, project, entries):
        raise RuntimeError("database went away")

    monkeypatch.setattr("duikou.reports.iati.writer.ActivityWriter.activity", broken)
    with pytest.raises(RuntimeError, match="database went away"):
        export("-o", str(path))

    assert list(tmp_path.iterdir()) == []
