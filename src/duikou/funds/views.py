"""Ledger pages: the registry, one entry, posting and reversing (always through the funds service);
the reconciliation (对账) of arrivals and the recipient's answers; closing and reopening periods (结账).

Each page reads its rows from its `queryset` (through `get_queryset()`): the one place a later
restriction of what a user may see narrows them.
"""

import datetime
import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from duikou.core.errors import add_service_errors
from duikou.core.exports import FORMATS, csv_text, export_filename, write_xlsx_rows
from duikou.core.scoping import restrict
from duikou.core.views import ObjectActionView, ObjectDetailView, ObjectListView, querystring
from duikou.projects.models import Project

from .choices import EntryKind
from .filtersets import ArrivalFilterSet, LedgerEntryFilterSet, PeriodLockFilterSet
from .forms import (
    ClosePeriodForm,
    ConfirmArrivalForm,
    DisputeArrivalForm,
    LedgerEntryForm,
    ReopenPeriodForm,
    ReverseEntryForm,
)
from .models import ArrivalConfirmation, LedgerEntry, PeriodLock
from .reconciliation import arrivals, reconciliation_rows, reconciliation_total
from .services import (
    ZERO,
    close_period,
    confirm_arrival,
    dispute_arrival,
    first_open_day,
    post_entry,
    reopen_period,
    reverse_entry,
)
from .tables import ArrivalTable, LedgerEntryTable, PeriodLockTable, ReconciliationTable


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
        entry = self.object
        context["reversed_by"] = LedgerEntry.objects.filter(reverses=entry).first()
        context["may_post"] = self.request.user.has_perm("funds.add_ledgerentry")
        is_open_arrival = entry.kind == EntryKind.ARRIVED and not entry.reverses_id
        context["is_open_arrival"] = is_open_arrival and context["reversed_by"] is None
        context["confirmation"] = (
            ArrivalConfirmation.objects.filter(entry=entry).select_related("decided_by").first()
            if entry.kind == EntryKind.ARRIVED
            else None
        )
        context["may_answer"] = context["is_open_arrival"] and self.request.user.has_perm(
            "funds.add_arrivalconfirmation"
            if context["confirmation"] is None
            else "funds.change_arrivalconfirmation"
        )
        context["closed_period"] = PeriodLock.covering(
            entry.programme_id, entry.supporter_id, entry.value_date
        )
        return context


class LedgerEntryPostView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Post one entry; `?project=<id>` starts from a project page. Errors leave the ledger untouched."""

    permission_required = "funds.add_ledgerentry"
    form_class = LedgerEntryForm
    template_name = "funds/entry_form.html"

    def project(self) -> Project | None:
        text = self.request.GET.get("project", "")
        projects = restrict(Project.objects.all(), self.request.user, "view")
        return projects.filter(pk=text).first() if text.isdigit() else None

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

    def get_initial(self):
        # An entry of a closed period is reversed in an open one (issue 5, item 5): the first open day.
        entry = self.object
        return {"value_date": first_open_day(entry.programme_id, entry.supporter_id, timezone.localdate())}

    def perform(self, form):
        entry = self.object
        reversal = reverse_entry(
            entry,
            acting_user=self.request.user,
            value_date=form.cleaned_data["value_date"],
            reason=form.cleaned_data["reason"],
        )
        return _("已冲正：{entry}").format(entry=reversal), entry.project if entry.project_id else reversal


# -- reconciliation (对账) --------------------------------------------------------------------------------
class ArrivalListView(ObjectListView):
    """Every arrival (到位) with the recipient's answer: pending, confirmed, disputed or reversed."""

    queryset = LedgerEntry.objects.all()
    filterset_class = ArrivalFilterSet
    table_class = ArrivalTable
    title = _("到位确认明细")
    export_stem = "arrivals"

    def get_queryset(self):
        return arrivals(super().get_queryset())


class ReconciliationView(LoginRequiredMixin, TemplateView):
    """Both sides per supporter × recipient division × month: posted, confirmed, disputed, pending, and
    the difference; the same filters as the per-entry list, and the summary as CSV or Excel."""

    template_name = "funds/reconciliation.html"
    queryset = LedgerEntry.objects.all()
    filterset_class = ArrivalFilterSet
    title = _("资金对账")
    export_stem = "reconciliation"

    def get_queryset(self):
        return restrict(self.queryset.all(), self.request.user, "view")

    def get(self, request, *args, **kwargs):
        self.filterset = self.filterset_class(
            request.GET or None, queryset=self.get_queryset(), request=request
        )
        entries = self.filterset.qs if self.filterset.is_valid() else self.get_queryset().none()
        self.rows = reconciliation_rows(entries)
        self.total = reconciliation_total(entries)
        self.table = ReconciliationTable()
        export_format = request.GET.get("export")
        if export_format in FORMATS and self.filterset.is_valid():
            return self.export(export_format)
        return super().get(request, *args, **kwargs)

    def export(self, export_format: str):
        columns = self.table.visible_columns
        cells = ([column.export_value(row) for column in columns] for row in self.rows)
        filename = export_filename(self.export_stem, export_format)
        if export_format == "csv":
            response = HttpResponse(
                "".join(csv_text([column.export_label for column in columns], cells)),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — FileResponse closes it
        write_xlsx_rows(columns, cells, handle, sheet_name=str(self.title))
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=filename)

    def row_filters(self, row) -> str:
        """The per-entry list of one summary row, with the page's other filters kept."""
        params = self.request.GET.copy()
        for name in ("export", "supporter", "division", "division_code", "year", "month"):
            params.pop(name, None)
        return reverse("funds:arrival_list") + querystring(
            params,
            supporter_id=str(row.supporter_id),
            division_id=str(row.division_id),
            year=str(row.year),
            month=str(row.month),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("export", None)
        headers = self.table.headers(lambda sort: None)
        context.update(
            title=self.title,
            filterset=self.filterset,
            filter_fields=[field for field in self.filterset.form if not field.is_hidden],
            hidden_filter_fields=[field for field in self.filterset.form if field.is_hidden],
            active_filters=self.filterset.active_filters() if self.filterset.is_bound else [],
            headers=headers,
            rows=[(row, cells, self.row_filters(row)) for row, cells in self.table.rows(self.rows)],
            total=self.total,
            total_cells=self.table.rows([self.total])[0][1],
            export_links={fmt: querystring(params, export=fmt) for fmt in FORMATS},
            arrival_list_url=reverse("funds:arrival_list") + querystring(params),
            clear_url=self.request.path,
            zero=ZERO,
        )
        return context


class ArrivalConfirmView(ObjectActionView):
    """The recipient confirms one arrival in full."""

    queryset = LedgerEntry.objects.filter(kind=EntryKind.ARRIVED).select_related("supporter", "division")
    context_object_name = "entry"
    permission_required = "funds.add_arrivalconfirmation"
    form_class = ConfirmArrivalForm
    template_name = "funds/entry_answer.html"
    extra_context = {"heading": _("确认到位"), "submit_label": _("确认到位")}

    def perform(self, form):
        confirmation = confirm_arrival(
            self.object, acting_user=self.request.user, reason=form.cleaned_data["reason"]
        )
        return _("已确认到位：{entry}").format(entry=self.object), confirmation


class ArrivalDisputeView(ArrivalConfirmView):
    """The recipient disputes one arrival: why, and what did arrive."""

    form_class = DisputeArrivalForm
    extra_context = {"heading": _("对到位提出异议"), "submit_label": _("提出异议")}

    def perform(self, form):
        confirmation = dispute_arrival(
            self.object,
            acting_user=self.request.user,
            reason=form.cleaned_data["reason"],
            amount_received=form.cleaned_data["amount_received"] or ZERO,
        )
        return _("已提出异议：{entry}").format(entry=self.object), confirmation


# -- period locks (结账) ----------------------------------------------------------------------------------
class PeriodLockListView(ObjectListView):
    queryset = PeriodLock.objects.all()
    filterset_class = PeriodLockFilterSet
    table_class = PeriodLockTable
    title = _("结账期间")
    add_url_name = "funds:period_close"
    add_permission = "funds.add_periodlock"
    export_stem = "period-locks"


class PeriodCloseView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Close a month or a year (结账) through `close_period`; a refusal says why and closes nothing."""

    permission_required = "funds.add_periodlock"
    form_class = ClosePeriodForm
    template_name = "funds/period_close.html"

    def get_initial(self):
        # The month just ended: what a finance office closes at the start of a month.
        last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        return {"year": last_month.year, "month": str(last_month.month)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            lock = close_period(acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("已结账：{lock}").format(lock=lock))
        return redirect(reverse("funds:period_list"))


class PeriodReopenView(ObjectActionView):
    """Reopen a closed period (反结账) with a reason."""

    queryset = PeriodLock.objects.filter(reopened_at__isnull=True).select_related("programme", "supporter")
    context_object_name = "lock"
    permission_required = "funds.change_periodlock"
    form_class = ReopenPeriodForm
    template_name = "funds/period_reopen.html"

    def perform(self, form):
        lock = reopen_period(self.object, acting_user=self.request.user, reason=form.cleaned_data["reason"])
        return _("已反结账：{lock}").format(lock=lock), lock
