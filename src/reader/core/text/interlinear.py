"""Plain-text interlinear rendering for `reader annotate --format text`: a pinyin row over a
hanzi row, each word a column as wide as the wider of the two, packed to a width."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from reader.core.engine.syllables import PinyinStyle, format_word
from reader.core.models import AnnotatedParagraph, ParagraphKind, TokenKind
from reader.core.text.layout import item_for_token, pack


@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    """Terminal cells a character takes: 2 for wide/full-width, 0 for combining and controls."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Cc", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    return sum(char_cells(char) for char in text)


def interlinear_lines(
    paragraph: AnnotatedParagraph,
    width: int = 100,
    readings: Sequence[Sequence[str]] | None = None,
) -> list[str]:
    """Lines of text: for each packed line, the pinyin row then the hanzi row (the pinyin row
    is left out where a line has no Han word). `readings` are the syllables to show per token
    (`reader.core.engine.tones.shown_readings`; each token's standard reading by default),
    written as dictionaries write them (Xī'ān, Wáng Yì, péngyou)."""
    tokens = paragraph.tokens
    syllables = readings or [token.pinyin_numbered for token in tokens]
    written = [
        format_word(reading, PinyinStyle.MARKS) if token.is_han else ""
        for token, reading in zip(tokens, syllables, strict=True)
    ]
    column_widths = [
        max(cell_width(reading), cell_width(token.text))
        for token, reading in zip(tokens, written, strict=True)
    ]
    items = tuple(
        item_for_token(token, column) for token, column in zip(tokens, column_widths, strict=True)
    )
    is_heading = paragraph.kind is ParagraphKind.HEADING
    prefix = "#" * paragraph.paragraph.heading_level + " " if is_heading else ""
    lines: list[str] = []
    for number, line in enumerate(pack(items, max(1, width - len(prefix)))):
        indent = prefix if number == 0 else " " * len(prefix)
        top, bottom = [" " * len(prefix)], [indent]
        x = 0
        for placed in line.columns:
            token, reading = tokens[placed.index], written[placed.index]
            hanzi = token.text if token.kind is not TokenKind.SPACE else " " * placed.width
            padding = " " * (placed.x - x)
            top.append(padding + reading + " " * (placed.width - cell_width(reading)))
            bottom.append(padding + hanzi + " " * (placed.width - cell_width(hanzi)))
            x = placed.x + placed.width
        pinyin_row = "".join(top).rstrip()
        if pinyin_row:
            lines.append(pinyin_row)
        lines.append("".join(bottom).rstrip())
    return lines
