"""Annual plan routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import AnnualPlanViewSet

urlpatterns = [
    path("annual-plans/", AnnualPlanViewSet.as_view({"get": "list"}), name="annual_plan_list"),
    path("annual-plans/<id:pk>/", AnnualPlanViewSet.as_view({"get": "retrieve"}), name="annual_plan"),
    path(
        "annual-plans/<id:pk>/submit/",
        AnnualPlanViewSet.as_view({"post": "submit"}),
        name="annual_plan_submit",
    ),
    path(
        "annual-plans/<id:pk>/return/",
        AnnualPlanViewSet.as_view({"post": "return_plan"}),
        name="annual_plan_return",
    ),
    path(
        "annual-plans/<id:pk>/issue/", AnnualPlanViewSet.as_view({"post": "issue"}), name="annual_plan_issue"
    ),
]
