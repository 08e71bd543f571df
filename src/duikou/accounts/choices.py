from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a member of an organization does on the platform (docs/security.md, "roles and scoping")."""

    PLATFORM_ADMIN = "platform_admin", _("平台管理员")
    COORDINATION_OFFICE = "coordination_office", _("援疆协调办公室")
    SUPPORTER_EDITOR = "supporter_editor", _("援疆省市（前指）录入")
    SUPPORTER_VIEWER = "supporter_viewer", _("援疆省市（前指）查看")
    RECIPIENT_EDITOR = "recipient_editor", _("受援地录入")
    RECIPIENT_VIEWER = "recipient_viewer", _("受援地查看")
    AUDITOR = "auditor", _("审计")


class ScopeKind(models.TextChoices):
    """Which rows a role reaches (core/scoping.py)."""

    EVERYTHING = "everything", _("全部数据")
    SUPPORTER = "supporter", _("本援疆省市（含所属地市、前方指挥部）")
    RECIPIENT = "recipient", _("本受援地及其下级区划")
