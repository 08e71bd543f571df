from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    SUPPORTING_PROVINCE = "supporting_province", _("援疆省市")
    SUPPORTING_CITY = "supporting_city", _("援疆地市（区）")
    FRONT_HQ = "front_hq", _("前方指挥部")
    CENTRAL_SOE = "central_soe", _("中央企业")
    CENTRAL_MINISTRY = "central_ministry", _("中央部委")
    RECIPIENT_GOVERNMENT = "recipient_government", _("受援地政府")
    COORDINATION_OFFICE = "coordination_office", _("援疆协调办公室")
    IMPLEMENTING_UNIT = "implementing_unit", _("实施单位")


# Kinds that may be the supporter of a project or pairing.
SUPPORTER_KINDS = (
    OrganizationKind.SUPPORTING_PROVINCE,
    OrganizationKind.SUPPORTING_CITY,
    OrganizationKind.CENTRAL_SOE,
    OrganizationKind.CENTRAL_MINISTRY,
)
