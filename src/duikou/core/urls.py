from django.urls import path

from .imports import views as import_views
from .jobs import views as job_views

app_name = "core"

urlpatterns = [
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
