from django.urls import path

from . import views

app_name = "parties"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("<int:pk>/", views.OrganizationView.as_view(), name="organization"),
]
