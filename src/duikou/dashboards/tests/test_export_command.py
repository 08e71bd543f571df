"""`duikou export`: a registry's list to CSV or XLSX with the page's filters (issue 4, item 3)."""

import csv
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from duikou.core.imports.registry import importer_for
from duikou.testing import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    return [
        make_project(code="SH-2023-0001", plan_year=2023),
        make_project(
            code="SH-2024-0001",
            plan_year=2024,
            aid_amount=Decimal("700000.00"),
            other_funding=Decimal("100000.00"),
        ),
        make_project(
            code="SH-2024-0002",
            plan_year=2024,
            aid_amount=Decimal("700000.00"),
            other_funding=Decimal("100000.00"),
        ),
    ]


def test_csv_with_the_pages_filters_and_a_supporter_by_name(projects, tmp_path):
    path = tmp_path / "p.csv"

    call_command(
        "export", "projects", "--format", "csv", "-o", str(path), "plan_year=2024", "supporter=上海市"
    )

    with path.open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    assert rows[0][:2] == ["项目编号", "项目名称"]
    assert "援助资金（元）" in rows[0]
    assert sorted(row[0] for row in rows[1:]) == ["SH-2024-0001", "SH-2024-0002"]


def test_xlsx_with_chosen_columns_and_order(projects, tmp_path):
    path = tmp_path / "p.xlsx"

    call_command("export", "projects", "-o", str(path), "--columns", "code,aid_amount", "--sort=-code")

    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("项目编号", "援助资金（元）")
    assert [row[0] for row in rows[1:]] == ["SH-2024-0002", "SH-2024-0001", "SH-2023-0001"]
    assert rows[1][1] == 700000


def test_the_template_shape_imports_back_unchanged(projects, tmp_path):
    path = tmp_path / "t.xlsx"

    call_command("export", "projects", "--template", "-o", str(path), "plan_year=2024")

    result = importer_for("projects").run(path.read_bytes(), "t.xlsx")
    assert result.errors == []
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 2}


@pytest.mark.parametrize(
    "arguments,message",
    [
        (["nothing"], "不认识的清单"),
        (["projects", "bogus"], "名称=值"),
        (["projects", "colour=red"], "不认识的筛选条件"),
        (["projects", "plan_year=abc"], "筛选条件有误"),
        (["projects", "supporter=火星"], "找不到单位"),
        (["organizations", "--template"], "没有导入模板"),
    ],
)
def test_usage_errors_exit_two(projects, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message) as error_info:
        call_command("export", *arguments, "-o", str(tmp_path / "x.xlsx"))

    assert error_info.value.returncode == 2
