"""Reference updates through the import engine: pairings (issue 4, item 2)."""

import csv
import datetime
import io

import pytest

from duikou.core.imports.registry import importer_for
from duikou.pairings.models import Pairing
from duikou.testing import make_county, make_programme, make_supporter

pytestmark = pytest.mark.django_db

HEADER = ["支援方", "受援地", "起始日期", "截止日期", "来源"]


@pytest.fixture(autouse=True)
def world():
    make_programme()
    make_county()
    make_supporter("上海市")


def run(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return importer_for("pairings").run(buffer.getvalue().encode("gbk"), "结对.csv")


def test_a_pairing_is_added_then_ended():
    assert run([["上海市", "莎车县", "2010-01-01", "", "2010 年名单"]]).counts["new"] == 1

    ended = run([["上海市", "莎车县", "2010-01-01", "2030-12-31", ""]])

    assert ended.counts == {"new": 0, "changed": 1, "unchanged": 0}
    assert Pairing.objects.get().until == datetime.date(2030, 12, 31)
    assert Pairing.objects.get().source == "2010 年名单"  # a blank optional cell keeps what is stored


def test_an_end_before_the_start_and_unknown_names_are_refused():
    result = run([["上海市", "莎车县", "2010-01-01", "2009-01-01", ""], ["火星", "莎车县", "", "", ""]])

    assert {(error.row, error.column) for error in result.errors} >= {(3, "支援方")}
    assert any(error.row == 2 for error in result.errors)
    assert Pairing.objects.count() == 0
