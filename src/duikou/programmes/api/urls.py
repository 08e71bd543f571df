"""Programme routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import BatchViewSet, CategoryViewSet, ProgrammeViewSet

urlpatterns = [
    path("programmes/", ProgrammeViewSet.as_view({"get": "list"}), name="programme_list"),
    path("programmes/<id:pk>/", ProgrammeViewSet.as_view({"get": "retrieve"}), name="programme"),
    path("categories/", CategoryViewSet.as_view({"get": "list"}), name="category_list"),
    path("categories/<id:pk>/", CategoryViewSet.as_view({"get": "retrieve"}), name="category"),
    path("batches/", BatchViewSet.as_view({"get": "list"}), name="batch_list"),
    path("batches/<id:pk>/", BatchViewSet.as_view({"get": "retrieve"}), name="batch"),
]
