from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_period_lock_trigger(using, **kwargs):
    """After every `migrate`: put back the period-lock trigger a SQLite table rebuild may have dropped."""
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    from .triggers import install_period_lock_trigger

    connection = connections[using]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    if ("funds", "0004_period_locks_and_confirmations") not in loader.applied_migrations:
        return  # migrated back before the lock table existed
    install_period_lock_trigger(connection)


class FundsConfig(AppConfig):
    name = "duikou.funds"
    label = "funds"
    verbose_name = _("资金台账")

    def ready(self):
        post_migrate.connect(
            _ensure_period_lock_trigger, sender=self, dispatch_uid="duikou.funds.period_locks"
        )
