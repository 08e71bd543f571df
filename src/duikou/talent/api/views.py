"""The roster endpoints: the registry, record and correct a stint, end it."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from duikou.core.api.exceptions import validation_error
from duikou.core.api.views import WritableModelViewSet

from ..filtersets import AssignmentFilterSet
from ..models import Assignment
from ..services import end_assignment
from .serializers import AssignmentSerializer, EndAssignmentSerializer


class AssignmentViewSet(mixins.DestroyModelMixin, WritableModelViewSet):
    """Dispatched cadres and professionals · 干部人才派驻: one row per stint (人次)."""

    queryset = Assignment.objects.select_related("supporter", "host_division", "batch").order_by(
        "-start_date",
        "person_name",
        "-pk",  # the roster's order; the key makes pages stable
    )
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet
    action_permissions = {"end": ["talent.change_assignment"]}

    @extend_schema(request=EndAssignmentSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Record the day the person left (实际离疆); refused when the stint has already ended."""
        assignment = self.get_object()
        serializer = EndAssignmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            end_assignment(assignment, on=data["actual_end"], acting_user=request.user, note=data["note"])
        except ValidationError as error:
            raise validation_error(error) from error
        return Response(self.get_serializer(assignment).data, status=status.HTTP_200_OK)
