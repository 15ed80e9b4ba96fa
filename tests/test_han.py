"""Han characters: one definition (`reader.core.text.han`), checked against Unicode's names.

Before it there were four, each slightly off: the segmenter's missed 々, the radicals and the
Hangzhou numerals; the dictionary's and the loader's missed extension H; dictionary search's
took in the Yijing hexagrams (U+4DC0-4DFF sit between extension A and the unified block).
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from reader.core.text.han import HAN_CHARACTER, HAN_CLASS, HAN_RANGES, has_han, is_han_char

_HAN_NAME_PREFIXES = (
    "CJK UNIFIED IDEOGRAPH-",
    "CJK COMPATIBILITY IDEOGRAPH-",
    "KANGXI RADICAL ",
    "CJK RADICAL ",
    "HANGZHOU NUMERAL ",
)
_HAN_NAMES = {
    "IDEOGRAPHIC ITERATION MARK",  # 々
    "IDEOGRAPHIC NUMBER ZERO",  # 〇
    "VERTICAL IDEOGRAPHIC ITERATION MARK",  # 〻
    "OLD CHINESE HOOK MARK",
    "OLD CHINESE ITERATION MARK",
    "VIETNAMESE ALTERNATE READING MARK CA",
    "VIETNAMESE ALTERNATE READING MARK NHAY",
}


def _is_han_by_name(character: str) -> bool | None:
    """Whether Unicode's name says Han; None for a code point this Python does not know."""
    name = unicodedata.name(character, "")
    if not name:
        return None
    return name.startswith(_HAN_NAME_PREFIXES) or name in _HAN_NAMES


def test_every_named_character_is_han_exactly_when_its_name_says_so() -> None:
    wrong = []
    for code in range(0x2E80, 0x323B0):
        character = chr(code)
        expected = _is_han_by_name(character)
        if expected is not None and is_han_char(character) != expected:
            wrong.append(f"U+{code:04X} {unicodedata.name(character)}")
    assert wrong == []
    # Below the first range nothing is Han (Latin, punctuation, Greek, Cyrillic...).
    assert not any(is_han_char(chr(code)) for code in range(0x2E80))


@pytest.mark.parametrize(
    ("character", "han"),
    [
        ("中", True),
        ("關", True),
        ("㐀", True),  # extension A
        ("𠀀", True),  # extension B
        ("\U00031350", True),  # extension H
        ("々", True),
        ("〇", True),
        ("⼈", True),  # KANGXI RADICAL MAN
        ("〡", True),
        ("䷀", False),  # HEXAGRAM FOR THE CREATIVE HEAVEN
        ("⿰", False),  # IDEOGRAPHIC DESCRIPTION CHARACTER LEFT TO RIGHT
        ("。", False),
        ("「", False),
        ("あ", False),
        ("ㄅ", False),
        ("한", False),
        ("Ａ", False),
        ("a", False),
        ("中國", False),  # one character only
        ("", False),
    ],
)
def test_examples(character: str, han: bool) -> None:
    assert is_han_char(character) is han


def test_the_class_and_the_ranges_agree() -> None:
    run = re.compile(f"[{HAN_CLASS}]+")
    for first, last in HAN_RANGES:
        for code in {first, (first + last) // 2, last}:
            assert run.fullmatch(chr(code)) and HAN_CHARACTER.match(chr(code))
        for outside in (first - 1, last + 1):
            if not any(a <= outside <= b for a, b in HAN_RANGES):
                assert HAN_CHARACTER.match(chr(outside)) is None


def test_has_han() -> None:
    assert has_han("abc 中 def")
    assert not has_han("guanxi relation 。")
