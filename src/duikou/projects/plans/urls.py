from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.AnnualPlanListView.as_view(), name="plan_list"),
    path("add/", views.AnnualPlanFormView.as_view(), name="plan_add"),
    path("<int:pk>/", views.AnnualPlanView.as_view(), name="plan"),
    path("<int:pk>/submit/", views.PlanSubmitView.as_view(), name="plan_submit"),
    path("<int:pk>/return/", views.PlanReturnView.as_view(), name="plan_return"),
    path("<int:pk>/issue/", views.PlanIssueView.as_view(), name="plan_issue"),
    # A version by its own key (one object per URL, like every detail page); its plan and number show on it.
    path("versions/<int:pk>/", views.PlanVersionView.as_view(), name="plan_version"),
    path("versions/<int:pk>/plan-table/", views.PlanVersionTableView.as_view(), name="plan_version_table"),
]
