from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.ObjectChangeListView.as_view(), name="change_list"),
    path("history/<str:model>/<int:pk>/", views.ObjectHistoryView.as_view(), name="object_history"),
]
