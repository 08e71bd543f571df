from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from duikou.core.admin import ChangeLoggedAdmin, ReadOnlyAdmin, money_column

from .models import ArrivalConfirmation, LedgerEntry, PeriodLock


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin, ChangeLoggedAdmin):
    """Entries are posted and reversed through the funds service; here they can only be read."""

    list_display = ("value_date", "kind", "amount_wan", "supporter", "division", "project", "reverses")
    list_filter = ("programme", "kind", "fiscal_year")
    search_fields = ("project__code", "document_reference", "note")
    raw_id_fields = ("project", "reverses")
    list_select_related = ("supporter", "division", "project")
    readonly_fields = ("created", "change_log_link")
    amount_wan = money_column("amount", _("金额（万元）"))


@admin.register(PeriodLock)
class PeriodLockAdmin(ReadOnlyAdmin, ChangeLoggedAdmin):
    """Periods are closed and reopened through the funds service (its pages); here they can only be read."""

    list_display = ("__str__", "kind", "closed_by", "closed_at", "reopened_by", "reopened_at")
    list_filter = ("programme", "kind", "year")
    search_fields = ("reason", "reopen_reason", "supporter__name")
    list_select_related = ("programme", "supporter", "closed_by", "reopened_by")


@admin.register(ArrivalConfirmation)
class ArrivalConfirmationAdmin(ReadOnlyAdmin, ChangeLoggedAdmin):
    """Answers are given through `confirm_arrival` / `dispute_arrival`; here they can only be read."""

    list_display = ("entry", "state", "amount_received", "decided_by", "decided_at")
    list_filter = ("state",)
    search_fields = ("reason", "entry__document_reference")
    raw_id_fields = ("entry",)
    list_select_related = ("entry", "decided_by")
