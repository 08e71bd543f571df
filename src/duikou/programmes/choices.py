from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyMetric(models.TextChoices):
    """Metrics a policy target can constrain; each is a query in dashboards/queries.py."""

    LIVELIHOOD_SHARE = "livelihood_share", _("民生投入占比")
    GRASSROOTS_SHARE = "grassroots_share", _("基层投入占比")
    SOUTH_SHARE = "south_share", _("南疆投入占比")
    ARRIVAL_RATE = "arrival_rate", _("资金到位率")
    START_RATE = "start_rate", _("开工率")
    COMPLETION_RATE = "completion_rate", _("完工率")
    CADRE_TERM_MONTHS = "cadre_term_months", _("干部任期（月）")
    PROFESSIONAL_TERM_MONTHS = "professional_term_months", _("专业技术人才任期（月）")


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    LTE = "lte", "≤"
    EQ = "eq", "="
