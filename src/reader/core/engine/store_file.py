"""A paragraph store's SQLite file (`reader.core.engine.store`): its tables, its writers,
and carrying paragraphs over into the store of new segmentation rules.

Tables: `forms` (a Han word as read in a text: text, Simplified, Traditional, pinyin, gloss,
full tones; how often it occurs and where first) and `paragraphs` (per token its kind, its
length and its form id, packed as 32-bit integers and zlib-compressed).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import zlib
from array import array
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from reader.core.models import AnnotatedParagraph, TokenKind

# The cache folder is trimmed to this, least recently opened documents first.
CACHE_LIMIT_BYTES = 2 << 30
BUSY_TIMEOUT_MS = 15_000

KINDS = tuple(TokenKind)
_KIND_CODES = {kind: code for code, kind in enumerate(KINDS)}
# A form as its token has it: text, Simplified, Traditional, pinyin, gloss, full tones.
_FormKey = tuple[str, str, str, tuple[str, ...], str | None, tuple[str, ...]]
# A form as its row has it (pinyin and full tones space-separated).
_FormRow = tuple[str, str, str, str, str | None, str]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS forms (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    simplified TEXT NOT NULL,
    traditional TEXT NOT NULL,
    pinyin TEXT NOT NULL,
    gloss TEXT,
    full_tones TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL DEFAULT 0,
    first_paragraph INTEGER,
    first_start INTEGER,
    UNIQUE (text, simplified, traditional, pinyin, gloss, full_tones)
);
CREATE TABLE IF NOT EXISTS paragraphs (
    idx INTEGER PRIMARY KEY,
    tokens BLOB NOT NULL
);
"""


def prepare(connection: sqlite3.Connection) -> sqlite3.Connection:
    """A connection to a store's file, its tables made if new."""
    connection.isolation_level = None  # transactions are explicit
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")  # a cache: a lost tail is redone
    connection.executescript(_SCHEMA)
    return connection


def open_writer(path: str | Path) -> StoreWriter:
    """A writer of its own for a store's file (a worker process writing into the store)."""
    connection = prepare(sqlite3.connect(path, check_same_thread=False))
    return StoreWriter(connection)


class StoreWriter:
    """Writes annotated paragraphs into a store's file, each batch in one transaction: the
    paragraphs packed, their new forms, and the forms' counts and first places. Any number
    of writers may share a file (each its own connection: threads, worker processes); a
    paragraph already there is left as it is and counted by the writer that put it there."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._form_ids: dict[_FormKey, int] = {}  # forms this writer has met, by their values

    def write(self, paragraphs: Sequence[AnnotatedParagraph]) -> tuple[list[int], dict[int, int]]:
        """Keep the paragraphs not stored yet: their indices, and the form counts they add."""
        return self._in_transaction(lambda: self._write(paragraphs))

    def copy(
        self, paragraphs: Sequence[tuple[int, array[int]]], forms: dict[int, _FormRow]
    ) -> tuple[list[int], dict[int, int]]:
        """Keep packed paragraphs of another store's file (their form ids are `forms`' keys)
        that are not stored yet: their indices, and the form counts they add."""
        return self._in_transaction(lambda: self._copy(paragraphs, forms))

    def _in_transaction(
        self, write: Callable[[], tuple[list[int], dict[int, int]]]
    ) -> tuple[list[int], dict[int, int]]:
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            written = write()
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            # Ids handed out inside the rolled-back transaction no longer exist.
            self._form_ids.clear()
            raise
        return written

    def _stored(self, indices: Sequence[int]) -> set[int]:
        stored: set[int] = set()
        for chunk in range(0, len(indices), 500):
            part = indices[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            stored.update(
                index
                for (index,) in self._connection.execute(
                    f"SELECT idx FROM paragraphs WHERE idx IN ({marks})", part
                )
            )
        return stored

    def _write(self, paragraphs: Sequence[AnnotatedParagraph]) -> tuple[list[int], dict[int, int]]:
        stored = self._stored([annotated.index for annotated in paragraphs])
        form_ids = self._form_ids
        han, codes = TokenKind.HAN, _KIND_CODES
        rows: list[tuple[int, bytes]] = []
        uses: dict[int, int] = {}
        firsts: dict[int, tuple[int, int]] = {}  # form id -> (paragraph, start), the earliest
        for annotated in paragraphs:
            index = annotated.index
            if index in stored:
                continue  # another writer was first: it counted the words
            stored.add(index)
            packed: list[int] = []
            for token in annotated.tokens:
                kind = token.kind
                form_id = 0
                if kind is han:
                    key = (
                        token.text,
                        token.simplified,
                        token.traditional,
                        token.pinyin_numbered,
                        token.gloss,
                        token.full_tones,
                    )
                    form_id = form_ids.get(key) or self._form_id(key)
                    uses[form_id] = uses.get(form_id, 0) + 1
                    first = firsts.get(form_id)
                    if first is None or first > (index, token.start):
                        firsts[form_id] = (index, token.start)
                packed += (codes[kind], token.end - token.start, form_id)
            rows.append((index, zlib.compress(array("i", packed).tobytes(), 1)))
        return self._insert(rows, uses, firsts)

    def _copy(
        self, paragraphs: Sequence[tuple[int, array[int]]], forms: dict[int, _FormRow]
    ) -> tuple[list[int], dict[int, int]]:
        stored = self._stored([index for index, _ in paragraphs])
        rows: list[tuple[int, bytes]] = []
        uses: dict[int, int] = {}
        firsts: dict[int, tuple[int, int]] = {}
        ids_here: dict[int, int] = {}  # the other file's form id -> this file's
        for index, packed in paragraphs:
            if index in stored:
                continue
            stored.add(index)
            start = 0
            for position in range(0, len(packed), 3):
                other = packed[position + 2]
                if other:
                    form_id = ids_here.get(other)
                    if form_id is None:
                        text, simplified, traditional, pinyin, gloss, full = forms[other]
                        key = (
                            text,
                            simplified,
                            traditional,
                            tuple(pinyin.split()),
                            gloss,
                            tuple(full.split()),
                        )
                        form_id = ids_here[other] = self._form_ids.get(key) or self._form_id(key)
                    packed[position + 2] = form_id
                    uses[form_id] = uses.get(form_id, 0) + 1
                    if form_id not in firsts or firsts[form_id] > (index, start):
                        firsts[form_id] = (index, start)
                start += packed[position + 1]
            rows.append((index, zlib.compress(packed.tobytes(), 1)))
        return self._insert(rows, uses, firsts)

    def _insert(
        self,
        rows: list[tuple[int, bytes]],
        uses: dict[int, int],
        firsts: dict[int, tuple[int, int]],
    ) -> tuple[list[int], dict[int, int]]:
        connection = self._connection
        connection.executemany("INSERT INTO paragraphs (idx, tokens) VALUES (?, ?)", rows)
        connection.executemany(
            "UPDATE forms SET count = count + ?,"
            " first_start = CASE WHEN first_paragraph IS NULL OR first_paragraph > ?"
            "  THEN ? ELSE first_start END,"
            " first_paragraph = CASE WHEN first_paragraph IS NULL OR first_paragraph > ?"
            "  THEN ? ELSE first_paragraph END"
            " WHERE id = ?",
            [
                (count, paragraph, start, paragraph, paragraph, form_id)
                for form_id, count in uses.items()
                for paragraph, start in (firsts[form_id],)
            ],
        )
        return [index for index, _ in rows], uses

    def _form_id(self, key: _FormKey) -> int:
        text, simplified, traditional, pinyin, gloss, full = key
        values = (text, simplified, traditional, " ".join(pinyin), gloss, " ".join(full))
        self._connection.execute(
            "INSERT OR IGNORE INTO forms (text, simplified, traditional, pinyin, gloss,"
            " full_tones) VALUES (?, ?, ?, ?, ?, ?)",
            values,
        )
        row = self._connection.execute(
            "SELECT id FROM forms WHERE text = ? AND simplified = ? AND traditional = ?"
            " AND pinyin = ? AND gloss IS ? AND full_tones = ?",
            values,
        ).fetchone()
        form_id = self._form_ids[key] = int(row[0])
        return form_id


def trim_cache(folder: Path, keep: Path, limit: int = CACHE_LIMIT_BYTES) -> None:
    """Delete the least recently opened stores until the folder is under `limit`."""
    try:
        entries = [
            (entry.stat().st_mtime, entry.stat().st_size, Path(entry.path))
            for entry in os.scandir(folder)
            if entry.name.endswith(".sqlite3")
        ]
    except OSError:
        return
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        if path == keep:
            continue
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").unlink()
        total -= size


def carry_over(
    source: Path,
    writer: StoreWriter,
    changed: Collection[str],
    wanted: Callable[[int], bool],
    *,
    between_batches: Callable[[], None] = lambda: None,
    batch: int = 2000,
) -> tuple[list[int], dict[int, int]]:
    """Copy into `writer`'s file, from the store file `source` made under the rules before a
    split or join, every paragraph `wanted` that the change cannot touch: no Han run of it
    (in the original script or in Simplified: rules match either) holds a `changed` word
    (give each in every script). Annotation depends on nothing but a paragraph's own text
    and the rules, so such a paragraph reads exactly as it did. The indices copied, and the
    form counts they add; nothing if `source` cannot be read."""
    try:
        other = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return [], {}
    copied: list[int] = []
    uses: dict[int, int] = {}
    with contextlib.closing(other):
        try:
            forms: dict[int, _FormRow] = {
                row[0]: row[1:]
                for row in other.execute(
                    "SELECT id, text, simplified, traditional, pinyin, gloss, full_tones FROM forms"
                )
            }
            rows = other.execute("SELECT idx, tokens FROM paragraphs ORDER BY idx")
            # A paragraph with none of these forms cannot hold a changed word.
            characters = set("".join(changed))
            touching = {
                form_id
                for form_id, (text, simplified, *_) in forms.items()
                if not characters.isdisjoint(text) or not characters.isdisjoint(simplified)
            }
            while part := rows.fetchmany(batch):
                kept = []
                for index, blob in part:
                    if not wanted(index):
                        continue
                    packed = array("i")
                    try:
                        packed.frombytes(zlib.decompress(blob))
                    except (zlib.error, ValueError):
                        continue
                    form_ids = packed[2::3]
                    if touching.isdisjoint(form_ids) or not _holds(form_ids, forms, changed):
                        kept.append((index, packed))
                if kept:
                    indices, added = writer.copy(kept, forms)
                    copied += indices
                    for form_id, count in added.items():
                        uses[form_id] = uses.get(form_id, 0) + count
                between_batches()
        except sqlite3.Error:
            pass  # only a cache: what was not copied is annotated again
    return copied, uses


def _holds(form_ids: Sequence[int], forms: dict[int, _FormRow], words: Collection[str]) -> bool:
    """Whether a paragraph of these forms holds one of `words` in a Han run (its tokens'
    text, or their Simplified forms)."""
    runs = "".join(forms[form_id][0] if form_id else "\x00" for form_id in form_ids)
    simplified = "".join(forms[form_id][1] if form_id else "\x00" for form_id in form_ids)
    return any(word in runs or word in simplified for word in words)
