"""How much of a text the learner knows: the counting rules, and the shares of a whole text
from the paragraph store's summaries.

Only Han words count (numbers, Latin words, punctuation and spaces are not words to learn).
A word's status comes from the vocabulary, by Traditional and Simplified form; only KNOWN
counts as known; IGNORED words count neither way (left out of numerator and denominator).
The store keeps each annotated paragraph as form ids and the count of
every form, so the text's share is one pass over its distinct forms and a paragraph's share
one row of the store: no paragraph is kept in memory for either.

A `KnownShares` is made for one set of statuses: when the learner changes a status, make a
new one (the form statuses and the paragraph shares it remembered no longer hold).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from reader.core.learner.records import Status
from reader.core.models import AnnotatedParagraph, Token

if TYPE_CHECKING:
    from reader.core.engine.store import ParagraphStore

Statuses = Mapping[str, Status]


# ---- the counting rules


def counted_tokens(paragraph: AnnotatedParagraph) -> list[Token]:
    """The tokens statistics count: Han words."""
    return [token for token in paragraph.tokens if token.is_han]


class WrittenWord(Protocol):
    """A word with its forms: a `Token`, or a form of the paragraph store."""

    @property
    def text(self) -> str: ...
    @property
    def traditional(self) -> str: ...
    @property
    def simplified(self) -> str: ...


def token_status(token: WrittenWord, statuses: Statuses) -> Status | None:
    """The learner's status of a word as written, or in either script; None if never saved."""
    for form in (token.text, token.traditional, token.simplified):
        status = statuses.get(form)
        if status is not None:
            return status
    return None


@dataclass(frozen=True, slots=True)
class KnownShare:
    """Known words among the counted ones, by tokens (running words) and distinct words."""

    tokens: int = 0
    known_tokens: int = 0
    words: int = 0
    known_words: int = 0

    @property
    def by_tokens(self) -> float:
        """Share of running words known; 1.0 when there is nothing to know."""
        return self.known_tokens / self.tokens if self.tokens else 1.0

    @property
    def by_words(self) -> float:
        """Share of distinct words known; 1.0 when there is nothing to know."""
        return self.known_words / self.words if self.words else 1.0


def known_share(paragraphs: Iterable[AnnotatedParagraph], statuses: Statuses) -> KnownShare:
    """The known share over some paragraphs (a document: all of them); ignored words are
    left out."""
    counter = KnownCounter(statuses)
    for paragraph in paragraphs:
        counter.add(paragraph)
    return counter.result()


class KnownCounter:
    """`known_share`, one paragraph at a time."""

    def __init__(self, statuses: Statuses) -> None:
        self.statuses = statuses
        self.tokens = self.known_tokens = 0
        self.word_known: dict[str, bool] = {}

    def add(self, paragraph: AnnotatedParagraph) -> None:
        for token in counted_tokens(paragraph):
            status = token_status(token, self.statuses)
            if status is Status.IGNORED:
                continue
            known = status is Status.KNOWN
            self.tokens += 1
            self.known_tokens += known
            self.word_known[token.text] = known

    def result(self) -> KnownShare:
        return KnownShare(
            self.tokens, self.known_tokens, len(self.word_known), sum(self.word_known.values())
        )


def paragraph_known_share(paragraph: AnnotatedParagraph, statuses: Statuses) -> float:
    """Share of the paragraph's running words the learner knows (for the header and the
    sparkline); 1.0 for a paragraph with no word to know."""
    return known_share((paragraph,), statuses).by_tokens


SPARK_BARS = "▁▂▃▄▅▆▇█"


def spark_bar(share: float) -> str:
    """The bar of one known share in 0..1: ▁ for none known, █ for all."""
    return SPARK_BARS[round(min(1.0, max(0.0, share)) * (len(SPARK_BARS) - 1))]


def sparkline(shares: Iterable[float]) -> str:
    """One bar per value in 0..1 (a paragraph's known share)."""
    return "".join(spark_bar(share) for share in shares)


def paragraph_shares(
    paragraphs: Iterable[AnnotatedParagraph], statuses: Statuses
) -> tuple[float, ...]:
    """One known share (by tokens) per paragraph, in order: the sparkline's values."""
    return tuple(paragraph_known_share(paragraph, statuses) for paragraph in paragraphs)


# ---- a text's shares from the store's summaries


class KnownShares:
    """Known shares of one store's text under one set of statuses."""

    def __init__(self, store: ParagraphStore, statuses: Statuses) -> None:
        self.store = store
        self.statuses = statuses
        self._status: dict[int, Status | None] = {}
        self._paragraphs: dict[tuple[int, int], float] = {}  # (generation, index) -> share
        self._document: tuple[tuple[int, int, int], KnownShare] | None = None

    def _of(self, form_id: int) -> Status | None:
        if form_id not in self._status:
            self._status[form_id] = token_status(self.store.form(form_id), self.statuses)
        return self._status[form_id]

    def paragraph(self, index: int) -> float | None:
        """Share of the paragraph's running words known; None until it is annotated, 1.0 for
        a paragraph with no word to know."""
        key = (self.store.generation, index)
        share = self._paragraphs.get(key)
        if share is not None:
            return share
        forms = self.store.paragraph_forms(index)
        if forms is None:
            return None
        counted = known = 0
        for form_id in forms:
            status = self._of(form_id)
            if status is Status.IGNORED:
                continue
            counted += 1
            known += status is Status.KNOWN
        share = known / counted if counted else 1.0
        self._paragraphs[key] = share
        return share

    def document(self) -> KnownShare:
        """The text's known share over its annotated paragraphs (worked out again only when
        more of it has been annotated)."""
        store = self.store
        version = (store.generation, store.annotated_count, len(store))
        if self._document is not None and self._document[0] == version:
            return self._document[1]
        tokens = known_tokens = 0
        word_known: dict[str, bool] = {}
        for form_id, count in store.form_counts().items():
            status = self._of(form_id)
            if status is Status.IGNORED:
                continue
            known = status is Status.KNOWN
            tokens += count
            known_tokens += count if known else 0
            word_known[store.form(form_id).text] = known
        share = KnownShare(tokens, known_tokens, len(word_known), sum(word_known.values()))
        self._document = (version, share)
        return share
