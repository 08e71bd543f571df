"""Who is who in the export: identifiers of organisations, recipient governments, the reporter."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_noop

from duikou.geo.choices import DivisionLevel
from duikou.geo.models import Division
from duikou.parties.choices import OrganizationKind
from duikou.parties.models import Organization, OrganizationResolver

from .scope import ScopeError


def organization_ref(organization: Organization) -> str:
    """A registered identifier from settings (CN-USCC-…) when one is configured, else our own."""
    refs = settings.IATI_ORG_REFS
    for name in (organization.name, organization.short_name):
        if name and refs.get(name):
            return refs[name]
    return f"{settings.IATI_ORG_PREFIX}-{organization.pk}"


def government_name(division: Division) -> str:
    """The recipient government of a division, named as its documents name it."""
    if division.is_xpcc:
        return f"新疆生产建设兵团{division.full_name}"
    if division.level == DivisionLevel.PREFECTURE and division.name.endswith("地区"):
        return f"{division.name}行政公署"  # a 地区 is governed by an office of the region
    return f"{division.full_name}人民政府"


def reporting_organization() -> Organization:
    """The organisation that publishes: DUIKOU_IATI_REPORTING_ORG, or the one coordination office."""
    if settings.IATI_REPORTING_ORG:
        organization, _message = OrganizationResolver().resolve(settings.IATI_REPORTING_ORG)
        if organization is None:
            raise ScopeError(
                gettext_noop("找不到报告单位“{value}”（DUIKOU_IATI_REPORTING_ORG）。"),
                value=settings.IATI_REPORTING_ORG,
            )
        return organization
    offices = list(Organization.objects.filter(kind=OrganizationKind.COORDINATION_OFFICE)[:2])
    if len(offices) != 1:
        raise ScopeError(gettext_noop("无法确定报告单位：请在 DUIKOU_IATI_REPORTING_ORG 中填写单位名称。"))
    return offices[0]
