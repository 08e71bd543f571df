"""The outcome measurements import (成效数据) (issue 4, item 2)."""

import csv
import io
from decimal import Decimal

import pytest

from duikou.core.imports.registry import importer_for
from duikou.outcomes.models import Measurement
from duikou.testing import make_county, make_indicator, make_pairing, make_project, make_supporter

pytestmark = pytest.mark.django_db

HEADER = ["指标", "数值", "期间起", "期间止", "项目编号", "支援方", "受援地"]


@pytest.fixture(autouse=True)
def world():
    make_pairing(make_supporter("上海市"), make_county())
    make_indicator()
    make_project(code="SH-2024-0001")


def run(rows, **options):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return importer_for("measurements").run(buffer.getvalue().encode("utf-8-sig"), "成效.csv", **options)


def test_a_value_for_a_project_then_its_correction():
    row = ["带动就业", "120", "2024-01-01", "2024-12-31", "SH-2024-0001", "", ""]
    assert run([row]).counts == {"new": 1, "changed": 0, "unchanged": 0}
    measurement = Measurement.objects.get()
    assert (measurement.value, measurement.supporter.name, measurement.division.code) == (
        Decimal("120"),
        "上海市",
        "653125",
    )

    corrected = run([[*row[:1], "1,300", *row[2:]]])

    assert corrected.counts == {"new": 0, "changed": 1, "unchanged": 0}
    assert Measurement.objects.get().value == Decimal("1300")


def test_a_division_value_needs_its_supporter_and_division():
    result = run([["jobs", "50", "2024-01-01", "2024-12-31", "", "", ""]])

    assert {(e.column, e.message) for e in result.errors} == {
        ("支援方", "未填项目编号时须填写此项。"),
        ("受援地", "未填项目编号时须填写此项。"),
    }


def test_mistakes_are_reported_and_nothing_is_written():
    rows = [
        ["没有的指标", "x", "2024-01-01", "2024-12-31", "SH-2024-0001", "", ""],
        ["带动就业", "5", "2024-12-31", "2024-01-01", "SH-2024-0001", "", ""],
    ]

    result = run(rows)

    found = {(e.row, e.column, e.message) for e in result.errors}
    assert (2, "指标", "找不到指标“没有的指标”") in found
    assert (2, "数值", "“x”不是数字") in found
    assert (3, "期间止", "期间止不能早于期间起。") in found
    assert Measurement.objects.count() == 0
