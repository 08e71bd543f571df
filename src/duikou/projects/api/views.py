"""The project endpoints: the registry, create and edit, delete when nothing refers to it, transitions."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.settings import api_settings

from duikou.core.api.exceptions import validation_error
from duikou.core.api.views import WritableModelViewSet

from ..filtersets import ProjectFilterSet
from ..models import Project
from ..services import TransitionRefused, transition_project
from .serializers import LikelyDuplicatesErrorSerializer, ProjectSerializer, TransitionSerializer

LIKELY_DUPLICATES = OpenApiResponse(
    LikelyDuplicatesErrorSerializer,
    description="The project looks like saved ones (`duplicates`), or the object is still referred to, or a "
    'concurrent write · 疑似重复（加 "confirm_duplicates": true 再提交）或冲突',
)


@extend_schema_view(
    create=extend_schema(responses={201: ProjectSerializer, 409: LIKELY_DUPLICATES}),
    update=extend_schema(responses={200: ProjectSerializer, 409: LIKELY_DUPLICATES}),
    partial_update=extend_schema(responses={200: ProjectSerializer, 409: LIKELY_DUPLICATES}),
)
class ProjectViewSet(mixins.DestroyModelMixin, WritableModelViewSet):
    """Projects · 项目. Deleting a project that ledger entries or measurements refer to is refused (409);
    creating one that looks like saved projects too, unless the request says `"confirm_duplicates": true`."""

    queryset = Project.objects.select_related("programme", "supporter", "division", "category").order_by(
        "-plan_year",
        "code",
        "pk",  # the registry's order, served by projects_list_order_idx
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    action_permissions = {"transition": ["projects.change_project"]}

    @extend_schema(request=TransitionSerializer, responses={200: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the project one step through its lifecycle; the gate says why a step is refused."""
        project = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            transition_project(project, acting_user=request.user, **serializer.validated_data)
        except TransitionRefused as error:
            # The gate's refusal concerns the request as a whole (this status, from that one, on that day).
            raise exceptions.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        ErrorDetail(m, code="transition_refused") for m in error.messages
                    ]
                }
            ) from error
        except ValidationError as error:
            raise validation_error(error) from error
        return Response(self.get_serializer(project).data, status=status.HTTP_200_OK)
