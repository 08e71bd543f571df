"""Divisions: constraints, clean() rules, the tree, and the resolver imports use."""

import datetime

import pytest

from duikou.geo.choices import DivisionLevel, Zone
from duikou.geo.models import Division, DivisionResolver, FormerCode, short_name_of
from duikou.testing import (
    assert_database_refuses,
    clean_errors,
    constraint_errors,
    make_county,
    make_division,
    make_prefecture,
    make_region,
)

pytestmark = pytest.mark.django_db


def county_fields(**overrides):
    fields = {
        "code": "653126",
        "name": "叶城县",
        "short_name": "叶城",
        "level": DivisionLevel.COUNTY,
        "parent": make_prefecture(),
        "zone": Zone.SOUTH,
    }
    fields.update(overrides)
    return fields


def make_kuqa():
    """库车市 (652902), formerly 库车县 (652923), under 阿克苏地区."""
    aksu = make_division(
        "652900", "阿克苏地区", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.SOUTH
    )
    kuqa = make_division("652902", "库车市", level=DivisionLevel.COUNTY, parent=aksu, zone=Zone.SOUTH)
    FormerCode.objects.create(division=kuqa, code="652923", name="库车县", valid_to=datetime.date(2019, 3, 1))
    return kuqa


def make_hotan():
    """和田地区 with 和田市 and 和田县: three divisions all called "和田" for short."""
    hotan = make_division(
        "653200", "和田地区", level=DivisionLevel.PREFECTURE, parent=make_region(), zone=Zone.SOUTH
    )
    city = make_division("653201", "和田市", level=DivisionLevel.COUNTY, parent=hotan, zone=Zone.SOUTH)
    county = make_division("653221", "和田县", level=DivisionLevel.COUNTY, parent=hotan, zone=Zone.SOUTH)
    return hotan, city, county


# --- constraints -----------------------------------------------------------------------------------


def test_valid_period_constraint():
    fields = county_fields(valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2019, 12, 31))

    assert_database_refuses(Division, **fields)
    assert constraint_errors(Division(**fields)) == {"__all__": ["停用日期不能早于启用日期。"]}
    assert clean_errors(Division(**fields)) == {"__all__": ["停用日期不能早于启用日期。"]}


def test_valid_period_may_be_a_single_day_or_open():
    assert (
        constraint_errors(
            Division(
                **county_fields(valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2020, 1, 1))
            )
        )
        == {}
    )
    assert constraint_errors(Division(**county_fields(valid_to=datetime.date(2020, 1, 1)))) == {}


def test_parent_required_constraint():
    fields = county_fields(parent=None)

    assert_database_refuses(Division, **fields)
    assert constraint_errors(Division(**fields)) == {"__all__": ["除自治区外，每个区划都要有上级。"]}
    # clean() says it first, on the field
    assert clean_errors(Division(**fields)) == {"parent": ["除自治区外，每个区划都要有上级。"]}


def test_region_needs_no_parent_nor_zone():
    region = Division(code="650000", name="新疆维吾尔自治区", level=DivisionLevel.REGION)

    assert clean_errors(region) == {}


def test_code_is_unique():
    make_county()

    assert_database_refuses(Division, **county_fields(code="653125"))
    assert list(clean_errors(Division(**county_fields(code="653125")))) == ["code"]


# --- clean() ---------------------------------------------------------------------------------------


def test_clean_normalises_the_name_and_fills_the_short_name():
    division = Division(**county_fields(name=" 葉城縣 ", short_name=""))

    division.full_clean()

    assert division.name == "叶城县"
    assert division.short_name == "叶城"


def test_clean_refuses_a_division_as_its_own_parent():
    county = make_county()

    county.parent = county

    assert clean_errors(county) == {"parent": ["上级不能是自己。"]}


def test_clean_refuses_a_cycle():
    prefecture = make_prefecture()
    county = make_county()

    prefecture.parent = county

    assert clean_errors(prefecture) == {"parent": ["上级关系不能成环。"]}
    assert Division.objects.get(pk=prefecture.pk).parent == make_region()


def test_clean_requires_a_zone_below_the_region():
    assert clean_errors(Division(**county_fields(zone=""))) == {"zone": ["请选择片区（南疆、北疆或东疆）。"]}


def test_former_code_may_not_be_a_current_code():
    county = make_county()

    former = FormerCode(division=county, code="653100", name="喀什地区")

    assert clean_errors(former) == {"code": ["代码 653100 是现行区划代码，不能作为旧代码。"]}


def test_former_code_is_unique():
    kuqa = make_kuqa()

    assert_database_refuses(FormerCode, division=kuqa, code="652923", name="库车县")


# --- names and the tree ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "short_name"),
    [
        ("莎车县", "莎车"),
        ("喀什地区", "喀什"),
        ("巴音郭楞蒙古自治州", "巴音郭楞"),
        ("克孜勒苏柯尔克孜自治州", "克孜勒苏"),
        ("塔什库尔干塔吉克自治县", "塔什库尔干"),
        ("库车市", "库车"),
        ("和田市", "和田"),
        ("沙区", "沙区"),  # two characters stay whole
    ],
)
def test_short_name_of(name, short_name):
    assert short_name_of(name) == short_name


def test_short_name_of_the_region_is_not_cut_mid_word():
    assert short_name_of("新疆维吾尔自治区") in {"新疆", "新疆维吾尔", "新疆维吾尔自治区"}


def test_full_name_ancestors_and_grassroots():
    region, prefecture, county = make_region(), make_prefecture(), make_county()

    assert county.full_name == "喀什地区莎车县"
    assert prefecture.full_name == "喀什地区"
    assert region.full_name == "新疆维吾尔自治区"
    assert county.ancestors() == [prefecture, region]
    assert region.ancestors() == []
    assert county.is_grassroots is True
    assert prefecture.is_grassroots is False


def test_valid_on_and_descendants_of():
    region, prefecture, county = make_region(), make_prefecture(), make_county()
    retired = make_division(
        "653199",
        "旧县",
        level=DivisionLevel.COUNTY,
        parent=prefecture,
        zone=Zone.SOUTH,
        valid_from=datetime.date(2000, 1, 1),
        valid_to=datetime.date(2014, 12, 31),
    )

    assert set(Division.objects.valid_on(datetime.date(2014, 12, 31))) == {
        region,
        prefecture,
        county,
        retired,
    }
    assert set(Division.objects.valid_on(datetime.date(2015, 1, 1))) == {region, prefecture, county}
    assert set(Division.objects.descendants_of(prefecture)) == {prefecture, county, retired}
    assert set(Division.objects.descendants_of(region, include_self=False)) == {prefecture, county, retired}


# --- DivisionResolver ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["653125", "莎车县", "莎车", "喀什地区莎车县", "喀什地区 莎车县", " 莎車縣 ", "喀什地区（莎车县）"],
)
def test_resolver_finds_a_county_by_code_name_short_name_and_full_name(text):
    county = make_county()

    assert DivisionResolver().resolve(text) == (county, "")


def test_resolver_maps_a_former_code_and_name_with_a_warning():
    kuqa = make_kuqa()
    resolver = DivisionResolver()

    assert resolver.resolve("652923") == (kuqa, "“652923”是旧代码或旧名称，已对应到现行区划 652902 库车市")
    assert resolver.resolve("库车县") == (kuqa, "“库车县”是旧代码或旧名称，已对应到现行区划 652902 库车市")
    assert resolver.resolve("库车") == (kuqa, "")


def test_resolver_reports_ambiguity():
    make_hotan()

    assert DivisionResolver().resolve("和田") == (
        None,
        "“和田”对应多个区划：和田地区、和田地区和田县、和田地区和田市",
    )


def test_resolver_resolves_the_unambiguous_names_of_an_ambiguous_short_name():
    hotan, city, county = make_hotan()
    resolver = DivisionResolver()

    assert resolver.resolve("和田地区") == (hotan, "")
    assert resolver.resolve("和田市") == (city, "")
    assert resolver.resolve("和田地区和田县") == (county, "")


def test_resolver_reports_nothing_found_and_blank_input():
    make_county()
    resolver = DivisionResolver()

    assert resolver.resolve("乌鲁木齐") == (None, "找不到区划“乌鲁木齐”")
    assert resolver.resolve("  ") == (None, "区划为空")
    assert resolver.resolve(None) == (None, "区划为空")


def test_resolver_limited_to_a_queryset():
    make_county()

    resolver = DivisionResolver(Division.objects.filter(level=DivisionLevel.PREFECTURE))

    assert resolver.resolve("喀什") == (make_prefecture(), "")
    assert resolver.resolve("莎车") == (None, "找不到区划“莎车”")


def test_resolver_limited_to_an_empty_queryset_finds_nothing():
    make_county()

    resolver = DivisionResolver(Division.objects.filter(valid_to__lt=datetime.date(2000, 1, 1)))

    assert resolver.resolve("莎车县") == (None, "找不到区划“莎车县”")
