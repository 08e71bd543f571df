"""Ledger pages: the registry, one entry, posting and reversing (always through the funds service)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from duikou.core.errors import add_service_errors
from duikou.core.views import ObjectActionView, ObjectDetailView, ObjectListView
from duikou.projects.models import Project

from .filtersets import LedgerEntryFilterSet
from .forms import LedgerEntryForm, ReverseEntryForm
from .models import LedgerEntry
from .services import post_entry, reverse_entry
from .tables import LedgerEntryTable


class LedgerEntryListView(ObjectListView):
    queryset = LedgerEntry.objects.all()
    filterset_class = LedgerEntryFilterSet
    table_class = LedgerEntryTable
    title = _("资金台账")
    add_url_name = "funds:entry_add"
    add_permission = "funds.add_ledgerentry"
    export_stem = "ledger"
    import_kind = "ledger"


class LedgerEntryView(ObjectDetailView):
    queryset = LedgerEntry.objects.select_related(
        "programme", "supporter", "division", "project", "reverses", "import_batch"
    )
    template_name = "funds/entry.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reversed_by"] = LedgerEntry.objects.filter(reverses=self.object).first()
        context["may_post"] = self.request.user.has_perm("funds.add_ledgerentry")
        return context


class LedgerEntryPostView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Post one entry; `?project=<id>` starts from a project page. Errors leave the ledger untouched."""

    permission_required = "funds.add_ledgerentry"
    form_class = LedgerEntryForm
    template_name = "funds/entry_form.html"

    def project(self) -> Project | None:
        text = self.request.GET.get("project", "")
        return Project.objects.filter(pk=text).first() if text.isdigit() else None

    def get_initial(self):
        project = self.project()
        return {"project": project.code} if project else {}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            entry = post_entry(acting_user=self.request.user, **form.entry_fields())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已登记：{entry}").format(entry=entry))
        return redirect(entry.project.get_absolute_url() if entry.project_id else entry.get_absolute_url())

    def get_context_data(self, **kwargs):
        project = self.project()
        return {
            **super().get_context_data(**kwargs),
            "project": project,
            "cancel_url": project.get_absolute_url() if project else reverse("funds:entry_list"),
        }


class LedgerEntryReverseView(ObjectActionView):
    """Post the reversing entry of one entry, with a reason; the original stays as it was."""

    queryset = LedgerEntry.objects.select_related("project")
    context_object_name = "entry"
    permission_required = "funds.add_ledgerentry"
    form_class = ReverseEntryForm
    template_name = "funds/entry_reverse.html"

    def perform(self, form):
        entry = self.object
        reversal = reverse_entry(
            entry,
            acting_user=self.request.user,
            value_date=form.cleaned_data["value_date"],
            reason=form.cleaned_data["reason"],
        )
        return _("已冲正：{entry}").format(entry=reversal), entry.project if entry.project_id else reversal
