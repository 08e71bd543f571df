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
