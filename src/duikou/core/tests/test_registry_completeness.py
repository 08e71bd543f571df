"""Mechanical completeness checks of the registries (STYLE.md 19).

- Every list page reads a constant number of queries however many rows it shows: the count with
  25 rows per page equals the count with 200, with every column chosen (so every `select_related`
  a column needs is exercised). A failure lists the queries the larger page added.
- Every model field that matters has a filter in its registry's FilterSet (NetBox's
  `utilities/testing/filtersets.py::test_missing_filters`): a field is either filtered, searched by
  `q`, or listed below with the reason it has no filter.
"""

import datetime
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duikou.funds.filtersets import LedgerEntryFilterSet
from duikou.funds.models import LedgerEntry
from duikou.funds.tables import LedgerEntryTable
from duikou.geo.choices import DivisionLevel, Zone
from duikou.geo.filtersets import DivisionFilterSet
from duikou.geo.models import Division
from duikou.geo.tables import DivisionTable
from duikou.outcomes.filtersets import MeasurementFilterSet
from duikou.outcomes.models import Measurement
from duikou.outcomes.tables import MeasurementTable
from duikou.pairings.filtersets import PairingFilterSet
from duikou.pairings.models import Pairing
from duikou.pairings.tables import PairingTable
from duikou.parties.choices import OrganizationKind
from duikou.parties.filtersets import OrganizationFilterSet
from duikou.parties.models import Organization
from duikou.parties.tables import OrganizationTable
from duikou.programmes.models import Batch
from duikou.projects.filtersets import ProjectFilterSet
from duikou.projects.models import Project
from duikou.projects.tables import ProjectTable
from duikou.talent.filtersets import AssignmentFilterSet
from duikou.talent.models import Assignment
from duikou.talent.tables import AssignmentTable
from duikou.testing import (
    make_county,
    make_indicator,
    make_prefecture,
    make_programme,
    make_project,
    make_supporter,
    make_user,
    project_fields,
    results_table,
)

pytestmark = pytest.mark.django_db

MANY = 201  # more rows than the largest page, so both page sizes are full


@pytest.fixture
def signed_in(client):
    client.force_login(make_user("officer"))
    return client


# --- rows, made cheaply (bulk_create is change-logged too) ------------------------------------------


def many_projects():
    fields = project_fields()
    Project.objects.bulk_create(Project(**{**fields, "code": f"QC-{number:04d}"}) for number in range(MANY))


def many_entries():
    project = make_project()
    common = {
        "programme": project.programme,
        "supporter": project.supporter,
        "division": project.division,
        "kind": "arrived",
        "value_date": datetime.date(2024, 3, 1),
        "fiscal_year": 2024,
    }
    # Every other entry is unallocated: the project columns show "—" for those.
    LedgerEntry.objects.bulk_create(
        LedgerEntry(project=project if number % 2 else None, amount=Decimal(1000 + number), **common)
        for number in range(MANY)
    )


def many_assignments():
    programme = make_programme()
    batch = Batch.objects.create(
        programme=programme,
        number=11,
        name="第十一批",
        starts=datetime.date(2023, 2, 1),
        ends=datetime.date(2026, 1, 31),
    )
    common = {
        "programme": programme,
        "batch": batch,
        "kind": "cadre",
        "sending_organization": "上海市卫生健康委员会",
        "supporter": make_supporter(),
        "host_division": make_county(),
        "host_unit": "莎车县人民医院",
        "start_date": datetime.date(2023, 2, 15),
        "planned_end": datetime.date(2026, 2, 14),
    }
    Assignment.objects.bulk_create(
        Assignment(person_name=f"干部{number}", **common) for number in range(MANY)
    )


def many_measurements():
    project = make_project()
    indicator = make_indicator()
    first = datetime.date(2024, 1, 1)
    Measurement.objects.bulk_create(
        Measurement(
            indicator=indicator,
            project=project if number % 2 else None,
            division=project.division,
            supporter=project.supporter,
            period_start=first + datetime.timedelta(days=number),
            period_end=first + datetime.timedelta(days=number),
            value=Decimal(number),
        )
        for number in range(MANY)
    )


def many_pairings():
    programme, supporter, county = make_programme(), make_supporter(), make_county()
    Pairing.objects.bulk_create(
        Pairing(
            programme=programme,
            supporter=supporter,
            division=county,
            since=datetime.date(2000, 1, 1) + datetime.timedelta(days=number),
        )
        for number in range(MANY)
    )


def many_divisions():
    prefecture = make_prefecture()
    Division.objects.bulk_create(
        Division(
            code=f"T{number:05d}",
            name=f"测试县{number}",
            level=DivisionLevel.COUNTY,
            parent=prefecture,
            zone=Zone.SOUTH,
        )
        for number in range(MANY)
    )


def many_organizations():
    shanghai, county = make_supporter(), make_county()
    Organization.objects.bulk_create(
        Organization(
            name=f"测试区{number}",
            kind=OrganizationKind.SUPPORTING_CITY,
            parent=shanghai,
            home_division=county,
            aliases=[f"测试{number}"],
        )
        for number in range(MANY)
    )


LIST_PAGES = [
    ("projects:project_list", ProjectTable, many_projects),
    ("funds:entry_list", LedgerEntryTable, many_entries),
    ("talent:assignment_list", AssignmentTable, many_assignments),
    ("outcomes:measurement_list", MeasurementTable, many_measurements),
    ("pairings:pairing_list", PairingTable, many_pairings),
    ("geo:division_list", DivisionTable, many_divisions),
    ("parties:organization_list", OrganizationTable, many_organizations),
]


@pytest.mark.parametrize(("url_name", "table", "make_rows"), LIST_PAGES, ids=[page[0] for page in LIST_PAGES])
def test_list_page_query_count_does_not_grow_with_the_page_size(signed_in, url_name, table, make_rows):
    make_rows()
    url = reverse(url_name)
    every_column = {"columns": table.column_names()}
    signed_in.get(url, {**every_column, "per_page": 25})  # the session row exists from here on

    with CaptureQueriesContext(connection) as small:
        small_page = signed_in.get(url, {**every_column, "per_page": 25})
    with CaptureQueriesContext(connection) as large:
        large_page = signed_in.get(url, {**every_column, "per_page": 200})

    assert small_page.status_code == large_page.status_code == 200
    assert len(results_table(small_page).rows) == 25
    assert len(results_table(large_page).rows) == 200
    assert results_table(large_page).headers == [str(column.label) for column in table.columns]
    assert len(large) == len(small), "queries the larger page repeats:\n" + "\n".join(repeated(small, large))


def repeated(small, large) -> list[str]:
    """The query shapes (literals blanked) the larger page runs more often than the smaller one."""

    def shapes(captured):
        return Counter(
            re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", query["sql"])[:300] for query in captured
        )

    return [
        f"{count}× {shape}"
        for shape, count in (shapes(large.captured_queries) - shapes(small.captured_queries)).items()
    ]


# --- every field filtered, searched, or deliberately left out -------------------------------------

# Fields the base models give every curated or logged model.
COMMON_UNFILTERED = {
    "created": "bookkeeping: when the row was keyed in; the list sorts and exports it where it matters",
    "last_updated": "bookkeeping; the change log answers 'what changed lately'",
    "comments": "internal notes, read on the row's own page",
    "description": "free prose; searched by q where it names things (projects)",
}

UNFILTERED = {
    Project: {
        "planned_start": "the lifecycle is filtered by status; the dates are columns to sort and export",
        "actual_start": "as planned_start: 在建 and later statuses say it started",
        "actual_end": "as planned_start: 完工 and later statuses say it ended",
        "accepted_on": "as planned_start: 验收 and 移交 say it was accepted",
        "local_matching": "援助资金 and 总投资 ranges answer the money questions; it is a column",
        "other_funding": "as local_matching",
        "latitude": "a position on the map, not a selection criterion",
        "longitude": "as latitude",
    },
    LedgerEntry: {},
    Assignment: {
        "planned_end": "in_post / in_post_on select by the term (actual end, else planned end)",
        "actual_end": "as planned_end",
    },
    Measurement: {
        "period_start": "years select on period_end, the date a value is reported for",
        "value": "values of different indicators are in different units: one range over all means nothing",
    },
    Pairing: {
        "since": "is_active selects the pairings in force today; the dates are columns",
        "until": "as since",
    },
    Division: {
        "valid_from": "retired divisions stay for old data (FormerCode resolves their codes); a column",
        "valid_to": "as valid_from",
        "source": "provenance text, read on the row",
    },
    Organization: {
        "aliases": "searched by q, matched in Python (OrganizationFilterSet.search: JSON on SQLite)",
    },
}

REGISTRY_FILTERSETS = [
    ProjectFilterSet,
    LedgerEntryFilterSet,
    AssignmentFilterSet,
    MeasurementFilterSet,
    PairingFilterSet,
    DivisionFilterSet,
    OrganizationFilterSet,
]


def covered_fields(filterset_class) -> set[str]:
    """Model fields a filter selects on (its field_name's first step) or `q` searches.

    Method filters name no field (their field_name is the filter's own name); what they cover is
    listed in UNFILTERED with the filter that covers it.
    """
    covered = {
        declared.field_name.split("__")[0]
        for declared in filterset_class.base_filters.values()
        if declared.method is None
    }
    covered |= {lookup.split("__")[0] for lookup in filterset_class.search_fields}
    return {name.removesuffix("_id") for name in covered}


def model_fields(model) -> set[str]:
    # The primary key is how a row is opened, never a filter.
    return {field.name for field in model._meta.concrete_fields if not field.primary_key}


@pytest.mark.parametrize("filterset_class", REGISTRY_FILTERSETS, ids=lambda cls: cls.__name__)
def test_every_model_field_has_a_filter_or_a_reason(filterset_class):
    model = filterset_class._meta.model
    unfiltered = {**COMMON_UNFILTERED, **UNFILTERED[model]}

    missing = model_fields(model) - covered_fields(filterset_class) - set(unfiltered)

    assert not missing, f"{model.__name__}: no filter for {sorted(missing)}; add one or list it in UNFILTERED"


@pytest.mark.parametrize("filterset_class", REGISTRY_FILTERSETS, ids=lambda cls: cls.__name__)
def test_fields_listed_without_a_filter_are_real_and_still_unfiltered(filterset_class):
    """The list shrinks when a filter arrives: a stale entry would hide the next missing one."""
    model = filterset_class._meta.model
    fields, covered = model_fields(model), covered_fields(filterset_class)
    listed = set(UNFILTERED[model])  # COMMON_UNFILTERED is shared: searched on some models, not others

    assert listed <= fields, f"{model.__name__}: not fields: {sorted(listed - fields)}"
    assert not listed & covered, f"{model.__name__}: filtered after all: {sorted(listed & covered)}"
