"""The character and word reading tables: a character's candidate readings, a word's.

`data/pinyin_chars.table` gives each character's readings when written in Simplified (with
the Traditional pair's own, to narrow them: 髮 fà / 發 fā); `data/pinyin_words.table` gives the
standard phrase readings of words (pypinyin's and CC-CEDICT's), marked when common. Built by
tools/build_pinyin_data.py; read by `reader.core.engine.pinyin.PinyinReader`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from reader.core.engine.syllables import UNKNOWN_READING, split_numbered
from reader.core.engine.tables import LazyTable, read_tables

_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CHARS_FILE = _DATA_DIR / "pinyin_chars.table"
WORDS_FILE = _DATA_DIR / "pinyin_words.table"


def normalise_cedict_pinyin(cedict: str) -> tuple[str, ...]:
    """CC-CEDICT's pinyin field as numbered syllables: 'zhong1 guo2' -> ('zhong1', 'guo2'),
    'Lu:4' -> ('lv4',). Syllables are lowercased with 'v' for ü; the placeholder 'xx5' (no known
    reading) is dropped; other items (letters in 'A A zhi4', '·', ',') are kept as written."""
    normalised = []
    for item in cedict.split():
        parts = split_numbered(item)
        if parts is not None:
            normalised.append(parts[0].replace("ü", "v") + str(parts[1]))
        elif item.lower() != UNKNOWN_READING + "5":
            normalised.append(item)
    return tuple(normalised)


class ReadingTables:
    """The character and word reading tables (built by `tools/build_pinyin_data.py`).

    Values stay the raw strings of the files and are split on use; the shipped tables
    (`reader.core.engine.tables`) decode a few keys at a time as they are looked up, so loading is
    cheap.
    """

    def __init__(self, chars: Mapping[str, str], words: Mapping[str, str]) -> None:
        self._chars = chars  # char -> "candidates;other readings", syllables space-separated
        self._words = words  # word -> "reading|reading", syllables space-separated

    @classmethod
    def load(cls, chars_file: Path = CHARS_FILE, words_file: Path = WORDS_FILE) -> ReadingTables:
        return cls(
            LazyTable(read_tables(chars_file)["chars"], str),
            LazyTable(read_tables(words_file)["words"], str),
        )

    @classmethod
    def from_entries(
        cls,
        chars: dict[str, tuple[Sequence[str], Sequence[str]]],
        words: dict[str, Sequence[str]],
    ) -> ReadingTables:
        """Small tables for tests: {char: (candidates, other readings)}, {word: readings}."""
        return cls(
            {char: f"{' '.join(c)};{' '.join(o)}" for char, (c, o) in chars.items()},
            {word: "|".join(readings) for word, readings in words.items()},
        )

    @lru_cache(maxsize=8192)  # noqa: B019 - one long-lived instance per process
    def _char(self, char: str) -> tuple[tuple[str, ...], frozenset[str]]:
        found = self._chars.get(char)
        if found is None and len(char) == 1:
            # A compatibility ideograph (U+F900 豈) reads as the unified character it stands for.
            found = self._chars.get(unicodedata.normalize("NFKC", char))
        candidates, _, others = (found or ";").partition(";")
        first = tuple(candidates.split())
        return first, frozenset((*first, *others.split()))

    @lru_cache(maxsize=16384)  # noqa: B019 - one long-lived instance per process
    def candidates(self, original: str, simplified: str) -> tuple[str, ...]:
        """The readings of a character, narrowed by its original form where that tells more."""
        known = self._char(simplified)[0] or self._char(original)[0]
        if original == simplified and original in _TRADITIONAL_ALSO:
            # Traditional text writes the particle 着 as 著, which Simplification keeps.
            also = self._char(_TRADITIONAL_ALSO[original])[0]
            known = known + tuple(reading for reading in also if reading not in known)
        if original != simplified:
            # The pair's own readings (CC-CEDICT, e.g. 幹→干 gàn), else all of the original's.
            every_original = self._char(original + simplified)[1] or self._char(original)[1]
            narrowed = tuple(reading for reading in known if reading in every_original)
            if narrowed:
                return narrowed
        return known

    @lru_cache(maxsize=65536)  # noqa: B019 - one long-lived instance per process
    def word_readings(self, original: str, simplified: str) -> WordReadings:
        """The readings of a word of two or more characters (by either form); empty if unknown."""
        found = self._words.get(original) or self._words.get(simplified)
        if not found:
            return _NO_WORD
        readings = tuple(found.lstrip(_COMMON_MARK).split("|"))
        # An erhua word (空兒 kòngr, 一塊兒) is everyday speech, never a name or a term, however
        # rare in writing: its reading is as final as a common word's.
        common = found.startswith(_COMMON_MARK) or any(r.endswith(" r5") for r in readings)
        return WordReadings(readings, common)


# A character that, in Traditional text, is also another one whose form Simplification keeps
# apart: 著 is zhù (著名, to write) in both scripts, and in Traditional also the particle and
# verb that Simplified writes 着 (看著 kànzhe, 睡著 shuìzháo, 著陸 zhuólù).
_TRADITIONAL_ALSO = {"著": "着"}


class WordReadings(NamedTuple):
    readings: tuple[str, ...]  # each a space-separated syllable string, one per character
    common: bool  # a frequent word: its dictionary reading is trusted over the model


_NO_WORD = WordReadings((), False)
_COMMON_MARK = "*"
