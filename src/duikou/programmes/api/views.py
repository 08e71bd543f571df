"""The programme endpoints (read only): programmes, their categories and their batches of cadres.

Programmes have no registry page, hence no FilterSet module: the few filters here are declared on the
views (`filterset_fields`).
"""

from duikou.core.api.views import ReadOnlyModelViewSet

from ..models import Batch, Category, Programme
from .serializers import BatchSerializer, CategorySerializer, ProgrammeSerializer


class ProgrammeViewSet(ReadOnlyModelViewSet):
    """Programmes · 援助计划 (援疆 …): the unit of configuration."""

    queryset = Programme.objects.order_by("code")
    serializer_class = ProgrammeSerializer
    filterset_fields = ["code"]


class CategoryViewSet(ReadOnlyModelViewSet):
    """Project categories · 项目类别 of each programme; `counts_as_livelihood` feeds the 民生 share."""

    queryset = Category.objects.order_by("programme", "order", "code")
    serializer_class = CategorySerializer
    filterset_fields = ["programme", "counts_as_livelihood"]


class BatchViewSet(ReadOnlyModelViewSet):
    """Batches · 批次 of dispatched cadres (第十批 …) of each programme."""

    queryset = Batch.objects.order_by("programme", "number")
    serializer_class = BatchSerializer
    filterset_fields = ["programme"]
