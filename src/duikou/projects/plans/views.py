"""Annual plan pages: the registry, one plan (projects, totals, versions, reviews, adjustments), a new plan,
the review steps (报送 / 退回 / 下达, each an ObjectActionView on its service), one version with its
difference from another, and the statutory plan table of a version.

Adjustments have no page of their own: a change to an issued plan's project is made on the project's edit
page (or the API), which asks for the reason and the approver (`projects.forms.ProjectForm`).
"""

import tempfile
from decimal import Decimal

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.money import format_amount
from duikou.core.views import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView

from ..plan_table import write_plan_table
from .choices import PlanState
from .filtersets import AnnualPlanFilterSet
from .forms import AnnualPlanForm, IssuePlanForm, ReturnPlanForm, SubmitPlanForm
from .models import AnnualPlan, PlanVersion
from .services import (
    REVIEW_PERMISSION,
    SUBMIT_PERMISSION,
    issue_plan,
    plan_projects,
    return_plan,
    submit_plan,
)
from .snapshots import (
    adjustment_rows,
    grand_total,
    totals_by,
    version_diff,
    version_items,
    version_plan_table,
)
from .tables import AnnualPlanTable


class AnnualPlanListView(ObjectListView):
    queryset = AnnualPlan.objects.all()
    filterset_class = AnnualPlanFilterSet
    table_class = AnnualPlanTable
    title = _("年度计划")
    add_url_name = "plans:plan_add"
    add_permission = "projects.add_annualplan"
    export_stem = "annual-plans"


def _with_links(rows) -> list:
    """Rows (projects, or a version's items) with the project page's URL."""
    for row in rows:
        row.project_url = reverse("projects:project", args=[getattr(row, "project_id", None) or row.pk])
    return rows


def _totals_context(rows) -> dict:
    by_county = sorted(rows, key=lambda row: (row.division.code, row.code))
    return {
        "rows": _with_links(rows),
        "total": grand_total(rows, _("合计")),
        "by_category": totals_by(rows, lambda row: row.category.name),
        "by_county": totals_by(by_county, lambda row: row.division.name),
    }


class AnnualPlanView(ObjectDetailView):
    """One plan: its projects (as issued and adjusted, or as they stand before issue), totals by category and
    county, versions, review steps and adjustments, and the actions the user may take."""

    queryset = AnnualPlan.objects.select_related("programme", "supporter", "issued_by")
    template_name = "projects/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        versions = list(plan.versions.select_related("frozen_by").order_by("-number"))
        if plan.is_issued and versions:
            rows = version_items(versions[0])
        else:
            rows = list(
                plan_projects(plan)
                .select_related("division", "category", "supporter")
                .order_by("category__order", "category__code", "code", "pk")
            )
        adjustments = list(
            plan.adjustments.select_related("project", "recorded_by", "version").order_by(
                "-recorded_at", "-pk"
            )
        )
        for adjustment in adjustments:
            adjustment.rows = adjustment_rows(adjustment)
        context.update(
            _totals_context(rows),
            is_snapshot=plan.is_issued and bool(versions),
            current_version=versions[0] if versions else None,
            versions=versions,
            reviews=plan.reviews.select_related("acted_by").order_by("acted_at", "pk"),
            adjustments=adjustments,
            may_submit=user.has_perm(SUBMIT_PERMISSION)
            and plan.state in (PlanState.DRAFT, PlanState.RETURNED),
            may_review=user.has_perm(REVIEW_PERMISSION) and plan.state == PlanState.SUBMITTED,
            returned_comment=(
                plan.reviews.filter(action="return").order_by("-acted_at", "-pk").first()
                if plan.state == PlanState.RETURNED
                else None
            ),
        )
        return context


class AnnualPlanFormView(ObjectFormView):
    """A new plan (`plans:plan_add`), in draft."""

    model = AnnualPlan
    form_class = AnnualPlanForm
    list_url_name = "plans:plan_list"


class PlanActionView(ObjectActionView):
    queryset = AnnualPlan.objects.select_related("programme", "supporter")
    context_object_name = "plan"
    template_name = "projects/plan_action.html"


class PlanSubmitView(PlanActionView):
    """The supporter submits the plan (报送)."""

    permission_required = SUBMIT_PERMISSION
    form_class = SubmitPlanForm
    extra_context = {"heading": _("报送年度计划"), "submit_label": _("报送")}

    def perform(self, form):
        submit_plan(self.object, acting_user=self.request.user, comment=form.cleaned_data["comment"])
        return _("已报送：{plan}").format(plan=self.object), self.object


class PlanReturnView(PlanActionView):
    """The coordination office returns the plan with its comments (退回)."""

    permission_required = REVIEW_PERMISSION
    form_class = ReturnPlanForm
    extra_context = {"heading": _("退回年度计划"), "submit_label": _("退回")}

    def perform(self, form):
        return_plan(self.object, acting_user=self.request.user, comment=form.cleaned_data["comment"])
        return _("已退回：{plan}").format(plan=self.object), self.object


class PlanIssueView(PlanActionView):
    """The coordination office issues the plan (下达): version 1 is frozen."""

    permission_required = REVIEW_PERMISSION
    form_class = IssuePlanForm
    extra_context = {"heading": _("下达年度计划"), "submit_label": _("下达")}

    def perform(self, form):
        version = issue_plan(self.object, acting_user=self.request.user, **form.cleaned_data)
        return _("已下达：{version}").format(version=version), self.object


class PlanVersionView(ObjectDetailView):
    """One frozen version: its projects and totals, what produced it, and its difference from another
    version (`?compare=<number>`, by default the one before)."""

    queryset = PlanVersion.objects.select_related("plan__programme", "plan__supporter", "frozen_by")
    template_name = "projects/plan_version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.object
        text = self.request.GET.get("compare", "")
        number = int(text) if text.isdigit() else version.number - 1
        other = (
            PlanVersion.objects.filter(plan_id=version.plan_id, number=number).first()
            if number != version.number
            else None
        )
        adjustment = getattr(version, "adjustment", None) if version.cause == "adjustment" else None
        context.update(
            _totals_context(version_items(version)),
            plan=version.plan,
            other=other,
            diff=_shown_diff(version_diff(other, version)) if other else None,
            adjustment=adjustment,
            adjustment_changes=adjustment_rows(adjustment) if adjustment else [],
            numbers=list(version.plan.versions.order_by("number").values_list("number", flat=True)),
        )
        return context


def _shown_diff(rows):
    """Amounts in 万元, as the rest of the page shows them."""
    for row in rows:
        row.changes = [
            (label, *(format_amount(v, "万元") if isinstance(v, Decimal) else v for v in (before, after)))
            for label, before, after in row.changes
        ]
    return rows


class PlanVersionTableView(PlanVersionView):
    """The statutory plan table (年度项目计划表) of one version, as a workbook, from its snapshot."""

    def get(self, request, *args, **kwargs):
        version = self.get_object()
        table = version_plan_table(version)
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — FileResponse closes it
        write_plan_table(table, handle)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=_("{title}（第{number}版）.xlsx").format(title=table.title, number=version.number),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
