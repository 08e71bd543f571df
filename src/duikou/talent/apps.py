from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "duikou.talent"
    label = "talent"
    verbose_name = _("干部人才")
