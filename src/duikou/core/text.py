"""Chinese text normalisation for names, codes and free text from real files.

Real input mixes full-width digits and letters (１２３, ＡＢＣ), traditional
characters (烏什縣), odd whitespace (U+3000, non-breaking spaces, line breaks
inside Excel cells). `normalize_text` turns all of that into one canonical
form while keeping Chinese punctuation (（）、，：) as Chinese users write it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Chinese punctuation that NFKC would turn into ASCII; names keep it as written.
_KEPT_FULLWIDTH = set("（）【】《》，、。：；！？“”‘’—…·")
# Characters that carry no meaning when two names are compared.
_MATCH_NOISE = re.compile(r"[\s()（）\[\]【】《》<>「」『』\"'“”‘’,，、.。:：;；!！?？·\-—_/\\]+")


@lru_cache(maxsize=1)
def _traditional_to_simplified():
    import opencc

    return opencc.OpenCC("t2s")


# Kept punctuation hides behind private-use characters (which NFKC leaves alone) while the rest of the
# text is normalised in one C call: ~20x faster than normalising character by character.
_HIDE_KEPT = {ord(char): 0xF0000 + index for index, char in enumerate(sorted(_KEPT_FULLWIDTH))}
_SHOW_KEPT = {
    hidden: ord(char) for char, hidden in zip(sorted(_KEPT_FULLWIDTH), _HIDE_KEPT.values(), strict=True)
}


def to_halfwidth(text: str) -> str:
    """NFKC, except for the Chinese punctuation in `_KEPT_FULLWIDTH`."""
    if text.isascii():
        return text
    hidden = text.translate(_HIDE_KEPT)
    if unicodedata.is_normalized("NFKC", hidden):
        return text
    return unicodedata.normalize("NFKC", hidden).translate(_SHOW_KEPT)


# Ideographs OpenCC might change: the CJK blocks below U+20000 are checked one by one at first use; any
# character above them (rare extensions) always goes through OpenCC.
_CJK_BLOCKS = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]
_BEYOND_BLOCKS = re.compile("[\U00020000-\U0010ffff]")


@lru_cache(maxsize=1)
def _traditional_characters() -> frozenset[str]:
    """The characters t2s changes on their own. Text without any (and without rarer ideographs) is left
    as it is without calling OpenCC: most names in real files are already simplified."""
    characters = [chr(code) for start, end in _CJK_BLOCKS for code in range(start, end + 1)]
    converted = _traditional_to_simplified().convert("\n".join(characters)).split("\n")
    return frozenset(
        char for char, simplified in zip(characters, converted, strict=True) if simplified != char
    )


def to_simplified(text: str) -> str:
    """Traditional → simplified characters (OpenCC t2s); simplified text passes unchanged."""
    if text.isascii():
        return text
    if _traditional_characters().isdisjoint(text) and not _BEYOND_BLOCKS.search(text):
        return text
    return _traditional_to_simplified().convert(text)


@lru_cache(maxsize=1)
def canonical_text() -> re.Pattern:
    """Text made only of characters `normalize_text` leaves as they are, in any order: printable ASCII
    but the space, the kept Chinese punctuation, the CJK symbols left alone, and the simplified (or
    unchanged) ideographs of the main CJK block — neither NFKC (they compose with nothing) nor OpenCC
    changes them. Most names in real files are such text, and one match tells so: ~10x cheaper than
    normalising (an import normalises every name it reads, and the model's `clean()` again)."""
    ideographs = sorted(
        {chr(code) for code in range(0x4E00, 0x9FFF + 1)} - _traditional_characters(), key=ord
    )
    ranges, start, previous = [], None, None
    for char in ideographs:
        if previous is None or ord(char) != ord(previous) + 1:
            if start is not None:
                ranges.append((start, previous))
            start = char
        previous = char
    ranges.append((start, previous))
    ideograph_class = "".join(first if first == last else f"{first}-{last}" for first, last in ranges)
    punctuation = "".join(re.escape(char) for char in sorted(_KEPT_FULLWIDTH | _symbols_left_alone()))
    return re.compile(f"[!-~{punctuation}{ideograph_class}]+")


def _symbols_left_alone() -> set[str]:
    """The CJK symbols and general punctuation that NFKC and OpenCC leave as they are and that compose with
    nothing: 〔〕 of a document number (新发改〔2024〕12号), 〇 of a year (二〇二四年), dashes, 《》 …"""
    blocks = [*range(0x2010, 0x205F), *range(0x3001, 0x3040)]
    return {
        char
        for char in map(chr, blocks)
        if not char.isspace()
        and not unicodedata.category(char).startswith("C")  # no invisible controls (bidirectional marks)
        and unicodedata.combining(char) == 0
        and unicodedata.is_normalized("NFKC", char)
        and to_simplified(char) == char
    }


def normalize_text(value) -> str:
    """Canonical text: half-width letters/digits, simplified characters, single spaces, trimmed.

    >>> normalize_text("  烏什縣　百村千廠（二期）\\n")
    '乌什县 百村千厂（二期）'
    """
    if value is None:
        return ""
    text = str(value)
    if canonical_text().fullmatch(text):
        return text
    text = to_simplified(to_halfwidth(text))
    return " ".join(text.split())  # runs of whitespace (U+3000, line breaks in a cell) → one space


def match_key(value) -> str:
    """A key for comparing names: normalised, without spaces or punctuation, lower-case."""
    return _MATCH_NOISE.sub("", normalize_text(value)).lower()


_KEY_SEPARATOR = "\x00"  # not matching noise: it survives the pass and splits its result again


def match_keys(names: list[str]) -> list[str]:
    """`match_key` of many names already normalised (`normalize_text`'s output: an import's text cells),
    in one pass of the noise pattern over them all, joined — a call per name cost more than its work, and
    an import keys every new row's name for the likely duplicates."""
    joined = _KEY_SEPARATOR.join(names)
    if not names or joined.count(_KEY_SEPARATOR) != len(names) - 1:  # a name holding the separator
        return [match_key(name) for name in names]
    return _MATCH_NOISE.sub("", joined).lower().split(_KEY_SEPARATOR)
