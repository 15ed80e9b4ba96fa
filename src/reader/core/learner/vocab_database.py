"""The vocabulary's SQLite file: opened safely, migrated, read and written in transactions.

- the schema is versioned with `PRAGMA user_version` and migrated forward in a transaction;
  `PRAGMA application_id` marks the file as ours, so a foreign or damaged file is reported
  and left untouched, never overwritten or deleted;
- WAL journal, every change in one `BEGIN IMMEDIATE` transaction, and a busy timeout, so a
  killed process loses at most the save in flight and two `reader` processes writing at the
  same time both get their changes in;
- a file (or folder) that cannot be written is read, and every change refused.

`VocabDatabase` is the base of `VocabStore` (`reader.core.learner.vocab`), with its parts
for study (`review_log`) and bulk changes (`bulk_changes`).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from reader import paths
from reader.core.errors import ReaderError, StorageError

# "RdVc": marks a SQLite file as a reader vocabulary database.
APPLICATION_ID = 0x52645663
SCHEMA_VERSION = 3
# Long enough to wait out another process's transaction (they take milliseconds).
BUSY_TIMEOUT_MS = 15_000
VOCAB_FILE_NAME = "vocab.sqlite3"

DatabaseT = TypeVar("DatabaseT", bound="VocabDatabase")

_MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1
    """
    CREATE TABLE words (
        id INTEGER PRIMARY KEY,
        traditional TEXT NOT NULL UNIQUE,
        simplified TEXT NOT NULL,
        pinyin TEXT NOT NULL DEFAULT '',
        definition TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'new'
            CHECK (status IN ('new', 'learning', 'known', 'ignored')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX words_by_simplified ON words (simplified);
    CREATE INDEX words_by_updated ON words (updated_at);
    CREATE TABLE contexts (
        id INTEGER PRIMARY KEY,
        word_id INTEGER NOT NULL REFERENCES words (id) ON DELETE CASCADE,
        sentence TEXT NOT NULL,
        doc_title TEXT NOT NULL DEFAULT '',
        doc_id TEXT NOT NULL DEFAULT '',
        paragraph_index INTEGER,
        created_at TEXT NOT NULL,
        UNIQUE (word_id, sentence, doc_id)
    );
    CREATE INDEX contexts_by_word ON contexts (word_id);
    CREATE INDEX contexts_by_document ON contexts (doc_id);
    """,
    # 1 -> 2: study (FSRS card state per word and direction, and the review log)
    """
    CREATE TABLE cards (
        word_id INTEGER NOT NULL REFERENCES words (id) ON DELETE CASCADE,
        direction TEXT NOT NULL CHECK (direction IN ('read', 'recall')),
        state INTEGER NOT NULL CHECK (state IN (1, 2, 3)),
        step INTEGER,
        stability REAL,
        difficulty REAL,
        due TEXT NOT NULL,
        last_review TEXT,
        PRIMARY KEY (word_id, direction)
    );
    CREATE INDEX cards_by_due ON cards (due);
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        word_id INTEGER REFERENCES words (id) ON DELETE SET NULL,
        word TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('read', 'recall')),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at TEXT NOT NULL,
        duration_ms INTEGER,
        status_before TEXT NOT NULL,
        status_after TEXT NOT NULL,
        card_before TEXT,
        card_after TEXT NOT NULL
    );
    CREATE INDEX reviews_by_time ON reviews (reviewed_at);
    CREATE INDEX reviews_by_word ON reviews (word_id, direction);
    """,
    # 2 -> 3: the journal of bulk changes, so each can be undone in one step
    """
    CREATE TABLE bulk_changes (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL,
        made_at TEXT NOT NULL,
        undone_at TEXT
    );
    CREATE TABLE bulk_change_words (
        change_id INTEGER NOT NULL REFERENCES bulk_changes (id) ON DELETE CASCADE,
        traditional TEXT NOT NULL,
        status_before TEXT,
        updated_before TEXT,
        PRIMARY KEY (change_id, traditional)
    ) WITHOUT ROWID;
    """,
)
assert len(_MIGRATIONS) == SCHEMA_VERSION


def default_vocab_path() -> Path:
    return paths.data_dir() / VOCAB_FILE_NAME


def _not_ours(path: Path, detail: str = "") -> ReaderError:
    suffix = f" ({detail})" if detail else ""
    return ReaderError(f"{path} is not a reader vocabulary database{suffix}; left untouched")


def _split_sql(script: str) -> list[str]:
    # executescript() would COMMIT our transaction first; run statement by statement instead.
    return [statement.strip() for statement in script.split(";") if statement.strip()]


class VocabDatabase:
    """The connection to the vocabulary file. Thread-safe; open one per process and close
    it when done."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_vocab_path()
        self._lock = threading.RLock()
        # True when the file or its folder cannot be written: words are read, never saved.
        self.read_only = False
        self._connection = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path.exists() and not self.path.is_file():
            raise _not_ours(self.path, "not a file")
        if self.path.exists() and not (
            os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)
        ):
            return self._open_read_only()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return self._open_empty()
        if not self.path.exists() and not os.access(self.path.parent, os.W_OK):
            return self._open_empty()
        connection = sqlite3.connect(
            self.path,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,  # guarded by self._lock
        )
        try:
            self._prepare(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _open_empty(self) -> sqlite3.Connection:
        """No vocabulary yet, in a folder that cannot be written: an empty store in memory
        that refuses changes like a read-only file (reading goes on; nothing is made)."""
        connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._prepare(connection)
        self.read_only = True
        return connection

    def _open_read_only(self) -> sqlite3.Connection:
        """The database in a folder that cannot be written (a read-only home): `vocab list`,
        exports and the reading screen's colours still work; every change is refused.

        A WAL database needs its -shm file; where none can be made, SQLite reads the file as
        immutable (nobody can write it here either)."""
        self.read_only = True
        uri = self.path.resolve().as_uri()
        for mode in ("mode=ro", "immutable=1"):
            connection = sqlite3.connect(
                f"{uri}?{mode}", uri=True, isolation_level=None, check_same_thread=False
            )
            try:
                application_id, version, _ = self._identify(connection)
                problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
            except sqlite3.OperationalError:
                connection.close()
                continue
            except sqlite3.DatabaseError as error:
                connection.close()
                raise _not_ours(self.path, str(error)) from None
            if application_id != APPLICATION_ID or problems != ["ok"]:
                connection.close()
                raise _not_ours(self.path, "" if problems == ["ok"] else f"damaged: {problems[0]}")
            if version != SCHEMA_VERSION:
                connection.close()
                raise ReaderError(
                    f"{self.path} is read-only and needs upgrading (schema {version}); "
                    "make its folder writable"
                )
            return connection
        raise ReaderError(f"{self.path} cannot be opened, even to read; check its permissions")

    def _prepare(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            application_id, version, table_count = self._identify(connection)
        except sqlite3.DatabaseError as error:
            raise _not_ours(self.path, str(error)) from None
        fresh = application_id == 0 and version == 0 and table_count == 0
        if not fresh and application_id != APPLICATION_ID:
            raise _not_ours(self.path)
        if version > SCHEMA_VERSION:
            raise ReaderError(
                f"{self.path} was written by a newer version of reader (schema {version}); "
                "left untouched — upgrade reader to use it"
            )
        try:
            if not fresh:
                problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
                if problems != ["ok"]:
                    raise _not_ours(self.path, f"damaged: {problems[0]}")
            # WAL: readers never block the writer and a killed writer leaves the file intact.
            connection.execute("PRAGMA journal_mode = WAL")
            # NORMAL is durable against a killed process in WAL mode (only power loss could
            # roll back the last commits), and much faster than FULL for bursts of saves.
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
            if version < SCHEMA_VERSION:
                self._migrate(connection)
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                raise ReaderError(f"{self.path} is locked by another program; try again") from None
            raise _not_ours(self.path, str(error)) from None

    @staticmethod
    def _identify(connection: sqlite3.Connection) -> tuple[int, int, int]:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        table_count = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        return int(application_id), int(version), int(table_count)

    def _migrate(self, connection: sqlite3.Connection) -> None:
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            application_id, version, table_count = self._identify(connection)
            if version == 0 and (application_id != 0 or table_count != 0):
                raise _not_ours(self.path)
            for step in range(version, SCHEMA_VERSION):
                for statement in _split_sql(_MIGRATIONS[step]):
                    connection.execute(statement)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self: DatabaseT) -> DatabaseT:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise StorageError(
                f"the vocabulary database {self.path} is read-only (its folder or the file "
                "cannot be written); nothing can be saved"
            )
        with self._lock, self._database_errors():
            connection = self._connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._database_errors():
            yield self._connection

    @contextmanager
    def _database_errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise ReaderError(
                    f"the vocabulary database {self.path} stayed busy for "
                    f"{BUSY_TIMEOUT_MS // 1000} s; try again"
                ) from None
            raise ReaderError(f"cannot use the vocabulary database {self.path}: {error}") from None
        except sqlite3.DatabaseError as error:
            raise ReaderError(
                f"the vocabulary database {self.path} is damaged ({error}); left untouched"
            ) from None
