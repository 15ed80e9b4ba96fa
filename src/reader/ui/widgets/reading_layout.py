"""Laying out a paragraph for the reading view: what each token shows in each row (hanzi,
pinyin, the other script), packed into lines by cell width (`reader.core.text.layout.pack`).

Pure functions of a paragraph, a width and the display options: the view caches their
results (`ParagraphLayout`) and draws rows from them (`reading_rows`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from rich.cells import cell_len

from reader.config import (
    PinyinDisplay,
    ScriptDisplay,
    Settings,
    ToneChanges,
    ToneColours,
    ToneStyle,
    ViewMode,
)
from reader.core.engine.syllables import PinyinStyle
from reader.core.models import (
    AnnotatedParagraph,
    Paragraph,
    ParagraphKind,
    Script,
    Token,
    TokenKind,
)
from reader.core.text.layout import PackedLine, item_for_token, pack

CAPTION_INDENT = 2
WORD_GAP = 1

# A run of printable ASCII (a URL, HK$1,234.50, COVID-19) stays one token: never broken
# or spaced apart, as the segmenter keeps it (reader.core.engine.segment).
_PROVISIONAL_PATTERN = re.compile(r"\s+|[!-~]*[A-Za-z0-9][!-~]*|.", re.DOTALL)


class RowKind(Enum):
    PINYIN = "pinyin"
    HANZI = "hanzi"
    SECOND = "second"  # the other script, under the original (script "both")
    BLANK = "blank"
    RULE = "rule"  # the line under a heading


@dataclass(frozen=True, slots=True)
class DisplayOptions:
    """The settings that change what the text looks like (key remapping does not)."""

    pinyin: PinyinDisplay = PinyinDisplay.ALL
    script: ScriptDisplay = ScriptDisplay.ORIGINAL
    tone_colours: ToneColours = ToneColours.STANDARD
    pinyin_style: PinyinStyle = PinyinStyle.MARKS
    view: ViewMode = ViewMode.CONTINUOUS
    tones: ToneStyle = ToneStyle.STANDARD
    tone_changes: ToneChanges = ToneChanges.OFF

    @classmethod
    def from_settings(cls, settings: Settings) -> DisplayOptions:
        return cls(
            settings.pinyin,
            settings.script,
            settings.tone_colours,
            settings.pinyin_style,
            settings.view,
            settings.tones,
            settings.tone_changes,
        )

    @property
    def transforms_readings(self) -> bool:
        """Whether readings are shown other than as annotated (full tones, tone changes)."""
        return self.tones is ToneStyle.FULL or self.tone_changes is ToneChanges.ON

    @property
    def shows_pinyin(self) -> bool:
        return self.pinyin is not PinyinDisplay.OFF

    @property
    def shows_second_row(self) -> bool:
        return self.script is ScriptDisplay.BOTH


@dataclass(frozen=True, slots=True)
class ColumnText:
    """What one token shows in each row, and the column width that fits all of them."""

    hanzi: str
    second: str
    syllables: tuple[tuple[str, int], ...]  # (displayed syllable, tone 1..5)
    width: int


@dataclass(frozen=True, slots=True)
class ParagraphLayout:
    """One paragraph laid out for one width: its packed lines and the rows they make."""

    paragraph: AnnotatedParagraph
    provisional: bool  # raw characters shown while the annotation is on its way
    columns: tuple[ColumnText, ...]
    lines: tuple[PackedLine, ...]
    rows: tuple[tuple[int, RowKind], ...]  # (line index, kind); line -1 for spacing rows
    token_line: dict[int, int]  # token index -> line index

    @property
    def height(self) -> int:
        return len(self.rows)

    def rows_of_line(self, line: int) -> list[int]:
        return [row for row, (row_line, _) in enumerate(self.rows) if row_line == line]


# ---- formatting helpers (pure) -------------------------------------------------------------


@lru_cache(maxsize=16384)
def display_word(syllables: tuple[str, ...], notation: PinyinStyle) -> tuple[tuple[str, int], ...]:
    """A word's numbered syllables as shown, each with its tone (5 = neutral, 0 = unknown):
    pieces that join into the word as dictionaries write it (("xī", 1), ("'ān", 1))."""
    from reader.core.engine.syllables import tone_of, word_pieces

    pieces = word_pieces(syllables, notation)
    return tuple(
        (piece, tone_of(numbered) if numbered else 0)
        for piece, numbered in zip(pieces, syllables, strict=True)
    )


@lru_cache(maxsize=256)
def provisional_paragraph(paragraph: Paragraph) -> AnnotatedParagraph:
    """Raw characters as tokens (one per Han character), shown until the real annotation lands."""
    tokens = []
    for match in _PROVISIONAL_PATTERN.finditer(paragraph.text):
        text = match.group()
        if text.isspace():
            kind = TokenKind.SPACE
        elif text.isascii() and any(char.isalnum() for char in text):
            kind = TokenKind.LATIN
        elif text.isalnum():
            kind = TokenKind.HAN
        else:
            kind = TokenKind.PUNCT
        tokens.append(Token(text, match.start(), match.end(), kind, text, text))
    return AnnotatedParagraph(paragraph=paragraph, tokens=tuple(tokens))


def is_word(token: Token) -> bool:
    """Tokens the word cursor stops on (punctuation and spaces are skipped)."""
    return token.kind not in (TokenKind.PUNCT, TokenKind.SPACE)


def column_text(
    token: Token,
    options: DisplayOptions,
    document_script: Script,
    reading: tuple[str, ...] | None = None,
) -> ColumnText:
    """What a token shows; `reading` replaces its standard reading (full tones, tone
    changes: `reader.core.engine.tones.shown_readings`)."""
    if token.kind is TokenKind.SPACE:
        return ColumnText(" ", "", (), 0 if "\n" in token.text else 1)
    if options.script is ScriptDisplay.SIMPLIFIED:
        hanzi = token.simplified
    elif options.script is ScriptDisplay.TRADITIONAL:
        hanzi = token.traditional
    else:
        hanzi = token.text
    second = ""
    if options.shows_second_row and token.is_han:
        other = token.traditional if document_script is Script.SIMPLIFIED else token.simplified
        second = other if other != token.text else ""  # only the words that differ
    syllables: tuple[tuple[str, int], ...] = ()
    if token.is_han and token.pinyin_numbered:
        syllables = display_word(reading or token.pinyin_numbered, options.pinyin_style)
    pinyin_width = sum(cell_len(text) for text, _ in syllables) if options.shows_pinyin else 0
    width = max(cell_len(hanzi), cell_len(second), pinyin_width)
    return ColumnText(hanzi, second, syllables, width)


def script_cycle(document_script: Script) -> tuple[ScriptDisplay, ...]:
    """The script displays `s` steps through for a document: a conversion to the script the
    text is written in shows nothing new (a Traditional text in Traditional), and a text
    that is neither (no Han, or nothing that tells the scripts apart) has only its original."""
    if document_script is Script.UNKNOWN:
        return (ScriptDisplay.ORIGINAL,)
    same = (
        ScriptDisplay.TRADITIONAL
        if document_script is Script.TRADITIONAL
        else ScriptDisplay.SIMPLIFIED
    )
    return tuple(display for display in ScriptDisplay if display is not same)


def row_kinds(options: DisplayOptions) -> tuple[RowKind, ...]:
    kinds = []
    if options.shows_pinyin:
        kinds.append(RowKind.PINYIN)
    kinds.append(RowKind.HANZI)
    if options.shows_second_row:
        kinds.append(RowKind.SECOND)
    return tuple(kinds)


def layout_paragraph(
    paragraph: AnnotatedParagraph,
    width: int,
    options: DisplayOptions,
    document_script: Script,
    *,
    provisional: bool = False,
    space_before: int = 0,
) -> ParagraphLayout:
    if options.transforms_readings and not provisional:
        from reader.core.engine.tones import shown_readings

        readings: list[tuple[str, ...]] | list[None] = shown_readings(
            paragraph.tokens,
            full_tones=options.tones is ToneStyle.FULL,
            tone_changes=options.tone_changes is ToneChanges.ON,
        )
    else:
        readings = [None] * len(paragraph.tokens)
    columns = tuple(
        column_text(token, options, document_script, reading)
        for token, reading in zip(paragraph.tokens, readings, strict=True)
    )
    items = tuple(
        item_for_token(token, column.width)
        for token, column in zip(paragraph.tokens, columns, strict=True)
    )
    indent = CAPTION_INDENT if paragraph.kind is ParagraphKind.CAPTION else 0
    lines = pack(items, max(8, width - indent), WORD_GAP)
    kinds = row_kinds(options)
    leading = 1 if (len(kinds) > 1 or options.view is ViewMode.FOCUS) else 0
    rows: list[tuple[int, RowKind]] = [(-1, RowKind.BLANK)] * space_before
    for line_index in range(len(lines)):
        if line_index and leading:
            rows.extend([(-1, RowKind.BLANK)] * leading)
        rows.extend((line_index, kind) for kind in kinds)
    if paragraph.kind is ParagraphKind.HEADING and paragraph.paragraph.heading_level <= 2:
        rows.append((-1, RowKind.RULE))
    token_line = {
        column.index: line_index for line_index, line in enumerate(lines) for column in line.columns
    }
    return ParagraphLayout(paragraph, provisional, columns, lines, tuple(rows), token_line)


def height_estimator(width: int, options: DisplayOptions) -> Callable[[Paragraph], int]:
    """A cheap guess of a paragraph's height for those not laid out yet (long documents, off
    screen): one call per paragraph of a book, so everything shared is worked out once."""
    factor = 1.7 if options.shows_pinyin else 1.2
    cells = max(8, width)
    kinds = len(row_kinds(options))
    leading = 1 if kinds > 1 else 0

    def estimate(paragraph: Paragraph) -> int:
        lines = max(1, math.ceil(len(paragraph.text) * 2 * factor / cells))
        return lines * kinds + (lines - 1) * leading

    return estimate


def word_at(tokens: Sequence[Token], offset: int) -> int | None:
    """The word token at `offset`, else the nearest word after it, else the last word."""
    last_word = None
    for index, token in enumerate(tokens):
        if not is_word(token):
            continue
        if token.end > offset:
            return index
        last_word = index
    return last_word
