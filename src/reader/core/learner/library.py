"""The learner's library: the documents read before, newest first.

One SQLite file (`paths.data_dir()/library.sqlite3`, WAL, each change one transaction, safe
with two `reader` processes open) keeps per document: where it is, its title and format,
its paragraph count, when it was added and last opened, and its summary (% of running
words known, new words) with the time it was worked out. The reading position is not
kept here: it lives in `ReadingStateStore`, and a listing's progress is read from there.

Summaries are given to the store (`record_summary`); `summarise` works one out from an
annotated document and the vocabulary, as `reader stats` does. A paragraph store that keeps
per-paragraph figures can call `record_summary` with its own totals instead.

A document is keyed by its `doc_id` (its content), so a text moved to another folder and
opened again is one entry with its new path; standard input is not kept (it cannot be
opened again).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reader import paths
from reader.core.errors import ReaderError
from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
from reader.core.learner.times import parse_stamp, stamp, utc_now
from reader.core.models import AnnotatedParagraph, Document

if TYPE_CHECKING:
    from reader.core.engine.store import ParagraphStore
    from reader.core.learner.shares import Statuses

LIBRARY_FILE_NAME = "library.sqlite3"
# "RdLb": marks a SQLite file as a reader library.
APPLICATION_ID = 0x52644C62
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 15_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    format TEXT NOT NULL,
    paragraphs INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    last_opened TEXT NOT NULL,
    known_share REAL,
    new_words INTEGER,
    summary_at TEXT
);
CREATE INDEX IF NOT EXISTS documents_by_last_opened ON documents (last_opened);
"""


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """How much of a document the learner knows."""

    known_share: float  # share of running Han words known (ignored words left out)
    new_words: int  # distinct words never saved, or saved as new


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One document of the library, as listed."""

    doc_id: str
    path: str
    title: str
    format: str
    paragraphs: int
    added_at: datetime
    last_opened: datetime
    summary: DocumentSummary | None  # None until worked out once
    summary_at: datetime | None
    position: int | None = None  # the paragraph the learner was at (ReadingStateStore)

    @property
    def progress(self) -> float:
        """Share of the document read: the paragraph reached over the paragraph count."""
        if not self.paragraphs or self.position is None:
            return 0.0
        return min(1.0, (self.position + 1) / self.paragraphs)

    @property
    def exists(self) -> bool:
        return Path(self.path).is_file()


def default_library_path() -> Path:
    return paths.data_dir() / LIBRARY_FILE_NAME


class LibraryStore:
    """The library database; one transaction per call, safe to share between threads."""

    def __init__(
        self, path: Path | None = None, *, reading_state: ReadingStateStore | None = None
    ) -> None:
        self.path = path or default_library_path()
        self._reading_state = reading_state
        self._lock = threading.Lock()
        self._connection = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        try:
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if application_id != APPLICATION_ID and (application_id or tables):
                raise ReaderError(f"{self.path} is not a reader library; left untouched")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            if application_id != APPLICATION_ID:
                connection.execute("BEGIN IMMEDIATE")
                for statement in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                    connection.execute(statement)
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            connection.close()
            raise ReaderError(
                f"{self.path} is not a reader library ({error}); left untouched"
            ) from None
        except BaseException:
            connection.close()
            raise
        return connection

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> LibraryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            connection = self._connection
            try:
                connection.execute("BEGIN IMMEDIATE")
                try:
                    yield connection
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
            except sqlite3.OperationalError as error:
                raise ReaderError(f"cannot use the library {self.path}: {error}") from None

    # -- writing

    def record_open(
        self, document: Document, path: str | Path, *, paragraphs: int | None = None
    ) -> None:
        """The learner opened `document` from `path` now (added if new). `paragraphs`: the
        whole document's count when `document` is only its first part."""
        if str(path) == "-":
            return
        moment = stamp(utc_now())
        count = paragraphs if paragraphs is not None else len(document.paragraphs)
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO documents (doc_id, path, title, format, paragraphs, added_at,"
                " last_opened) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (doc_id) DO UPDATE SET path = excluded.path,"
                " title = excluded.title, format = excluded.format,"
                " paragraphs = max(paragraphs, excluded.paragraphs),"
                " last_opened = excluded.last_opened",
                (
                    document.doc_id,
                    str(Path(path).resolve()),
                    document.title,
                    document.format,
                    count,
                    moment,
                    moment,
                ),
            )

    def record_paragraph_count(self, doc_id: str, paragraphs: int) -> None:
        """A long text's whole paragraph count, once it has all been read."""
        with self._transaction() as connection:
            connection.execute(
                "UPDATE documents SET paragraphs = ? WHERE doc_id = ?", (paragraphs, doc_id)
            )

    def record_summary(self, doc_id: str, summary: DocumentSummary) -> bool:
        """Keep a document's summary; False if the document is not in the library."""
        with self._transaction() as connection:
            cursor = connection.execute(
                "UPDATE documents SET known_share = ?, new_words = ?, summary_at = ?"
                " WHERE doc_id = ?",
                (summary.known_share, summary.new_words, stamp(utc_now()), doc_id),
            )
            return cursor.rowcount > 0

    def remove(self, key: str) -> LibraryEntry:
        """Take a document out of the library (the file itself is not touched), by its
        doc_id, its path, or its number in the listing (1 = last opened)."""
        entry = self.find(key)
        if entry is None:
            raise ReaderError(f"{key} is not in your library (see `reader library`)")
        with self._transaction() as connection:
            connection.execute("DELETE FROM documents WHERE doc_id = ?", (entry.doc_id,))
        return entry

    def restore(self, entry: LibraryEntry) -> None:
        """Put a removed document back as it was: its dates and summary (undo of `remove`)."""
        summary = entry.summary
        with self._transaction() as connection:
            connection.execute(
                "INSERT OR REPLACE INTO documents (doc_id, path, title, format, paragraphs,"
                " added_at, last_opened, known_share, new_words, summary_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.doc_id,
                    entry.path,
                    entry.title,
                    entry.format,
                    entry.paragraphs,
                    stamp(entry.added_at),
                    stamp(entry.last_opened),
                    summary.known_share if summary else None,
                    summary.new_words if summary else None,
                    stamp(entry.summary_at) if entry.summary_at else None,
                ),
            )

    # -- reading

    def entries(self) -> list[LibraryEntry]:
        """Every document, last opened first, with its reading position."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT doc_id, path, title, format, paragraphs, added_at, last_opened,"
                " known_share, new_words, summary_at FROM documents"
                " ORDER BY last_opened DESC, rowid DESC"
            ).fetchall()
        positions = (self._reading_state or ReadingStateStore()).positions()  # read once
        return [_entry(row, positions) for row in rows]

    def last_opened(self, *, existing: bool = True) -> LibraryEntry | None:
        """The document opened last (whose file still exists, with `existing`)."""
        for entry in self.entries():
            if not existing or entry.exists:
                return entry
        return None

    def find(self, key: str) -> LibraryEntry | None:
        entries = self.entries()
        if key.isdigit() and 1 <= int(key) <= len(entries):
            return entries[int(key) - 1]
        resolved = str(Path(key).expanduser().resolve()) if key else key
        return next((e for e in entries if key in (e.doc_id, e.path) or e.path == resolved), None)


def _entry(row: tuple[object, ...], positions: Mapping[str, ReadingPosition]) -> LibraryEntry:
    doc_id, path, title, format_name, paragraphs, added, opened, share, new, at = row
    position = positions.get(str(doc_id))
    summary = (
        DocumentSummary(float(str(share)), int(str(new)))
        if share is not None and new is not None
        else None
    )
    return LibraryEntry(
        doc_id=str(doc_id),
        path=str(path),
        title=str(title),
        format=str(format_name),
        paragraphs=int(str(paragraphs)),
        added_at=parse_stamp(str(added)),
        last_opened=parse_stamp(str(opened)),
        summary=summary,
        summary_at=parse_stamp(str(at)) if at is not None else None,
        position=position.paragraph if position is not None else None,
    )


def summarise(paragraphs: Iterable[AnnotatedParagraph], statuses: Statuses) -> DocumentSummary:
    """A document's summary from its annotated paragraphs and the vocabulary's statuses."""
    # Imported here: `reader` opens the document read last through this module before its
    # first paint, and these two (the counting rules) cost ~15 ms to import.
    from reader.core.learner.shares import known_share
    from reader.core.learner.stats import collect_words

    annotated = list(paragraphs)
    share = known_share(annotated, statuses)
    words = collect_words(annotated, statuses)
    new = sum(1 for word in words if word.is_unknown)
    return DocumentSummary(share.by_tokens, new)


def summarise_store(store: ParagraphStore, statuses: Statuses) -> DocumentSummary:
    """A document's summary from its paragraph store's figures (the paragraphs annotated so
    far; none is annotated again): what the reading screen records when it is left."""
    from reader.core.learner.records import Status
    from reader.core.learner.shares import KnownShares, token_status

    share = KnownShares(store, statuses).document()
    new = sum(
        1
        for form_id in store.form_counts()
        if token_status(store.form(form_id), statuses) in (None, Status.NEW)
    )
    return DocumentSummary(share.by_tokens, new)
