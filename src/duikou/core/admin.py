"""Admin for the framework models, and the base admin every domain admin uses."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, BackgroundJob, ImportBatch, ObjectChange
from .money import format_amount
from .tokens import DEFAULT_DAYS, MAX_DAYS, issue_token


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


class ApiTokenAddForm(forms.ModelForm):
    """The admin's form for a new token: who, what for, which scope, how many days."""

    days = forms.IntegerField(
        label=_("有效天数"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS, help_text=_("1 到 366 天")
    )

    class Meta:
        model = ApiToken
        fields = ("user", "name", "scope")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens: made here (the token is shown once, in the confirmation message), listed, revoked.

    Only the prefix and the SHA-256 are stored (core/tokens.py); nothing here can show a token again.
    """

    list_display = ("prefix", "user", "name", "scope", "created", "expires", "last_used", "revoked")
    list_filter = ("scope", ("revoked", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "user__username", "name")
    readonly_fields = ("user", "prefix", "scope", "created", "expires", "last_used", "revoked")
    fields = ("user", "name", "prefix", "scope", "created", "expires", "last_used", "revoked")
    actions = ["revoke_tokens"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("user", "name", "scope", "days") if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        row, token = issue_token(
            form.cleaned_data["user"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
            name=form.cleaned_data["name"],
        )
        obj.pk = row.pk
        obj.prefix = row.prefix
        messages.warning(
            request,
            _("新令牌（只显示这一次，请立即复制保存）：{token}").format(token=token),
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the history may name the token a change came through

    @admin.action(description=_("撤销所选令牌"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked__isnull=True):
            token.revoke()
            count += 1
        self.message_user(request, _("已撤销 {count} 个令牌。").format(count=count), messages.SUCCESS)
