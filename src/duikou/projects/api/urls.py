"""Project routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import ProjectViewSet

urlpatterns = [
    path("projects/", ProjectViewSet.as_view({"get": "list", "post": "create"}), name="project_list"),
    path(
        "projects/<id:pk>/",
        ProjectViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update", "delete": "destroy"}
        ),
        name="project",
    ),
    path(
        "projects/<id:pk>/transition/",
        ProjectViewSet.as_view({"post": "transition"}),
        name="project_transition",
    ),
]
