"""Pairings: constraints, clean() rules, and which pairing covers a supporter's work in a division."""

import datetime

import pytest

from duikou.geo.choices import DivisionLevel, Zone
from duikou.pairings.models import Pairing, find_covering_pairing
from duikou.parties.choices import OrganizationKind
from duikou.programmes.models import Programme
from duikou.testing import (
    PAIRED_SINCE,
    assert_database_refuses,
    clean_errors,
    constraint_errors,
    make_county,
    make_division,
    make_pairing,
    make_prefecture,
    make_programme,
    make_region,
    make_supporter,
)

pytestmark = pytest.mark.django_db

ON = datetime.date(2024, 6, 30)


def make_aksu_world():
    """浙江省 → 阿克苏地区 since 2010; its city 衢州市 and the county 乌什县 under 阿克苏."""
    aksu = make_division(
        "652900", "阿克苏地区", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.SOUTH
    )
    wushi = make_division("652927", "乌什县", level=DivisionLevel.COUNTY, parent=aksu, zone=Zone.SOUTH)
    province = make_supporter("浙江省")
    city = make_supporter("衢州市", kind=OrganizationKind.SUPPORTING_CITY, parent=province)
    pairing = make_pairing(province, aksu)
    return aksu, wushi, province, city, pairing


def pairing_fields(**overrides):
    fields = {
        "programme": make_programme(),
        "supporter": make_supporter(),
        "division": make_county(),
        "since": PAIRED_SINCE,
    }
    fields.update(overrides)
    return fields


# --- constraints -----------------------------------------------------------------------------------


def test_unique_constraint():
    make_pairing()

    assert_database_refuses(Pairing, **pairing_fields())
    assert constraint_errors(Pairing(**pairing_fields())) == {"__all__": ["该结对关系已存在。"]}
    assert clean_errors(Pairing(**pairing_fields())) == {"__all__": ["该结对关系已存在。"]}


def test_the_same_pair_may_start_again_on_another_date():
    make_pairing(until=datetime.date(2015, 12, 31))

    again = Pairing(**pairing_fields(since=datetime.date(2016, 1, 1)))

    assert clean_errors(again) == {}


def test_unique_constraint_with_an_unknown_start():
    make_pairing(since=None)

    assert clean_errors(Pairing(**pairing_fields(since=None))) == {"__all__": ["该结对关系已存在。"]}


def test_period_constraint():
    fields = pairing_fields(until=datetime.date(2009, 12, 31))

    assert_database_refuses(Pairing, **fields)
    assert constraint_errors(Pairing(**fields)) == {"__all__": ["截止日期不能早于起始日期。"]}
    # clean() says it first, on the field
    assert clean_errors(Pairing(**fields)) == {"until": ["截止日期不能早于起始日期。"]}


# --- clean() ---------------------------------------------------------------------------------------


def test_clean_refuses_a_supporter_that_is_not_one():
    government = make_supporter("喀什地区行政公署", kind=OrganizationKind.RECIPIENT_GOVERNMENT)

    pairing = Pairing(**pairing_fields(supporter=government))

    assert clean_errors(pairing) == {"supporter": ["支援方须为援疆省市、地市、中央企业或部委。"]}


def test_a_pairing_may_end_the_day_it_starts():
    assert clean_errors(Pairing(**pairing_fields(until=PAIRED_SINCE))) == {}


# --- active_on -------------------------------------------------------------------------------------


def test_active_on():
    current = make_pairing()
    ended = make_pairing(make_supporter("浙江省"), until=datetime.date(2015, 12, 31))
    undated = make_pairing(make_supporter("江苏省"), since=None)

    assert set(Pairing.objects.active_on(datetime.date(2009, 12, 31))) == {undated}
    assert set(Pairing.objects.active_on(datetime.date(2015, 12, 31))) == {current, ended, undated}
    assert set(Pairing.objects.active_on(datetime.date(2016, 1, 1))) == {current, undated}


# --- find_covering_pairing -------------------------------------------------------------------------


def test_a_county_pairing_covers_the_county():
    pairing = make_pairing()

    covering = find_covering_pairing(
        programme=make_programme(), supporter=make_supporter(), division=make_county(), on=ON
    )

    assert covering == pairing


def test_a_county_pairing_does_not_cover_its_prefecture():
    make_pairing()

    covering = find_covering_pairing(
        programme=make_programme(), supporter=make_supporter(), division=make_prefecture(), on=ON
    )

    assert covering is None


def test_a_prefecture_pairing_covers_its_counties():
    _aksu, wushi, province, _city, pairing = make_aksu_world()

    assert (
        find_covering_pairing(programme=make_programme(), supporter=province, division=wushi, on=ON)
        == pairing
    )


def test_a_supporting_city_is_covered_by_its_provinces_pairing():
    _aksu, wushi, _province, city, pairing = make_aksu_world()

    assert find_covering_pairing(programme=make_programme(), supporter=city, division=wushi, on=ON) == pairing


def test_a_province_is_not_covered_by_its_citys_pairing():
    _aksu, wushi, province, city, _pairing = make_aksu_world()
    Pairing.objects.filter(supporter=province).delete()
    make_pairing(city, wushi)

    assert (
        find_covering_pairing(programme=make_programme(), supporter=province, division=wushi, on=ON) is None
    )


def test_a_pairing_of_another_supporter_does_not_cover():
    _aksu, wushi, _province, _city, _pairing = make_aksu_world()

    assert (
        find_covering_pairing(programme=make_programme(), supporter=make_supporter(), division=wushi, on=ON)
        is None
    )


def test_a_pairing_that_ended_does_not_cover():
    ended = make_pairing(until=datetime.date(2015, 12, 31))

    def covering(on):
        return find_covering_pairing(
            programme=make_programme(), supporter=make_supporter(), division=make_county(), on=on
        )

    assert covering(datetime.date(2015, 12, 31)) == ended
    assert covering(datetime.date(2016, 1, 1)) is None


def test_a_pairing_covers_from_its_start():
    pairing = make_pairing()

    def covering(on):
        return find_covering_pairing(
            programme=make_programme(), supporter=make_supporter(), division=make_county(), on=on
        )

    assert covering(PAIRED_SINCE) == pairing
    assert covering(PAIRED_SINCE - datetime.timedelta(days=1)) is None


def test_a_pairing_without_a_start_counts_as_open_since_the_beginning():
    pairing = make_pairing(since=None)

    covering = find_covering_pairing(
        programme=make_programme(),
        supporter=make_supporter(),
        division=make_county(),
        on=datetime.date(1997, 1, 1),
    )

    assert covering == pairing


def test_a_pairing_of_another_programme_does_not_cover():
    make_pairing()
    tibet = Programme.objects.create(code="xizang", name="援藏", short_name="援藏")

    covering = find_covering_pairing(
        programme=tibet, supporter=make_supporter(), division=make_county(), on=ON
    )

    assert covering is None
