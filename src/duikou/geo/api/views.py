"""The division endpoints (read only)."""

from duikou.core.api.views import ReadOnlyModelViewSet

from ..filtersets import DivisionFilterSet
from ..models import Division
from .serializers import DivisionSerializer


class DivisionViewSet(ReadOnlyModelViewSet):
    """Divisions · 行政区划: the region, prefectures, counties, XPCC divisions, regiments (GB/T 2260)."""

    queryset = Division.objects.select_related("parent").order_by("code")
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilterSet
