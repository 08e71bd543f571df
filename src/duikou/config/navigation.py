"""The main navigation: one list, read by the base template (DESIGN.md layout)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str  # a Tabler icon name, drawn as a CSS mask-free text glyph fallback
    permission: str | None = None  # shown only to users who hold it (the page answers 403 to the rest)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION = [
    NavItem(_("概览"), "dashboards:overview", "dashboard"),
    NavItem(_("援疆省市"), "dashboards:supporter_list", "flag"),
    NavItem(_("项目"), "projects:project_list", "building"),
    NavItem(_("年度计划"), "plans:plan_list", "clipboard-list"),
    NavItem(_("资金台账"), "funds:entry_list", "cash"),
    NavItem(_("资金对账"), "funds:reconciliation", "scale"),
    NavItem(_("结账期间"), "funds:period_list", "lock"),
    NavItem(_("干部人才"), "talent:assignment_list", "users"),
    NavItem(_("成效"), "outcomes:measurement_list", "chart-bar"),
    NavItem(_("核查发现"), "findings:finding_list", "alert-triangle", permission="checks.view_finding"),
    NavItem(_("疑似重复"), "checks:duplicate_list", "copy"),
    NavItem(_("结对关系"), "pairings:pairing_list", "link"),
    NavItem(_("行政区划"), "geo:division_list", "map"),
    NavItem(_("单位"), "parties:organization_list", "building-community"),
    NavItem(_("审计日志"), "audit:change_list", "history", permission="core.view_objectchange"),
]
