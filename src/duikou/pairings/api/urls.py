"""Pairing routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import PairingViewSet

urlpatterns = [
    path("pairings/", PairingViewSet.as_view({"get": "list"}), name="pairing_list"),
    path("pairings/<id:pk>/", PairingViewSet.as_view({"get": "retrieve"}), name="pairing"),
]
