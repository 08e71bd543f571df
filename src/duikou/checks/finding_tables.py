"""Columns of the findings registry."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class FindingTable(Table):
    select_related = ("rule", "supporter", "division", "project")
    default_ordering = ("-year", "rule__code", "key")
    columns = [
        Column("subject_label", _("对象"), link=True, wrap=True),
        Column("rule", _("规则"), accessor="rule.name", order_by=("rule__code",), wrap=True),
        Column("severity", _("严重程度")),
        Column("status", _("状态")),
        Column("year", _("年度"), kind=Column.NUMBER),
        Column("value", _("实际值"), kind=Column.NUMBER),
        Column("threshold", _("阈值"), kind=Column.NUMBER),
        Column("message", _("说明"), wrap=True),
        Column("supporter", _("支援方"), accessor="supporter.name", order_by=("supporter__name",)),
        Column("division", _("受援地"), accessor="division.name", order_by=("division__code",)),
        Column("holds", _("仍成立"), kind=Column.BOOL, is_default=False),
        Column("period", _("期间"), is_default=False),
        Column("first_found", _("首次发现"), kind=Column.DATE, is_default=False),
        Column(
            "rows", _("明细"), accessor="rows_link_label", order_by=(), link=lambda row: row.rows_url or None
        ),
    ]
