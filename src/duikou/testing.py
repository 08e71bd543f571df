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
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from duikou.core.models import ObjectChange
from duikou.funds.choices import EntryKind
from duikou.funds.models import LedgerEntry
from duikou.geo.choices import DivisionLevel, Zone
from duikou.geo.models import Division, short_name_of
from duikou.pairings.models import Pairing
from duikou.parties.choices import OrganizationKind
from duikou.parties.models import Organization
from duikou.programmes.models import Category, Programme
from duikou.projects.models import Project

PAIRED_SINCE = datetime.date(2010, 1, 1)
PLAN_YEAR = 2024

_project_numbers = itertools.count(1)


def make_user(username: str = "officer", **fields):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults=fields)
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
