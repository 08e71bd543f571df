"""The annual plan import, end to end, with the files clerks really send (issue 4, items 1–3 and 8).

Each messy file is made here: GBK and UTF-8-with-BOM CSV, TSV, an xlsx with title rows and a two-row
merged header, traditional characters, full-width digits, amounts with units, Excel serial dates,
blank-looking cells, names where codes belong. Broken files give their specific errors — Excel row,
header as written, value, reason — and leave the database exactly as it was.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.management import call_command

from duikou.core.imports.registry import importer_for
from duikou.core.models import ImportBatch, ObjectChange
from duikou.projects.models import Project
from duikou.testing import make_category, make_county, make_pairing, make_project, make_supporter, make_user

pytestmark = pytest.mark.django_db

HEADER = [
    "项目编号",
    "项目名称",
    "年度",
    "援疆省市",
    "受援地",
    "项目类别",
    "总投资（万元）",
    "其中：援疆资金（万元）",
    "地方配套（万元）",
    "计划开工",
    "计划内",
]
FIRST_ROW = ["SH-2025-0001", "莎車縣第一小學教學樓", "２０２５", "上海", "喀什地区莎车县", "民生"]
SECOND_ROW = ["SH-2025-0002", "莎车县养老院", "2025", "上海市援疆前方指挥部", "653125", "民生"]
GOOD_ROWS = [
    [*FIRST_ROW, "1,200", "800", "400", "2025年3月", "是"],
    [*SECOND_ROW, "1.2亿", "8000万元", "4000", "45736", "否"],
]
TITLE_ROWS = [["2025年度援疆项目计划表"], ["填报单位：上海市援疆前方指挥部"]]


@pytest.fixture
def world():
    county = make_county()
    supporter = make_supporter("上海市")
    supporter.aliases = ["上海"]
    supporter.save()
    front_hq = make_supporter("上海市援疆前方指挥部", kind="front_hq", parent=supporter)
    make_pairing(supporter, county)
    make_category()
    return {"county": county, "supporter": supporter, "front_hq": front_hq}


def csv_bytes(rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, *, merged_header=False) -> bytes:
    """A workbook as a clerk makes it: title rows, then the header (optionally two rows, merged)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("计划表")
    sheet.merge_range(0, 0, 0, 6, "2025年度援疆项目计划表")
    sheet.write(1, 0, "填报单位：上海市援疆前方指挥部   单位：万元")
    if merged_header:
        for column, text in enumerate(["项目编号", "项目名称", "年度", "援疆省市", "受援地", "项目类别"]):
            sheet.merge_range(2, column, 3, column, text)
        sheet.merge_range(2, 6, 2, 8, "资金")
        for column, text in enumerate(["总投资", "援疆资金", "地方配套"], start=6):
            sheet.write(3, column, text)
        start = 4
    else:
        names = [
            "项目编号",
            "项目名称",
            "年度",
            "援疆省市",
            "受援地",
            "项目类别",
            "总投资",
            "援疆资金",
            "地方配套",
        ]
        for column, text in enumerate(names):
            sheet.write(2, column, text)
        start = 3
    for offset, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(
                    start + offset, column, value, workbook.add_format({"num_format": "yyyy-mm-dd"})
                )
            else:
                sheet.write(start + offset, column, value)
    workbook.close()
    return buffer.getvalue()


def run(data: bytes, filename="计划表.csv", **options):
    return importer_for("projects").run(data, filename, **options)


def database_state():
    return (
        sorted(Project.objects.values_list("code", "name", "aid_amount", "total_investment")),
        ObjectChange.objects.count(),
        ImportBatch.objects.count(),
    )


@pytest.mark.parametrize(
    "encoding,delimiter", [("utf-8-sig", ","), ("utf-8", ","), ("gbk", ","), ("gb18030", "\t")]
)
def test_a_clean_plan_imports_in_every_encoding(world, encoding, delimiter):
    data = csv_bytes([*TITLE_ROWS, HEADER, *GOOD_ROWS], encoding, delimiter)

    result = run(data, user=make_user())

    assert result.errors == []
    assert result.counts == {"new": 2, "changed": 0, "unchanged": 0}
    first = Project.objects.get(code="SH-2025-0001")
    assert first.name == "莎车县第一小学教学楼"  # traditional → simplified
    assert first.plan_year == 2025  # full-width digits
    assert first.supporter == world["supporter"]  # "上海" is an alias
    assert first.division == world["county"]  # full name with the prefecture
    assert (first.total_investment, first.aid_amount, first.local_matching) == (
        Decimal("12000000.00"),
        Decimal("8000000.00"),
        Decimal("4000000.00"),
    )
    assert first.planned_start == datetime.date(2025, 3, 1)  # "2025年3月"
    assert first.is_in_plan is True
    second = Project.objects.get(code="SH-2025-0002")
    assert second.supporter == world["supporter"]  # the front HQ stands for its supporter
    assert second.total_investment == Decimal("120000000.00")  # "1.2亿" beats the header's 万元
    assert second.planned_start == datetime.date(2025, 3, 20)  # Excel serial 45736
    assert second.is_in_plan is False


def test_the_batch_records_the_file_and_the_change_log_points_to_it(world):
    data = csv_bytes([HEADER, *GOOD_ROWS])

    result = run(data, "2025计划.csv", user=make_user("clerk"))

    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.label == "2025计划.csv"
    assert batch.file_hash == result.file_hash and len(batch.file_hash) == 64
    assert batch.created_by.username == "clerk"
    assert batch.counts == {"new": 2, "changed": 0, "unchanged": 0}
    assert batch.finished is not None
    logged = ObjectChange.objects.filter(import_batch=batch)
    assert logged.count() == 2
    assert set(logged.values_list("source", flat=True)) == {"import"}


def test_importing_the_same_file_again_changes_nothing(world):
    data = csv_bytes([HEADER, *GOOD_ROWS])
    run(data)
    before = database_state()

    again = run(data)

    assert again.counts == {"new": 0, "changed": 2 - 2, "unchanged": 2}
    assert again.batch_id is None
    assert database_state() == before


def test_a_changed_row_updates_its_project_and_reports_the_change(world):
    run(csv_bytes([HEADER, *GOOD_ROWS]))
    changed = [row[:] for row in GOOD_ROWS]
    changed[0][7], changed[0][6], changed[0][8] = "900", "1300", "400"

    preview = run(csv_bytes([HEADER, *changed]), dry_run=True)
    assert preview.counts == {"new": 0, "changed": 1, "unchanged": 1}
    assert preview.changes[0]["fields"]["aid_amount"] == {"from": "8000000.00", "to": "9000000.00"}
    assert Project.objects.get(code="SH-2025-0001").aid_amount == Decimal(
        "8000000.00"
    )  # a dry run writes nothing

    result = run(csv_bytes([HEADER, *changed]))
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 1}
    assert Project.objects.get(code="SH-2025-0001").aid_amount == Decimal("9000000.00")


@pytest.mark.parametrize("merged_header", [False, True])
def test_an_xlsx_with_title_rows_and_a_merged_two_row_header(world, merged_header):
    rows = [["SH-2025-0003", "莎车县托育中心", 2025, "上海市", "莎车县", "民生", 600, 500, 100]]

    result = run(xlsx_bytes(rows, merged_header=merged_header), "计划.xlsx")

    assert result.errors == []
    project = Project.objects.get(code="SH-2025-0003")
    # "单位：万元" in the title row applies to amounts whose header names no unit
    assert (project.total_investment, project.aid_amount) == (Decimal("6000000.00"), Decimal("5000000.00"))


def test_every_error_is_reported_at_once_and_nothing_changes(world):
    make_project(code="SH-OLD-0001")
    make_supporter("浙江省")
    before = database_state()
    rows = [
        HEADER,
        [
            "SH-2025-0001",
            "好项目",
            "2025",
            "上海",
            "莎车县",
            "民生",
            "1,200",
            "800",
            "400",
            "2025-03-01",
            "是",
        ],
        ["SH-2025-0002", "", "2025", "火星", "莎车县", "民生", "abc", "-5", "", "2025.13", "也许"],
        ["SH-2025-0003", "未结对", "2025", "浙江省", "莎车县", "民生", "100", "100", "", "", ""],
        ["SH-2025-0004", "总投资不符", "2025", "上海", "莎车县", "民生", "100", "80", "10", "", ""],
        ["SH-2025-0005", "没有的县", "2025", "上海", "不存在县", "没有的类", "100", "100", "", "", ""],
        ["SH-2025-0001", "重复编号", "2025", "上海", "莎车县", "民生", "100", "100", "", "", ""],
    ]

    result = run(csv_bytes(rows))

    found = {(error.row, error.column) for error in result.errors}
    assert {
        (3, "项目名称"),  # required, empty
        (3, "援疆省市"),  # 火星 is no supporter — reported although the row has unreadable cells
        (3, "总投资（万元）"),  # "abc" is not an amount
        (3, "计划开工"),  # month 13
        (3, "计划内"),  # neither 是 nor 否
        (4, "受援地"),  # 浙江省 is not paired with 莎车县
        (5, "总投资（万元）"),  # 100 ≠ 80 + 10
        (6, "受援地"),
        (6, "项目类别"),
        (7, "项目编号"),  # the same code as row 2
    } <= found
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert messages[(7, "项目编号")] == "与第 2 行重复：同一文件中编号须唯一。"
    assert messages[(6, "受援地")] == "找不到区划“不存在县”"
    assert "浙江省" in messages[(4, "受援地")] and "结对" in messages[(4, "受援地")]
    assert all(error.value is not None for error in result.errors)
    assert result.batch_id is None
    assert database_state() == before


def test_errors_in_english_when_the_language_is_english(world):
    from django.utils import translation

    rows = [HEADER, ["SH-2025-0009", "项目", "2025", "上海", "莎车县", "民生", "abc", "1", "", "", ""]]
    with translation.override("en"):
        result = run(csv_bytes(rows))

    message = next(error.message for error in result.errors if error.column == "总投资（万元）")
    assert "abc" in message and not any("\u4e00" <= char <= "\u9fff" for char in message.replace("abc", ""))


@pytest.mark.parametrize(
    "data,filename,message",
    [
        (b"", "empty.csv", "文件为空。"),
        (b"   \n\n", "blank.csv", "文件为空。"),
        (bytes(range(256)) * 64, "renamed.xlsx", "文件不是表格"),
        (b"PK\x03\x04" + b"\x00" * 200, "broken.xlsx", "无法读取工作簿"),
        ("标题\n甲,乙\n1,2\n".encode(), "unrelated.csv", "找不到表头"),
    ],
)
def test_unreadable_files_are_refused_with_their_reason(world, data, filename, message):
    before = database_state()

    result = run(data, filename)

    assert len(result.errors) == 1
    assert message in result.errors[0].message
    assert database_state() == before


def test_a_missing_required_column_is_named(world):
    kept = [index for index, head in enumerate(HEADER) if head != "受援地"]
    rows = [[HEADER[index] for index in kept], [GOOD_ROWS[0][index] for index in kept]]
    result = run(csv_bytes(rows))

    assert [(error.column, error.message) for error in result.errors] == [("受援地", "缺少必填列“受援地”。")]


def test_a_header_without_data_rows(world):
    result = run(csv_bytes([HEADER]))

    assert [error.message for error in result.errors] == ["表头下面没有数据行。"]


def test_blank_looking_cells_take_the_defaults(world):
    row = ["SH-2025-0010", "莎车县图书室", "2025", "上海", "莎车县", "民生", "100", "100", "—", "/", "无"]

    result = run(csv_bytes([HEADER, row]))

    assert result.errors == []
    project = Project.objects.get(code="SH-2025-0010")
    assert project.local_matching == 0 and project.planned_start is None and project.is_in_plan is True


# -- the command line --------------------------------------------------------------------------------------
def test_command_imports_and_exits_zero(world, tmp_path, capsys):
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_bytes([HEADER, *GOOD_ROWS], "gbk"))

    call_command("import", "projects", str(path), "--json")

    output = json.loads(capsys.readouterr().out)
    assert output["counts"] == {"new": 2, "changed": 0, "unchanged": 0}
    assert output["errors"] == [] and output["import_batch"] is not None


def test_command_exits_one_with_the_errors_as_json(world, tmp_path, capsys):
    path = tmp_path / "plan.csv"
    path.write_bytes(
        csv_bytes([HEADER, ["X-1", "项目", "2025", "上海", "莎车县", "民生", "abc", "1", "", "", ""]])
    )

    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "projects", str(path), "--json")

    assert exit_info.value.code == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert errors == [{"row": 2, "column": "总投资（万元）", "value": "abc", "message": "“abc”不是金额"}]
    assert not Project.objects.filter(code="X-1").exists()


def test_command_dry_run_writes_nothing(world, tmp_path, capsys):
    path = tmp_path / "plan.csv"
    path.write_bytes(csv_bytes([HEADER, *GOOD_ROWS]))

    call_command("import", "projects", str(path), "--dry-run")

    assert "试导入" in capsys.readouterr().out
    assert not Project.objects.filter(code__startswith="SH-2025").exists()


@pytest.mark.parametrize("arguments", [["nonsense", "plan.csv"], ["projects", "/no/such/file.csv"]])
def test_command_usage_errors_exit_two(world, arguments):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error_info:
        call_command("import", *arguments)

    assert error_info.value.returncode == 2
