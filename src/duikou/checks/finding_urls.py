from django.urls import path

from . import finding_views

app_name = "findings"

urlpatterns = [
    path("", finding_views.FindingListView.as_view(), name="finding_list"),
    path("run/", finding_views.RunChecksView.as_view(), name="run"),
    path("<int:pk>/", finding_views.FindingView.as_view(), name="finding"),
    path("<int:pk>/status/", finding_views.FindingStatusView.as_view(), name="finding_status"),
    path("<int:pk>/comment/", finding_views.FindingCommentView.as_view(), name="finding_comment"),
]
