from django.urls import path

from . import views

app_name = "checks"

urlpatterns = [
    path("duplicates/", views.DuplicatePairListView.as_view(), name="duplicate_list"),
    path("duplicates/<int:pk>/", views.DuplicatePairView.as_view(), name="duplicate"),
    path("duplicates/<int:pk>/decide/", views.DuplicateDecideView.as_view(), name="duplicate_decide"),
    path("duplicates/project/<int:pk>/", views.ProjectDuplicatesView.as_view(), name="project_duplicates"),
]
