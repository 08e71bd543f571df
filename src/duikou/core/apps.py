from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "duikou.core"
    label = "core"
    verbose_name = _("基础框架")

    def ready(self):
        from . import changelog  # noqa: F401  (connects the change-log signal handlers)
