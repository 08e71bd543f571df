"""导入记录: the file imports a unit has made, and what each one wrote.

What a clerk asks after an import — did it go in, and what did it change? — without the audit log, which
is the auditors'. A batch is seen by its own unit: everyone of the importing user's organization (a front
headquarters' clerks share their work), and by whoever may read the audit log (the coordination office,
auditors, administrators). A batch's changes are listed with the audit log's columns; its rows are the
importing unit's by construction, since every import is scoped (core.scoping.ScopedImporterMixin).
"""

from __future__ import annotations

from functools import cached_property

import django_filters
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..audit.filtersets import ObjectChangeFilterSet
from ..audit.tables import ObjectChangeTable
from ..filtersets import BaseFilterSet
from ..models import ImportBatch, ObjectChange
from ..tables import Column, Table
from ..views import ExportsAtOnceMixin, ObjectListView
from .registry import IMPORTERS, importer_title


def visible_batches(user):
    """The file imports `user` may look back on."""
    batches = ImportBatch.objects.filter(kind=ImportBatch.Kind.IMPORT)
    if user.has_perm("core.view_objectchange"):
        return batches
    membership = getattr(user, "membership", None)
    mine = Q(created_by=user)
    if membership is not None and membership.organization_id is not None:
        mine |= Q(created_by__membership__organization_id=membership.organization_id)
    return batches.filter(mine)


def importer_choices() -> list[tuple[str, str]]:
    return [(kind, importer_title(kind)) for kind in IMPORTERS]


def batch_url(batch: ImportBatch) -> str:
    return reverse("core:import_batch", args=[batch.pk])


class ImportBatchFilterSet(BaseFilterSet):
    search_fields = ("label", "created_by__username")

    importer = django_filters.ChoiceFilter(field_name="parameters__importer", label=_("数据类型"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Named by the importers themselves, asked when a page is built (not when URLs are loaded).
        self.filters["importer"].extra["choices"] = importer_choices()


class ImporterColumn(Column):
    """What was imported (年度项目计划, 资金台账 …), from the importer the batch records."""

    def value(self, row):
        kind = (row.parameters or {}).get("importer", "")
        return importer_title(kind) if kind in IMPORTERS else kind


class CountColumn(Column):
    """One of the batch's counts (new, changed, unchanged)."""

    def value(self, row):
        return (row.counts or {}).get(self.name, 0)


class ImportBatchTable(Table):
    select_related = ("created_by",)
    default_ordering = ("-started", "-pk")
    columns = [
        Column("started", _("导入时间"), link=batch_url),
        Column("label", _("文件"), link=batch_url, wrap=True),
        ImporterColumn("importer", _("数据类型"), order_by=("parameters__importer",)),
        Column("created_by", _("操作人"), accessor="created_by.username", order_by=("created_by__username",)),
        CountColumn("new", _("新增"), kind=Column.NUMBER, order_by=()),
        CountColumn("changed", _("修改"), kind=Column.NUMBER, order_by=()),
        CountColumn("unchanged", _("未变"), kind=Column.NUMBER, order_by=()),
        Column("finished", _("完成时间"), is_default=False),
        Column("file_hash", _("文件哈希"), is_default=False),
    ]


class ImportBatchListView(ObjectListView):
    queryset = ImportBatch.objects.all()
    filterset_class = ImportBatchFilterSet
    table_class = ImportBatchTable
    title = _("导入记录")
    export_stem = "imports"

    def get_queryset(self):
        return visible_batches(self.request.user)


class ImportBatchChangesView(ExportsAtOnceMixin, ObjectListView):
    """Every change one import wrote: the projects it created, the fields it changed."""

    template_name = "core/import_batch.html"
    filterset_class = ObjectChangeFilterSet
    table_class = ObjectChangeTable
    export_stem = "import"
    export_sheet_name = _("导入批次")

    @cached_property
    def batch(self) -> ImportBatch:
        batch = visible_batches(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if batch is None:
            raise Http404
        return batch

    @property
    def title(self):
        return _("导入批次 {number}：{file}").format(number=self.batch.pk, file=self.batch.label)

    def get_queryset(self):
        return ObjectChange.objects.filter(import_batch=self.batch).select_related("changed_object_type")

    def export_file_stem(self) -> str:
        return f"{self.export_stem}-{self.batch.pk}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["batch"] = self.batch
        return context
