"""Drawing a row of the reading view: styles resolved from the theme (`resolve_palette`),
each token's cell centred in its column and coloured by tone, new and learning words marked.

Pure functions of a paragraph's layout (`reading_layout`) and its look (`RowLook`): the view
caches the strips they make.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from rich.cells import cell_len
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip

from reader.config import PinyinDisplay, ViewMode
from reader.core.learner.records import Status
from reader.core.models import ParagraphKind, Token
from reader.core.text.layout import PackedLine
from reader.core.tone_colours import SCHEMES
from reader.ui.contrast import cursor_tint, status_tints
from reader.ui.widgets.reading_layout import (
    CAPTION_INDENT,
    ColumnText,
    DisplayOptions,
    ParagraphLayout,
    RowKind,
)


@dataclass(frozen=True, slots=True)
class Palette:
    """Rich styles resolved from the widget's component classes (so the theme applies)."""

    base: Style
    pinyin: Style
    second: Style
    heading: Style
    caption: Style
    cursor: Style
    gutter: Style
    pending: Style
    rule: Style
    tones: dict[tuple[str, int], Style]
    statuses: dict[Status, Style]  # new and learning words are marked; known ones read plain


def resolve_palette(
    get: Callable[..., Style],
    base: Style,
    theme_variables: Mapping[str, str],
    *,
    no_color: bool,
) -> Palette:
    """The view's styles: `get` is its `get_component_rich_style`, `base` its own style."""
    tones = {
        (scheme, tone): get(f"reading-view--{scheme}-{tone}", partial=True)
        for scheme in SCHEMES
        for tone in range(1, 6)
    }
    marked, cursor = _marked_styles(base, theme_variables)
    cursor = get("reading-view--cursor", partial=True) + cursor
    if no_color:
        cursor += Style(reverse=True)
    return Palette(
        base=base,
        pinyin=get("reading-view--pinyin"),
        second=get("reading-view--second"),
        heading=get("reading-view--heading"),
        caption=get("reading-view--caption"),
        cursor=cursor,
        gutter=get("reading-view--gutter"),
        pending=get("reading-view--pending"),
        rule=get("reading-view--rule"),
        tones=tones,
        statuses=marked,
    )


def _marked_styles(base: Style, colours: Mapping[str, str]) -> tuple[dict[Status, Style], Style]:
    """New and learning words on tints of the theme's primary and warning colours, and
    the cursor on a tint of its accent, each with a text colour readable on it at 4.5:1
    (`reader.ui.contrast`): worked out per theme, not fixed tints that vanish in some."""
    background = _colour(base.bgcolor, colours.get("background", "black"))
    text = _colour(base.color, colours.get("foreground", "white"))
    tints = {
        Status.NEW: Color.parse(colours.get("primary", "blue")),
        Status.LEARNING: Color.parse(colours.get("warning", "yellow")),
    }
    marked = status_tints(background, text, tints)
    cursor = cursor_tint(
        background, text, Color.parse(colours.get("accent", "magenta")), [*marked.values()]
    )
    return (
        {status: tint.style(underline=True) for status, tint in marked.items()},
        cursor.style(),
    )


def _colour(rich_colour: RichColor | None, fallback: str) -> Color:
    return Color.from_rich_color(rich_colour) if rich_colour is not None else Color.parse(fallback)


def token_style(
    palette: Palette,
    token: Token,
    row: RowKind,
    paragraph_kind: ParagraphKind,
    *,
    is_cursor: bool = False,
    status: object | None = None,
) -> Style:
    """The style of one token's cell in one row; `status` (the learner's `Status` of the
    word) marks new and learning words on the hanzi rows, LingQ-style."""
    del token
    if row is RowKind.PINYIN:
        style = palette.pinyin
    elif row is RowKind.SECOND:
        style = palette.second
    elif paragraph_kind is ParagraphKind.HEADING:
        style = palette.heading
    elif paragraph_kind is ParagraphKind.CAPTION:
        style = palette.caption
    else:
        style = palette.base
    if row is not RowKind.PINYIN and isinstance(status, Status):
        marked = palette.statuses.get(status)
        if marked is not None:
            style = style + marked
    return style + palette.cursor if is_cursor else style


def hides_pinyin(options: DisplayOptions, status: object | None) -> bool:
    """In "unknown only" mode, words marked known (or ignored) show no pinyin."""
    return options.pinyin is PinyinDisplay.UNKNOWN and status in (Status.KNOWN, Status.IGNORED)


def tone_style(palette: Palette, options: DisplayOptions, tone: int) -> Style | None:
    if not tone:
        return None
    return palette.tones.get((options.tone_colours.value, tone))  # none for "off"


@dataclass(frozen=True, slots=True)
class RowLook:
    """Everything a row's look depends on beyond its layout."""

    palette: Palette
    options: DisplayOptions
    status_of: Callable[[Token], object | None] | None  # a word's study status, if known
    left_margin: int


def render_row(
    layout: ParagraphLayout,
    line_index: int,
    kind: RowKind,
    *,
    is_current: bool,
    cursor: int | None,
    width: int,
    look: RowLook,
) -> Strip:
    """One row of a paragraph: the gutter (a bar by the current paragraph), the margin, then
    the row's cells, `cursor` the token under the word cursor."""
    palette = look.palette
    base = palette.base
    focus = look.options.view is ViewMode.FOCUS
    gutter = "▍ " if is_current and not focus else "  "
    segments = [Segment(gutter, palette.gutter if is_current else base)]
    indent = CAPTION_INDENT if layout.paragraph.kind is ParagraphKind.CAPTION else 0
    segments.append(Segment(" " * (look.left_margin + indent), base))
    if kind is RowKind.RULE:
        width_of_text = max(line.width for line in layout.lines)
        segments.append(Segment("─" * width_of_text, palette.rule))
    elif kind is not RowKind.BLANK:
        segments.extend(_line_segments(layout, layout.lines[line_index], kind, cursor, look))
    return Strip(segments).adjust_cell_length(width, base)


def _line_segments(
    layout: ParagraphLayout,
    line: PackedLine,
    kind: RowKind,
    cursor: int | None,
    look: RowLook,
) -> list[Segment]:
    palette = look.palette
    segments: list[Segment] = []
    x = 0
    tokens = layout.paragraph.tokens
    paragraph_kind = layout.paragraph.kind
    for placed in line.columns:
        if placed.x > x:
            segments.append(Segment(" " * (placed.x - x), palette.base))
        token = tokens[placed.index]
        column = layout.columns[placed.index]
        is_cursor = placed.index == cursor
        status = look.status_of(token) if look.status_of is not None and token.is_han else None
        style = token_style(
            palette, token, kind, paragraph_kind, is_cursor=is_cursor, status=status
        )
        if layout.provisional and kind is RowKind.HANZI:
            style = style + palette.pending if not is_cursor else style
        if kind is RowKind.PINYIN and hides_pinyin(look.options, status):
            column = replace(column, syllables=())
        segments.extend(_cell_segments(column, kind, placed.width, style, look))
        x = placed.x + placed.width
    return segments


def _cell_segments(
    column: ColumnText, kind: RowKind, width: int, style: Style, look: RowLook
) -> list[Segment]:
    """One token's cell in one row, centred in its column, coloured by tone."""
    palette, options = look.palette, look.options
    pieces: list[tuple[str, Style]] = []
    if kind is RowKind.PINYIN:
        for text, tone in column.syllables:
            colour = tone_style(palette, options, tone)
            pieces.append((text, style + colour if colour else style))
    elif kind is RowKind.SECOND:
        pieces.append((column.second, style))
    else:
        colour_hanzi = not options.shows_pinyin and len(column.syllables) == len(column.hanzi)
        if colour_hanzi:
            for character, (_, tone) in zip(column.hanzi, column.syllables, strict=True):
                colour = tone_style(palette, options, tone)
                pieces.append((character, style + colour if colour else style))
        else:
            pieces.append((column.hanzi, style))
    used = sum(cell_len(text) for text, _ in pieces)
    left = max(0, (width - used) // 2)
    right = max(0, width - used - left)
    segments = []
    if left:
        segments.append(Segment(" " * left, style))
    segments.extend(Segment(text, piece_style) for text, piece_style in pieces if text)
    if right:
        segments.append(Segment(" " * right, style))
    return segments
