"""State changes of annual plans: submit (报送), return (退回), issue (下达) and adjust (调整).

One function per state change (STYLE.md 11): each checks the permission, locks the plan row, re-checks the
user's scope (core/scoping.py: a page or endpoint already finds only the plans in it), writes inside one
transaction and records the step (a `PlanReview`, or a `PlanAdjustment` and a new `PlanVersion`).
Views, the API and commands all come through here. acting_user None is a command or a script inside its
own change context, trusted as the shell it runs in (as in `funds.services`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core.scoping import check_in_scope

from ..models import Project
from .choices import REVIEW_STEPS, AdjustmentKind, PlanState, ReviewAction, VersionCause
from .guard import PLAN_FIELDS, IssuedPlanGuard
from .models import AMOUNT_FIELDS, ZERO, AnnualPlan, PlanAdjustment, PlanReview, PlanVersion, PlanVersionItem

SUBMIT_PERMISSION = "projects.submit_annualplan"
REVIEW_PERMISSION = "projects.review_annualplan"
ADJUST_PERMISSION = "projects.add_planadjustment"


def _check_permission(acting_user, permission: str) -> None:
    if acting_user is not None and not acting_user.has_perm(permission):
        raise PermissionDenied(_("没有权限执行此操作。"))


def _user(acting_user):
    return acting_user if getattr(acting_user, "pk", None) else None


def _lock(plan: AnnualPlan) -> AnnualPlan:
    """The plan's row, locked: two officers acting on one plan at once act one after the other."""
    # of=("self",): only the plan's row; a lock on the programme row would hold up ledger postings
    # (funds.triggers take a key-share lock on it).
    return (
        AnnualPlan.objects.select_for_update(of=("self",))
        .select_related("programme", "supporter")
        .get(pk=plan.pk)
    )


def plan_projects(plan: AnnualPlan):
    """The plan's projects as they stand: the programme's in-plan projects of the plan year whose supporter
    is the plan's supporter or one of its supporting cities."""
    family = [member.pk for member in plan.supporter.supporter_family()]
    return Project.objects.filter(
        programme_id=plan.programme_id, plan_year=plan.year, is_in_plan=True, supporter_id__in=family
    )


def _sums(projects) -> tuple[int, Decimal, Decimal]:
    count, aid, total = 0, ZERO, ZERO
    for project in projects:
        count += 1
        aid += project.aid_amount
        total += project.total_investment
    return count, aid, total


def _review(plan: AnnualPlan, action: str, *, acting_user, comment: str) -> PlanReview:
    """Move the locked `plan` one review step and record it."""
    allowed_from, to_state = REVIEW_STEPS[action]
    if plan.state not in allowed_from:
        raise ValidationError(
            _("{plan} 当前为“{state}”，不能{action}。").format(
                plan=plan, state=plan.get_state_display(), action=ReviewAction(action).label
            )
        )
    count, aid, total = _sums(plan_projects(plan).only("aid_amount", "total_investment"))
    review = PlanReview(
        plan=plan,
        action=action,
        from_state=plan.state,
        to_state=to_state,
        acted_by=_user(acting_user),
        acted_at=timezone.now(),
        comment=(comment or "").strip(),
        project_count=count,
        aid_amount=aid,
        total_investment=total,
    )
    review.full_clean()
    plan.state = to_state
    return review


@transaction.atomic
def submit_plan(plan: AnnualPlan, *, acting_user, comment: str = "") -> PlanReview:
    """The supporter submits (报送) its plan for review: from 编制中 or 已退回 to 已报送.

    While it is under review its projects' plan facts cannot change (`guard`).

    Raises:
        PermissionDenied: the user may not submit plans.
        ValidationError: the plan is out of the user's scope (code out_of_scope), not in draft or
            returned, or it has no project.
    """
    _check_permission(acting_user, SUBMIT_PERMISSION)
    plan = _lock(plan)
    check_in_scope(plan, acting_user)  # another supporter's plan is not the user's to submit
    review = _review(plan, ReviewAction.SUBMIT, acting_user=acting_user, comment=comment)
    if review.project_count == 0:
        raise ValidationError(_("{plan} 没有计划内项目，不能报送。").format(plan=plan))
    plan.save(update_fields=["state", "last_updated"])
    review.save()
    return review


@transaction.atomic
def return_plan(plan: AnnualPlan, *, acting_user, comment: str) -> PlanReview:
    """The coordination office returns (退回) a submitted plan with its comments; the supporter revises it
    and submits again.

    Raises:
        PermissionDenied: the user may not review plans.
        ValidationError: no comment, the plan is out of the user's scope, or it is not submitted.
    """
    _check_permission(acting_user, REVIEW_PERMISSION)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("退回须填写意见。")})
    plan = _lock(plan)
    check_in_scope(plan, acting_user)
    review = _review(plan, ReviewAction.RETURN, acting_user=acting_user, comment=comment)
    plan.save(update_fields=["state", "last_updated"])
    review.save()
    return review


@transaction.atomic
def issue_plan(
    plan: AnnualPlan,
    *,
    acting_user,
    issued_on: datetime.date | None = None,
    document_reference: str = "",
    comment: str = "",
) -> PlanVersion:
    """The coordination office issues (下达) a submitted plan: version 1 freezes its projects and amounts.

    Args:
        issued_on: the date of issue (default today).
        document_reference: the issuing document's number (下达文号).

    Raises:
        PermissionDenied: the user may not review plans.
        ValidationError: the plan is out of the user's scope, or it is not submitted.
    """
    _check_permission(acting_user, REVIEW_PERMISSION)
    plan = _lock(plan)
    check_in_scope(plan, acting_user)
    review = _review(plan, ReviewAction.ISSUE, acting_user=acting_user, comment=comment)
    plan.version = 1
    plan.issued_on = issued_on or timezone.localdate()
    plan.issued_by = _user(acting_user)
    plan.document_reference = (document_reference or "").strip()
    plan.save(
        update_fields=["state", "version", "issued_on", "issued_by", "document_reference", "last_updated"]
    )
    review.save()
    return _freeze(plan, 1, VersionCause.ISSUE, acting_user=acting_user, note=review.comment)


def _freeze(plan: AnnualPlan, number: int, cause: str, *, acting_user, note: str) -> PlanVersion:
    """Snapshot the plan's projects as they stand now into version `number`."""
    projects = list(plan_projects(plan).order_by("code", "pk"))
    count, aid, total = _sums(projects)
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        cause=cause,
        frozen_by=_user(acting_user),
        frozen_at=timezone.now(),
        note=note[:500],
        project_count=count,
        aid_amount=aid,
        total_investment=total,
    )
    PlanVersionItem.objects.bulk_create(
        [
            PlanVersionItem(
                version=version,
                project=project,
                code=project.code,
                name=project.name,
                supporter_id=project.supporter_id,
                division_id=project.division_id,
                category_id=project.category_id,
                implementation_level=project.implementation_level,
                construction_type=project.construction_type,
                planned_start=project.planned_start,
                planned_end=project.planned_end,
                description=project.description,
                **{name: getattr(project, name) for name in AMOUNT_FIELDS},
            )
            for project in projects
        ]
    )
    return version


def _shown(project: Project | None, attname: str):
    """A plan fact as people read it in the adjustment record: names, not ids; yuan as text."""
    if project is None:
        return None
    if attname == "division_id":
        return project.division.name if project.division_id else None
    if attname == "category_id":
        return project.category.name if project.category_id else None
    value = getattr(project, attname)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


@transaction.atomic
def record_adjustment(
    project: Project,
    *,
    acting_user,
    reason: str,
    approved_by: str,
    approval_reference: str = "",
    changes: dict | None = None,
) -> list[PlanAdjustment]:
    """Save a change to a project that touches an issued plan, as an adjustment (调整) of that plan.

    The change may alter the project's plan facts (name, division, category, level, amounts …), add it to
    an issued plan (a new in-plan project, or one moved into the plan's supporter and year) or remove it
    (计划外, another year …); moving between two issued plans records one adjustment in each. Each
    adjustment keeps the facts before and after, and freezes the plan's next version.

    Args:
        project: the project with its new values (unsaved; a new project has no pk yet).
        changes: field name → new value, applied to `project` first (for callers without a form).
        reason: why (调整原因), required.
        approved_by: who approved the adjustment (审批人或审批单位), required.
        approval_reference: the approval's document number (批准文号).

    Raises:
        PermissionDenied: the user may not record adjustments (or change / add projects).
        ValidationError: no reason or approver, the project breaks a rule, a plan touched is under
            review, no issued plan is touched (then it is an ordinary save, not an adjustment), or the
            project is out of the user's scope.
    """
    _check_permission(acting_user, ADJUST_PERMISSION)
    _check_permission(acting_user, "projects.change_project" if project.pk else "projects.add_project")
    errors = {}
    if not (reason or "").strip():
        errors["adjustment_reason"] = [_("请填写调整原因。")]
    if not (approved_by or "").strip():
        errors["adjustment_approver"] = [_("请填写审批人（单位）。")]
    if errors:
        raise ValidationError(errors)
    for name, value in (changes or {}).items():
        setattr(project, name, value)
    before = None
    if project.pk:
        before = (
            Project.objects.select_for_update(of=("self",))
            .select_related("division", "category")
            .get(pk=project.pk)
        )
    guard = IssuedPlanGuard()
    impact = guard.impact(project, before)
    refusal = impact.review_refusal()
    if refusal:
        raise ValidationError(refusal)
    if not impact.adjustments:
        raise ValidationError(_("该修改不涉及已下达的年度计划，无需登记调整。"))
    # Plans in a fixed order (STYLE.md 10) so two adjustments across the same two plans never deadlock.
    plans = {effect.plan.pk: effect for effect in impact.adjustments}
    locked = {plan.pk: plan for plan in (_lock(effect.plan) for _, effect in sorted(plans.items()))}
    for plan in locked.values():
        if plan.state != PlanState.ISSUED:  # reopened under us: impossible today, refused all the same
            raise ValidationError(_("{plan} 不是已下达状态。").format(plan=plan))
    project.full_clean()
    project.save()
    # The project's scope, not the plan's: a supporting city's editor adjusts its own project in its
    # province's plan, which it does not see (AnnualPlan.access_rule).
    check_in_scope(project, acting_user)
    after = Project.objects.select_related("division", "category").get(pk=project.pk)
    adjustments = []
    now = timezone.now()
    for pk, effect in sorted(plans.items()):
        plan = locked[pk]
        fields = effect.fields if effect.kind == AdjustmentKind.CHANGE else list(PLAN_FIELDS)
        shown = {
            name.removesuffix("_id"): [
                _shown(before if effect.kind != AdjustmentKind.ADD else None, name),
                _shown(after if effect.kind != AdjustmentKind.REMOVE else None, name),
            ]
            for name in fields
        }
        plan.version += 1
        plan.save(update_fields=["version", "last_updated"])
        version = _freeze(
            plan, plan.version, VersionCause.ADJUSTMENT, acting_user=acting_user, note=reason.strip()
        )
        adjustment = PlanAdjustment(
            plan=plan,
            version=version,
            project=after,
            kind=effect.kind,
            changes=shown,
            reason=reason.strip(),
            approved_by=approved_by.strip(),
            approval_reference=(approval_reference or "").strip(),
            recorded_by=_user(acting_user),
            recorded_at=now,
        )
        adjustment.full_clean()
        adjustment.save()
        adjustments.append(adjustment)
    return adjustments


def plan_of(project: Project) -> AnnualPlan | None:
    """The annual plan (in any state) that holds `project`, or None (计划外, or no plan for its year yet)."""
    if not project.is_in_plan:
        return None
    top = project.supporter.supporter_chain()[-1]
    return (
        AnnualPlan.objects.filter(programme_id=project.programme_id, supporter=top, year=project.plan_year)
        .select_related("programme", "supporter")
        .first()
    )
