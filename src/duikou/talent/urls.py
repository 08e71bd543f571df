from django.urls import path

from . import views

app_name = "talent"

urlpatterns = [
    path("", views.AssignmentListView.as_view(), name="assignment_list"),
    path("add/", views.AssignmentFormView.as_view(), name="assignment_add"),
    path("<int:pk>/", views.AssignmentView.as_view(), name="assignment"),
    path("<int:pk>/edit/", views.AssignmentFormView.as_view(), name="assignment_edit"),
    path("<int:pk>/end/", views.AssignmentEndView.as_view(), name="assignment_end"),
]
