"""Project registry pages: the list, one project, data entry, lifecycle moves and the annual plan table."""

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from duikou.core.scoping import restrict
from duikou.core.views import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView, querystring
from duikou.funds.services import fund_totals, running_balances

from .filtersets import ProjectFilterSet
from .forms import ProjectForm, ProjectTransitionForm
from .models import Project
from .plan_table import build_plan_table, write_plan_table
from .services import transition_project
from .tables import ProjectTable


class ProjectListView(ObjectListView):
    queryset = Project.objects.all()
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    title = _("项目")
    add_url_name = "projects:project_add"
    add_permission = "projects.add_project"
    export_stem = "projects"
    import_kind = "projects"
    extra_exports = (("plan_table", _("导出年度计划表"), "projects:plan_table"),)


class ProjectView(ObjectDetailView):
    """Facts, money (ledger with running balances, derived rates), status timeline, outcomes, history."""

    queryset = Project.objects.select_related("programme", "supporter", "division__parent", "category")
    template_name = "projects/project.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context.update(
            totals=fund_totals(project.ledger_entries.all()),
            ledger=running_balances(project),
            timeline=project.status_changes.select_related("changed_by").order_by("effective_on", "pk"),
            measurements=project.measurements.select_related("indicator").order_by(
                "-period_end", "indicator"
            ),
            transition_form=ProjectTransitionForm(project=project, user=self.request.user),
            may_change=self.request.user.has_perm("projects.change_project"),
            may_post=self.request.user.has_perm("funds.add_ledgerentry"),
            may_measure=self.request.user.has_perm("outcomes.add_measurement"),
        )
        return context


class ProjectFormView(ObjectFormView):
    """Create (`projects:project_add`) or edit (`projects:project_edit`) a project."""

    model = Project
    form_class = ProjectForm
    list_url_name = "projects:project_list"
    template_name = "projects/project_form.html"  # the form, and above it the likely duplicates it found


class ProjectTransitionView(ObjectActionView):
    """Move the project through `transition_project`; a refused gate shows its reason."""

    queryset = Project.objects.all()
    context_object_name = "project"
    form_object_kwarg = "project"
    permission_required = "projects.change_project"
    form_class = ProjectTransitionForm
    template_name = "projects/project_transition.html"

    def perform(self, form):
        change = transition_project(
            self.object,
            form.cleaned_data["to_status"],
            acting_user=self.request.user,
            effective_on=form.cleaned_data["effective_on"],
            note=form.cleaned_data["note"],
        )
        return _("状态已变更为“{status}”。").format(status=change.get_to_status_display()), self.object


class ProjectPlanTableView(LoginRequiredMixin, View):
    """The statutory annual plan table (年度项目计划表) of the list's filters, which must name one plan year.

    Without a year (or with a filter the list refuses) it goes back to the list with the reason.
    """

    def get(self, request):
        projects = restrict(Project.objects.all(), request.user, "view")
        filterset = ProjectFilterSet(request.GET, queryset=projects, request=request)
        year = filterset.form.cleaned_data.get("plan_year") if filterset.is_valid() else None
        if year is None:
            if filterset.is_valid():
                messages.error(request, _("请先在筛选中选择计划年度：年度计划表按一个计划年度编制。"))
            else:
                messages.error(request, _("筛选条件有误，无法导出年度计划表。"))
            return redirect(reverse("projects:project_list") + querystring(request.GET))
        supporter = filterset.form.cleaned_data.get("supporter")
        plan = build_plan_table(filterset.qs, year=int(year), supporter=supporter)
        # Not a `with` block: FileResponse closes (and so removes) the file once it is sent.
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
        write_plan_table(plan, handle)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{plan.title}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
