"""Columns of the project registry (the export writes the same columns, money in yuan)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class ProjectTable(Table):
    select_related = ("supporter", "division", "category", "programme")
    default_ordering = ("-plan_year", "code", "pk")  # projects_list_order_idx
    columns = [
        Column("code", _("项目编号"), link=True),
        Column("name", _("项目名称"), link=True, wrap=True),
        Column("plan_year", _("计划年度")),
        Column("supporter", _("支援方"), accessor="supporter.name", order_by=("supporter__name",)),
        Column("division", _("受援地"), accessor="division.name", order_by=("division__code",)),
        Column("category", _("项目类别"), accessor="category.name", order_by=("category__order",)),
        Column("status", _("状态")),
        Column("aid_amount", _("援助资金"), kind=Column.MONEY),
        Column("total_investment", _("总投资"), kind=Column.MONEY),
        Column("implementation_level", _("实施层级"), is_default=False),
        Column("zone", _("片区"), accessor="division.zone", order_by=("division__zone",), is_default=False),
        Column("construction_type", _("新建/续建"), is_default=False),
        Column("delivery_mode", _("建设方式"), is_default=False),
        Column("is_in_plan", _("计划内"), kind=Column.BOOL, is_default=False),
        Column("is_employment_oriented", _("促进就业"), kind=Column.BOOL, is_default=False),
        Column("local_matching", _("地方配套"), kind=Column.MONEY, is_default=False),
        Column("other_funding", _("其他资金"), kind=Column.MONEY, is_default=False),
        Column("planned_start", _("计划开工"), kind=Column.DATE, is_default=False),
        Column("planned_end", _("计划完工"), kind=Column.DATE, is_default=False),
        Column("actual_start", _("实际开工"), kind=Column.DATE, is_default=False),
        Column("actual_end", _("实际完工"), kind=Column.DATE, is_default=False),
        Column("flagship", _("品牌工程"), is_default=False),
        Column("document_reference", _("批复文号"), is_default=False, wrap=True),
        Column(
            "programme",
            _("援助计划"),
            accessor="programme.name",
            order_by=("programme__code",),
            is_default=False,
        ),
        Column("last_updated", _("更新时间"), kind=Column.DATE, is_default=False),
    ]
