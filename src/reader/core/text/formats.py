"""Which format a file is in, and reading the formats that are not plain text.

Plain text and Markdown-like text are read by `reader.core.text.loader` as always; EPUB
(`epub.py`), web pages (`webpage.py`) and subtitles (`subtitles.py`) are read here into the
same `Document`, so `annotate`, `stats`, `convert` and the reading screen take any of them.

The format comes from the file's extension; a file with another extension (or none, or
standard input) is recognised by its first bytes. A file we cannot read at all (a PDF, a
Word document, a ZIP archive that is not an EPUB) is named for what it is, with the formats
we read, in one line (InputError).

A document's id is the hash of its text, as for plain text, except an EPUB's: that is the
hash of the file's bytes, known before its chapters are parsed.
"""

from __future__ import annotations

import hashlib
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import InputError
from reader.core.models import Document, Paragraph, Script, Section

TEXT = "text"
EPUB = "epub"
HTML = "html"
SRT = "srt"
ASS = "ass"
VTT = "vtt"
SUBTITLE_FORMATS = (SRT, ASS, VTT)
READABLE = "plain text, Markdown, EPUB, HTML, SRT, ASS/SSA, WebVTT"

_EXTENSIONS = {
    ".txt": TEXT,
    ".text": TEXT,
    ".md": TEXT,
    ".markdown": TEXT,
    ".epub": EPUB,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
    ".shtml": HTML,
    ".srt": SRT,
    ".ass": ASS,
    ".ssa": ASS,
    ".vtt": VTT,
}
READABLE_EXTENSIONS = frozenset(_EXTENSIONS)  # what a file picker lists
# Files we are asked to open often but cannot read: named, so the learner knows what to do.
_FOREIGN_EXTENSIONS = {
    ".pdf": "a PDF",
    ".mobi": "a Kindle book (MOBI)",
    ".azw": "a Kindle book",
    ".azw3": "a Kindle book (AZW3)",
    ".docx": "a Word document",
    ".doc": "a Word document",
    ".odt": "an OpenDocument text",
    ".rtf": "an RTF document",
}
_SNIFF_BYTES = 512
_SCRIPT_PARAGRAPHS = 200
_EPUB_MIMETYPE = b"mimetypeapplication/epub+zip"
_SRT_START = re.compile(r"\A\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
_HTML_START = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)


def format_of(path: str | Path, head: bytes | None = None) -> str:
    """The format of a file: by its extension, else by its first bytes (`head`, read from
    the file when not given). InputError for a format we know but cannot read."""
    name = str(path)
    suffix = Path(name).suffix.lower() if name != "-" else ""
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix in _FOREIGN_EXTENSIONS:
        raise _unsupported(name, _FOREIGN_EXTENSIONS[suffix])
    if head is None:
        head = _head(Path(name))
    return _sniff(name, head)


def _head(path: Path) -> bytes:
    """The first bytes of a regular file. A pipe (`reader annotate <(cmd)`) or a device is
    not sniffed: its bytes would be gone for the loader; it is read as text."""
    try:
        if not path.is_file():
            return b""
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError:
        return b""  # the loader's own read says what is wrong with the file


def _sniff(name: str, head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        if head[30:58] == _EPUB_MIMETYPE:
            return EPUB
        raise _unsupported(name, "a ZIP archive (not an EPUB)")
    if head.startswith(b"%PDF"):
        raise _unsupported(name, "a PDF")
    if head[60:68] == b"BOOKMOBI":
        raise _unsupported(name, "a Kindle book (MOBI)")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _unsupported(name, "an old Microsoft Office document")
    text = _sniff_text(head)
    if text.startswith("WEBVTT"):
        return VTT
    if text.lstrip().lower().startswith("[script info]"):
        return ASS
    if _SRT_START.match(text):
        return SRT
    if _HTML_START.match(text):
        return HTML
    return TEXT


_TEXT_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _sniff_text(head: bytes) -> str:
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore").replace("\r", "")
    return head.decode("utf-8", errors="ignore").replace("\r", "")


def _unsupported(name: str, what: str) -> InputError:
    shown = "stdin" if name == "-" else name
    return InputError(f"{shown}: {what} cannot be read; save it as {READABLE}")


# ---- reading


@dataclass(frozen=True, slots=True)
class StructuredSource:
    """A file in a format other than plain text, with its bytes when they were read already
    (standard input)."""

    path: str
    format: str
    data: bytes | None = None


def structured_source(path: str | Path) -> StructuredSource | None:
    """What `path` ("-" is stdin) is, when it is not plain text; None for plain text."""
    name = str(path)
    if name == "-":
        head = _peek_stdin()
        if head is None:
            return None
        found = format_of(name, head)
        if found == TEXT:
            return None
        from reader.core.text.decode import read_bytes

        return StructuredSource(name, found, read_bytes(name))
    found = format_of(name)
    return None if found == TEXT else StructuredSource(name, found)


def _peek_stdin() -> bytes | None:
    """The first bytes waiting on stdin, left there for whoever reads it next."""
    buffer = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
    peek = getattr(buffer, "peek", None)
    if peek is None:
        return None
    try:
        head: bytes = peek(_SNIFF_BYTES)
    except (OSError, ValueError):
        return None
    return head[:_SNIFF_BYTES]


def _source_bytes(source: StructuredSource) -> bytes:
    if source.data is not None:
        return source.data
    from reader.core.text.decode import read_bytes

    return read_bytes(source.path, text=False)  # a book is a zip: its own checks follow


def _display(source: StructuredSource) -> str:
    return "stdin" if source.path == "-" else source.path


def load_structured(source: StructuredSource) -> Document:
    """The whole document of a structured file."""
    opened = open_structured(source)
    return opened.finish()


def open_structured(source: StructuredSource) -> OpenedDocument:
    """A structured file opened to read; an EPUB's chapters are parsed as they are asked for."""
    data = _source_bytes(source)
    name = _display(source)
    if source.format == EPUB:
        from reader.core.text.epub import EpubBook

        book = EpubBook(Path(name), data)
        return OpenedDocument(
            source.path,
            EPUB,
            book.paragraphs(),
            doc_id=hashlib.sha256(data).hexdigest()[:16],
            title=book.title,
            contents=book.contents,
        )
    if source.format == HTML:
        from reader.core.text.webpage import decode_page, page_paragraphs

        title, paragraphs = page_paragraphs(decode_page(data, name), name)
        return OpenedDocument(source.path, HTML, iter(paragraphs), title=title)
    if source.format in SUBTITLE_FORMATS:
        from reader.core.text.decode import decode_bytes, normalise_text
        from reader.core.text.subtitles import READERS, cue_paragraphs

        text = normalise_text(decode_bytes(data, source=name))
        paragraphs = cue_paragraphs(READERS[source.format](text, name))
        if not paragraphs:
            raise InputError(f"{name}: no subtitle cue with text in this file")
        return OpenedDocument(source.path, source.format, iter(paragraphs))
    raise InputError(f"{name}: cannot read the format {source.format}")  # pragma: no cover


class OpenedDocument:
    """A structured document opened to read, with the interface of the loader's
    `OpenedText`: `read_until(n)` makes its first paragraphs, `finish()` the rest (in a
    worker), `document` is what is made so far."""

    def __init__(
        self,
        source: str,
        format_name: str,
        paragraphs: Iterator[Paragraph],
        *,
        doc_id: str | None = None,
        title: str = "",
        contents: Callable[[], tuple[Section, ...]] | None = None,
    ) -> None:
        self.source = source
        self.format = format_name
        self._pending: Iterator[Paragraph] | None = paragraphs
        self._made: list[Paragraph] = []
        self._lock = threading.Lock()
        self._whole: Document | None = None
        self._given_id = doc_id
        self._title = title
        self._contents = contents or tuple
        # Web pages and subtitles are made whole now (their id is their text's); a book's
        # first paragraphs are enough to tell its script.
        self.read_until(_SCRIPT_PARAGRAPHS if doc_id is not None else sys.maxsize)
        if not self._made:
            raise InputError(f"{'stdin' if source == '-' else source}: there is no text to read")
        self.script = _script(self._made)
        if self._pending is None:
            self.finish()

    @property
    def doc_id(self) -> str:
        if self._given_id is None:
            from reader.core.text.identity import document_id

            self._given_id = document_id("\n".join(p.text for p in self._made))
        return self._given_id

    @property
    def complete(self) -> bool:
        return self._whole is not None

    @property
    def document(self) -> Document:
        if self._whole is not None:
            return self._whole
        with self._lock:
            return self._document_of(tuple(self._made))

    def read_until(self, count: int) -> None:
        with self._lock:
            while self._pending is not None and len(self._made) < count:
                paragraph = next(self._pending, None)
                if paragraph is None:
                    self._pending = None
                    break
                self._made.append(paragraph)

    def finish(self) -> Document:
        with self._lock:
            if self._whole is None:
                if self._pending is not None:
                    self._made.extend(self._pending)
                    self._pending = None
                self._whole = self._document_of(tuple(self._made))
            return self._whole

    def _document_of(self, paragraphs: tuple[Paragraph, ...]) -> Document:
        from reader.core.text.identity import document_title

        return Document(
            paragraphs=paragraphs,
            script=self.script,
            doc_id=self.doc_id,
            source=self.source,
            title=self._title or document_title(paragraphs, self.source),
            format=self.format,
            contents=self._contents(),
        )


def _script(paragraphs: list[Paragraph]) -> Script:
    from reader.core.text.script import detect_script

    return detect_script("\n".join(paragraph.text for paragraph in paragraphs[:2000]))
