"""CC-CEDICT's markup in a definition, written as a learner reads it.

CC-CEDICT writes cross-references as `Traditional|Simplified[pin1 yin1]` and measure words as
`CL:個|个[ge4],件[jian4]`. Wherever a learner reads a definition (the gloss panel, the one-line
gloss, cards, TSV), it is rendered: `CL:個|个[ge4]` → "measure word 個 gè",
`拼音[pin1 yin1]` → "拼音 pīnyīn", `Taiwan pr. [han4]` → "Taiwan pr. hàn"; the form shown is
the document's script (個 in Traditional, 个 in Simplified) and the pinyin is written as
dictionaries write it (`reader.core.engine.syllables.format_word`: Zhōngguó, Xī'ān).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from reader.core.engine.syllables import PinyinStyle, format_word

_HAN = r"[^\x00-\x7f\s，、。；：（）“”/|\[\]]+"
# A reference: a headword, optionally |its Simplified form, optionally [its pinyin].
_REFERENCE = re.compile(rf"({_HAN})(?:\|({_HAN}))?(?:\[([A-Za-z0-9:ü ,·-]+)\])?")
_BARE_PINYIN = re.compile(r"\[([A-Za-z0-9:ü ]+)\]")
_SYLLABLE = re.compile(r"[A-Za-z:ü]+[1-5]")
_MEASURE_WORDS = re.compile(r"\bCL:")


@lru_cache(maxsize=32768)
def render(definition: str, simplified: bool = False) -> str:
    """The definition with its markup written out (the Simplified forms if `simplified`)."""
    if "[" not in definition and "|" not in definition and "CL:" not in definition:
        return definition

    def reference(match: re.Match[str]) -> str:
        traditional, simple, pinyin = match.groups()
        if simple is None and pinyin is None:
            return match.group()
        headword = simple if simplified and simple else traditional
        return f"{headword} {_pinyin(pinyin)}" if pinyin else headword

    rendered = _REFERENCE.sub(reference, definition)
    rendered = _BARE_PINYIN.sub(lambda match: _pinyin(match.group(1)), rendered)
    return _MEASURE_WORDS.sub("measure word ", rendered).replace(",", ", ").replace(",  ", ", ")


def _pinyin(numbered: str) -> str:
    """'pin1 yin1' or 'qi3lai2' -> 'pīnyīn', 'qǐlái'; text that is no pinyin is kept."""
    syllables = _SYLLABLE.findall(numbered)
    if not syllables:
        return f"[{numbered}]"
    return format_word(syllables, PinyinStyle.MARKS)


def measure_words(definitions: Iterable[str]) -> frozenset[str]:
    """The measure words CC-CEDICT names for a noun (`CL:個|个[ge4],位[wei4]` → 個 个 位)."""
    found: set[str] = set()
    for definition in definitions:
        if definition.startswith("CL:"):
            for traditional, simplified, _ in _REFERENCE.findall(definition[3:]):
                found.update(form for form in (traditional, simplified) if form)
    return frozenset(found)
