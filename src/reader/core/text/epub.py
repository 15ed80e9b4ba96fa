"""EPUB books (2 and 3) read with ebooklib: the spine's chapters in reading order, each one's
paragraphs from its XHTML (`reader.core.text.markup`), and the book's table of contents.

The table of contents is the book's own (EPUB 3 nav or EPUB 2 NCX), each entry pointing at
the paragraph its link leads to (the chapter's first paragraph, or the element its `#id`
names). A book without one gets an entry per chapter, titled by its first heading.

Chapters are parsed when their paragraphs are asked for (`EpubBook.paragraphs` is lazy), so
the reading screen can show the first chapter of a long book before the rest is parsed; the
table of contents needs every chapter's paragraph count, so it is complete once they are.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import urllib.parse
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.core.errors import InputError
from reader.core.models import Paragraph, ParagraphKind, Section
from reader.core.text.markup import Block, markup_blocks, parse_markup


@dataclass(frozen=True, slots=True)
class _Chapter:
    href: str  # the chapter file's path inside the book, as the spine names it
    content: bytes


@dataclass(frozen=True, slots=True)
class _TocLink:
    title: str
    href: str  # chapter path, with an optional #fragment
    level: int


class EpubBook:
    """An opened EPUB: its title, and its paragraphs and contents made chapter by chapter."""

    def __init__(self, path: Path, data: bytes | None = None) -> None:
        self.path = path
        self.title, self._chapters, self._toc = _read_book(path, data)
        # Where each chapter starts, and its anchors' paragraph indexes, as chapters are made.
        self._chapter_starts: dict[str, int] = {}
        self._anchors: dict[tuple[str, str], int] = {}
        self._chapter_titles: list[tuple[str, int]] = []
        self._made = 0
        self._done = False

    def paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph in reading order, chapter by chapter (parsed as they are reached).
        Call once."""
        for chapter in self._chapters:
            root = parse_markup(chapter.content, _xml_encoding(chapter.content))
            if root is None:
                continue
            text = markup_blocks(root)
            if not text.blocks:
                continue
            start = self._made
            self._chapter_starts[chapter.href] = start
            for anchor, offset in text.anchors.items():
                self._anchors[(chapter.href, anchor)] = start + offset
            self._chapter_titles.append((_chapter_title(text.blocks), start))
            for offset, block in enumerate(text.blocks):
                yield Paragraph(start + offset, block.kind, block.text, block.heading_level)
            self._made = start + len(text.blocks)
        self._done = True

    def contents(self) -> tuple[Section, ...]:
        """The table of contents over the chapters made so far (all of them once
        `paragraphs` is exhausted)."""
        sections: list[Section] = []
        for link in self._toc:
            index = self._link_target(link.href)
            if index is not None:
                sections.append(Section(link.title, index, link.level))
        if not sections:  # no usable table of contents: one entry per chapter
            sections = [Section(title, start) for title, start in self._chapter_titles if title]
        return tuple(sections)

    def _link_target(self, href: str) -> int | None:
        chapter, _, fragment = href.partition("#")
        if fragment and (chapter, fragment) in self._anchors:
            return self._anchors[(chapter, fragment)]
        return self._chapter_starts.get(chapter)


_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)""")


def _xml_encoding(content: bytes) -> str:
    """A chapter's encoding: as its XML declaration says, else UTF-8 (or UTF-16 by its BOM),
    as the EPUB standard has it."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    declared = _XML_DECLARED.match(content.removeprefix(codecs.BOM_UTF8))
    return declared.group(1).decode("ascii").lower() if declared else "utf-8"


def _read_book(path: Path, data: bytes | None) -> tuple[str, list[_Chapter], list[_TocLink]]:
    import io

    from ebooklib import ITEM_DOCUMENT, epub

    source: Any = io.BytesIO(data) if data is not None else str(path)
    try:
        zipfile.ZipFile(source).close()
    except (zipfile.BadZipFile, OSError):
        raise InputError(
            f"{path}: not a readable EPUB (the file is truncated or is not a ZIP archive)"
        ) from None
    except zipfile.LargeZipFile:
        raise InputError(f"{path}: not a readable EPUB (a ZIP64 archive)") from None
    try:
        with warnings.catch_warnings():  # ebooklib warns about its own future defaults
            warnings.simplefilter("ignore")
            book = epub.read_epub(source, {"ignore_ncx": False})
    except zipfile.BadZipFile:
        raise InputError(
            f"{path}: not a readable EPUB (the file is truncated or is not a ZIP archive)"
        ) from None
    except (KeyError, epub.EpubException, ValueError, IndexError, AttributeError) as error:
        detail = str(error).strip("'\" ") or error.__class__.__name__
        raise InputError(f"{path}: not a readable EPUB ({detail})") from None
    except Exception as error:  # lxml, zlib: anything a damaged book can raise
        raise InputError(
            f"{path}: not a readable EPUB ({error.__class__.__name__}: {error})"
        ) from None
    chapters: list[_Chapter] = []
    # ebooklib's get_item_with_id searches the items one by one, and get_content serialises
    # a chapter again: by id, and the bytes as read.
    items = {item.id: item for item in book.get_items()}
    for idref, _linear in book.spine:
        item = items.get(idref)
        if item is None or item.get_type() != ITEM_DOCUMENT or _is_navigation(item):
            continue
        content = item.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        chapters.append(_Chapter(item.get_name(), content or b""))
    if not chapters:
        raise InputError(f"{path}: not a readable EPUB (its spine lists no chapter)")
    titles = book.get_metadata("DC", "title")
    title = str(titles[0][0]).strip() if titles and titles[0] and titles[0][0] else ""
    return title, chapters, list(_toc_links(book.toc, level=1))


def _is_navigation(item: Any) -> bool:
    """The EPUB 3 table of contents page: its list is the book's contents, not its text."""
    from ebooklib import epub

    return isinstance(item, epub.EpubNav) or "nav" in (getattr(item, "properties", None) or ())


def _toc_links(entries: Any, level: int) -> Iterator[_TocLink]:
    from ebooklib import epub

    if not isinstance(entries, list | tuple):  # ebooklib gives a lone NCX entry bare
        entries = [entries] if entries else []
    for entry in entries:
        if isinstance(entry, tuple | list) and len(entry) == 2:
            head, children = entry
            yield from _toc_links([head], level)
            yield from _toc_links(children, level + 1)
        elif isinstance(entry, epub.Link | epub.Section):
            href = getattr(entry, "href", "") or ""
            title = " ".join(str(entry.title or "").split())
            if href and title:
                yield _TocLink(title, _normalise_href(href), level)


def _normalise_href(href: str) -> str:
    """A link as a chapter path inside the book (ebooklib names items relative to the OPF's
    folder, as the table of contents' links are)."""
    path, _, fragment = urllib.parse.unquote(href).partition("#")
    path = posixpath.normpath(path) if path else path
    return f"{path}#{fragment}" if fragment else path


_CHAPTER_TITLE_CHARS = 30


def _chapter_title(blocks: list[Block]) -> str:
    heading = next((b for b in blocks if b.kind is ParagraphKind.HEADING), None)
    text = " ".join((heading or blocks[0]).text.split())
    return text if len(text) <= _CHAPTER_TITLE_CHARS else text[:_CHAPTER_TITLE_CHARS] + "…"
