"""The import pages through HTTP, and the template: download, fill, check, confirm (issue 4, items 1–2)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duikou.core.imports.registry import importer_for
from duikou.core.imports.templates import write_workbook
from duikou.core.models import ImportBatch
from duikou.projects.models import Project
from duikou.testing import make_division, make_project, make_region, make_user

from .test_imports import GOOD_ROWS, HEADER, csv_bytes, world  # noqa: F401  (world: the fixture)

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("core:import", args=["projects"])


@pytest.fixture
def clerk(client, world):  # noqa: F811
    user = make_user("clerk", is_superuser=True)
    client.force_login(user)
    return client


def upload(client, data: bytes, name="计划.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def counts(response) -> dict[str, int]:
    return {
        key: int(value) for key, value in re.findall(r'data-count="(\w+)">(\d+)<', response.content.decode())
    }


def test_the_page_needs_login_and_the_write_permission(client, world):  # noqa: F811
    assert client.get(IMPORT_URL).status_code == 302
    client.force_login(make_user("reader"))
    assert client.get(IMPORT_URL).status_code == 403


def test_check_then_confirm(clerk):
    checked = upload(clerk, csv_bytes([HEADER, *GOOD_ROWS]))

    assert checked.status_code == 200
    assert counts(checked) == {"new": 2, "changed": 0, "unchanged": 0}
    assert not Project.objects.filter(code__startswith="SH-2025").exists()  # a check writes nothing
    file_hash = re.search(r'name="sha256" value="(\w+)"', checked.content.decode()).group(1)

    confirmed = clerk.post(IMPORT_URL, {"confirm": "1", "sha256": file_hash, "filename": "计划.csv"})

    assert confirmed.status_code == 302
    assert Project.objects.filter(code__startswith="SH-2025").count() == 2
    assert ImportBatch.objects.get().label == "计划.csv"
    # to what the import wrote: the batch's page lists the two new projects
    assert confirmed.url == reverse("core:import_batch", args=[ImportBatch.objects.get().pk])
    batch_page = clerk.get(confirmed.url).content.decode()
    assert "已导入“计划.csv”" in batch_page
    assert "SH-2025-0001" in batch_page and "SH-2025-0002" in batch_page
    # the staged file is gone: confirming twice imports nothing more
    again = clerk.post(IMPORT_URL, {"confirm": "1", "sha256": file_hash, "filename": "计划.csv"})
    assert again.status_code == 400
    assert ImportBatch.objects.count() == 1


def test_the_check_names_each_changed_field_by_its_label(clerk):
    """A clerk reads 援助资金（元）, not the attribute `aid_amount`, as the audit log names it."""
    importer_for("projects").run(csv_bytes([HEADER, *GOOD_ROWS]), "计划.csv")
    changed = [*GOOD_ROWS[0][:7], "900", "300", *GOOD_ROWS[0][9:]]

    response = upload(clerk, csv_bytes([HEADER, changed]))

    listed = re.search(r'data-role="import-changes".*?</table>', response.content.decode(), re.S).group(0)
    assert "援助资金（元）：8000000.00 → 9000000.00" in listed
    assert "地方配套（元）：4000000.00 → 3000000.00" in listed
    assert "aid_amount" not in listed


def test_a_file_with_errors_lists_them_all_and_offers_no_confirmation(clerk):
    rows = [HEADER, ["X-1", "", "2025", "火星", "莎车县", "民生", "abc", "1", "", "", ""]]

    response = upload(clerk, csv_bytes(rows))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-role="import-errors"' in html and 'data-action="confirm"' not in html
    assert "“abc”不是金额" in html and "必填项为空" in html and "火星" in html
    assert not Project.objects.filter(code="X-1").exists()
    # the marked copy downloads under the uploaded file's name
    link = re.search(r'href="([^"]+)" data-action="error-workbook"', html).group(1).replace("&amp;", "&")
    download = clerk.get(link)
    assert download.status_code == 200
    assert "filename*=utf-8''%E8%AE%A1%E5%88%92-" in download["Content-Disposition"]  # 计划-错误标注.xlsx


@pytest.mark.parametrize(
    "post,message",
    [
        ({}, "请选择要上传的文件"),
        ({"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4")}, "只接受 xlsx、xls、ods、csv 或 tsv 文件"),
        ({"confirm": "1", "sha256": "../../etc/passwd"}, "已过期或不存在"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(clerk, post, message):
    response = clerk.post(IMPORT_URL, post)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_oversized_file_is_refused(clerk, settings):
    settings.IMPORT_MAX_BYTES = 1024

    response = upload(clerk, b"x" * 2048)

    assert response.status_code == 400
    assert "文件太大" in response.content.decode()


def test_the_template_has_the_header_drop_downs_and_instructions(clerk):
    response = clerk.get(reverse("core:import_template", args=["projects"]))

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["数据", "选项", "填写说明"]
    header = [cell.value for cell in workbook["数据"][1]]
    assert header[:3] == ["项目编号", "项目名称", "计划年度"]
    assert "总投资（万元）" in header and "援助资金（万元）" in header
    validations = {
        str(v.sqref).split(":")[0]: v.formula1 for v in workbook["数据"].data_validations.dataValidation
    }
    category_column = openpyxl.utils.get_column_letter(header.index("项目类别") + 1)
    assert "选项" in validations[f"{category_column}2"]
    assert workbook["选项"].sheet_state == "hidden"
    assert workbook["填写说明"]["A2"].value == "项目编号"
    notes = {row[0]: row[3] for row in workbook["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert notes["计划内"] == "否：计划外资金（市县、企业、捐赠）"  # the model field's help text
    assert notes["计划完工"] == "只写年月时取当月最后一天。"
    assert notes["计划开工"] == "只写年月时取当月第一天。"


def test_the_division_list_offers_every_level_a_project_is_placed_at(clerk, world):  # noqa: F811
    """Counties, XPCC divisions and their 团场 (some are paired); townships are typed, not listed."""
    from duikou.geo.choices import DivisionLevel

    xpcc = make_division("660500", "第五师", level=DivisionLevel.XPCC_DIVISION, parent=make_region())
    regiment = make_division("660586", "八十六团", level=DivisionLevel.REGIMENT, parent=xpcc)
    township = make_division("653125100", "莎车镇", level=DivisionLevel.TOWNSHIP, parent=world["county"])

    workbook = openpyxl.load_workbook(io.BytesIO(write_workbook(importer_for("projects"))))

    listed = {cell for row in workbook["选项"].iter_rows(values_only=True) for cell in row if cell}
    assert {world["county"].full_name, xpcc.full_name, regiment.full_name} <= listed
    assert township.full_name not in listed


def test_a_filled_template_imports(clerk):
    template = write_workbook(importer_for("projects"))
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook["数据"]
    header = [cell.value for cell in sheet[1]]
    values = {
        "项目编号": "SH-2025-0100",
        "项目名称": "莎车县模板测试项目",
        "计划年度": 2025,
        "支援方": "上海市",
        "受援地": "喀什地区莎车县",
        "项目类别": "民生",
        "总投资（万元）": 150,
        "援助资金（万元）": 100,
        "地方配套（万元）": 50,
    }
    for column, name in enumerate(header, start=1):
        if name in values:
            sheet.cell(row=2, column=column, value=values[name])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = importer_for("projects").run(buffer.getvalue(), "模板.xlsx")

    assert result.errors == []
    project = Project.objects.get(code="SH-2025-0100")
    assert (project.total_investment, project.aid_amount) == (Decimal("1500000.00"), Decimal("1000000.00"))


def test_projects_exported_in_the_template_shape_import_back_unchanged(world):  # noqa: F811
    make_project(
        code="SH-RT-0001",
        aid_amount=Decimal("1234567.89"),
        local_matching=Decimal("0.01"),
        other_funding=Decimal("0.00"),
        total_investment=Decimal("1234567.90"),
    )
    make_project(code="SH-RT-0002", name="莎车县“双语”幼儿园 & 食堂 <二期>", planned_start=None)
    importer = importer_for("projects")

    data = write_workbook(importer, importer.template_rows(Project.objects.all()))
    result = importer_for("projects").run(data, "export.xlsx")

    assert result.errors == []
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 2}
    assert result.batch_id is None


def test_a_file_with_mistakes_comes_back_with_them_marked(clerk):
    rows = [HEADER, *GOOD_ROWS, ["X-1", "项目", "2025", "上海", "不存在县", "民生", "abc", "1", "", "", ""]]
    checked = upload(clerk, csv_bytes(rows))
    link = re.search(r'href="([^"]+)" data-action="error-workbook"', checked.content.decode()).group(1)
    link = link.replace("&amp;", "&")

    response = clerk.get(link)

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data, listing = workbook["数据"], workbook["错误清单"]
    division_cell = data.cell(row=4, column=HEADER.index("受援地") + 1)
    assert division_cell.value == "不存在县"
    assert division_cell.fill.fgColor.rgb.endswith("F8696B")
    assert "找不到区划“不存在县”" in division_cell.comment.text
    assert data.cell(row=2, column=1).comment is None  # good rows stay as they were
    assert [row[0] for row in listing.iter_rows(min_row=2, values_only=True)] == [4, 4]


def test_the_command_writes_the_marked_file(world, tmp_path):  # noqa: F811
    from django.core.management import call_command

    source, marked = tmp_path / "plan.csv", tmp_path / "plan-errors.xlsx"
    source.write_bytes(
        csv_bytes([HEADER, ["X-1", "项目", "2025", "上海", "莎车县", "民生", "abc", "1", "", "", ""]])
    )

    with pytest.raises(SystemExit):
        call_command("import", "projects", str(source), "--errors-xlsx", str(marked))

    cell = openpyxl.load_workbook(marked)["数据"].cell(row=2, column=HEADER.index("总投资（万元）") + 1)
    assert "不是金额" in cell.comment.text
