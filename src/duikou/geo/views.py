"""The divisions registry; a division's own page is its dashboard (dashboards:division)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.views import ObjectListView

from .filtersets import DivisionFilterSet
from .models import Division
from .tables import DivisionTable


class DivisionListView(ObjectListView):
    queryset = Division.objects.all()
    filterset_class = DivisionFilterSet
    table_class = DivisionTable
    title = _("行政区划")
    export_stem = "divisions"
