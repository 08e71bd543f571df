from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "duikou.outcomes"
    label = "outcomes"
    verbose_name = _("成效")
