"""The audit log pages: the global log for auditors, and one object's full history."""

from __future__ import annotations

from functools import cached_property

from django.apps import apps
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ..models import LoggedModel, ObjectChange
from ..scoping import restrict
from ..views import ExportsAtOnceMixin, ObjectListView
from .filtersets import ObjectChangeFilterSet
from .tables import ObjectChangeTable


class ObjectChangeListView(PermissionRequiredMixin, ObjectListView):
    """Every change of every logged object (审计日志): auditors, the coordination office and administrators
    (`core.view_objectchange`); others get 403, as on any page whose permission they lack."""

    permission_required = "core.view_objectchange"
    queryset = ObjectChange.objects.all()
    filterset_class = ObjectChangeFilterSet
    table_class = ObjectChangeTable
    title = _("审计日志")
    export_stem = "audit-log"


class ObjectHistoryView(ExportsAtOnceMixin, ObjectListView):
    """All changes of one object, for whoever may see the object (404 otherwise, as its own page answers):
    the history card on an object's page shows the newest and links here."""

    template_name = "core/object_history.html"
    filterset_class = ObjectChangeFilterSet
    table_class = ObjectChangeTable
    export_stem = "history"
    export_sheet_name = _("变更记录")

    @cached_property
    def model(self):
        try:
            model = apps.get_model(self.kwargs["model"])
        except (LookupError, ValueError):
            raise Http404 from None
        if not issubclass(model, LoggedModel):
            raise Http404
        return model

    @cached_property
    def object(self):
        found = restrict(self.model._default_manager.all(), self.request.user, "view").filter(
            pk=self.kwargs["pk"]
        )
        obj = found.first()
        if obj is None:
            raise Http404
        return obj

    @property
    def title(self):
        return _("{object} 的变更记录").format(object=self.object)

    def get_queryset(self):
        content_type = ContentType.objects.get_for_model(self.model)
        return ObjectChange.objects.filter(changed_object_type=content_type, changed_object_id=self.object.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["may_audit"] = self.request.user.has_perm("core.view_objectchange")
        return context
