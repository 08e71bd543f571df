"""What a change to a project means for the annual plans (read only; nothing is written here).

The project form, the project API and the project import ask an `IssuedPlanGuard` before saving: a change
to an issued plan's project (its plan facts, or its membership of the plan) is an adjustment and needs a
reason and an approver (`services.record_adjustment`); a change to a plan under review (已报送) is refused
until the office returns or issues it. The guard reads the plans and the supporters' hierarchy once, so an
import checks many rows without a query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from duikou.parties.choices import SUPPORTER_KINDS
from duikou.parties.models import Organization

from .choices import AdjustmentKind, PlanState
from .models import AMOUNT_FIELDS, AnnualPlan

# The facts an issued plan fixes for each of its projects (what the statutory plan table prints and the
# shares are computed from); attribute names as the model stores them.
PLAN_FIELDS = (
    "code",
    "name",
    "division_id",
    "category_id",
    "implementation_level",
    "construction_type",
    *AMOUNT_FIELDS,
)
# The facts that decide which plan a project belongs to.
MEMBERSHIP_FIELDS = ("programme_id", "supporter_id", "plan_year", "is_in_plan")


def field_label(attname: str) -> str:
    from ..models import Project

    name = attname.removesuffix("_id")
    return str(Project._meta.get_field(name).verbose_name).removesuffix("（元）")


@dataclass
class PlanEffect:
    """One plan touched by a change: issued (an adjustment) or under review (refused)."""

    plan: AnnualPlan
    kind: str  # AdjustmentKind
    fields: list[str] = field(default_factory=list)  # PLAN_FIELDS that differ (for a change)


@dataclass
class PlanImpact:
    effects: list[PlanEffect] = field(default_factory=list)

    @property
    def adjustments(self) -> list[PlanEffect]:
        """Effects on issued plans: each becomes a `PlanAdjustment` and a new version."""
        return [effect for effect in self.effects if effect.plan.state == PlanState.ISSUED]

    @property
    def under_review(self) -> list[PlanEffect]:
        return [effect for effect in self.effects if effect.plan.state == PlanState.SUBMITTED]

    def __bool__(self) -> bool:
        return bool(self.effects)

    def review_refusal(self) -> str | None:
        """Why the change is refused outright (a plan under review), or None."""
        for effect in self.under_review:
            return _(
                "{plan} 已报送、正在审核，不能修改其中的项目（{fields}）；"
                "请等待审核结果，或请协调办退回后再改。"
            ).format(plan=effect.plan, fields=_describe_fields(effect))
        return None

    def adjustment_message(self) -> str | None:
        """What the change does to issued plans, said as the request for a reason and an approver."""
        parts = []
        for effect in self.adjustments:
            plan = _("{plan}（第{version}版）").format(plan=effect.plan, version=effect.plan.version)
            if effect.kind == AdjustmentKind.ADD:
                parts.append(_("将项目调入已下达的{plan}").format(plan=plan))
            elif effect.kind == AdjustmentKind.REMOVE:
                parts.append(_("将项目调出已下达的{plan}").format(plan=plan))
            else:
                parts.append(
                    _("修改已下达的{plan}中项目的{fields}").format(plan=plan, fields=_describe_fields(effect))
                )
        if not parts:
            return None
        return _("{changes}属于计划调整，须填写调整原因和审批人（单位）。").format(changes="；".join(parts))

    def import_refusal(self, code: str) -> str | None:
        """The error an import row gets: the file cannot carry a reason and an approver."""
        refusal = self.review_refusal()
        if refusal:
            return refusal
        message = self.adjustment_message()
        if message is None:
            return None
        return _(
            "项目 {code}：{message}导入不能登记调整，请在项目页面编辑该项目并填写调整原因和审批人。"
        ).format(code=code, message=message)


def _describe_fields(effect: PlanEffect) -> str:
    if effect.kind != AdjustmentKind.CHANGE:
        return str(AdjustmentKind(effect.kind).label)
    return "、".join(field_label(name) for name in effect.fields)


class IssuedPlanGuard:
    """Reads the plans under review or issued, and each supporter's top-level supporter, once.

    Use one guard for a form submission, an API request or a whole import file.
    """

    def __init__(self):
        self.plans: dict[tuple[int, int, int], AnnualPlan] = {
            (plan.programme_id, plan.supporter_id, plan.year): plan
            for plan in AnnualPlan.objects.filter(state__in=(PlanState.SUBMITTED, PlanState.ISSUED))
            .select_related("programme", "supporter")
            .order_by()
        }
        self._top: dict[int, int] = {}
        if self.plans:
            parents = dict(
                Organization.objects.filter(kind__in=SUPPORTER_KINDS)
                .order_by()
                .values_list("pk", "parent_id")
            )
            for pk in parents:
                top = pk
                while parents.get(top) in parents:  # a supporting parent (a city's province)
                    top = parents[top]
                self._top[pk] = top

    def plan_key(self, project) -> tuple[int, int, int] | None:
        """(programme, top-level supporter, year) of the plan `project` belongs to, or None (计划外)."""
        if not project.is_in_plan or project.supporter_id is None or project.programme_id is None:
            return None
        top = self._top.get(project.supporter_id, project.supporter_id)
        return (project.programme_id, top, project.plan_year)

    def impact(self, project, before) -> PlanImpact:
        """The plans touched by saving `project` over `before` (its stored row; None for a new project).

        Args:
            project: the project with its new values (not saved yet).
            before: the project as stored, or None when `project` is new.
        """
        impact = PlanImpact()
        if not self.plans:  # no plan issued or under review: nothing to ask (every import until then)
            return impact
        old_key = self.plan_key(before) if before is not None else None
        new_key = self.plan_key(project)
        if old_key == new_key:
            plan = self.plans.get(new_key) if new_key else None
            if plan is not None:
                changed = [name for name in PLAN_FIELDS if getattr(before, name) != getattr(project, name)]
                if changed:
                    impact.effects.append(PlanEffect(plan, AdjustmentKind.CHANGE, changed))
            return impact
        if old_key and old_key in self.plans:
            impact.effects.append(PlanEffect(self.plans[old_key], AdjustmentKind.REMOVE))
        if new_key and new_key in self.plans:
            impact.effects.append(PlanEffect(self.plans[new_key], AdjustmentKind.ADD))
        return impact


def check_import_row(guard: IssuedPlanGuard, project, existing) -> str | None:
    """The message for an import row that would change an issued plan or one under review, or None.

    The hook for `projects.imports.ProjectImporter.build`: build one guard per file (in `prepare_file`),
    then for each row `check_import_row(self.plan_guard, project, row.existing)` and report a message as
    the row's error.
    """
    return guard.impact(project, existing).import_refusal(project.code)
