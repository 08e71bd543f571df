"""The blank template of an import, and data written in the same shape (so it can be imported back).

A template is what a clerk fills in WPS or Excel: a 数据 sheet whose header is exactly what the importer
reads (amounts in 万元, the unit in the header), drop-down lists for categories, statuses, divisions and
the other closed vocabularies (kept on a hidden 选项 sheet: Excel caps an inline list at 255
characters), and a 填写说明 sheet saying, column by column, what to write.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import xlsxwriter
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..money import WAN
from .header import ColumnSpec

TEMPLATE_UNIT = "万元"
DATA_ROWS_WITH_VALIDATION = 5000

KIND_HELP = {
    "text": gettext_lazy("文字"),
    "int": gettext_lazy("整数，如 2025"),
    "amount": gettext_lazy("金额（万元），可写 1,200 或 1.2亿、3000万元"),
    "date": gettext_lazy("日期，如 2025-03-01、2025年3月1日或 2025年3月"),
    "bool": gettext_lazy("是 / 否"),
    "choice": gettext_lazy("从下拉列表中选择"),
    "division": gettext_lazy("区划代码或名称，如 653125 或 莎车县"),
    "organization": gettext_lazy("名称或简称，如 上海 或 上海市；前方指挥部亦可"),
    "category": gettext_lazy("从下拉列表中选择"),
    "programme": gettext_lazy("可不填（默认援疆）"),
}


def column_header(spec: ColumnSpec) -> str:
    return f"{spec.label}（{TEMPLATE_UNIT}）" if spec.kind == "amount" else str(spec.label)


def column_note(model, spec: ColumnSpec) -> str:
    """The 说明 of a column in the 填写说明 sheet: the spec's own note, else the model field's help text
    (计划内: "否：计划外资金（市县、企业、捐赠）"), and what a month alone means in a date column."""
    notes = [str(spec.help_text)] if spec.help_text else []
    if not notes:
        try:
            field = model._meta.get_field(spec.name)
        except (AttributeError, FieldDoesNotExist):
            field = None
        if getattr(field, "help_text", ""):
            notes.append(str(field.help_text))
    if spec.kind == "date":
        month_alone = _("只写年月时取当月最后一天。") if spec.ends_period else _("只写年月时取当月第一天。")
        notes.append(str(month_alone))
    return " ".join(notes)


def write_workbook(importer, rows: list[list] | None = None) -> bytes:
    """The template of `importer` (its `columns`, its `template_choices()`), with `rows` if given."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header_format = workbook.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    required_format = workbook.add_format(
        {"bold": True, "bg_color": "#F8CBAD", "border": 1, "text_wrap": True}
    )
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    data = workbook.add_worksheet(_("数据"))
    options = workbook.add_worksheet(_("选项"))
    guide = workbook.add_worksheet(_("填写说明"))
    columns = importer.columns

    for index, spec in enumerate(columns):
        data.write_string(0, index, column_header(spec), required_format if spec.required else header_format)
        data.set_column(index, index, 30 if spec.kind in ("text", "division") and spec.name != "code" else 16)
        choices = importer.template_choices(spec)
        if choices:
            options.write_string(0, index, column_header(spec))
            for row, choice in enumerate(choices, start=1):
                options.write_string(row, index, str(choice))
            letter = xlsxwriter.utility.xl_col_to_name(index)
            data.data_validation(
                1,
                index,
                DATA_ROWS_WITH_VALIDATION,
                index,
                {
                    "validate": "list",
                    "source": f"='{options.get_name()}'!${letter}$2:${letter}${len(choices) + 1}",
                    "error_type": "warning" if spec.kind in ("division", "organization") else "stop",
                    "error_message": _("请从下拉列表中选择。"),
                },
            )
        elif spec.kind == "bool":
            data.data_validation(
                1, index, DATA_ROWS_WITH_VALIDATION, index, {"validate": "list", "source": ["是", "否"]}
            )
    data.freeze_panes(1, 0)
    options.hide()

    for row_number, row in enumerate(rows or [], start=1):
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.date):
                data.write_datetime(
                    row_number, index, datetime.datetime.combine(value, datetime.time()), date_format
                )
            elif isinstance(value, bool):
                data.write_string(row_number, index, "是" if value else "否")
            elif isinstance(value, (int, float, Decimal)):
                # A double holds 万元 with six decimals (fen) exactly for any amount the models allow.
                data.write_number(row_number, index, float(value))
            else:
                data.write_string(row_number, index, str(value))

    guide.set_column(0, 0, 24)
    guide.set_column(1, 3, 48)
    for index, title in enumerate([_("列"), _("必填"), _("怎么写"), _("说明")]):
        guide.write_string(0, index, title, header_format)
    for row, spec in enumerate(columns, start=1):
        guide.write_string(row, 0, column_header(spec))
        guide.write_string(row, 1, _("是") if spec.required else _("否"))
        guide.write_string(row, 2, str(KIND_HELP.get(spec.kind, "")))
        guide.write_string(row, 3, column_note(importer.model, spec))
    notes = [
        _("表头上方可以有标题行；表头须与本模板一致（也认常用别名和英文列名）。"),
        _("金额单位为万元；单元格里写明单位（如“1.2亿”“3000万元”“120000元”）时以单元格为准。"),
        _("同一文件中编号不能重复；编号已存在的行将更新该记录，内容相同的行不做改动。"),
        _("文件有任何错误时不会导入任何数据；系统会列出全部错误（行号、列名、填写的值和原因）。"),
    ]
    for offset, note in enumerate(notes, start=len(columns) + 3):
        guide.write_string(offset, 0, str(note))
    workbook.close()
    return buffer.getvalue()


def amount_in_template_unit(value: Decimal) -> Decimal:
    """Yuan as the template writes it: 万元, exactly (fen become the 6th decimal)."""
    return Decimal(format((value / WAN).normalize(), "f"))  # 410, not 4.1E+2
