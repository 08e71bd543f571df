"""The pairing endpoints (read only)."""

from duikou.core.api.views import ReadOnlyModelViewSet

from ..filtersets import PairingFilterSet
from ..models import Pairing
from .serializers import PairingSerializer


class PairingViewSet(ReadOnlyModelViewSet):
    """Pairings · 结对关系: which supporter assists which division since when (a prefecture covers its
    counties)."""

    queryset = Pairing.objects.select_related("supporter", "division").order_by(
        "supporter__name",
        "division__code",
        "pk",  # the registry's order
    )
    serializer_class = PairingSerializer
    filterset_class = PairingFilterSet
