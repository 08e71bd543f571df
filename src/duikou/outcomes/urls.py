from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("", views.MeasurementListView.as_view(), name="measurement_list"),
    path("add/", views.MeasurementFormView.as_view(), name="measurement_add"),
    path("<int:pk>/", views.MeasurementView.as_view(), name="measurement"),
    path("<int:pk>/edit/", views.MeasurementFormView.as_view(), name="measurement_edit"),
]
