"""Every figure the dashboards show equals `duikou stats --json` for the same selection (issue 3, done-when).

A small generated data set (all kinds of projects, entries, people and outcomes) is loaded once for the
module; each page is rendered as a person sees it, every element marked `data-figure="funds.arrived"` is
read, and its text must be exactly what the stats command's value looks like when formatted the page's
way (money in 万元 / 亿元, rates and shares in %, counts with 千分位). A figure added to a page is checked
the moment it carries a `data-figure` key; a key that stats does not know fails the test.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from duikou.core.context import change_context
from duikou.core.money import format_amount
from duikou.demo.generator import generate_dataset
from duikou.geo.models import Division
from duikou.pairings.models import Pairing
from duikou.parties.models import Organization
from duikou.reference.loader import load_reference
from duikou.testing import make_user

SCALE = 0.02
FIGURE = re.compile(r'data-figure="(?P<key>[^"]+)"[^>]*>\s*(?:<[^>]+>\s*)*(?P<text>[^<]+)<')
PERCENT_KEYS = re.compile(r"^rates\.|^shares\.\w+\.value$")
MONEY_KEYS = re.compile(r"^funds\.|^shares\.\w+\.amount$")


@pytest.fixture(scope="module")
def dataset(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_reference()
        with change_context(source="test", note="figures agree with stats"):
            generate_dataset(scale=SCALE, seed=3, progress=lambda message: None)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def signed_in(client, dataset, django_db_blocker):
    with django_db_blocker.unblock():
        client.force_login(make_user("figure-reader"))
    return client


def stats(*args) -> dict:
    out = StringIO()
    call_command("stats", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def expected_text(key: str, value) -> str:
    if value is None:
        return "—"
    if PERCENT_KEYS.search(key):
        return f"{Decimal(str(value)) * 100:.1f}%"
    if MONEY_KEYS.search(key):
        return format_amount(Decimal(str(value)))
    return f"{int(value):,}"


def lookup(figures: dict, key: str):
    value = figures
    for part in key.split("."):
        assert isinstance(value, dict) and part in value, f"stats has no figure {key!r}"
        value = value[part]
    return value


def shown_figures(html: str) -> list[tuple[str, str]]:
    return [(match["key"], match["text"].strip()) for match in FIGURE.finditer(html)]


def assert_page_agrees(client, url: str, query: dict, stats_args: list[str]) -> int:
    response = client.get(url, query)
    assert response.status_code == 200, url
    figures = stats(*stats_args)
    shown = shown_figures(response.content.decode())
    disagreeing = [
        (key, text, expected_text(key, lookup(figures, key)))
        for key, text in shown
        if text != expected_text(key, lookup(figures, key))
    ]
    assert not disagreeing, f"{url} {query}: (figure, shown, stats) {disagreeing}"
    return len(shown)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("year", ["2024", "all"])
def test_every_overview_figure_equals_stats(signed_in, year):
    stats_args = [] if year == "all" else ["--year", year]
    count = assert_page_agrees(signed_in, "/", {"year": year}, stats_args)
    assert count >= 25, "the overview shows fewer figures than expected"


@pytest.mark.slow
@pytest.mark.django_db
def test_every_supporter_page_figure_equals_stats(signed_in):
    supporter = Organization.objects.get(name="浙江省")  # with its cities: the family rule is exercised
    count = assert_page_agrees(
        signed_in,
        f"/supporters/{supporter.pk}/",
        {"year": "2024"},
        ["--year", "2024", "--supporter", "浙江省"],
    )
    assert count >= 25


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("code", ["653100", "653125"])  # 喀什地区 with its counties, 莎车县 alone
def test_every_division_page_figure_equals_stats(signed_in, code):
    Division.objects.get(code=code)
    count = assert_page_agrees(signed_in, f"/divisions/{code}/", {"year": "all"}, ["--division", code])
    assert count >= 25


@pytest.mark.slow
@pytest.mark.django_db
def test_every_pairing_page_figure_equals_stats(signed_in):
    pairing = Pairing.objects.get(supporter__name="上海市", division__code="653125")
    count = assert_page_agrees(
        signed_in,
        f"/pairings/{pairing.pk}/",
        {"year": "2024"},
        ["--year", "2024", "--supporter", "上海市", "--division", "653125"],
    )
    assert count >= 25
