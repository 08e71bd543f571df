"""The divisions registry through HTTP: its filters, search over current and former names, and each
row leading to the division's own page (its dashboard)."""

import pytest
from django.urls import reverse

from duikou.geo.choices import DivisionLevel, Zone
from duikou.geo.models import FormerCode
from duikou.testing import (
    make_county,
    make_division,
    make_prefecture,
    make_project,
    make_region,
    make_user,
    results_table,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(make_user("officer"))
    return client


@pytest.fixture
def divisions():
    """新疆 › 喀什地区 › 莎车县 (南疆); 新疆 › 阿克苏地区 › 库车市 (formerly 库车县 652923); 兵团第三师
    (a self-coded XPCC division, unconfirmed)."""
    region = make_region()
    aksu = make_division(
        "652900", "阿克苏地区", level=DivisionLevel.PREFECTURE, parent=region, zone=Zone.SOUTH
    )
    kuqa = make_division("652902", "库车市", level=DivisionLevel.COUNTY, parent=aksu, zone=Zone.SOUTH)
    FormerCode.objects.create(division=kuqa, code="652923", name="库车县")
    third = make_division(
        "XPCC03",
        "新疆生产建设兵团第三师",
        level=DivisionLevel.XPCC_DIVISION,
        parent=region,
        zone=Zone.SOUTH,
        is_xpcc=True,
        is_code_official=False,
        is_confirmed=False,
    )
    return {
        "region": region,
        "kashgar": make_prefecture(),
        "shache": make_county(),
        "aksu": aksu,
        "kuqa": kuqa,
        "third": third,
    }


def listed(client, divisions, params) -> list[str]:
    response = client.get(reverse("geo:division_list"), params)
    assert response.status_code == 200
    assert not response.context["filterset"].form.errors
    names = {division.pk: name for name, division in divisions.items()}
    return [names[pk] for pk in results_table(response).pks]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["region", "aksu", "kuqa", "kashgar", "shache", "third"]),  # by code
        ({"level": "county"}, ["kuqa", "shache"]),
        ({"level": ["prefecture", "xpcc_division"]}, ["aksu", "kashgar", "third"]),
        ({"zone": "south"}, ["aksu", "kuqa", "kashgar", "shache", "third"]),
        ({"is_xpcc": "true"}, ["third"]),
        ({"is_code_official": "false"}, ["third"]),
        ({"is_confirmed": "false"}, ["third"]),
        ({"is_confirmed": "true", "level": "county"}, ["kuqa", "shache"]),
        ({"q": "莎车"}, ["shache"]),
        ({"q": "莎車"}, ["shache"]),  # traditional characters
        ({"q": "6529"}, ["aksu", "kuqa"]),  # codes, current and former
        ({"q": "652923"}, ["kuqa"]),  # the former code finds today's division
        ({"q": "库车县"}, ["kuqa"]),  # the former name too, once
        ({"q": "第三师"}, ["third"]),
    ],
)
def test_division_filters(signed_in, divisions, params, expected):
    assert listed(signed_in, divisions, params) == expected


def test_parent_filter_lists_everything_under_a_division(signed_in, divisions):
    assert listed(signed_in, divisions, {"parent": divisions["aksu"].pk}) == ["kuqa"]
    assert listed(signed_in, divisions, {"parent": divisions["region"].pk}) == [
        "aksu",
        "kuqa",
        "kashgar",
        "shache",
        "third",
    ]


def test_rows_show_level_parent_and_flags_and_lead_to_the_divisions_page(signed_in, divisions):
    response = signed_in.get(reverse("geo:division_list"), {"q": "莎车"})

    table = results_table(response)
    assert table.headers == ["区划代码", "名称", "级别", "上级", "片区", "兵团"]
    assert table.rows == [["653125", "莎车县", "县市区", "喀什地区", "南疆", "否"]]
    division_page = reverse("dashboards:division", args=["653125"])
    assert table.links[0][:2] == [division_page, division_page]


def test_the_divisions_page_shows_its_figures(signed_in, divisions):
    make_project()

    response = signed_in.get(reverse("dashboards:division", args=["653100"]), {"year": 2024})

    assert response.status_code == 200
    assert response.context["figures"]["projects"]["total"] == 1  # 莎车县's project counts for 喀什地区


def test_export_of_divisions(signed_in, divisions):
    response = signed_in.get(reverse("geo:division_list"), {"level": "county", "export": "csv"})

    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines == [
        "\ufeff区划代码,名称,级别,上级,片区,兵团",
        "652902,库车市,县市区,阿克苏地区,南疆,否",
        "653125,莎车县,县市区,喀什地区,南疆,否",
    ]
