"""HTML and XHTML markup to paragraphs: what an EPUB chapter and a web page's main text share.

A block element (p, h1-h6, li, blockquote, div...) ends the paragraph before it and starts
its own; the text of inline elements (span, a, b, ruby...) runs on inside its block.
Headings become HEADING paragraphs with their level, figure captions CAPTION paragraphs.
Scripts, styles and ruby annotations (<rt>, <rp>: the pinyin or zhuyin some Chinese books
print over the characters) are not text to read and are left out.

Whitespace follows HTML: runs of spaces and line breaks are one space, and that space is
dropped between two Chinese characters (source files wrap Chinese lines anywhere). <br>
is a line break kept inside the paragraph (poems, dialogue); <pre> keeps its lines.
`id` attributes are remembered with the paragraph they lead to, so a table of contents
entry `chapter.xhtml#part2` finds its paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from reader.core.models import ParagraphKind

_BLOCKS = frozenset(
    (
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    )
)
_SKIPPED = frozenset(
    ("head", "script", "style", "noscript", "template", "rt", "rp", "title", "svg", "math")
)
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_SPACES = re.compile(r"[ \t\n\r\f\v\u00a0]+")
# A space the source's line wrapping put between two CJK characters (or CJK punctuation).
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f"
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of markup: its kind, text and heading level (0 if not a heading)."""

    kind: ParagraphKind
    text: str
    heading_level: int = 0


@dataclass(slots=True)
class MarkupText:
    """The blocks of one document, and the block index each element id leads to."""

    blocks: list[Block] = field(default_factory=list)
    anchors: dict[str, int] = field(default_factory=dict)


def parse_markup(data: bytes | str, encoding: str | None = None) -> etree._Element | None:
    """The root element of an HTML or XHTML document, parsed leniently; None if it has none.

    Text is parsed as it is; bytes in `encoding`, or without one in the encoding their
    <meta charset> or XML declaration names (libxml2 reads those), else as Latin-1.
    """
    if isinstance(data, str):
        data, encoding = data.encode("utf-8"), "utf-8"
    if not data.strip():
        return None
    try:
        # libxml2's HTML parser reads XHTML too and recovers from broken markup.
        parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, encoding=encoding)
        return lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, LookupError):
        return None


def markup_blocks(root: etree._Element) -> MarkupText:
    """The paragraphs of a parsed document (its <body>, or the whole tree without one)."""
    body = root.find(".//body")
    walker = _Walker()
    walker.walk(body if body is not None else root)
    walker.flush()
    return walker.result


def _local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):  # comments, processing instructions, entities
        return ""
    return tag.rsplit("}", 1)[-1].lower()


class _Walker:
    def __init__(self) -> None:
        self.result = MarkupText()
        self._pieces: list[str] = []
        self._kinds: list[tuple[ParagraphKind, int]] = [(ParagraphKind.PARAGRAPH, 0)]
        self._pending_anchors: list[str] = []
        self._preformatted = 0

    def walk(self, element: etree._Element) -> None:
        name = _local_name(element)
        if not name or name in _SKIPPED:
            return
        anchor = element.get("id") or (element.get("name") if name == "a" else None)
        if anchor:
            self._pending_anchors.append(anchor)
        if name == "br":
            self._pieces.append("\n")
            return
        block = name in _BLOCKS
        if block:
            self.flush()
            self._kinds.append(_block_kind(name, self._kinds[-1]))
        if name == "pre":
            self._preformatted += 1
        if element.text:
            self._add(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self._add(child.tail)
        if name == "pre":
            self._preformatted -= 1
        if block:
            self.flush()
            self._kinds.pop()

    def _add(self, text: str) -> None:
        self._pieces.append(text if self._preformatted else _SPACES.sub(" ", text))

    def flush(self) -> None:
        text = _tidy("".join(self._pieces), preformatted=self._preformatted > 0)
        self._pieces = []
        if not text:
            return
        index = len(self.result.blocks)
        for anchor in self._pending_anchors:
            self.result.anchors.setdefault(anchor, index)
        self._pending_anchors = []
        kind, level = self._kinds[-1]
        self.result.blocks.append(Block(kind, text, level))


def _block_kind(name: str, enclosing: tuple[ParagraphKind, int]) -> tuple[ParagraphKind, int]:
    if name in _HEADINGS:
        return ParagraphKind.HEADING, _HEADINGS[name]
    if name in ("figcaption", "caption"):
        return ParagraphKind.CAPTION, 0
    # A <div> inside a heading or caption is still part of it.
    return enclosing if enclosing[0] is not ParagraphKind.PARAGRAPH else (enclosing[0], 0)


def _tidy(text: str, *, preformatted: bool) -> str:
    """Lines stripped, blank ones dropped; spaces between Chinese characters removed."""
    lines: Iterator[str] = (line.strip() for line in text.split("\n"))
    kept = [line for line in lines if line]
    if not preformatted:
        kept = [_SPACE_BETWEEN_CJK.sub("", line) for line in kept]
    return "\n".join(kept)
