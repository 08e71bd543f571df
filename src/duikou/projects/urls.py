from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("add/", views.ProjectFormView.as_view(), name="project_add"),
    path("plan-table/", views.ProjectPlanTableView.as_view(), name="plan_table"),
    path("<int:pk>/", views.ProjectView.as_view(), name="project"),
    path("<int:pk>/edit/", views.ProjectFormView.as_view(), name="project_edit"),
    path("<int:pk>/transition/", views.ProjectTransitionView.as_view(), name="project_transition"),
]
