from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "duikou.programmes"
    label = "programmes"
    verbose_name = _("援助计划与分类")
