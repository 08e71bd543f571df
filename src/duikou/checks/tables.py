"""Columns of the review queue."""

from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table


class DuplicatePairTable(Table):
    select_related = ("project_a", "project_b", "division", "decided_by")
    default_ordering = ("-score",)
    columns = [
        Column("score", _("相似度"), kind=Column.NUMBER, link=True),
        Column("kind", _("类型")),
        Column("project_a_code", _("项目甲"), accessor="project_a.code", order_by=("project_a__code",)),
        Column("project_a_name", _("项目甲名称"), accessor="project_a.name", order_by=(), wrap=True),
        Column("project_b_code", _("项目乙"), accessor="project_b.code", order_by=("project_b__code",)),
        Column("project_b_name", _("项目乙名称"), accessor="project_b.name", order_by=(), wrap=True),
        Column("division", _("受援地"), accessor="division.name", order_by=("division__code",)),
        Column("decision", _("审核结论")),
        Column("decided_by", _("审核人"), accessor="decided_by.username", order_by=(), is_default=False),
        Column("decided_at", _("审核时间"), kind=Column.DATE, is_default=False),
    ]
