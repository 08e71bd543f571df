from django.urls import path

from . import views

app_name = "pairings"

urlpatterns = [
    path("", views.PairingListView.as_view(), name="pairing_list"),
]
