"""Roster pages: the registry, one stint, adding and ending stints."""

from django.utils.translation import gettext_lazy as _

from duikou.core.views import ObjectActionView, ObjectDetailView, ObjectFormView, ObjectListView

from .filtersets import AssignmentFilterSet
from .forms import AssignmentForm, EndAssignmentForm
from .models import Assignment
from .services import end_assignment
from .tables import AssignmentTable


class AssignmentListView(ObjectListView):
    queryset = Assignment.objects.all()
    filterset_class = AssignmentFilterSet
    table_class = AssignmentTable
    title = _("干部人才")
    add_url_name = "talent:assignment_add"
    add_permission = "talent.add_assignment"
    export_stem = "assignments"
    import_kind = "assignments"


class AssignmentView(ObjectDetailView):
    queryset = Assignment.objects.select_related("programme", "batch", "supporter", "host_division")
    template_name = "talent/assignment.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        may_change = self.request.user.has_perm("talent.change_assignment")
        context["may_change"] = may_change
        if may_change and self.object.actual_end is None:
            context["end_form"] = EndAssignmentForm(user=self.request.user)
        return context


class AssignmentFormView(ObjectFormView):
    model = Assignment
    form_class = AssignmentForm
    list_url_name = "talent:assignment_list"


class AssignmentEndView(ObjectActionView):
    """Record the day a person left, through `end_assignment`."""

    queryset = Assignment.objects.all()
    context_object_name = "assignment"
    permission_required = "talent.change_assignment"
    form_class = EndAssignmentForm
    template_name = "talent/assignment_end.html"

    def perform(self, form):
        end_assignment(
            self.object,
            on=form.cleaned_data["actual_end"],
            acting_user=self.request.user,
            note=form.cleaned_data["note"],
        )
        return _("已登记离疆。"), self.object
