"""The checks pages: the findings registry with its run button, one finding with its thread and actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from duikou.core.views import ObjectActionView, ObjectDetailView, ObjectListView

from .finding_filtersets import FindingFilterSet
from .finding_forms import FindingCommentForm, FindingStatusForm, RunChecksForm
from .finding_tables import FindingTable
from .models import CheckRun, Finding
from .services import add_comment, change_status, run_checks_now


class FindingListView(ObjectListView):
    """核查发现: the findings the user may see, by rule, severity, status, supporter, division, year."""

    queryset = Finding.objects.all()
    filterset_class = FindingFilterSet
    table_class = FindingTable
    title = _("核查发现")
    export_stem = "findings"
    template_name = "checks/finding_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["last_run"] = (
            CheckRun.objects.filter(finished__isnull=False).select_related("programme").first()
        )
        if self.request.user.has_perm("checks.run_checks"):
            context["run_form"] = RunChecksForm(user=self.request.user)
        return context


class FindingView(ObjectDetailView):
    queryset = Finding.objects.select_related(
        "rule", "rule__programme", "supporter", "division", "project", "other_project", "last_changed_run"
    )
    template_name = "checks/finding.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, finding = self.request.user, self.object
        context["thread"] = finding.comments.select_related("author").order_by("created", "pk")
        if user.has_perm("checks.change_finding"):
            form = FindingStatusForm(user=user, finding=finding)
            context["status_form"] = form if form.fields["status"].choices else None
        if user.has_perm("checks.add_findingcomment"):
            context["comment_form"] = FindingCommentForm(user=user)
        return context


class FindingStatusView(ObjectActionView):
    """Acknowledge, resolve, mark as a false positive or reopen a finding, with a reason."""

    queryset = Finding.objects.select_related("rule")
    context_object_name = "finding"
    permission_required = "checks.change_finding"
    form_class = FindingStatusForm
    form_object_kwarg = "finding"
    template_name = "checks/finding_action.html"
    extra_context = {"action_title": _("更改状态")}

    def perform(self, form):
        finding = change_status(
            self.object,
            acting_user=self.request.user,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
        )
        return _("状态已更改。"), finding


class FindingCommentView(ObjectActionView):
    """Add a comment to a finding's thread."""

    queryset = Finding.objects.select_related("rule")
    context_object_name = "finding"
    permission_required = "checks.add_findingcomment"
    form_class = FindingCommentForm
    template_name = "checks/finding_action.html"
    extra_context = {"action_title": _("发表意见")}

    def perform(self, form):
        add_comment(self.object, acting_user=self.request.user, text=form.cleaned_data["text"])
        return _("意见已记录。"), self.object


class RunChecksView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """The checks page's button: run every enabled rule now, then show the findings."""

    permission_required = "checks.run_checks"
    form_class = RunChecksForm
    template_name = "checks/finding_action.html"
    extra_context = {"action_title": _("运行核查")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        year = form.cleaned_data.get("year")
        run = run_checks_now(acting_user=self.request.user, year=year)
        counts = (run.counts or {}).values() if run else []
        messages.success(
            self.request,
            _("核查完成：{found} 条成立，新发现 {new} 条，自动关闭 {closed} 条。").format(
                found=sum(c["found"] for c in counts),
                new=sum(c["new"] for c in counts),
                closed=sum(c["closed"] for c in counts),
            ),
        )
        query = f"?year={year}" if year else "?is_unsettled=true"
        return redirect(reverse("findings:finding_list") + query)
