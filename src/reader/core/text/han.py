"""Which characters are Han (hanzi): the one definition the segmenter, the dictionary, search,
script detection and word lists share.

Han is Unicode's Script=Han (Scripts.txt, Unicode 15.1): the unified ideographs with every
extension (A to I), the compatibility ideographs, the CJK and Kangxi radicals (text copied
out of PDFs often has ⼈ for 人; the readings fold them by NFKC), 々 〇, the Hangzhou numerals
〡–〩 〸–〺 and 〻. Not Han, although they sit among those blocks or look alike: CJK
punctuation (、。「」), kana, bopomofo, hangul, the ideographic description characters ⿰,
CJK strokes, the Yijing hexagrams ䷀ (U+4DC0–4DFF) and fullwidth forms.

The ranges are the one source: a regex character class is made from them for the patterns
that need one (one compile, ~2 ms), and `is_han_char` checks the common block first.
"""

from __future__ import annotations

import re

HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2E99),  # CJK radicals supplement
    (0x2E9B, 0x2EF3),
    (0x2F00, 0x2FD5),  # Kangxi radicals
    (0x3005, 0x3005),  # 々
    (0x3007, 0x3007),  # 〇
    (0x3021, 0x3029),  # Hangzhou numerals 〡–〩
    (0x3038, 0x303B),  # 〸 〹 〺 〻
    (0x3400, 0x4DBF),  # extension A
    (0x4E00, 0x9FFF),  # unified ideographs
    (0xF900, 0xFA6D),  # compatibility ideographs
    (0xFA70, 0xFAD9),
    (0x16FE2, 0x16FE3),  # Old Chinese hook and iteration marks
    (0x16FF0, 0x16FF1),  # Vietnamese alternate reading marks
    (0x20000, 0x2A6DF),  # extension B
    (0x2A700, 0x2B739),  # C
    (0x2B740, 0x2B81D),  # D
    (0x2B820, 0x2CEA1),  # E
    (0x2CEB0, 0x2EBE0),  # F
    (0x2EBF0, 0x2EE5D),  # I
    (0x2F800, 0x2FA1D),  # compatibility ideographs supplement
    (0x30000, 0x3134A),  # G
    (0x31350, 0x323AF),  # H
)

HAN_CLASS = "".join(
    re.escape(chr(first)) if first == last else f"{chr(first)}-{chr(last)}"
    for first, last in HAN_RANGES
)
"""The ranges as the inside of a regex character class: `f"[{HAN_CLASS}]+"` is a run of Han."""

HAN_CHARACTER = re.compile(f"[{HAN_CLASS}]")


def is_han_char(character: str) -> bool:
    """True for one Han character (see the module's docstring for what counts)."""
    return len(character) == 1 and (
        "\u4e00" <= character <= "\u9fff" or HAN_CHARACTER.match(character) is not None
    )


def has_han(text: str) -> bool:
    """True when `text` has at least one Han character."""
    return HAN_CHARACTER.search(text) is not None
