"""Querysets of logged models: bulk writes are change-logged like single saves."""

from django.db import models, transaction


class ChangeLoggedQuerySet(models.QuerySet):
    """`update()`, `bulk_create()` and `bulk_update()` write their change-log rows too.

    Plain Django skips signals for these; without this a single `update()`
    could change thousands of rows silently. The cost is a read of the rows
    before and after, which is the price of a trustworthy log.
    """

    def update(self, **kwargs):
        from .changelog import record_changes, serialize_object
        from .context import require_change_context

        require_change_context()
        with transaction.atomic(using=self.db):
            before = {obj.pk: serialize_object(obj) for obj in self.model._base_manager.filter(
                pk__in=self.values("pk"))}
            count = super().update(**kwargs)
            after = list(self.model._base_manager.filter(pk__in=list(before)))
            record_changes("update", after, before)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        from .changelog import record_changes
        from .context import require_change_context

        require_change_context()
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            record_changes("create", [obj for obj in created if obj.pk is not None])
        return created

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        from .changelog import record_changes, serialize_object
        from .context import require_change_context

        require_change_context()
        objs = list(objs)
        with transaction.atomic(using=self.db):
            before = {obj.pk: serialize_object(obj) for obj in self.model._base_manager.filter(
                pk__in=[o.pk for o in objs])}
            count = super().bulk_update(objs, fields, *args, **kwargs)
            record_changes("update", objs, before)
        return count

    bulk_update.alters_data = True
