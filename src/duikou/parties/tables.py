"""Columns of the organizations registry."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class OrganizationTable(Table):
    select_related = ("parent", "home_division")
    default_ordering = ("kind", "name")
    columns = [
        Column("name", _("名称"), link=True, wrap=True),
        Column("short_name", _("简称")),
        Column("kind", _("类型")),
        Column("parent", _("上级单位"), accessor="parent.name", order_by=("parent__name",)),
        Column(
            "home_division", _("所在地"), accessor="home_division.name", order_by=("home_division__code",)
        ),
        Column("aliases", _("别名"), accessor="alias_text", order_by=(), is_default=False, wrap=True),
    ]
