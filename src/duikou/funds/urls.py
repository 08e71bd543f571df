from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.LedgerEntryListView.as_view(), name="entry_list"),
    path("add/", views.LedgerEntryPostView.as_view(), name="entry_add"),
    path("<int:pk>/", views.LedgerEntryView.as_view(), name="entry"),
    path("<int:pk>/reverse/", views.LedgerEntryReverseView.as_view(), name="entry_reverse"),
    path("<int:pk>/confirm/", views.ArrivalConfirmView.as_view(), name="entry_confirm"),
    path("<int:pk>/dispute/", views.ArrivalDisputeView.as_view(), name="entry_dispute"),
    path("reconciliation/", views.ReconciliationView.as_view(), name="reconciliation"),
    path("arrivals/", views.ArrivalListView.as_view(), name="arrival_list"),
    path("periods/", views.PeriodLockListView.as_view(), name="period_list"),
    path("periods/close/", views.PeriodCloseView.as_view(), name="period_close"),
    path("periods/<int:pk>/reopen/", views.PeriodReopenView.as_view(), name="period_reopen"),
]
