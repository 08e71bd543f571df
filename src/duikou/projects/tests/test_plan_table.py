"""The statutory annual plan table, 年度项目计划表 (issue 4, item 4): layout, figures, page and command."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from duikou.programmes.models import Category
from duikou.projects.choices import ConstructionType
from duikou.projects.models import Project
from duikou.projects.plan_table import build_plan_table, write_plan_table
from duikou.testing import make_programme, make_project, make_supporter, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_world():
    """上海市's three projects of 2024 in two categories (the second category created first), one of 2023 and
    one of 浙江省 that the filters leave out."""
    industry = Category.objects.create(
        programme=make_programme(), code="industry", name="产业支援（促进就业）类", short_name="产业", order=2
    )
    livelihood = Category.objects.create(
        programme=make_programme(),
        code="minsheng",
        name="保障和改善民生类",
        short_name="民生",
        order=1,
        counts_as_livelihood=True,
    )
    make_project(
        code="SH-2024-0003",
        name="莎车县工业园区标准厂房",
        category=industry,
        total_investment=Decimal("3000000.00"),
        aid_amount=Decimal("1000000.00"),
        local_matching=Decimal("1500000.00"),
        other_funding=Decimal("500000.00"),
    )
    make_project(
        code="SH-2024-0002",
        name="莎车县人民医院门诊楼",
        category=livelihood,
        description="门诊楼1.2万平方米",
        planned_start=datetime.date(2024, 3, 1),
        planned_end=datetime.date(2025, 10, 31),
        construction_type=ConstructionType.CONTINUING,
        comments="跨年度",
    )
    make_project(
        code="SH-2024-0001",
        name="莎车县安居富民工程",
        category=livelihood,
        total_investment=Decimal("2500000.50"),
        aid_amount=Decimal("2000000.50"),
        local_matching=Decimal("0.00"),
        other_funding=Decimal("500000.00"),
    )
    make_project(code="SH-2023-0001", plan_year=2023, category=livelihood)
    make_project(code="ZJ-2024-0001", supporter=make_supporter("浙江省"), category=livelihood)


def workbook_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def plan_sheet(supporter=None, year=2024):
    supporter = supporter or make_supporter()
    queryset = Project.objects.filter(plan_year=year, supporter=supporter)
    buffer = io.BytesIO()
    write_plan_table(build_plan_table(queryset, year=year, supporter=supporter), buffer)
    return workbook_of(buffer.getvalue())


def values(sheet, row: int) -> list:
    return [cell.value for cell in sheet[row]]


def test_title_unit_line_and_the_two_row_header(plan_world):
    sheet = plan_sheet()

    assert sheet.title == "年度项目计划表"
    assert sheet["A1"].value == "2024年度上海市对口援疆项目计划表"
    assert sheet["A2"].value == "填报单位：上海市"
    assert sheet["L2"].value == "单位：万元"
    assert values(sheet, 3) == [
        "序号",
        "项目编号",
        "项目名称",
        "建设地点（受援县市）",
        "建设性质",
        "建设内容及规模",
        "建设起止年限",
        "总投资",
        None,
        None,
        None,
        "项目类别",
        "实施层级",
        "备注",
    ]
    assert values(sheet, 4)[7:11] == ["合计", "援疆资金", "地方配套", "其他资金"]
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert {"A1:N1", "A2:F2", "L2:N2", "H3:K3"} <= merged
    assert {f"{column}3:{column}4" for column in "ABCDEFGLMN"} <= merged
    assert "H3:H4" not in merged


def test_sections_by_category_order_with_subtotals_and_the_total_first(plan_world):
    sheet = plan_sheet()

    assert values(sheet, 5)[:2] == [None, "合计（3个项目）"]
    assert values(sheet, 5)[7:11] == [650.00005, 380.00005, 170, 100]
    assert values(sheet, 6)[:2] == ["一、", "保障和改善民生类（2个项目）"]
    assert values(sheet, 6)[7:11] == [350.00005, 280.00005, 20, 50]
    assert values(sheet, 7) == [
        1,
        "SH-2024-0001",
        "莎车县安居富民工程",
        "莎车县",
        "新建",
        None,
        "2024",
        250.00005,
        200.00005,
        0,
        50,
        "保障和改善民生类",
        "县",
        None,
    ]
    assert values(sheet, 8) == [
        2,
        "SH-2024-0002",
        "莎车县人民医院门诊楼",
        "莎车县",
        "续建",
        "门诊楼1.2万平方米",
        "2024—2025",
        100,
        80,
        20,
        0,
        "保障和改善民生类",
        "县",
        "跨年度",
    ]
    assert values(sheet, 9)[:2] == ["二、", "产业支援（促进就业）类（1个项目）"]
    assert values(sheet, 9)[7:11] == [300, 100, 150, 50]
    assert values(sheet, 10)[:3] == [1, "SH-2024-0003", "莎车县工业园区标准厂房"]
    assert sheet.max_row == 10
    assert "B5:G5" in {str(cell_range) for cell_range in sheet.merged_cells.ranges}


def test_amounts_show_two_decimals_and_the_sheet_prints_landscape_fit_to_width(plan_world):
    sheet = plan_sheet()

    assert sheet["H5"].number_format == "#,##0.00"
    assert sheet["I7"].number_format == "#,##0.00"
    assert sheet["A7"].border.left.style == "thin"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)  # absent: 1 page wide
    assert sheet.print_title_rows == "$3:$4"
    assert sheet.freeze_panes == "A5"


def test_all_supporters_leave_the_name_out_and_an_empty_year_is_a_zero_total():
    make_programme()  # no project to name it: the title takes the programme's short name

    sheet = plan_sheet(year=2030)

    assert sheet["A1"].value == "2030年度上海市对口援疆项目计划表"
    assert values(sheet, 5)[1:2] + values(sheet, 5)[7:11] == ["合计（0个项目）", 0, 0, 0, 0]

    buffer = io.BytesIO()
    write_plan_table(build_plan_table(Project.objects.none(), year=2030), buffer)
    assert workbook_of(buffer.getvalue())["A1"].value == "2030年度对口援疆项目计划表"


# -- the page -----------------------------------------------------------------------------------------------
def test_the_plan_table_needs_login(client):
    url = reverse("projects:plan_table")

    response = client.get(url, {"plan_year": 2024})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_without_a_plan_year_the_list_says_why(client, plan_world):
    client.force_login(make_user())

    response = client.get(reverse("projects:plan_table"), {"supporter": make_supporter().pk}, follow=True)

    assert (
        response.redirect_chain[0][0] == f"{reverse('projects:project_list')}?supporter={make_supporter().pk}"
    )
    assert "请先在筛选中选择计划年度：年度计划表按一个计划年度编制。" in response.content.decode()


def test_the_download_follows_the_list_filters(client, plan_world):
    client.force_login(make_user())

    response = client.get(
        reverse("projects:plan_table"), {"plan_year": 2024, "supporter": make_supporter().pk}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = workbook_of(b"".join(response.streaming_content))
    assert sheet["A1"].value == "2024年度上海市对口援疆项目计划表"
    assert values(sheet, 5)[1] == "合计（3个项目）"


def test_the_list_offers_the_plan_table_of_its_filters(client, plan_world):
    client.force_login(make_user())

    response = client.get(reverse("projects:project_list"), {"plan_year": 2024, "page": 2})

    content = response.content.decode()
    assert f'href="{reverse("projects:plan_table")}?plan_year=2024"' in content
    assert "导出年度计划表" in content


# -- the command --------------------------------------------------------------------------------------------
def test_the_command_writes_the_plan_table_with_a_supporter_by_name(plan_world, tmp_path):
    path = tmp_path / "plan.xlsx"

    call_command("export", "plan-table", "-o", str(path), "plan_year=2024", "supporter=上海市")

    sheet = workbook_of(path.read_bytes())
    assert sheet["A1"].value == "2024年度上海市对口援疆项目计划表"
    assert values(sheet, 5)[7:11] == [650.00005, 380.00005, 170, 100]


@pytest.mark.parametrize(
    "arguments,message",
    [
        (["supporter=上海市"], "计划年度"),
        (["plan_year=2024", "--format", "csv"], "只有 XLSX"),
    ],
)
def test_the_command_refuses_without_a_year_or_as_csv(plan_world, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message) as error_info:
        call_command("export", "plan-table", "-o", str(tmp_path / "plan.xlsx"), *arguments)

    assert error_info.value.returncode == 2
    assert not (tmp_path / "plan.xlsx").exists()
