"""Plain-text interlinear rendering for `reader annotate --format text`: a pinyin row over a
hanzi row, each word a column as wide as the wider of the two, packed to a width."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from reader.core.models import AnnotatedParagraph, ParagraphKind, Token, TokenKind
from reader.core.pinyin import PinyinStyle, format_syllable


@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    """Terminal cells a character takes: 2 for wide/full-width, 0 for combining and controls."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Cc", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    return sum(char_cells(char) for char in text)


def word_pinyin(token: Token, style: PinyinStyle = PinyinStyle.MARKS) -> str:
    """A Han word's reading as one unit (syllables joined, as pinyin is written)."""
    separator = " " if style is PinyinStyle.ZHUYIN else ""
    return separator.join(format_syllable(s, style) for s in token.pinyin_numbered)


def interlinear_lines(paragraph: AnnotatedParagraph, width: int = 100) -> list[str]:
    """Lines of text: for each packed line, the pinyin row then the hanzi row."""
    columns: list[tuple[str, str]] = []
    for token in paragraph.tokens:
        if token.kind is TokenKind.SPACE:
            continue
        reading = word_pinyin(token) if token.is_han else ""
        columns.append((reading, token.text))
    is_heading = paragraph.kind is ParagraphKind.HEADING
    prefix = "#" * paragraph.paragraph.heading_level + " " if is_heading else ""
    lines: list[str] = []
    top, bottom, used = [" " * len(prefix)], [prefix], len(prefix)

    def flush() -> None:
        pinyin_row = "".join(top).rstrip()
        lines.extend([pinyin_row, "".join(bottom).rstrip()] if pinyin_row else ["".join(bottom)])

    for reading, hanzi in columns:
        column = max(cell_width(reading), cell_width(hanzi))
        if used and used + column + 1 > width:
            flush()
            top, bottom, used = [], [], 0
        top.append(reading + " " * (column - cell_width(reading) + 1))
        bottom.append(hanzi + " " * (column - cell_width(hanzi) + 1))
        used += column + 1
    if columns:
        flush()
    return lines or [paragraph.text]
