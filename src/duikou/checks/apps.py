from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "duikou.checks"
    label = "checks"
    verbose_name = _("检查")

    def ready(self):
        from django.db.models.signals import post_save

        from duikou.core.models import ImportBatch

        from .tasks import checks_after_import

        # Run the checks after every import or generated data set (issue 6, item 2): queued on commit.
        post_save.connect(checks_after_import, sender=ImportBatch, dispatch_uid="checks_after_import")
