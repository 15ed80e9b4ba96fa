"""Which script a text is written in: Traditional, Simplified, or unknown (see
`detect_script`).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Literal

from reader.core.engine.convert import convert_each
from reader.core.models import Script
from reader.core.text.han import HAN_CHARACTER

if TYPE_CHECKING:
    pass

SplitMode = Literal["blocks", "lines"]
SPLIT_MODES: tuple[SplitMode, ...] = ("blocks", "lines")


# ---- script


SCRIPT_SAMPLE_HAN = 20_000
# Traditional text has 20-35% Traditional-only characters (measured on news, subtitles,
# LegCo and Wikipedia); Simplified text has about none. Above this share, it is settled.
_CLEARLY_TRADITIONAL_SHARE = 0.1


def sample_is_whole(sample: list[str]) -> bool:
    """Whether a `script_sample` of the start of a text is all `detect_script` would read
    of the whole text (then the rest of the text need not be read to judge it)."""
    return len(sample) >= SCRIPT_SAMPLE_HAN


def script_sample(text: str) -> list[str]:
    """The first `SCRIPT_SAMPLE_HAN` Han characters of `text` (fewer if it has fewer),
    found a growing piece at a time (findall makes no match objects)."""
    found: list[str] = []
    start, step = 0, 2 * SCRIPT_SAMPLE_HAN
    while len(found) < SCRIPT_SAMPLE_HAN and start < len(text):
        found += HAN_CHARACTER.findall(text, start, start + step)
        start, step = start + step, 2 * step
    return found[:SCRIPT_SAMPLE_HAN]


def detect_script(text: str) -> Script:
    """Traditional, Simplified, or UNKNOWN when nothing tells them apart.

    Counts characters that only one script uses, over the first 20,000 Han characters:
    those OpenCC's t2s changes are Traditional; those t2s keeps but s2hk changes are
    Simplified. s2hk rather than s2t, because s2t also "converts" forms Hong Kong writes
    itself (台, 温, 户); 着 and 裏 are kept by both.
    """
    return script_of_sample(script_sample(text))


def script_of_sample(sample: list[str]) -> Script:
    counts = Counter(sample)
    if not counts:
        return Script.UNKNOWN
    chars = list(counts)
    simplified = convert_each(chars, "t2s")
    if simplified is None:
        return Script.UNKNOWN  # cannot happen with OpenCC's shipped configs
    traditional_votes = sum(
        counts[char] for char, converted in zip(chars, simplified, strict=True) if converted != char
    )
    if traditional_votes >= _CLEARLY_TRADITIONAL_SHARE * counts.total():
        return Script.TRADITIONAL  # no need to load s2hk (its phrase table costs ~0.1 s)
    hong_kong = convert_each(chars, "s2hk")
    if hong_kong is None:
        return Script.UNKNOWN
    simplified_votes = sum(
        counts[char]
        for char, to_simplified, to_hong_kong in zip(chars, simplified, hong_kong, strict=True)
        if to_simplified == char and to_hong_kong != char
    )
    if traditional_votes > simplified_votes:
        return Script.TRADITIONAL
    if simplified_votes > traditional_votes:
        return Script.SIMPLIFIED
    return Script.UNKNOWN
