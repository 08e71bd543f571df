from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    """The reference data every deployment starts from (no models of its own)."""

    name = "duikou.reference"
    label = "reference"
    verbose_name = _("参考数据")
