"""Reference data: complete, sourced, and loaded idempotently."""

import pytest
from django.db.models import Count

from duikou.core.models import ImportBatch, ObjectChange
from duikou.geo.models import Division, DivisionResolver
from duikou.pairings.models import Pairing, find_covering_pairing
from duikou.parties.models import Organization, OrganizationResolver
from duikou.programmes.models import Category, PolicyTarget, Programme
from duikou.reference.loader import load_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference():
    return load_reference()


def test_divisions_by_level(reference):
    levels = dict(Division.objects.values_list("level").annotate(n=Count("id")))
    assert levels == {"region": 1, "prefecture": 14, "county": 100, "xpcc_division": 14, "regiment": 4}
    assert Division.objects.filter(is_confirmed=False).count() == 2  # 岑岭县, 草湖市 (2026, unconfirmed)


def test_zones_follow_the_domain_definition(reference):
    south = set(Division.objects.filter(level="prefecture", zone="south").values_list("name", flat=True))
    assert south == {"喀什地区", "和田地区", "阿克苏地区", "克孜勒苏柯尔克孜自治州", "巴音郭楞蒙古自治州"}
    east = set(Division.objects.filter(level="prefecture", zone="east").values_list("name", flat=True))
    assert east == {"吐鲁番市", "哈密市"}


def test_old_codes_and_names_resolve_to_current_division(reference):
    resolver = DivisionResolver()
    division, warning = resolver.resolve("652923")
    assert division.code == "652902" and "旧代码" in warning
    assert resolver.resolve("喀什地区莎车县")[0].code == "653125"
    assert resolver.resolve("莎车")[0].code == "653125"
    assert resolver.resolve("农十四师")[0].code == "659009"
    assert resolver.resolve("第十二师")[0].code == "XPCC12"


def test_nineteen_supporters_each_with_front_headquarters(reference):
    top = Organization.objects.top_level_supporters()
    assert top.count() == 19
    for supporter in top:
        assert supporter.children.filter(kind="front_hq").count() == 1, supporter.name
    resolver = OrganizationResolver()
    assert resolver.supporter_of("浙江省援疆指挥部")[0].name == "浙江省"


def test_programme_configuration(reference):
    programme = Programme.objects.get(code="xinjiang")
    livelihood = set(
        Category.objects.filter(programme=programme, counts_as_livelihood=True).values_list(
            "short_name", flat=True
        )
    )
    assert livelihood == {"民生", "产业", "文化教育"}
    assert PolicyTarget.objects.get(metric="south_share").from_year == 2023
    assert [
        str(t.threshold) for t in PolicyTarget.objects.in_force(2022).filter(metric__endswith="share")
    ] == [
        "0.8000",
        "0.8000",
    ]
    assert programme.batches.count() == 7


def test_pairings_cover_counties_through_prefectures(reference):
    import datetime

    programme = Programme.objects.get(code="xinjiang")
    zhejiang = Organization.objects.get(name="浙江省")
    wushi = Division.objects.get(name="乌什县")
    assert (
        find_covering_pairing(
            programme=programme, supporter=zhejiang, division=wushi, on=datetime.date(2015, 6, 1)
        )
        is not None
    )
    shanghai = Organization.objects.get(name="上海市")
    assert (
        find_covering_pairing(
            programme=programme, supporter=shanghai, division=wushi, on=datetime.date(2015, 6, 1)
        )
        is None
    )
    assert Pairing.objects.filter(is_confirmed=False).exists()


def test_second_load_changes_nothing(reference):
    changes, batches = ObjectChange.objects.count(), ImportBatch.objects.count()
    assert load_reference() == {}
    assert (ObjectChange.objects.count(), ImportBatch.objects.count()) == (changes, batches)


def test_every_loaded_row_is_in_the_change_log(reference):
    batch = ImportBatch.objects.get(kind="reference")
    assert batch.changes.filter(action="create").count() == sum(
        count for key, count in reference.items() if key.endswith(".created")
    )
