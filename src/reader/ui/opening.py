"""Opening a text for the reading screen, and telling the library about it: what `run_app`
does before the app starts and the app does when the learner opens another text (from the
library screen). Nothing here imports Textual: `run_app` calls it before the first paint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.learner.library import DocumentSummary
    from reader.core.learner.reading_state import ReadingStateStore
    from reader.core.models import Document

# Paragraphs of a long text made before the app starts (from where the reader left off):
# a few screens to read and scroll through while the rest is made.
HEAD_PARAGRAPHS = 200


@dataclass(frozen=True, slots=True)
class OpeningForReading:
    """A text opened for the reading screen: its first part, where to start, and (for a long
    text) what makes the whole of it."""

    document: Document
    start: int  # the paragraph the learner left it at (0 the first time)
    rest_of_document: Callable[[], Document] | None


def open_for_reading(path: str, state_store: ReadingStateStore) -> OpeningForReading:
    """A long text's first paragraphs from where the learner left it (the screen makes the
    rest in a worker); the whole of a short one. Raises InputError for bad input."""
    from reader.core.errors import InputError
    from reader.core.text.loader import open_path

    opened = open_path(path)
    opened.read_until(HEAD_PARAGRAPHS)
    position = state_store.get(opened.doc_id)
    start = position.paragraph if position is not None else 0
    opened.read_until(start + HEAD_PARAGRAPHS)
    document = opened.document
    if not document.paragraphs:
        shown = "standard input" if path == "-" else path
        raise InputError(f"{shown}: there is no text to read (it is empty)")
    start = min(start, len(document.paragraphs) - 1)
    return OpeningForReading(document, start, None if opened.complete else opened.finish)


def last_document() -> str | None:
    """The document to open when `reader` is given none: the one read last (where the
    learner left it), or None for the bundled article (the first start, or a file gone)."""
    from reader.core.errors import ReaderError
    from reader.core.learner.library import LibraryStore, default_library_path

    if not default_library_path().exists():
        return None  # the first start: no file made before the first paint
    try:
        with LibraryStore() as library:
            entry = library.last_opened()
    except ReaderError:
        return None  # a damaged library never stops reading
    return entry.path if entry is not None else None


# The library is told about the document this long after start-up: its imports and write
# (~90 ms) must not delay the first paint.
LIBRARY_RECORD_AFTER = 1.5  # seconds


class LibraryRecorder:
    """Puts the opened document at the top of the library, in the background after the first
    paint, or when the app ends if that comes first (standard input is not kept); and keeps
    its figures (% known, new words) when the learner leaves it."""

    def __init__(self, document: Document, path: str) -> None:
        self.document = document
        self.path = path
        self._lock = threading.Lock()
        self._done = path == "-"
        self._timer = threading.Timer(LIBRARY_RECORD_AFTER, self.record)
        self._timer.daemon = True
        self._timer.start()

    def record(self, summary: DocumentSummary | None = None) -> None:
        """Note the document now (once), and its `summary` if given."""
        with self._lock:
            if self._done and summary is None:
                return
            first_time, self._done = not self._done, True
            from reader.core.errors import ReaderError
            from reader.core.learner.library import LibraryStore

            try:
                with LibraryStore() as library:
                    if first_time:
                        library.record_open(self.document, self.path)
                    if summary is not None:
                        library.record_summary(self.document.doc_id, summary)
            except (ReaderError, OSError):
                pass  # the library is a convenience: it never stops reading

    def finish(self, summary: DocumentSummary | None = None) -> None:
        self._timer.cancel()
        self.record(summary)
