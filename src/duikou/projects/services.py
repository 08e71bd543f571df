"""State changes of projects: the one place where a project moves through its lifecycle."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.core.scoping import check_in_scope

from .choices import ALLOWED_TRANSITIONS, ProjectStatus
from .models import Project, ProjectStatusChange


class TransitionRefused(ValidationError):
    """The gate refused a status change; the message says which rule."""


@transaction.atomic
def transition_project(
    project: Project,
    to_status: str,
    *,
    acting_user=None,
    effective_on: datetime.date | None = None,
    note: str = "",
) -> ProjectStatusChange:
    """Move a project to `to_status` if the gate allows it, and record who and when.

    Gates (DOMAIN.md lifecycle, 《政府投资条例》): no 开工 (在建) before 批复;
    no 完工 before 开工; no 验收 before 完工; no 移交 before 验收; closed
    projects (取消 / 调整 / 移交) move no further. Entering 在建, 完工 or 验收
    sets the matching actual date.

    Args:
        project: the project; locked for the duration of the change.
        to_status: a `ProjectStatus` value.
        acting_user: who asks (None for the system, e.g. the data set loader).
        effective_on: the date the change takes effect (default today).
        note: the reason, shown in the status timeline.

    Raises:
        TransitionRefused: the gate refuses; nothing is saved.
    """
    given = project
    project = Project.objects.select_for_update().get(pk=project.pk)
    check_in_scope(project, acting_user)  # another supporter's project is not the user's to move
    effective_on = effective_on or datetime.date.today()
    from_status = project.status
    if to_status not in ProjectStatus.values:
        raise TransitionRefused(_("未知状态“{status}”。").format(status=to_status))
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise TransitionRefused(_transition_message(from_status, to_status))

    if to_status == ProjectStatus.UNDER_CONSTRUCTION:
        project.actual_start = effective_on
    elif to_status == ProjectStatus.COMPLETED:
        if project.actual_start and effective_on < project.actual_start:
            raise TransitionRefused(_("完工日期不能早于开工日期 {date}。").format(date=project.actual_start))
        project.actual_end = effective_on
    elif to_status == ProjectStatus.ACCEPTED:
        if project.actual_end and effective_on < project.actual_end:
            raise TransitionRefused(_("验收日期不能早于完工日期 {date}。").format(date=project.actual_end))
        project.accepted_on = effective_on

    project.status = to_status
    project.save()
    change = ProjectStatusChange(
        project=project,
        from_status=from_status,
        to_status=to_status,
        effective_on=effective_on,
        changed_by=acting_user,
        note=note,
    )
    change.save()
    given.refresh_from_db()  # the caller's copy must not carry the old status into a later save()
    return change


def _transition_message(from_status: str, to_status: str) -> str:
    label_from, label_to = ProjectStatus(from_status).label, ProjectStatus(to_status).label
    reasons = {
        ProjectStatus.UNDER_CONSTRUCTION: _("项目须先批复才能开工"),
        ProjectStatus.COMPLETED: _("项目须先开工（在建）才能完工"),
        ProjectStatus.ACCEPTED: _("项目须先完工才能验收"),
        ProjectStatus.HANDED_OVER: _("项目须先验收才能移交"),
        ProjectStatus.APPROVED: _("项目须先列入计划才能批复"),
    }
    reason = reasons.get(to_status, _("该状态变更不被允许"))
    return _("不能从“{from_label}”变为“{to_label}”：{reason}。").format(
        from_label=label_from, to_label=label_to, reason=reason
    )
