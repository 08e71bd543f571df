from django.db import models
from django.utils.translation import gettext_lazy as _


class Aggregation(models.TextChoices):
    """How measurements of one indicator combine over projects and periods."""

    SUM = "sum", _("求和")
    LAST = "last", _("取最新值")
    AVERAGE = "average", _("平均")
    RATIO = "ratio", _("比率（分子之和 ÷ 分母之和）")
