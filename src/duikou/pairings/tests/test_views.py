"""The pairings registry through HTTP (filters, rows leading to the pairing's page) and the pairing's
page: the supporter's figures inside the paired division, nobody else's."""

import datetime

import pytest
from django.urls import reverse

from duikou.geo.choices import DivisionLevel, Zone
from duikou.parties.choices import OrganizationKind
from duikou.testing import (
    PLAN_YEAR,
    make_county,
    make_division,
    make_entry,
    make_pairing,
    make_prefecture,
    make_programme,
    make_project,
    make_region,
    make_supporter,
    make_user,
    results_table,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def signed_in(client):
    client.force_login(make_user("officer"))
    return client


@pytest.fixture
def pairings():
    """上海市 → 莎车县 (since 2010); 闵行区 (a city of 上海市) → 喀什地区, unconfirmed;
    江苏省 → 伊宁县 (北疆); 江苏省 → 莎车县, ended 2015."""
    ili = make_division(
        "654000", "伊犁哈萨克自治州", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.NORTH
    )
    yining = make_division("654021", "伊宁县", level=DivisionLevel.COUNTY, parent=ili, zone=Zone.NORTH)
    shanghai, jiangsu = make_supporter(), make_supporter("江苏省")
    minhang = make_supporter("闵行区", kind=OrganizationKind.SUPPORTING_CITY, parent=shanghai)
    return {
        "shanghai_shache": make_pairing(source="中共中央、国务院 2010 年对口援疆部署"),
        "minhang_kashgar": make_pairing(minhang, make_prefecture(), is_confirmed=False),
        "jiangsu_yining": make_pairing(jiangsu, yining),
        "jiangsu_shache_ended": make_pairing(
            jiangsu, make_county(), since=datetime.date(2010, 1, 1), until=datetime.date(2015, 12, 31)
        ),
    }


def listed(client, pairings, params) -> set[str]:
    response = client.get(reverse("pairings:pairing_list"), params)
    assert response.status_code == 200
    assert not response.context["filterset"].form.errors
    names = {pairing.pk: name for name, pairing in pairings.items()}
    return {names[pk] for pk in results_table(response).pks}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"shanghai_shache", "minhang_kashgar", "jiangsu_yining", "jiangsu_shache_ended"}),
        ({"is_active": "true"}, {"shanghai_shache", "minhang_kashgar", "jiangsu_yining"}),
        ({"is_active": "false"}, {"jiangsu_shache_ended"}),
        ({"is_confirmed": "false"}, {"minhang_kashgar"}),
        ({"zone": "north"}, {"jiangsu_yining"}),
        ({"q": "江苏"}, {"jiangsu_yining", "jiangsu_shache_ended"}),
        ({"q": "莎車"}, {"shanghai_shache", "jiangsu_shache_ended"}),  # the division, in traditional
        ({"q": "2010 年"}, {"shanghai_shache"}),  # the source
    ],
)
def test_pairing_filters(signed_in, pairings, params, expected):
    assert listed(signed_in, pairings, params) == expected


def test_pairing_filters_by_supporter_family_division_tree_and_programme(signed_in, pairings):
    shanghai = pairings["shanghai_shache"].supporter
    kashgar = make_prefecture()

    assert listed(signed_in, pairings, {"supporter": shanghai.pk}) == {"shanghai_shache", "minhang_kashgar"}
    assert listed(signed_in, pairings, {"division": kashgar.pk}) == {
        "shanghai_shache",
        "minhang_kashgar",
        "jiangsu_shache_ended",
    }
    assert listed(signed_in, pairings, {"programme": make_programme().pk}) == set(pairings)


def test_rows_lead_to_the_pairings_page(signed_in, pairings):
    pairing = pairings["jiangsu_yining"]

    table = results_table(signed_in.get(reverse("pairings:pairing_list"), {"zone": "north"}))

    assert table.headers == ["支援方", "受援地", "区划代码", "片区", "起始日期", "截止日期", "已核实"]
    assert table.rows == [["江苏省", "伊宁县", "654021", "北疆", "2010-01-01", "—", "是"]]
    assert table.links[0][:2] == [reverse("dashboards:pairing", args=[pairing.pk])] * 2


def test_the_pairings_page_shows_the_supporters_figures_in_the_division(signed_in, pairings):
    shanghai_project = make_project()
    make_entry(shanghai_project, kind="plan", amount="800000.00")
    make_entry(shanghai_project, kind="arrived", amount="600000.00")
    jiangsu_project = make_project(
        supporter=pairings["jiangsu_yining"].supporter,
        division=make_division("654021", "伊宁县", level=DivisionLevel.COUNTY),
    )
    make_entry(jiangsu_project, kind="plan", amount="5000000.00")
    pairing = pairings["shanghai_shache"]

    response = signed_in.get(reverse("dashboards:pairing", args=[pairing.pk]), {"year": PLAN_YEAR})

    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["projects"]["total"] == 1
    assert (figures["funds"]["planned"], figures["funds"]["arrived"]) == (800000, 600000)
    assert figures["scope"]["supporter"] == "上海市"
    assert figures["scope"]["division"] == "653125"
    html = response.content.decode()
    assert "上海市 → 喀什地区莎车县" in html
    assert 'data-figure="funds.planned">80.00万元<' in html
    # who else works in the division (and above it)
    assert {p.pk for p in response.context["pairings"]} == {
        pairing.pk,
        pairings["minhang_kashgar"].pk,
        pairings["jiangsu_shache_ended"].pk,
    }


def test_an_unknown_pairing_is_404(signed_in):
    assert signed_in.get(reverse("dashboards:pairing", args=[999999])).status_code == 404


def test_the_pairings_page_needs_login(client, pairings):
    url = reverse("dashboards:pairing", args=[pairings["shanghai_shache"].pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
