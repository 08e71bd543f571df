"""The import engine's pieces: cells as clerks write them, headers as offices lay them out, encodings."""

import datetime
from decimal import Decimal

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st

from duikou.core.imports.header import ColumnSpec, header_key, locate_header
from duikou.core.imports.reading import UnreadableFile, decode, open_table, read_table
from duikou.core.imports.values import CellError, is_blank, parse_bool, parse_date, parse_int, parse_text


@pytest.mark.parametrize(
    "cell,expected",
    [
        (datetime.datetime(2024, 3, 5, 0, 0), datetime.date(2024, 3, 5)),
        (45356, datetime.date(2024, 3, 5)),  # Excel serial
        (45356.0, datetime.date(2024, 3, 5)),
        ("45356", datetime.date(2024, 3, 5)),  # a serial a CSV export wrote as text
        ("2024-03-05", datetime.date(2024, 3, 5)),
        ("2024/3/5", datetime.date(2024, 3, 5)),
        ("2024.03.05", datetime.date(2024, 3, 5)),
        ("2024年3月5日", datetime.date(2024, 3, 5)),
        ("２０２４年３月５号", datetime.date(2024, 3, 5)),
        ("20240305", datetime.date(2024, 3, 5)),
        (20240305, datetime.date(2024, 3, 5)),
        ("2024年3月", datetime.date(2024, 3, 1)),
        ("2024.03", datetime.date(2024, 3, 1)),
        ("2024-3", datetime.date(2024, 3, 1)),
    ],
)
def test_dates_in_every_spelling(cell, expected):
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("2024年2月", datetime.date(2024, 2, 29)),  # a leap year
        ("2025.02", datetime.date(2025, 2, 28)),
        ("2024-12", datetime.date(2024, 12, 31)),
        ("2024年3月5日", datetime.date(2024, 3, 5)),  # a day given is the day
        (45356, datetime.date(2024, 3, 5)),
    ],
)
def test_a_month_alone_ending_a_period_is_its_last_day(cell, expected):
    """计划完工 "2024年3月" is the end of March: a project of 2024年3月 to 2024年3月 lasts the month."""
    assert parse_date(cell, ends_period=True) == expected


@pytest.mark.parametrize("cell", ["2024-02-30", "2024.13", "明年", 12.5, "3/5/2024"])
def test_not_dates(cell):
    with pytest.raises(CellError):
        parse_date(cell)


@pytest.mark.parametrize("cell", [None, "", "  ", "—", "——", "-", "/", "／", "无", "N/A"])
def test_blank_looking_cells(cell):
    assert is_blank(cell)


@pytest.mark.parametrize("cell", ["0", 0, "否", "莎车"])
def test_cells_that_say_something(cell):
    assert not is_blank(cell)


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("no", False),
        (1, True),
        (0.0, False),
        ("√", True),
        (True, True),
    ],
)
def test_yes_and_no(cell, expected):
    assert parse_bool(cell) is expected


def test_a_bool_cell_that_is_neither():
    with pytest.raises(CellError, match=r"是.*否"):
        parse_bool("也许")


@pytest.mark.parametrize(
    "cell,expected", [(2025, 2025), (2025.0, 2025), ("２０２５", 2025), ("2025年", 2025)]
)
def test_integers(cell, expected):
    assert parse_int(cell) == expected


def test_text_is_normalised():
    assert parse_text("  莎車縣ＡＢＣ ") == "莎车县ABC"
    assert parse_text(2024.0) == "2024"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("援助资金（万元）", ("援助资金", "万元")),
        ("援助资金(万元)*", ("援助资金", "万元")),
        ("总投资（单位：亿元）", ("总投资", "亿元")),
        ("金额（万）", ("金额", "万元")),
        ("项目名称（必填）", ("项目名称", None)),
        (" Project Code ", ("projectcode", None)),
    ],
)
def test_header_names_and_units(text, expected):
    assert header_key(text) == expected


SPECS = [
    ColumnSpec("code", "项目编号", required=True),
    ColumnSpec("name", "项目名称", required=True),
    ColumnSpec("total", "总投资", kind="amount"),
    ColumnSpec("aid", "援助资金", kind="amount", aliases=("援疆资金",)),
]


def test_the_header_is_found_under_title_rows():
    rows = [
        ["2024年度计划表"],
        ["填报单位：某某", "", "单位：万元"],
        ["项目编号", "项目名称", "总投资"],
        ["A", "B", 1],
    ]

    header = locate_header(rows, SPECS)

    assert (header.row_index, header.columns, header.table_unit) == (
        2,
        {"code": 0, "name": 1, "total": 2},
        "万元",
    )


def test_a_two_row_header_takes_the_group_unit_from_the_merged_upper_row():
    rows = [
        ["项目编号", "项目名称", "资金（万元）", ""],
        ["", "", "总投资", "援疆资金"],
        ["A", "B", 10, 8],
    ]

    header = locate_header(rows, SPECS)

    assert header.row_index == 1
    assert header.columns == {"code": 0, "name": 1, "total": 2, "aid": 3}
    assert header.units == {"total": "万元", "aid": "万元"}
    assert header.titles["aid"] == "援疆资金"


def test_no_header_when_no_required_column_is_named():
    assert locate_header([["甲", "乙"], [1, 2]], SPECS) is None


@pytest.mark.parametrize(
    "data,encoding",
    [
        ("项目编号,名称\n".encode("utf-8-sig"), "utf-8-sig"),
        ("项目编号,名称\n".encode(), "utf-8"),
        ("项目编号,名称\n".encode("gbk"), "gb18030"),
        ("项目编号,名称\n".encode("utf-16"), "utf-16"),
    ],
)
def test_encodings_are_detected(data, encoding):
    text, found = decode(data)
    assert (text.strip(), found) == ("项目编号,名称", encoding)


def test_tab_separated_files_are_recognised():
    table = read_table("项目编号\t项目名称\nA\t莎车县, 一期\n".encode())

    assert table.format == "tsv"
    assert table.rows[1] == ["A", "莎车县, 一期"]


@pytest.mark.parametrize("data", [b"", b"\n \n", b"\x00\x01\x02" * 100])
def test_unreadable_files(data):
    with pytest.raises(UnreadableFile):
        read_table(data)


@pytest.mark.parametrize("given_as", ["bytes", "path"])
def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_it_is_read(settings, tmp_path, given_as):
    """A zip bomb: a few kilobytes that would unpack to a gigabyte (issue 5, item 7: uploads type-checked),
    uploaded (bytes) or staged for a background job or named on the command line (a path)."""
    import io
    import zipfile

    settings.IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (2 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 20_000

    if given_as == "path":
        (tmp_path / "bomb.xlsx").write_bytes(data)
    source = data if given_as == "bytes" else tmp_path / "bomb.xlsx"

    with pytest.raises(UnreadableFile, match="解压后有 2 MB，超过上限 1 MB"):
        open_table(source)


@pytest.mark.parametrize("given_as", ["bytes", "path"])
def test_a_damaged_workbook_is_refused_clearly(tmp_path, given_as):
    """A workbook cut short in transfer: its zip is unreadable, from bytes or from a path alike."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["项目编号", "项目名称"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()[:3000]
    (tmp_path / "cut.xlsx").write_bytes(data)
    source = data if given_as == "bytes" else tmp_path / "cut.xlsx"

    with pytest.raises(UnreadableFile, match="无法读取工作簿"):
        open_table(source)


@hypothesis.settings(max_examples=40, deadline=None)
@given(
    cells=st.dictionaries(
        st.tuples(st.integers(0, 12), st.integers(0, 6)),
        st.one_of(
            st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=5), st.integers()
        ),
        max_size=20,
    )
)
def test_a_workbook_is_read_row_by_row_as_calamine_reads_it_whole(cells):
    """`open_table` converts a sheet's rows one at a time (`_sheet_rows`), from A1 whatever cells are used
    first — as `to_python(skip_empty_area=False)` lists them at once. Sparse sheets: leading empty rows
    and columns, ragged rows, blank sheets."""
    import io

    import openpyxl
    from python_calamine import CalamineWorkbook

    workbook = openpyxl.Workbook()
    for (row, column), value in cells.items():
        workbook.active.cell(row + 1, column + 1, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    whole = (
        CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_index(0)
        .to_python(skip_empty_area=False)
    )

    assert list(open_table(data).rows()) == whole


@given(
    st.lists(
        st.one_of(
            st.decimals(allow_nan=True, allow_infinity=True),
            st.decimals(min_value=-(10**13), max_value=10**13, places=2),
            st.decimals(min_value=-(10**13), max_value=10**13, places=3),
        ),
        max_size=6,
    )
)
def test_a_column_that_fits_as_a_whole_fits_value_by_value(column):
    # the column-wide shortcut only ever settles what `_fits` would settle one value at a time
    from duikou.core.imports.rules import _all_fit, _fits

    bound = Decimal(10) ** 12  # an amount field: 14 digits, 2 places
    if _all_fit(column, bound, -2):
        assert all(_fits(value, bound, -2) for value in column)
    if column and all(_fits(value, bound, -2) and "E" not in str(value) for value in column):
        assert _all_fit(column, bound, -2)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("cell", ["交钥匙", "Turnkey", "turnkey", "Turnkey (supporter builds)"])
def test_a_choice_reads_the_same_whatever_language_the_importing_user_chose(language, cell):
    """A clerk with the English interface uploads the office's Chinese file (and the other way round): the
    choices read the same — a file must not pass or fail by the uploader's language."""
    from django.utils import translation

    from duikou.core.imports.values import choice_lookup, parse_choice
    from duikou.projects.choices import DeliveryMode

    with translation.override(language):
        lookup = choice_lookup(DeliveryMode.choices)
        assert parse_choice(cell, lookup, []) == DeliveryMode.TURNKEY
        with pytest.raises(CellError):
            parse_choice("交房", lookup, [])
