"""Activities written one by one into a streamed XML document."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from lxml import etree

from duikou.core.money import format_amount
from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.geo.choices import DivisionLevel
from duikou.geo.models import Division
from duikou.parties.choices import OrganizationKind
from duikou.parties.models import Organization
from duikou.programmes.models import Category, Programme
from duikou.projects.choices import ConstructionType, DeliveryMode, ProjectStatus
from duikou.projects.models import Project

from .codes import (
    ACCOUNTABLE,
    ACTIVITY_HAPPENS_HERE,
    ACTIVITY_STATUS,
    ACTUAL_END,
    ACTUAL_START,
    ADMINISTRATIVE_REGION,
    CHUNK_SIZE,
    CURRENCY,
    CUSTOM_VOCABULARY,
    FLUSH_BYTES,
    FUNDING,
    IATI_VERSION,
    IMPLEMENTING,
    INCOMING_COMMITMENT,
    INCOMING_FUNDS,
    INDICATIVE_STATUSES,
    INTERNAL_IDENTIFIER,
    ISO_COUNTRY,
    LANGUAGE,
    ORGANISATION_TYPE,
    PLANNED_END,
    PLANNED_START,
    RECIPIENT_COUNTRY,
    STANDARD_GRANT,
    TRANSACTION_TYPE,
    WGS84,
    XML_LANG,
)
from .elements import Party, amount_text, clean_text, narrative, org_element, with_narrative
from .organisations import government_name, organization_ref, reporting_organization
from .scope import EmptyScope, IatiScope
from .vocabularies import vocabulary_uris

# What the export reads: only these columns (the projects' and entries' other columns stay in the database).
_ENTRY_FIELDS = (
    "pk",
    "project_id",
    "kind",
    "amount",
    "value_date",
    "note",
    "document_reference",
    "reverses_id",
)
_PROJECT_FIELDS = [
    "id",
    "code",
    "name",
    "description",
    "programme_id",
    "supporter_id",
    "division_id",
    "category_id",
    "delivery_mode",
    "construction_type",
    "plan_year",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "status",
    "total_investment",
    "aid_amount",
    "local_matching",
    "other_funding",
    "latitude",
    "longitude",
    "last_updated",
]


@dataclass
class ExportCounts:
    activities: int = 0
    transactions: int = 0
    budgets: int = 0


class ActivityWriter:
    """Builds `<iati-activity>` elements; everything it looks up is read once, when it is made."""

    def __init__(self, programme: Programme, *, reporter: Organization, vocabularies: dict[str, str]):
        self.reporter = self.party(reporter)
        self.reporter_pk = reporter.pk
        self.vocabularies = vocabularies
        self.organizations = {o.pk: o for o in Organization.objects.all()}
        self.divisions = {d.pk: d for d in Division.objects.select_related("parent")}
        self.categories = {c.pk: c for c in Category.objects.filter(programme=programme)}
        self.governments = {
            o.home_division_id: o
            for o in self.organizations.values()
            if o.kind == OrganizationKind.RECIPIENT_GOVERNMENT and o.home_division_id
        }
        # A supporter's front headquarters builds its turnkey projects: found through the province.
        self.front_hqs = {
            o.parent_id: o for o in self.organizations.values() if o.kind == OrganizationKind.FRONT_HQ
        }
        with translation.override("zh-hans"):
            self.labels = {
                **{choice: str(label) for choice, label in EntryKind.choices},
                **{choice: str(label) for choice, label in DeliveryMode.choices},
                **{choice: str(label) for choice, label in ConstructionType.choices},
                **{choice: str(label) for choice, label in ProjectStatus.choices},
            }

    def party(self, organization: Organization) -> Party:
        return Party(
            organization_ref(organization),
            ORGANISATION_TYPE.get(organization.kind),
            organization.name,
            organization.pk,
        )

    def recipient_government(self, division: Division) -> Party:
        if division.pk in self.governments:
            return self.party(self.governments[division.pk])
        return Party(
            f"{settings.IATI_ORG_PREFIX}-GOV-{division.code}",
            ORGANISATION_TYPE[OrganizationKind.RECIPIENT_GOVERNMENT],
            government_name(division),
        )

    def implementer(self, project: Project, supporter: Organization, government: Party) -> Party:
        """交钥匙: the supporter builds (its front HQ when it has one); 交支票: the recipient builds."""
        if project.delivery_mode != DeliveryMode.TURNKEY:
            return government
        node = supporter
        while node is not None:
            if node.pk in self.front_hqs:
                return self.party(self.front_hqs[node.pk])
            node = self.organizations.get(node.parent_id)
        return self.party(supporter)

    def activity(self, project: Project, entries: list[dict]) -> etree._Element:
        """One `<iati-activity>`: the project, its parties, dates, place, category, budget and ledger."""
        supporter = self.organizations[project.supporter_id]
        division = self.divisions[project.division_id]
        category = self.categories[project.category_id]
        funder = self.party(supporter)
        government = self.recipient_government(division)
        implementer = self.implementer(project, supporter, government)
        updated = max([project.last_updated, *(entry["created"] for entry in entries)])

        activity = etree.Element(
            "iati-activity",
            {
                XML_LANG: LANGUAGE,
                "default-currency": CURRENCY,
                "last-updated-datetime": updated.isoformat(timespec="seconds"),
            },
        )
        etree.SubElement(activity, "iati-identifier").text = clean_text(f"{self.reporter.ref}-{project.code}")
        is_secondary = self.reporter_pk not in {funder.pk, implementer.pk, government.pk, supporter.parent_id}
        org_element(
            activity, "reporting-org", self.reporter, **{"secondary-reporter": "1" if is_secondary else "0"}
        )
        with_narrative(activity, "title", project.name)
        summary = self.summary(project, supporter, division, category)
        with_narrative(activity, "description", project.description or summary, type="1")
        if project.description:
            with_narrative(activity, "description", summary, type="4")
        org_element(activity, "participating-org", funder, role=FUNDING)
        org_element(activity, "participating-org", government, role=ACCOUNTABLE)
        org_element(activity, "participating-org", implementer, role=IMPLEMENTING)
        other = etree.SubElement(
            activity, "other-identifier", ref=clean_text(project.code), type=INTERNAL_IDENTIFIER
        )
        org_element(other, "owner-org", Party(self.reporter.ref, None, self.reporter.name))
        etree.SubElement(activity, "activity-status", code=ACTIVITY_STATUS[project.status])
        self.dates(activity, project)
        etree.SubElement(activity, "recipient-country", code=RECIPIENT_COUNTRY, percentage="100")
        self.locations(activity, project, division)
        sector = with_narrative(
            activity, "sector", category.name, vocabulary=CUSTOM_VOCABULARY, code=category.code
        )
        sector.set("vocabulary-uri", self.vocabularies["categories"])
        sector.set("percentage", "100")
        # The division and the divisions above it (below the region), as codes a reader can filter on.
        node = division
        while node is not None and node.level != DivisionLevel.REGION:
            tag = with_narrative(
                activity, "tag", node.full_name, vocabulary=CUSTOM_VOCABULARY, code=node.code
            )
            tag.set("vocabulary-uri", self.vocabularies["divisions"])
            node = self.divisions.get(node.parent_id)
        etree.SubElement(activity, "default-finance-type", code=STANDARD_GRANT)
        if project.aid_amount:
            start = datetime.date(project.plan_year, 1, 1)
            budget = etree.SubElement(
                activity, "budget", type="1", status="1" if project.status in INDICATIVE_STATUSES else "2"
            )
            etree.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
            etree.SubElement(budget, "period-end", {"iso-date": f"{project.plan_year}-12-31"})
            value = etree.SubElement(budget, "value", {"currency": CURRENCY, "value-date": start.isoformat()})
            value.text = amount_text(project.aid_amount)
        for entry in entries:
            self.transaction(activity, entry, funder=funder, holder=implementer)
        return activity

    def summary(self, project, supporter, division, category) -> str:
        """The project's facts in one sentence, for the description (the registry's own wording)."""
        amounts = "，".join(
            f"{label} {format_amount(value, '万元')}"
            for label, value in (
                ("地方配套", project.local_matching),
                ("其他资金", project.other_funding),
            )
            if value
        )
        return (
            f"{supporter.name}援建，受援地{division.full_name}；{category.name}；"
            f"{self.labels[project.construction_type]}，{self.labels[project.delivery_mode]}；"
            f"计划年度 {project.plan_year}；状态：{self.labels[project.status]}；"
            f"总投资 {format_amount(project.total_investment, '万元')}，"
            f"其中援助资金 {format_amount(project.aid_amount, '万元')}"
            + (f"，{amounts}" if amounts else "")
            + "。"
        )

    @staticmethod
    def locations(activity, project: Project, division: Division) -> None:
        """The division as an administrative region in China; the project's own point when it has one."""
        area = etree.SubElement(activity, "location", ref=division.code)
        etree.SubElement(area, "location-reach", code=ACTIVITY_HAPPENS_HERE)
        with_narrative(area, "name", division.full_name)
        etree.SubElement(area, "administrative", vocabulary=ISO_COUNTRY, level="0", code=RECIPIENT_COUNTRY)
        etree.SubElement(area, "location-class", code=ADMINISTRATIVE_REGION)
        if project.latitude is not None and project.longitude is not None:
            site = etree.SubElement(activity, "location")
            etree.SubElement(site, "location-reach", code=ACTIVITY_HAPPENS_HERE)
            with_narrative(site, "name", project.name)
            point = etree.SubElement(site, "point", srsName=WGS84)
            etree.SubElement(point, "pos").text = f"{project.latitude} {project.longitude}"

    @staticmethod
    def dates(activity, project: Project) -> None:
        """Planned and actual start and end; a start from the plan year when none is recorded."""
        if project.planned_start is None and project.actual_start is None:
            # IATI requires a start date: the plan year is what is known, and the narrative says so.
            element = etree.SubElement(
                activity, "activity-date", {"type": PLANNED_START, "iso-date": f"{project.plan_year}-01-01"}
            )
            narrative(element, f"计划年度 {project.plan_year}（未填开工日期）")
        for code, value in (
            (PLANNED_START, project.planned_start),
            (ACTUAL_START, project.actual_start),
            (PLANNED_END, project.planned_end),
            (ACTUAL_END, project.actual_end),
        ):
            if value is not None:
                etree.SubElement(activity, "activity-date", {"type": code, "iso-date": value.isoformat()})

    def transaction(self, activity, entry: dict, *, funder: Party, holder: Party) -> None:
        code, sign = TRANSACTION_TYPE[entry["kind"]]
        element = etree.SubElement(activity, "transaction", ref=str(entry["pk"]))
        etree.SubElement(element, "transaction-type", code=code)
        date = entry["value_date"].isoformat()
        etree.SubElement(element, "transaction-date", {"iso-date": date})
        value = etree.SubElement(element, "value", {"currency": CURRENCY, "value-date": date})
        value.text = amount_text(sign * entry["amount"])
        with_narrative(element, "description", self.entry_description(entry))
        if code in (INCOMING_COMMITMENT, INCOMING_FUNDS):
            org_element(element, "provider-org", funder)
            org_element(element, "receiver-org", holder)
        else:  # disbursed to the implementing unit, or spent: the holder of the funds pays
            org_element(element, "provider-org", holder)

    def entry_description(self, entry: dict) -> str:
        parts = [self.labels[entry["kind"]]]
        if entry["reverses_id"]:
            parts.append(f"冲正第 {entry['reverses_id']} 号分录")
        if entry["note"]:
            parts.append(entry["note"])
        if entry["document_reference"]:
            parts.append(f"文号 {entry['document_reference']}")
        return " · ".join(parts)


def _chunks(iterable, size: int):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def activities(scope: IatiScope, writer: ActivityWriter, counts: ExportCounts) -> Iterator[etree._Element]:
    """The scope's activities in project-code order, built a chunk of projects at a time."""
    projects = scope.projects().only(*_PROJECT_FIELDS).order_by("code")
    for chunk in _chunks(projects.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        entries: dict[int, list[dict]] = defaultdict(list)
        rows = (
            LedgerEntry.objects.filter(project__in=[project.pk for project in chunk])
            .order_by("project_id", "value_date", "pk")
            .values_list(*_ENTRY_FIELDS, "created")
        )
        for row in rows:
            entries[row[1]].append(dict(zip((*_ENTRY_FIELDS, "created"), row, strict=True)))
        for project in chunk:
            element = writer.activity(project, entries.get(project.pk, []))
            counts.activities += 1
            counts.transactions += len(entries.get(project.pk, []))
            counts.budgets += 1 if project.aid_amount else 0
            yield element


class _Sink:
    """A file-like object collecting what `xmlfile` writes, handed on in pieces."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


@dataclass
class IatiExport:
    """One export: its scope, where its vocabularies live, and what it wrote (`counts`)."""

    scope: IatiScope
    base_url: str = ""
    generated: datetime.datetime = field(default_factory=timezone.now)
    counts: ExportCounts = field(default_factory=ExportCounts)

    def chunks(self) -> Iterator[bytes]:
        """The XML document as bytes, in pieces of about FLUSH_BYTES, as it is written.

        Raises:
            ScopeError: no reporting organisation can be determined (before anything is written).
            EmptyScope: no project matches; the schema wants at least one activity.
        """
        if not self.scope.projects().exists():
            raise EmptyScope(gettext_noop("所选范围内没有项目；IATI 文件至少要有一个活动。"))
        writer = ActivityWriter(
            self.scope.programme,
            reporter=reporting_organization(),
            vocabularies=vocabulary_uris(self.scope.programme, self.base_url),
        )
        return self._write(writer)

    def _write(self, writer: ActivityWriter) -> Iterator[bytes]:
        sink = _Sink()
        attributes = {
            "version": IATI_VERSION,
            "generated-datetime": self.generated.isoformat(timespec="seconds"),
        }
        with etree.xmlfile(sink, encoding="utf-8") as xml:
            xml.write_declaration()
            with xml.element("iati-activities", attributes):
                xml.write("\n")
                for element in activities(self.scope, writer, self.counts):
                    xml.write(element, pretty_print=True)
                    if sink.size >= FLUSH_BYTES:
                        xml.flush()
                        yield sink.take()
        yield sink.take()

    def write_to(self, stream) -> ExportCounts:
        """Write the whole document into a binary file object; returns the counts."""
        for chunk in self.chunks():
            stream.write(chunk)
        return self.counts
