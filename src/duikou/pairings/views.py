"""The pairings registry; a pairing's own page is its dashboard (dashboards:pairing)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.views import ObjectListView

from .filtersets import PairingFilterSet
from .models import Pairing
from .tables import PairingTable


class PairingListView(ObjectListView):
    queryset = Pairing.objects.all()
    filterset_class = PairingFilterSet
    table_class = PairingTable
    title = _("结对关系")
    export_stem = "pairings"
