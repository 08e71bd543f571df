"""The ledger import: postings from a clerk's table, append-only and idempotent (issue 4, item 2)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from duikou.core.imports.registry import importer_for
from duikou.core.models import ObjectChange
from duikou.funds.models import LedgerEntry
from duikou.testing import make_county, make_pairing, make_project, make_supporter

pytestmark = pytest.mark.django_db

HEADER = ["项目编号", "类型", "金额（万元）", "发生日期", "凭证/文号", "摘要"]


@pytest.fixture
def project():
    make_pairing(make_supporter("上海市"), make_county())
    return make_project(code="SH-2024-0001")


def csv_bytes(rows, encoding="gbk") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["2024年资金到位台账"], *rows])
    return buffer.getvalue().encode(encoding)


def run(data, **options):
    return importer_for("ledger").run(data, "台账.csv", **options)


def test_postings_are_imported_with_the_projects_parties(project):
    rows = [
        HEADER,
        ["SH-2024-0001", "到位", "50", "2024-06-30", "沪援〔2024〕9号", "第一批到位"],
        ["SH-2024-0001", "支出", "1,200,000元", "2024年7月", "", ""],  # "支出" names 支出（完成投资）
    ]

    result = run(csv_bytes(rows))

    assert result.errors == []
    assert result.counts == {"new": 2, "changed": 0, "unchanged": 0}
    arrived, spent = LedgerEntry.objects.order_by("value_date")
    assert (arrived.kind, arrived.amount, arrived.fiscal_year) == ("arrived", Decimal("500000.00"), 2024)
    assert (arrived.supporter, arrived.division, arrived.programme) == (
        project.supporter,
        project.division,
        project.programme,
    )
    assert (spent.kind, spent.amount, str(spent.value_date)) == ("spent", Decimal("1200000.00"), "2024-07-01")
    assert {entry.import_batch_id for entry in (arrived, spent)} == {result.batch_id}


def test_the_same_file_twice_posts_nothing_the_second_time(project):
    data = csv_bytes([HEADER, ["SH-2024-0001", "到位", "50", "2024-06-30", "", ""]] * 1)
    run(data)
    changes = ObjectChange.objects.count()

    again = run(data)

    assert again.counts == {"new": 0, "changed": 0, "unchanged": 1}
    assert LedgerEntry.objects.count() == 1 and ObjectChange.objects.count() == changes


def test_two_identical_rows_are_two_postings_and_stay_two(project):
    row = ["SH-2024-0001", "到位", "50", "2024-06-30", "", ""]
    data = csv_bytes([HEADER, row, row])

    assert run(data).counts["new"] == 2
    assert run(data).counts == {"new": 0, "changed": 0, "unchanged": 2}
    assert LedgerEntry.objects.count() == 2


def test_mistakes_are_all_reported_and_nothing_is_posted(project):
    rows = [
        HEADER,
        ["SH-2024-0001", "到位", "50", "2024-06-30", "", ""],
        ["", "到位", "10", "2024-07-01", "", "未填项目"],
        ["NOPE", "挪用", "-3", "2024-13-01", "", ""],
        ["SH-2024-0001", "拨付", "0", "2024-08-01", "", ""],
    ]

    result = run(csv_bytes(rows))

    found = {(error.row, error.column, error.message) for error in result.errors}
    assert (4, "支援方", "未填项目编号时须填写此项。") in found
    assert (5, "项目编号", "没有编号为“NOPE”的项目。") in found
    assert any(row == 5 and column == "类型" for row, column, _ in found)
    assert (5, "发生日期", "“2024-13-01”不是有效日期") in found
    assert (6, "金额（万元）", "金额不能为零。") in found
    assert LedgerEntry.objects.count() == 0


def test_checking_a_re_import_asks_the_database_once_per_value_date_not_per_row(project):
    """STYLE.md 19: the query count does not grow with the rows (one read of the stored entries per date)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(count):
        return [HEADER] + [["SH-2024-0001", "到位", str(10 + n), "2024-06-30", "", ""] for n in range(count)]

    run(csv_bytes(rows(40)))
    with CaptureQueriesContext(connection) as few:
        assert run(csv_bytes(rows(5)), dry_run=True).counts["unchanged"] == 5
    with CaptureQueriesContext(connection) as many:
        assert run(csv_bytes(rows(40)), dry_run=True).counts["unchanged"] == 40

    assert len(many) == len(few)
