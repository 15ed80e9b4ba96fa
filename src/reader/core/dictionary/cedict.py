"""CC-CEDICT lookup layer.

The bundled dictionary (MDBG text format, gzip) is compiled once into an indexed SQLite file
in the cache directory, named after the source's SHA-256 so a new dictionary gets a new index.
Lookups then go through one read-only connection: opening costs milliseconds and nothing is
parsed into Python dicts at start-up.

    >>> from reader.core.dictionary import cedict as dictionary
    >>> dictionary.lookup("中美關係").breakdown  # no entry: split into 中美 + 關係

Module functions use a lazily opened default `Dictionary`; tests build their own with
`Dictionary.from_lines([...])`.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, product
from pathlib import Path
from typing import Any, TextIO

from reader import paths
from reader.core.dictionary.compounds import fewest_pieces
from reader.core.dictionary.search import DEFAULT_LIMIT, Searcher, SearchResults, populate_search
from reader.core.engine.convert import convert_each, to_simplified
from reader.core.engine.syllables import normalise_reading
from reader.core.errors import ReaderError
from reader.core.files import atomic_write_text
from reader.core.models import Entry, Lookup, _is_pointer_definition
from reader.core.text.han import is_han_char

# Bump when the index layout or the way it is derived changes: old index files are then ignored.
SCHEMA_VERSION = 2  # 2: the search tables (reader.core.dictionary.search)

_BUILD_NOTICE_AFTER_S = 0.5
_LOOKUP_CACHE_SIZE = 50_000
# Variant spellings tried for one word, fewest substitutions first.
_MAX_VARIANT_CANDIDATES = 32
# The longest dictionary sub-word a breakdown looks for (CC-CEDICT has keys of 57 characters,
# but a breakdown of running text never needs pieces that long).
_MAX_BREAKDOWN_PIECE = 12
_MAX_VARIANTS_PER_CHARACTER = 8
_SQL_CHUNK = 400  # keys per IN (...), well below SQLite's bound-parameter limit
_MMAP_BYTES = 64 << 20  # the index is ~15 MB

# OpenCC configurations that only swap variant forms (never Simplified <-> Traditional): they
# link Hong Kong, Taiwan and OpenCC-standard spellings of one character (着/著, 綫/線, 爲/為).
_VARIANT_CONFIGS = ("hk2t", "t2hk", "t2tw", "tw2t")

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# Empty definitions or spaces around a '/': rare, so only those lines are cleaned up.
_UNTIDY_DEFINITIONS = re.compile(r"^[/\s]|[/\s]$|//|\s/|/\s")
_HEADER = re.compile(r"^#!\s*(\w+)=(.*?)\s*$")
# A pointer target as CC-CEDICT writes it: 沒有|没有[mei2 you3], 人才[ren2 cai2], 峰[feng1], 著|着
# (a run of non-ASCII, non-punctuation characters, an optional |Simplified, optional [pinyin]).
_WORD = r"[^\x00-\x7f\s，、。；：（）“”]+"
_TARGET = re.compile(rf"({_WORD})(?:\|({_WORD}))?(?:\[([A-Za-z0-9:, ]+)\])?")
# A single-character "variant of X" pointer, used to derive the character variant table.
_VARIANT_OF = re.compile(r"variant of ([^\x00-\x7f\s])(?:\|[^\x00-\x7f\s])?(?:\[|$)")


@dataclass(frozen=True, slots=True)
class DictionaryInfo:
    """Where a dictionary came from and where its index lives."""

    source: Path | None  # the CC-CEDICT file; None for an in-memory dictionary
    date: str | None  # the `#! date=` header of the source, if any
    entries: int  # entries in the index (CC-CEDICT lines that parsed)
    index_path: Path | None  # the compiled SQLite file; None for an in-memory dictionary
    sha256: str | None  # of the source file


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
        directory.mkdir(parents=True, exist_ok=True)
        sha256 = _source_sha256(source, directory)
        index = directory / _index_name(source, sha256)
        connection = None if force_rebuild else _open_index(index, sha256)
        if connection is None:
            try:
                _build_index(source, sha256, index)
            except (OSError, sqlite3.Error, EOFError) as error:
                raise ReaderError(
                    f"could not build the dictionary index in {directory}: {error}"
                    " (is the cache dir writable, and the source a gzip CC-CEDICT file?)"
                ) from error
            connection = _open_index(index, sha256)
            if connection is None:
                raise ReaderError(f"the dictionary index at {index} cannot be read back")
        return cls(connection, _info(connection, source, index, sha256))

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> Dictionary:
        """An in-memory dictionary from CC-CEDICT lines (for tests and small word lists)."""
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        _populate(connection, lines, sha256="")
        return cls(connection, _info(connection, None, None, None))

    def close(self) -> None:
        with self._lock:
            self._connection.close()

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
                self._found(word, _ordered_entries(word, rows))
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
        return _ordered_entries(word, rows)

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
            wanted = normalise_reading(pinyin)
            rows = [row for row in rows if normalise_reading(row[3]) == wanted] or rows
        return [_entry(row) for row in rows]

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
        with self._lock:
            return Searcher(self._connection, _entry).search(query, limit)

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


def build(force: bool = False) -> DictionaryInfo:
    """Compile the bundled dictionary's index (again, with `force`) and make it the default."""
    global _default
    with _default_lock:
        if _default is not None and not force:
            return _default.info()
        _default = Dictionary.open(force_rebuild=force)
        return _default.info()


# ---- formatting for the CLI


def gloss_for_reading(result: Lookup, pinyin_numbered: str) -> str | None:
    """The first real definition of an entry read `pinyin_numbered` ("zhong4", "yan2 zhe5";
    'v' or 'u:' for ü), so 重 in 重開 is glossed "to repeat", not "heavy".
    Falls back to `result.gloss` when no entry has that reading."""
    wanted = normalise_reading(pinyin_numbered)
    matching = [
        entry
        for entry in (*result.entries, *result.references)
        if normalise_reading(entry.pinyin) == wanted
    ]
    # Lowercase (common-word) readings before capitalised proper nouns.
    matching.sort(key=lambda entry: entry.pinyin[:1].isupper())
    for entry in matching:
        for definition in entry.definitions:
            if not _is_pointer_definition(definition):
                return definition
    return result.gloss


def format_lookup_text(result: Lookup, indent: str = "") -> str:
    """A readable rendering: every entry with all its definitions, then references or the
    breakdown."""
    lines: list[str] = []
    if not result.found and not result.breakdown:
        return f"{indent}{result.query}: no entry"
    if result.via:
        lines.append(f"{indent}{result.query} (found as {result.via})")
    for entry in result.entries:
        lines.extend(_format_entry(entry, indent))
    if result.references:
        lines.append(f"{indent}  see:")
        for entry in result.references:
            lines.extend(_format_entry(entry, indent + "    "))
    if result.breakdown:
        lines.append(f"{indent}{result.query}: no entry; made of")
        for part in result.breakdown:
            lines.append(format_lookup_text(part, indent + "  "))
    return "\n".join(lines)


def _format_entry(entry: Entry, indent: str) -> list[str]:
    """An entry as a learner reads it: its pinyin as dictionaries write it (Zhōngguó), its
    definitions with their markup written out (`CL:個|个[ge4]` → "measure word 個 gè")."""
    from reader.core.dictionary.markup import render
    from reader.core.engine.syllables import format_word

    headword = (
        entry.traditional
        if entry.traditional == entry.simplified
        else f"{entry.traditional} ({entry.simplified})"
    )
    pinyin = format_word(entry.pinyin.replace("u:", "ü").split())
    lines = [f"{indent}{headword} {pinyin} [{entry.pinyin}]"]
    lines.extend(
        f"{indent}  {number}. {render(definition)}"
        for number, definition in enumerate(entry.definitions, start=1)
    )
    return lines


def lookup_to_json(result: Lookup) -> dict[str, Any]:
    """A JSON-ready dict of a lookup (the CLI's `--format json`)."""
    return {
        "query": result.query,
        "found": result.found,
        "via": result.via,
        "gloss": result.gloss,
        "entries": [_entry_to_json(entry) for entry in result.entries],
        "references": [_entry_to_json(entry) for entry in result.references],
        "breakdown": [lookup_to_json(part) for part in result.breakdown],
    }


def _entry_to_json(entry: Entry) -> dict[str, Any]:
    return {
        "traditional": entry.traditional,
        "simplified": entry.simplified,
        "pinyin": entry.pinyin,
        "definitions": list(entry.definitions),
    }


# ---- rows and ordering


def _entry(row: Sequence[Any]) -> Entry:
    _id, traditional, simplified, pinyin, definitions = row
    return Entry(traditional, simplified, pinyin, tuple(definitions.split("/")))


def _ordered_entries(word: str, rows: list[Any]) -> tuple[Entry, ...]:
    """Entries in the order a reader wants them, so the first real definition is the likely
    sense when the reading is not known (CC-CEDICT itself sorts readings alphabetically:
    說 'to persuade' shui4 before 'to speak' shuo1):

    1. entries headed by `word` itself (a Traditional query finds its own headwords before
       Simplified homographs: 后 'empress' before 後 'after');
    2. entries with a real definition before mere pointers ("variant of", "used in");
    3. common lowercase readings before capitalised proper nouns;
    4. for one character, the neutral-tone reading first: it is the particle (了 le5, 着 zhe5,
       嗎 ma5), the most frequent use in running text;
    5. the reading with more senses first (要 yao4 before yao1);
    6. CC-CEDICT order.

    Measured on the seed and the bundled reading texts (12k Han tokens): the context-free
    gloss differs from the gloss of the token's own reading for 1.4% of tokens, against 3.9%
    in plain CC-CEDICT order.
    """
    single = len(word) == 1
    entries = [(row[0], _entry(row)) for row in rows]
    entries.sort(
        key=lambda pair: (
            pair[1].traditional != word,
            all(map(_is_pointer_definition, pair[1].definitions)),
            pair[1].pinyin[:1].isupper(),
            single and not pair[1].pinyin.endswith("5"),
            -len(pair[1].definitions),
            pair[0],
        )
    )
    return tuple(entry for _id, entry in entries)


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


# ---- the index file


def _index_name(source: Path, sha256: str) -> str:
    return f"{_index_prefix(source)}-{sha256[:16]}-v{SCHEMA_VERSION}.sqlite3"


def _index_prefix(source: Path) -> str:
    return re.sub(r"[^\w-]", "_", source.name.split(".")[0]) or "dictionary"


def _source_sha256(source: Path, directory: Path) -> str:
    """The source's SHA-256, remembered next to the index by (path, size, mtime, inode) so a
    normal start does not re-read 4 MB."""
    status = source.stat()
    stamp = f"{source.resolve()}\t{status.st_size}\t{status.st_mtime_ns}\t{status.st_ino}"
    stamp_file = directory / f"{_index_prefix(source)}.sha256"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        remembered_stamp, _, remembered_sha = stamp_file.read_text("utf-8").rpartition("\t")
        if remembered_stamp == stamp and len(remembered_sha) == 64:
            return remembered_sha
    digest = hashlib.sha256()
    with source.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    sha256 = digest.hexdigest()
    with contextlib.suppress(OSError):
        atomic_write_text(stamp_file, f"{stamp}\t{sha256}")
    return sha256


def _info(
    connection: sqlite3.Connection, source: Path | None, index: Path | None, sha256: str | None
) -> DictionaryInfo:
    meta = _read_meta(connection)
    return DictionaryInfo(
        source=source,
        date=meta.get("date") or None,
        entries=int(meta["entries"]),
        index_path=index,
        sha256=sha256,
    )


def _open_index(index: Path, sha256: str) -> sqlite3.Connection | None:
    """A read-only connection to a complete index built from `sha256`; None when the file is
    missing, from another source or schema, truncated or not a database."""
    if not index.is_file():
        return None
    connection: sqlite3.Connection | None = None
    try:
        connection = sqlite3.connect(
            f"{index.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
        meta = _read_meta(connection)
        (page_count,) = connection.execute("PRAGMA page_count").fetchone()
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
        if (
            meta.get("complete") != "1"
            or meta.get("schema") != str(SCHEMA_VERSION)
            or meta.get("sha256") != sha256
            or page_count * page_size != index.stat().st_size
        ):
            connection.close()
            return None
        connection.execute("SELECT id FROM entries ORDER BY id DESC LIMIT 1").fetchone()
        if not _checked_since_changed(connection, index):
            connection.close()
            return None
        # Read pages straight from the OS page cache instead of copying them into SQLite's
        # own 2 MB cache: a fresh connection is as fast as a warm one.
        connection.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
        return connection
    except (sqlite3.Error, OSError, KeyError, ValueError):
        if connection is not None:
            connection.close()
        return None


def _file_stamp(index: Path) -> str:
    status = index.stat()
    return f"{index.name}\t{status.st_size}\t{status.st_mtime_ns}\t{status.st_ino}"


def _checked_stamp_file(index: Path) -> Path:
    return index.with_name(f"{index.name.split('-')[0]}.checked")


def _remember_checked(index: Path) -> None:
    """The index as it is now is known good (just built, or just checked)."""
    with contextlib.suppress(OSError):  # a read-only cache: it is checked at each open
        atomic_write_text(_checked_stamp_file(index), _file_stamp(index))


def _checked_since_changed(connection: sqlite3.Connection, index: Path) -> bool:
    """False when the index changed since it was last found good (a disk error, another
    program) and SQLite finds it damaged: every table, whatever tables a version has.
    `PRAGMA quick_check` reads the whole file (~25 ms for 14 MB), so it runs only then."""
    stamp = _file_stamp(index)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if _checked_stamp_file(index).read_text(encoding="utf-8") == stamp:
            return True
    if [row[0] for row in connection.execute("PRAGMA quick_check")] != ["ok"]:
        return False
    _remember_checked(index)
    return True


def _read_meta(connection: sqlite3.Connection) -> dict[str, str]:
    return dict(connection.execute("SELECT key, value FROM meta").fetchall())


def _build_index(source: Path, sha256: str, index: Path, progress: TextIO | None = None) -> None:
    """Compile `source` into `index` atomically: a temp file in the same directory, then
    os.replace, so a kill or a concurrent build never leaves a half-built index behind."""
    stream = progress if progress is not None else sys.stderr
    started = time.perf_counter()
    notice = _SlowBuildNotice(stream, started)
    _remove_stale_temporaries(index.parent)
    descriptor, temporary = tempfile.mkstemp(
        dir=index.parent, prefix=f"{index.stem}-", suffix=".building"
    )
    os.close(descriptor)
    try:
        connection = sqlite3.connect(temporary)
        try:
            with gzip.open(source, "rt", encoding="utf-8", errors="replace") as lines:
                _populate(
                    connection, lines, sha256=sha256, source=str(source), on_progress=notice.check
                )
        finally:
            connection.close()
        with open(temporary, "rb") as built:
            os.fsync(built.fileno())
        os.replace(temporary, index)
        _remember_checked(index)
    except BaseException:
        notice.abandon()
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _remove_other_versions(index)
    notice.finish()


class _SlowBuildNotice:
    """Says on a terminal's stderr that the index is being built, once the build has taken
    longer than half a second: a fast build, a script or a pipe (whose reader wants one
    line if something fails) hears nothing. A build that fails takes the notice back, so
    the error is the only line left."""

    def __init__(self, stream: TextIO, started: float) -> None:
        self._stream = stream
        self._started = started
        self._shown = False
        try:
            self._enabled = stream.isatty()
        except (AttributeError, ValueError):  # no fileno, or closed
            self._enabled = False

    def check(self) -> None:
        waited = time.perf_counter() - self._started
        if self._enabled and not self._shown and waited > _BUILD_NOTICE_AFTER_S:
            self._shown = True
            self._stream.write("Building dictionary index (first run)…")
            self._stream.flush()

    def finish(self) -> None:
        if self._shown:
            elapsed = time.perf_counter() - self._started
            self._stream.write(f"\r\x1b[2KDictionary index ready ({elapsed:.1f} s).\n")
            self._stream.flush()

    def abandon(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[2K")  # erase the notice: the error says what happened
            self._stream.flush()


def _remove_stale_temporaries(directory: Path) -> None:
    """Builds killed half-way leave a .building file; remove those older than an hour (a
    younger one may belong to a build running in another process)."""
    horizon = time.time() - 3600
    for leftover in directory.glob("*.building"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < horizon:
                leftover.unlink()


def _remove_other_versions(index: Path) -> None:
    """An index of an older dictionary or schema is never opened again (14 MB each)."""
    prefix = index.name.split("-")[0]
    for other in index.parent.glob(f"{prefix}-*.sqlite3"):
        if other != index:
            with contextlib.suppress(OSError):
                other.unlink()


def _populate(
    connection: sqlite3.Connection,
    lines: Iterable[str],
    *,
    sha256: str,
    source: str = "",
    on_progress: Callable[[], None] = lambda: None,
) -> None:
    """Create the schema and fill it from CC-CEDICT lines (one transaction, indexes last)."""
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            traditional TEXT NOT NULL,
            simplified TEXT NOT NULL,
            pinyin TEXT NOT NULL,
            definitions TEXT NOT NULL  -- '/'-separated, as in the source
        );
        CREATE TABLE variants (
            character TEXT NOT NULL,
            variant TEXT NOT NULL,
            rank INTEGER NOT NULL,
            PRIMARY KEY (character, variant)
        ) WITHOUT ROWID;
        """
    )
    header: dict[str, str] = {}
    rows: list[tuple[str, str, str, str]] = []
    for number, raw in enumerate(lines):
        line = raw.strip()
        if number % 8192 == 0:
            on_progress()
        if not line:
            continue
        if line.startswith("#"):
            found_header = _HEADER.match(line)
            if found_header:
                header[found_header.group(1)] = found_header.group(2)
            continue
        parsed = _LINE.match(line)
        if parsed is None:
            continue
        traditional, simplified, pinyin, definitions = parsed.groups()
        # Empty definitions (a doubled '/') carry nothing.
        kept = definitions
        if _UNTIDY_DEFINITIONS.search(kept):
            kept = "/".join(part.strip() for part in kept.split("/") if part.strip())
        if kept:
            rows.append((traditional, simplified, pinyin.strip(), kept))
    connection.executemany(
        "INSERT INTO entries (traditional, simplified, pinyin, definitions) VALUES (?, ?, ?, ?)",
        rows,
    )
    on_progress()
    connection.execute("CREATE INDEX entries_by_traditional ON entries (traditional)")
    connection.execute("CREATE INDEX entries_by_simplified ON entries (simplified)")
    on_progress()
    connection.executemany(
        "INSERT OR IGNORE INTO variants (character, variant, rank) VALUES (?, ?, ?)",
        _variant_rows(rows),
    )
    on_progress()
    populate_search(connection, rows)
    on_progress()
    meta = {
        "schema": str(SCHEMA_VERSION),
        "sha256": sha256,
        "source": source,
        "date": header.get("date", ""),
        "header_entries": header.get("entries", ""),
        "entries": str(len(rows)),
        "complete": "1",
    }
    connection.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
    connection.commit()


def _variant_rows(rows: Sequence[tuple[str, str, str, str]]) -> Iterator[tuple[str, str, int]]:
    """(character, variant spelling with an entry, rank) for every Han character with one.

    Variant families come from two general sources: OpenCC's HK/TW/standard variant tables
    and CC-CEDICT's own single-character "variant of X" entries. A family is the connected
    group of characters they link; each member maps to the others that are dictionary keys,
    nearest (fewest links) first, then the most used.
    """
    # How often keys use a character: the common spelling of a family is tried first.
    usage = Counter("".join(row[0] + row[1] for row in rows))
    links: dict[str, list[str]] = {}

    def link(first: str, second: str) -> None:
        if first != second:
            links.setdefault(first, []).append(second)
            links.setdefault(second, []).append(first)

    for traditional, _simplified, _pinyin, definitions in rows:
        if len(traditional) == 1:
            for definition in definitions.split("/"):
                target = _VARIANT_OF.search(definition)
                if target:
                    link(traditional, target.group(1))
    candidates = sorted(usage.keys() | set(_han_block_characters()))
    for character, variant in _opencc_variant_pairs(candidates):
        link(character, variant)
    for character in sorted(links):
        rank = 0
        seen = {character}
        frontier = [character]
        while frontier and rank < _MAX_VARIANTS_PER_CHARACTER:
            following = sorted(
                {neighbour for current in frontier for neighbour in links[current]} - seen,
                key=lambda neighbour: (-usage.get(neighbour, 0), neighbour),
            )
            seen.update(following)
            for neighbour in following:
                if neighbour in usage:
                    yield character, neighbour, rank
                    rank += 1
            frontier = following


def _han_block_characters() -> Iterator[str]:
    """The BMP's CJK Unified Ideographs (with Extension A and compatibility forms): Hong Kong
    variants outside CC-CEDICT's keys still map onto a key."""
    for first, last in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for code in range(first, last + 1):
            yield chr(code)


def _opencc_variant_pairs(characters: Sequence[str]) -> Iterator[tuple[str, str]]:
    for config in _VARIANT_CONFIGS:
        converted = convert_each(characters, config)
        if converted is None:
            continue
        for character, variant in zip(characters, converted, strict=True):
            if len(variant) == 1 and variant != character:
                yield character, variant
