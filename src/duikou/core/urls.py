from django.urls import path

from .imports import history as import_history
from .imports import views as import_views
from .jobs import views as job_views

app_name = "core"

urlpatterns = [
    # before imports/<kind>/: "history" is no import kind
    path("imports/history/", import_history.ImportBatchListView.as_view(), name="import_history"),
    path("imports/history/<int:pk>/", import_history.ImportBatchChangesView.as_view(), name="import_batch"),
    path("imports/<slug:kind>/", import_views.ImportView.as_view(), name="import"),
    path(
        "imports/<slug:kind>/template.xlsx", import_views.ImportTemplateView.as_view(), name="import_template"
    ),
    path(
        "imports/<slug:kind>/errors/<str:sha256>.xlsx",
        import_views.ImportErrorsView.as_view(),
        name="import_errors",
    ),
    path("jobs/<int:pk>/", job_views.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/download/", job_views.JobDownloadView.as_view(), name="job_download"),
]
