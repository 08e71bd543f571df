"""Reference updates through the import engine: divisions by code (issue 4, item 2)."""

import csv
import datetime
import io

import pytest

from duikou.core.imports.registry import importer_for
from duikou.geo.models import Division
from duikou.testing import make_county, make_prefecture

pytestmark = pytest.mark.django_db

HEADER = ["区划代码", "名称", "级别", "上级", "片区", "停用日期"]


def run(rows, **options):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return importer_for("divisions").run(buffer.getvalue().encode("utf-8"), "区划.csv", **options)


def test_a_new_county_an_end_date_and_a_new_prefecture_with_its_county():
    make_county()
    rows = [
        ["653199", "测试新县", "县市区", "喀什地区", "南疆", ""],
        ["653125", "莎车县", "县市区", "653100", "南疆", "2030-12-31"],
        ["659999", "测试新地区", "地州市", "新疆维吾尔自治区", "北疆", ""],
        ["659998", "测试新地区一县", "县市区", "659999", "北疆", ""],
    ]

    result = run(rows)

    assert result.errors == []
    assert result.counts == {"new": 3, "changed": 1, "unchanged": 0}
    assert Division.objects.get(code="653199").parent.code == "653100"
    assert Division.objects.get(code="653125").valid_to == datetime.date(2030, 12, 31)
    assert Division.objects.get(code="659998").parent.code == "659999"
    assert run(rows).counts == {"new": 0, "changed": 0, "unchanged": 4}


def test_a_county_without_parent_or_zone_is_refused():
    make_prefecture()

    result = run(
        [
            ["653198", "无上级县", "县市区", "", "", ""],
            ["653197", "无名上级县", "县市区", "火星地区", "南疆", ""],
        ]
    )

    found = {(error.row, error.column) for error in result.errors}
    assert {(2, "上级"), (3, "上级")} <= found
    assert not Division.objects.filter(code__in=["653198", "653197"]).exists()
