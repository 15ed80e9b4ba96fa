"""CC-CEDICT lookups: words by either form, variant spellings, references, breakdowns, search.

The bundled dictionary (MDBG text format, gzip) is compiled once into an indexed SQLite file
in the cache directory (`reader.core.dictionary.compiled`: how, `index` and `build`).
Lookups then go through one read-only connection: opening costs milliseconds and nothing is
parsed into Python dicts at start-up. The search tables (pinyin, English) live in a file of
their own, built from the index on the first search and attached to that connection.

    >>> from reader.core.dictionary import cedict as dictionary
    >>> dictionary.lookup("中美關係").breakdown  # no entry: split into 中美 + 關係

Module functions use a lazily opened default `Dictionary`; tests build their own with
`Dictionary.from_lines([...])`.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, product
from pathlib import Path
from typing import Any

from reader import paths
from reader.core.dictionary import build as lookup_tables
from reader.core.dictionary import compiled
from reader.core.dictionary import index as files
from reader.core.dictionary.compounds import fewest_pieces
from reader.core.dictionary.entry_order import entry_from_row, ordered_entries
from reader.core.dictionary.search import DEFAULT_LIMIT, Searcher, SearchResults, populate_search
from reader.core.engine.convert import to_simplified
from reader.core.errors import ReaderError
from reader.core.models import Entry, Lookup, _is_pointer_definition, normalised_pinyin
from reader.core.text.han import is_han_char

_LOOKUP_CACHE_SIZE = 50_000
# Variant spellings tried for one word, fewest substitutions first.
_MAX_VARIANT_CANDIDATES = 32
# The longest dictionary sub-word a breakdown looks for (CC-CEDICT has keys of 57 characters,
# but a breakdown of running text never needs pieces that long).
_MAX_BREAKDOWN_PIECE = 12
_SQL_CHUNK = 400  # keys per IN (...), well below SQLite's bound-parameter limit
_SEARCH_SCHEMA = "search"  # the search file's name on the lookup connection

# A pointer target as CC-CEDICT writes it: 沒有|没有[mei2 you3], 人才[ren2 cai2], 峰[feng1], 著|着
# (a run of non-ASCII, non-punctuation characters, an optional |Simplified, optional [pinyin]).
_WORD = r"[^\x00-\x7f\s，、。；：（）“”]+"
_TARGET = re.compile(rf"({_WORD})(?:\|({_WORD}))?(?:\[([A-Za-z0-9:, ]+)\])?")


@dataclass(frozen=True, slots=True)
class DictionaryInfo:
    """Where a dictionary came from and where its files live."""

    source: Path | None  # the CC-CEDICT file; None for an in-memory dictionary
    date: str | None  # the `#! date=` header of the source, if any
    entries: int  # entries in the index (CC-CEDICT lines that parsed)
    index_path: Path | None  # the compiled SQLite file; None for an in-memory dictionary
    sha256: str | None  # of the source file
    search_path: Path | None = None  # the search tables' file (made on the first search)


class Dictionary:
    """CC-CEDICT over one SQLite connection; safe to share between threads."""

    def __init__(self, connection: sqlite3.Connection, info: DictionaryInfo) -> None:
        self._connection = connection
        self._info = info
        # One connection for every thread (the UI looks words up from workers): the lock
        # serialises its use, which costs nothing at ~20 µs a query.
        self._lock = threading.RLock()
        self._lookups: dict[str, Lookup] = {}
        self._variants: dict[str, tuple[str, ...]] = {}
        # The search tables are made once, outside the lookup lock: lookups go on meanwhile.
        self._search_lock = threading.Lock()
        self._search_ready = False

    # ---- construction

    @classmethod
    def open(
        cls,
        source: Path | None = None,
        *,
        cache_dir: Path | None = None,
        force_rebuild: bool = False,
    ) -> Dictionary:
        """Open the index for `source` (default: the bundled CC-CEDICT), building it if needed."""
        source = Path(source) if source is not None else paths.bundled_cedict()
        if not source.is_file():
            raise ReaderError(
                f"dictionary source not found: {source} (reinstall reader or pass a CC-CEDICT file)"
            )
        directory = Path(cache_dir) if cache_dir is not None else paths.cache_dir()
        connection, path, sha256 = compiled.open_lookup(source, directory, force=force_rebuild)
        search_path = files.index_path(directory, source, sha256, files.SEARCH)
        return cls(connection, _info(connection, source, path, sha256, search_path))

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Dictionary:
        """An in-memory dictionary from CC-CEDICT lines (for tests and small word lists), its
        search tables made at once."""
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        lookup_tables.populate(connection, lines)
        populate_search(connection, compiled.entry_rows(connection))
        dictionary = cls(connection, _info(connection, None, None, None, None))
        dictionary._search_ready = True
        return dictionary

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def reconnect(self) -> None:
        """Open the index again, for a forked worker process: SQLite connections must not be
        shared across a fork. The lookups remembered so far stay. An in-memory dictionary is
        the child's own copy already."""
        info = self._info
        if info.index_path is None or info.sha256 is None:
            return
        connection = files.open_index(info.index_path, info.sha256, files.LOOKUP)
        if connection is None:
            raise ReaderError(f"the dictionary index at {info.index_path} cannot be read back")
        # Locks another thread held at the fork stay held in the child: new ones.
        self._lock = threading.RLock()
        self._search_lock = threading.Lock()
        self._connection = connection
        self._search_ready = False  # the search tables were attached to the old connection

    def prepare_search(self, *, force: bool = False) -> None:
        """Make the search tables ready: open their file, or build it from the index (~1 s,
        once per dictionary; `force` builds it again). `search` calls this; a screen may call
        it from a worker as it opens, so the first query does not wait."""
        with self._search_lock:
            if self._search_ready and not force:
                return
            info = self._info
            assert info.index_path is not None and info.search_path is not None
            assert info.sha256 is not None
            compiled.ready_search_file(info.index_path, info.search_path, info.sha256, force=force)
            with self._lock:
                if self._search_ready:
                    self._connection.execute(f"DETACH DATABASE {_SEARCH_SCHEMA}")
                files.attach(self._connection, info.search_path, _SEARCH_SCHEMA)
            self._search_ready = True

    # ---- queries

    def info(self) -> DictionaryInfo:
        return self._info

    def entries(self, word: str) -> tuple[Entry, ...]:
        """Direct entries whose Traditional or Simplified key is `word` (no variant fallback)."""
        if not _is_queryable(word):
            return ()
        return self._direct_entries(word)

    def has_word(self, word: str) -> bool:
        """Whether `word` has an entry by either key, or through a variant spelling."""
        if not _is_queryable(word):
            return False
        with self._lock:
            cached = self._lookups.get(word)
        if cached is not None:
            return cached.found
        if self._existing_keys([word]):
            return True
        return bool(self._existing_keys(self._variant_candidates(word)))

    def readings(self, word: str) -> tuple[str, ...]:
        """Distinct CC-CEDICT pinyin strings of the word's entries (variant fallback included),
        in lookup order: e.g. 重 -> ("chong2", "zhong4"). Proper-noun readings keep their
        capital (\"Zhong1 guo2\")."""
        seen: dict[str, None] = {}
        for entry in self.lookup(word).entries:
            seen.setdefault(entry.pinyin, None)
        return tuple(seen)

    def words(self) -> Iterator[tuple[str, str]]:
        """(traditional, simplified) of every entry, in dictionary order."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT traditional, simplified FROM entries ORDER BY id"
            ).fetchall()
        yield from rows

    def lookup(self, word: str) -> Lookup:
        """Everything known about `word`; never raises, whatever the string."""
        with self._lock:
            cached = self._lookups.get(word)
        if cached is not None:
            return cached
        result = self._lookup(word)
        with self._lock:
            if len(self._lookups) >= _LOOKUP_CACHE_SIZE:
                self._lookups.clear()
            self._lookups[word] = result
        return result

    def lookup_many(self, words: Iterable[str]) -> tuple[Lookup, ...]:
        """`lookup` of each word (same results, same order), with one query for all the
        words not looked up before: a paragraph's glosses cost one round trip, not one each."""
        wanted = list(words)
        with self._lock:
            cached = {word: self._lookups[word] for word in wanted if word in self._lookups}
        missing = [word for word in dict.fromkeys(wanted) if word not in cached]
        queryable = [word for word in missing if _is_queryable(word)]
        rows_by_key: dict[str, list[Any]] = {}
        for start in range(0, len(queryable), _SQL_CHUNK):
            for row in self._rows_for_keys(queryable[start : start + _SQL_CHUNK]):
                for key in {row[1], row[2]}:
                    rows_by_key.setdefault(key, []).append(row)
        fresh: dict[str, Lookup] = {}
        for word in missing:
            rows = rows_by_key.get(word)
            # A word without a direct entry goes the long way (variants, breakdown).
            fresh[word] = (
                self._found(word, ordered_entries(word, rows))
                if rows
                else self._lookup(word, known_missing=True)
            )
        with self._lock:
            if len(self._lookups) + len(fresh) >= _LOOKUP_CACHE_SIZE:
                self._lookups.clear()
            self._lookups.update(fresh)
        return tuple(cached.get(word) or fresh[word] for word in wanted)

    # ---- lookup internals

    def _lookup(self, word: str, *, known_missing: bool = False) -> Lookup:
        if not _is_queryable(word):
            return Lookup(query=word)
        entries = () if known_missing else self._direct_entries(word)
        if entries:
            return self._found(word, entries)
        # No direct entry: one query checks both the variant spellings of the whole word and
        # every sub-word a breakdown could use.
        candidates = self._variant_candidates(word)
        spans: list[tuple[int, int]] = []
        keys = list(candidates)
        breaks_down = len(word) > 1 and any(map(is_han_char, word))
        if breaks_down:
            spans, sub_words = self._breakdown_keys(word)
            keys.extend(sub_words)
        found = self._existing_keys(keys) if keys else set()
        for candidate in candidates:
            if candidate in found:
                return self._found(word, self._direct_entries(candidate), via=candidate)
        if breaks_down:
            return Lookup(query=word, breakdown=self._breakdown(word, spans, found))
        return Lookup(query=word)

    def _found(self, word: str, entries: tuple[Entry, ...], via: str | None = None) -> Lookup:
        return Lookup(query=word, entries=entries, via=via, references=self._references(entries))

    def _direct_entries(self, word: str) -> tuple[Entry, ...]:
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, traditional, simplified, pinyin, definitions FROM entries"
                " WHERE traditional = ? OR simplified = ?",
                (word, word),
            ).fetchall()
        return ordered_entries(word, rows)

    def _variant_candidates(self, word: str) -> list[str]:
        """Other spellings of `word`: its variant spellings, then its Simplified form (a
        Simplified key finds the word under another Traditional spelling: 文匯報 is keyed
        文彙報, both 文汇报)."""
        candidates = self._variant_spellings(word)
        simplified = to_simplified(word)
        if simplified != word and simplified not in candidates:
            candidates.append(simplified)
        return candidates

    def _variant_spellings(self, word: str) -> list[str]:
        """Spellings of `word` with some characters swapped for variants: fewest swaps
        first, and always the one with every character swapped."""
        options = [self._character_variants(character) for character in word]
        positions = [index for index, choices in enumerate(options) if choices]
        candidates: list[str] = []
        for count in range(1, len(positions) + 1):
            for chosen in combinations(positions, count):
                for picks in product(*(options[index] for index in chosen)):
                    characters = list(word)
                    for index, pick in zip(chosen, picks, strict=True):
                        characters[index] = pick
                    candidates.append("".join(characters))
                    if len(candidates) >= _MAX_VARIANT_CANDIDATES:
                        return _with_all_swapped(candidates, word, options)
        return candidates

    def _character_variants(self, character: str) -> tuple[str, ...]:
        with self._lock:
            known = self._variants.get(character)
            if known is None:
                rows = self._connection.execute(
                    "SELECT variant FROM variants WHERE character = ? ORDER BY rank",
                    (character,),
                ).fetchall()
                known = self._variants[character] = tuple(row[0] for row in rows)
        return known

    def _existing_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of `keys` are a Traditional or Simplified key of some entry."""
        found: set[str] = set()
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _SQL_CHUNK):
            chunk = unique[start : start + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            with self._lock:
                rows = self._connection.execute(
                    f"SELECT traditional FROM entries WHERE traditional IN ({marks})"
                    f" UNION SELECT simplified FROM entries WHERE simplified IN ({marks})",
                    (*chunk, *chunk),
                ).fetchall()
            found.update(row[0] for row in rows)
        return found

    def _references(self, entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
        """Entries that the pointer definitions ("see X", "variant of X") of `entries` name,
        one level deep, without repeating an entry already shown. "used in X" counts only
        when nothing else defines the word (蝴 -> 蝴蝶, but not 上 -> 上聲)."""
        has_meaning = any(
            not _is_pointer_definition(definition)
            for entry in entries
            for definition in entry.definitions
        )
        shown = set(entries)
        references: list[Entry] = []
        for entry in entries:
            for definition in entry.definitions:
                if not _is_pointer_definition(definition) or (
                    has_meaning and definition.startswith("used in")
                ):
                    continue
                for traditional, simplified, pinyin in _TARGET.findall(definition):
                    for target in self._target_entries(traditional, simplified, pinyin):
                        if target not in shown:
                            shown.add(target)
                            references.append(target)
        return tuple(references)

    def _target_entries(self, traditional: str, simplified: str, pinyin: str) -> list[Entry]:
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, traditional, simplified, pinyin, definitions FROM entries"
                " WHERE traditional = ? ORDER BY id",
                (traditional,),
            ).fetchall()
        if not rows:  # CC-CEDICT sometimes names the Simplified form alone
            return list(self._direct_entries(traditional))
        if simplified:
            rows = [row for row in rows if row[2] == simplified] or rows
        if pinyin:
            wanted = normalised_pinyin(pinyin)
            rows = [row for row in rows if normalised_pinyin(row[3]) == wanted] or rows
        return [entry_from_row(row) for row in rows]

    def _breakdown_keys(self, word: str) -> tuple[list[tuple[int, int]], list[str]]:
        """The spans a breakdown may use as one piece, and the keys that decide it: each
        substring, and the same substring with every character swapped for its first variant
        (so 衞生 inside 中美衞生合作 counts as the word 衛生)."""
        length = len(word)
        spans = [
            (start, end)
            for start in range(length)
            for end in range(start + 2, min(length, start + _MAX_BREAKDOWN_PIECE) + 1)
            if (start, end) != (0, length)
        ]
        swapped = "".join(
            (self._character_variants(character) or (character,))[0] for character in word
        )
        keys = [word[start:end] for start, end in spans]
        if swapped != word:
            keys.extend(swapped[start:end] for start, end in spans)
        return spans, keys

    def _breakdown(
        self, word: str, spans: list[tuple[int, int]], found: set[str]
    ) -> tuple[Lookup, ...]:
        """Split `word` into the fewest pieces that are dictionary words (`found`), single
        characters or runs of non-Han characters; among equally few, longer pieces first."""
        length = len(word)
        swapped = "".join(
            (self._character_variants(character) or (character,))[0] for character in word
        )
        valid = {
            (start, end)
            for start, end in spans
            if word[start:end] in found or swapped[start:end] in found
        }
        # A run of non-Han characters (digits, Latin) is one piece, not one per character.
        end_of_run = length
        for index in range(length - 1, -1, -1):
            if is_han_char(word[index]):
                end_of_run = index
            elif end_of_run > index + 1 and (index, end_of_run) != (0, length):
                valid.add((index, end_of_run))
        return self.lookup_many([word[start:end] for start, end in fewest_pieces(length, valid)])

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> SearchResults:
        """Words found by hanzi, pinyin (with or without tones) or English, best first
        (see `reader.core.dictionary.search`)."""
        self.prepare_search()
        with self._lock:
            return Searcher(self._connection, entry_from_row).search(query, limit)

    def _rows_for_keys(self, keys: list[str]) -> list[Any]:
        marks = ",".join("?" * len(keys))
        with self._lock:
            return self._connection.execute(
                "SELECT id, traditional, simplified, pinyin, definitions FROM entries"
                f" WHERE traditional IN ({marks}) OR simplified IN ({marks})",
                (*keys, *keys),
            ).fetchall()


# ---- the default dictionary

_default: Dictionary | None = None
_default_lock = threading.Lock()


def default_dictionary() -> Dictionary:
    """The bundled CC-CEDICT, opened (and compiled if needed) on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Dictionary.open()
        return _default


def lookup(word: str) -> Lookup:
    return default_dictionary().lookup(word)


def info() -> DictionaryInfo:
    return default_dictionary().info()


def search(query: str, limit: int = DEFAULT_LIMIT) -> SearchResults:
    return default_dictionary().search(query, limit)


def build(force: bool = False, *, search: bool = False) -> DictionaryInfo:
    """Compile the bundled dictionary's index (again, with `force`) and make it the default;
    with `search`, its search tables too (else they are built on the first search)."""
    global _default
    with _default_lock:
        if _default is None or force:
            _default = Dictionary.open(force_rebuild=force)
        if search:
            _default.prepare_search(force=force)
        return _default.info()


# ---- spellings and keys


def _with_all_swapped(
    candidates: list[str], word: str, options: list[tuple[str, ...]]
) -> list[str]:
    every = "".join(
        choices[0] if choices else character
        for character, choices in zip(word, options, strict=True)
    )
    return candidates if every in candidates else [*candidates, every]


def _is_queryable(word: str) -> bool:
    """SQLite can only bind valid UTF-8: a lone surrogate has no entry and is not an error."""
    if not word:
        return False
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# ---- facts of the index


def _info(
    connection: sqlite3.Connection,
    source: Path | None,
    path: Path | None,
    sha256: str | None,
    search_path: Path | None,
) -> DictionaryInfo:
    meta = files.read_meta(connection)
    return DictionaryInfo(
        source=source,
        date=meta.get("date") or None,
        entries=int(meta["entries"]),
        index_path=path,
        sha256=sha256,
        search_path=search_path,
    )
