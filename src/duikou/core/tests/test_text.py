"""Text normalisation: one canonical form for names typed in full-width, traditional or with stray spaces."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duikou.core.text import match_key, match_keys, normalize_text, to_halfwidth, to_simplified


@given(st.text())
def test_normalize_text_is_idempotent(text):
    once = normalize_text(text)

    assert normalize_text(once) == once


@given(
    st.text(
        alphabet=st.sampled_from("烏什縣莎車廠區開發龍門與為東關後臺灣　 ＡＢＣａｂｃ１２３（）、，：\n\t")
    )
)
def test_normalize_text_is_idempotent_on_chinese_input(text):
    once = normalize_text(text)

    assert normalize_text(once) == once


@given(st.text(alphabet=string.ascii_letters + string.digits))
def test_full_width_letters_and_digits_become_half_width(text):
    # given letters and digits typed with a full-width input method
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in text)

    # then it reads as the ASCII it stands for
    assert normalize_text(full_width) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("烏什縣", "乌什县"),
        ("  烏什縣　百村千廠（二期）\n", "乌什县 百村千厂（二期）"),
        ("莎車縣", "莎车县"),
        ("ＡＢＣ１２３", "ABC123"),
        ("ａｂｃ", "abc"),
        ("第１１批", "第11批"),
        ("喀什地区（南疆）、和田：一期，二期", "喀什地区（南疆）、和田：一期，二期"),
        ("【百村千厂】《实施方案》", "【百村千厂】《实施方案》"),
        ("a\u00a0\u00a0b\r\nc\u3000d", "a b c d"),
        ("", ""),
        (None, ""),
        (12, "12"),
        ("plain ascii  text ", "plain ascii text"),
    ],
)
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


def test_to_halfwidth_keeps_chinese_punctuation_and_converts_the_rest():
    assert to_halfwidth("（１２３）、ＡＢ：") == "（123）、AB："


def test_to_simplified_leaves_simplified_and_ascii_text_alone():
    assert to_simplified("乌什县") == "乌什县"
    assert to_simplified("abc") == "abc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("浙江省（援疆）", "浙江省援疆"),
        ("  浙江省 援疆指挥部 ", "浙江省援疆指挥部"),
        ("ＸＰＣＣ-12", "xpcc12"),
        ("喀什地区·莎车县", "喀什地区莎车县"),
        ("烏什縣", "乌什县"),
    ],
)
def test_match_key_drops_spaces_punctuation_and_case(text, expected):
    assert match_key(text) == expected


@given(st.lists(st.text(alphabet=st.sampled_from("乌什县莎车縣（）【】·，、ABCab019-_/ 　１Ａ\u3000\n\x00"))))
def test_match_keys_of_normalised_names_agree_with_match_key(texts):
    # keyed in one pass over them all, joined: the same keys, in order — a name holding the separator too
    names = [normalize_text(text) for text in texts]
    assert match_keys(names) == [match_key(name) for name in names]


def _normalised_the_long_way(text: str) -> str:
    return " ".join(to_simplified(to_halfwidth(text)).split())


@given(st.text(alphabet=st.sampled_from("乌什县莎车縣廠（）【】，、ABCab019-_/ 　１Ａ\u3000\n"), max_size=30))
def test_the_shortcut_for_canonical_text_agrees_with_normalising(text):
    # normalize_text returns text its one-pattern check finds canonical as it is: never a different
    # answer from the full conversion, traditional characters, full-width forms and spaces mixed in
    assert normalize_text(text) == _normalised_the_long_way(text)


def test_every_character_the_shortcut_accepts_is_left_alone_by_the_full_conversion():
    from duikou.core.text import canonical_text

    pattern = canonical_text()
    accepted = [chr(code) for code in range(0x21, 0x10000) if pattern.fullmatch(chr(code))]
    assert len(accepted) > 15_000  # the simplified ideographs, ASCII and the kept punctuation
    assert all(_normalised_the_long_way(char) == char for char in accepted)
