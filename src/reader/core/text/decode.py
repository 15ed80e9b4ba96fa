"""Input bytes into text: the one decoder for files and standard input, whole or in chunks.

Decoding: a BOM decides (UTF-8, UTF-16, UTF-32); then strict UTF-8; then GB18030 and
Big5-HKSCS are both tried and the more plausible result wins: the share of its non-ASCII
characters that are frequent characters of one script (or punctuation), less a penalty for
private-use characters and kana, which is what the other encoding's punctuation turns into.
If neither decodes strictly, one with at most 0.1% bad bytes is accepted. Data with NUL
bytes or many control characters is refused as binary; so is a decoding that still looks
like garbage (e.g. Shift-JIS).

Normalisation: CRLF and lone CR become LF and a leading BOM is dropped.

A long input is read in chunks: the encoding is judged on its head (a file no longer than
the head is decoded exactly as a whole one), and anything over `MAX_INPUT_BYTES` is refused
when it gets there, so endless input never fills memory.
"""

from __future__ import annotations

import codecs
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal, cast

from reader.core.errors import InputError

if TYPE_CHECKING:
    pass

SplitMode = Literal["blocks", "lines"]
SPLIT_MODES: tuple[SplitMode, ...] = ("blocks", "lines")


# ---- decoding

STDIN_SOURCE = "-"


BOMS: tuple[tuple[bytes, str, str], ...] = (
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


def looks_binary(data: bytes) -> bool:
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
    for bom, encoding, name in BOMS:
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
    if looks_binary(data) or b"\x00" in data:
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
    return unify_newlines(text.removeprefix("\ufeff"))


def unify_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# ---- reading files and standard input, whole or in chunks


def display_name(path: str | Path) -> str:
    return "stdin" if str(path) == STDIN_SOURCE else str(path)


# Every reader of input stops here: endless input (/dev/zero, a pipe that never ends) is
# refused with one line instead of filling memory. The longest books are a few megabytes.
MAX_INPUT_BYTES = 256 << 20
READ_CHUNK_BYTES = 1 << 20


def too_long(name: str) -> InputError:
    return InputError(
        f"{name}: longer than {MAX_INPUT_BYTES >> 20} MB, the most reader opens; "
        "split it into parts and try again"
    )


def over_the_limit(size: int) -> bool:
    """Whether `size` bytes of input are more than reader reads (`MAX_INPUT_BYTES`)."""
    return size > MAX_INPUT_BYTES


def read_bytes(path: str | Path, *, text: bool = True) -> bytes:
    """The raw bytes of a file, or of stdin for "-"; InputError saying why when impossible.

    Read a chunk at a time: binary data is refused on its first 64 KB (unless `text` is
    False: a book or an archive) and anything longer than `MAX_INPUT_BYTES` when it gets
    there, so neither fills memory first."""
    name = display_name(path)
    if str(path) == STDIN_SOURCE:
        stream = sys.stdin
        if stream is None:
            raise InputError("stdin: no standard input to read")
        if getattr(stream, "buffer", None) is None:
            decoded = stream.read(MAX_INPUT_BYTES + 1)  # a text-only stream (already decoded)
            if len(decoded) > MAX_INPUT_BYTES:
                raise too_long(name)
            return str(decoded).encode("utf-8")
    handle = _open_binary(path)
    try:
        head = read_up_to(handle, _BINARY_SAMPLE_BYTES, name)
        if text and not any(head.startswith(bom) for bom, _, _ in BOMS) and looks_binary(head):
            raise InputError(f"{name}: looks like a binary file, not text")
        pieces = [head]
        total = len(head)
        while len(head) == _BINARY_SAMPLE_BYTES:  # else the input has ended
            piece = read_up_to(handle, READ_CHUNK_BYTES, name)
            if not piece:
                break
            total += len(piece)
            if total > MAX_INPUT_BYTES:
                raise too_long(name)
            pieces.append(piece)
        return b"".join(pieces)
    finally:
        if str(path) != STDIN_SOURCE:
            handle.close()


def read_text(path: str | Path) -> str:
    """The decoded, normalised text of a file, or of stdin for "-"."""
    return normalise_text(decode_bytes(read_bytes(path), source=display_name(path)))


def open_chunks(path: str | Path, head_bytes: int, chunk_bytes: int) -> tuple[str, Iterator[str]]:
    """The decoded head of a file, and an iterator over the decoded rest."""
    name = display_name(path)
    head_bytes = max(head_bytes, len(codecs.BOM_UTF32))  # the longest BOM fits in the head
    handle = _open_binary(path)
    try:
        head = read_up_to(handle, head_bytes, name)
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


def unreadable(file: Path, error: OSError) -> InputError:
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
        raise unreadable(file, error) from None


def read_up_to(handle: BinaryIO, size: int, name: str) -> bytes:
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
    for bom, encoding, _ in BOMS:
        if head.startswith(bom):
            return encoding, len(bom), "strict"
    if looks_binary(head):
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
            data = read_up_to(handle, chunk_bytes, name)
            if offset + len(data) > MAX_INPUT_BYTES:
                raise too_long(name)
            yield _decode_chunk(decoder, data, offset, encoding, name, final=not data)
            if not data:
                return
            offset += len(data)
    finally:
        handle.close()


def lines_of_chunks(chunks: Iterable[str], *, strip_bom: bool = True) -> Iterator[str]:
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
