"""Division routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import DivisionViewSet

urlpatterns = [
    path("divisions/", DivisionViewSet.as_view({"get": "list"}), name="division_list"),
    path("divisions/<id:pk>/", DivisionViewSet.as_view({"get": "retrieve"}), name="division"),
]
