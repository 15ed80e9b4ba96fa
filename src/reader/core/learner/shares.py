"""How much of a text the learner knows, from the paragraph store's summaries.

The counting rules are those of `reader.core.learner.stats` (Han words only; IGNORED words
count neither way). The store keeps each annotated paragraph as form ids and the count of
every form, so the text's share is one pass over its distinct forms and a paragraph's share
one row of the store: no paragraph is kept in memory for either.

A `KnownShares` is made for one set of statuses: when the learner changes a status, make a
new one (the form statuses and the paragraph shares it remembered no longer hold).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from reader.core.learner.records import Status
from reader.core.learner.stats import KnownShare, token_status

if TYPE_CHECKING:
    from reader.core.engine.store import ParagraphStore

Statuses = Mapping[str, Status]


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
