"""Generic views of the registries; domain views are a few attributes (STYLE.md 2).

- `ObjectListView`: a FilterSet (the query contract), a Table (columns, sort,
  column chooser), pagination, and export of exactly the current view to CSV or
  XLSX. An htmx request aimed at `#results` gets only the results partial, so
  filtering and paging do not redraw the page; every link keeps a real href.
- `ObjectDetailView`: one object, with its change history.
- `ObjectFormView`: create or edit through a ModelForm; the model's own
  `clean()` runs (ModelForm calls `full_clean()`), errors show next to their
  fields, and nothing is saved when any field is wrong.
- `ObjectActionView`: one state change of one object through its service (a
  status move, a reversal, the end of a stint).

Every one reads its rows through `restrict(queryset, user, action)` (core/scoping.py): a list shows, an
export writes and a detail, form or action finds only what the user's scope holds (404 for the rest), and
a saved form is re-checked inside its transaction.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView, UpdateView

from .audit.tables import differences
from .choices import JobKind
from .errors import add_service_errors
from .exports import FORMATS, csv_response, export_filename, xlsx_response
from .jobs import start_job
from .models import ObjectChange
from .scoping import check_in_scope, restrict
from .tables import Table

PAGE_SIZES = (25, 50, 100, 200)
PRIMARY_FILTER_COUNT = 8  # the rest fold under "更多筛选", open when one of them is in use
DEFAULT_PAGE_SIZE = 50
HISTORY_LIMIT = 50


def querystring(params, **changes) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


class ObjectListView(LoginRequiredMixin, TemplateView):
    """A registry page. Subclasses set `queryset`, `filterset_class`, `table_class`, and may set
    `title`, `add_url_name` (the "new" button), `add_permission` and `export_stem` (the file name)."""

    template_name = "core/object_list.html"
    partial_template_name = "core/_results.html"
    queryset = None
    filterset_class = None
    table_class: type[Table] = Table
    title = ""
    add_url_name: str | None = None
    add_permission: str | None = None
    export_stem = "export"
    import_kind: str | None = None  # the import (core.imports.registry) behind the "导入" button
    # More files of the current view next to 导出 CSV / Excel: (name, label, URL name), the URL given the
    # list's filters (projects: the 年度项目计划表).
    extra_exports: tuple[tuple[str, str, str], ...] = ()

    def get_queryset(self):
        """The rows the user may see: what the page lists, exports (here or in the background job, which
        calls this with the job's user) and counts."""
        return restrict(self.queryset.all(), self.request.user, "view")

    def session_key(self) -> str:
        return f"columns:{self.table_class.__name__}"

    def chosen_columns(self) -> list[str] | None:
        """Columns from the chooser (`columns=`), remembered in the session; `columns_reset` forgets them."""
        session = self.request.session
        if "columns_reset" in self.request.GET:
            session.pop(self.session_key(), None)
            return None
        chosen = self.request.GET.getlist("columns")
        if chosen:
            session[self.session_key()] = chosen
            return chosen
        return session.get(self.session_key())

    def page_size(self) -> int:
        text = self.request.GET.get("per_page", "")
        return int(text) if text.isdigit() and int(text) in PAGE_SIZES else DEFAULT_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.filterset = self.filterset_class(
            request.GET or None, queryset=self.get_queryset(), request=request
        )
        self.table = self.table_class(visible=self.chosen_columns(), sort=request.GET.get("sort"))
        rows = self.table.prepare(self.filterset.qs)
        export_format = request.GET.get("export")
        if export_format in FORMATS and self.filterset.is_valid():
            return self.export(rows, export_format)
        self.object_rows = rows
        if getattr(request, "htmx", False) and request.htmx.target == "results":
            self.template_name = self.partial_template_name
        return super().get(request, *args, **kwargs)

    def export(self, rows, export_format):
        """The current view as a file: downloaded now, or — above BACKGROUND_EXPORT_ROWS rows — written by the
        background worker while a progress page shows how far it is, then offered for download."""
        filename = export_filename(self.export_stem, export_format)
        if rows.count() > settings.BACKGROUND_EXPORT_ROWS:
            return self.export_in_background(export_format, filename)
        if export_format == "csv":
            return csv_response(self.table, rows, filename=filename)
        return xlsx_response(self.table, rows, filename=filename, sheet_name=str(self.title))

    def export_in_background(self, export_format, filename):
        params = self.request.GET.copy()
        params.pop("export", None)
        job = start_job(
            JobKind.EXPORT,
            user=self.request.user,
            label=_("{title}（{format}）").format(title=self.title, format=export_format.upper()),
            download_name=filename,
            parameters={
                "view": f"{type(self).__module__}.{type(self).__qualname__}",
                "query": self.request.GET.urlencode(),  # as the page had it: a bound FilterSet
                "columns": [column.name for column in self.table.visible_columns],
                "sort": self.request.GET.get("sort"),
                "format": export_format,
                "title": str(self.title),
                "list_url": f"{self.request.path}?{params.urlencode()}",
            },
        )
        return redirect(reverse("core:job", args=[job.pk]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("export", None)
        params.pop("columns_reset", None)
        paginator = Paginator(self.object_rows, self.page_size())
        page = paginator.get_page(self.request.GET.get("page"))
        table = self.table
        fields = list(self.filterset.form)
        more_fields = fields[PRIMARY_FILTER_COUNT:]
        context.update(
            primary_filter_fields=fields[:PRIMARY_FILTER_COUNT],
            more_filter_fields=more_fields,
            more_filters_open=any(self._is_used(field.name) for field in more_fields),
            title=self.title,
            filterset=self.filterset,
            active_filters=self.filterset.active_filters(),
            table=table,
            headers=table.headers(lambda sort: querystring(params, sort=sort)),
            rows=table.rows(page.object_list),
            page=page,
            page_links=self._page_links(page, params),
            page_sizes=PAGE_SIZES,
            page_size=paginator.per_page,
            all_columns=table.columns,
            visible_names=[column.name for column in table.visible_columns],
            export_links={fmt: querystring(params, export=fmt) for fmt in FORMATS},
            extra_export_links=[
                {"name": name, "label": label, "url": reverse(url_name) + querystring(params)}
                for name, label, url_name in self.extra_exports
            ],
            clear_url=self.request.path,
            add_url_name=self.add_url_name if self._may_add() else None,
            import_kind=self.import_kind if self._may_add() else None,
            list_params=params,
        )
        return context

    def _is_used(self, name: str) -> bool:
        # Range filters arrive as name_min / name_max.
        return any(self.request.GET.get(key) for key in (name, f"{name}_min", f"{name}_max"))

    def _may_add(self) -> bool:
        return bool(self.add_url_name) and (
            self.add_permission is None or self.request.user.has_perm(self.add_permission)
        )

    @staticmethod
    def _page_links(page, params) -> list[dict]:
        """First, last and the pages around the current one, with gaps as None."""
        numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        links = []
        for number in numbers:
            if number == page.paginator.ELLIPSIS:
                links.append({"number": None})
            else:
                links.append(
                    {
                        "number": number,
                        "url": querystring(params, page=str(number)),
                        "is_current": number == page.number,
                    }
                )
        return links


def change_history(obj, limit: int = HISTORY_LIMIT) -> list[ObjectChange]:
    """The newest change-log rows of one object (who, when, through which page, import batch or API token),
    each with `field_labels` — the labels of the fields an update changed (a creation lists none: everything
    is new) — and `differences`: (label, before, after) of those fields."""
    model = type(obj)
    content_type = ContentType.objects.get_for_model(model)
    changes = list(
        ObjectChange.objects.filter(changed_object_type=content_type, changed_object_id=obj.pk)
        .select_related("import_batch", "changed_object_type")
        .order_by("-pk")[:limit]
    )
    labels = {field.attname: str(field.verbose_name) for field in model._meta.concrete_fields}
    for change in changes:
        changed = change.changed_fields if change.action == ObjectChange.Action.UPDATE else []
        change.field_labels = [labels.get(name, name) for name in changed if name != "last_updated"]
        change.differences = differences(change) if change.action == ObjectChange.Action.UPDATE else []
    return changes


def history_links(obj, user) -> dict:
    """The links under an object's history card: all of its changes (whoever sees the object), and the
    audit log filtered to it (auditors)."""
    meta = obj._meta
    query = f"?object_type={meta.label_lower}&object_id={obj.pk}"
    return {
        "history_url": reverse("audit:object_history", kwargs={"model": meta.label_lower, "pk": obj.pk}),
        "audit_url": reverse("audit:change_list") + query
        if user.has_perm("core.view_objectchange")
        else None,
    }


class ExportsAtOnceMixin:
    """For a list found through its URL's arguments (one object's history, one import's changes): the export
    is written at once, never by the background worker, which rebuilds a list view from its dotted path and
    has no URL arguments to find the object. Such lists are as long as one object's edits or one file."""

    export_sheet_name = ""

    def export_file_stem(self) -> str:
        return self.export_stem

    def export(self, rows, export_format):
        filename = export_filename(self.export_file_stem(), export_format)
        if export_format == "csv":
            return csv_response(self.table, rows, filename=filename)
        return xlsx_response(self.table, rows, filename=filename, sheet_name=str(self.export_sheet_name))


class ObjectDetailView(LoginRequiredMixin, DetailView):
    """One object's page; the template shows its facts, related rows and its change history."""

    history_limit = HISTORY_LIMIT

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, "view")  # out of scope: 404

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = change_history(self.object, self.history_limit)
        context.update(history_links(self.object, self.request.user))
        return context


class ObjectActionView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """One state change of one object through its service: a status move, a reversal, an end of a stint.

    Subclasses set `queryset`, `form_class`, `permission_required`, `template_name`, and implement
    `perform(form)`. The object is read only after login and permission are checked, so an anonymous
    visitor cannot tell existing ids (a login redirect) from missing ones (404). A service's
    ValidationError shows on the form, each message next to its field, and nothing changes.
    """

    queryset = None
    context_object_name = "object"
    form_object_kwarg: str | None = None  # the form's keyword argument for the object, if it takes one

    @cached_property
    def object(self):
        # The rows the user may see; whether they may act is `permission_required`, checked before.
        return get_object_or_404(
            restrict(self.queryset.all(), self.request.user, "view"), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "user": self.request.user}
        if self.form_object_kwarg:
            kwargs[self.form_object_kwarg] = self.object
        return kwargs

    def perform(self, form) -> tuple[str, object]:
        """Call the service with the form's data; return the success message and the object to show next.

        Raises:
            ValidationError: the service refuses; the form shows why.
        """
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message, shown_next = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(shown_next.get_absolute_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), self.context_object_name: self.object}


class ObjectFormView(LoginRequiredMixin, PermissionRequiredMixin, UpdateView):
    """Create (no `pk` in the URL) or edit one object through `form_class`.

    The form is a ModelForm, so `Model.clean()` and the database constraints'
    messages apply exactly as in imports and the API; on any error nothing is
    saved and the page shows each message next to its field.
    """

    template_name = "core/object_form.html"
    success_message = _("已保存。")
    list_url_name = ""  # where "cancel" goes when a new object is abandoned

    def get_permission_required(self):
        """Django's model permission: `<app>.add_<model>` to create, `<app>.change_<model>` to edit."""
        action = "change" if self.pk_url_kwarg in self.kwargs else "add"
        return [f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"]

    def get_object(self, queryset=None):
        if self.pk_url_kwarg not in self.kwargs:
            return None
        return super().get_object(queryset)

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, "change")  # out of scope: 404

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        # Saved, then re-checked inside the same transaction (STYLE.md 13): an object the user moved out of
        # their scope (another supporter's project) is not saved at all.
        is_new = form.instance._state.adding
        try:
            with transaction.atomic():
                if not is_new:
                    self.check_unchanged_since_loaded(form)
                response = super().form_valid(form)
                check_in_scope(self.object, self.request.user)
        except ValidationError as error:
            if is_new:
                form.instance.pk, form.instance._state.adding, self.object = None, True, None
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return response

    def check_unchanged_since_loaded(self, form) -> None:
        """Lock the row and refuse the save when someone else saved it after this editor opened the form: a
        form writes every field, so saving would silently undo the other change (a lost update).

        Raises:
            ValidationError: the stored row is newer than the one the form was opened with.
        """
        loaded = getattr(form, "loaded_version", None)
        if loaded is None or not hasattr(self.object, "last_updated"):
            return
        model = type(self.object)
        stored = (
            model._base_manager.select_for_update()
            .filter(pk=self.object.pk)
            .values_list("last_updated", flat=True)
            .first()
        )
        if stored is not None and stored != form.loaded_version():
            latest = ObjectChange.objects.filter(
                changed_object_type=ContentType.objects.get_for_model(model), changed_object_id=self.object.pk
            ).first()
            who = (latest.user_name if latest else "") or _("其他用户")
            raise ValidationError(
                _(
                    "未保存：{user} 在您打开此页后修改了这条记录（{time}）。请重新打开编辑页，"
                    "在最新内容上再修改，以免覆盖对方的修改。"
                ).format(user=who, time=timezone.localtime(stored).strftime("%Y-%m-%d %H:%M:%S")),
                code="stale",
            )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_new"] = self.object is None or self.object.pk is None
        context["cancel_url"] = self.object.get_absolute_url() if not context["is_new"] else self.cancel_url()
        context["form_title"] = (
            _("新建{model}").format(model=self.model._meta.verbose_name)
            if context["is_new"]
            else str(self.object)
        )
        return context

    def cancel_url(self) -> str:
        target = self.request.GET.get("next", "")
        # Only paths on this site: a crafted link must not send the user elsewhere.
        if target.startswith("/") and not target.startswith("//"):
            return target
        return reverse(self.list_url_name) if self.list_url_name else "/"
