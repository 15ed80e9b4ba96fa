"""What the learner's vocabulary keeps, as frozen dataclasses: saved words with their
statuses and sentences, the study cards and review log, the journal of bulk changes.

The store is `reader.core.learner.vocab.VocabStore`; these are what it takes and gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from reader.core.errors import ReaderError


class Status(str, Enum):
    NEW = "new"
    LEARNING = "learning"
    KNOWN = "known"
    IGNORED = "ignored"

    @classmethod
    def parse(cls, value: str) -> Status:
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(status.value for status in cls)
            raise ReaderError(f"unknown status {value!r}: use one of {choices}") from None


@dataclass(frozen=True, slots=True)
class Context:
    """Where a word was met: the sentence and the document it came from."""

    sentence: str
    doc_title: str = ""
    doc_id: str = ""
    paragraph_index: int | None = None
    added_at: datetime | None = None  # set by the store


class Direction(str, Enum):
    """Which way a word is studied: READ shows the word (recall its meaning), RECALL shows
    the meaning (recall the word). Each direction has its own schedule, as in Anki."""

    READ = "read"
    RECALL = "recall"


@dataclass(frozen=True, slots=True)
class CardState:
    """The FSRS memory state of one (word, direction), as `fsrs.Card` keeps it."""

    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None  # learning/relearning step; None in the review state
    stability: float | None  # days until recall probability falls to 90%
    difficulty: float | None
    due: datetime
    last_review: datetime | None


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One logged review: the grade, and the card and status before and after it."""

    id: int
    word_id: int | None  # None once the word has been deleted (the log is kept)
    word: str  # the Traditional form at review time
    direction: Direction
    rating: int  # 1 again, 2 hard, 3 good, 4 easy
    reviewed_at: datetime
    duration_ms: int | None
    status_before: Status
    status_after: Status
    card_before: CardState | None  # None: the word's first review in this direction
    card_after: CardState


@dataclass(frozen=True, slots=True)
class BulkChange:
    """One bulk change of statuses, as the journal keeps it."""

    id: int
    label: str  # what it was: "HSK 1-3 (2021 list)", "deck.apkg, field Hanzi"
    made_at: datetime
    words: int  # words it saved or changed
    undone_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UndoneChange:
    """What undoing a bulk change did."""

    change: BulkChange
    restored: int  # words put back as they were (removed, if the change had saved them)
    kept: tuple[str, ...]  # words changed again since: left as they are now


@dataclass(frozen=True, slots=True)
class WordForms:
    """What the store needs to save a word: both scripts, the reading and a definition."""

    traditional: str
    simplified: str
    pinyin_numbered: tuple[str, ...] = ()  # one syllable per character: "guan1", "lv4"
    definition: str = ""


@dataclass(frozen=True, slots=True)
class VocabItem:
    """A saved word, as stored."""

    id: int
    traditional: str
    simplified: str
    pinyin_numbered: tuple[str, ...]
    definition: str  # the definition the learner keeps (editable)
    status: Status
    contexts: tuple[Context, ...]  # oldest first
    created_at: datetime
    updated_at: datetime

    @property
    def headword(self) -> str:
        return self.traditional

    @property
    def forms(self) -> tuple[str, ...]:
        """The word as it can appear in a text: Traditional, and Simplified when different."""
        if self.simplified == self.traditional:
            return (self.traditional,)
        return (self.traditional, self.simplified)

    @property
    def first_sentence_context(self) -> Context | None:
        return next((context for context in self.contexts if context.sentence), None)
