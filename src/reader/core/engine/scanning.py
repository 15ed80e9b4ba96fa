"""Scanning a text into runs: Han stretches (for the word lattice) and the non-Han tokens.

Everything that is not Han (numbers, Latin words, URLs, e-mail addresses, punctuation,
spaces, emoji) is one token by character class, never broken inside, so with the Han words
the spans cover every character (`reader.core.engine.segment`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from reader.core.models import TokenKind
from reader.core.text.han import HAN_CLASS

_HAN_CLASS = f"[{HAN_CLASS}]"  # what Han is: reader.core.text.han
_DIGIT = "[0-9\uff10-\uff19]"
_LETTER = (
    "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"
    "\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]"
)
_MARK = "[\u0300-\u036f]"
# 2,200 and 22.5: a comma only before exactly three digits, a point only before digits; a
# currency before it (HK$1,234.50, US$5, €3) belongs to the amount.
_NUMBER = (
    rf"(?:[A-Z]{{1,3}}\$|[$€£¥￥])?{_DIGIT}+(?:,{_DIGIT}{{3}}(?!{_DIGIT})|[.\uff0e]{_DIGIT}+)*"
)
_LETTERS = rf"{_LETTER}(?:{_LETTER}|{_MARK})*"
# Issue 15: a non-Han run is one token, never broken inside: letters and numbers side by side
# or joined by a hyphen, apostrophe, point, slash or ampersand (COVID-19, 7-Eleven, iPhone15,
# don't, km/h, AT&T); URLs and e-mail addresses whole, a closing . , ) after them left out.
_NON_HAN_UNIT = rf"(?:{_NUMBER}|{_LETTERS})"
TOKEN_PATTERN = re.compile(
    rf"(?P<han>{_HAN_CLASS}+)"
    r"|(?P<url>(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[!-~]*[A-Za-z0-9/#=_~%&+\-])"
    r"|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    rf"|(?P<latin>{_NON_HAN_UNIT}(?:[-–'’./&]?{_NON_HAN_UNIT})*)"
    r"|(?P<space>\s+)"
    r"|(?P<run>(?P<repeated>[…⋯—－\-~～.·])(?P=repeated)+)"  # …… —— stay one token
    r"|(?P<char>.)",
    re.DOTALL,
)
# An amount (digits, maybe a currency first) is a number; anything else with letters a word.
AMOUNT = re.compile(rf"{_NUMBER}")


def _is_emoji_like(ch: str) -> bool:
    code = ord(ch)
    return (
        code >= 0x1F000
        or 0x2600 <= code <= 0x27BF
        or code in (0x200D, 0xFE0F, 0xFE0E)
        or 0x1F3FB <= code <= 0x1F3FF
    )


@lru_cache(maxsize=4096)
def char_kind(ch: str) -> TokenKind:
    category = unicodedata.category(ch)
    if _is_emoji_like(ch):
        return TokenKind.OTHER
    if category[0] in "PS":
        return TokenKind.PUNCT
    return TokenKind.OTHER
