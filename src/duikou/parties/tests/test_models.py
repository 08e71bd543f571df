"""Organizations: the not-own-parent constraint, clean() rules, supporter chains and the resolver."""

import pytest

from duikou.geo.choices import DivisionLevel, Zone
from duikou.parties.choices import OrganizationKind
from duikou.parties.models import Organization, OrganizationResolver
from duikou.testing import (
    assert_database_refuses,
    clean_errors,
    constraint_errors,
    make_division,
    make_prefecture,
    make_region,
    make_supporter,
)

pytestmark = pytest.mark.django_db


def make_zhejiang():
    """浙江省 (also written 浙江, 浙江援疆), its city 衢州市 and its front headquarters in 阿克苏."""
    aksu = make_division(
        "652900", "阿克苏地区", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.SOUTH
    )
    province = make_supporter("浙江省", short_name="浙江", aliases=["浙江援疆"])
    city = make_supporter("衢州市", kind=OrganizationKind.SUPPORTING_CITY, parent=province)
    headquarters = make_supporter(
        "浙江省援疆指挥部", kind=OrganizationKind.FRONT_HQ, parent=province, home_division=aksu
    )
    return province, city, headquarters


# --- constraints -----------------------------------------------------------------------------------


def test_not_own_parent_constraint():
    fields = {
        "id": 9001,
        "parent_id": 9001,
        "name": "自己的上级",
        "kind": OrganizationKind.SUPPORTING_PROVINCE,
    }

    assert_database_refuses(Organization, **fields)
    assert constraint_errors(Organization(**fields)) == {"__all__": ["上级单位不能是自己。"]}


def test_not_own_parent_constraint_on_update():
    province = make_supporter("浙江省")

    province.parent = province

    assert constraint_errors(province) == {"__all__": ["上级单位不能是自己。"]}
    assert clean_errors(province) == {"__all__": ["上级单位不能是自己。"]}
    assert Organization.objects.get(pk=province.pk).parent is None


def test_name_is_unique():
    make_supporter("浙江省")

    assert_database_refuses(Organization, name="浙江省", kind=OrganizationKind.SUPPORTING_PROVINCE)
    assert list(clean_errors(Organization(name="浙江省", kind=OrganizationKind.SUPPORTING_PROVINCE))) == [
        "name"
    ]


# --- clean() ---------------------------------------------------------------------------------------


def test_front_headquarters_needs_a_supporter_as_parent():
    government = make_supporter(
        "喀什地区行政公署", kind=OrganizationKind.RECIPIENT_GOVERNMENT, home_division=make_prefecture()
    )

    orphan = Organization(name="某省援疆指挥部", kind=OrganizationKind.FRONT_HQ)
    misplaced = Organization(name="某省援疆指挥部", kind=OrganizationKind.FRONT_HQ, parent=government)

    assert clean_errors(orphan) == {"parent": ["前方指挥部的上级单位须为援疆省市。"]}
    assert clean_errors(misplaced) == {"parent": ["前方指挥部的上级单位须为援疆省市。"]}


def test_supporting_city_needs_a_supporter_as_parent():
    government = make_supporter("喀什地区行政公署", kind=OrganizationKind.RECIPIENT_GOVERNMENT)

    orphan = Organization(name="衢州市", kind=OrganizationKind.SUPPORTING_CITY)
    misplaced = Organization(name="衢州市", kind=OrganizationKind.SUPPORTING_CITY, parent=government)

    assert clean_errors(orphan) == {"parent": ["援疆地市的上级单位须为援疆省市。"]}
    assert clean_errors(misplaced) == {"parent": ["援疆地市的上级单位须为援疆省市。"]}


def test_clean_normalises_name_and_aliases():
    organization = Organization(
        name=" 浙江省　", kind=OrganizationKind.SUPPORTING_PROVINCE, aliases=["浙江", " ", "浙江援疆 ", ""]
    )

    organization.full_clean()

    assert organization.name == "浙江省"
    assert organization.aliases == ["浙江", "浙江援疆"]


# --- supporters ------------------------------------------------------------------------------------


def test_supporter_chain_and_queries():
    province, city, headquarters = make_zhejiang()
    shanghai = make_supporter("上海市")
    government = make_supporter("喀什地区行政公署", kind=OrganizationKind.RECIPIENT_GOVERNMENT)

    assert city.supporter_chain() == [city, province]
    assert province.supporter_chain() == [province]
    assert headquarters.supporter_chain() == []
    assert (province.is_supporter, city.is_supporter, headquarters.is_supporter, government.is_supporter) == (
        True,
        True,
        False,
        False,
    )
    assert set(Organization.objects.supporters()) == {province, city, shanghai}
    assert set(Organization.objects.top_level_supporters()) == {province, shanghai}


def test_str_prefers_the_short_name():
    province, _city, headquarters = make_zhejiang()

    assert str(province) == "浙江"
    assert str(headquarters) == "浙江省援疆指挥部"


# --- OrganizationResolver --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["浙江", "浙江省", "浙江援疆", " 浙江省 ", "浙江（省）"])
def test_resolver_finds_a_supporter_by_name_short_name_and_alias(text):
    province, _city, _headquarters = make_zhejiang()

    assert OrganizationResolver().resolve(text) == (province, "")
    assert OrganizationResolver().supporter_of(text) == (province, "")


def test_resolver_maps_a_front_headquarters_to_its_supporter():
    province, _city, headquarters = make_zhejiang()
    resolver = OrganizationResolver()

    assert resolver.resolve("浙江省援疆指挥部") == (headquarters, "")
    assert resolver.supporter_of("浙江省援疆指挥部") == (province, "")


def test_resolver_keeps_a_supporting_city_as_itself():
    _province, city, _headquarters = make_zhejiang()

    assert OrganizationResolver().supporter_of("衢州市") == (city, "")


def test_supporter_of_refuses_an_organization_that_is_not_a_supporter():
    make_supporter("喀什地区行政公署", kind=OrganizationKind.RECIPIENT_GOVERNMENT)

    assert OrganizationResolver().supporter_of("喀什地区行政公署") == (None, "“喀什地区行政公署”不是援疆省市")


def test_resolver_reports_ambiguity_nothing_found_and_blank_input():
    make_supporter("浙江省", aliases=["浙"])
    make_supporter("浙江大学", kind=OrganizationKind.IMPLEMENTING_UNIT, aliases=["浙"])
    resolver = OrganizationResolver()

    assert resolver.resolve("浙") == (None, "“浙”对应多个单位：浙江大学、浙江省")
    assert resolver.resolve("江苏") == (None, "找不到单位“江苏”")
    assert resolver.supporter_of("江苏") == (None, "找不到单位“江苏”")
    assert resolver.resolve("") == (None, "单位为空")


def test_resolver_limited_to_an_empty_queryset_finds_nothing():
    make_zhejiang()

    resolver = OrganizationResolver(Organization.objects.filter(kind=OrganizationKind.CENTRAL_SOE))

    assert resolver.resolve("浙江省") == (None, "找不到单位“浙江省”")
