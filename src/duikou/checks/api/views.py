"""The findings endpoints: the registry and one finding with its thread, a status change and a comment through
the page's services; the check rules, read only."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from duikou.core.api.exceptions import validation_error
from duikou.core.api.views import ReadOnlyModelViewSet

from ..finding_filtersets import CheckRuleFilterSet, FindingFilterSet
from ..models import CheckRule, Finding, FindingComment
from ..services import add_comment, change_status
from .serializers import (
    CheckRuleSerializer,
    FindingCommentInputSerializer,
    FindingCommentSerializer,
    FindingDetailSerializer,
    FindingSerializer,
    FindingStatusSerializer,
)


def with_thread(findings):
    """The findings with their threads, oldest entry first, in one more query."""
    thread = FindingComment.objects.select_related("author").order_by("created", "pk")
    return findings.prefetch_related(Prefetch("comments", queryset=thread))


class FindingViewSet(ReadOnlyModelViewSet):
    """Findings of the check rules · 核查发现 in the user's scope (a supporter's own, those in a recipient's
    divisions; programme-wide ones for the coordination office and auditors), filtered as on the findings
    page. A status change and a comment need what the page's buttons need."""

    queryset = Finding.objects.select_related(
        "rule", "subject_type", "supporter", "division", "project", "other_project"
    ).order_by(
        "-year",
        "rule__code",
        "key",
        "pk",  # the findings page's order; the key makes pages stable
    )
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    action_permissions = {
        "change_status": ["checks.change_finding"],
        "comment": ["checks.add_findingcomment"],
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        return with_thread(queryset) if self.action == "retrieve" else queryset

    def get_serializer_class(self):
        return FindingDetailSerializer if self.action == "retrieve" else FindingSerializer

    def detail_of(self, finding) -> dict:
        """The finding as `GET …/{id}/` shows it, read again after a change."""
        finding = with_thread(self.get_queryset()).get(pk=finding.pk)
        return FindingDetailSerializer(finding, context=self.get_serializer_context()).data

    @extend_schema(request=FindingStatusSerializer, responses={200: FindingDetailSerializer})
    @action(detail=True, methods=["post"])
    def change_status(self, request, pk=None):
        """Acknowledge, resolve or mark as a false positive (or reopen), with a reason kept in the thread;
        refused (400) for a move the finding's status does not allow (`allowed_statuses`)."""
        finding = self.get_object()
        serializer = FindingStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            finding = change_status(finding, acting_user=request.user, **serializer.validated_data)
        except ValidationError as error:
            raise validation_error(error) from error
        return Response(self.detail_of(finding), status=status.HTTP_200_OK)

    @extend_schema(request=FindingCommentInputSerializer, responses={201: FindingCommentSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """Add a comment to the finding's thread."""
        finding = self.get_object()
        serializer = FindingCommentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            comment = add_comment(finding, acting_user=request.user, **serializer.validated_data)
        except ValidationError as error:
            raise validation_error(error) from error
        return Response(FindingCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CheckRuleViewSet(ReadOnlyModelViewSet):
    """Check rules · 核查规则 of each programme: configuration every member reads."""

    queryset = CheckRule.objects.select_related("programme").order_by("programme", "code", "pk")
    serializer_class = CheckRuleSerializer
    filterset_class = CheckRuleFilterSet
