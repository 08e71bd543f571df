from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.TextChoices):
    REGION = "region", _("自治区")
    PREFECTURE = "prefecture", _("地州市")
    COUNTY = "county", _("县市区")
    XPCC_DIVISION = "xpcc_division", _("兵团师市")
    REGIMENT = "regiment", _("团场")
    TOWNSHIP = "township", _("乡镇")


class Zone(models.TextChoices):
    """南疆 = 喀什, 和田, 阿克苏, 克州, 巴州; 东疆 = 吐鲁番, 哈密; the rest 北疆 (DOMAIN.md)."""

    SOUTH = "south", _("南疆")
    NORTH = "north", _("北疆")
    EAST = "east", _("东疆")
