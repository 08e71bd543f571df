"""Outcome pages: the measurements registry, one measurement, recording one."""

from django.utils.translation import gettext_lazy as _

from duikou.core.scoping import restrict
from duikou.core.views import ObjectDetailView, ObjectFormView, ObjectListView
from duikou.projects.models import Project

from .filtersets import MeasurementFilterSet
from .forms import MeasurementForm
from .models import Measurement
from .tables import MeasurementTable


class MeasurementListView(ObjectListView):
    queryset = Measurement.objects.all()
    filterset_class = MeasurementFilterSet
    table_class = MeasurementTable
    title = _("成效")
    add_url_name = "outcomes:measurement_add"
    add_permission = "outcomes.add_measurement"
    export_stem = "measurements"
    import_kind = "measurements"


class MeasurementView(ObjectDetailView):
    queryset = Measurement.objects.select_related(
        "indicator", "project", "supporter", "division", "import_batch"
    )
    template_name = "outcomes/measurement.html"


class MeasurementFormView(ObjectFormView):
    """Record (`?project=<id>` starts from a project page) or correct a measurement."""

    model = Measurement
    form_class = MeasurementForm
    list_url_name = "outcomes:measurement_list"

    def get_initial(self):
        initial = super().get_initial()
        text = self.request.GET.get("project", "")
        projects = restrict(Project.objects.all(), self.request.user, "view")
        project = projects.filter(pk=text).first() if text.isdigit() else None
        if project is not None:
            initial.update(project=project.code, supporter=project.supporter_id, division=project.division_id)
        return initial
