"""The latest year's annual plans (issue 5, item 4), so that each demo log-in finds one in its scope: the
supporter log-ins are 浙江省's, whose plan is issued (with its statutory table); the coordination office
has one submitted plan to return or issue; every other supporter has a draft. Recipients reach no plan
(projects/plans/models.py::AnnualPlan.access_rule)."""

from __future__ import annotations

import datetime

from duikou.projects.plans.models import AnnualPlan, PlanReview, PlanVersion, PlanVersionItem
from duikou.projects.plans.services import issue_plan, plan_projects, submit_plan

from ..calibration import LAST_YEAR

ISSUED = ("浙江省", "上海市")
SUBMITTED = ("江苏省",)


def build_plans(world) -> dict[str, int]:
    """One plan of `LAST_YEAR` per top-level supporter, through the plan services (after the projects are
    written: a plan holds the supporter's in-plan projects of its year). Returns the rows written per model,
    for the import batch's counts; each review step also changes its plan (one more change-log row)."""
    plans = []
    for supporter in world.top_supporters:
        plan = AnnualPlan.objects.create(programme=world.programme, supporter_id=supporter.id, year=LAST_YEAR)
        if supporter.name in ISSUED + SUBMITTED and plan_projects(plan).exists():
            submit_plan(plan, acting_user=None, comment="演示数据")
            if supporter.name in ISSUED:
                issue_plan(
                    plan,
                    acting_user=None,
                    issued_on=datetime.date(LAST_YEAR, 3, 1),
                    document_reference=f"新援疆办发〔{LAST_YEAR}〕1号",
                )
        plans.append(plan)
    return {
        "AnnualPlan": len(plans),
        "PlanReview": PlanReview.objects.filter(plan__in=plans).count(),
        "PlanVersion": PlanVersion.objects.filter(plan__in=plans).count(),
        "PlanVersionItem": PlanVersionItem.objects.filter(version__plan__in=plans).count(),
    }
