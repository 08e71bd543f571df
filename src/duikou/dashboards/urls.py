from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("supporters/", views.SupporterIndexView.as_view(), name="supporter_list"),
    path("supporters/<int:pk>/", views.SupporterView.as_view(), name="supporter"),
    path("divisions/<str:code>/", views.DivisionView.as_view(), name="division"),
    path("pairings/<int:pk>/", views.PairingView.as_view(), name="pairing"),
]
