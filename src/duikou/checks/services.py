"""State changes of findings, one function each (STYLE.md 11): run the checks, change a finding's status,
comment on it. Each checks the permission and the user's scope, saves, and leaves a line in the thread."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core.scoping import in_scope

from .findings import run_checks
from .models import CheckRun, Finding, FindingComment
from .rules.choices import FindingStatus, RunTrigger

# Moves a person may make; a run moves findings between open and resolved by itself.
ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    FindingStatus.OPEN: (FindingStatus.ACKNOWLEDGED, FindingStatus.RESOLVED, FindingStatus.FALSE_POSITIVE),
    FindingStatus.ACKNOWLEDGED: (FindingStatus.OPEN, FindingStatus.RESOLVED, FindingStatus.FALSE_POSITIVE),
    FindingStatus.RESOLVED: (FindingStatus.OPEN,),
    FindingStatus.FALSE_POSITIVE: (FindingStatus.OPEN,),
}


def _check_permission(acting_user, permission: str) -> None:
    if acting_user is not None and not acting_user.has_perm(permission):
        raise PermissionDenied(_("您没有此操作的权限。"))


def run_checks_now(
    *,
    acting_user,
    programme=None,
    rule_codes=None,
    year: int | None = None,
    as_of: datetime.date | None = None,
) -> CheckRun:
    """The checks page's button: run the checks now, as the acting user.

    Raises:
        PermissionDenied: without `checks.run_checks`.
    """
    _check_permission(acting_user, "checks.run_checks")
    return run_checks(
        programme=programme,
        rule_codes=rule_codes,
        year=year,
        as_of=as_of,
        trigger=RunTrigger.MANUAL,
        user=acting_user,
    )


@transaction.atomic
def change_status(finding: Finding, *, acting_user, status: str, comment: str) -> Finding:
    """Move a finding to `status` with a reason, kept in its thread.

    Raises:
        PermissionDenied: without `checks.change_finding`, or for a finding outside the user's scope.
        ValidationError: a move the status does not allow, or no reason given.
    """
    _check_permission(acting_user, "checks.change_finding")
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if acting_user is not None and not in_scope(finding, acting_user):
        raise PermissionDenied(_("超出您的数据范围。"))
    if status not in ALLOWED_MOVES.get(finding.status, ()):
        raise ValidationError(
            {
                "status": _("不能从“{from_status}”改为“{to_status}”。").format(
                    from_status=FindingStatus(finding.status).label, to_status=FindingStatus(status).label
                )
            }
        )
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请说明理由。")})
    FindingComment.objects.create(
        finding=finding,
        author=acting_user,
        text=comment.strip(),
        from_status=finding.status,
        to_status=status,
    )
    finding.status = status
    if status in (FindingStatus.RESOLVED, FindingStatus.FALSE_POSITIVE):
        finding.closed_at = timezone.now()
    else:
        finding.closed_at = None
    finding.save(update_fields=["status", "closed_at", "last_updated"])
    return finding


@transaction.atomic
def add_comment(finding: Finding, *, acting_user, text: str) -> FindingComment:
    """Add a comment to a finding's thread.

    Raises:
        PermissionDenied: without `checks.add_findingcomment`, or for a finding outside the user's scope.
        ValidationError: an empty comment.
    """
    _check_permission(acting_user, "checks.add_findingcomment")
    if acting_user is not None and not in_scope(finding, acting_user):
        raise PermissionDenied(_("超出您的数据范围。"))
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写内容。")})
    return FindingComment.objects.create(finding=finding, author=acting_user, text=text.strip())
