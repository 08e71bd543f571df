"""The outcome endpoints: measurements (read and write) and indicators (read)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins

from duikou.core.api.views import ReadOnlyModelViewSet, WritableModelViewSet

from ..filtersets import MeasurementFilterSet
from ..models import Indicator, Measurement
from .serializers import IndicatorSerializer, MeasurementSerializer


@extend_schema_view(
    list=extend_schema(
        # The FilterSet's `programme` is a method filter; say what it takes (a programme's id).
        parameters=[OpenApiParameter("programme", int, description="援助计划 id (division rows included)")]
    )
)
class MeasurementViewSet(mixins.DestroyModelMixin, WritableModelViewSet):
    """Outcome measurements · 成效数据 (带动就业, 受益人数 …). A second value for the same indicator,
    project or division, supporter and period is refused."""

    queryset = Measurement.objects.select_related("indicator", "project", "supporter", "division").order_by(
        "-period_end",
        "-pk",  # the registry's order, outcomes_period_end_idx read backwards
    )
    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilterSet


class IndicatorViewSet(ReadOnlyModelViewSet):
    """Outcome indicators · 成效指标: what a measurement measures, its unit and how values combine."""

    queryset = Indicator.objects.order_by("code")
    serializer_class = IndicatorSerializer
    filterset_fields = ["programme", "aggregation"]
