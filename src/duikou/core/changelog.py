"""Writes `ObjectChange` rows for every write of a logged model.

Model `save()` / `delete()` go through the signal handlers below; queryset
`update()`, `bulk_create()` and `bulk_update()` through `ChangeLoggedQuerySet`;
the bulk loaders (COPY) write their change-log rows themselves with
`change_rows_for_bulk_load`. Nothing is skipped outside a request — unlike
NetBox (STYLE.md 14) — a write without a change context is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from .context import ChangeContext, require_change_context

_json_encoder = DjangoJSONEncoder()


def is_logged(model_or_instance) -> bool:
    from .models import LoggedModel

    model = model_or_instance if isinstance(model_or_instance, type) else type(model_or_instance)
    return issubclass(model, LoggedModel)


def serialize_object(instance) -> dict:
    """A JSON-ready snapshot of an instance's concrete fields (foreign keys by id).

    Values are passed through DjangoJSONEncoder's rules up front (Decimal and
    dates become strings) so that a snapshot compares equal to the one read
    back from the database.
    """
    snapshot = {}
    for field in instance._meta.concrete_fields:
        value = field.value_from_object(instance)
        if isinstance(value, Decimal) and getattr(field, "decimal_places", None) is not None:
            # As the database returns it: 1000000 and 1000000.00 are the same amount.
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        if value is not None and not isinstance(value, (str, int, bool, float, list, dict)):
            value = _json_encoder.default(value)
        snapshot[field.attname] = value
    # Timestamps change on every save and say nothing the change row's own time doesn't.
    snapshot.pop("last_updated", None)
    return snapshot


def make_change(context: ChangeContext, action: str, instance, before: dict | None, after: dict | None):
    from .models import ObjectChange

    user = context.user
    return ObjectChange(
        user=user,
        user_name=getattr(user, "username", "") if user else "",
        source=context.source,
        request_id=context.request_id,
        import_batch=context.import_batch,
        action=action,
        changed_object_type=ContentType.objects.get_for_model(type(instance)),
        changed_object_id=instance.pk,
        object_repr=str(instance)[:200],
        prechange_data=before,
        postchange_data=after,
        note=context.note[:200],
        request_path=context.request_path[:200],
        api_token_prefix=context.api_token_prefix,
    )


def record_changes(action: str, instances: Iterable, befores: dict | None = None) -> None:
    """Log a batch of writes: one ObjectChange per instance, in one INSERT."""
    from .models import ObjectChange

    context = require_change_context()
    rows = []
    for instance in instances:
        before = befores.get(instance.pk) if befores is not None else None
        after = None if action == "delete" else serialize_object(instance)
        if action == "update" and before == after:
            continue
        rows.append(make_change(context, action, instance, before, after))
    ObjectChange.objects.bulk_create(rows, batch_size=1000)


@receiver(pre_save)
def _snapshot_before_save(sender, instance, raw=False, **kwargs):
    if not is_logged(sender):
        return
    require_change_context()
    instance._prechange_snapshot = None
    if not instance._state.adding and instance.pk is not None:
        previous = sender._base_manager.filter(pk=instance.pk).first()
        instance._prechange_snapshot = serialize_object(previous) if previous else None


@receiver(post_save)
def _log_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if not is_logged(sender):
        return
    before = getattr(instance, "_prechange_snapshot", None)
    action = "create" if created else "update"
    saved = instance
    if update_fields:
        # Only the named fields were written; log what the row now holds, not unsaved edits.
        saved = sender._base_manager.get(pk=instance.pk)
    record_changes(action, [saved], {instance.pk: before} if before else None)
    instance._prechange_snapshot = None


@receiver(pre_delete)
def _snapshot_before_delete(sender, instance, **kwargs):
    if not is_logged(sender):
        return
    require_change_context()
    instance._prechange_snapshot = serialize_object(instance)


@receiver(post_delete)
def _log_delete(sender, instance, **kwargs):
    if not is_logged(sender):
        return
    record_changes("delete", [instance], {instance.pk: getattr(instance, "_prechange_snapshot", None)})
