"""The statutory annual plan table (年度项目计划表): one plan year's projects in the layout plan offices use.

A title row merged across the table ("2024年度浙江省对口援疆项目计划表"); a line with 填报单位 on the left
and 单位：万元 on the right; a two-row header (总投资 over 合计 / 援疆资金 / 地方配套 / 其他资金, the
other headings merged over both rows); a 合计 row; then the projects grouped by category under Chinese
section numbers (一、二、…), each section with its subtotal, the projects numbered 1, 2, … within it.
Amounts are in 万元 with two decimals (the exact value is kept: a subtotal is the sum of the yuan, not of
rounded cells). The sheet prints on landscape A4, fit to the page width, with the header rows repeated on
every page and page numbers.

Written with XlsxWriter (a few thousand rows a year at most; merges and print setup are what matter here, not
speed — docs/decisions/0005-xlsx-writer.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import cn2an
import xlsxwriter
from django.utils.translation import gettext as _

from duikou.core.money import WAN
from duikou.programmes.models import Programme

from .models import Project

AMOUNT_FIELDS = ("total_investment", "aid_amount", "local_matching", "other_funding")
ZERO = Decimal("0.00")
WAN_FORMAT = "#,##0.00"

# (heading, width) of each column; the four amount columns sit under one 总投资 heading.
COLUMNS = [
    ("number", 6),
    ("code", 15),
    ("name", 28),
    ("place", 12),
    ("construction_type", 8),
    ("content", 34),
    ("period", 11),
    ("total_investment", 12),
    ("aid_amount", 12),
    ("local_matching", 11),
    ("other_funding", 11),
    ("category", 14),
    ("level", 8),
    ("comments", 16),
]
FIRST_AMOUNT = 7  # index of 合计 under 总投资
LAST_COLUMN = len(COLUMNS) - 1
HEADER_ROWS = (2, 3)  # 0-based rows of the two-row header
FIRST_DATA_ROW = 4


def _zero_totals() -> dict[str, Decimal]:
    return dict.fromkeys(AMOUNT_FIELDS, ZERO)


@dataclass
class PlanSection:
    """One category's projects and their subtotal."""

    title: str
    projects: list[Project] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=_zero_totals)

    def add(self, project: Project) -> None:
        self.projects.append(project)
        for name in AMOUNT_FIELDS:
            self.totals[name] += getattr(project, name)


@dataclass
class PlanTable:
    """What the workbook shows, computed before anything is written (the 合计 row comes first)."""

    year: int
    supporter_name: str
    programme_name: str
    sections: list[PlanSection]

    @property
    def title(self) -> str:
        return _("{year}年度{supporter}对口{programme}项目计划表").format(
            year=self.year, supporter=self.supporter_name, programme=self.programme_name
        )

    @property
    def project_count(self) -> int:
        return sum(len(section.projects) for section in self.sections)

    @property
    def totals(self) -> dict[str, Decimal]:
        return {name: sum((s.totals[name] for s in self.sections), ZERO) for name in AMOUNT_FIELDS}


def build_plan_table(queryset, *, year: int, supporter=None) -> PlanTable:
    """Group the plan year's projects of `queryset` (already filtered) by category, in the category order.

    Args:
        queryset: projects, e.g. the project FilterSet's `qs` for `plan_year` (and `supporter`).
        year: the plan year in the title.
        supporter: the Organization the table is for (its name in the title and as 填报单位), or None for
            all supporters.
    """
    projects = queryset.select_related("programme", "division", "category").order_by(
        "category__order", "category__code", "code", "pk"
    )
    sections: dict[int, PlanSection] = {}
    programme_name = ""
    for project in projects:
        programme_name = programme_name or project.programme.short_name
        section = sections.get(project.category_id)
        if section is None:
            section = sections[project.category_id] = PlanSection(title=project.category.name)
        section.add(project)
    return PlanTable(
        year=year,
        supporter_name=supporter.name if supporter is not None else "",
        # No project: the programme's name still titles the (empty) table.
        programme_name=programme_name or _default_programme_name(),
        sections=list(sections.values()),
    )


def _default_programme_name() -> str:
    programme = Programme.objects.order_by("code").first()
    return programme.short_name if programme else ""


def in_wan(amount: Decimal) -> float:
    """Yuan as 万元 for a cell; a double holds it exactly to the fen for every amount the models allow."""
    return float(amount / WAN)


def construction_period(project: Project) -> str:
    """建设起止年限 as plan tables write it: "2024—2025", or one year."""
    start = project.planned_start.year if project.planned_start else project.plan_year
    end = project.planned_end.year if project.planned_end else start
    return str(start) if start == end else f"{start}—{end}"


def write_plan_table(plan: PlanTable, target) -> None:
    """Write `plan` as a workbook into `target` (a path or a binary file)."""
    workbook = xlsxwriter.Workbook(target, {"in_memory": True})
    sheet = workbook.add_worksheet(_("年度项目计划表"))
    formats = _formats(workbook)
    for index, (_name, width) in enumerate(COLUMNS):
        sheet.set_column(index, index, width)

    sheet.merge_range(0, 0, 0, LAST_COLUMN, plan.title, formats["title"])
    sheet.set_row(0, 30)
    sheet.merge_range(
        1, 0, 1, 5, _("填报单位：{unit}").format(unit=plan.supporter_name), formats["unit_left"]
    )
    sheet.merge_range(1, LAST_COLUMN - 2, 1, LAST_COLUMN, _("单位：万元"), formats["unit_right"])
    _write_header(sheet, formats, plan.programme_name)

    row = FIRST_DATA_ROW
    total_label = _("合计（{count}个项目）").format(count=plan.project_count)
    _write_sum_row(sheet, formats, row, "", total_label, plan.totals, formats["total"], formats["total_wan"])
    for section_number, section in enumerate(plan.sections, start=1):
        row += 1
        label = _("{title}（{count}个项目）").format(title=section.title, count=len(section.projects))
        _write_sum_row(
            sheet,
            formats,
            row,
            cn2an.an2cn(section_number) + "、",
            label,
            section.totals,
            formats["section"],
            formats["section_wan"],
        )
        for number, project in enumerate(section.projects, start=1):
            row += 1
            _write_project(sheet, formats, row, number, project)

    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    sheet.repeat_rows(*HEADER_ROWS)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C" + _("第 &P 页，共 &N 页"))
    workbook.close()


def _formats(workbook) -> dict:
    def add(**properties):
        return workbook.add_format({"font_size": 10, "valign": "vcenter", **properties})

    bordered = {"border": 1}
    return {
        "title": add(bold=True, font_size=16, align="center"),
        "unit_left": add(align="left"),
        "unit_right": add(align="right"),
        "header": add(bold=True, align="center", text_wrap=True, bg_color="#D9E1F2", **bordered),
        "text": add(text_wrap=True, **bordered),
        "center": add(align="center", text_wrap=True, **bordered),
        "wan": add(num_format=WAN_FORMAT, **bordered),
        "total": add(bold=True, align="center", bg_color="#F2F2F2", **bordered),
        "total_wan": add(bold=True, num_format=WAN_FORMAT, bg_color="#F2F2F2", **bordered),
        "section": add(bold=True, **bordered),
        "section_wan": add(bold=True, num_format=WAN_FORMAT, **bordered),
    }


def header_labels(programme_name: str) -> dict[str, str]:
    """The headings, by column name; the four amount columns under 总投资."""
    return {
        "number": _("序号"),
        "code": _("项目编号"),
        "name": _("项目名称"),
        "place": _("建设地点（受援县市）"),
        "construction_type": _("建设性质"),
        "content": _("建设内容及规模"),
        "period": _("建设起止年限"),
        "total_investment": _("合计"),
        "aid_amount": _("{programme}资金").format(programme=programme_name),
        "local_matching": _("地方配套"),
        "other_funding": _("其他资金"),
        "category": _("项目类别"),
        "level": _("实施层级"),
        "comments": _("备注"),
    }


def _write_header(sheet, formats, programme_name: str) -> None:
    top, bottom = HEADER_ROWS
    labels = header_labels(programme_name)
    for index, (name, _width) in enumerate(COLUMNS):
        if name in AMOUNT_FIELDS:
            sheet.write_string(bottom, index, labels[name], formats["header"])
        else:
            sheet.merge_range(top, index, bottom, index, labels[name], formats["header"])
    sheet.merge_range(top, FIRST_AMOUNT, top, FIRST_AMOUNT + 3, _("总投资"), formats["header"])
    sheet.set_row(bottom, 30)


def _write_sum_row(sheet, formats, row, number, label, totals, text_format, wan_format) -> None:
    """The 合计 row or a section's row: its label over 项目编号…建设起止年限, the sums, blank cells after."""
    if number:
        sheet.write_string(row, 0, number, text_format)
    else:
        sheet.write_blank(row, 0, None, text_format)
    sheet.merge_range(row, 1, row, FIRST_AMOUNT - 1, label, text_format)
    for offset, name in enumerate(AMOUNT_FIELDS):
        sheet.write_number(row, FIRST_AMOUNT + offset, in_wan(totals[name]), wan_format)
    for index in range(FIRST_AMOUNT + len(AMOUNT_FIELDS), LAST_COLUMN + 1):
        sheet.write_blank(row, index, None, text_format)


def _write_project(sheet, formats, row: int, number: int, project: Project) -> None:
    cells = [
        (number, "center"),
        (project.code, "text"),
        (project.name, "text"),
        (project.division.name, "center"),
        (project.get_construction_type_display(), "center"),
        (project.description, "text"),
        (construction_period(project), "center"),
        *[(in_wan(getattr(project, name)), "wan") for name in AMOUNT_FIELDS],
        (project.category.name, "center"),
        (project.get_implementation_level_display(), "center"),
        (project.comments, "text"),
    ]
    for index, (value, style) in enumerate(cells):
        if isinstance(value, (int, float)):
            sheet.write_number(row, index, value, formats[style])
        elif value:
            sheet.write_string(row, index, str(value), formats[style])
        else:
            sheet.write_blank(row, index, None, formats[style])
