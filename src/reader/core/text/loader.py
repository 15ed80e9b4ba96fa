"""Read any Chinese text into a Document: encoding detection, normalisation, paragraphs.

Decoding: a BOM decides (UTF-8, UTF-16, UTF-32); then strict UTF-8; then GB18030 and
Big5-HKSCS are both tried and the more plausible result wins: the share of its non-ASCII
characters that are frequent characters of one script (or punctuation), less a penalty for
private-use characters and kana, which is what the other encoding's punctuation turns into.
If neither decodes strictly, one with at most 0.1% bad bytes is accepted. Data with NUL
bytes or many control characters is refused as binary; so is a decoding that still looks
like garbage (e.g. Shift-JIS).

Normalisation: CRLF and lone CR become LF and a leading BOM is dropped; `doc_id` hashes
this normalised text, so the same content opened from another path (or in another
encoding) gets the same id whichever `split` mode is used.

Paragraphs (`split="blocks"`, the default) follow the Markdown-like layout of newspaper text:

- `#`..`######` lines are headings (the `#`s removed), always paragraphs of their own.
- `**bold**` markers are removed, the text kept. Leading indentation and trailing spaces
  (a Markdown hard break) are layout, not text.
- A line starting with a photo mark (●, ▲, ■, ◆, ▼) starts a caption; the lines after it in
  the same block belong to it, joined by "\\n". The mark itself is kept: it is part of the
  text and tells a reader the line is a caption. A short credit line ending in 圖片/相片/攝…
  (網上圖片, 新華社圖片, 圖片來源：…) is a caption too, joined to the caption just
  before it in the same block.
- Every other line is a text line. A text line that ends mid-sentence (no sentence-final
  punctuation, see `_ENDS_SENTENCE`) is joined with the next text line, even across blank
  lines and captions: print layout often breaks a sentence (創 / 造有利外部環境). Captions
  met in between come right AFTER the rejoined paragraph, so the sentence reads on
  unbroken. Headings are never joined and stop a join. Short lines (at most
  `_LABEL_MAX_CHARS`) that do not end in a comma-like mark are labels (專家解讀, bylines)
  and stay on their own. A paragraph over 2,000 characters is cut at sentence ends.

Nothing is dropped: apart from the markup (`#`, `**`, whitespace) every character of the
input is in exactly one paragraph.

`split="lines"` makes every input line one paragraph, verbatim, empty lines included.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal, cast

from reader.core.engine.convert import convert_each
from reader.core.errors import InputError
from reader.core.models import Document, Paragraph, ParagraphKind, Script
from reader.core.text.han import HAN_CHARACTER
from reader.core.text.sentences import CLOSERS, OPENERS, SENTENCE_ENDS, split_sentences

if TYPE_CHECKING:
    from reader.core.text.formats import OpenedDocument, StructuredSource

SplitMode = Literal["blocks", "lines"]
SPLIT_MODES: tuple[SplitMode, ...] = ("blocks", "lines")

STDIN_SOURCE = "-"

# ---- decoding

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 (little-endian)"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 (big-endian)"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 (little-endian)"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 (big-endian)"),
)
_LEGACY_ENCODINGS = ("gb18030", "big5hkscs")
_TRIED_ENCODINGS = "UTF-8, UTF-16/32 (with BOM), GB18030, Big5-HKSCS"

# Control characters other than tab, LF, VT, FF, CR and ESC: plain text has almost none.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_BINARY_SAMPLE_BYTES = 65536
_MAX_CONTROL_SHARE = 0.05

# A legacy decoding with a few bad bytes is still accepted (real Big5 files often carry a
# handful of vendor-specific codes), but only this rarely: more means a wrong guess.
_MAX_REPLACED_SHARE = 0.001
# Below this share of common characters among the non-ASCII ones, a legacy decoding is
# garbage rather than Chinese: real text scores above 0.99, Big5 read as GB18030 about 0.5,
# Shift-JIS read as GB18030 about 0.35. A few characters are too few to judge (掰掰！).
_MIN_PLAUSIBLE_SHARE = 0.5
_MIN_CHARS_TO_JUDGE = 8
_PLAUSIBILITY_SAMPLE_CHARS = 50_000

# Punctuation and Cantonese characters that the codec-derived common sets below lack.
_COMMON_EXTRA = (
    "，。、；：？！「」『』（）《》〈〉【】〔〕…—─·‧“”‘’　～﹏●▲■◆▼"
    "嘅咗喺啲冇嘢佢哋唔係睇咁乜嗰嚟噉畀攞諗"
)


@cache
def _common_characters() -> tuple[frozenset[str], frozenset[str]]:
    """Frequent Simplified and frequent Traditional characters, each with punctuation.

    Taken from the codecs themselves: GB2312 level 1 (rows 0xB0-0xD7, the 3,755 most
    frequent Simplified characters) and Big5's frequent block (0xA440-0xC67E, 5,401
    Traditional characters). A wrong legacy decoding lands mostly outside these sets
    (kana, private use, rare characters) or mixes the two scripts; the right one is
    mostly inside one of them.
    """
    shared = {*_COMMON_EXTRA, *(chr(code) for code in range(0xFF01, 0xFF5F))}
    simplified: set[str] = set(shared)
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            simplified.update(_decode_pair(lead, trail, "gb2312"))
    traditional: set[str] = set(shared)
    big5_trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    for lead in range(0xA4, 0xC7):
        for trail in big5_trails:
            if lead == 0xC6 and trail > 0x7E:  # the frequent block ends at 0xC67E
                break
            traditional.update(_decode_pair(lead, trail, "big5"))
    return frozenset(simplified), frozenset(traditional)


def _decode_pair(lead: int, trail: int, encoding: str) -> str:
    try:
        return bytes((lead, trail)).decode(encoding)
    except UnicodeDecodeError:
        return ""


def _looks_binary(data: bytes) -> bool:
    sample = data[:_BINARY_SAMPLE_BYTES]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > _MAX_CONTROL_SHARE * len(sample)


def _decoded_looks_binary(text: str) -> bool:
    sample = text[:_BINARY_SAMPLE_BYTES]
    if "\x00" in sample:
        return True
    return len(_CONTROL_CHARS.findall(sample)) > _MAX_CONTROL_SHARE * len(sample)


def _plausibility(text: str) -> float:
    """Share of the non-ASCII characters that are frequent in one script (the better one),
    less a penalty for private-use characters and kana."""
    simplified, traditional = _common_characters()
    counts = Counter(text[:_PLAUSIBILITY_SAMPLE_CHARS])
    total = in_simplified = in_traditional = private_use = kana = 0
    for char, count in counts.items():
        if char >= "\x80":
            total += count
            in_simplified += count if char in simplified else 0
            in_traditional += count if char in traditional else 0
            private_use += count if "\ue000" <= char <= "\uf8ff" else 0
            kana += count if "\u3040" <= char <= "\u30ff" else 0
    if not total:
        return 1.0
    # Private-use characters and kana are what one legacy encoding's symbols and
    # punctuation become in the other.
    return (max(in_simplified, in_traditional) - 2 * private_use - kana) / total


@dataclass(frozen=True, slots=True)
class _Candidate:
    encoding: str
    text: str
    score: float  # plausibility, less the share of characters that could not be decoded


def _candidate(encoding: str, text: str, replaced: int = 0) -> _Candidate:
    return _Candidate(encoding, text, _plausibility(text) - replaced / max(1, len(text)))


def _plausible_legacy(data: bytes) -> _Candidate | None:
    """The best legacy decoding of `data`, if it reads like Chinese (or too little to judge)."""
    candidates = _legacy_candidates(data)
    if not candidates:
        return None
    best = max(candidates, key=lambda candidate: candidate.score)
    sample = best.text[:_PLAUSIBILITY_SAMPLE_CHARS]
    non_ascii = len(sample) - len(sample.encode("ascii", errors="ignore"))
    if non_ascii < _MIN_CHARS_TO_JUDGE or best.score >= _MIN_PLAUSIBLE_SHARE:
        return best
    return None


def _legacy_candidates(data: bytes) -> list[_Candidate]:
    strict: list[_Candidate] = []
    for encoding in _LEGACY_ENCODINGS:
        try:
            strict.append(_candidate(encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    if strict:
        return strict
    tolerant: list[_Candidate] = []
    for encoding in _LEGACY_ENCODINGS:
        text = data.decode(encoding, errors="replace")
        replaced = text.count("\ufffd")
        if replaced <= _MAX_REPLACED_SHARE * len(text):
            tolerant.append(_candidate(encoding, text, replaced))
    return tolerant


def decode_bytes(data: bytes, source: str = "<bytes>") -> str:
    """Decode text in UTF-8/16/32 (BOM), UTF-8, GB18030 or Big5-HKSCS, detected.

    A BOM is removed; line endings are left as they are (see `normalise_text`).
    Raises InputError for binary data and for bytes no tried encoding can read.
    """
    for bom, encoding, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(
                    f"{source}: starts with a {name} byte-order mark but is not valid "
                    f"{name} (bad bytes at offset {error.start + len(bom)})"
                ) from None
            if _decoded_looks_binary(text) or "\x00" in text:
                raise InputError(f"{source}: looks like a binary file, not text")
            return text
    # The sample decides for control characters; a NUL anywhere makes it binary (a text
    # with a binary tail would otherwise pass: the sample is the first 64 KB).
    if _looks_binary(data) or b"\x00" in data:
        raise InputError(f"{source}: looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = _plausible_legacy(data)
    if best is not None:
        return best.text
    raise InputError(
        f"{source}: cannot decode the text (tried {_TRIED_ENCODINGS}); "
        "save it as UTF-8 and try again"
    )


def normalise_text(text: str) -> str:
    """CRLF and lone CR to LF, without a leading BOM."""
    return _unify_newlines(text.removeprefix("\ufeff"))


def _unify_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# ---- reading


def _display_name(path: str | Path) -> str:
    return "stdin" if str(path) == STDIN_SOURCE else str(path)


# Every reader of input stops here: endless input (/dev/zero, a pipe that never ends) is
# refused with one line instead of filling memory. The longest books are a few megabytes.
MAX_INPUT_BYTES = 256 << 20
_READ_CHUNK_BYTES = 1 << 20


def _too_long(name: str) -> InputError:
    return InputError(
        f"{name}: longer than {MAX_INPUT_BYTES >> 20} MB, the most reader opens; "
        "split it into parts and try again"
    )


def read_bytes(path: str | Path, *, text: bool = True) -> bytes:
    """The raw bytes of a file, or of stdin for "-"; InputError saying why when impossible.

    Read a chunk at a time: binary data is refused on its first 64 KB (unless `text` is
    False: a book or an archive) and anything longer than `MAX_INPUT_BYTES` when it gets
    there, so neither fills memory first."""
    name = _display_name(path)
    if str(path) == STDIN_SOURCE:
        stream = sys.stdin
        if stream is None:
            raise InputError("stdin: no standard input to read")
        if getattr(stream, "buffer", None) is None:
            decoded = stream.read(MAX_INPUT_BYTES + 1)  # a text-only stream (already decoded)
            if len(decoded) > MAX_INPUT_BYTES:
                raise _too_long(name)
            return str(decoded).encode("utf-8")
    handle = _open_binary(path)
    try:
        head = _read_up_to(handle, _BINARY_SAMPLE_BYTES, name)
        if text and not any(head.startswith(bom) for bom, _, _ in _BOMS) and _looks_binary(head):
            raise InputError(f"{name}: looks like a binary file, not text")
        pieces = [head]
        total = len(head)
        while len(head) == _BINARY_SAMPLE_BYTES:  # else the input has ended
            piece = _read_up_to(handle, _READ_CHUNK_BYTES, name)
            if not piece:
                break
            total += len(piece)
            if total > MAX_INPUT_BYTES:
                raise _too_long(name)
            pieces.append(piece)
        return b"".join(pieces)
    finally:
        if str(path) != STDIN_SOURCE:
            handle.close()


def read_text(path: str | Path) -> str:
    """The decoded, normalised text of a file, or of stdin for "-"."""
    return normalise_text(decode_bytes(read_bytes(path), source=_display_name(path)))


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
    return _document(decode_bytes(data, source=_display_name(path)), source, split)


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
    paragraphs = _paragraphs_by_line(text) if split == "lines" else _paragraphs_by_block(text)
    return Document(
        paragraphs=paragraphs,
        script=detect_script(text),
        doc_id=document_id(text),
        source=source,
        title=_title(paragraphs, source),
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
    name = _display_name(path)
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
        head_data = _read_up_to(handle, head_bytes, name)
        head_end = head_data.rfind(b"\n") + 1
        if (
            head_end == 0
            or b"\r" in head_data
            or _looks_binary(head_data)
            or any(head_data.startswith(bom) for bom, _, _ in _BOMS)
        ):
            handle.close()
            return None
        head = head_data[:head_end].decode("utf-8")
        sample = _script_sample(head)
    except (UnicodeDecodeError, InputError):
        handle.close()
        return None
    if len(sample) < _SCRIPT_SAMPLE_HAN:
        handle.close()
        return None  # the script is judged on more than the head: decode it all now
    problems: list[OSError] = []
    too_long: list[bool] = []
    digest: list[str] = []  # the id: the hash of the bytes, when they are the normalised text
    has_cr: list[bool] = []

    def read_and_hash() -> None:
        """Hash the whole file a chunk at a time, keeping none of it (the rest is read again
        when its paragraphs are made: a book's bytes never sit in memory)."""
        whole = hashlib.sha256(head_data)
        size = len(head_data)
        try:
            with handle:
                while chunk := handle.read(_READ_CHUNK_BYTES):
                    whole.update(chunk)
                    size += len(chunk)
                    if b"\r" in chunk:
                        has_cr.append(True)
                    if size > MAX_INPUT_BYTES:
                        too_long.append(True)
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
            raise _unreadable(file, problems[0])
        if too_long:
            raise _too_long(name)

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
                    chunk = rest_handle.read(_READ_CHUNK_BYTES)
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
            raise _unreadable(file, error) from None
        if digest and again.hexdigest()[:16] != digest[0]:
            raise InputError(f"{name}: changed while it was being read; open it again")

    def rest_lines() -> Iterator[str]:
        return _stream_lines(rest_chunks(), strip_bom=False)

    def doc_id() -> str:
        wait_for_rest()
        if digest and not has_cr:
            return digest[0]
        return document_id(head + _unify_newlines("".join(rest_chunks())))

    return OpenedText(
        head,
        source,
        split,
        doc_id,
        0,
        line_chunk_chars,
        rest_lines=rest_lines,
        script=_script_of_sample(sample),
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
            _line_paragraphs(lines) if split == "lines" else _block_paragraphs(lines)
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
            title=_title(paragraphs, self.source),
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


def document_id(text: str) -> str:
    """Stable id of a text's content: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


_TITLE_CHARS = 20


def _title(paragraphs: tuple[Paragraph, ...], source: str) -> str:
    for paragraph in paragraphs:
        if paragraph.kind is ParagraphKind.HEADING:
            return paragraph.text
    for paragraph in paragraphs:
        text = " ".join(paragraph.text.split())
        if text:
            return text if len(text) <= _TITLE_CHARS else text[:_TITLE_CHARS] + "…"
    if source == STDIN_SOURCE:
        return "stdin"
    return Path(source).name or source


# ---- paragraphs


def _paragraphs_by_line(text: str) -> tuple[Paragraph, ...]:
    return tuple(_line_paragraphs(text.split("\n")))


def _line_paragraphs(lines: Iterable[str]) -> Iterator[Paragraph]:
    """One paragraph per line (a line over 2,000 characters in pieces cut at sentence ends,
    which join back into it); the newline ending the last line does not start another one."""
    index = 0
    previous: str | None = None
    for line in itertools.chain(lines, (None,)):
        if previous is not None and (line is not None or previous):
            for piece in _split_long(previous, verbatim=True) or [previous]:
                yield Paragraph(index=index, kind=ParagraphKind.PARAGRAPH, text=piece)
                index += 1
        previous = line


class _UnitKind(Enum):
    TEXT = "text"
    CAPTION = "caption"
    HEADING = "heading"


@dataclass(frozen=True, slots=True)
class _Unit:
    kind: _UnitKind
    text: str
    heading_level: int = 0


_HEADING = re.compile(r"(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_CAPTION_MARKS = "●▲■◆▼"
# A photo credit: a short line ending in 圖片/相片/照片/攝/供圖 (網上圖片, 記者某某攝),
# or starting with 圖片來源： (图片来源：网络).
_CREDIT = re.compile(
    r".{0,14}(?:圖片|图片|相片|照片|供圖|供图|圖|图|攝|摄)[)）]?"
    r"|(?:圖片|图片|相片|照片)(?:來源|来源)?[:：].{1,12}"
)
_CREDIT_MAX_CHARS = 16
# Marks after which a sentence (or a clause standing for one) is complete; a line ending in
# anything else continues on the next text line. Closing quotes and brackets count too.
_ENDS_SENTENCE = SENTENCE_ENDS | CLOSERS | frozenset("：:.～~")
# A line ending in one of these continues, however short it is.
_CONTINUES = frozenset("，,、—–-") | OPENERS
_LABEL_MAX_CHARS = 20
# Line starts that are whitespace to a reader, including the ideographic indent space.
_INDENT = " \t\v\f\u3000\u00a0"


_KINDS = {
    _UnitKind.TEXT: ParagraphKind.PARAGRAPH,
    _UnitKind.CAPTION: ParagraphKind.CAPTION,
    _UnitKind.HEADING: ParagraphKind.HEADING,
}


def _paragraphs_by_block(text: str) -> tuple[Paragraph, ...]:
    return tuple(_block_paragraphs(text.split("\n")))


def _block_paragraphs(lines: Iterable[str]) -> Iterator[Paragraph]:
    index = 0
    for unit in _joined(_units(lines)):
        # Headings and captions too: a line with no break can be megabytes long.
        for piece in _split_long(unit.text):
            yield Paragraph(index, _KINDS[unit.kind], piece, unit.heading_level)
            index += 1


# A text with no line breaks (or none at sentence ends) would otherwise be one huge
# paragraph, and the pipeline annotates paragraph by paragraph.
_MAX_PARAGRAPH_CHARS = 2000


def _split_long(text: str, *, verbatim: bool = False) -> list[str]:
    """Cut a very long paragraph at sentence ends into pieces of at most 2,000 characters
    (a sentence longer than that is cut every 2,000 characters). The pieces are stripped of
    the spaces between them, or, `verbatim`, cover the text exactly."""
    if len(text) <= _MAX_PARAGRAPH_CHARS:
        return [text]
    cuts = [0]  # where each piece starts
    for start, end in split_sentences(text):
        while end - start > _MAX_PARAGRAPH_CHARS:  # a sentence too long on its own
            if start > cuts[-1]:
                cuts.append(start)
            start += _MAX_PARAGRAPH_CHARS
            cuts.append(start)
        if end - cuts[-1] > _MAX_PARAGRAPH_CHARS and start > cuts[-1]:
            cuts.append(start)
    pieces = [text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
    if verbatim:
        return [piece for piece in pieces if piece]
    return [stripped for piece in pieces if (stripped := piece.strip())]


def _units(lines: Iterable[str]) -> Iterator[_Unit]:
    """Headings, captions and text lines, in order, markup removed."""
    caption: list[str] = []  # lines of the caption being collected, within one block
    for raw_line in lines:
        line = raw_line.strip(_INDENT)
        if not line:
            if caption:
                yield _Unit(_UnitKind.CAPTION, "\n".join(caption))
                caption = []
            continue
        heading = _HEADING.fullmatch(line) if line[0] == "#" else None
        if heading:
            if caption:
                yield _Unit(_UnitKind.CAPTION, "\n".join(caption))
                caption = []
            title = _unbold(heading.group(2)).strip()
            if title:
                yield _Unit(_UnitKind.HEADING, title, len(heading.group(1)))
            continue
        line = _unbold(line)
        if line[0] in _CAPTION_MARKS:
            if caption:
                yield _Unit(_UnitKind.CAPTION, "\n".join(caption))
            caption = [line]
        elif caption or _is_credit(line):
            caption.append(line)
            if caption[0][0] not in _CAPTION_MARKS:  # a credit line on its own
                yield _Unit(_UnitKind.CAPTION, "\n".join(caption))
                caption = []
        else:
            yield _Unit(_UnitKind.TEXT, line)
    if caption:
        yield _Unit(_UnitKind.CAPTION, "\n".join(caption))


def _unbold(line: str) -> str:
    return _BOLD.sub(r"\1", line) if "**" in line else line


def _is_credit(line: str) -> bool:
    return len(line) <= _CREDIT_MAX_CHARS and _CREDIT.fullmatch(line) is not None


def _continues(text: str) -> bool:
    """Does this text line end mid-sentence, so that the next text line carries it on?"""
    last = text[-1]
    if last in _CONTINUES:
        return True
    if last in _ENDS_SENTENCE:
        return False
    return len(text) > _LABEL_MAX_CHARS


def _joined(units: Iterable[_Unit]) -> Iterator[_Unit]:
    """Rejoin text lines broken mid-sentence; captions in between follow the joined text."""
    pending: str | None = None  # text waiting for its continuation
    held: list[_Unit] = []  # captions met while waiting
    for unit in units:
        if unit.kind is _UnitKind.CAPTION:
            if pending is None:
                yield unit
            else:
                held.append(unit)
            continue
        if unit.kind is _UnitKind.TEXT:
            pending = unit.text if pending is None else _concatenate(pending, unit.text)
            if _continues(pending):
                continue
        if pending is not None:  # complete, or cut short by a heading
            yield _Unit(_UnitKind.TEXT, pending)
            pending = None
        yield from held
        held = []
        if unit.kind is _UnitKind.HEADING:
            yield unit
    if pending is not None:
        yield _Unit(_UnitKind.TEXT, pending)
    yield from held


def _concatenate(before: str, after: str) -> str:
    """Join two pieces of one sentence: nothing between Chinese, a space between words."""
    if before[-1] < "\u2e80" and after[0] < "\u2e80":
        return f"{before} {after}"
    return before + after


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
    first, rest = _open_chunks(path, head_bytes, chunk_bytes)
    lines = _stream_lines(itertools.chain((first,), rest))
    paragraphs = _line_paragraphs(lines) if split == "lines" else _block_paragraphs(lines)
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
    first, rest = _open_chunks(path, head_bytes, chunk_bytes)
    return _stream_lines(itertools.chain((first,), rest))


def _open_chunks(path: str | Path, head_bytes: int, chunk_bytes: int) -> tuple[str, Iterator[str]]:
    """The decoded head of a file, and an iterator over the decoded rest."""
    name = _display_name(path)
    head_bytes = max(head_bytes, len(codecs.BOM_UTF32))  # the longest BOM fits in the head
    handle = _open_binary(path)
    try:
        head = _read_up_to(handle, head_bytes, name)
        if len(head) < head_bytes:  # the whole text: decoded exactly as load_path does
            handle.close()
            return decode_bytes(head, source=name), iter(())
        encoding, skip, errors = _stream_encoding(head, name)
        decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
        first = _decode_chunk(decoder, head[skip:], skip, encoding, name)
        return first, _decoded_chunks(handle, decoder, len(head), encoding, name, chunk_bytes)
    except BaseException:
        handle.close()
        raise


def _unreadable(file: Path, error: OSError) -> InputError:
    """Why a file cannot be opened, said on one line."""
    if isinstance(error, FileNotFoundError):
        return InputError(f"{file}: no such file")
    if isinstance(error, IsADirectoryError):
        return InputError(f"{file}: is a directory, not a text file")
    if isinstance(error, PermissionError):
        return InputError(f"{file}: permission denied, cannot read it")
    reason = error.strerror or error.__class__.__name__
    return InputError(f"{file}: cannot read it ({reason})")


def _open_binary(path: str | Path) -> BinaryIO:
    if str(path) == STDIN_SOURCE:
        stream = sys.stdin
        buffer = getattr(stream, "buffer", None) if stream is not None else None
        if buffer is None:
            raise InputError("stdin: no standard input to read")
        return cast(BinaryIO, buffer)
    file = Path(path)
    try:
        if file.is_dir():
            raise IsADirectoryError
        return file.open("rb")
    except OSError as error:
        raise _unreadable(file, error) from None


def _read_up_to(handle: BinaryIO, size: int, name: str) -> bytes:
    """Up to `size` bytes (fewer only at the end of the input)."""
    pieces: list[bytes] = []
    wanted = size
    try:
        while wanted > 0:
            piece = handle.read(wanted)
            if not piece:
                break
            pieces.append(piece)
            wanted -= len(piece)
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        raise InputError(f"{name}: cannot read it ({reason})") from None
    return b"".join(pieces)


def _stream_encoding(head: bytes, name: str) -> tuple[str, int, str]:
    """(codec, BOM length to skip, error handling) for a long input, judged on its head."""
    for bom, encoding, _ in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom), "strict"
    if _looks_binary(head):
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", 0, "strict"
    except UnicodeDecodeError:
        pass
    # Legacy encodings never use a newline byte inside a character: cut the head there.
    whole_lines = head[: head.rfind(b"\n") + 1] or head
    best = _plausible_legacy(whole_lines)
    if best is not None:
        try:
            whole_lines.decode(best.encoding)
            return best.encoding, 0, "strict"
        except UnicodeDecodeError:
            return best.encoding, 0, "replace"
    raise InputError(
        f"{name}: cannot decode the text (tried {_TRIED_ENCODINGS}); save it as UTF-8 and try again"
    )


def _decode_chunk(
    decoder: codecs.IncrementalDecoder,
    data: bytes,
    offset: int,
    encoding: str,
    name: str,
    final: bool = False,
) -> str:
    carried = len(decoder.getstate()[0])  # bytes of a character begun in the last chunk
    try:
        text: str = decoder.decode(data, final=final)
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name}: bytes at offset {offset - carried + error.start} are not {encoding} like the "
            "start of the text; save it as UTF-8 and try again"
        ) from None
    if "\x00" in text:
        raise InputError(f"{name}: looks like a binary file, not text")
    return text


def _decoded_chunks(
    handle: BinaryIO,
    decoder: codecs.IncrementalDecoder,
    offset: int,
    encoding: str,
    name: str,
    chunk_bytes: int,
) -> Iterator[str]:
    try:
        while True:
            data = _read_up_to(handle, chunk_bytes, name)
            if offset + len(data) > MAX_INPUT_BYTES:
                raise _too_long(name)
            yield _decode_chunk(decoder, data, offset, encoding, name, final=not data)
            if not data:
                return
            offset += len(data)
    finally:
        handle.close()


def _stream_lines(chunks: Iterable[str], *, strip_bom: bool = True) -> Iterator[str]:
    """The lines of a text arriving in pieces, exactly as `normalise_text(text).split("\\n")`."""
    pending = ""
    started = not strip_bom  # the rest of a text: a U+FEFF there is text
    for chunk in chunks:
        if not started and chunk:
            chunk = chunk.removeprefix("\ufeff")
            started = True
        pending += chunk
        held = ""
        if pending.endswith("\r"):  # may be the first half of a CRLF split between chunks
            pending, held = pending[:-1], "\r"
        if "\r" in pending:
            pending = pending.replace("\r\n", "\n").replace("\r", "\n")
        *complete, last = pending.split("\n")
        yield from complete
        pending = last + held
    yield from pending.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# ---- script


_SCRIPT_SAMPLE_HAN = 20_000
# Traditional text has 20-35% Traditional-only characters (measured on news, subtitles,
# LegCo and Wikipedia); Simplified text has about none. Above this share, it is settled.
_CLEARLY_TRADITIONAL_SHARE = 0.1


def _script_sample(text: str) -> list[str]:
    """The first `_SCRIPT_SAMPLE_HAN` Han characters of `text` (fewer if it has fewer),
    found a growing piece at a time (findall makes no match objects)."""
    found: list[str] = []
    start, step = 0, 2 * _SCRIPT_SAMPLE_HAN
    while len(found) < _SCRIPT_SAMPLE_HAN and start < len(text):
        found += HAN_CHARACTER.findall(text, start, start + step)
        start, step = start + step, 2 * step
    return found[:_SCRIPT_SAMPLE_HAN]


def detect_script(text: str) -> Script:
    """Traditional, Simplified, or UNKNOWN when nothing tells them apart.

    Counts characters that only one script uses, over the first 20,000 Han characters:
    those OpenCC's t2s changes are Traditional; those t2s keeps but s2hk changes are
    Simplified. s2hk rather than s2t, because s2t also "converts" forms Hong Kong writes
    itself (台, 温, 户); 着 and 裏 are kept by both.
    """
    return _script_of_sample(_script_sample(text))


def _script_of_sample(sample: list[str]) -> Script:
    counts = Counter(sample)
    if not counts:
        return Script.UNKNOWN
    chars = list(counts)
    simplified = convert_each(chars, "t2s")
    if simplified is None:
        return Script.UNKNOWN  # cannot happen with OpenCC's shipped configs
    traditional_votes = sum(
        counts[char] for char, converted in zip(chars, simplified, strict=True) if converted != char
    )
    if traditional_votes >= _CLEARLY_TRADITIONAL_SHARE * counts.total():
        return Script.TRADITIONAL  # no need to load s2hk (its phrase table costs ~0.1 s)
    hong_kong = convert_each(chars, "s2hk")
    if hong_kong is None:
        return Script.UNKNOWN
    simplified_votes = sum(
        counts[char]
        for char, to_simplified, to_hong_kong in zip(chars, simplified, hong_kong, strict=True)
        if to_simplified == char and to_hong_kong != char
    )
    if traditional_votes > simplified_votes:
        return Script.TRADITIONAL
    if simplified_votes > traditional_votes:
        return Script.SIMPLIFIED
    return Script.UNKNOWN
