"""Outcome routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import IndicatorViewSet, MeasurementViewSet

urlpatterns = [
    path(
        "measurements/",
        MeasurementViewSet.as_view({"get": "list", "post": "create"}),
        name="measurement_list",
    ),
    path(
        "measurements/<id:pk>/",
        MeasurementViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="measurement",
    ),
    path("indicators/", IndicatorViewSet.as_view({"get": "list"}), name="indicator_list"),
    path("indicators/<id:pk>/", IndicatorViewSet.as_view({"get": "retrieve"}), name="indicator"),
]
