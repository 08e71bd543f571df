"""Roster pages: the registry, one stint, adding and ending stints."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from duikou.core.errors import add_service_errors
from duikou.core.views import ObjectDetailView, ObjectFormView, ObjectListView

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


class AssignmentEndView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "talent.change_assignment"
    form_class = EndAssignmentForm
    template_name = "talent/assignment_end.html"

    def dispatch(self, request, *args, **kwargs):
        self.assignment = get_object_or_404(Assignment, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            end_assignment(
                self.assignment,
                on=form.cleaned_data["actual_end"],
                acting_user=self.request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记离疆。"))
        return redirect(self.assignment.get_absolute_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "assignment": self.assignment}
