"""Dictionary search: find words by hanzi, by pinyin (with or without tones) and by English.

The tables live in a file of their own beside the lookup index (`reader.core.dictionary.index`),
built from the index's entries on the first search (`populate_search`, ~1 s; the lookup index
a first start needs is built without them):

- `search_words`: per entry, its pinyin letters without tones or spaces (`xingdong`; ü as
  u), the same with ü as v, its tones as "position:tone" of each syllable's marked vowel
  in those letters ("1:2,5:4"), and its `rank`: the entry's place when all entries are
  sorted by word frequency (wordfreq's Zipf of its Simplified form), then common words
  before proper nouns, entries with a definition before "variant of" pointers, shorter
  words, and CC-CEDICT order.
- `senses` and `senses_fts` (SQLite FTS5, Porter stemming over unicode61): every
  definition split at ';' into senses, without the parts that are not English meaning
  (classifiers "CL:個|个[ge4]", pointers "see X", pinyin in brackets).

Queries:
- hanzi (the query has a Han character): the word itself first, then words that start
  with it, by rank;
- pinyin: `xingdong`, `xing2dong4`, `xíngdòng`, `xing dong`, `xing2 dong`, `lv`/`lü`/`lu:`;
  every tone given must match (the tone numbers of the syllables left out are free); words
  whose letters are the query's first, then (for 3 letters or more) words that start
  with them; by rank within each;
- English: senses that are the query (after "to", "a", "the": `to go` finds 去's "to go"),
  then senses that contain it as a phrase, then senses matching its words (stemmed:
  `relations` finds "relation"); by rank within each group.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reader.core.engine.syllables import TONE_OF_MARK, split_numbered, tone_mark_position
from reader.core.models import _POINTER_DEFINITION, Entry
from reader.core.text.han import has_han

DEFAULT_LIMIT = 20
# Prefix matches for a pinyin query shorter than this would be most of the dictionary.
_PINYIN_PREFIX_MIN_LETTERS = 3
_NUMBERED = re.compile(r"([a-zü]+)([1-5])?")
_PINYIN_QUERY = re.compile(r"^[a-zü1-5]+$")
_NOT_MEANING = re.compile(
    r"\bCL:[^\s;]*"  # classifiers
    # hanzi references: 關係|关系[guan1 xi4]
    r"|[^\x00-\x7f\s]+(?:\|[^\x00-\x7f\s]+)?(?:\[[^\]]*\])?"
    r"|\[[^\]]*\]"  # pinyin in brackets
)
_HAS_MARKUP = re.compile(r"[^\x00-\x7f]|\[|CL:")
_WORDS = re.compile(r"[a-z0-9']+")
_NOTE = re.compile(r"\([^()]*\)")
_LEADING_FILLER = ("to ", "a ", "an ", "the ")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One dictionary entry found, and how well it matched (0 best)."""

    entry: Entry
    tier: int
    rank: int


@dataclass(frozen=True, slots=True)
class SearchResults:
    """What a query found, by kind of match, each list best first."""

    query: str
    by_hanzi: tuple[SearchHit, ...] = ()
    by_pinyin: tuple[SearchHit, ...] = ()
    by_english: tuple[SearchHit, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.by_hanzi or self.by_pinyin or self.by_english)


# ---- building


SCHEMA = """
CREATE TABLE search_words (
    entry_id INTEGER PRIMARY KEY,
    letters TEXT NOT NULL,
    letters_v TEXT NOT NULL,
    tones TEXT NOT NULL,
    rank INTEGER NOT NULL
);
CREATE TABLE senses (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    later INTEGER NOT NULL  -- 0: in the entry's first definition, its main meaning
);
CREATE VIRTUAL TABLE senses_fts USING fts5(
    text, content='', columnsize=0, tokenize='porter unicode61 remove_diacritics 2'
);
"""


# A row of the lookup index's entries: id, traditional, simplified, pinyin, definitions.
EntryRow = tuple[int, str, str, str, str]


def populate_search(
    connection: sqlite3.Connection,
    rows: Sequence[EntryRow],
    on_progress: Callable[[], None] = lambda: None,
) -> None:
    """Make the search tables and fill them from the lookup index's entries."""
    from reader.core.learner.word_facts import frequency_table

    connection.executescript(SCHEMA)
    frequencies = frequency_table()
    is_pointer = _POINTER_DEFINITION.match
    words: list[list[Any]] = []
    rank_keys: list[tuple[float, bool, bool, int, int]] = []
    senses: list[tuple[int, int, str, int]] = []  # id, entry, key, in a later definition
    texts: list[tuple[int, str]] = []
    for position, (entry_id, traditional, simplified, pinyin, definitions) in enumerate(rows):
        letters, letters_v, tones = pinyin_key(pinyin.split())
        words.append([entry_id, letters, letters_v, tones, 0])
        real = False
        for number, definition in enumerate(definitions.split("/")):
            if is_pointer(definition):
                continue
            real = True
            for sense in definition.split(";"):
                text = sense_text(sense)
                key = sense_key(text)
                if key:
                    senses.append((len(senses) + 1, entry_id, key, number > 0))
                    texts.append((len(senses), text))
        found = frequencies.get(simplified) or frequencies.get(traditional)
        rank_keys.append(
            (
                -(found.zipf if found is not None else 0.0),
                pinyin[:1].isupper(),  # a proper noun
                not real,  # only pointers ("variant of X")
                len(traditional),
                position,
            )
        )
    for rank, ranked in enumerate(sorted(rank_keys)):
        words[ranked[-1]][4] = rank
    on_progress()
    connection.executemany(
        "INSERT INTO search_words (entry_id, letters, letters_v, tones, rank)"
        " VALUES (?, ?, ?, ?, ?)",
        words,
    )
    connection.execute("CREATE INDEX search_by_letters ON search_words (letters)")
    connection.executemany(
        "INSERT INTO senses (id, entry_id, key, later) VALUES (?, ?, ?, ?)", senses
    )
    on_progress()
    connection.executemany("INSERT INTO senses_fts (rowid, text) VALUES (?, ?)", texts)
    connection.execute("INSERT INTO senses_fts (senses_fts) VALUES ('optimize')")


def sense_text(sense: str) -> str:
    """One sense as the index keeps it: without what is not English meaning (classifiers,
    hanzi references, pinyin in brackets), spaces tidied. Most senses are plain English: the
    cleaning regex only where it can act."""
    text = _NOT_MEANING.sub(" ", sense) if _HAS_MARKUP.search(sense) else sense
    return " ".join(text.split())


def pinyin_key(syllables: Iterable[str]) -> tuple[str, str, str]:
    """(letters with ü as u, letters with ü as v, tones) of numbered syllables."""
    letters = ""
    tones: list[str] = []
    for syllable in syllables:
        body, position, tone = _syllable_parts(syllable)
        if position is not None:
            tones.append(f"{len(letters) + position}:{tone}")
        letters += body
    return letters.replace("ü", "u"), letters.replace("ü", "v"), ",".join(tones)


@lru_cache(maxsize=8192)  # CC-CEDICT has ~1,800 distinct syllables: parse each once
def _syllable_parts(syllable: str) -> tuple[str, int | None, int]:
    """(letters, marked-vowel position, tone) of a numbered syllable; other items (Latin
    letters, '·') give their letters and no tone."""
    parts = split_numbered(syllable)
    if parts is None:
        return "".join(c for c in syllable.lower() if c.isascii() and c.isalpha()), None, 0
    body, tone = parts
    return body, tone_mark_position(body), tone


def sense_key(text: str) -> str:
    """A sense as compared with an English query: its lowercase words, without notes in
    brackets, a leading "to", "a", "an" or "the", or a plural -s on a long last word
    ("you (informal)" -> "you", "to go" -> "go", "relations" -> "relation")."""
    if "(" in text:
        text = _NOTE.sub(" ", text)
    key = " ".join(_WORDS.findall(text.lower()))
    for filler in _LEADING_FILLER:
        if key.startswith(filler):
            key = key[len(filler) :]
            break
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss") and key[-5:-1].isalpha():
        key = key[:-1]
    return key


# ---- parsing a pinyin query


@dataclass(frozen=True, slots=True)
class PinyinQuery:
    """A pinyin query: its letters, where it spells ü, and the tones it gives."""

    letters: str  # ü as u
    umlauts: tuple[int, ...]  # positions the query spells with ü / v
    tones: dict[int, int]  # marked-vowel position -> tone


def parse_pinyin_query(query: str) -> PinyinQuery | None:
    """A query as pinyin letters and the tones it gives; None if it cannot be pinyin."""
    text = unicodedata.normalize("NFD", query.strip().lower())
    text = text.replace("u:", "ü").replace("u\u0308", "ü")
    tones: dict[int, int] = {}
    plain = ""
    for char in text:
        if char in TONE_OF_MARK:
            if plain:
                tones[len(plain) - 1] = TONE_OF_MARK[char]
        elif char in " '’-·":
            continue
        else:
            plain += char
    plain = unicodedata.normalize("NFC", plain).replace("v", "ü")
    if not plain or not _PINYIN_QUERY.match(plain):
        return None
    letters = ""
    for match in _NUMBERED.finditer(plain):
        body, digit = match.group(1), match.group(2)
        if digit:
            position = tone_mark_position(body)
            if position is not None:
                tones[len(letters) + position] = int(digit)
        letters += body
    if len(letters) != len(plain.translate(str.maketrans("", "", "12345"))):
        return None
    umlauts = tuple(i for i, char in enumerate(letters) if char == "ü")
    return PinyinQuery(letters.replace("ü", "u"), umlauts, tones)


def _tones_match(stored: str, wanted: dict[int, int]) -> bool:
    """Whether an entry's tones ("1:2,5:4") agree with every tone the query gives."""
    if not wanted:
        return True
    have: dict[int, int] = {}
    for item in stored.split(",") if stored else ():
        position, _, tone = item.partition(":")
        have[int(position)] = int(tone)
    return all(have.get(position) == tone for position, tone in wanted.items())


# ---- searching


class Searcher:
    """Searches over one dictionary connection (the caller holds its lock)."""

    def __init__(self, connection: sqlite3.Connection, entry: Any) -> None:
        self._connection = connection
        self._entry = entry  # row -> Entry

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> SearchResults:
        text = query.strip()
        if not text:
            return SearchResults(query)
        if has_han(text):
            return SearchResults(query, by_hanzi=self.by_hanzi(text, limit))
        by_pinyin = self.by_pinyin(text, limit)
        by_english = self.by_english(text, limit)
        if by_english and not any(hit.tier == 0 for hit in by_pinyin):
            by_pinyin = ()  # "bank" is English, not the start of bankuai
        return SearchResults(query, by_pinyin=by_pinyin, by_english=by_english)

    def by_hanzi(self, text: str, limit: int = DEFAULT_LIMIT) -> tuple[SearchHit, ...]:
        word = "".join(text.split())
        end = word + "\U0010ffff"
        rows = self._connection.execute(
            "SELECT e.id, e.traditional, e.simplified, e.pinyin, e.definitions, w.rank,"
            " (e.traditional = ?1 OR e.simplified = ?1) AS exact"
            " FROM entries e JOIN search_words w ON w.entry_id = e.id"
            " WHERE e.id IN (SELECT id FROM entries WHERE traditional >= ?1 AND traditional < ?2"
            " UNION SELECT id FROM entries WHERE simplified >= ?1 AND simplified < ?2)"
            " ORDER BY exact DESC, w.rank LIMIT ?3",
            (word, end, limit),
        ).fetchall()
        return tuple(SearchHit(self._entry(row[:5]), 0 if row[6] else 1, row[5]) for row in rows)

    def by_pinyin(self, text: str, limit: int = DEFAULT_LIMIT) -> tuple[SearchHit, ...]:
        parsed = parse_pinyin_query(text)
        if parsed is None:
            return ()
        hits = self._pinyin_rows("letters = ?", (parsed.letters,), parsed, 0, limit)
        if len(hits) < limit and len(parsed.letters) >= _PINYIN_PREFIX_MIN_LETTERS:
            hits += self._pinyin_rows(
                "letters > ? AND letters < ?",
                (parsed.letters, parsed.letters + "{"),  # "{" sorts right after "z"
                parsed,
                1,
                limit - len(hits),
            )
        return tuple(hits)

    def _pinyin_rows(
        self,
        where: str,
        arguments: tuple[str, ...],
        parsed: PinyinQuery,
        tier: int,
        limit: int,
    ) -> list[SearchHit]:
        rows = self._connection.execute(
            "SELECT e.id, e.traditional, e.simplified, e.pinyin, e.definitions, w.rank,"
            f" w.letters_v, w.tones FROM search_words w JOIN entries e ON e.id = w.entry_id"
            f" WHERE w.{where} ORDER BY w.rank",
            arguments,
        )
        hits: list[SearchHit] = []
        for row in rows:
            if parsed.umlauts and any(row[6][i : i + 1] != "v" for i in parsed.umlauts):
                continue
            if not _tones_match(row[7], parsed.tones):
                continue
            hits.append(SearchHit(self._entry(row[:5]), tier, row[5]))
            if len(hits) >= limit:
                break
        return hits

    def by_english(self, text: str, limit: int = DEFAULT_LIMIT) -> tuple[SearchHit, ...]:
        key = sense_key(text)
        words = key.split()
        if not words:
            return ()
        phrase = '"' + " ".join(words) + '"'
        every_word = " AND ".join(f'"{word}"' for word in words)  # quoted: "one's" is a word
        match = phrase if len(words) == 1 else f"{phrase} OR ({every_word})"
        rows = self._connection.execute(
            "SELECT e.id, e.traditional, e.simplified, e.pinyin, e.definitions, w.rank,"
            " min(2 * CASE WHEN s.key = ?1 THEN 0"
            "  WHEN ' ' || s.key || ' ' LIKE '% ' || ?1 || ' %' THEN 1 ELSE 2 END + s.later)"
            " AS score"
            " FROM senses_fts f JOIN senses s ON s.id = f.rowid"
            " JOIN search_words w ON w.entry_id = s.entry_id JOIN entries e ON e.id = s.entry_id"
            " WHERE senses_fts MATCH ?2 GROUP BY s.entry_id ORDER BY score, w.rank LIMIT ?3",
            (key, match, limit),
        ).fetchall()
        # The tier says how the English matched: 0 a whole sense, 1 a phrase in one, 2 words.
        return tuple(SearchHit(self._entry(row[:5]), row[6] // 2, row[5]) for row in rows)
