"""Columns of the ledger registry."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class LedgerEntryTable(Table):
    select_related = ("supporter", "division", "project")
    default_ordering = ("-value_date", "-pk")  # funds_value_date_idx, read backwards
    columns = [
        Column("value_date", _("发生日期"), kind=Column.DATE, link=True),
        Column("kind", _("类型")),
        Column("amount", _("金额"), kind=Column.MONEY),
        Column("fiscal_year", _("资金年度")),
        Column("supporter", _("支援方"), accessor="supporter.name", order_by=("supporter__name",)),
        Column("division", _("受援地"), accessor="division.name", order_by=("division__code",)),
        Column(
            "project_code",
            _("项目编号"),
            accessor="project.code",
            order_by=("project__code",),
            link=lambda entry: entry.project.get_absolute_url() if entry.project_id else None,
        ),
        Column(
            "project",
            _("项目名称"),
            accessor="project.name",
            order_by=("project__name",),
            is_default=False,
            wrap=True,
        ),
        Column("document_reference", _("凭证/文号"), wrap=True),
        Column("note", _("摘要"), is_default=False, wrap=True),
        Column("reverses", _("冲正对象"), accessor="reverses_id", is_default=False),
        Column("created", _("录入时间"), kind=Column.DATE, is_default=False),
    ]
