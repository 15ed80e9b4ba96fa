"""The learner's vocabulary: saved words, their status and the sentences they came from.

Stored in SQLite (`paths.data_dir()/vocab.sqlite3`):

- the schema is versioned with `PRAGMA user_version` and migrated forward in a transaction;
  `PRAGMA application_id` marks the file as ours, so a foreign or damaged file is reported
  and left untouched, never overwritten or deleted;
- WAL journal, every change in one `BEGIN IMMEDIATE` transaction, and a busy timeout, so a
  killed process loses at most the save in flight and two `reader` processes writing at the
  same time both get their changes in.

A word is keyed by its Traditional form; `get`/`set_status`/`remove` accept either script.

Schema 2 adds the study tables: `cards` holds the FSRS memory state of each (word, direction)
that has been reviewed, `reviews` logs every review (kept when the word is deleted, so the
history and the heat map stay true). `reader.core.learner.study` decides; this module only stores.

Schema 3 adds the journal of bulk changes ("I know HSK 1-3", an imported deck): each one
records every word it touched and what it was before, so `undo_bulk_change` takes it back in
one step, even from another process later (`reader known undo`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from reader import paths
from reader.core.engine.syllables import normalise_reading
from reader.core.errors import ReaderError, StorageError

if TYPE_CHECKING:
    from reader.core.engine.pipeline import Annotator
    from reader.core.models import Entry, Lookup, Token

# "RdVc": marks a SQLite file as a reader vocabulary database.
APPLICATION_ID = 0x52645663
SCHEMA_VERSION = 3
# Long enough to wait out another process's transaction (they take milliseconds).
BUSY_TIMEOUT_MS = 15_000
DEFAULT_DEFINITION_COUNT = 3
VOCAB_FILE_NAME = "vocab.sqlite3"


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


# ---- word description (dictionary + conversion)


def describe_word(
    word: str,
    *,
    pinyin_numbered: Sequence[str] = (),
    traditional: str | None = None,
    simplified: str | None = None,
    sense: str | None = None,
) -> WordForms:
    """Both scripts, pinyin and a default definition for `word`.

    `pinyin_numbered`, `traditional`, `simplified` and `sense` (the gloss chosen in context)
    come from the reading screen's token when the word is saved there (the reading and sense
    in context win over the dictionary's order); missing parts come from CC-CEDICT, then from
    OpenCC conversion. The definition is that sense, then the entry's other senses, CC-CEDICT
    markup written out (`CL:個|个[ge4]` → "measure word 個 gè").
    """
    from reader.core.dictionary.cedict import lookup

    word = word.strip()
    if not word:
        raise ReaderError("an empty word cannot be saved")
    return _described(word, lookup(word), pinyin_numbered, traditional, simplified, sense)


def describe_words(words: Sequence[str]) -> list[WordForms]:
    """`describe_word` of each word (stripped, non-empty), with one dictionary query for
    all of them: 10,000 words in a fraction of a second."""
    from reader.core.dictionary.cedict import default_dictionary

    wanted = [word.strip() for word in words if word.strip()]
    results = default_dictionary().lookup_many(wanted)
    return [_described(word, result) for word, result in zip(wanted, results, strict=True)]


def _described(
    word: str,
    result: Lookup,
    pinyin_numbered: Sequence[str] = (),
    traditional: str | None = None,
    simplified: str | None = None,
    sense: str | None = None,
) -> WordForms:
    from reader.core.dictionary.markup import render

    entry = _best_entry(result.entries, word, pinyin_numbered)
    in_simplified = simplified == word != traditional
    if traditional is None or simplified is None:
        traditional, simplified = _script_forms(word, entry, traditional, simplified)
    if pinyin_numbered:
        reading = tuple(pinyin_numbered)
    elif entry is not None:
        reading = entry_syllables(entry)
    else:
        reading = tuple(
            syllable
            for part in result.breakdown
            if part.entries
            for syllable in entry_syllables(part.entries[0])
        )
    if entry is not None:
        definition = "; ".join(_card_senses(result, entry, reading, sense, in_simplified))
    else:
        definition = sense or render(result.gloss or "", in_simplified)
    return WordForms(traditional, simplified, reading, definition)


def _card_senses(
    result: Lookup, entry: Entry, reading: Sequence[str], sense: str | None, simplified: bool
) -> list[str]:
    """The senses a card shows: the one chosen in context (else the one a learner needs
    first), then the others of its entry in CC-CEDICT's order, markup written out."""
    from reader.core.dictionary.markup import render
    from reader.core.dictionary.senses import Neighbours, choose_sense, ordered_senses

    if sense is None:
        chosen = choose_sense((*result.entries, *result.references), reading, Neighbours(), "")
        if chosen is not None:
            sense = render(chosen.definition, simplified)
    ordered = ordered_senses((*result.entries, *result.references), sense)
    first, indices = ordered[0] if sense is not None and ordered else (entry, [])
    if not indices or render(first.definitions[indices[0]], simplified) != sense:
        first, indices = entry, list(range(len(entry.definitions)))
    senses = [render(first.definitions[index], simplified) for index in indices]
    return list(dict.fromkeys(senses))[:DEFAULT_DEFINITION_COUNT]


def describe_token(token: Token) -> WordForms:
    """The forms of a word the learner saves from the reading screen."""
    from reader.core.engine.pipeline import NO_ENTRY_GLOSS

    return describe_word(
        token.text,
        pinyin_numbered=token.pinyin_numbered,
        traditional=token.traditional,
        simplified=token.simplified,
        sense=token.gloss if token.gloss != NO_ENTRY_GLOSS else None,
    )


def entry_syllables(entry: Entry) -> tuple[str, ...]:
    """CC-CEDICT's pinyin as the app's numbered syllables ('Lu:4' -> 'lv4')."""
    from reader.core.engine.pinyin import normalise_cedict_pinyin

    return normalise_cedict_pinyin(entry.pinyin)


def _best_entry(entries: Sequence[Entry], word: str, reading: Sequence[str]) -> Entry | None:
    if not entries:
        return None
    exact = [e for e in entries if word in (e.traditional, e.simplified)] or list(entries)
    if reading:
        wanted = normalise_reading(" ".join(reading))
        same_reading = [
            e for e in exact if normalise_reading(" ".join(entry_syllables(e))) == wanted
        ]
        if same_reading:
            exact = same_reading
    # Capitalised pinyin marks a proper noun (surname, place); the common word comes first.
    common = [e for e in exact if not e.pinyin[:1].isupper()]
    return (common or exact)[0]


def _script_forms(
    word: str, entry: Entry | None, traditional: str | None, simplified: str | None
) -> tuple[str, str]:
    from reader.core.engine.convert import to_simplified, to_traditional

    if entry is not None and word == entry.traditional:
        return traditional or word, simplified or entry.simplified
    if entry is not None and word == entry.simplified:
        return traditional or entry.traditional, simplified or word
    return traditional or to_traditional(word), simplified or to_simplified(word)


def annotate_sentences(
    sentences: Iterable[str], annotator: Annotator | None = None
) -> dict[str, tuple[Token, ...]]:
    """Tokens (with pinyin in context) for each distinct sentence."""
    from reader.core.engine.pipeline import default_annotator
    from reader.core.models import Paragraph, ParagraphKind
    from reader.core.text.script import detect_script

    wanted = sorted({sentence for sentence in sentences if sentence})
    if not wanted:
        return {}
    active = annotator or default_annotator()
    result: dict[str, tuple[Token, ...]] = {}
    for sentence in wanted:
        paragraph = Paragraph(0, ParagraphKind.PARAGRAPH, sentence)
        result[sentence] = active.annotate_paragraph(paragraph, detect_script(sentence)).tokens
    return result


def reading_in_sentence(
    word: str, sentence: str, annotator: Annotator | None = None
) -> tuple[str, ...]:
    """The word's pinyin as read in `sentence` (polyphones resolved in context), or ()."""
    tokens = annotate_sentences([sentence], annotator).get(sentence, ())
    text = "".join(token.text for token in tokens)
    for form in (word, *_other_forms(word)):
        start = text.find(form)
        if start < 0:
            continue
        syllables: list[str] = []
        for token in tokens:
            for offset, syllable in enumerate(token.pinyin_numbered):
                if start <= token.start + offset < start + len(form):
                    syllables.append(syllable)
        if len(syllables) == len(form) and all(syllables):
            return tuple(syllables)
    return ()


def _simplified_form(word: str) -> str:
    from reader.core.engine.convert import to_simplified

    return to_simplified(word)


def _other_forms(word: str) -> tuple[str, ...]:
    from reader.core.engine.convert import to_simplified, to_traditional

    return tuple({to_traditional(word), to_simplified(word)} - {word})


# ---- HSK levels

_HSK_FILE = Path(__file__).resolve().parent.parent / "data" / "hsk" / "hsk30.tsv"


@lru_cache(maxsize=1)
def _hsk_levels() -> dict[str, str]:
    levels: dict[str, str] = {}
    with _HSK_FILE.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            simplified, traditional, level = line.rstrip("\n").split("\t")
            # The file lists the lowest level first, so setdefault keeps it.
            levels.setdefault(simplified, level)
            levels.setdefault(traditional, level)
    return levels


def hsk_level(*forms: str) -> str | None:
    """The HSK 3.0 level ("1".."6", "7-9") of the first listed form, or None."""
    levels = _hsk_levels()
    return next((levels[form] for form in forms if form in levels), None)


# ---- time


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    # One fixed-width format, so stored times also sort and compare as text.
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# What an unreadable stored time is read as: the word stays usable (listed, exported,
# studied: a card due then is due now) instead of stopping every command that reads it.
UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _parse_stamp(text: str) -> datetime:
    # fromisoformat is ~20x faster than strptime (a study queue parses thousands of stamps).
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:  # a row edited by hand, or by another tool
        return UNKNOWN_TIME
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def parse_since(text: str) -> datetime:
    """A `--since` value: an ISO date (local midnight) or date-time; naive means local time."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day).astimezone(timezone.utc)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.astimezone()  # naive: the learner's local time
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved across UTC
        raise ReaderError(
            f"cannot read the date {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM "
            "(between years 1 and 9999)"
        ) from None


# ---- the store

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


def saved_statuses() -> dict[str, Status]:
    """The learner's word statuses by form (`VocabStore.statuses`); none, and no file made,
    before the first word is saved."""
    if not default_vocab_path().exists():
        return {}
    with VocabStore() as store:
        return store.statuses()


def _not_ours(path: Path, detail: str = "") -> ReaderError:
    suffix = f" ({detail})" if detail else ""
    return ReaderError(f"{path} is not a reader vocabulary database{suffix}; left untouched")


class VocabStore:
    """The vocabulary database. Thread-safe; open one per process and close it when done.

    Every public method is one transaction; on a damaged file it raises ReaderError.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_vocab_path()
        self._lock = threading.RLock()
        # True when the file or its folder cannot be written: words are read, never saved.
        self.read_only = False
        self._connection = self._open()

    # -- opening

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

    def __enter__(self) -> VocabStore:
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

    # -- reading

    def get(self, word: str) -> VocabItem | None:
        """The saved word whose Traditional or Simplified form is `word`."""
        with self._reading() as connection:
            row_id = self._find_id(connection, word.strip())
            return self._load(connection, row_id) if row_id is not None else None

    def require(self, word: str) -> VocabItem:
        item = self.get(word)
        if item is None:
            raise ReaderError(f"{word.strip()} is not in your vocabulary")
        return item

    def items(
        self,
        *,
        statuses: Iterable[Status] | None = None,
        since: datetime | None = None,
        doc_id: str | None = None,
    ) -> list[VocabItem]:
        """Saved words, oldest first; `since` compares with the last change (updated_at)."""
        clauses: list[str] = []
        arguments: list[object] = []
        if statuses is not None:
            wanted = sorted({status.value for status in statuses})
            clauses.append(f"status IN ({', '.join('?' * len(wanted))})")
            arguments.extend(wanted)
        if since is not None:
            clauses.append("updated_at >= ?")
            arguments.append(_stamp(since))
        if doc_id is not None:
            clauses.append("id IN (SELECT word_id FROM contexts WHERE doc_id = ?)")
            arguments.append(doc_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading() as connection:
            rows = connection.execute(
                f"SELECT * FROM words {where} ORDER BY created_at, id", arguments
            ).fetchall()
            contexts = self._contexts_by_word(connection, [row[0] for row in rows])
            return [_item_from_row(row, contexts.get(row[0], ())) for row in rows]

    def statuses(self) -> dict[str, Status]:
        """Status by word form (Traditional and Simplified): what the reading screen colours."""
        with self._reading() as connection:
            result: dict[str, Status] = {}
            for traditional, simplified, status in connection.execute(
                "SELECT traditional, simplified, status FROM words"
            ):
                result[simplified] = Status(status)
                result[traditional] = Status(status)
            return result

    def __len__(self) -> int:
        with self._reading() as connection:
            return int(connection.execute("SELECT count(*) FROM words").fetchone()[0])

    # -- writing

    def add(
        self,
        forms: WordForms,
        *,
        status: Status | None = None,
        context: Context | None = None,
        now: datetime | None = None,
    ) -> VocabItem:
        """Save a word, or add the context (and status) to the word already saved.

        A word saved again keeps its definition and status unless a status is given.
        """
        moment = _stamp(now or utc_now())
        with self._transaction() as connection:
            row_id = self._find_id(connection, forms.traditional, exact=True)
            if row_id is None:
                row_id = self._insert(connection, forms, status or Status.NEW, moment)
            elif status is not None:
                connection.execute(
                    "UPDATE words SET status = ?, updated_at = ? WHERE id = ?",
                    (status.value, moment, row_id),
                )
            if context is not None and self._add_context(connection, row_id, context, moment):
                connection.execute("UPDATE words SET updated_at = ? WHERE id = ?", (moment, row_id))
            return self._load(connection, row_id)

    def set_many(
        self,
        words: Iterable[WordForms],
        status: Status,
        contexts: Mapping[str, Context] | None = None,
    ) -> int:
        """Give every word `status` in one transaction, saving those not yet saved (with
        their context from `contexts`, by Traditional form, when there is one).

        For "mark the rest of this paragraph known". Returns how many rows changed.
        """
        moment = _stamp(utc_now())
        changed = 0
        contexts = contexts or {}
        with self._transaction() as connection:
            for forms in words:
                row_id = self._find_id(connection, forms.traditional, exact=True)
                if row_id is None:
                    row_id = self._insert(connection, forms, status, moment)
                    context = contexts.get(forms.traditional)
                    if context is not None:
                        self._add_context(connection, row_id, context, moment)
                    changed += 1
                else:
                    cursor = connection.execute(
                        "UPDATE words SET status = ?, updated_at = ? WHERE id = ? AND status != ?",
                        (status.value, moment, row_id, status.value),
                    )
                    changed += cursor.rowcount
        return changed

    def apply_bulk_change(
        self, label: str, words: Sequence[WordForms], status: Status, *, now: datetime | None = None
    ) -> BulkChange:
        """Give every word `status` (saving those not saved yet) in one transaction, and
        journal what each was before so `undo_bulk_change` can put it back. The caller
        decides which words to pass (see `reader.core.learner.known`); words that already
        have `status` are left alone and not journaled."""
        moment = _stamp(now or utc_now())
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO bulk_changes (label, made_at) VALUES (?, ?)", (label, moment)
            )
            change_id = int(cursor.lastrowid or 0)
            existing = {
                row[0]: (row[1], row[2])
                for row in connection.execute("SELECT traditional, status, updated_at FROM words")
            }
            inserts: list[tuple[str, str, str, str, str, str, str]] = []
            updates: list[tuple[str, str, str]] = []
            journal: list[tuple[int, str, str | None, str | None]] = []
            for forms in words:
                before = existing.get(forms.traditional)
                if before is None:
                    inserts.append(
                        (
                            forms.traditional,
                            forms.simplified,
                            " ".join(forms.pinyin_numbered),
                            forms.definition,
                            status.value,
                            moment,
                            moment,
                        )
                    )
                    journal.append((change_id, forms.traditional, None, None))
                    existing[forms.traditional] = (status.value, moment)
                elif before[0] != status.value:
                    updates.append((status.value, moment, forms.traditional))
                    journal.append((change_id, forms.traditional, before[0], before[1]))
                    existing[forms.traditional] = (status.value, moment)
            connection.executemany(
                "INSERT INTO words (traditional, simplified, pinyin, definition, status,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                inserts,
            )
            connection.executemany(
                "UPDATE words SET status = ?, updated_at = ? WHERE traditional = ?", updates
            )
            connection.executemany(
                "INSERT INTO bulk_change_words (change_id, traditional, status_before,"
                " updated_before) VALUES (?, ?, ?, ?)",
                journal,
            )
            return BulkChange(change_id, label, _parse_stamp(moment), len(journal))

    def bulk_changes(self, *, include_undone: bool = False) -> list[BulkChange]:
        """The journaled bulk changes, newest first."""
        where = "" if include_undone else "WHERE undone_at IS NULL"
        with self._reading() as connection:
            rows = connection.execute(
                "SELECT c.id, c.label, c.made_at, c.undone_at,"
                " (SELECT count(*) FROM bulk_change_words w WHERE w.change_id = c.id)"
                f" FROM bulk_changes c {where} ORDER BY c.id DESC"
            ).fetchall()
        return [_bulk_change_from_row(row) for row in rows]

    def undo_bulk_change(self, change_id: int | None = None) -> UndoneChange | None:
        """Take back a bulk change (the latest not undone yet, by default) in one
        transaction: words it saved are removed, words it changed get their status back.
        A word changed again since (its status or its sentences) is left as it is now and
        named in `kept`. None when there is nothing to undo."""
        with self._transaction() as connection:
            if change_id is None:
                row = connection.execute(
                    "SELECT id FROM bulk_changes WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1"
                ).fetchone()
                if row is None:
                    return None
                change_id = int(row[0])
            header = connection.execute(
                "SELECT c.id, c.label, c.made_at, c.undone_at,"
                " (SELECT count(*) FROM bulk_change_words w WHERE w.change_id = c.id)"
                " FROM bulk_changes c WHERE c.id = ?",
                (change_id,),
            ).fetchone()
            if header is None or header[3] is not None:
                return None
            change = _bulk_change_from_row(header)
            made_at = header[2]
            current = {
                row[0]: (int(row[1]), row[2], row[3])
                for row in connection.execute(
                    "SELECT w.traditional, w.id, w.status, w.updated_at FROM words w"
                    " JOIN bulk_change_words j ON j.traditional = w.traditional"
                    " WHERE j.change_id = ?",
                    (change_id,),
                )
            }
            removals: list[tuple[int]] = []
            restores: list[tuple[str, str, int]] = []
            kept: list[str] = []
            for traditional, status_before, updated_before in connection.execute(
                "SELECT traditional, status_before, updated_before FROM bulk_change_words"
                " WHERE change_id = ? ORDER BY traditional",
                (change_id,),
            ).fetchall():
                now_row = current.get(traditional)
                if now_row is None:
                    continue  # deleted since: nothing to put back
                word_id, _status, updated_at = now_row
                if updated_at != made_at:
                    kept.append(traditional)
                elif status_before is None:
                    removals.append((word_id,))
                else:
                    restores.append((status_before, updated_before, word_id))
            connection.executemany("DELETE FROM words WHERE id = ?", removals)
            connection.executemany(
                "UPDATE words SET status = ?, updated_at = ? WHERE id = ?", restores
            )
            undone_at = _stamp(utc_now())
            connection.execute(
                "UPDATE bulk_changes SET undone_at = ? WHERE id = ?", (undone_at, change_id)
            )
            undone = BulkChange(
                change.id, change.label, change.made_at, change.words, _parse_stamp(undone_at)
            )
            return UndoneChange(undone, len(removals) + len(restores), tuple(kept))

    def forms_by_status(self) -> dict[str, tuple[str, Status]]:
        """(Traditional form, status) of every saved word, by Traditional and by Simplified
        form: what a bulk change checks its words against."""
        with self._reading() as connection:
            found: dict[str, tuple[str, Status]] = {}
            for traditional, simplified, status in connection.execute(
                "SELECT traditional, simplified, status FROM words ORDER BY id"
            ):
                found.setdefault(simplified, (traditional, Status(status)))
                found[traditional] = (traditional, Status(status))
            return found

    def set_status(self, word: str, status: Status) -> VocabItem:
        return self._update(word, "status", status.value)

    def set_definition(self, word: str, definition: str) -> VocabItem:
        return self._update(word, "definition", definition.strip())

    def remove(self, word: str) -> VocabItem:
        """Delete a word with its contexts; returns it, so the caller can `restore` it (undo)."""
        with self._transaction() as connection:
            row_id = self._find_id(connection, word.strip())
            if row_id is None:
                raise ReaderError(f"{word.strip()} is not in your vocabulary")
            item = self._load(connection, row_id)
            connection.execute("DELETE FROM words WHERE id = ?", (row_id,))
            return item

    def restore(self, item: VocabItem) -> VocabItem:
        """Put back a removed word exactly as it was (times and contexts included)."""
        with self._transaction() as connection:
            if self._find_id(connection, item.traditional, exact=True) is not None:
                raise ReaderError(f"{item.traditional} is already in your vocabulary")
            cursor = connection.execute(
                "INSERT INTO words (traditional, simplified, pinyin, definition, status,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    item.traditional,
                    item.simplified,
                    " ".join(item.pinyin_numbered),
                    item.definition,
                    item.status.value,
                    _stamp(item.created_at),
                    _stamp(item.updated_at),
                ),
            )
            row_id = int(cursor.lastrowid or 0)
            for context in item.contexts:
                self._add_context(
                    connection, row_id, context, _stamp(context.added_at or item.created_at)
                )
            return self._load(connection, row_id)

    # -- study (cards and the review log; `reader.core.learner.study` decides what to write)

    def card_states(self, word_id: int | None = None) -> dict[tuple[int, Direction], CardState]:
        """Every reviewed card's FSRS state (or one word's), by (word id, direction)."""
        where, arguments = ("WHERE word_id = ?", (word_id,)) if word_id is not None else ("", ())
        with self._reading() as connection:
            return {
                (int(row[0]), Direction(row[1])): _card_from_row(row[2:])
                for row in connection.execute(
                    "SELECT word_id, direction, state, step, stability, difficulty, due,"
                    f" last_review FROM cards {where}",
                    arguments,
                )
            }

    def review_times(self, since: datetime) -> list[datetime]:
        """When each review since `since` happened (the heat map needs nothing else)."""
        with self._reading() as connection:
            return [
                _parse_stamp(row[0])
                for row in connection.execute(
                    "SELECT reviewed_at FROM reviews WHERE reviewed_at >= ?", (_stamp(since),)
                )
            ]

    def first_reviews_since(self, since: datetime) -> int:
        """How many cards had their first review at or after `since` (the new-card limit)."""
        with self._reading() as connection:
            row = connection.execute(
                "SELECT count(*) FROM reviews WHERE reviewed_at >= ? AND card_before IS NULL",
                (_stamp(since),),
            ).fetchone()
            return int(row[0])

    def record_review(
        self,
        item: VocabItem,
        direction: Direction,
        rating: int,
        *,
        reviewed_at: datetime,
        card_before: CardState | None,
        card_after: CardState,
        status_after: Status,
        duration_ms: int | None = None,
    ) -> ReviewEntry:
        """Save a review in one transaction: the new card state, the log row, the status."""
        with self._transaction() as connection:
            row = connection.execute("SELECT status FROM words WHERE id = ?", (item.id,)).fetchone()
            if row is None:
                raise ReaderError(f"{item.traditional} is no longer in your vocabulary")
            status_before = Status(row[0])
            self._write_card(connection, item.id, direction, card_after)
            if status_after is not status_before:
                connection.execute(
                    "UPDATE words SET status = ?, updated_at = ? WHERE id = ?",
                    (status_after.value, _stamp(reviewed_at), item.id),
                )
            cursor = connection.execute(
                "INSERT INTO reviews (word_id, word, direction, rating, reviewed_at, duration_ms,"
                " status_before, status_after, card_before, card_after)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.id,
                    item.traditional,
                    direction.value,
                    rating,
                    _stamp(reviewed_at),
                    duration_ms,
                    status_before.value,
                    status_after.value,
                    _card_json(card_before) if card_before is not None else None,
                    _card_json(card_after),
                ),
            )
            return ReviewEntry(
                id=int(cursor.lastrowid or 0),
                word_id=item.id,
                word=item.traditional,
                direction=direction,
                rating=rating,
                reviewed_at=_parse_stamp(_stamp(reviewed_at)),
                duration_ms=duration_ms,
                status_before=status_before,
                status_after=status_after,
                card_before=card_before,
                card_after=card_after,
            )

    def undo_review(self, entry: ReviewEntry) -> None:
        """Take a review back: delete its log row, put the card and the status back.

        Only the latest review of that card can be undone (a later one was built on it).
        """
        with self._transaction() as connection:
            latest = connection.execute(
                "SELECT max(id) FROM reviews WHERE word_id = ? AND direction = ?",
                (entry.word_id, entry.direction.value),
            ).fetchone()[0]
            if entry.word_id is None or latest != entry.id:
                raise ReaderError(f"the review of {entry.word} can no longer be undone")
            connection.execute("DELETE FROM reviews WHERE id = ?", (entry.id,))
            if entry.card_before is None:
                connection.execute(
                    "DELETE FROM cards WHERE word_id = ? AND direction = ?",
                    (entry.word_id, entry.direction.value),
                )
            else:
                self._write_card(connection, entry.word_id, entry.direction, entry.card_before)
            connection.execute(
                "UPDATE words SET status = ? WHERE id = ? AND status = ?",
                (entry.status_before.value, entry.word_id, entry.status_after.value),
            )

    def reviews(
        self, *, since: datetime | None = None, word_id: int | None = None
    ) -> list[ReviewEntry]:
        """Logged reviews, oldest first."""
        clauses: list[str] = []
        arguments: list[object] = []
        if since is not None:
            clauses.append("reviewed_at >= ?")
            arguments.append(_stamp(since))
        if word_id is not None:
            clauses.append("word_id = ?")
            arguments.append(word_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading() as connection:
            rows = connection.execute(
                "SELECT id, word_id, word, direction, rating, reviewed_at, duration_ms,"
                f" status_before, status_after, card_before, card_after FROM reviews {where}"
                " ORDER BY reviewed_at, id",
                arguments,
            ).fetchall()
        return [_review_from_row(row) for row in rows]

    @staticmethod
    def _write_card(
        connection: sqlite3.Connection, word_id: int, direction: Direction, card: CardState
    ) -> None:
        connection.execute(
            "INSERT OR REPLACE INTO cards (word_id, direction, state, step, stability,"
            " difficulty, due, last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                word_id,
                direction.value,
                card.state,
                card.step,
                card.stability,
                card.difficulty,
                _stamp(card.due),
                _stamp(card.last_review) if card.last_review is not None else None,
            ),
        )

    # -- helpers

    def _update(self, word: str, column: str, value: str) -> VocabItem:
        with self._transaction() as connection:
            row_id = self._find_id(connection, word.strip())
            if row_id is None:
                raise ReaderError(f"{word.strip()} is not in your vocabulary")
            connection.execute(
                f"UPDATE words SET {column} = ?, updated_at = ? WHERE id = ?",
                (value, _stamp(utc_now()), row_id),
            )
            return self._load(connection, row_id)

    @staticmethod
    def _find_id(connection: sqlite3.Connection, word: str, *, exact: bool = False) -> int | None:
        """The row of `word`: its Traditional form, else its Simplified form, else a word
        with the same Simplified form (a variant spelling: the learner typed 很難說, the
        dictionary saved it as 很難説). `exact` looks at the Traditional form only."""
        row = connection.execute("SELECT id FROM words WHERE traditional = ?", (word,)).fetchone()
        if row is not None or exact:
            return int(row[0]) if row is not None else None
        for form in dict.fromkeys((word, _simplified_form(word))):
            rows = connection.execute(
                "SELECT id, traditional FROM words WHERE simplified = ? ORDER BY id", (form,)
            ).fetchall()
            if len(rows) > 1:
                forms = ", ".join(traditional for _, traditional in rows)
                raise ReaderError(f"{word} is ambiguous ({forms}): give the Traditional form")
            if rows:
                return int(rows[0][0])
        return None

    @staticmethod
    def _insert(
        connection: sqlite3.Connection, forms: WordForms, status: Status, moment: str
    ) -> int:
        cursor = connection.execute(
            "INSERT INTO words (traditional, simplified, pinyin, definition, status,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                forms.traditional,
                forms.simplified,
                " ".join(forms.pinyin_numbered),
                forms.definition,
                status.value,
                moment,
                moment,
            ),
        )
        return int(cursor.lastrowid or 0)

    @staticmethod
    def _add_context(
        connection: sqlite3.Connection, row_id: int, context: Context, moment: str
    ) -> bool:
        cursor = connection.execute(
            "INSERT OR IGNORE INTO contexts (word_id, sentence, doc_title, doc_id,"
            " paragraph_index, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                row_id,
                context.sentence.strip(),
                context.doc_title,
                context.doc_id,
                context.paragraph_index,
                moment,
            ),
        )
        return cursor.rowcount > 0

    def _load(self, connection: sqlite3.Connection, row_id: int) -> VocabItem:
        row = connection.execute("SELECT * FROM words WHERE id = ?", (row_id,)).fetchone()
        contexts = self._contexts_by_word(connection, [row_id])
        return _item_from_row(row, contexts.get(row_id, ()))

    @staticmethod
    def _contexts_by_word(
        connection: sqlite3.Connection, word_ids: Sequence[int]
    ) -> dict[int, tuple[Context, ...]]:
        if not word_ids:
            return {}
        found: dict[int, list[Context]] = {}
        # One query for all words; chunks stay under SQLite's bound-parameter limit.
        for start in range(0, len(word_ids), 900):
            chunk = word_ids[start : start + 900]
            rows = connection.execute(
                "SELECT word_id, sentence, doc_title, doc_id, paragraph_index, created_at"
                f" FROM contexts WHERE word_id IN ({', '.join('?' * len(chunk))})"
                " ORDER BY created_at, id",
                chunk,
            )
            for word_id, sentence, title, doc_id, paragraph_index, created_at in rows:
                found.setdefault(word_id, []).append(
                    Context(sentence, title, doc_id, paragraph_index, _parse_stamp(created_at))
                )
        return {word_id: tuple(contexts) for word_id, contexts in found.items()}


def _item_from_row(row: Sequence[object], contexts: tuple[Context, ...]) -> VocabItem:
    row_id, traditional, simplified, pinyin, definition, status, created, updated = row
    return VocabItem(
        id=int(str(row_id)),
        traditional=str(traditional),
        simplified=str(simplified),
        pinyin_numbered=tuple(str(pinyin).split()),
        definition=str(definition),
        status=Status(str(status)),
        contexts=contexts,
        created_at=_parse_stamp(str(created)),
        updated_at=_parse_stamp(str(updated)),
    )


def _bulk_change_from_row(row: Sequence[object]) -> BulkChange:
    change_id, label, made_at, undone_at, words = row
    return BulkChange(
        id=int(str(change_id)),
        label=str(label),
        made_at=_parse_stamp(str(made_at)),
        words=int(str(words)),
        undone_at=_parse_stamp(str(undone_at)) if undone_at is not None else None,
    )


def _card_from_row(row: Sequence[object]) -> CardState:
    state, step, stability, difficulty, due, last_review = row
    return CardState(
        state=int(str(state)),
        step=int(str(step)) if step is not None else None,
        stability=float(str(stability)) if stability is not None else None,
        difficulty=float(str(difficulty)) if difficulty is not None else None,
        due=_parse_stamp(str(due)),
        last_review=_parse_stamp(str(last_review)) if last_review is not None else None,
    )


def _card_json(card: CardState) -> str:
    # The log keeps each card state whole (full float precision), so undo restores it exactly.
    return json.dumps(
        [
            card.state,
            card.step,
            card.stability,
            card.difficulty,
            _stamp(card.due),
            _stamp(card.last_review) if card.last_review is not None else None,
        ]
    )


def _card_from_json(text: str) -> CardState:
    return _card_from_row(json.loads(text))


def _review_from_row(row: Sequence[object]) -> ReviewEntry:
    (
        review_id,
        word_id,
        word,
        direction,
        rating,
        reviewed_at,
        duration_ms,
        status_before,
        status_after,
        card_before,
        card_after,
    ) = row
    return ReviewEntry(
        id=int(str(review_id)),
        word_id=int(str(word_id)) if word_id is not None else None,
        word=str(word),
        direction=Direction(str(direction)),
        rating=int(str(rating)),
        reviewed_at=_parse_stamp(str(reviewed_at)),
        duration_ms=int(str(duration_ms)) if duration_ms is not None else None,
        status_before=Status(str(status_before)),
        status_after=Status(str(status_after)),
        card_before=_card_from_json(str(card_before)) if card_before is not None else None,
        card_after=_card_from_json(str(card_after)),
    )


def _split_sql(script: str) -> list[str]:
    # executescript() would COMMIT our transaction first; run statement by statement instead.
    return [statement.strip() for statement in script.split(";") if statement.strip()]


def open_store(path: Path | str | None = None) -> VocabStore:
    return VocabStore(path)
