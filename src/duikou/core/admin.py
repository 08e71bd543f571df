"""Admin for the framework models, and the base admin every domain admin uses."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import BackgroundJob, ImportBatch, ObjectChange
from .money import format_amount


class ChangeLoggedAdmin(admin.ModelAdmin):
    """Base admin of logged models: read-only timestamps and a link to the object's change log."""

    readonly_fields = ("created", "last_updated", "change_log_link")
    list_per_page = 50
    show_full_result_count = False  # COUNT(*) over 400,000 ledger rows on every page is not free

    @admin.display(description=_("变更记录"))
    def change_log_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        content_type = ContentType.objects.get_for_model(type(obj))
        url = reverse("admin:core_objectchange_changelist")
        return format_html(
            '<a href="{}?changed_object_type__id__exact={}&changed_object_id={}">{}</a>',
            url,
            content_type.pk,
            obj.pk,
            _("查看变更记录"),
        )


def money_column(field_name: str, label):
    """An admin list column showing a yuan amount as 万元 with 千分位, sortable by the field."""

    @admin.display(description=label, ordering=field_name)
    def column(self, obj):
        return format_amount(getattr(obj, field_name), "万元")

    return column


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records nobody edits by hand: the change log, import batches."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ObjectChange)
class ObjectChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "time",
        "action",
        "changed_object_type",
        "object_repr",
        "user_name",
        "source",
        "import_batch",
    )
    list_filter = ("action", "source", "changed_object_type")
    search_fields = ("object_repr", "user_name", "=request_id", "=changed_object_id")
    list_select_related = ("changed_object_type", "import_batch")
    show_full_result_count = False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("started", "kind", "label", "created_by", "finished")
    list_filter = ("kind",)
    search_fields = ("label", "file_hash")


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdmin):
    list_display = ("created", "kind", "label", "user", "state", "rows_done", "rows_total", "finished")
    list_filter = ("kind", "state")
    search_fields = ("label", "task_id")
    list_select_related = ("user",)
