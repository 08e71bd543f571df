"""The score of one pair of projects, and the reasons behind it, side by side.

The similarity of two names is the Dice coefficient of their cores' character bigrams (`normalise.py`),
averaged with the share of the shorter core found in the longer one: a second clerk adds words
(教学楼 → 教学综合楼, 车间 → 生产车间) far more often than removing them. Then the two names are aligned
character by character (difflib) and every difference is read for what it says:

- a different **number** (第二中学 ↔ 第四中学, 3号楼 ↔ 5号楼, 四十一团 ↔ 四十四团): another facility;
- a different **township or village** (阿克乡 ↔ 喀拉镇, 白杨新村 ↔ 喀群新村): another place;
- a different **year written into the name** (2022年 ↔ 2023年 农村安居工程): an annual programme;
- a different **place** named (a prefecture's project naming 疏附县 against one in 伽师县);
- other **replaced words** (纺织 ↔ 服装, 门诊楼 ↔ 住院楼): most likely another facility;
- a different **phase** (一期 ↔ 二期): the same project's next phase (分期), reported as such, never as
  a duplicate.

Projects that build nothing (training, exchanges, study tours: not fixed-asset investment) recur every year
by design; two of them are compared only within the same plan year (the same activity counted twice).

The first four are conflicts that hardly ever happen between two records of one project, so they cut the
score hard; a replaced word cuts it less (a synonym is possible). What the pair shares — division, years,
category, asset type — and what differs — supporter, funding channel (计划内 / 计划外) — are listed as reasons
but do not change the score, except a different category or asset type, which lowers it.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .normalise import NUMERAL_CHARS, NameFeatures

CONFLICT_FACTOR = 0.3  # a different number, township, year or place
REPLACED_WORD_FACTOR = 0.6  # each other replaced word, down to REPLACED_WORD_FLOOR
REPLACED_WORD_FLOOR = 0.36
CATEGORY_FACTOR = 0.85
ASSET_TYPE_FACTOR = 0.9
DESCRIPTION_WEIGHT = 0.2  # the share of the descriptions' similarity when both projects have one
MIN_DESCRIPTION_LENGTH = 10

_NUMBER = re.compile(rf"[\d{NUMERAL_CHARS}]")
_TOWN_SUFFIXES = ("乡", "镇", "村", "街道", "社区", "牧场", "农场")
_TOWN_QUALIFIERS = "东西南北中新老"  # 白杨新村, 喀拉西村
_PLACE_SUFFIXES = ("县", "市", "区", "州", "乡", "镇", "村")


class Kind:
    """What a scored pair looks like."""

    DUPLICATE = "duplicate"  # likely the same project twice
    PHASE = "phase"  # the same project, another phase
    DISTINCT = "distinct"  # similar, but the names say they differ


class Reason:
    """Codes of the reasons; `duikou.checks.duplicates.reasons.reason_text` writes them out."""

    SIMILAR_NAME = "similar_name"
    SIMILAR_DESCRIPTION = "similar_description"
    SAME_DIVISION = "same_division"
    PARENT_DIVISION = "parent_division"
    YEARS = "years"
    SAME_CATEGORY = "same_category"
    OTHER_CATEGORY = "other_category"
    OTHER_ASSET_TYPE = "other_asset_type"
    OTHER_SUPPORTER = "other_supporter"
    SAME_SUPPORTER = "same_supporter"
    OTHER_CHANNEL = "other_channel"
    PHASE = "phase"
    OTHER_NUMBER = "other_number"
    OTHER_TOWN = "other_town"
    OTHER_YEAR_IN_NAME = "other_year_in_name"
    OTHER_PLACE = "other_place"
    REPLACED_WORD = "replaced_word"
    ADDED_WORD = "added_word"
    RECURRING_ACTIVITY = "recurring_activity"

    CONFLICTS = frozenset({OTHER_NUMBER, OTHER_TOWN, OTHER_YEAR_IN_NAME, OTHER_PLACE, RECURRING_ACTIVITY})


class ProjectRecord(NamedTuple):
    """What the detector reads of a project (a saved one, or the values of a form not yet saved).

    A named tuple: a scan makes one per project, and a frozen dataclass took three times as long to build.
    """

    pk: int | None
    code: str
    name: str
    features: NameFeatures
    division_id: int
    division_parent_id: int | None
    division_name: str
    plan_year: int
    category_id: int | None
    is_fixed_asset: bool
    supporter_id: int | None
    supporter_name: str
    is_in_plan: bool
    description_bigrams: frozenset[str] = frozenset()


@dataclass
class PairScore:
    """The score of a pair (0 … 1), what it looks like, and the reasons in the order they are shown."""

    score: float
    kind: str
    reasons: list[dict] = field(default_factory=list)

    @property
    def conflicts(self) -> list[dict]:
        return [reason for reason in self.reasons if reason["code"] in Reason.CONFLICTS]


def lowest_name_similarity(threshold: float, *, has_descriptions: bool) -> float:
    """The name similarity below which a pair cannot score `threshold` (every factor is at most 1)."""
    if not has_descriptions:
        return threshold
    return max(0.0, (threshold - DESCRIPTION_WEIGHT) / (1 - DESCRIPTION_WEIGHT))


def dice(first: frozenset, second: frozenset) -> float:
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def name_similarity(first: frozenset, second: frozenset) -> float:
    """Dice averaged with containment (the share of the smaller set found in the larger)."""
    if not first or not second:
        return 0.0
    common = len(first & second)
    return (2 * common / (len(first) + len(second)) + common / min(len(first), len(second))) / 2


def differences(first: str, second: str, *, simple_length: int = 6) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes ("replace", "insert", "delete"; "equal" left out) between two names.

    Names mostly differ in one place: the common beginning and end are taken off first, and difflib aligns
    only what is left when both sides still hold more than `simple_length` characters.
    """
    if first == second:
        return []
    limit = min(len(first), len(second))
    start = 0
    while start < limit and first[start] == second[start]:
        start += 1
    end = 0
    while end < limit - start and first[-1 - end] == second[-1 - end]:
        end += 1
    a_end, b_end = len(first) - end, len(second) - end
    if a_end - start <= simple_length or b_end - start <= simple_length:
        tag = "replace" if a_end > start and b_end > start else ("delete" if a_end > start else "insert")
        return [(tag, start, a_end, start, b_end)]
    matcher = difflib.SequenceMatcher(None, first[start:a_end], second[start:b_end], autojunk=False)
    return [
        (tag, start + i1, start + i2, start + j1, start + j2)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _is_town(text: str, end: int) -> bool:
    """Whether the segment ending at `end` of `text` is (the head of) a township or village name."""
    rest = text[end:]
    if rest[:1] in _TOWN_QUALIFIERS and rest[1:2]:
        rest = rest[1:]
    segment_end = text[:end]
    return rest.startswith(_TOWN_SUFFIXES) or segment_end.endswith(_TOWN_SUFFIXES)


def _has_number(text: str) -> bool:
    return bool(_NUMBER.search(text))


def compare_names(first: NameFeatures, second: NameFeatures) -> tuple[list[dict], float]:
    """The differences between two names (reasons) and the factor they put on the score."""
    differences, factor, _has_conflict = _name_differences(first, second)
    return [dict(reason) for reason in differences], factor


def _name_differences(first: NameFeatures, second: NameFeatures) -> tuple[tuple[dict, ...], float, bool]:
    """`compare_names` for a scan: the reasons (shared with the memo: read them, copy them to keep them),
    the factor, and whether one of them is a conflict."""
    reasons: tuple[dict, ...] = ()
    has_conflict = False
    if first.years and second.years and first.years.isdisjoint(second.years):
        reasons += ({"code": Reason.OTHER_YEAR_IN_NAME, "a": _years(first.years), "b": _years(second.years)},)
        has_conflict = True
    if first.places != second.places:
        extra_first, extra_second = first.places - second.places, second.places - first.places
        if extra_first and extra_second and not _overlap(extra_first, extra_second):
            reasons += (
                {
                    "code": Reason.OTHER_PLACE,
                    "a": "、".join(sorted(extra_first)),
                    "b": "、".join(sorted(extra_second)),
                },
            )
            has_conflict = True
    # The cores: generic words would break the common ending (…楼建设项目 ↔ …综合楼工程).
    core_reasons, replaced_words, core_conflict = core_differences(
        first.core, second.core, bool(first.places or second.places)
    )
    reasons += core_reasons
    factor = 1.0
    if has_conflict or core_conflict:
        factor *= CONFLICT_FACTOR
    if replaced_words:
        factor *= max(REPLACED_WORD_FACTOR**replaced_words, REPLACED_WORD_FLOOR)
    return reasons, factor, has_conflict or core_conflict


# Cores recur (the same facility written the same way in many counties and years): a scan meets the same two
# cores again and again, and their reading depends on nothing else. 2**16 pairs are a few MB.
@functools.lru_cache(maxsize=2**16)
def core_differences(a_text: str, b_text: str, has_places: bool) -> tuple[tuple[dict, ...], int, bool]:
    """What differs between two name cores, as reasons; how many of them are replaced words; whether one
    of them is a conflict.

    Args:
        a_text, b_text: the two cores (`NameFeatures.core`).
        has_places: whether either name names a known place (then an unknown "…县" is another place).
    """
    reasons: list[dict] = []
    replaced_words = 0
    for tag, a_start, a_end, b_start, b_end in differences(a_text, b_text):
        a_part, b_part = a_text[a_start:a_end], b_text[b_start:b_end]
        if tag == "replace" and _has_number(a_part) and _has_number(b_part):
            reasons.append({"code": Reason.OTHER_NUMBER, "a": a_part, "b": b_part})
        elif tag == "replace" and _is_town(a_text, a_end) and _is_town(b_text, b_end):
            reasons.append(
                {
                    "code": Reason.OTHER_TOWN,
                    "a": _town(a_text, a_start, a_end),
                    "b": _town(b_text, b_start, b_end),
                }
            )
        elif _is_unknown_place(a_part or b_part) and has_places:
            # A county or town the vocabulary does not know, where the other name names a known place.
            reasons.append({"code": Reason.OTHER_PLACE, "a": a_part, "b": b_part})
        elif tag == "replace":
            replaced_words += 1
            reasons.append({"code": Reason.REPLACED_WORD, "a": a_part, "b": b_part})
        else:
            reasons.append({"code": Reason.ADDED_WORD, "a": a_part, "b": b_part})
    has_conflict = any(reason["code"] in Reason.CONFLICTS for reason in reasons)
    return tuple(reasons), replaced_words, has_conflict


def _is_unknown_place(text: str) -> bool:
    """A name ending in 县/市/乡/镇/村 … with two characters or more before them (伊什库力陶县; not 乡镇)."""
    return text.endswith(_PLACE_SUFFIXES) and len(text.rstrip("".join(_PLACE_SUFFIXES))) >= 2


def _overlap(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether a mention in one names the same place as one in the other (阿克苏 within 阿克苏市)."""
    return any(x in y or y in x for x in first for y in second)


def _years(years: frozenset[int]) -> str:
    return "、".join(str(year) for year in sorted(years))


def _town(text: str, start: int, end: int) -> str:
    """The differing part with the suffix that makes it a township ("阿克" + "乡")."""
    rest = text[end:]
    for length in (1, 2, 3):
        if rest[:length].endswith(_TOWN_SUFFIXES):
            return text[start:end] + rest[:length]
    return text[start:end]


class Assessment(NamedTuple):
    """A pair's score and kind, before its reasons are written out: what a scan needs to leave it out.

    Attributes:
        name_similarity: of the two names' cores.
        description_similarity: of the descriptions; None unless both projects have one.
        score: the pair's score, rounded to three places.
        kind: a `Kind`.
        differences: the names' differences (reasons, shared: copy them to change them); None when the
            pair was left early (`minimum`).
    """

    name_similarity: float
    description_similarity: float | None
    score: float
    kind: str
    differences: tuple[dict, ...] | None


def _is_recurring(first: ProjectRecord, second: ProjectRecord) -> bool:
    """Two activities that build nothing, in different plan years: a yearly training is not built twice."""
    return not first.is_fixed_asset and not second.is_fixed_asset and first.plan_year != second.plan_year


def assess_pair(first: ProjectRecord, second: ProjectRecord, *, minimum: float = 0.0) -> Assessment:
    """Score two projects already known to be neighbours, without writing out the reasons (`score_pair`).

    A scan assesses tens of thousands of candidate pairs and reports a few thousand: only the reported
    ones need their reasons (`pair_reasons`).
    """
    a, b = first.features, second.features
    name = name_similarity(a.bigrams, b.bigrams)
    similarity, description = name, None
    if first.description_bigrams and second.description_bigrams:
        description = name_similarity(first.description_bigrams, second.description_bigrams)
        similarity = (1 - DESCRIPTION_WEIGHT) * similarity + DESCRIPTION_WEIGHT * description
    factor = 1.0
    if first.category_id != second.category_id:
        factor *= CATEGORY_FACTOR
    if first.is_fixed_asset != second.is_fixed_asset:
        factor *= ASSET_TYPE_FACTOR
    kind = Kind.PHASE if (a.phase or 1) != (b.phase or 1) else Kind.DUPLICATE
    if _is_recurring(first, second):
        kind = Kind.DISTINCT
    if minimum and (kind == Kind.DISTINCT or similarity * factor < minimum):
        return Assessment(name, description, round(similarity * factor, 3), kind, None)
    differences, name_factor, has_conflict = _name_differences(a, b)
    if has_conflict:
        kind = Kind.DISTINCT
    return Assessment(name, description, round(similarity * factor * name_factor, 3), kind, differences)


def pair_reasons(first: ProjectRecord, second: ProjectRecord, assessment: Assessment) -> list[dict]:
    """The reasons of an assessed pair, in the order they are shown: what the pair shares and what differs,
    then how the names differ."""
    reasons: list[dict] = [{"code": Reason.SIMILAR_NAME, "value": round(assessment.name_similarity, 2)}]
    if assessment.description_similarity is not None:
        reasons.append(
            {"code": Reason.SIMILAR_DESCRIPTION, "value": round(assessment.description_similarity, 2)}
        )
    if first.division_id == second.division_id:
        reasons.append({"code": Reason.SAME_DIVISION, "a": first.division_name})
    else:
        reasons.append({"code": Reason.PARENT_DIVISION, "a": first.division_name, "b": second.division_name})
    reasons.append({"code": Reason.YEARS, "a": first.plan_year, "b": second.plan_year})
    if first.category_id == second.category_id:
        reasons.append({"code": Reason.SAME_CATEGORY})
    else:
        reasons.append({"code": Reason.OTHER_CATEGORY})
    if first.is_fixed_asset != second.is_fixed_asset:
        reasons.append({"code": Reason.OTHER_ASSET_TYPE})
    if first.supporter_id != second.supporter_id:
        reasons.append(
            {"code": Reason.OTHER_SUPPORTER, "a": first.supporter_name, "b": second.supporter_name}
        )
    else:
        reasons.append({"code": Reason.SAME_SUPPORTER, "a": first.supporter_name})
    if first.is_in_plan != second.is_in_plan:
        reasons.append({"code": Reason.OTHER_CHANNEL, "a": first.is_in_plan, "b": second.is_in_plan})
    a_phase, b_phase = first.features.phase or 1, second.features.phase or 1
    if a_phase != b_phase:
        reasons.append({"code": Reason.PHASE, "a": a_phase, "b": b_phase})
    if _is_recurring(first, second):
        reasons.append({"code": Reason.RECURRING_ACTIVITY})
    reasons.extend(dict(reason) for reason in assessment.differences or ())  # copies: see Assessment
    return reasons


def score_pair(first: ProjectRecord, second: ProjectRecord, *, minimum: float = 0.0) -> PairScore:
    """Score two projects already known to be neighbours (same or parent division, years in the window).

    Args:
        first: one project (the older, or the saved one).
        second: the other (the newer, or the one being entered).
        minimum: a pair whose score cannot reach this is returned early, without the names' alignment
            (a scan skips most pairs so).

    Returns:
        The score with its kind and reasons; `kind` is `Kind.PHASE` when only the phase tells them apart.
    """
    assessment = assess_pair(first, second, minimum=minimum)
    return PairScore(
        score=assessment.score, kind=assessment.kind, reasons=pair_reasons(first, second, assessment)
    )
