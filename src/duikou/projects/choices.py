from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    """Lifecycle (DOMAIN.md): 储备 → 计划 → 批复 → 在建 → 完工 → 验收 → 移交, or 取消 / 调整."""

    RESERVE = "reserve", _("储备")
    PLANNED = "planned", _("计划")
    APPROVED = "approved", _("批复")
    UNDER_CONSTRUCTION = "under_construction", _("在建")
    COMPLETED = "completed", _("完工")
    ACCEPTED = "accepted", _("验收")
    HANDED_OVER = "handed_over", _("移交")
    CANCELLED = "cancelled", _("取消")
    ADJUSTED = "adjusted", _("调整")


# Statuses in which a project has started (counts for 开工率) and completed (完工率).
STARTED_STATUSES = (
    ProjectStatus.UNDER_CONSTRUCTION,
    ProjectStatus.COMPLETED,
    ProjectStatus.ACCEPTED,
    ProjectStatus.HANDED_OVER,
)
COMPLETED_STATUSES = (ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED, ProjectStatus.HANDED_OVER)
CLOSED_STATUSES = (ProjectStatus.CANCELLED, ProjectStatus.ADJUSTED)

# The gate: which status may follow which. Anything not listed is refused.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProjectStatus.RESERVE: (ProjectStatus.PLANNED, ProjectStatus.CANCELLED),
    ProjectStatus.PLANNED: (
        ProjectStatus.APPROVED,
        ProjectStatus.RESERVE,
        ProjectStatus.CANCELLED,
        ProjectStatus.ADJUSTED,
    ),
    ProjectStatus.APPROVED: (
        ProjectStatus.UNDER_CONSTRUCTION,
        ProjectStatus.CANCELLED,
        ProjectStatus.ADJUSTED,
    ),
    ProjectStatus.UNDER_CONSTRUCTION: (ProjectStatus.COMPLETED, ProjectStatus.ADJUSTED),
    ProjectStatus.COMPLETED: (ProjectStatus.ACCEPTED,),
    ProjectStatus.ACCEPTED: (ProjectStatus.HANDED_OVER,),
    ProjectStatus.HANDED_OVER: (),
    ProjectStatus.CANCELLED: (),
    ProjectStatus.ADJUSTED: (),
}


class ImplementationLevel(models.TextChoices):
    PREFECTURE = "prefecture", _("州直")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡")
    VILLAGE = "village", _("村")
    XPCC_DIVISION = "xpcc_division", _("师")
    REGIMENT = "regiment", _("团场")
    COMPANY = "company", _("连队")


# County level and below: counts for the ≥80% 基层 rule.
GRASSROOTS_LEVELS = (
    ImplementationLevel.COUNTY,
    ImplementationLevel.TOWNSHIP,
    ImplementationLevel.VILLAGE,
    ImplementationLevel.REGIMENT,
    ImplementationLevel.COMPANY,
)


class DeliveryMode(models.TextChoices):
    TURNKEY = "turnkey", _("交钥匙")
    CHEQUE = "cheque", _("交支票")


class ConstructionType(models.TextChoices):
    NEW = "new", _("新建")
    CONTINUING = "continuing", _("续建")
