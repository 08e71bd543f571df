"""The project import's new rows checked as columns (`ProjectImporter.columnar_rows`) against the row path.

The columnar check may only ever take rows the row path accepts, and write them exactly as the row path
would. So each file here — random mixes of good rows and every kind of mistake a clerk makes, seeded to be
repeatable — is imported twice, with the columnar check and without it (every row by the row path), and
everything must be the same: the errors and warnings with their rows, columns, values and messages; the
counts and the listed changes; the projects written, field by field; their change-log rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from decimal import Decimal

import pytest
from django.db import transaction

from duikou.accounts.choices import Role
from duikou.core.bulk import copy_texts, snapshot_copy_columns, snapshot_encoder, snapshot_texts
from duikou.core.imports.registry import importer_for
from duikou.core.models import ObjectChange
from duikou.geo.choices import DivisionLevel, Zone
from duikou.parties.choices import OrganizationKind
from duikou.projects.imports import ProjectImporter
from duikou.projects.models import Project
from duikou.testing import (
    make_category,
    make_county,
    make_division,
    make_pairing,
    make_prefecture,
    make_project,
    make_supporter,
    make_user,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "项目编号",
    "项目名称",
    "年度",
    "援疆省市",
    "受援地",
    "项目类别",
    "总投资（万元）",
    "援疆资金（万元）",
    "地方配套（万元）",
    "其他资金（万元）",
    "计划开工",
    "计划完工",
    "计划内",
    "建设方式",
    "建设内容",
]


@pytest.fixture
def world():
    county = make_county()
    zepu = make_division(
        "653124", "泽普县", level=DivisionLevel.COUNTY, parent=make_prefecture(), zone=Zone.SOUTH
    )
    shanghai = make_supporter("上海市")
    shanghai.aliases = ["上海"]
    shanghai.save()
    zhejiang = make_supporter("浙江省")
    make_supporter("喀什地区发改委", kind=OrganizationKind.RECIPIENT_GOVERNMENT)  # not a supporter
    make_pairing(shanghai, county)
    # Paired until the end of 2024: a 2025 start is unpaired (the pairing rule reads the date).
    make_pairing(zhejiang, zepu, until=datetime.date(2024, 12, 31))
    make_category()
    stored = make_project(code="SH-STORED-1", name="莎车县已有项目", supporter=shanghai, division=county)
    return {"shanghai": shanghai, "stored": stored}


# Valid names first (quotes, a backslash and "%", which COPY and JSON escape), then two mistakes.
NAMES = [
    "莎车县第一小学教学楼",
    "莎車縣第一小學教學樓",
    "莎车县养老院",
    "泽普县卫生院",
    '农村安居房"二期"\\100%',
    "",
    "名" * 201,
]
YEARS = ["2025", "２０２５", "2024", "1980", "二〇二五", "abc"]
SUPPORTERS = ["上海", "上海市", "浙江", "浙江省", "不存在省", "喀什地区发改委", ""]
DIVISIONS = ["莎车", "653125", "喀什地区莎车县", "泽普县", "不存在县", ""]
CATEGORIES = ["民生", "livelihood", "不存在类", ""]
DATES = ["2025-03-01", "2025年3月", "2024.06", "45736", "2026-01-31", "", "不是日期"]
FLAGS = ["是", "否", "", "也许"]
MODES = ["", "交钥匙", "交支票", "不知道"]


def random_row(rng: random.Random, number: int, *, mistakes: bool) -> list[str]:
    """A row of the file: a good one, or with `mistakes`, any of the cells a clerk gets wrong."""
    aid = rng.choice([800, 1200.5, 35, 0, 99999])
    local = rng.choice([0, 200, 45.25])
    other = rng.choice(["", "0", "10"])
    total = aid + local + (float(other) if other else 0)
    row = [
        f"SH-R-{number:04d}",
        rng.choice(NAMES[:5]),
        rng.choice(YEARS[:3]),
        rng.choice(SUPPORTERS[:2]),
        rng.choice(DIVISIONS[:3]),
        rng.choice(CATEGORIES[:2]),
        f"{total:,}" if rng.random() < 0.3 else str(total),
        str(aid),
        "" if local == 0 and rng.random() < 0.5 else str(local),
        other,
        rng.choice(DATES[:4]),
        rng.choice(["", "2026-12-31"]),
        rng.choice(FLAGS[:3]),
        rng.choice(MODES[:3]),
        rng.choice(["", "新建教学楼 3 层", "新建教学楼 3 层"]),
    ]
    if mistakes and rng.random() < 0.6:
        column = rng.randrange(len(row))
        choices = {
            0: ["", "SH-STORED-1", f"SH-R-{max(number - 1, 0):04d}", "X" * 41],
            1: NAMES,
            2: YEARS,
            3: SUPPORTERS,
            4: DIVISIONS,
            5: CATEGORIES,
            6: ["-5", "abc", "1.2亿", "999"],
            7: ["-1", "abc", ""],
            8: ["-3", "x"],
            9: ["-1", "abc"],
            10: DATES,
            11: ["2020-01-01", "abc", "2025-02-01"],
            12: FLAGS,
            13: MODES,
        }.get(column)
        if choices:
            row[column] = rng.choice(choices)
    return row


def csv_file(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode("utf-8")


def imported(data: bytes, *, columnar: bool, monkeypatch, user=None, dry_run=False):
    """The import's result and what it wrote, rolled back after; row by row only when not `columnar`."""
    taken = []
    original = ProjectImporter.columnar_rows

    def counting(self, candidates, values):
        rows = original(self, candidates, values) if columnar else None
        taken.append(len(rows) if rows else 0)
        return rows

    with monkeypatch.context() as patch:
        patch.setattr(ProjectImporter, "columnar_rows", counting)
        with transaction.atomic():
            result = importer_for("projects").run(data, "plan.csv", user=user, dry_run=dry_run)
            written = written_state(result.batch_id)
            transaction.set_rollback(True)
    return result.as_dict() | {"import_batch": None}, written, sum(taken)


def written_state(batch_id) -> tuple:
    ignored = {"id", "created", "last_updated"}
    projects = sorted(
        tuple((name, value) for name, value in row.items() if name not in ignored)
        for row in Project.objects.values()
    )
    changes = (
        sorted(
            (
                change.action,
                change.object_repr,
                change.source,
                {key: value for key, value in (change.postchange_data or {}).items() if key not in ignored},
                {key: value for key, value in (change.prechange_data or {}).items() if key not in ignored},
            )
            for change in ObjectChange.objects.filter(import_batch_id=batch_id)
        )
        if batch_id
        else []
    )
    return projects, [repr(change) for change in changes]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mistakes", [False, True])
def test_columns_and_rows_give_the_same_import(world, monkeypatch, seed, mistakes):
    rng = random.Random(seed)
    data = csv_file([random_row(rng, number, mistakes=mistakes) for number in range(120)])
    for dry_run in (True, False):
        by_columns, written_by_columns, taken = imported(
            data, columnar=True, monkeypatch=monkeypatch, dry_run=dry_run
        )
        by_rows, written_by_rows, _ = imported(data, columnar=False, monkeypatch=monkeypatch, dry_run=dry_run)
        assert by_columns == by_rows
        assert written_by_columns == written_by_rows
        assert taken > 0  # the columnar check did take rows: the comparison is not of the row path alone
    if not mistakes:
        assert not by_columns["errors"] and by_columns["counts"]["new"] == 120


@pytest.mark.parametrize("seed", range(3))
def test_a_supporters_editor_gets_the_same_refusals_both_ways(world, monkeypatch, seed):
    editor = make_user("sh-editor", role=Role.SUPPORTER_EDITOR, organization=world["shanghai"])
    rng = random.Random(100 + seed)
    data = csv_file([random_row(rng, number, mistakes=True) for number in range(80)])
    by_columns, written_by_columns, _ = imported(data, columnar=True, monkeypatch=monkeypatch, user=editor)
    by_rows, written_by_rows, _ = imported(data, columnar=False, monkeypatch=monkeypatch, user=editor)
    assert by_columns == by_rows
    assert written_by_columns == written_by_rows


def test_a_rows_likely_duplicates_name_earlier_rows_in_file_order(world, monkeypatch):
    """Rows checked as columns and rows checked one by one are remembered for the likely duplicates in
    the order of the file: the warnings name the same earlier rows both ways."""

    def row(code: str, name: str, aid: str) -> list[str]:
        return [code, name, "2025", "上海", "莎车", "民生", "100", aid, *[""] * 7]

    rows = [
        row("SH-D-1", "莎车县第一小学教学楼", "100"),
        row("SH-D-2", "莎车县第一小学教学楼", "90"),
        row("SH-D-3", "莎車縣第一小學教學樓", "100"),
    ]
    by_columns, _, taken = imported(csv_file(rows), columnar=True, monkeypatch=monkeypatch, dry_run=True)
    by_rows, _, _ = imported(csv_file(rows), columnar=False, monkeypatch=monkeypatch, dry_run=True)
    assert taken == 2  # the second row's sum is wrong: the row path reports it
    assert by_columns == by_rows
    # The last row is like both earlier ones (the refused one too: it was read before it was refused).
    assert [warning["row"] for warning in by_columns["warnings"]] == [4, 4]
    assert {"第 2 行" in warning["message"] for warning in by_columns["warnings"]} == {True, False}


def test_snapshots_from_columns_are_the_row_by_row_snapshots(world):
    projects = [
        make_project(code=f"SNAP-{number}", name=f"项目“{number}”\\", description="第一行\n第二行")
        for number in range(3)
    ]
    encode = snapshot_encoder(Project)
    rows = [project.__dict__ for project in projects]
    columns = {field.attname: [row[field.attname] for row in rows] for field in Project._meta.concrete_fields}
    assert snapshot_texts(Project, columns) == [encode(row) for row in rows]


def test_snapshots_on_their_way_into_copy_are_the_row_by_row_snapshots(world):
    """`snapshot_copy_columns` takes a column's COPY text as its JSON where it can: every kind of column,
    with and without the characters JSON or COPY escape, amounts to their places and not, blanks."""
    projects = [
        make_project(code="SNAP-A", name="项目“甲”\\", description="第一行\n第二行", aid_amount=Decimal("5")),
        make_project(code="SNAP-B", name="项目乙", latitude=Decimal("39.47"), planned_start=None),
        make_project(code="SNAP-C", name="项目丙%s", description="50%", is_fixed_asset=False),
    ]
    encode = snapshot_encoder(Project)
    rows = [project.__dict__ for project in projects]
    for chosen in ([0, 1, 2], [1], [1, 2], [2]):  # columns with and without the awkward rows
        columns = {
            field.attname: [rows[index][field.attname] for index in chosen]
            for field in Project._meta.concrete_fields
        }
        copied = {name: copy_texts(values) for name, values in columns.items()}
        template, fragments = snapshot_copy_columns(Project, columns, copied)
        texts = [template % parts for parts in zip(*fragments, strict=True)]
        assert texts == copy_texts([encode(rows[index]) for index in chosen])


@pytest.mark.parametrize("preloaded", [True, False])
def test_each_rules_column_form_agrees_with_its_message(world, preloaded):
    """`RowRule.holds_on_columns` is only a faster form of `message`: on random rows around every edge
    (sums off by a fen, blank sources, dates on both sides of a pairing's end, unpaired places)."""
    from contextlib import nullcontext

    from duikou.core.imports.rules import stand_in
    from duikou.geo.models import Division
    from duikou.pairings.models import pairings_preloaded
    from duikou.parties.models import Organization
    from duikou.programmes.models import Programme

    rng = random.Random(7)
    supporters = list(Organization.objects.filter(name__in=["上海市", "浙江省"]))
    divisions = list(Division.objects.filter(code__in=["653125", "653124"]))
    programme = Programme.objects.get()
    amounts = [None, Decimal("0.00"), Decimal("0.01"), Decimal("100.00"), Decimal("99.99"), Decimal("100")]
    dates = [None, datetime.date(2024, 12, 31), datetime.date(2025, 1, 1), datetime.date(2016, 1, 1)]
    prototype = Project(programme=programme)
    with pairings_preloaded() if preloaded else nullcontext():
        for rule in Project.row_rules:
            if rule.holds_on_columns is None:
                continue
            rows = []
            for _ in range(300):
                supporter, division = rng.choice(supporters), rng.choice(divisions)
                values = {
                    "total_investment": rng.choice(amounts),
                    "aid_amount": rng.choice(amounts),
                    "local_matching": rng.choice(amounts),
                    "other_funding": rng.choice(amounts),
                    "supporter_id": supporter.pk,
                    "supporter": supporter,
                    "division_id": division.pk,
                    "division": division,
                    "programme_id": programme.pk,
                    "programme": programme,
                    "plan_year": rng.choice([2024, 2025]),
                    "planned_start": rng.choice(dates),
                }
                rows.append([values[name] for name in rule.reads])
            by_message = [rule.message(stand_in(prototype, rule.reads, row)) is None for row in rows]
            by_columns = rule.holds_on_columns(*zip(*rows, strict=True))
            assert by_columns == by_message, rule.field
            assert True in by_message and False in by_message  # both verdicts were tried


def test_the_listed_changes_are_the_first_in_file_order_both_ways(world, monkeypatch):
    """New rows (checked as columns) and changed stored projects (row by row) share the list of the first
    200 changes, in file order — in a chunk and across chunks."""
    county, shanghai = world["stored"].division, world["shanghai"]
    stored = [
        make_project(code=f"SH-OLD-{number}", name=f"旧项目{number}", supporter=shanghai, division=county)
        for number in range(30)
    ]
    rng = random.Random(3)
    rows = [random_row(rng, number, mistakes=False) for number in range(260)]
    for number, project in zip(range(5, 260, 9), stored, strict=False):
        rows[number][0] = project.code  # a stored project, renamed by the file
        # Sources in full: a blank cell keeps the stored amount, and the sum would not hold.
        rows[number][6], rows[number][8:10] = rows[number][7], ["0", "0"]
    data = csv_file(rows)
    monkeypatch.setattr(ProjectImporter, "chunk_rows", 100)
    by_columns, written_by_columns, taken = imported(data, columnar=True, monkeypatch=monkeypatch)
    by_rows, written_by_rows, _ = imported(data, columnar=False, monkeypatch=monkeypatch)
    assert by_columns == by_rows
    assert written_by_columns == written_by_rows
    assert taken > 0
    assert not by_columns["errors"], by_columns["errors"][:3]
    listed = by_columns["changes"]
    assert len(listed) == 200
    assert [change["row"] for change in listed] == sorted(change["row"] for change in listed)
    assert {change["action"] for change in listed} == {"new", "changed"}
