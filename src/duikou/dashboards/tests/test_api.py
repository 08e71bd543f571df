"""The aggregate endpoints through HTTP: `GET /api/stats/` answers exactly what `duikou stats --json`
prints for the same options, and the breakdowns are the dashboards' charts (issue 4, item 6).

A small generated data set is loaded once for the module, as in test_figures_agree.py.
"""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from duikou.core.api.testing import client_with, errors, messages
from duikou.core.context import change_context
from duikou.dashboards import charts
from duikou.dashboards.api.views import as_stats_json
from duikou.dashboards.queries import Scope
from duikou.demo.generator import generate_dataset
from duikou.geo.models import Division
from duikou.parties.models import Organization
from duikou.programmes.models import Programme
from duikou.reference.loader import load_reference

SCALE = 0.01
AS_OF = "2025-06-30"

# (API query, `duikou stats` options) pairs that must give the same figures.
SCOPES = [
    ({}, []),
    ({"year": 2024}, ["--year", "2024"]),
    ({"from_year": 2016, "to_year": 2020}, ["--from-year", "2016", "--to-year", "2020"]),
    ({"supporter": "浙江", "year": 2023}, ["--supporter", "浙江", "--year", "2023"]),
    ({"supporter": "浙江省援疆指挥部"}, ["--supporter", "浙江省援疆指挥部"]),
    ({"division": "653125", "from_year": 2020}, ["--division", "653125", "--from-year", "2020"]),
    ({"division": "喀什地区", "to_year": 2019}, ["--division", "喀什地区", "--to-year", "2019"]),
]


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_reference()
        with change_context(source="test", note="api stats"):
            generate_dataset(scale=SCALE, seed=4, progress=lambda message: None)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def client(dataset, db):
    return client_with(username="figure-reader")


def stats_command(*options) -> dict:
    out = StringIO()
    call_command("stats", "--json", "--as-of", AS_OF, *options, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(("query", "options"), SCOPES)
def test_stats_are_exactly_what_the_command_prints(client, query, options):
    response = client.get(reverse("api:stats"), {**query, "as_of": AS_OF})
    assert response.status_code == 200, response.json()
    assert response.json() == stats_command(*options)


def test_the_figures_are_not_empty(client):
    figures = client.get(reverse("api:stats"), {"as_of": AS_OF}).json()
    assert figures["funds"]["arrived"] > 0
    assert figures["projects"]["total"] > 0
    assert figures["people"]["person_times"] > 0
    assert 0 < figures["rates"]["arrival"] <= 1.5


def scope(**options) -> Scope:
    return Scope(
        programme=Programme.objects.get(code="xinjiang"), as_of=datetime.date(2025, 6, 30), **options
    )


@pytest.mark.parametrize(
    ("name", "compute"),
    [
        ("api:stats_by_supporter", charts.by_supporter),
        ("api:stats_by_category", charts.by_category),
        ("api:stats_by_zone", charts.by_zone),
        ("api:stats_by_division", charts.by_division),
        ("api:stats_by_year", charts.funds_by_year_and_category),
    ],
)
def test_breakdowns_are_the_dashboards_charts(client, name, compute):
    zhejiang = Organization.objects.get(name="浙江省")
    expected_all = as_stats_json(compute(scope(first_year=2024, last_year=2024)))
    expected_zhejiang = as_stats_json(compute(scope(supporter=zhejiang)))

    all_supporters = client.get(reverse(name), {"year": 2024, "as_of": AS_OF})
    one_supporter = client.get(reverse(name), {"supporter": "浙江", "as_of": AS_OF})

    assert all_supporters.status_code == 200
    assert all_supporters.json() == expected_all
    assert one_supporter.json() == expected_zhejiang
    assert all_supporters.json(), "the data set has figures for every breakdown"


def test_a_breakdown_row_carries_its_figures_as_numbers(client):
    rows = client.get(reverse("api:stats_by_division"), {"division": "653100", "as_of": AS_OF}).json()
    kashgar_counties = set(Division.objects.filter(parent__code="653100").values_list("code", flat=True))
    assert rows and {row["code"] for row in rows} <= kashgar_counties
    row = rows[0]
    assert isinstance(row["aid"], float) and isinstance(row["projects"], int)
    assert row["url"].startswith("/projects/?")


def test_the_year_breakdown_covers_every_year(client):
    one_year = client.get(reverse("api:stats_by_year"), {"year": 2024}).json()
    every_year = client.get(reverse("api:stats_by_year")).json()
    assert one_year == every_year
    assert len(every_year["years"]) > 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"supporter": "火星"}, [("supporter", "does_not_exist")]),
        ({"division": "999999"}, [("division", "does_not_exist")]),
        ({"programme": "mars"}, [("programme", "invalid")]),
        ({"year": 2024, "from_year": 2020}, [(None, "invalid")]),
        ({"from_year": 2024, "to_year": 2020}, [("to_year", "invalid")]),
        ({"year": 12345}, [("year", "max_value")]),
        ({"as_of": "someday"}, [("as_of", "invalid")]),
    ],
)
def test_a_scope_that_makes_no_sense_is_a_400(client, query, expected):
    response = client.get(reverse("api:stats"), query)
    assert response.status_code == 400
    assert errors(response) == expected


def test_an_unknown_supporter_is_named_in_the_message(client):
    response = client.get(reverse("api:stats_by_zone"), {"supporter": "火星"})
    assert messages(response) == {"supporter": ["找不到单位“火星”"]}


def test_the_figures_need_a_signed_in_user(dataset, db):
    from rest_framework.test import APIClient

    response = APIClient().get(reverse("api:stats"))
    assert response.status_code == 401
