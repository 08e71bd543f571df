"""Querysets of logged models: bulk writes are change-logged like single saves, and every one can be
narrowed to what a user may see or change (`restrict`, core/scoping.py)."""

from django.db import models, transaction

from .scoping import RestrictedQuerySetMixin


class ChangeLoggedQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    """`update()` and `bulk_create()` write their change-log rows too.

    (`bulk_update()` needs no override: Django implements it with `update()`.)

    Plain Django skips signals for these; without this a single `update()`
    could change thousands of rows silently. The cost is a read of the rows
    before and after, which is the price of a trustworthy log.
    """

    def update(self, **kwargs):
        from .changelog import record_changes, serialize_object
        from .context import require_change_context

        require_change_context()
        with transaction.atomic(using=self.db):
            before = {
                obj.pk: serialize_object(obj)
                for obj in self.model._base_manager.filter(pk__in=self.values("pk"))
            }
            count = super().update(**kwargs)
            after = list(self.model._base_manager.filter(pk__in=list(before)))
            record_changes("update", after, before)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        from .changelog import record_changes
        from .context import require_change_context

        require_change_context()
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            # The database does not say which rows it inserted or changed, so they could not be logged.
            raise ValueError(
                "bulk_create(ignore_conflicts/update_conflicts) cannot be change-logged; "
                "upsert by natural key instead (see duikou.reference.loader.upsert)."
            )
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            record_changes("create", [obj for obj in created if obj.pk is not None])
        return created

    bulk_create.alters_data = True


class AppendOnlyQuerySet(ChangeLoggedQuerySet):
    """Refuses bulk updates and deletes with the same message as the model, before the database does."""

    def update(self, **kwargs):
        from .models import AppendOnlyError

        raise AppendOnlyError(f"{self.model._meta.verbose_name}: append-only; post a reversing entry instead")

    update.alters_data = True

    def delete(self):
        from .models import AppendOnlyError

        raise AppendOnlyError(f"{self.model._meta.verbose_name}: append-only; post a reversing entry instead")

    delete.alters_data = True
