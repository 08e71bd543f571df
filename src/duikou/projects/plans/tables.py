"""Columns of the plans registry."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class AnnualPlanTable(Table):
    select_related = ("supporter", "programme")
    default_ordering = ("-year", "supporter__name", "pk")
    columns = [
        Column("year", _("计划年度"), link=True),
        Column("supporter", _("支援方"), accessor="supporter.name", order_by=("supporter__name",), link=True),
        Column("programme", _("援助计划"), accessor="programme.name", order_by=("programme__code",)),
        Column("state", _("状态")),
        Column("version", _("当前版本"), kind=Column.NUMBER),
        Column("issued_on", _("下达日期"), kind=Column.DATE),
        Column("document_reference", _("下达文号"), wrap=True),
        Column("last_updated", _("更新时间"), kind=Column.DATE, is_default=False),
    ]
