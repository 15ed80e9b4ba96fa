"""Pinyin syllables as written: tone marks, tone numbers or zhuyin, from numbered syllables.

Its own small module so the reading screen can draw pinyin without importing the reading
engine (`reader.core.engine.pinyin` loads the segmenter and tables).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from enum import Enum
from functools import lru_cache


class PinyinStyle(str, Enum):
    MARKS = "marks"  # zhōng
    NUMBERS = "numbers"  # zhong1
    ZHUYIN = "zhuyin"  # ㄓㄨㄥ


_NUMBERED = re.compile(r"^([a-zü]+)([1-5])$")
UNKNOWN_READING = "xx"  # CC-CEDICT's placeholder for a character with no known reading
_COMBINING_TONE = {1: "\u0304", 2: "\u0301", 3: "\u030c", 4: "\u0300"}
_VOWELS = "aeiouü"


def is_capitalised(numbered: str) -> bool:
    """'Wang2' -> True: the syllable starts a proper noun or a part of a name."""
    return numbered[:1].isupper()


def split_numbered(numbered: str) -> tuple[str, int] | None:
    """'lv4' / 'lü4' / 'lu:4' / 'Zhong1' -> ('lü', 4); None if it is not a syllable."""
    text = numbered.strip().lower().replace("u:", "ü").replace("v", "ü")
    match = _NUMBERED.match(text)
    if match is None or match.group(1) == UNKNOWN_READING:
        return None
    return match.group(1), int(match.group(2))


def is_numbered_syllable(text: str) -> bool:
    """True for a numbered syllable such as 'zhong1', 'lv4', 'lu:4', 'le5' (not 'xx5')."""
    return split_numbered(text) is not None


def tone_of(numbered: str) -> int:
    """The tone 1-5 of a numbered syllable ('le5' -> 5); 5 for anything without a tone number."""
    parts = split_numbered(numbered)
    return parts[1] if parts else 5


def toneless(pinyin: str) -> str:
    """Only the letters of pinyin in any form, ü written v: 'Guān xì' / 'guan1xi4' / 'Lǜ shī' /
    'lu:4' -> 'guanxi' / 'guanxi' / 'lvshi' / 'lv' (what toneless search compares)."""
    decomposed = unicodedata.normalize("NFD", pinyin.lower())
    decomposed = decomposed.replace("u\u0308", "v").replace("u:", "v")  # ü, ǜ (any tone), u:
    return "".join(char for char in decomposed if "a" <= char <= "z")


TONE_OF_MARK = {mark: tone for tone, mark in _COMBINING_TONE.items()}
"""The combining tone marks (after NFD) and their tones: U+0304 ā 1, U+0301 á 2, U+030C ǎ 3,
U+0300 à 4."""


def marks_to_numbered(marked: str) -> str:
    """One syllable with a tone mark as a numbered syllable: 'zhōng' -> 'zhong1', 'lǜ' ->
    'lv4', 'de' -> 'de5' (no mark: the neutral tone)."""
    tone = 5
    letters: list[str] = []
    for char in unicodedata.normalize("NFD", marked):
        if char in TONE_OF_MARK:
            tone = TONE_OF_MARK[char]
        elif char == "\u0308" and letters:  # the diaeresis of ü
            letters[-1] = "v"
        else:
            letters.append(char)
    return "".join(letters).lower() + str(tone)


def tone_mark_position(letters: str) -> int | None:
    """Where a syllable's tone mark goes (index into `letters`): the standard rule, a or e
    takes it; in ou the o does; otherwise the last vowel (iu -> iú, ui -> uí); syllabic
    m / n / ng carry it on the m or n. None for letters with nowhere to put it."""
    if "a" in letters:
        return letters.index("a")
    if "e" in letters:
        return letters.index("e")
    if "ou" in letters:
        return letters.index("o")
    vowel_positions = [index for index, char in enumerate(letters) if char in _VOWELS]
    if vowel_positions:
        return vowel_positions[-1]
    nasal = [index for index, char in enumerate(letters) if char in "mn"]
    return nasal[0] if nasal else None


def _with_tone_mark(letters: str, tone: int) -> str:
    position = tone_mark_position(letters) if tone != 5 else None
    if position is None:
        return letters
    marked = letters[: position + 1] + _COMBINING_TONE[tone] + letters[position + 1 :]
    return unicodedata.normalize("NFC", marked)


_ZHUYIN_INITIALS = {
    "zh": "ㄓ", "ch": "ㄔ", "sh": "ㄕ", "b": "ㄅ", "p": "ㄆ", "m": "ㄇ", "f": "ㄈ", "d": "ㄉ",
    "t": "ㄊ", "n": "ㄋ", "l": "ㄌ", "g": "ㄍ", "k": "ㄎ", "h": "ㄏ", "j": "ㄐ", "q": "ㄑ",
    "x": "ㄒ", "r": "ㄖ", "z": "ㄗ", "c": "ㄘ", "s": "ㄙ",
}  # fmt: skip
_ZHUYIN_FINALS = {
    "a": "ㄚ", "o": "ㄛ", "e": "ㄜ", "ê": "ㄝ", "ai": "ㄞ", "ei": "ㄟ", "ao": "ㄠ", "ou": "ㄡ",
    "an": "ㄢ", "en": "ㄣ", "ang": "ㄤ", "eng": "ㄥ", "ong": "ㄨㄥ", "er": "ㄦ",
    "i": "ㄧ", "ia": "ㄧㄚ", "io": "ㄧㄛ", "ie": "ㄧㄝ", "iai": "ㄧㄞ", "iao": "ㄧㄠ",
    "iou": "ㄧㄡ", "ian": "ㄧㄢ", "in": "ㄧㄣ", "iang": "ㄧㄤ", "ing": "ㄧㄥ", "iong": "ㄩㄥ",
    "u": "ㄨ", "ua": "ㄨㄚ", "uo": "ㄨㄛ", "uai": "ㄨㄞ", "uei": "ㄨㄟ", "uan": "ㄨㄢ",
    "uen": "ㄨㄣ", "uang": "ㄨㄤ", "ueng": "ㄨㄥ",
    "ü": "ㄩ", "üe": "ㄩㄝ", "üan": "ㄩㄢ", "ün": "ㄩㄣ",
}  # fmt: skip
_ZHUYIN_WHOLE = {"r": "ㄦ", "m": "ㄇ", "hm": "ㄏㄇ", "n": "ㄋ", "ng": "ㄫ", "hng": "ㄏㄫ"}
_ZHUYIN_TONE = {1: "", 2: "ˊ", 3: "ˇ", 4: "ˋ"}
_BARE_INITIALS = {"zh", "ch", "sh", "r", "z", "c", "s"}  # zhi chi shi ri zi ci si: no final


def _to_zhuyin(letters: str, tone: int) -> str | None:
    if letters in _ZHUYIN_WHOLE:
        body = _ZHUYIN_WHOLE[letters]
    else:
        rest = letters
        if rest.startswith("y"):  # y/w are spelling devices: yu -> ü, yi -> i, ya -> ia ...
            if rest.startswith("yu"):
                rest = "ü" + rest[2:]
            else:
                rest = rest[1:] if rest.startswith("yi") else "i" + rest[1:]
        elif rest.startswith("w"):
            rest = rest[1:] if rest.startswith("wu") else "u" + rest[1:]
        initial = next((i for i in ("zh", "ch", "sh") if rest.startswith(i)), None)
        if initial is None and rest[:1] in _ZHUYIN_INITIALS:
            initial = rest[:1]
        final = rest[len(initial or "") :]
        if initial in ("j", "q", "x") and final.startswith("u"):
            final = "ü" + final[1:]
        final = {"iu": "iou", "ui": "uei", "un": "uen"}.get(final, final)
        if initial in _BARE_INITIALS and final == "i":
            final = ""
        if final and final not in _ZHUYIN_FINALS:
            return None
        body = (_ZHUYIN_INITIALS[initial] if initial else "") + _ZHUYIN_FINALS.get(final, "")
        if not body:
            return None
    return "˙" + body if tone == 5 else body + _ZHUYIN_TONE[tone]


def format_syllable(numbered: str, style: PinyinStyle) -> str:
    """'zhong1' -> 'zhōng' (MARKS) / 'zhong1' (NUMBERS) / 'ㄓㄨㄥ' (ZHUYIN); 'lv4' -> 'lǜ';
    'le5' -> 'le' / 'le5' / '˙ㄌㄜ'; 'Xi1' -> 'Xī' / 'Xi1' (zhuyin has no capitals). Text that
    is not a numbered syllable comes back unchanged."""
    parts = split_numbered(numbered)
    if parts is None:
        return numbered
    letters, tone = parts
    if style is PinyinStyle.ZHUYIN:
        zhuyin = _to_zhuyin(letters, tone)
        return zhuyin if zhuyin is not None else letters.replace("ü", "v") + str(tone)
    if style is PinyinStyle.NUMBERS:
        written = letters.replace("ü", "v") + str(tone)
    else:
        written = _with_tone_mark(letters, tone)
    return written[:1].upper() + written[1:] if is_capitalised(numbered) else written


# Erhua: the 兒 of 哪兒, 一點兒 is written as an 'r' on the syllable before it (nǎr, ㄋㄚˇㄦ).
_ERHUA = "r5"


def word_pieces(syllables: Sequence[str], style: PinyinStyle) -> tuple[str, ...]:
    """One word's syllables as they are written in it, one piece per syllable, so that joining
    the pieces gives the word (`format_word`) and each piece can keep its tone's colour:
    ("xi1", "an1") -> ("xī", "'ān"); ("Wang2", "Yi4") -> ("Wáng", " Yì"); ("na3", "r5") ->
    ("nǎ", "r"); ZHUYIN pieces after the first start with a space (NUMBERS are joined as
    marks are: jin1tian1). Empty items give empty pieces; items that are not syllables are
    kept, apart from their neighbours."""
    if type(syllables) is tuple:
        return _cached_pieces(syllables, style)
    return _pieces(syllables, style)


@lru_cache(maxsize=65536)
def _cached_pieces(syllables: tuple[str, ...], style: PinyinStyle) -> tuple[str, ...]:
    """`word_pieces` of a word seen before (every screen and output line writes words that
    recur all through a text)."""
    return _pieces(syllables, style)


def _pieces(syllables: Sequence[str], style: PinyinStyle) -> tuple[str, ...]:
    pieces: list[str] = []
    after: tuple[str, int] | None = None  # the syllable before, if the last piece was one
    for numbered in syllables:
        shown = format_syllable(numbered, style) if numbered else ""
        syllable = split_numbered(numbered) if shown else None
        if not shown or not any(pieces):
            pass
        elif after and numbered.lower() == _ERHUA:
            shown = "ㄦ" if style is PinyinStyle.ZHUYIN else shown
        elif (
            style is PinyinStyle.ZHUYIN
            or after is None
            or syllable is None
            or is_capitalised(numbered)
        ):
            shown = " " + shown
        elif style is PinyinStyle.MARKS and syllable[0][:1] in "aoe":
            shown = "'" + shown
        pieces.append(shown)
        if shown:
            after = syllable
    return tuple(pieces)


def format_word(syllables: Sequence[str], style: PinyinStyle = PinyinStyle.MARKS) -> str:
    """A word's reading as dictionaries write it: ("peng2", "you5") -> "péngyou", ("Xi1",
    "an1") -> "Xī'ān", ("Wang2", "Yi4") -> "Wáng Yì"; "peng2you5" with NUMBERS, "ㄆㄥˊ ˙ㄧㄡ"
    with ZHUYIN (see `word_pieces`)."""
    if type(syllables) is tuple:
        return _cached_word(syllables, style)
    return "".join(_pieces(syllables, style))


@lru_cache(maxsize=65536)
def _cached_word(syllables: tuple[str, ...], style: PinyinStyle) -> str:
    return "".join(_cached_pieces(syllables, style))
