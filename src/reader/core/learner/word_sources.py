"""Word lists the learner brings: the words of a file or of a running Anki, read but not saved
(`reader.core.learner.known` decides what they change).

Sources:
- a plain word list (.txt/.csv/.tsv): one word a line, the first column (or `field`: a
  column number from 1, or a header name); `#` lines are comments;
- a Pleco flashcard export, TXT (`简体[繁體]<TAB>pinyin<TAB>definition`, `//Category` lines)
  or XML (`<plecoflash>`: each card's `<headword charset="sc">` and `"tc"`);
- an Anki deck or collection (.apkg, .colpkg): the legacy `collection.anki2`/`.anki21`
  and the new zstd-compressed `collection.anki21b` that Anki 2.1.50+ exports; the word is
  read from the field named `field`, else from the field that holds a Chinese word in the
  most notes (the note type's field named Hanzi, Simplified, Front...);
- a running Anki over AnkiConnect.

Anki notes are chosen by their cards: `cards="mature"` (the default) takes notes with a
card whose interval is at least 21 days, the same bar the app uses to call a studied word
known; "reviewed" takes every note studied at least once; "all" every note.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import sqlite3
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from reader.core.errors import InputError, ReaderError
from reader.core.text.han import HAN_CLASS

CardSelection = Literal["mature", "reviewed", "all"]
CARD_SELECTIONS: tuple[CardSelection, ...] = ("mature", "reviewed", "all")
MATURE_INTERVAL_DAYS = 21
ANKICONNECT_SOURCE = "ankiconnect"

_WORD = re.compile(f"^[{HAN_CLASS}·]+$")  # Han characters, and the middle dot of names
_TAGS = re.compile(r"<[^>]*>")
_SOUND = re.compile(r"\[sound:[^\]]*\]")
_PLECO_HEADWORD = re.compile(r"^([^\[\]]+)\[([^\[\]]+)\]$")
_MAX_WORD_CHARS = 12


@dataclass(frozen=True, slots=True)
class SourceWord:
    """One word from a source: as written, and its other script when the source gives it."""

    text: str
    simplified: str | None = None
    traditional: str | None = None


@dataclass(frozen=True, slots=True)
class WordSource:
    """The words read from one source, and what was passed over."""

    label: str  # "deck.apkg, field Hanzi (mature cards)"
    words: tuple[SourceWord, ...]
    skipped: int = 0  # entries with no Chinese word (blank cells, Latin text...)
    notes: tuple[str, ...] = field(default_factory=tuple)  # things the learner should know


def read_source(
    source: str,
    *,
    field_name: str | None = None,
    cards: CardSelection = "mature",
    deck: str | None = None,
    url: str | None = None,
) -> WordSource:
    """The words of `source`: a file path, or "ankiconnect" for a running Anki."""
    if source == ANKICONNECT_SOURCE:
        return read_ankiconnect(field_name=field_name, cards=cards, deck=deck, url=url)
    path = Path(source)
    if not path.is_file():
        raise InputError(
            f"{source}: no such file" if not path.exists() else f"{source}: not a file"
        )
    suffix = path.suffix.lower()
    if suffix in (".apkg", ".colpkg"):
        return read_anki_package(path, field_name=field_name, cards=cards, deck=deck)
    if suffix == ".xml":
        return read_pleco_xml(path)
    return read_word_list(path, field_name=field_name)


def han_word(text: str) -> str | None:
    """The Chinese word in a cell (markup, sound tags and spaces removed), or None."""
    cleaned = _SOUND.sub("", _TAGS.sub("", html.unescape(text)))
    cleaned = "".join(cleaned.split())
    if not cleaned or len(cleaned) > _MAX_WORD_CHARS or not _WORD.match(cleaned):
        return None
    return cleaned


# ---- word lists and Pleco TXT


def read_word_list(path: Path, *, field_name: str | None = None) -> WordSource:
    from reader.core.text.decode import read_text

    lines = [line for line in read_text(path).split("\n") if line.strip()]
    rows = [_cells(line) for line in lines if not line.lstrip().startswith(("#", "//"))]
    column = 0
    if field_name is not None:
        column = _column(path, rows, field_name)
        if not field_name.isdigit():
            rows = rows[1:]  # the header
    words: list[SourceWord] = []
    skipped = 0
    for cells in rows:
        cell = cells[column].strip() if column < len(cells) else ""
        found = _pleco_headword(cell) or _word(cell)
        if found is None:
            skipped += 1
        else:
            words.append(found)
    pleco = any(line.startswith("//") for line in lines) or any(w.traditional for w in words)
    kind = "Pleco flashcards" if pleco else "word list"
    column_label = f", column {field_name}" if field_name else ""
    return WordSource(f"{path.name} ({kind}{column_label})", tuple(words), skipped)


def _cells(line: str) -> list[str]:
    for separator in ("\t", ",", ";"):
        if separator in line:
            return line.split(separator)
    return line.split()[:1] or [""]


def _column(path: Path, rows: list[list[str]], field_name: str) -> int:
    if field_name.isdigit() and int(field_name) >= 1:
        return int(field_name) - 1
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if field_name.strip().lower() in header:
        return header.index(field_name.strip().lower())
    names = ", ".join(cell for cell in header if cell) or "none"
    raise ReaderError(
        f"{path.name}: no column {field_name!r} (give a number from 1, or one of the header's "
        f"names: {names})"
    )


def _pleco_headword(cell: str) -> SourceWord | None:
    """Pleco writes a headword with two scripts as 简体[繁體]."""
    match = _PLECO_HEADWORD.match(cell)
    if match is None:
        return None
    simplified, traditional = han_word(match.group(1)), han_word(match.group(2))
    if simplified is None or traditional is None or len(simplified) != len(traditional):
        return None
    return SourceWord(traditional, simplified, traditional)


def _word(cell: str) -> SourceWord | None:
    word = han_word(cell)
    return SourceWord(word) if word is not None else None


# ---- Pleco XML


def read_pleco_xml(path: Path) -> WordSource:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError) as error:
        raise InputError(f"{path}: not a readable Pleco XML export ({error})") from None
    if root.tag != "plecoflash":
        raise InputError(f"{path}: not a Pleco flashcard export (no <plecoflash> in it)")
    words: list[SourceWord] = []
    skipped = 0
    for entry in root.iter("entry"):
        scripts = {
            headword.get("charset", ""): han_word(headword.text or "")
            for headword in entry.findall("headword")
        }
        simplified, traditional = scripts.get("sc"), scripts.get("tc")
        text = traditional or simplified or next((w for w in scripts.values() if w), None)
        if text is None:
            skipped += 1
        else:
            words.append(SourceWord(text, simplified, traditional))
    return WordSource(f"{path.name} (Pleco flashcards)", tuple(words), skipped)


# ---- Anki


@dataclass(frozen=True, slots=True)
class _Note:
    note_type: str
    fields: dict[str, str]  # field name -> value


def read_anki_package(
    path: Path,
    *,
    field_name: str | None = None,
    cards: CardSelection = "mature",
    deck: str | None = None,
) -> WordSource:
    with _collection(path) as connection:
        notes, total = _anki_notes(connection, path, cards, deck)
    return _words_from_notes(path.name, notes, total, field_name, cards)


@contextlib.contextmanager
def _collection(path: Path) -> Iterator[sqlite3.Connection]:
    """The package's collection as a read-only SQLite connection (a temporary copy)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            # Newest first: a new-format export also carries a stub collection.anki2 that
            # only says "please update Anki".
            member = next(
                (
                    n
                    for n in ("collection.anki21b", "collection.anki21", "collection.anki2")
                    if n in names
                ),
                None,
            )
            if member is None:
                raise InputError(f"{path}: not an Anki package (no collection in it)")
            data = archive.read(member)
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(f"{path}: not a readable Anki package ({error})") from None
    if member.endswith("21b"):
        import zstandard

        try:
            data = zstandard.ZstdDecompressor().decompress(data, max_output_size=1 << 31)
        except zstandard.ZstdError as error:
            raise InputError(f"{path}: its collection is damaged ({error})") from None
    with tempfile.TemporaryDirectory(prefix="reader-anki-") as folder:
        copy = Path(folder) / "collection.sqlite3"
        copy.write_bytes(data)
        connection = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
        try:
            connection.execute("SELECT count(*) FROM notes").fetchone()
            yield connection
        except sqlite3.DatabaseError as error:
            raise InputError(f"{path}: not a readable Anki collection ({error})") from None
        finally:
            connection.close()


def _anki_notes(
    connection: sqlite3.Connection, path: Path, cards: CardSelection, deck: str | None
) -> tuple[list[_Note], int]:
    """The chosen notes (field values by name), and how many notes the collection has."""
    field_names, type_names = _note_types(connection)
    deck_ids = _deck_ids(connection, path, deck)
    wanted = {
        "all": "1",
        "reviewed": "c.type != 0",
        "mature": f"c.type = 2 AND c.ivl >= {MATURE_INTERVAL_DAYS}",
    }[cards]
    where = f"WHERE {wanted}"
    if deck_ids is not None:
        where += f" AND c.did IN ({','.join(str(i) for i in deck_ids)})"
    rows = connection.execute(
        f"SELECT DISTINCT n.id, n.mid, n.flds FROM notes n JOIN cards c ON c.nid = n.id {where}"
        " ORDER BY n.id"
    ).fetchall()
    total = int(connection.execute("SELECT count(*) FROM notes").fetchone()[0])
    notes = []
    for _id, model_id, fields in rows:
        names = field_names.get(int(model_id), [])
        values = str(fields).split("\x1f")
        notes.append(
            _Note(
                type_names.get(int(model_id), "?"),
                {name: values[i] for i, name in enumerate(names) if i < len(values)},
            )
        )
    return notes, total


def _note_types(connection: sqlite3.Connection) -> tuple[dict[int, list[str]], dict[int, str]]:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    fields: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    if "fields" in tables and "notetypes" in tables:  # schema 18: tables of their own
        for type_id, name in connection.execute("SELECT id, name FROM notetypes"):
            names[int(type_id)] = str(name)
        for type_id, _ord, name in connection.execute(
            "SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"
        ):
            fields.setdefault(int(type_id), []).append(str(name))
        return fields, names
    models = json.loads(connection.execute("SELECT models FROM col").fetchone()[0] or "{}")
    for type_id, model in models.items():
        names[int(type_id)] = str(model.get("name", "?"))
        ordered = sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))
        fields[int(type_id)] = [str(f.get("name", "")) for f in ordered]
    return fields, names


def _deck_ids(connection: sqlite3.Connection, path: Path, deck: str | None) -> list[int] | None:
    """The ids of the deck named `deck` and its subdecks; None for every deck."""
    if deck is None:
        return None
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    if "decks" in tables:
        decks = {
            int(deck_id): str(name).replace("\x1f", "::")
            for deck_id, name in connection.execute("SELECT id, name FROM decks")
        }
    else:
        raw = json.loads(connection.execute("SELECT decks FROM col").fetchone()[0] or "{}")
        decks = {int(deck_id): str(value.get("name", "")) for deck_id, value in raw.items()}
    wanted = deck.strip().lower()
    chosen = [
        deck_id
        for deck_id, name in decks.items()
        if name.lower() == wanted or name.lower().startswith(wanted + "::")
    ]
    if not chosen:
        names = ", ".join(sorted(decks.values())) or "none"
        raise ReaderError(f"{path.name}: no deck named {deck!r} (its decks: {names})")
    return chosen


def _words_from_notes(
    name: str,
    notes: Sequence[_Note],
    total: int,
    field_name: str | None,
    cards: CardSelection,
) -> WordSource:
    """Each note's word from the chosen field (per note type: types name fields differently)."""
    by_type: dict[str, list[_Note]] = {}
    for note in notes:
        by_type.setdefault(note.note_type, []).append(note)
    words: list[SourceWord] = []
    skipped = 0
    chosen_fields: list[str] = []
    for note_type, members in by_type.items():
        chosen = _choose_field(note_type, members, field_name)
        if chosen is None:
            skipped += len(members)
            continue
        chosen_fields.append(chosen)
        for note in members:
            word = han_word(note.fields.get(chosen, ""))
            if word is None:
                skipped += 1
            else:
                words.append(SourceWord(word))
    shown = ", ".join(dict.fromkeys(chosen_fields)) or field_name or "none"
    notes_said: list[str] = []
    if cards != "all" and len(notes) < total:
        notes_said.append(
            f"{len(notes)} of the {total} notes have {cards} cards"
            + (" (an interval of 21 days or more)" if cards == "mature" else "")
            + "; --cards all takes every note"
        )
    label = f"{name}, field {shown} ({cards} cards)"
    return WordSource(label, tuple(words), skipped, tuple(notes_said))


def _choose_field(note_type: str, notes: Sequence[_Note], wanted: str | None) -> str | None:
    names = list(notes[0].fields) if notes else []
    if wanted is not None:
        match = next((n for n in names if n.lower() == wanted.strip().lower()), None)
        if match is None:
            raise ReaderError(
                f"note type {note_type!r} has no field {wanted!r} (its fields: {', '.join(names)})"
            )
        return match
    # The field holding a Chinese word in the most notes; the first such field on a tie.
    counts: Counter[str] = Counter()
    for note in notes:
        for name, value in note.fields.items():
            if han_word(value) is not None:
                counts[name] += 1
    if not counts:
        return None
    best = max(counts.values())
    return next(name for name in names if counts[name] == best)


# ---- AnkiConnect


def read_ankiconnect(
    *,
    field_name: str | None = None,
    cards: CardSelection = "mature",
    deck: str | None = None,
    url: str | None = None,
) -> WordSource:
    from reader.core.export.ankiconnect import DEFAULT_ANKICONNECT_URL, AnkiConnect

    client = AnkiConnect(url or DEFAULT_ANKICONNECT_URL)
    scope = f'"deck:{_quoted(deck)}"' if deck else "deck:*"
    query = {
        "all": scope,
        "reviewed": f"{scope} -is:new",
        "mature": f"{scope} prop:ivl>={MATURE_INTERVAL_DAYS}",
    }[cards]
    note_ids = client.invoke("findNotes", query=query)
    total = len(client.invoke("findNotes", query=scope)) if cards != "all" else len(note_ids)
    notes = []
    for chunk in _chunks(note_ids, 500):
        for info in client.invoke("notesInfo", notes=chunk):
            fields = info.get("fields", {})
            ordered = sorted(fields.items(), key=lambda item: item[1].get("order", 0))
            notes.append(
                _Note(
                    str(info.get("modelName", "?")),
                    {name: str(value.get("value", "")) for name, value in ordered},
                )
            )
    where = f"Anki (AnkiConnect{', deck ' + deck if deck else ''})"
    return _words_from_notes(where, notes, total, field_name, cards)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _chunks(items: Sequence[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
