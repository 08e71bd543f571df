"""The organizations registry and an organization's page (a supporter's figures live on its dashboard)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.views import ObjectDetailView, ObjectListView

from .filtersets import OrganizationFilterSet
from .models import Organization
from .tables import OrganizationTable


class OrganizationListView(ObjectListView):
    queryset = Organization.objects.all()
    filterset_class = OrganizationFilterSet
    table_class = OrganizationTable
    title = _("单位")
    export_stem = "organizations"


class OrganizationView(ObjectDetailView):
    queryset = Organization.objects.select_related("parent", "home_division")
    template_name = "parties/organization.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.order_by("kind", "name")
        return context
