"""Columns of the pairings registry (each row opens the pairing's dashboard page)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class PairingTable(Table):
    select_related = ("supporter", "division", "programme")
    default_ordering = ("supporter__name", "division__code")
    columns = [
        Column("supporter", _("支援方"), accessor="supporter.name", order_by=("supporter__name",), link=True),
        Column("division", _("受援地"), accessor="division.name", order_by=("division__code",), link=True),
        Column("division_code", _("区划代码"), accessor="division.code", order_by=("division__code",)),
        Column("zone", _("片区"), accessor="division.zone", order_by=("division__zone",)),
        Column("since", _("起始日期"), kind=Column.DATE),
        Column("until", _("截止日期"), kind=Column.DATE),
        Column("is_confirmed", _("已核实"), kind=Column.BOOL),
        Column(
            "programme",
            _("援助计划"),
            accessor="programme.name",
            order_by=("programme__code",),
            is_default=False,
        ),
        Column("source", _("来源"), is_default=False, wrap=True),
    ]
