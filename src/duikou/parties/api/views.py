"""The organization endpoints (read only)."""

from duikou.core.api.views import ReadOnlyModelViewSet

from ..filtersets import OrganizationFilterSet
from ..models import Organization
from .serializers import OrganizationSerializer


class OrganizationViewSet(ReadOnlyModelViewSet):
    """Organizations · 单位: supporting provinces and cities, front HQs, SOEs, ministries, recipients."""

    queryset = Organization.objects.order_by("kind", "name")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
