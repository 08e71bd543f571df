"""Project registry pages: the list, one project, data entry and lifecycle moves."""

from django.utils.translation import gettext_lazy as _

from duikou.core.views import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView
from duikou.funds.services import fund_totals, running_balances

from .filtersets import ProjectFilterSet
from .forms import ProjectForm, ProjectTransitionForm
from .models import Project
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
