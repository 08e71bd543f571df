"""A clerk imports the annual plan in a real browser (issue 4, done-when): download the template, fill it
as Excel or WPS would, upload it, read every mistake at once in Chinese, fix them, check again, confirm,
and find the projects in the registry. Debian's Chromium through Playwright, screenshots in tmp_path.

Run alone: `.venv/bin/pytest src/duikou/dashboards/tests/test_browser_import.py -q`.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from duikou.browser import CHROMIUM

from .test_browser import Journey

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}", allow_module_level=True)

pytestmark = pytest.mark.browser

GOOD = {
    "项目编号": "XJ-2026-SH-8001",
    "项目名称": "莎车县浏览器导入测试托育中心",
    "计划年度": 2026,  # 2025's plans are issued in the data set: adding to one is an adjustment
    "支援方": "上海市",
    "受援地": "喀什地区莎车县",
    "项目类别": "保障和改善民生类",
    "总投资（万元）": 600,
    "援助资金（万元）": 500,
    "地方配套（万元）": 100,
}
SECOND = {**GOOD, "项目编号": "XJ-2026-SH-8002", "项目名称": "泽普县浏览器导入测试卫生室", "受援地": "泽普县"}


def fill(template: bytes, rows: list[dict]) -> bytes:
    """Write rows into the template's 数据 sheet under its header, as a clerk does in Excel."""
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook["数据"]
    header = [cell.value for cell in sheet[1]]
    for row_number, values in enumerate(rows, start=2):
        for column, name in enumerate(header, start=1):
            if name in values:
                sheet.cell(row=row_number, column=column, value=values[name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_download_the_template_fill_it_see_every_mistake_fix_them_and_import(
    page, page_problems, live_server, browser_world, tmp_path
):
    journey = Journey(page, live_server.url, tmp_path)
    world = browser_world

    with journey.step("login"):
        journey.log_in(world)

    with journey.step("import-page"):
        page.goto(journey.url("/projects/"))
        page.click("[data-action=import]")
        page.wait_for_url(re.compile(r"/imports/projects/$"))
        with page.expect_download() as download_info:
            page.click("[data-action=template]")
        template = download_info.value.path().read_bytes()

    with journey.step("mistakes"):
        wrong = [
            {**GOOD, "总投资（万元）": 700},  # 500 + 100 ≠ 700
            {**SECOND, "受援地": "不存在县", "援助资金（万元）": "五百万元整"},
        ]
        path = tmp_path / "计划-有错.xlsx"
        path.write_bytes(fill(template, wrong))
        page.set_input_files("#id_file", str(path))
        page.click("[data-action=check]")
        errors = page.locator("[data-role=import-errors] tbody tr")
        errors.first.wait_for()
        texts = errors.all_inner_texts()
        assert len(texts) >= 3, texts
        assert any(text.startswith("2") and "总投资" in text for text in texts), texts
        assert any(text.startswith("3") and "找不到区划“不存在县”" in text for text in texts), texts
        assert any(text.startswith("3") and "五百万元整" in text for text in texts), texts
        assert page.locator("[data-action=confirm]").count() == 0
        assert "未导入任何数据" in page.locator("[data-role=error-summary]").inner_text()

    with journey.step("fixed-and-checked"):
        path = tmp_path / "计划.xlsx"
        path.write_bytes(fill(template, [GOOD, SECOND]))
        page.set_input_files("#id_file", str(path))
        page.click("[data-action=check]")
        page.locator("[data-count=new]").wait_for()
        assert page.locator("[data-count=new]").inner_text() == "2"
        assert page.locator("[data-role=import-errors]").count() == 0

    with journey.step("confirmed"):
        page.click("[data-action=confirm]")
        page.wait_for_url(re.compile(r"/imports/history/\d+/$"))  # the batch: what the import wrote
        assert "新增 2" in page.locator("[data-role=messages]").inner_text()
        assert "新增 2，修改 0，未变 0" in page.locator("[data-role=batch-summary]").inner_text()
        changes = page.locator("[data-role=results-table] tbody tr").all_inner_texts()
        assert len(changes) == 2 and any(GOOD["项目名称"] in change for change in changes), changes

    with journey.step("in-the-registry"):
        page.goto(journey.url("/projects/?q=浏览器导入测试"))
        names = page.locator("[data-role=results-table] tbody tr[data-pk]").all_inner_texts()
        assert len(names) == 2 and any(GOOD["项目名称"] in name for name in names), names

    with journey.step("same-file-again"):
        page.goto(journey.url("/imports/projects/"))
        page.set_input_files("#id_file", str(path))
        page.click("[data-action=check]")
        page.locator("[data-count=unchanged]").wait_for()
        assert page.locator("[data-count=unchanged]").inner_text() == "2"
        assert page.locator("[data-action=confirm]").count() == 0

    assert not page_problems.errors, "problems on the pages:\n" + "\n".join(page_problems.errors)
