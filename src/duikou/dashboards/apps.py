from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_rollups(using, **kwargs):
    """After every `migrate`: put back rollup triggers a table rebuild dropped, or that code changed.

    SQLite drops a table's triggers when a migration rebuilds the table; a release may change a
    constant the triggers hold. Either way the affected rollups are reinstalled and rebuilt.
    """
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    from . import rollups

    connection = connections[using]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    if not set(loader.graph.leaf_nodes("dashboards")) <= set(loader.applied_migrations):
        return  # migrated back: the rollup tables are not those the definitions describe
    rollups.ensure_installed(connection)


class DashboardsConfig(AppConfig):
    name = "duikou.dashboards"
    label = "dashboards"
    verbose_name = _("统计")

    def ready(self):
        post_migrate.connect(_ensure_rollups, sender=self, dispatch_uid="duikou.dashboards.rollups")
