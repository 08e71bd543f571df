"""The choices of check rules and their findings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleScope(models.TextChoices):
    """At which level a rule measures: the whole programme, each supporter, each division, or each record
    (a project, a dispatched person's stint, a document reference)."""

    PROGRAMME = "programme", _("全计划")
    SUPPORTER = "supporter", _("援疆省市")
    DIVISION = "division", _("受援地")
    PROJECT = "project", _("项目或记录")


class Severity(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


# Most severe first: the overview lists them in this order.
SEVERITY_ORDER = (Severity.HIGH, Severity.MEDIUM, Severity.LOW)


class FindingStatus(models.TextChoices):
    """open → acknowledged → resolved, or false positive; a finding that stops holding is resolved by the
    next run, one that holds again is opened again (a false positive stays one)."""

    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    RESOLVED = "resolved", _("已解决")
    FALSE_POSITIVE = "false_positive", _("误报")


# Statuses a finding is still to be dealt with in (the dashboards count these).
UNSETTLED_STATUSES = (FindingStatus.OPEN, FindingStatus.ACKNOWLEDGED)


class Unit(models.TextChoices):
    """What a measured value and its threshold are in."""

    RATIO = "ratio", _("比例")
    YUAN = "yuan", _("元")
    DAYS = "days", _("天")
    MONTHS = "months", _("月")
    COUNT = "count", _("个")


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("手动")
    COMMAND = "command", _("命令行")
    IMPORT = "import", _("导入后")
    NIGHTLY = "nightly", _("每晚")
