"""Columns of the roster."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class AssignmentTable(Table):
    select_related = ("supporter", "host_division", "batch")
    default_ordering = ("-start_date", "person_name")
    columns = [
        Column("person_name", _("姓名"), link=True),
        Column("kind", _("人员类别")),
        Column("batch", _("批次"), accessor="batch.name", order_by=("batch__number",)),
        Column("supporter", _("支援方"), accessor="supporter.name", order_by=("supporter__name",)),
        Column(
            "host_division", _("受援地"), accessor="host_division.name", order_by=("host_division__code",)
        ),
        Column("host_unit", _("受援单位"), wrap=True),
        Column("post", _("挂职岗位"), is_default=False, wrap=True),
        Column("sending_organization", _("派出单位"), is_default=False, wrap=True),
        Column("start_date", _("进疆日期"), kind=Column.DATE),
        Column("planned_end", _("计划期满"), kind=Column.DATE),
        Column("actual_end", _("实际离疆"), kind=Column.DATE),
        Column("team", _("组团式团队"), is_default=False, wrap=True),
    ]
