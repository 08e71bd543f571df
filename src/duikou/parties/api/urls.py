"""Organization routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import OrganizationViewSet

urlpatterns = [
    path("organizations/", OrganizationViewSet.as_view({"get": "list"}), name="organization_list"),
    path("organizations/<id:pk>/", OrganizationViewSet.as_view({"get": "retrieve"}), name="organization"),
]
