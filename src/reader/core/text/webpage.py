"""Web pages saved from a browser (.html): the article's main text, without the navigation,
related links, comments and footer around it.

The main text is found by readability-lxml (the algorithm of Firefox's Reader View) and
made into paragraphs by `reader.core.text.markup`. Chosen over trafilatura by measurement
(`benchmarks/html_extraction.py`, 85 pages in five layouts, Han characters): F1 0.995 against
0.971, precision 0.990 against 0.944 (trafilatura keeps wiki navigation boxes and forum
replies), 1.7 against 2.2 ms a page, and ~3 MB installed beside lxml against ~50 MB
(trafilatura brings babel, dateparser, regex, justext...).

The page's title (its <title>, without the site name readability recognises) is the first
paragraph, as a heading, unless the article starts with it already.
"""

from __future__ import annotations

import codecs
import re

from reader.core.errors import InputError
from reader.core.models import Paragraph, ParagraphKind
from reader.core.text.decode import decode_bytes
from reader.core.text.markup import Block, markup_blocks, parse_markup

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
# Pages declare the narrower legacy charsets; their supersets read every such page.
_WIDER_CHARSET = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "x-gbk": "gb18030"}
_CHARSET_SNIFF_BYTES = 4096


def decode_page(data: bytes, source: str) -> str:
    """The page's text: by its BOM, else its declared charset, else as plain text is decoded."""
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = data[:_CHARSET_SNIFF_BYTES]
        declared = _DECLARED_CHARSET.search(head) or _XML_ENCODING.search(head)
        if declared is not None:
            name = declared.group(1).decode("ascii", "replace").lower()
            try:
                return data.decode(_WIDER_CHARSET.get(name, name))
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common: detect instead
    return decode_bytes(data, source=source)


def page_paragraphs(page: str, source: str) -> tuple[str, tuple[Paragraph, ...]]:
    """(title, paragraphs) of a page's main text. InputError when the page has none."""
    from readability import Document
    from readability.readability import Unparseable

    if parse_markup(page) is None:
        raise InputError(f"{source}: an empty HTML page, there is no text to read")
    try:
        article = Document(page)
        summary = article.summary(html_partial=True)
        title = " ".join(article.short_title().split())
    except (Unparseable, ValueError, TypeError) as error:
        raise InputError(f"{source}: cannot read this HTML page ({error})") from None
    root = parse_markup(summary)
    blocks = markup_blocks(root).blocks if root is not None else []
    if not any(_has_letters(block.text) for block in blocks):
        raise InputError(f"{source}: no main text found in this HTML page")
    if title and not (blocks and title in blocks[0].text):
        blocks.insert(0, Block(ParagraphKind.HEADING, title, 1))
    paragraphs = tuple(
        Paragraph(index, block.kind, block.text, block.heading_level)
        for index, block in enumerate(blocks)
    )
    return title, paragraphs


def _has_letters(text: str) -> bool:
    return any(character.isalnum() for character in text)
