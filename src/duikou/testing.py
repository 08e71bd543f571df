"""Factories for tests: a small, consistent world to build on.

The world (every helper creates what it needs, once, and returns the same rows
when called again):

- region 650000 新疆维吾尔自治区 → prefecture 653100 喀什地区 (南疆) → county 653125 莎车县
- supporter 上海市 (援疆省市), paired with 莎车县 since 2010-01-01
- programme 援疆 with one category, 民生 (counts as livelihood)

`make_*` saves; `build_*` returns an unsaved instance for tests of `clean()`.
Every write needs a change context, which `conftest.py` opens for each test.
"""

from __future__ import annotations

import datetime
import itertools
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from duikou.accounts.choices import Role
from duikou.accounts.models import Membership
from duikou.core.models import ObjectChange
from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.geo.choices import DivisionLevel, Zone
from duikou.geo.models import Division, short_name_of
from duikou.outcomes.models import Indicator, Measurement
from duikou.pairings.models import Pairing
from duikou.parties.choices import OrganizationKind
from duikou.parties.models import Organization
from duikou.programmes.models import Category, Programme
from duikou.projects.models import Project
from duikou.talent.choices import AssignmentKind
from duikou.talent.models import Assignment

PAIRED_SINCE = datetime.date(2010, 1, 1)
# Django's "This field is required." in the active language. Which catalogue supplies the Chinese
# (Django's 这个字段是必填项 or Django REST framework's 该字段是必填项) depends on the installed apps.
REQUIRED = gettext_lazy("This field is required.")
PLAN_YEAR = 2024

_project_numbers = itertools.count(1)


def make_user(username: str = "officer", *, role: str | None = Role.AUDITOR, organization=None, **fields):
    """A user with a membership in `role` (default: an auditor, who reads every row and changes nothing,
    so a test gives the write permissions it means to test); `role=None` for a user of no organization,
    who reaches no rows (core/scoping.py)."""
    user, _ = get_user_model().objects.get_or_create(username=username, defaults=fields)
    if role is not None:
        Membership.objects.update_or_create(user=user, defaults={"role": role, "organization": organization})
        user = get_user_model().objects.get(pk=user.pk)  # fresh: no membership or permissions cached
    return user


def make_division(
    code: str, name: str, *, level: str, parent: Division | None = None, zone: str = "", **fields
) -> Division:
    """The division with `code`, created with the given attributes if it does not exist yet."""
    defaults = {
        "name": name,
        "short_name": short_name_of(name),
        "level": level,
        "parent": parent,
        "zone": zone,
    }
    division, _ = Division.objects.get_or_create(code=code, defaults={**defaults, **fields})
    return division


def make_region() -> Division:
    return make_division("650000", "新疆维吾尔自治区", level=DivisionLevel.REGION, short_name="新疆")


def make_prefecture() -> Division:
    return make_division(
        "653100", "喀什地区", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.SOUTH
    )


def make_county() -> Division:
    return make_division(
        "653125", "莎车县", level=DivisionLevel.COUNTY, parent=make_prefecture(), zone=Zone.SOUTH
    )


def make_programme() -> Programme:
    programme, _ = Programme.objects.get_or_create(
        code="xinjiang", defaults={"name": "援疆", "short_name": "援疆", "region": make_region()}
    )
    return programme


def make_category(programme: Programme | None = None) -> Category:
    category, _ = Category.objects.get_or_create(
        programme=programme or make_programme(),
        code="livelihood",
        defaults={"name": "民生", "short_name": "民生", "counts_as_livelihood": True},
    )
    return category


def make_supporter(
    name: str = "上海市",
    *,
    kind: str = OrganizationKind.SUPPORTING_PROVINCE,
    parent: Organization | None = None,
    **fields,
) -> Organization:
    supporter, _ = Organization.objects.get_or_create(
        name=name, defaults={"kind": kind, "parent": parent, **fields}
    )
    return supporter


def make_pairing(
    supporter: Organization | None = None,
    division: Division | None = None,
    *,
    since: datetime.date | None = PAIRED_SINCE,
    until: datetime.date | None = None,
    programme: Programme | None = None,
    **fields,
) -> Pairing:
    pairing, _ = Pairing.objects.get_or_create(
        programme=programme or make_programme(),
        supporter=supporter or make_supporter(),
        division=division or make_county(),
        since=since,
        defaults={"until": until, **fields},
    )
    return pairing


def project_fields(**overrides) -> dict:
    """Fields of a valid project of 上海市 in 莎车县, 总投资 100 万 = 80 万 援助 + 20 万 配套."""
    make_pairing()
    fields = {
        "programme": make_programme(),
        "code": f"TEST-{next(_project_numbers):04d}",
        "name": "莎车县人民医院门诊楼",
        "supporter": make_supporter(),
        "division": make_county(),
        "category": make_category(),
        "plan_year": PLAN_YEAR,
        "total_investment": Decimal("1000000.00"),
        "aid_amount": Decimal("800000.00"),
        "local_matching": Decimal("200000.00"),
        "other_funding": Decimal("0.00"),
    }
    fields.update(overrides)
    return fields


def build_project(**overrides) -> Project:
    return Project(**project_fields(**overrides))


def make_project(**overrides) -> Project:
    return Project.objects.create(**project_fields(**overrides))


def make_entry(
    project: Project | None = None,
    *,
    kind: str = EntryKind.ARRIVED,
    amount="100000.00",
    value_date: datetime.date = datetime.date(PLAN_YEAR, 3, 1),
    **fields,
) -> LedgerEntry:
    """A ledger entry written directly (not through `funds.services.post_entry`)."""
    project = project or make_project()
    defaults = {
        "programme": project.programme,
        "supporter": project.supporter,
        "division": project.division,
        "fiscal_year": value_date.year,
    }
    return LedgerEntry.objects.create(
        project=project, kind=kind, amount=Decimal(amount), value_date=value_date, **{**defaults, **fields}
    )


def make_assignment(**overrides) -> Assignment:
    """A cadre of 上海市 in 莎车县, 2023-02-15 to 2026-02-14 (a three-year term), not yet ended."""
    fields = {
        "programme": make_programme(),
        "person_name": "张伟",
        "kind": AssignmentKind.CADRE,
        "sending_organization": "上海市卫生健康委员会",
        "supporter": make_supporter(),
        "host_division": make_county(),
        "host_unit": "莎车县人民医院",
        "post": "副院长",
        "start_date": datetime.date(2023, 2, 15),
        "planned_end": datetime.date(2026, 2, 14),
    }
    fields.update(overrides)
    return Assignment.objects.create(**fields)


def make_indicator(code: str = "jobs", name: str = "带动就业", unit: str = "人", **fields) -> Indicator:
    indicator, _ = Indicator.objects.get_or_create(
        code=code, defaults={"name": name, "unit": unit, "programme": make_programme(), **fields}
    )
    return indicator


def make_measurement(project: Project | None = None, **overrides) -> Measurement:
    """120 人 of 带动就业 in PLAN_YEAR; for `project` (its supporter and division) when one is given."""
    fields = {
        "indicator": make_indicator(),
        "project": project,
        "division": project.division if project else make_county(),
        "supporter": project.supporter if project else make_supporter(),
        "period_start": datetime.date(PLAN_YEAR, 1, 1),
        "period_end": datetime.date(PLAN_YEAR, 12, 31),
        "value": Decimal("120"),
    }
    fields.update(overrides)
    return Measurement.objects.create(**fields)


# --- reading registry pages --------------------------------------------------------------------------


class ResultsTable:
    """The results table of a registry page as the user sees it: header labels, and per row its
    primary key and the text of each cell (`links` keeps each cell's link target, or None)."""

    def __init__(self, headers: list[str], pks: list[int], rows: list[list[str]], links: list[list]):
        self.headers, self.pks, self.rows, self.links = headers, pks, rows, links

    def column(self, label: str) -> list[str]:
        index = self.headers.index(label)
        return [row[index] for row in self.rows]


class _ResultsParser(HTMLParser):
    def __init__(self, role: str):
        super().__init__()
        self.role = role
        self.in_table = self.in_row = self.in_cell = False
        self.headers, self.pks, self.rows, self.links = [], [], [], []
        self.text = ""
        self.href = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and attributes.get("data-role") == self.role:
            self.in_table = True
        elif self.in_table and tag == "tr" and "data-pk" in attributes:
            self.in_row = True
            self.pks.append(int(attributes["data-pk"]))
            self.rows.append([])
            self.links.append([])
        elif self.in_table and tag in ("th", "td"):
            self.in_cell, self.text, self.href = True, "", None
        elif self.in_cell and tag == "a" and self.href is None:
            self.href = attributes.get("href")

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = False
        elif tag == "tr":
            self.in_row = False
        elif self.in_table and tag == "th":
            self.headers.append(self.text.strip())
            self.in_cell = False
        elif self.in_table and tag == "td" and self.in_cell:
            self.in_cell = False
            if self.in_row:  # not the "no rows" line
                self.rows[-1].append(self.text.strip())
                self.links[-1].append(self.href)

    def handle_data(self, data):
        if self.in_cell:
            self.text += data


def results_table(response, role: str = "results-table") -> ResultsTable:
    """Parse the table `data-role="<role>"` of a page: a registry's results (full page or htmx
    partial), or e.g. the ledger on a project page (`role="ledger"`)."""
    parser = _ResultsParser(role)
    parser.feed(response.content.decode())
    return ResultsTable(parser.headers, parser.pks, parser.rows, parser.links)


_FIELD_ERROR = re.compile(r'<div class="invalid-feedback d-block" data-error-for="(\w+)">(.*?)</div>', re.S)


def form_errors(response) -> dict[str, list[str]]:
    """The messages a data-entry page shows, by field, as the user reads them next to the inputs;
    "__all__" for the form's own messages in the alert above the fields."""
    html = response.content.decode()
    errors: dict[str, list[str]] = {}
    for field, message in _FIELD_ERROR.findall(html):
        errors.setdefault(field, []).append(unescape(message.strip()))
    alert = re.search(r'data-role="form-errors">\s*((?:<div>.*?</div>\s*)+)</div>', html, re.S)
    if alert:
        errors["__all__"] = [
            unescape(text.strip()) for text in re.findall(r"<div>(.*?)</div>", alert.group(1), re.S)
        ]
    return errors


# --- assertions shared by the model tests ----------------------------------------------------------


def assert_database_refuses(model, **fields) -> None:
    """`model.objects.create(**fields)` raises IntegrityError and leaves no row and no change-log row."""
    rows, changes = model.objects.count(), ObjectChange.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**fields)
    assert model.objects.count() == rows
    assert ObjectChange.objects.count() == changes


def constraint_errors(instance) -> dict[str, list[str]]:
    """The messages of `instance.validate_constraints()`, by field ("__all__" for check constraints)."""
    try:
        instance.validate_constraints()
    except ValidationError as error:
        return error.message_dict
    return {}


def clean_errors(instance) -> dict[str, list[str]]:
    """The messages of `instance.full_clean()`, by field."""
    try:
        instance.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}
