"""The annual plan endpoints: the registry and one plan (read), and the review steps (报送 / 退回 / 下达)."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from duikou.core.api.exceptions import validation_error
from duikou.core.api.views import ReadOnlyModelViewSet

from ..filtersets import AnnualPlanFilterSet
from ..models import AnnualPlan, PlanAdjustment, PlanReview
from ..services import REVIEW_PERMISSION, SUBMIT_PERMISSION, issue_plan, return_plan, submit_plan
from .serializers import (
    AnnualPlanDetailSerializer,
    AnnualPlanSerializer,
    IssuePlanSerializer,
    ReturnPlanSerializer,
    SubmitPlanSerializer,
)


class AnnualPlanViewSet(ReadOnlyModelViewSet):
    """Annual plans · 年度计划: a supporter's plan for a year, its review steps, issued versions and
    adjustments. Projects are changed through the project endpoints; a change to an issued plan's project
    needs `adjustment_reason` and `adjustment_approver` there."""

    queryset = AnnualPlan.objects.select_related("programme", "supporter", "issued_by").order_by(
        "-year", "supporter__name", "pk"
    )
    serializer_class = AnnualPlanSerializer
    filterset_class = AnnualPlanFilterSet
    action_permissions = {
        "submit": [SUBMIT_PERMISSION],
        "return_plan": [REVIEW_PERMISSION],
        "issue": [REVIEW_PERMISSION],
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "versions__frozen_by",
                Prefetch("reviews", PlanReview.objects.select_related("acted_by").order_by("acted_at", "pk")),
                Prefetch(
                    "adjustments",
                    PlanAdjustment.objects.select_related("project", "version", "recorded_by").order_by(
                        "recorded_at", "pk"
                    ),
                ),
            )
        return queryset

    def get_serializer_class(self):
        return AnnualPlanDetailSerializer if self.action == "retrieve" else AnnualPlanSerializer

    def _step(self, request, serializer_class, service):
        plan = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            service(plan, acting_user=request.user, **serializer.validated_data)
        except ValidationError as error:
            raise validation_error(error) from error
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(AnnualPlanSerializer(plan, context=self.get_serializer_context()).data)

    @extend_schema(request=SubmitPlanSerializer, responses={200: AnnualPlanSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The supporter submits the plan for review (报送)."""
        return self._step(request, SubmitPlanSerializer, submit_plan)

    @extend_schema(request=ReturnPlanSerializer, responses={200: AnnualPlanSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_plan(self, request, pk=None):
        """The coordination office returns the plan with its comments (退回)."""
        return self._step(request, ReturnPlanSerializer, return_plan)

    @extend_schema(request=IssuePlanSerializer, responses={200: AnnualPlanSerializer})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """The coordination office issues the plan (下达); version 1 freezes its projects and amounts."""
        return self._step(request, IssuePlanSerializer, issue_plan)
