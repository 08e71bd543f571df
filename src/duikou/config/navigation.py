"""The main navigation: one list, read by the base template (DESIGN.md layout).

Entries point at pages that exist today; registries that are still served by
the admin link there until their own pages land (issue 3, item 4).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str  # a Tabler icon name, drawn as a CSS mask-free text glyph fallback

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION = [
    NavItem(_("概览"), "dashboards:overview", "dashboard"),
    NavItem(_("援疆省市"), "dashboards:supporter_list", "flag"),
    NavItem(_("项目"), "admin:projects_project_changelist", "building"),
    NavItem(_("资金台账"), "admin:funds_ledgerentry_changelist", "cash"),
    NavItem(_("干部人才"), "admin:talent_assignment_changelist", "users"),
    NavItem(_("成效"), "admin:outcomes_measurement_changelist", "chart-bar"),
    NavItem(_("结对关系"), "admin:pairings_pairing_changelist", "link"),
    NavItem(_("行政区划"), "admin:geo_division_changelist", "map"),
    NavItem(_("单位"), "admin:parties_organization_changelist", "building-community"),
]
