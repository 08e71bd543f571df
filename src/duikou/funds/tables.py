"""Columns of the ledger registry."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.tables import Column, Table

from .choices import ReconciliationStatus


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


class StatusColumn(Column):
    """The reconciliation status annotated by `reconciliation.arrivals()`, shown by its label."""

    def value(self, row):
        status = getattr(row, "status", None)
        return ReconciliationStatus(status).label if status else None


class ArrivalTable(Table):
    """Arrival entries (到位) with the recipient's answer: the reconciliation's per-entry view."""

    select_related = ("supporter", "division", "project", "confirmation", "confirmation__decided_by")
    default_ordering = ("-value_date", "-pk")
    columns = [
        Column("value_date", _("发生日期"), kind=Column.DATE, link=True),
        Column("supporter", _("支援方"), accessor="supporter.name", order_by=("supporter__name",)),
        Column("division", _("受援地"), accessor="division.name", order_by=("division__code",)),
        Column(
            "project_code",
            _("项目编号"),
            accessor="project.code",
            order_by=("project__code",),
            link=lambda entry: entry.project.get_absolute_url() if entry.project_id else None,
        ),
        Column("amount", _("登记到位"), kind=Column.MONEY),
        StatusColumn("status", _("确认状态"), order_by=("status",)),
        Column(
            "amount_received",
            _("受援方实收"),
            accessor="confirmation.amount_received",
            kind=Column.MONEY,
            order_by=("confirmation__amount_received",),
        ),
        Column("reason", _("确认说明"), accessor="confirmation.reason", order_by=(), wrap=True),
        Column(
            "decided_by",
            _("确认人"),
            accessor="confirmation.decided_by.username",
            order_by=("confirmation__decided_by__username",),
            is_default=False,
        ),
        Column(
            "decided_at",
            _("确认时间"),
            accessor="confirmation.decided_at",
            kind=Column.DATE,
            order_by=("confirmation__decided_at",),
        ),
        Column("fiscal_year", _("资金年度"), is_default=False),
        Column("document_reference", _("凭证/文号"), wrap=True),
        Column("note", _("摘要"), is_default=False, wrap=True),
    ]


class ReopenColumn(Column):
    """A link to reopen an active lock; nothing in exports."""

    def value(self, row):
        return _("反结账") if row.is_active else None

    def export_value(self, row):
        return ""


class PeriodLockTable(Table):
    """Closed periods (结账), newest first, with who closed and reopened them."""

    select_related = ("programme", "supporter", "closed_by", "reopened_by")
    default_ordering = ("-start_date", "-pk")
    columns = [
        Column("period", _("期间"), accessor="period_label", order_by=("start_date", "end_date")),
        Column("programme", _("援助计划"), accessor="programme.name", order_by=("programme__code",)),
        Column(
            "supporter",
            _("支援方"),
            accessor="supporter.name",
            order_by=("supporter__name",),
        ),
        Column("kind", _("期间类型")),
        Column("start_date", _("起始日"), kind=Column.DATE, is_default=False),
        Column("end_date", _("截止日"), kind=Column.DATE, is_default=False),
        Column("is_active", _("结账中"), kind=Column.BOOL, order_by=("reopened_at",)),
        Column("closed_by", _("结账人"), accessor="closed_by.username", order_by=("closed_by__username",)),
        Column("closed_at", _("结账时间"), kind=Column.DATE),
        Column("reason", _("结账说明"), wrap=True),
        Column("pending_arrivals", _("结账时待确认笔数"), kind=Column.NUMBER, is_default=False),
        Column("pending_amount", _("结账时待确认金额"), kind=Column.MONEY, is_default=False),
        Column(
            "reopened_by", _("反结账人"), accessor="reopened_by.username", order_by=("reopened_by__username",)
        ),
        Column("reopened_at", _("反结账时间"), kind=Column.DATE),
        Column("reopen_reason", _("反结账原因"), wrap=True, is_default=False),
        ReopenColumn(
            "reopen",
            _("操作"),
            order_by=(),
            link=lambda lock: reverse("funds:period_reopen", args=[lock.pk]) if lock.is_active else None,
        ),
    ]


class ReconciliationTable(Table):
    """Both sides of the arrivals per supporter × recipient division × month (`ReconciliationRow`s)."""

    columns = [
        Column("period", _("年月"), order_by=()),
        Column("supporter", _("支援方"), accessor="supporter_name", order_by=()),
        Column("division", _("受援地"), accessor="division_name", order_by=()),
        Column("entries", _("笔数"), kind=Column.NUMBER, order_by=()),
        Column("posted", _("支援方登记到位"), kind=Column.MONEY, order_by=()),
        Column("reversed", _("其中已冲正"), kind=Column.MONEY, order_by=()),
        Column("confirmed", _("受援方已确认"), kind=Column.MONEY, order_by=()),
        Column("disputed", _("有异议"), kind=Column.MONEY, order_by=()),
        Column("disputed_received", _("有异议中实收"), kind=Column.MONEY, order_by=()),
        Column("pending", _("待确认"), kind=Column.MONEY, order_by=()),
        Column("recipient_side", _("受援方确认到位"), kind=Column.MONEY, order_by=()),
        Column("difference", _("差异"), kind=Column.MONEY, order_by=()),
    ]
