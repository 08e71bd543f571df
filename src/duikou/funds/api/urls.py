"""Ledger routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import LedgerEntryViewSet

urlpatterns = [
    path(
        "ledger-entries/",
        LedgerEntryViewSet.as_view({"get": "list", "post": "create"}),
        name="ledger_entry_list",
    ),
    # PUT, PATCH and DELETE are left out on purpose: the ledger is append-only (405).
    path("ledger-entries/<id:pk>/", LedgerEntryViewSet.as_view({"get": "retrieve"}), name="ledger_entry"),
    path(
        "ledger-entries/<id:pk>/reverse/",
        LedgerEntryViewSet.as_view({"post": "reverse"}),
        name="ledger_entry_reverse",
    ),
    path(
        "ledger-entries/<id:pk>/confirm/",
        LedgerEntryViewSet.as_view({"post": "confirm"}),
        name="ledger_entry_confirm",
    ),
    path(
        "ledger-entries/<id:pk>/dispute/",
        LedgerEntryViewSet.as_view({"post": "dispute"}),
        name="ledger_entry_dispute",
    ),
]
