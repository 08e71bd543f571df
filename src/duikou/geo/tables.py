"""Columns of the divisions registry (each row opens the division's own dashboard page)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class DivisionTable(Table):
    select_related = ("parent",)
    default_ordering = ("code",)
    columns = [
        Column("code", _("区划代码"), link=True),
        Column("name", _("名称"), link=True),
        Column("level", _("级别")),
        Column("parent", _("上级"), accessor="parent.name", order_by=("parent__code",)),
        Column("zone", _("片区")),
        Column("is_xpcc", _("兵团"), kind=Column.BOOL),
        Column("short_name", _("简称"), is_default=False),
        Column("valid_from", _("启用日期"), kind=Column.DATE, is_default=False),
        Column("valid_to", _("停用日期"), kind=Column.DATE, is_default=False),
        Column("is_code_official", _("国标代码"), kind=Column.BOOL, is_default=False),
    ]
