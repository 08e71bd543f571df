from django.urls import path

from .imports import views as import_views

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
]
