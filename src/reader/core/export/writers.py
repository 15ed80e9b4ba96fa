"""Exports of the vocabulary to files: Anki package, Anki text import (TSV), Pleco (a running
Anki: `reader.core.export.ankiconnect`).

Files are written atomically (a temporary file beside the target, then a rename), and an
existing file is only replaced when it is one of our own exports of the same kind, unless
the caller forces it.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import genanki

from reader.core import files
from reader.core.errors import ReaderError
from reader.core.export.anki import (
    CLOZE_MODEL_ID,
    DEFAULT_CARD_OPTIONS,
    DEFAULT_DECK_NAME,
    FIELD_NAMES,
    MODEL_ID,
    MODEL_NAME,
    CardOptions,
    NoteData,
    build_notes,
    build_package,
)
from reader.core.export.schedule import TEMPLATE_ORDER, StudiedCard, carry_schedules
from reader.core.learner.records import Direction, VocabItem
from reader.core.text.controls import clean_field

if TYPE_CHECKING:
    from reader.core.engine.pipeline import Annotator

PLECO_CATEGORY_ROOT = "Reader"

# ---- safe file writing


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """`reader.core.files.atomic_path`, with a failure to write said on one line."""
    try:
        with files.atomic_path(target) as temporary:
            yield temporary
    except OSError as error:
        raise _cannot_write(target, error) from None


def _cannot_write(target: Path, error: OSError) -> ReaderError:
    reason = error.strerror or error.__class__.__name__
    return ReaderError(f"cannot write {target} ({reason}); choose another --out")


def check_overwrite(target: Path, is_ours: Callable[[Path], bool], force: bool) -> None:
    """Refuse to replace a file that is not an export of ours (unless forced), and to write
    into a folder that does not exist (a typo in --out should not make folders)."""
    folder = target.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise ReaderError(f"{folder} {what}; give --out a file in an existing folder")
    if not target.exists() and not target.is_symlink():
        return
    if target.is_dir():
        raise ReaderError(f"{target} is a directory; give a file name with --out")
    if target.exists() and not target.is_file():
        # A device, pipe or socket: the atomic rename would replace it (/dev/null!).
        raise ReaderError(f"{target} is not a regular file; give a file name with --out")
    if force or target.stat().st_size == 0:
        return
    try:
        ours = is_ours(target)
    except (OSError, ValueError, EOFError):  # unreadable, or broken in a way not foreseen
        ours = False
    if not ours:
        raise ReaderError(
            f"{target} exists and is not a reader export; left untouched "
            "(use --force to overwrite it, or choose another --out)"
        )


def _first_lines(path: Path, count: int) -> list[str]:
    with path.open(encoding="utf-8", errors="replace") as lines:
        return [line.rstrip("\r\n") for _, line in zip(range(count), lines, strict=False)]


# Our package's collection for 80,000 words is ~60 MB; a member declaring more is not ours
# (and a zip bomb at --out is never unpacked: a member never yields more than it declares).
MAX_COLLECTION_BYTES = 512 << 20


def is_our_apkg(path: Path) -> bool:
    """An .apkg whose collection holds only notes of our note type (an empty one: our
    note type). Only the collection member is read, up to its declared size, and of it only
    the note type ids; a broken zip or collection is simply not ours."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = archive.getinfo("collection.anki2")
            if member.file_size > MAX_COLLECTION_BYTES:
                return False
            with tempfile.TemporaryDirectory(prefix="reader-check-") as folder:
                collection = Path(folder) / "collection.anki2"
                with archive.open(member) as source, collection.open("wb") as copy:
                    shutil.copyfileobj(source, copy, 1 << 20)
                return _holds_only_our_notes(collection)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, NotImplementedError):
        return False


def _holds_only_our_notes(collection: Path) -> bool:
    connection = sqlite3.connect(f"{collection.as_uri()}?mode=ro", uri=True)
    try:
        note_types = {row[0] for row in connection.execute("SELECT DISTINCT mid FROM notes")}
        if note_types:
            return MODEL_ID in note_types and note_types <= {MODEL_ID, CLOZE_MODEL_ID}
        (models,) = connection.execute("SELECT models FROM col").fetchone()
        return str(MODEL_ID) in json.loads(models)
    except (sqlite3.DatabaseError, TypeError, ValueError):
        return False
    finally:
        connection.close()


def is_our_tsv(path: Path) -> bool:
    return f"#notetype:{MODEL_NAME}" in _first_lines(path, 12)


def is_our_pleco(path: Path) -> bool:
    lines = _first_lines(path, 1)
    return bool(lines) and lines[0].startswith(f"//{PLECO_CATEGORY_ROOT}")


# ---- Anki package


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path | None  # None when written to standard output or pushed to Anki
    notes: int


def export_apkg(
    items: Sequence[VocabItem],
    target: Path,
    *,
    deck_name: str = DEFAULT_DECK_NAME,
    force: bool = False,
    annotator: Annotator | None = None,
    timestamp: float | None = None,
    options: CardOptions = DEFAULT_CARD_OPTIONS,
    studied: Mapping[tuple[int, Direction], StudiedCard] | None = None,
) -> ExportResult:
    """Write an Anki package. `timestamp` is the notes' modification time (default: now);
    Anki's import updates an existing note when the package's copy is newer. `studied`
    (`schedule.studied_cards`) carries the app's study schedule into the words' cards."""
    check_overwrite(target, is_our_apkg, force)
    notes = build_notes(items, annotator, options)
    schedules = {
        (note.guid, TEMPLATE_ORDER[direction]): card
        for note in notes
        if not note.cloze
        for direction in Direction
        if (card := (studied or {}).get((note.word_id or 0, direction))) is not None
    }
    package = build_package(notes, deck_name)
    with atomic_path(target) as temporary:
        write_package(package, temporary, timestamp, schedules)
    return ExportResult(target, len(notes))  # cloze notes counted


def write_package(
    package: genanki.Package,
    target: Path,
    timestamp: float | None = None,
    schedules: Mapping[tuple[str, int], StudiedCard] | None = None,
) -> None:
    """What genanki's `Package.write_to_file` does, except that its temporary collection
    lives in a folder removed afterwards (genanki leaves one file in /tmp per export), and
    cards get their `schedules` ((note GUID, template ord) -> the app's)."""
    timestamp = time.time() if timestamp is None else timestamp
    with tempfile.TemporaryDirectory(prefix="reader-apkg-") as folder:
        collection = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(collection)
        try:
            package.write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            if schedules:
                carry_schedules(connection, schedules)
            connection.commit()
        finally:
            connection.close()
        media = dict(enumerate(package.media_files))
        with zipfile.ZipFile(target, "w") as archive:
            archive.write(collection, "collection.anki2")
            archive.writestr(
                "media",
                json.dumps({index: os.path.basename(path) for index, path in media.items()}),
            )
            for index, path in media.items():
                archive.write(path, str(index))


# ---- Anki text import


def _tsv_cell(value: str) -> str:
    # Fields are HTML (#html:true): line breaks become <br>, tabs a space. A lone CR counts:
    # Anki's CSV reader ends a row at CR, LF or CRLF.
    line_breaks = value.replace("\r\n", "\n").replace("\r", "\n")
    return line_breaks.replace("\n", "<br>").replace("\t", " ")


def tsv_header(deck_name: str = DEFAULT_DECK_NAME) -> str:
    """The header lines of Anki's plain-text import format, each ending in a newline."""
    columns = ["GUID", *FIELD_NAMES, "Tags"]
    lines = [
        "#separator:tab",
        "#html:true",
        f"#notetype:{MODEL_NAME}",
        f"#deck:{deck_name}",
        "#guid column:1",
        f"#tags column:{len(columns)}",
        "#columns:" + "\t".join(columns),
    ]
    return "".join(line + "\n" for line in lines)


def tsv_row(note: NoteData) -> str:
    """One note: GUID, the fields and the tags, tab-separated, ending in a newline."""
    cells = [note.guid, *note.fields.values(), " ".join(note.tags)]
    return "\t".join(_tsv_cell(cell) for cell in cells) + "\n"


def tsv_text(notes: Sequence[NoteData], deck_name: str = DEFAULT_DECK_NAME) -> str:
    """Anki's plain-text import format: header lines, then one row per note."""
    return tsv_header(deck_name) + "".join(tsv_row(note) for note in notes)


# Notes are made this many words at a time while a TSV is written: 80,000 words never
# sit in memory as notes and annotated sentences at once.
NOTES_PER_BATCH = 256


def write_tsv(
    items: Sequence[VocabItem],
    out: TextIO,
    deck_name: str = DEFAULT_DECK_NAME,
    annotator: Annotator | None = None,
) -> None:
    out.write(tsv_header(deck_name))
    for start in range(0, len(items), NOTES_PER_BATCH):
        for note in build_notes(items[start : start + NOTES_PER_BATCH], annotator):
            out.write(tsv_row(note))


def export_tsv(
    items: Sequence[VocabItem],
    target: Path | None,
    *,
    deck_name: str = DEFAULT_DECK_NAME,
    force: bool = False,
    annotator: Annotator | None = None,
    out: TextIO | None = None,
) -> ExportResult:
    """Write the TSV to `target`, or to `out` (default standard output) when it is None."""
    if target is None:
        write_tsv(items, out or sys.stdout, deck_name, annotator)
        return ExportResult(None, len(items))
    check_overwrite(target, is_our_tsv, force)
    with (
        atomic_path(target) as temporary,
        temporary.open("w", encoding="utf-8", newline="\n") as stream,
    ):
        write_tsv(items, stream, deck_name, annotator)
    return ExportResult(target, len(items))


# ---- Pleco


def pleco_text(items: Sequence[VocabItem], deck_name: str = DEFAULT_DECK_NAME) -> str:
    """Pleco's flashcard import format: `//Category` then `Simplified[Traditional]<TAB>pinyin
    <TAB>definition` per card (Pleco reads numbered pinyin)."""
    return "".join(_pleco_lines(items, deck_name))


def _pleco_lines(items: Sequence[VocabItem], deck_name: str) -> Iterator[str]:
    yield f"//{PLECO_CATEGORY_ROOT}/{deck_name}\n"
    for item in items:
        traditional, simplified = clean_field(item.traditional), clean_field(item.simplified)
        headword = simplified if simplified == traditional else f"{simplified}[{traditional}]"
        definition = " ".join(clean_field(item.definition).split())
        reading = clean_field("".join(item.pinyin_numbered))
        yield f"{headword}\t{reading}\t{definition}\n"


def export_pleco(
    items: Sequence[VocabItem],
    target: Path | None,
    *,
    deck_name: str = DEFAULT_DECK_NAME,
    force: bool = False,
    out: TextIO | None = None,
) -> ExportResult:
    """Write the Pleco file to `target`, or to `out` (default standard output)."""
    if target is None:
        (out or sys.stdout).writelines(_pleco_lines(items, deck_name))
        return ExportResult(None, len(items))
    check_overwrite(target, is_our_pleco, force)
    with (
        atomic_path(target) as temporary,
        temporary.open("w", encoding="utf-8", newline="\n") as stream,
    ):
        stream.writelines(_pleco_lines(items, deck_name))
    return ExportResult(target, len(items))
