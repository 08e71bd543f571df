"""The review queue's state changes: refreshing it from a scan, and recording a reviewer's decision.

A scan only proposes; a person decides (DOMAIN.md: no numeric rule for 重复建设 exists, so the check surfaces
candidates for review). A decided pair is never changed by a scan again and is left out of every later
scan's output and of the project pages' likely duplicates.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core.scoping import check_in_scope

from ..choices import DuplicateDecision
from ..models import DuplicatePair
from .scan import Candidate

DECIDE_PERMISSION = "checks.change_duplicatepair"


def _pair_key(candidate: Candidate) -> tuple[int, int]:
    return tuple(sorted((candidate.first.pk, candidate.second.pk)))


def _division_of(candidate: Candidate) -> int:
    """The more specific division of the two (a county rather than its prefecture)."""
    first, second = candidate.first, candidate.second
    return second.division_id if second.division_parent_id == first.division_id else first.division_id


@transaction.atomic
def refresh_queue(candidates: list[Candidate], *, year: int | None = None) -> dict[str, int]:
    """Bring the pending pairs in line with a scan's candidates.

    New pairs are added, pending pairs get the scan's score, kind and reasons, and pending pairs the scan no
    longer finds are removed (a corrected name no longer looks alike). Decided pairs are not touched.
    Callers open a change context (a command, a request).

    Args:
        candidates: the scan's output (`scan()`), decided pairs already left out.
        year: the plan year the scan was limited to; only pending pairs with a project of that year can be
            removed then.

    Returns:
        Counts: created, updated, removed.
    """
    found = {_pair_key(candidate): candidate for candidate in candidates}
    pending = DuplicatePair.objects.pending()
    if year is not None:
        pending = pending.filter(Q(project_a__plan_year=year) | Q(project_b__plan_year=year))
    existing = {(pair.project_a_id, pair.project_b_id): pair for pair in DuplicatePair.objects.all()}
    counts = {"created": 0, "updated": 0, "removed": 0}
    stale = []
    for a_id, b_id, pk in pending.values_list("project_a_id", "project_b_id", "pk"):
        if (a_id, b_id) not in found:
            stale.append(pk)
    if stale:
        counts["removed"] = len(stale)
        DuplicatePair.objects.filter(pk__in=stale).delete()
    counts["created"], counts["updated"] = _save_found(found, existing)
    return counts


@transaction.atomic
def add_to_queue(candidates: list[Candidate]) -> dict[str, int]:
    """Add a partial scan's candidates (`scan_projects`: an import's projects) to the queue.

    New pairs are added and pending ones get the scan's score, kind and reasons; nothing is removed (the
    scan saw only part of the projects) and decided pairs are not touched. Callers open a change context.

    Returns:
        Counts: created, updated.
    """
    found = {_pair_key(candidate): candidate for candidate in candidates}
    existing = {(pair.project_a_id, pair.project_b_id): pair for pair in DuplicatePair.objects.all()}
    created, updated = _save_found(found, existing)
    return {"created": created, "updated": updated}


def _save_found(found: dict[tuple[int, int], Candidate], existing: dict) -> tuple[int, int]:
    """Create the pairs `found` that are not `existing`, update the pending ones that changed; decided pairs
    are left as they are. Returns (created, updated)."""
    new_pairs, changed = [], []
    for key, candidate in found.items():
        score = Decimal(str(candidate.score)).quantize(Decimal("0.001"))
        pair = existing.get(key)
        if pair is None:
            new_pairs.append(
                DuplicatePair(
                    project_a_id=key[0],
                    project_b_id=key[1],
                    division_id=_division_of(candidate),
                    score=score,
                    kind=candidate.kind,
                    reasons=candidate.reasons,
                )
            )
        elif not pair.is_decided and (pair.score, pair.kind, pair.reasons) != (
            score,
            candidate.kind,
            candidate.reasons,
        ):
            pair.score, pair.kind, pair.reasons = score, candidate.kind, candidate.reasons
            changed.append(pair)
    DuplicatePair.objects.bulk_create(new_pairs, batch_size=1000)
    DuplicatePair.objects.bulk_update(changed, ["score", "kind", "reasons", "last_updated"], batch_size=1000)
    return len(new_pairs), len(changed)


@transaction.atomic
def decide_pair(pair: DuplicatePair, decision: str, *, acting_user, comment: str = "") -> DuplicatePair:
    """Record a reviewer's decision on a pair (重复 / 分期 / 相关 / 不同), with who, when and why.

    Args:
        pair: the pair to decide (a decided one may be decided again: the change log keeps the earlier).
        decision: one of `DuplicateDecision`.
        acting_user: the reviewer; needs `checks.change_duplicatepair` and the pair in their scope.
        comment: why, in the reviewer's words; required for 重复项目, which someone must act on.

    Raises:
        PermissionDenied: the user may not decide pairs.
        ValidationError: an unknown decision, a duplicate without a comment, or a pair out of scope.
    """
    if acting_user is not None and not acting_user.has_perm(DECIDE_PERMISSION):
        raise PermissionDenied(_("您没有审核疑似重复项目的权限。"))
    if decision not in DuplicateDecision.values:
        raise ValidationError({"decision": _("请选择审核结论。")})
    comment = (comment or "").strip()
    if decision == DuplicateDecision.DUPLICATE and not comment:
        raise ValidationError({"comment": _("认定为重复项目时，请写明审核意见（如何处理）。")})
    locked = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    locked.decision = decision
    locked.comment = comment
    locked.decided_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    locked.decided_at = timezone.now()
    locked.save()
    check_in_scope(locked, acting_user)
    return locked
