"""Token-aware line packing for interlinear text, by terminal cell width.

Rich and Textual wrap on whitespace, and Chinese has none, so the reading screen packs
word columns itself. Each column is as wide as the wider of its rows (hanzi, pinyin,
Simplified); the caller measures them and passes plain widths, so this module stays pure
(no UI imports) and is cached.

Rules, in order of strength:
1. a column is never broken across lines (a column wider than the line gets a line of its own);
2. a hard break (a line break inside a paragraph) always ends the line;
3. closing punctuation (，。」…) never starts a line and opening punctuation (「《…) never
   ends one, unless the glued group is itself wider than the line;
4. whitespace is dropped at the start and the end of a line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reader.core.models import Token, TokenKind

# Characters that Unicode does not classify as closing/opening but that typesetting rules
# (Chinese and Japanese line breaking, "kinsoku") keep off the start or end of a line.
_EXTRA_NO_START = frozenset("、。，．：；！？‧·・…‥ー々〻ゝゞ%％‰°℃")
_EXTRA_NO_END = frozenset("$￥¥£€#＃")


@dataclass(frozen=True, slots=True)
class LayoutItem:
    """One column to place: a token's width and how it may be separated from its neighbours."""

    width: int
    no_line_start: bool = False  # closing punctuation: keep on the previous line
    no_line_end: bool = False  # opening punctuation: keep with the next column
    collapsible: bool = False  # whitespace: dropped at line edges, never glued
    hard_break: bool = False  # ends the line after it (the item itself is not placed)


@dataclass(frozen=True, slots=True)
class PlacedColumn:
    """Where an item landed on its line: `index` into the items, `x` in cells from the left."""

    index: int
    x: int
    width: int


@dataclass(frozen=True, slots=True)
class PackedLine:
    columns: tuple[PlacedColumn, ...]

    @property
    def width(self) -> int:
        if not self.columns:
            return 0
        last = self.columns[-1]
        return last.x + last.width


def is_no_line_start(text: str) -> bool:
    """True for punctuation that should never begin a line (，。」）…)."""
    if not text:
        return False
    first = text[0]
    return first in _EXTRA_NO_START or unicodedata.category(first) in ("Pe", "Pf", "Po")


def is_no_line_end(text: str) -> bool:
    """True for punctuation that should never end a line (「《（…)."""
    if not text:
        return False
    last = text[-1]
    return last in _EXTRA_NO_END or unicodedata.category(last) in ("Ps", "Pi")


def item_for_token(token: Token, width: int) -> LayoutItem:
    """The layout item of a token whose widest row is `width` cells."""
    if token.kind is TokenKind.SPACE:
        return LayoutItem(width=width, collapsible=True, hard_break="\n" in token.text)
    if token.kind is TokenKind.PUNCT:
        return LayoutItem(
            width=width,
            no_line_start=is_no_line_start(token.text),
            no_line_end=is_no_line_end(token.text),
        )
    return LayoutItem(width=width)


def _gap_between(previous: LayoutItem, item: LayoutItem, gap: int) -> int:
    """Words are separated by `gap` cells (visible segmentation); punctuation hugs its word."""
    if previous.collapsible or item.collapsible:
        return 0
    if item.no_line_start or previous.no_line_end:
        return 0
    return gap


def _glued(previous: LayoutItem, item: LayoutItem) -> bool:
    if previous.collapsible or item.collapsible or previous.hard_break:
        return False
    return item.no_line_start or previous.no_line_end


def _units(items: Sequence[LayoutItem]) -> list[list[int]]:
    """Group item indices into runs that should stay on one line (a word and its punctuation)."""
    units: list[list[int]] = []
    for index, item in enumerate(items):
        if units and _glued(items[units[-1][-1]], item):
            units[-1].append(index)
        else:
            units.append([index])
    return units


@lru_cache(maxsize=4096)
def pack(items: tuple[LayoutItem, ...], max_width: int, gap: int = 1) -> tuple[PackedLine, ...]:
    """Pack `items` greedily into lines no wider than `max_width` (see the module rules).

    Always returns at least one line (an empty paragraph is one empty line).
    """
    max_width = max(1, max_width)
    lines: list[tuple[PlacedColumn, ...]] = []
    current: list[PlacedColumn] = []
    cursor_x = 0

    def end_line() -> None:
        nonlocal current, cursor_x
        while current and items[current[-1].index].collapsible:
            current.pop()
        lines.append(tuple(current))
        current = []
        cursor_x = 0

    def place(index: int) -> None:
        nonlocal cursor_x
        item = items[index]
        if current:
            cursor_x += _gap_between(items[current[-1].index], item, gap)
        current.append(PlacedColumn(index=index, x=cursor_x, width=item.width))
        cursor_x += item.width

    def width_if_added(indices: list[int]) -> int:
        x = cursor_x
        previous = items[current[-1].index] if current else None
        for index in indices:
            item = items[index]
            if previous is not None:
                x += _gap_between(previous, item, gap)
            x += item.width
            previous = item
        return x

    for unit in _units(items):
        first = items[unit[0]]
        if first.hard_break:
            end_line()
            continue
        if first.collapsible:
            if current:  # whitespace never starts a line
                place(unit[0])
            continue
        if current and width_if_added(unit) > max_width:
            end_line()
        if width_if_added(unit) <= max_width:
            for index in unit:
                place(index)
            continue
        # The glued group alone is wider than a line: break inside it, column by column.
        for index in unit:
            if current and width_if_added([index]) > max_width:
                end_line()
            place(index)
    if current or not lines:
        end_line()
    return tuple(PackedLine(columns=line) for line in lines)
