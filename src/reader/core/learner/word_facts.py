"""Facts about a word that are the same for every learner: its HSK level and how common it is.

- HSK levels: the 2021 standard (`hsk30.tsv`, by Traditional or Simplified form) and the
  2025 exam syllabus (`hsk2025.tsv`, Simplified only); "1".."6" and "7-9". Each file is read
  once, here (`hsk_entries`): the gloss panel, cards, statistics and "I know HSK 1-N" all ask
  this module.
- Frequency: the word's rank in wordfreq's Chinese list (by its Simplified form), and the
  learner-sized band it falls in ("top 1k" … "rarer").
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

_DATA = Path(__file__).resolve().parent.parent / "data"
_FREQUENCY_FILE = _DATA / "freq" / "wordfreq_zh.tsv.gz"
_HSK_FILES = {"2021": _DATA / "hsk" / "hsk30.tsv", "2025": _DATA / "hsk" / "hsk2025.tsv"}

HskList = Literal["2021", "2025"]
HSK_LISTS: tuple[HskList, ...] = ("2021", "2025")
HSK_LEVELS = ("1", "2", "3", "4", "5", "6", "7-9")

# (highest rank, label): a learner-sized view of the frequency list.
FREQUENCY_BANDS: tuple[tuple[int, str], ...] = (
    (1_000, "top 1k"),
    (3_000, "1k-3k"),
    (10_000, "3k-10k"),
    (50_000, "10k-50k"),
)
RARE_BAND = "rarer"
BAND_LABELS = (*(label for _, label in FREQUENCY_BANDS), RARE_BAND)


# ---- HSK


@dataclass(frozen=True, slots=True)
class HskEntry:
    level: str  # "1".."6", "7-9"
    traditional: str
    simplified: str


@lru_cache(maxsize=2)
def hsk_entries(hsk_list: HskList) -> tuple[HskEntry, ...]:
    """Every entry of an HSK list, lowest level first, in the list's order (the 2025 list
    has Simplified forms only: `traditional` is the same)."""
    entries: list[HskEntry] = []
    with _HSK_FILES[hsk_list].open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            if hsk_list == "2021":
                simplified, traditional, level = cells
            else:
                simplified, level = cells
                traditional = simplified
            entries.append(
                HskEntry("7-9" if level.startswith("7") else level, traditional, simplified)
            )
    return tuple(entries)


@lru_cache(maxsize=2)
def _levels(hsk_list: HskList) -> dict[str, str]:
    """Form -> lowest level (the lists give the lowest level first: setdefault keeps it)."""
    levels: dict[str, str] = {}
    for entry in hsk_entries(hsk_list):
        levels.setdefault(entry.simplified, entry.level)
        levels.setdefault(entry.traditional, entry.level)
    return levels


def hsk_2021_level(*forms: str) -> str | None:
    """Level in the HSK 3.0 standard of 2021 of the first listed form: "1".."6", "7-9", or
    None."""
    levels = _levels("2021")
    return next((levels[form] for form in forms if form in levels), None)


def hsk_2025_level(simplified: str) -> str | None:
    """Level in the 2025 HSK exam syllabus: "1".."6", "7-9", or None."""
    return _levels("2025").get(simplified)


# ---- frequency


@dataclass(frozen=True, slots=True)
class WordFrequency:
    rank: int  # 1 = the most frequent word
    zipf: float  # log10 of occurrences per billion words (7.8 for 的, 3 for a rare word)


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, WordFrequency]:
    table: dict[str, WordFrequency] = {}
    with gzip.open(_FREQUENCY_FILE, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            zipf, words = line.rstrip("\n").split("\t")
            value = float(zipf)
            for word in words.split(" "):
                table[word] = WordFrequency(len(table) + 1, value)
    return table


def frequency_table() -> Mapping[str, WordFrequency]:
    """Every listed word (Simplified) and its frequency, for work over many words at once."""
    return _frequencies()


def word_frequency(*forms: str) -> WordFrequency | None:
    """The frequency of the first listed form (the list is Simplified: pass that first)."""
    table = _frequencies()
    return next((table[form] for form in forms if form in table), None)


def frequency_band(frequency: WordFrequency | None) -> str:
    if frequency is not None:
        for highest, label in FREQUENCY_BANDS:
            if frequency.rank <= highest:
                return label
    return RARE_BAND
