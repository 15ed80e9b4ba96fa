"""Exports of the vocabulary: Anki package, Anki text import (TSV), Pleco, AnkiConnect.

Files are written atomically (a temporary file beside the target, then a rename), and an
existing file is only replaced when it is one of our own exports of the same kind, unless
the caller forces it.
"""

from __future__ import annotations

import http.client
import ipaddress
import itertools
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import genanki

from reader.core import files
from reader.core.errors import ReaderError
from reader.core.export.anki import (
    CSS,
    DEFAULT_DECK_NAME,
    FIELD_NAMES,
    MODEL_ID,
    MODEL_NAME,
    READ_TEMPLATE,
    RECALL_TEMPLATE,
    NoteData,
    build_notes,
    build_package,
)
from reader.core.files import too_deep
from reader.core.learner.records import VocabItem
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
            return note_types == {MODEL_ID}
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
) -> ExportResult:
    """Write an Anki package. `timestamp` is the notes' modification time (default: now);
    Anki's import updates an existing note when the package's copy is newer."""
    check_overwrite(target, is_our_apkg, force)
    package = build_package(build_notes(items, annotator), deck_name)
    with atomic_path(target) as temporary:
        write_package(package, temporary, timestamp)
    return ExportResult(target, len(items))


def write_package(package: genanki.Package, target: Path, timestamp: float | None = None) -> None:
    """What genanki's `Package.write_to_file` does, except that its temporary collection
    lives in a folder removed afterwards (genanki leaves one file in /tmp per export)."""
    timestamp = time.time() if timestamp is None else timestamp
    with tempfile.TemporaryDirectory(prefix="reader-apkg-") as folder:
        collection = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(collection)
        try:
            package.write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
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


# ---- AnkiConnect

DEFAULT_ANKICONNECT_URL = "http://127.0.0.1:8765"
ANKICONNECT_VERSION = 6
# Our requests get short answers (a list of deck names, a note id); a reply larger than this
# is not AnkiConnect, and is not read on.
MAX_REPLY_BYTES = 16 << 20


class AnkiConnectError(ReaderError):
    """AnkiConnect answered with an error, or could not be reached."""


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx code


class AnkiConnect:
    """A minimal AnkiConnect (API version 6) client over HTTP, standard library only.

    Only loopback addresses are accepted unless `allow_remote` is set: the API can delete
    a whole collection, so talking to another machine must be an explicit choice.
    """

    def __init__(
        self, url: str = DEFAULT_ANKICONNECT_URL, *, allow_remote: bool = False, timeout: float = 15
    ) -> None:
        not_an_address = ReaderError(
            f"not an AnkiConnect address: {url!r} (like {DEFAULT_ANKICONNECT_URL})"
        )
        if any(char.isspace() or not char.isprintable() for char in url):
            raise not_an_address
        try:
            parsed = urllib.parse.urlparse(url)
            parsed.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        except ValueError:  # e.g. "http://[::1" (an IPv6 address not closed)
            raise not_an_address from None
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise not_an_address
        loopback = _is_loopback(parsed.hostname)
        if not allow_remote and not loopback:
            raise ReaderError(
                f"{parsed.hostname} is not this machine; AnkiConnect is only used on loopback "
                "unless you pass --allow-remote"
            )
        self.url = url
        self.timeout = timeout
        # Requests go exactly where the user said: never through an environment proxy to a
        # loopback address (the vocabulary would leave the machine), never after a redirect.
        proxies = urllib.request.ProxyHandler({} if loopback else None)
        self._opener = urllib.request.build_opener(proxies, _NoRedirects())

    def invoke(self, action: str, **params: Any) -> Any:
        body = json.dumps({"action": action, "version": ANKICONNECT_VERSION, "params": params})
        request = urllib.request.Request(
            self.url,
            data=body.encode("utf-8"),
            # AnkiConnect (and anki-connect-server) ignore requests without this header.
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        not_ankiconnect = AnkiConnectError(f"{self.url} does not answer like AnkiConnect")
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                body = response.read(MAX_REPLY_BYTES + 1)
            if len(body) > MAX_REPLY_BYTES:
                raise AnkiConnectError(
                    f"{self.url} answered {action} with more than "
                    f"{MAX_REPLY_BYTES >> 20} MB; that is not AnkiConnect"
                )
            text = body.decode("utf-8")
            if too_deep(text):
                raise not_ankiconnect
            answer = json.loads(text)
        except urllib.error.HTTPError as error:
            raise AnkiConnectError(
                f"AnkiConnect at {self.url} answered HTTP {error.code} to {action}"
            ) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            raise AnkiConnectError(
                f"Anki is not running, or AnkiConnect is not installed: nothing answers at "
                f"{self.url} ({reason}). Start Anki with the AnkiConnect add-on and try again"
            ) from None
        except (ValueError, http.client.HTTPException):
            # Not UTF-8, not JSON, a malformed reply or URL (all ValueErrors but the second).
            raise not_ankiconnect from None
        if not isinstance(answer, dict) or "error" not in answer or "result" not in answer:
            raise AnkiConnectError(f"{self.url} does not answer like AnkiConnect (API 6)")
        if answer["error"] is not None:
            refusal = clean_field(str(answer["error"]))[:300]
            raise AnkiConnectError(f"AnkiConnect refused {action}: {refusal}")
        return answer["result"]

    def invoke_expecting(
        self, kind: type[Any], item: type[Any] | None, action: str, **params: Any
    ) -> Any:
        """`invoke`, refusing an answer that is not a `kind` (of `item`s, for a list)."""
        result = self.invoke(action, **params)
        valid = isinstance(result, kind) and not isinstance(result, bool)
        if valid and item is not None:
            valid = all(isinstance(value, item) and not isinstance(value, bool) for value in result)
        if not valid:
            expected = kind.__name__ + (f" of {item.__name__}" if item is not None else "")
            raise AnkiConnectError(
                f"{self.url} answered {action} with {type(result).__name__}, not a {expected}: "
                "that is not AnkiConnect as reader knows it"
            )
        return result


@dataclass(frozen=True, slots=True)
class PushResult:
    added: int
    updated: int
    model_created: bool
    deck_created: bool


def _quote_search(text: str) -> str:
    # Anki search syntax: inside double quotes, escape \ and " ; * and _ are wildcards.
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return escaped.replace("*", "\\*").replace("_", "\\_")


def headword_query(note: NoteData) -> str:
    return (
        f'"note:{_quote_search(MODEL_NAME)}" '
        f'"{FIELD_NAMES[0]}:{_quote_search(note.fields.traditional)}"'
    )


def ensure_model(client: AnkiConnect) -> bool:
    """Create our note type in Anki if it is missing; True if it was created."""
    if MODEL_NAME in client.invoke_expecting(list, str, "modelNames"):
        return False
    client.invoke(
        "createModel",
        modelName=MODEL_NAME,
        inOrderFields=list(FIELD_NAMES),
        css=CSS,
        isCloze=False,
        cardTemplates=[
            {"Name": template["name"], "Front": template["qfmt"], "Back": template["afmt"]}
            for template in (READ_TEMPLATE, RECALL_TEMPLATE)
        ],
    )
    return True


def push_to_anki(
    items: Sequence[VocabItem],
    client: AnkiConnect,
    *,
    deck_name: str = DEFAULT_DECK_NAME,
    annotator: Annotator | None = None,
) -> PushResult:
    """Add new notes and update existing ones (found by headword) in a running Anki."""
    version = client.invoke_expecting(int, None, "version")
    if version < ANKICONNECT_VERSION:
        raise AnkiConnectError(
            f"AnkiConnect at {client.url} speaks API {version}; version "
            f"{ANKICONNECT_VERSION} or newer is needed (update the add-on)"
        )
    # Build every note before changing anything in Anki, so a failure leaves Anki as it was.
    notes = build_notes(items, annotator)
    model_created = ensure_model(client)
    deck_created = False
    if deck_name not in client.invoke_expecting(list, str, "deckNames"):
        client.invoke("createDeck", deck=deck_name)
        deck_created = True
    added = updated = 0
    for note in notes:
        fields = note.fields.as_dict()
        found = client.invoke_expecting(list, int, "findNotes", query=headword_query(note))
        if found:
            for note_id in found:
                client.invoke("updateNoteFields", note={"id": note_id, "fields": fields})
                client.invoke("updateNoteTags", note=note_id, tags=list(note.tags))
            updated += 1
        else:
            client.invoke(
                "addNote",
                note={
                    "deckName": deck_name,
                    "modelName": MODEL_NAME,
                    "fields": fields,
                    "tags": list(note.tags),
                    "options": {"allowDuplicate": False, "duplicateScope": "collection"},
                },
            )
            added += 1
    return PushResult(added, updated, model_created, deck_created)
