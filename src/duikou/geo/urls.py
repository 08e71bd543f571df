from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("", views.DivisionListView.as_view(), name="division_list"),
]
