"""Findings and check-rule routes of the API, written out (STYLE.md 4); included by config/api_urls.py."""

from django.urls import path

from .views import CheckRuleViewSet, FindingViewSet

urlpatterns = [
    path("findings/", FindingViewSet.as_view({"get": "list"}), name="finding_list"),
    path("findings/<id:pk>/", FindingViewSet.as_view({"get": "retrieve"}), name="finding"),
    path(
        "findings/<id:pk>/status/",
        FindingViewSet.as_view({"post": "change_status"}),
        name="finding_status",
    ),
    path(
        "findings/<id:pk>/comments/",
        FindingViewSet.as_view({"post": "comment"}),
        name="finding_comment",
    ),
    path("check-rules/", CheckRuleViewSet.as_view({"get": "list"}), name="check_rule_list"),
    path("check-rules/<id:pk>/", CheckRuleViewSet.as_view({"get": "retrieve"}), name="check_rule"),
]
