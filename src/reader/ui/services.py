"""The learner's stores as the app holds them: opened when first needed (the first screen
paints before), a failure remembered so the app reads on without them, closed at the end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.core.errors import ReaderError

if TYPE_CHECKING:
    from reader.core.learner.vocab import VocabStore


class Vocabulary:
    """The vocabulary database (`VocabStore`) the screens share."""

    def __init__(self, store: VocabStore | None = None) -> None:
        """`store`: one opened already (tests, `reader study`); it is then not closed here."""
        self._store = store
        self._owned = store is None
        self.error: str | None = None
        """Why the vocabulary is unavailable, once it is found to be."""

    @property
    def store(self) -> VocabStore | None:
        """The store, opened on first use; None when it cannot be (see `error`)."""
        if self._store is None and self.error is None:
            from reader.core.learner.vocab import VocabStore

            try:
                self._store = VocabStore()
            except ReaderError as error:
                self.error = str(error)
        return self._store

    def fail(self, error: ReaderError) -> None:
        """The store turned out unusable (e.g. its statuses could not be read)."""
        self.error = str(error)

    @property
    def available(self) -> bool:
        return self.error is None

    def close(self) -> None:
        if self._owned and self._store is not None:
            self._store.close()
            self._store = None
