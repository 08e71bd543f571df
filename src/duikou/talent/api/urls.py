"""Roster routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import AssignmentViewSet

urlpatterns = [
    path(
        "assignments/", AssignmentViewSet.as_view({"get": "list", "post": "create"}), name="assignment_list"
    ),
    path(
        "assignments/<id:pk>/",
        AssignmentViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="assignment",
    ),
    path("assignments/<id:pk>/end/", AssignmentViewSet.as_view({"post": "end"}), name="assignment_end"),
]
