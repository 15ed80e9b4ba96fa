"""A text's paragraphs.

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

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Literal

from reader.core.models import Paragraph, ParagraphKind
from reader.core.text.sentences import CLOSERS, OPENERS, SENTENCE_ENDS, split_sentences

if TYPE_CHECKING:
    pass

SplitMode = Literal["blocks", "lines"]
SPLIT_MODES: tuple[SplitMode, ...] = ("blocks", "lines")


# ---- paragraphs


def paragraphs_by_line(text: str) -> tuple[Paragraph, ...]:
    return tuple(line_paragraphs(text.split("\n")))


def line_paragraphs(lines: Iterable[str]) -> Iterator[Paragraph]:
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


def paragraphs_by_block(text: str) -> tuple[Paragraph, ...]:
    return tuple(block_paragraphs(text.split("\n")))


def block_paragraphs(lines: Iterable[str]) -> Iterator[Paragraph]:
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
