"""Read any Chinese text into a Document: the three ways in, built on one decoder.

- `load_path` / `load_bytes` / `load_text`: a whole text at once (commands, tests).
- `open_path`: the reading screen's way: a long file's first paragraphs at once while the
  rest is read and hashed in a thread (`OpenedText`).
- `stream_path` / `stream_lines`: paragraphs or lines as they are read, none kept
  (`reader annotate`, `convert`): a book costs the memory of a paragraph.

Each uses `decode` (bytes to text: encodings, binary data, size limit, chunks), `paragraphs`
(a text's paragraphs, `split` "blocks" or "lines") and `script` (Traditional or
Simplified). Other formats (EPUB, web pages, subtitles) come through `structured`.

`doc_id` hashes the normalised text, so the same content opened from another path (or in
another encoding) gets the same id whichever `split` mode is used.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from reader.core.errors import InputError
from reader.core.models import Document, Paragraph, Script
from reader.core.text.decode import (
    BOMS,
    READ_CHUNK_BYTES,
    STDIN_SOURCE,
    decode_bytes,
    display_name,
    lines_of_chunks,
    looks_binary,
    normalise_text,
    open_chunks,
    over_the_limit,
    read_bytes,
    read_up_to,
    too_long,
    unify_newlines,
    unreadable,
)
from reader.core.text.identity import document_id, document_title
from reader.core.text.paragraphs import (
    block_paragraphs,
    line_paragraphs,
    paragraphs_by_block,
    paragraphs_by_line,
)
from reader.core.text.script import (
    detect_script,
    sample_is_whole,
    script_of_sample,
    script_sample,
)

if TYPE_CHECKING:
    from reader.core.text.formats import OpenedDocument, StructuredSource

SplitMode = Literal["blocks", "lines"]
SPLIT_MODES: tuple[SplitMode, ...] = ("blocks", "lines")
# ---- reading


def structured(path: str | Path) -> StructuredSource | None:
    """The one hook for formats other than plain text: EPUB, web pages and subtitles are
    read by `reader.core.text.formats` into the same Document (None: plain text)."""
    from reader.core.text.formats import structured_source

    return structured_source(path)


def load_path(path: str | Path, split: SplitMode = "blocks") -> Document:
    """Load a file ("-" reads stdin as bytes) into a Document."""
    if (other := structured(path)) is not None:
        from reader.core.text.formats import load_structured

        return load_structured(other)
    source = STDIN_SOURCE if str(path) == STDIN_SOURCE else str(path)
    data = read_bytes(path)
    return _document(decode_bytes(data, source=display_name(path)), source, split)


def load_bytes(data: bytes, source: str = "<bytes>", split: SplitMode = "blocks") -> Document:
    """Load encoded text (encoding detected) into a Document."""
    return _document(decode_bytes(data, source=source), source, split)


def load_text(text: str, source: str = "<text>", split: SplitMode = "blocks") -> Document:
    """Load already decoded text into a Document."""
    return _document(text, source, split)


def _document(text: str, source: str, split: SplitMode) -> Document:
    if split not in SPLIT_MODES:
        raise ValueError(f"split must be one of {SPLIT_MODES}, not {split!r}")
    text = normalise_text(text)
    paragraphs = paragraphs_by_line(text) if split == "lines" else paragraphs_by_block(text)
    return Document(
        paragraphs=paragraphs,
        script=detect_script(text),
        doc_id=document_id(text),
        source=source,
        title=document_title(paragraphs, source),
    )


# ---- opening a text to read (the reading screen)

# A text longer than this (in characters) is opened progressively: its first paragraphs at
# once, the rest in a worker, so a 20 MB book paints its first screen as soon as an article.
PROGRESSIVE_CHARS = 100_000
_LINE_CHUNK_CHARS = 1 << 16
# A long UTF-8 text is decoded this far before its first screen (the rest in the worker).
_DECODE_HEAD_BYTES = 1 << 20


def open_path(
    path: str | Path,
    split: SplitMode = "blocks",
    *,
    progressive_chars: int = PROGRESSIVE_CHARS,
    line_chunk_chars: int = _LINE_CHUNK_CHARS,
    head_bytes: int = _DECODE_HEAD_BYTES,
) -> OpenedText | OpenedDocument:
    """Open a file ("-" is stdin) to read: like `load_path`, but paragraphs are made as they
    are asked for (`OpenedText.read_until`, `finish`). Bad input raises InputError here.

    A long plain UTF-8 text (no BOM, no CR) is decoded as far as its first `head_bytes` now
    and the rest when its paragraphs are made; its id is the hash of its bytes, which are
    exactly the normalised text's UTF-8. If the rest is not UTF-8 like the head, making its
    paragraphs raises InputError (`load_path` would try the legacy encodings on the whole).
    """
    if split not in SPLIT_MODES:
        raise ValueError(f"split must be one of {SPLIT_MODES}, not {split!r}")
    if (other := structured(path)) is not None:
        from reader.core.text.formats import open_structured

        return open_structured(other)
    source = STDIN_SOURCE if str(path) == STDIN_SOURCE else str(path)
    name = display_name(path)
    if source != STDIN_SOURCE:
        opened = _open_long_utf8(Path(path), source, name, split, line_chunk_chars, head_bytes)
        if opened is not None:
            return opened
    data = read_bytes(path)
    text = normalise_text(decode_bytes(data, name))
    return OpenedText(text, source, split, document_id(text), progressive_chars, line_chunk_chars)


def _open_long_utf8(
    file: Path, source: str, name: str, split: SplitMode, line_chunk_chars: int, head_bytes: int
) -> OpenedText | None:
    """A long plain UTF-8 file opened from its head (see `open_path`), or None (then the
    caller reads it whole). A thread reads the rest and hashes the whole (file reads and
    hashlib let go of the GIL) while the head is decoded and its first paragraphs made; the
    id waits for it (`OpenedText.doc_id`)."""
    try:
        if file.stat().st_size <= 2 * head_bytes:
            return None
        handle = file.open("rb")
    except OSError:
        return None  # the caller's read says what is wrong
    try:
        head_data = read_up_to(handle, head_bytes, name)
        head_end = head_data.rfind(b"\n") + 1
        if (
            head_end == 0
            or b"\r" in head_data
            or looks_binary(head_data)
            or any(head_data.startswith(bom) for bom, _, _ in BOMS)
        ):
            handle.close()
            return None
        head = head_data[:head_end].decode("utf-8")
        sample = script_sample(head)
    except (UnicodeDecodeError, InputError):
        handle.close()
        return None
    if not sample_is_whole(sample):
        handle.close()
        return None  # the script is judged on more than the head: decode it all now
    problems: list[OSError] = []
    over_limit: list[bool] = []
    digest: list[str] = []  # the id: the hash of the bytes, when they are the normalised text
    has_cr: list[bool] = []

    def read_and_hash() -> None:
        """Hash the whole file a chunk at a time, keeping none of it (the rest is read again
        when its paragraphs are made: a book's bytes never sit in memory)."""
        whole = hashlib.sha256(head_data)
        size = len(head_data)
        try:
            with handle:
                while chunk := handle.read(READ_CHUNK_BYTES):
                    whole.update(chunk)
                    size += len(chunk)
                    if b"\r" in chunk:
                        has_cr.append(True)
                    if over_the_limit(size):
                        over_limit.append(True)
                        return
        except OSError as error:
            problems.append(error)
            return
        digest.append(whole.hexdigest()[:16])

    reader = threading.Thread(target=read_and_hash, daemon=True)
    reader.start()

    def wait_for_rest() -> None:
        reader.join()
        if problems:
            raise unreadable(file, problems[0])
        if over_limit:
            raise too_long(name)

    def rest_chunks() -> Iterator[str]:
        """The rest decoded a chunk at a time; the bytes must hash as they did."""
        wait_for_rest()
        decoder = codecs.getincrementaldecoder("utf-8")()
        again = hashlib.sha256(head_data[:head_end])
        offset = head_end
        try:
            with file.open("rb") as rest_handle:
                rest_handle.seek(head_end)
                while True:
                    chunk = rest_handle.read(READ_CHUNK_BYTES)
                    again.update(chunk)
                    if b"\x00" in chunk:
                        raise InputError(f"{name}: looks like a binary file, not text (a NUL byte)")
                    carried = len(decoder.getstate()[0])
                    try:
                        # Not normalise_text: a U+FEFF here is mid-text, not a byte-order mark.
                        yield decoder.decode(chunk, final=not chunk)
                    except UnicodeDecodeError as error:
                        raise InputError(
                            f"{name}: bytes at offset {offset - carried + error.start} are not "
                            "UTF-8 like the start of the text; save it as UTF-8 and try again"
                        ) from None
                    if not chunk:
                        break
                    offset += len(chunk)
        except OSError as error:
            raise unreadable(file, error) from None
        if digest and again.hexdigest()[:16] != digest[0]:
            raise InputError(f"{name}: changed while it was being read; open it again")

    def rest_lines() -> Iterator[str]:
        return lines_of_chunks(rest_chunks(), strip_bom=False)

    def doc_id() -> str:
        wait_for_rest()
        if digest and not has_cr:
            return digest[0]
        return document_id(head + unify_newlines("".join(rest_chunks())))

    return OpenedText(
        head,
        source,
        split,
        doc_id,
        0,
        line_chunk_chars,
        rest_lines=rest_lines,
        script=script_of_sample(sample),
    )


class OpenedText:
    """A text opened for reading. `read_until(n)` makes its first paragraphs; `finish()`
    makes the rest (in a worker: ~0.5 s for 20 MB) and returns the whole Document, equal to
    `load_path`'s. `document` is what is made so far, with the whole text's id and script.
    """

    def __init__(
        self,
        text: str,
        source: str,
        split: SplitMode,
        doc_id: str | Callable[[], str],
        progressive_chars: int = PROGRESSIVE_CHARS,
        line_chunk_chars: int = _LINE_CHUNK_CHARS,
        *,
        rest_lines: Callable[[], Iterator[str]] | None = None,
        script: Script | None = None,
    ) -> None:
        """`text`, or with `rest_lines` the head of the text up to a newline (the rest's lines
        are read when its paragraphs are made; the head then holds the script's sample)."""
        self.source = source
        self._doc_id = doc_id  # or what works it out, once (the file may still be read)
        self.script = script if script is not None else detect_script(text)
        lines: Iterator[str] = _lines_lazily(text, line_chunk_chars)
        if rest_lines is not None:  # the head ends with "\n": its lines, then the rest's
            lines = itertools.chain(
                _lines_lazily(text[:-1], line_chunk_chars),
                _lines_after(rest_lines),
            )
        self._pending: Iterator[Paragraph] | None = (
            line_paragraphs(lines) if split == "lines" else block_paragraphs(lines)
        )
        self._made: list[Paragraph] = []
        self._lock = threading.Lock()  # `finish` runs in a worker
        self._whole: Document | None = None
        if len(text) <= progressive_chars:
            self.finish()

    @property
    def doc_id(self) -> str:
        if not isinstance(self._doc_id, str):
            self._doc_id = self._doc_id()
        return self._doc_id

    @property
    def complete(self) -> bool:
        return self._whole is not None

    @property
    def document(self) -> Document:
        if self._whole is not None:
            return self._whole
        with self._lock:
            paragraphs = tuple(self._made)
        return self._document_of(paragraphs)

    def read_until(self, count: int) -> None:
        """Make at least `count` paragraphs (fewer only if the text has fewer)."""
        with self._lock:
            pending = self._pending
            if pending is None:
                return
            while len(self._made) < count:
                paragraph = next(pending, None)
                if paragraph is None:
                    break
                self._made.append(paragraph)

    def finish(self) -> Document:
        """The whole document (made once)."""
        with self._lock:
            if self._whole is None:
                if self._pending is not None:
                    self._made.extend(self._pending)
                    self._pending = None
                self._whole = self._document_of(tuple(self._made))
            return self._whole

    def _document_of(self, paragraphs: tuple[Paragraph, ...]) -> Document:
        return Document(
            paragraphs=paragraphs,
            script=self.script,
            doc_id=self.doc_id,
            source=self.source,
            title=document_title(paragraphs, self.source),
        )


def _lines_after(rest_lines: Callable[[], Iterator[str]]) -> Iterator[str]:
    yield from rest_lines()  # started only when the first paragraph of the rest is wanted


def _lines_lazily(text: str, chunk: int = _LINE_CHUNK_CHARS) -> Iterator[str]:
    """`text.split("\n")`, a piece at a time: a book's first lines without splitting all of it."""
    start = 0
    while True:
        end = text.find("\n", start + chunk)
        if end < 0:
            yield from text[start:].split("\n")
            return
        yield from text[start:end].split("\n")
        start = end + 1


# ---- streaming


# Book-length input is read in chunks: the encoding is detected on the head (a file no longer
# than the head is decoded exactly as `load_path` would), and paragraphs are made line by line,
# so memory depends on the longest paragraph, not on the length of the text.
STREAM_HEAD_BYTES = 4 << 20
STREAM_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class ParagraphStream:
    """Paragraphs of a text as they are read. `script` is judged on the head of the text
    (its first 20,000 Han characters, as `detect_script` does for a whole text)."""

    source: str
    script: Script
    paragraphs: Iterator[Paragraph]


def stream_path(
    path: str | Path,
    split: SplitMode = "blocks",
    *,
    head_bytes: int = STREAM_HEAD_BYTES,
    chunk_bytes: int = STREAM_CHUNK_BYTES,
) -> ParagraphStream:
    """Open a file ("-" is stdin) and yield its paragraphs as `load_path(path, split)` makes them.

    Problems with the file itself (missing, directory, binary, undecodable head) raise
    InputError here; bytes that stop decoding later raise InputError while iterating.
    """
    if split not in SPLIT_MODES:
        raise ValueError(f"split must be one of {SPLIT_MODES}, not {split!r}")
    source = STDIN_SOURCE if str(path) == STDIN_SOURCE else str(path)
    if (other := structured(path)) is not None:
        from reader.core.text.formats import load_structured

        document = load_structured(other)
        return ParagraphStream(source, document.script, iter(document.paragraphs))
    first, rest = open_chunks(path, head_bytes, chunk_bytes)
    lines = lines_of_chunks(itertools.chain((first,), rest))
    paragraphs = line_paragraphs(lines) if split == "lines" else block_paragraphs(lines)
    return ParagraphStream(source, detect_script(first), paragraphs)


def stream_lines(
    path: str | Path,
    *,
    head_bytes: int = STREAM_HEAD_BYTES,
    chunk_bytes: int = STREAM_CHUNK_BYTES,
) -> Iterator[str]:
    """The lines of a file ("-" is stdin) as `read_text(path).split("\\n")` gives them, read in
    chunks. Opening problems raise InputError here, later decoding ones while iterating.
    A structured file gives the lines of its paragraphs' text (a subtitle's cue text)."""
    if (other := structured(path)) is not None:
        from reader.core.text.formats import load_structured

        document = load_structured(other)
        return iter([line for p in document.paragraphs for line in p.text.split("\n")])
    first, rest = open_chunks(path, head_bytes, chunk_bytes)
    return lines_of_chunks(itertools.chain((first,), rest))
