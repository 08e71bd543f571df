"""Columns of the outcome measurements."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class MeasurementTable(Table):
    select_related = ("indicator", "project", "division", "supporter")
    default_ordering = ("-period_end", "-pk")  # outcomes_period_end_idx, read backwards
    columns = [
        Column("indicator", _("指标"), accessor="indicator.name", order_by=("indicator__code",), link=True),
        Column("value", _("数值"), kind=Column.NUMBER),
        Column("unit", _("单位"), accessor="indicator.unit", order_by=()),
        Column("period_start", _("期间起"), kind=Column.DATE),
        Column("period_end", _("期间止"), kind=Column.DATE),
        Column("supporter", _("支援方"), accessor="supporter.name", order_by=("supporter__name",)),
        Column("division", _("受援地"), accessor="division.name", order_by=("division__code",)),
        Column(
            "project_code",
            _("项目编号"),
            accessor="project.code",
            order_by=("project__code",),
            link=lambda row: row.project.get_absolute_url() if row.project_id else None,
        ),
        Column(
            "project",
            _("项目名称"),
            accessor="project.name",
            order_by=("project__name",),
            is_default=False,
            wrap=True,
        ),
    ]
