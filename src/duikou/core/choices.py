"""Choices of the framework models (STYLE.md 9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT_CHECK = "import_check", _("导入检查")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class TokenScope(models.TextChoices):
    """What an API token may do; it never exceeds its user's own permissions."""

    READ = "read", _("只读")
    WRITE = "write", _("读写")


class ChangeSource(models.TextChoices):
    """The channel a change-logged write came through (`core.context.ChangeContext.source`)."""

    WEB = "web", _("网页")
    API = "api", _("API")
    IMPORT = "import", _("文件导入")
    COMMAND = "command", _("命令")
    SYSTEM = "system", _("系统")
    TEST = "test", _("测试")
