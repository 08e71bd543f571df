"""The roster import (干部人才台账): stints matched by 姓名 + 支援方 + 进疆日期 (issue 4, item 2)."""

import csv
import datetime
import io

import pytest

from duikou.core.imports.registry import importer_for
from duikou.talent.models import Assignment
from duikou.testing import make_assignment, make_county, make_programme, make_supporter

pytestmark = pytest.mark.django_db

HEADER = [
    "姓名",
    "人员类别",
    "援疆省市",
    "派出单位",
    "受援地",
    "受援单位",
    "进疆日期",
    "计划期满",
    "实际离疆",
]
ROW = [
    "王测试",
    "医生",
    "上海",
    "上海市第一人民医院",
    "莎车县",
    "莎车县人民医院",
    "2024-02-01",
    "2025-07-31",
    "",
]


@pytest.fixture(autouse=True)
def world():
    make_programme()
    make_supporter("上海市", aliases=["上海"])
    make_county()


def run(rows, **options):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return importer_for("assignments").run(buffer.getvalue().encode("gbk"), "台账.csv", **options)


def test_a_stint_is_added_then_ended_by_a_later_file():
    assert run([ROW]).counts == {"new": 1, "changed": 0, "unchanged": 0}
    assert run([ROW]).counts == {"new": 0, "changed": 0, "unchanged": 1}

    ended = run([[*ROW[:8], "2025年7月31日"]])

    assert ended.counts == {"new": 0, "changed": 1, "unchanged": 0}
    stint = Assignment.objects.get(person_name="王测试")
    assert (stint.kind, stint.actual_end) == ("doctor", datetime.date(2025, 7, 31))


def test_an_existing_stint_is_matched_and_left_alone():
    make_assignment(person_name="张伟", start_date=datetime.date(2023, 2, 15))
    row = [
        "张伟",
        "党政干部",
        "上海市",
        "上海市卫生健康委员会",
        "莎车县",
        "莎车县人民医院",
        "2023-02-15",
        "2026-02-14",
        "",
    ]

    result = run([row], dry_run=True)

    assert result.counts["new"] == 0


def test_mistakes_are_reported_and_nothing_is_written():
    rows = [
        ROW,
        ["李测试", "宇航员", "上海", "上海中学", "莎车县", "莎车县第一中学", "2024-02-01", "2024-01-01", ""],
        ROW,
    ]

    result = run(rows)

    found = {(error.row, error.column) for error in result.errors}
    assert (3, "人员类别") in found  # not a kind of stint
    assert (4, "姓名") in found  # the same person and start as row 2
    assert Assignment.objects.count() == 0


def test_planned_end_before_start_is_refused_with_the_models_message():
    row = [*ROW[:6], "2024-02-01", "2024-01-01", ""]

    result = run([row])

    assert [(e.column, e.message) for e in result.errors] == [("计划期满", "计划期满日期须晚于进疆日期。")]
