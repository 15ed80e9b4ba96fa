"""Known words from day one: mark HSK 1-N known, or the words of a list, a Pleco export or an
Anki deck; see what would change first; undo a whole change in one step.

    plan = plan_hsk(store, level=3, hsk_list="2021")
    plan.to_save, plan.kept          # what would change, what is left alone
    change = apply_plan(store, plan)  # one transaction, journaled
    undo_last(store)                  # the whole change taken back (the app's `u`)

The rule for words already saved (a learner's own choices are never overwritten silently):
- a word not saved yet is saved as KNOWN;
- a word already KNOWN is left as it is (counted in `already_known`);
- a word saved as NEW, LEARNING or IGNORED is left as it is and listed in `kept`, unless
  `overwrite` is given: then it becomes KNOWN too (and `undo` gives its status back).
A word is matched to a saved one by either script, so 关系 in a list finds a saved 關係.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from reader.core.errors import ReaderError
from reader.core.learner.describe import describe_words
from reader.core.learner.records import BulkChange, Status, UndoneChange, WordForms
from reader.core.learner.vocab import VocabStore
from reader.core.learner.word_facts import HSK_LISTS, HskList, hsk_entries
from reader.core.learner.word_sources import SourceWord, WordSource

HIGHEST_HSK_LEVEL = 9  # bands 7, 8 and 9 are one list ("7-9") in both syllabi

_BAND_7_TO_9 = 7


@dataclass(frozen=True, slots=True)
class KeptWord:
    """A saved word a bulk change leaves alone: its form and status."""

    word: str
    status: Status


@dataclass(frozen=True, slots=True)
class KnownPlan:
    """What marking a set of words known would do."""

    label: str
    words: int  # distinct words in the source
    to_save: tuple[WordForms, ...]  # not saved yet: saved as known
    to_change: tuple[WordForms, ...]  # saved with another status, marked known (overwrite)
    already_known: int
    kept: tuple[KeptWord, ...]  # saved with another status, left alone
    skipped: int = 0  # source entries with no Chinese word
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changes(self) -> int:
        return len(self.to_save) + len(self.to_change)


# ---- HSK


def hsk_words(level: int, hsk_list: HskList = "2021") -> list[SourceWord]:
    """The words of HSK levels 1..`level` (7, 8 and 9 all mean the 7-9 band), in list order."""
    if not 1 <= level <= HIGHEST_HSK_LEVEL:
        raise ReaderError(f"HSK levels go from 1 to {HIGHEST_HSK_LEVEL}, not {level}")
    if hsk_list not in HSK_LISTS:
        raise ReaderError(f"unknown HSK list {hsk_list!r}: use 2021 or 2025")
    top = min(level, _BAND_7_TO_9)
    return [word for band, word in _hsk_table(hsk_list) if band <= top]


@lru_cache(maxsize=2)
def _hsk_table(hsk_list: HskList) -> tuple[tuple[int, SourceWord], ...]:
    rows: list[tuple[int, SourceWord]] = []
    seen: set[str] = set()
    for entry in hsk_entries(hsk_list):
        if entry.simplified not in seen:
            seen.add(entry.simplified)
            if hsk_list == "2021":
                word = SourceWord(entry.traditional, entry.simplified, entry.traditional)
            else:  # Simplified forms only
                word = SourceWord(entry.simplified, simplified=entry.simplified)
            rows.append((_band(entry.level), word))
    return tuple(rows)


def _band(level: str) -> int:
    return _BAND_7_TO_9 if level.startswith("7") else int(level)


def hsk_label(level: int, hsk_list: HskList) -> str:
    top = "7-9" if level >= _BAND_7_TO_9 else str(level)
    levels = "HSK 1" if top == "1" else f"HSK 1-{top}"
    return f"{levels} ({hsk_list} list)"


def plan_hsk(
    store: VocabStore, level: int, hsk_list: HskList = "2021", *, overwrite: bool = False
) -> KnownPlan:
    words = hsk_words(level, hsk_list)
    return plan_known(store, hsk_label(level, hsk_list), words, overwrite=overwrite)


# ---- any source


def plan_source(store: VocabStore, source: WordSource, *, overwrite: bool = False) -> KnownPlan:
    return plan_known(
        store,
        source.label,
        source.words,
        overwrite=overwrite,
        skipped=source.skipped,
        notes=source.notes,
    )


def plan_known(
    store: VocabStore,
    label: str,
    words: Sequence[SourceWord],
    *,
    overwrite: bool = False,
    skipped: int = 0,
    notes: Sequence[str] = (),
) -> KnownPlan:
    """What marking `words` known would change (nothing is written)."""
    saved = store.forms_by_status()
    unique: dict[str, SourceWord] = {}
    for word in words:
        unique.setdefault(word.text, word)
    fresh: list[SourceWord] = []
    to_change: list[str] = []
    kept: list[KeptWord] = []
    already_known = 0
    matched: set[str] = set()
    for word in unique.values():
        found = next(
            (
                saved[form]
                for form in (word.traditional, word.text, word.simplified)
                if form and form in saved
            ),
            None,
        )
        if found is None:
            fresh.append(word)
            continue
        traditional, status = found
        if traditional in matched:  # two forms of one saved word
            continue
        matched.add(traditional)
        if status is Status.KNOWN:
            already_known += 1
        elif overwrite:
            to_change.append(traditional)
        else:
            kept.append(KeptWord(traditional, status))
    to_save = _forms(fresh, saved)
    changed = tuple(WordForms(traditional, traditional) for traditional in to_change)
    return KnownPlan(
        label=label,
        words=len(unique),
        to_save=to_save,
        to_change=changed,
        already_known=already_known,
        kept=tuple(kept),
        skipped=skipped,
        notes=tuple(notes),
    )


def _forms(
    words: Sequence[SourceWord], saved: dict[str, tuple[str, Status]]
) -> tuple[WordForms, ...]:
    """Both scripts, pinyin and a definition for words not saved yet (one dictionary query);
    the source's own scripts win where it gives them."""
    described = describe_words([word.text for word in words])
    result: dict[str, WordForms] = {}
    for word, forms in zip(words, described, strict=True):
        traditional = word.traditional or forms.traditional
        simplified = word.simplified or forms.simplified
        if traditional in saved or traditional in result:
            continue  # its Traditional form is a saved word (or comes twice in the source)
        result[traditional] = WordForms(
            traditional, simplified, forms.pinyin_numbered, forms.definition
        )
    return tuple(result.values())


def apply_plan(store: VocabStore, plan: KnownPlan) -> BulkChange | None:
    """Make the plan's changes in one journaled transaction; None if it changes nothing."""
    if not plan.changes:
        return None
    return store.apply_bulk_change(plan.label, (*plan.to_save, *plan.to_change), Status.KNOWN)


def undo_last(store: VocabStore) -> UndoneChange | None:
    """Take back the latest bulk change not undone yet (None: nothing to undo)."""
    return store.undo_bulk_change()
