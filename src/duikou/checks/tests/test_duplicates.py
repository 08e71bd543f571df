"""Duplicate detection (issue 6, item 3): the normaliser, the score, the queue, the pages, the command."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from duikou.accounts.choices import Role
from duikou.checks.choices import DuplicateDecision
from duikou.checks.duplicates import ScanOptions, likely_duplicates, scan
from duikou.checks.duplicates.normalise import Vocabulary, chinese_number, normalise_name
from duikou.checks.duplicates.review import decide_pair, refresh_queue
from duikou.checks.duplicates.scan import record_for
from duikou.checks.duplicates.scoring import Kind, Reason, score_pair
from duikou.checks.models import DuplicatePair
from duikou.geo.choices import DivisionLevel, Zone
from duikou.testing import (
    make_division,
    make_pairing,
    make_prefecture,
    make_project,
    make_supporter,
    make_user,
)

VOCABULARY = Vocabulary(
    places={
        "喀什地区": "喀什地区",
        "喀什": "喀什地区",
        "莎车县": "莎车县",
        "莎车": "莎车县",
        "喀什地区莎车县": "莎车县",
        "阿瓦提县": "阿瓦提县",
        "阿瓦提": "阿瓦提县",
    },
    supporters=frozenset({"上海市", "上海", "沪", "浦东新区", "浙江省", "浙江"}),
)


def features(name):
    return normalise_name(name, VOCABULARY)


# -- the normaliser ---------------------------------------------------------------------------------------
def test_traditional_and_full_width_names_normalise_to_the_simplified_core():
    simplified = features("莎车县第二中学教学楼建设项目")
    traditional = features("莎車縣第二中學教學樓建設項目")
    full_width = features("莎车县第２中学教学楼（新建）工程")
    assert simplified.core == traditional.core == "第二中学教学楼"
    assert full_width.core == "第2中学教学楼"
    assert simplified.places == frozenset({"莎车县"})


def test_supporter_names_years_and_generic_words_are_taken_away():
    named = features("上海援疆莎车县2019年度人民医院门诊综合楼改扩建工程")
    assert named.core == "人民医院门诊综合楼"
    assert named.years == frozenset({2019})
    assert features("浦东新区对口支援喀什地区莎车县二〇二三年农村公路").years == frozenset({2023})
    # A single-character alias (沪) is not taken out of ordinary words.
    assert features("莎车县沪莎产业园").core == "沪莎产业园"


def test_the_phase_is_kept_apart_from_the_core():
    first = features("莎车县百村千厂纺织车间")
    second = features("莎车县百村千厂纺织车间（二期）")
    third = features("莎车县百村千厂纺织车间第三期工程")
    assert first.core == second.core == third.core == "百村千厂纺织车间"
    assert (first.phase, second.phase, third.phase) == (None, 2, 3)


def test_a_place_name_inside_a_township_name_is_not_taken_as_the_place():
    # 阿瓦提 is a county; 英阿瓦提镇 and 阿瓦提西村 are a township and a village.
    assert features("莎车县英阿瓦提镇卫生院").core == "英阿瓦提镇卫生院"
    assert features("莎车县阿瓦提西村村级综合服务中心").core == "阿瓦提西村村级综合服务中心"


def test_chinese_numbers():
    assert [chinese_number(text) for text in ("二", "十", "十二", "四十一", "2", "二〇二三", "第")] == [
        2,
        10,
        12,
        41,
        2,
        2023,
        None,
    ]


# -- scoring ------------------------------------------------------------------------------------------------
def pair_score(name_a, name_b, **fields_b):
    """The score of two projects of 上海市 in 莎车县 with these names."""
    first = record_for(make_project(name=name_a), VOCABULARY)
    second = record_for(make_project(name=name_b, **fields_b), VOCABULARY)
    return score_pair(first, second)


@pytest.mark.django_db
def test_the_same_project_written_twice_scores_one():
    result = pair_score("莎车县第二中学教学楼建设项目", "莎車縣第二中學教學樓工程")
    assert (result.score, result.kind) == (1.0, Kind.DUPLICATE)
    assert {"code": Reason.SIMILAR_NAME, "value": 1.0} in result.reasons
    assert {"code": Reason.SAME_SUPPORTER, "a": "上海市"} in result.reasons


@pytest.mark.django_db
def test_another_number_township_or_year_makes_the_pair_distinct():
    number = pair_score("莎车县第二中学教学楼建设项目", "莎车县第四中学教学楼建设项目")
    assert number.kind == Kind.DISTINCT
    assert {"code": Reason.OTHER_NUMBER, "a": "二", "b": "四"} in number.reasons
    assert number.score == 0.2  # name similarity 0.67 × 0.3
    town = pair_score("莎车县阿克乡卫生院改扩建项目", "莎车县喀拉镇卫生院改扩建项目")
    assert town.kind == Kind.DISTINCT
    assert {"code": Reason.OTHER_TOWN, "a": "阿克乡", "b": "喀拉镇"} in town.reasons
    year = pair_score("莎车县2022年农村安居工程", "莎车县2023年农村安居工程", plan_year=2023)
    assert year.kind == Kind.DISTINCT
    assert {"code": Reason.OTHER_YEAR_IN_NAME, "a": "2022", "b": "2023"} in year.reasons


@pytest.mark.django_db
def test_a_second_phase_is_a_phase_not_a_duplicate():
    result = pair_score("莎车县百村千厂纺织车间", "莎车县百村千厂纺织车间（二期）", plan_year=2025)
    assert result.kind == Kind.PHASE
    assert {"code": Reason.PHASE, "a": 1, "b": 2} in result.reasons


@pytest.mark.django_db
def test_a_reworded_name_scores_above_the_threshold_and_a_replaced_word_below():
    reworded = pair_score("莎车县百村千厂纺织车间", "莎车县百村千厂纺织生产车间")
    assert reworded.kind == Kind.DUPLICATE
    assert reworded.score >= ScanOptions().threshold
    replaced = pair_score("莎车县百村千厂纺织车间", "莎车县百村千厂服装车间")
    assert replaced.score < ScanOptions().threshold
    assert {"code": Reason.REPLACED_WORD, "a": "纺织", "b": "服装"} in replaced.reasons


@pytest.mark.django_db
def test_pairs_are_found_only_in_neighbouring_divisions_and_years():
    make_project(name="莎车县人民医院门诊楼", plan_year=2020)
    other_county = make_division(
        "653126", "叶城县", level=DivisionLevel.COUNTY, parent=make_prefecture(), zone=Zone.SOUTH
    )
    make_pairing(division=other_county)
    make_project(name="叶城县人民医院门诊楼", division=other_county, plan_year=2020)  # another county
    make_project(name="莎车县人民医院门诊楼", plan_year=2024)  # four years later
    assert scan() == []
    prefecture_project = make_project(
        name="喀什地区莎车县人民医院门诊楼", division=make_prefecture(), plan_year=2021
    )
    found = scan()
    assert [(c.first.name, c.second.pk) for c in found] == [("莎车县人民医院门诊楼", prefecture_project.pk)]


# -- the review queue ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_decided_pair_does_not_come_back():
    first = make_project(name="莎车县第二中学教学楼建设项目")
    second = make_project(name="莎车县第二中学教学综合楼工程")
    counts = refresh_queue(scan())
    assert counts == {"created": 1, "updated": 0, "removed": 0}
    pair = DuplicatePair.objects.get()
    assert (pair.project_a, pair.project_b, pair.decision) == (first, second, "")
    reviewer = make_user("office", role=Role.COORDINATION_OFFICE)
    decide_pair(pair, DuplicateDecision.DISTINCT, acting_user=reviewer, comment="两栋楼，见批复")
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by, pair.comment) == (
        DuplicateDecision.DISTINCT,
        reviewer,
        "两栋楼，见批复",
    )
    assert scan() == []
    assert likely_duplicates(second) == []
    assert refresh_queue(scan()) == {"created": 0, "updated": 0, "removed": 0}
    assert DuplicatePair.objects.get().decision == DuplicateDecision.DISTINCT


@pytest.mark.django_db
def test_a_duplicate_needs_a_comment_and_the_permission():
    make_project(name="莎车县第二中学教学楼建设项目")
    make_project(name="莎车县第二中学教学楼工程")
    refresh_queue(scan())
    pair = DuplicatePair.objects.get()
    office = make_user("office", role=Role.COORDINATION_OFFICE)
    with pytest.raises(ValidationError) as refused:
        decide_pair(pair, DuplicateDecision.DUPLICATE, acting_user=office)
    assert refused.value.message_dict == {"comment": ["认定为重复项目时，请写明审核意见（如何处理）。"]}
    auditor = make_user("auditor", role=Role.AUDITOR)
    with pytest.raises(PermissionDenied) as denied:
        decide_pair(pair, DuplicateDecision.DISTINCT, acting_user=auditor)
    assert str(denied.value) == "您没有审核疑似重复项目的权限。"
    assert DuplicatePair.objects.get().decision == ""


@pytest.mark.django_db
def test_a_pending_pair_no_longer_found_leaves_the_queue():
    make_project(name="莎车县第二中学教学楼建设项目")
    second = make_project(name="莎车县第二中学教学楼工程")
    refresh_queue(scan())
    second.name = "莎车县第四中学教学楼工程"
    second.save()
    assert refresh_queue(scan()) == {"created": 0, "updated": 0, "removed": 1}
    assert not DuplicatePair.objects.exists()


# -- the pages -----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_queue_the_pair_page_and_the_decision_through_the_client():
    make_project(name="莎车县第二中学教学楼建设项目", code="A-1")
    make_project(name="莎車縣第二中學教學樓工程", code="B-1", supporter=make_supporter("浙江省"))
    make_pairing(supporter=make_supporter("浙江省"))
    refresh_queue(scan())
    pair = DuplicatePair.objects.get()
    client = Client()
    client.force_login(make_user("office", role=Role.COORDINATION_OFFICE))
    queue = client.get(reverse("checks:duplicate_list"), {"state": "pending", "year": 2024})
    assert queue.status_code == 200
    assert "A-1" in queue.content.decode() and "B-1" in queue.content.decode()
    page = client.get(pair.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "不同支援方：上海市 ↔ 浙江省" in text
    assert "名称相似度 1.0" in text
    response = client.post(
        reverse("checks:duplicate_decide", args=[pair.pk]), {"decision": "duplicate", "comment": "取消其一"}
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.decision, pair.comment) == ("duplicate", "取消其一")
    empty = client.get(reverse("checks:duplicate_list"), {"state": "pending"})
    assert "A-1" not in empty.content.decode()


@pytest.mark.django_db
def test_a_projects_likely_duplicates_panel():
    first = make_project(name="莎车县第二中学教学楼建设项目", code="A-1")
    second = make_project(name="莎车县第二中学教学楼工程", code="B-1")
    client = Client()
    client.force_login(make_user())
    response = client.get(reverse("checks:project_duplicates", args=[second.pk]))
    assert response.status_code == 200
    assert first.code in response.content.decode()


# -- the command ---------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_command_prints_pairs_as_json():
    make_project(name="莎车县第二中学教学楼建设项目", code="A-1", plan_year=2023)
    make_project(name="莎车县第二中学教学楼工程", code="B-1", plan_year=2024)
    make_project(name="莎车县第四中学教学楼工程", code="C-1", plan_year=2024)
    output = StringIO()
    call_command("duplicates", "--json", "--year", "2024", stdout=output)
    document = json.loads(output.getvalue())
    assert list(document) == ["pairs"]
    assert len(document["pairs"]) == 1
    pair = document["pairs"][0]
    assert (pair["a"], pair["b"], pair["score"], pair["kind"]) == ("A-1", "B-1", 1.0, "duplicate")
    assert "计划年度：2023 ↔ 2024" in pair["reasons"]
    output = StringIO()
    call_command("duplicates", "--json", "--year", "2020", stdout=output)
    assert json.loads(output.getvalue()) == {"pairs": []}
