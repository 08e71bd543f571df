from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    """Fund flow (DOMAIN.md): plan issued → arrived → disbursed → spent; returned; adjustment."""

    PLAN = "plan", _("计划下达")
    ARRIVED = "arrived", _("到位")
    DISBURSED = "disbursed", _("拨付")
    SPENT = "spent", _("支出（完成投资）")
    RETURNED = "returned", _("收回")
    ADJUSTMENT = "adjustment", _("调整")


class PeriodKind(models.TextChoices):
    """A closed period (结账) is a calendar month (月结) or a whole year (年结), by value date."""

    MONTH = "month", _("月度")
    YEAR = "year", _("年度")


class ConfirmationState(models.TextChoices):
    """The recipient's answer to an arrival (到位) a supporter posted; no record yet means pending."""

    CONFIRMED = "confirmed", _("已确认")
    DISPUTED = "disputed", _("有异议")


class ReconciliationStatus(models.TextChoices):
    """Where one arrival entry stands in the two-party reconciliation (对账)."""

    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DISPUTED = "disputed", _("有异议")
    REVERSED = "reversed", _("已冲正")
