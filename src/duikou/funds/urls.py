from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.LedgerEntryListView.as_view(), name="entry_list"),
    path("add/", views.LedgerEntryPostView.as_view(), name="entry_add"),
    path("<int:pk>/", views.LedgerEntryView.as_view(), name="entry"),
    path("<int:pk>/reverse/", views.LedgerEntryReverseView.as_view(), name="entry_reverse"),
]
