"""Project names reduced to what tells one project from another.

Two clerks write the same project differently: "莎车县第二中学教学楼建设项目" and "莎車縣第二中學教學樓工程";
one supporter writes "上海援疆莎车县2019年…", another leaves both out. What is left after taking away what
every name of the county shares — the supporter, the place already matched by blocking, the plan year, the
generic words of a plan table (援疆, 项目, 工程, 建设 …) — is the *core* that is compared. The phase (一期 /
二期) is taken out too, but kept: a second phase is a phase, not a duplicate. Years written into a name
("2023年农村安居工程") are kept as well: an annual programme repeated every year is not built twice.

The place and supporter names come from the database (`geo.Division`, `parties.Organization` with its
aliases), never from a word list here, so a new county or supporter city is recognised without a code change.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from duikou.core.text import normalize_text

# Words every plan table uses; they say nothing about which facility is meant. Longest first in the regex.
# From the 援疆 annual plan tables' naming habits ("…建设项目", "…改扩建工程", "…配套设施").
GENERIC_WORDS = (
    "对口援疆",
    "对口支援",
    "援疆",
    "项目",
    "工程",
    "建设",
    "新建",
    "续建",
    "扩建",
    "改建",
    "改扩建",
    "改造",
    "提升",
    "维修",
    "配套",
    "附属",
    "实施",
    "乡镇",  # 乡镇卫生院: any township's; a named one is 阿克乡卫生院
)
# Chinese numerals as written in names (第二中学, 四十一团, 二〇二四年).
NUMERAL_CHARS = "〇零一二三四五六七八九十百千两"
_NUMERAL_VALUES = {char: value for value, char in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}

# Characters that carry no meaning when names are compared (as core.text.match_key, punctuation).
_NOISE = re.compile(r"[\s()（）\[\]【】《》<>「」『』\"'“”‘’,，、.。:：;；!！?？·\-—_/\\~～]+")
# 一期, 二期, 第三期, 2期 — a numeral right before 期 (not 近期, 分期, 学期).
_PHASE = re.compile(rf"第?([{NUMERAL_CHARS}\d]{{1,3}})期")
# 2019年, 2019年度, 2019 (alone, between 1990 and 2099), 二〇一九年.
_YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d{2})(?!\d)(?:年度|年)?|([二一][〇零○][〇零○一二三四五六七八九]{2})年度?"
)


def chinese_number(text: str) -> int | None:
    """二 → 2, 十二 → 12, 四十一 → 41, 2 → 2; None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(char not in NUMERAL_CHARS for char in text):
        return None
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_NUMERAL_VALUES.get(tens, 1) if tens else 1) * 10 + (
            _NUMERAL_VALUES.get(units, 0) if units else 0
        )
    if all(char in _NUMERAL_VALUES for char in text):
        value = 0
        for char in text:
            value = value * 10 + _NUMERAL_VALUES[char]
        return value
    return None


def _alternation(words) -> re.Pattern | None:
    """A pattern matching any of `words`, the longest where several start at one place.

    Written as a trie (喀什地区莎车县|喀什地区|喀什 → 喀什(?:地区(?:莎车县)?)?): Python's regex engine tries
    an alternation's branches one by one at every character, and the few hundred place names made that a
    third of normalising a name; the trie reads each character once. Its optional parts are greedy, so it
    tries the longest match first and, when what follows refuses it, the shorter ones — the order of the
    longest-first alternation it replaces.
    """
    unique = {word for word in words if word}
    if not unique:
        return None
    trie: dict = {}
    for word in unique:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return re.compile(_trie_pattern(trie))


def _trie_pattern(node: dict) -> str:
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    single_character = len(branches) == 1 and len(branches[0]) == 1
    body = branches[0] if single_character else "(?:" + "|".join(branches) + ")"
    return body + ("?" if "" in node else "")


@dataclass(frozen=True)
class Vocabulary:
    """The names a normaliser takes away: places (division names) and supporters (organization names).

    `places` maps each written form (name, short name, full name "喀什地区莎车县") to the division's name,
    or to the short name itself where several divisions share it (阿克苏: 阿克苏地区 and 阿克苏市);
    `supporters` are organization names, short names and aliases.
    Single characters (the aliases 京, 沪, 浙) are left out: they occur inside ordinary words.
    """

    places: dict[str, str] = field(default_factory=dict)
    supporters: frozenset[str] = frozenset()

    @cached_property
    def place_pattern(self) -> re.Pattern | None:
        # A place name right before 乡/镇/村 is part of a township's or village's name (英阿瓦提镇, 阿瓦提西村
        # are not 阿瓦提县).
        pattern = _alternation(name for name in self.places if len(name) >= 2)
        return re.compile(f"(?:{pattern.pattern})(?![乡镇村]|[东西南北中新][乡镇村])") if pattern else None

    @cached_property
    def supporter_pattern(self) -> re.Pattern | None:
        return _alternation(name for name in self.supporters if len(name) >= 2)

    @classmethod
    def from_database(cls) -> Vocabulary:
        """Every division and every supporting party (provinces, cities, SOEs, ministries, front HQs)."""
        from duikou.geo.models import Division
        from duikou.parties.choices import SUPPORTER_KINDS, OrganizationKind
        from duikou.parties.models import Organization

        places: dict[str, str] = {}
        for division in Division.objects.select_related("parent__parent"):
            for text in {division.name, division.short_name, division.full_name} - {""}:
                written = normalize_text(text)
                known = places.get(written)
                places[written] = division.name if known in (None, division.name) else written
        supporters: set[str] = set()
        kinds = (*SUPPORTER_KINDS, OrganizationKind.FRONT_HQ)
        for name, short_name, aliases in Organization.objects.filter(kind__in=kinds).values_list(
            "name", "short_name", "aliases"
        ):
            supporters.update(normalize_text(text) for text in (name, short_name, *(aliases or [])) if text)
        return cls(places=places, supporters=frozenset(supporters))


class NameFeatures(NamedTuple):
    """What a project name says, normalised (a named tuple: a scan makes one per name, and a frozen
    dataclass took three times as long to build).

    Attributes:
        text: the name without punctuation, supporter names, years and phase, places kept
            ("莎车县第二中学教学楼建设项目").
        local: `text` without place names: what is compared side by side ("第二中学教学楼建设项目").
        core: `local` without generic words ("第二中学教学楼").
        bigrams: the character bigrams of `core`: what the similarity counts.
        phase: 1 for 一期, 2 for 二期 …; None when the name says nothing.
        years: years written in the name.
        places: the divisions the name mentions (their names; a short name shared by several as written).
    """

    text: str
    local: str
    core: str
    phase: int | None = None
    years: frozenset[int] = frozenset()
    places: frozenset[str] = frozenset()
    bigrams: frozenset[str] = frozenset()


def bigrams_of(text: str) -> frozenset[str]:
    """The character bigrams of `text` (the text itself when it is one character)."""
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(map(str.__add__, text, text[1:]))


# Cores recur far more than names do (教学楼 of every school, 安居富民房 of every village): one set each.
core_bigrams = functools.lru_cache(maxsize=2**16)(bigrams_of)


_GENERIC = _alternation(GENERIC_WORDS)


def strip_generic(text: str) -> str:
    """`text` without the generic words of plan tables."""
    return _GENERIC.sub("", text)


def normalise_name(name: str, vocabulary: Vocabulary) -> NameFeatures:
    """Reduce a project name to its features.

    Args:
        name: the name as written (traditional or simplified, full-width or not).
        vocabulary: the place and supporter names to take away.

    >>> vocabulary = Vocabulary(places={"莎车县": "莎车县", "莎车": "莎车县"}, supporters=frozenset({"上海"}))
    >>> features = normalise_name("上海援疆莎車縣２０１９年第二中學教學樓（二期）建設項目", vocabulary)
    >>> features.core, features.phase, sorted(features.years), sorted(features.places)
    ('第二中学教学楼', 2, [2019], ['莎车县'])
    """
    text = normalize_text(name)
    phase = None
    match = _PHASE.search(text)
    if match:
        phase = chinese_number(match.group(1))
        text = text[: match.start()] + text[match.end() :]
    years = set()
    for match in _YEAR.finditer(text):
        if match.group(1):
            years.add(int(match.group(1)))
        else:
            years.add(int("".join(str(_NUMERAL_VALUES.get(char, 0)) for char in match.group(2))))
    text = _YEAR.sub("", text)
    text = _NOISE.sub("", text)
    if vocabulary.supporter_pattern is not None:
        text = vocabulary.supporter_pattern.sub("", text)
    places: set[str] = set()
    local = text
    if vocabulary.place_pattern is not None:
        places = {vocabulary.places[found] for found in vocabulary.place_pattern.findall(text)}
        local = vocabulary.place_pattern.sub("", text)
    core = strip_generic(local)
    return NameFeatures(
        text=text,
        local=local,
        core=core,
        bigrams=core_bigrams(core),
        phase=phase,
        years=frozenset(years),
        places=frozenset(places),
    )
