"""The audit log's columns: who, when, through what, which object, and what changed (before → after)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..models import ObjectChange
from ..tables import Column, Table


def field_labels(model) -> dict[str, str]:
    """Snapshot keys (attribute names: `division_id`) → the field's label."""
    if model is None:  # a model removed since the change was logged
        return {}
    return {field.attname: str(field.verbose_name) for field in model._meta.concrete_fields}


def shown(value) -> str:
    return "—" if value is None or value == "" else str(value)


def differences(change: ObjectChange) -> list[tuple[str, str, str]]:
    """(field label, before, after) of each field the change touched: those that differ for an update,
    every field with a value for a creation or a deletion. Keys as the snapshot holds them (foreign keys by
    id)."""
    labels = field_labels(change.changed_object_type.model_class())
    before, after = change.prechange_data or {}, change.postchange_data or {}
    if change.action == ObjectChange.Action.UPDATE:
        names = change.changed_fields
    else:
        names = [name for name, value in (after or before).items() if value not in (None, "")]
    return [(labels.get(name, name), shown(before.get(name)), shown(after.get(name))) for name in names]


def history_url(change: ObjectChange) -> str:
    """The full history of the changed object (the page links on to the object itself, if it still exists)."""
    content_type = change.changed_object_type
    return reverse(
        "audit:object_history",
        kwargs={"model": f"{content_type.app_label}.{content_type.model}", "pk": change.changed_object_id},
    )


class ObjectTypeColumn(Column):
    """The changed object's kind, by its model's name (no query: the content type is joined)."""

    def value(self, row):
        model = row.changed_object_type.model_class()
        return str(model._meta.verbose_name) if model is not None else row.changed_object_type.model


class DifferenceColumn(Column):
    """Before → after of each touched field: a list on the page, one line of text in the export."""

    def value(self, row):
        return "；".join(f"{label}: {before} → {after}" for label, before, after in differences(row))

    def render(self, row) -> str:
        rows = differences(row)
        if not rows:
            return format_html("{}", "—")
        items = format_html_join(
            "",
            '<li><span class="text-secondary">{}</span> <del>{}</del> → <ins>{}</ins></li>',
            rows,
        )
        if row.action == ObjectChange.Action.UPDATE and len(rows) <= 6:
            return format_html('<ul class="list-unstyled mb-0 small" data-role="diff">{}</ul>', items)
        summary = _("{count} 个字段").format(count=len(rows))
        return format_html(
            '<details><summary class="small">{}</summary>'
            '<ul class="list-unstyled mb-0 small" data-role="diff">{}</ul></details>',
            summary,
            items,
        )


class SourceColumn(Column):
    """The channel, and the page, import batch or API token it came through."""

    def value(self, row):
        parts = [row.get_source_display()]
        if row.import_batch_id:
            parts.append(_("导入批次 {number}").format(number=row.import_batch_id))
        if row.api_token_prefix:
            parts.append(_("令牌 {prefix}…").format(prefix=row.api_token_prefix))
        return " · ".join(str(part) for part in parts)


class ObjectChangeTable(Table):
    select_related = ("changed_object_type", "import_batch")
    default_ordering = ("-pk",)  # keys grow with time: the primary-key index, read backwards
    columns = [
        Column("time", _("时间"), link=history_url, order_by=("pk",)),
        Column("action", _("操作")),
        ObjectTypeColumn("object_type", _("对象类型"), order_by=("changed_object_type_id",)),
        Column("object", _("对象"), accessor="object_repr", link=history_url, wrap=True),
        # An identifier, not a quantity: 40704, not 40,704.
        Column("object_id", _("对象编号"), accessor="changed_object_id"),
        Column("user_name", _("用户")),
        # Not the `source` field itself, so that exports read the instance and keep the batch and token.
        SourceColumn("source", _("来源"), accessor="source_summary", order_by=("source",)),
        Column("request_path", _("页面"), wrap=True),
        Column(
            "import_batch",
            _("导入批次"),
            accessor="import_batch.label",
            order_by=("import_batch_id",),
            link=lambda change: f"{reverse('audit:change_list')}?import_batch={change.import_batch_id}",
            is_default=False,
            wrap=True,
        ),
        Column("api_token", _("API 令牌"), accessor="api_token_prefix", is_default=False),
        DifferenceColumn("changes", _("修改内容（前 → 后）"), order_by=(), wrap=True),
        Column(
            "request_id",
            _("请求编号"),
            link=lambda change: f"{reverse('audit:change_list')}?request_id={change.request_id}",
            is_default=False,
        ),
        Column("note", _("说明"), is_default=False, wrap=True),
    ]
