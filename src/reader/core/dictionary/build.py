"""CC-CEDICT compiled into the lookup index: its entries, and a table of variant characters.

The source (MDBG text format, gzip) is parsed line by line (`populate`); the lookup index
(`reader.core.dictionary.index.LOOKUP`) holds every entry keyed by both forms and, for each Han
character with one, its variant spellings that are dictionary keys (`variants`, see
`_variant_rows`). The search tables are built from these entries apart, on the first search
(`reader.core.dictionary.search`).
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

from reader.core.dictionary.index import write_meta

# OpenCC configurations that only swap variant forms (never Simplified <-> Traditional): they
# link Hong Kong, Taiwan and OpenCC-standard spellings of one character (着/著, 綫/線, 爲/為).
_VARIANT_CONFIGS = ("hk2t", "t2hk", "t2tw", "tw2t")
_MAX_VARIANTS_PER_CHARACTER = 8

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# Empty definitions or spaces around a '/': rare, so only those lines are cleaned up.
_UNTIDY_DEFINITIONS = re.compile(r"^[/\s]|[/\s]$|//|\s/|/\s")
_HEADER = re.compile(r"^#!\s*(\w+)=(.*?)\s*$")
# A single-character "variant of X" pointer, used to derive the character variant table.
_VARIANT_OF = re.compile(r"variant of ([^\x00-\x7f\s])(?:\|[^\x00-\x7f\s])?(?:\[|$)")


def populate(
    connection: sqlite3.Connection,
    lines: Iterable[str],
    *,
    source: str = "",
    on_progress: Callable[[], None] = lambda: None,
) -> None:
    """Create the lookup tables and fill them from CC-CEDICT lines (indexes last); `meta`
    gets the source's header (date, entries) and the number of entries read."""
    connection.executescript(
        """
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
    meta = {
        "source": source,
        "date": header.get("date", ""),
        "header_entries": header.get("entries", ""),
        "entries": str(len(rows)),
    }
    write_meta(connection, meta)


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
    from reader.core.engine.convert import convert_each

    for config in _VARIANT_CONFIGS:
        converted = convert_each(characters, config)
        if converted is None:
            continue
        for character, variant in zip(characters, converted, strict=True):
            if len(variant) == 1 and variant != character:
                yield character, variant
