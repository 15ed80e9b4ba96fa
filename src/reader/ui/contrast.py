"""Colours a learner can read for hours: WCAG contrast, and the word-status and cursor styles
worked out from each theme's colours rather than written as fixed tints.

A fixed tint (`background: $primary 30%`) cannot be right in every theme: in nord a new word
was light grey on light cyan (1.48:1) and, in headings (drawn in $primary), the same colour as
its background; in textual-dark the learning tint was the cursor's. Here each status gets a
tint of its theme colour over the reading background, and a text colour that reads on it at
WCAG AA (4.5:1) whatever the row (body, heading, caption); the cursor gets a tint of its own,
stronger until it stands apart from every status tint.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rich.style import Style
from textual.color import Color

READABLE = 4.5  # WCAG AA for body text
DISTINCT = 1.2  # luminance ratio at which two background tints read as different
DISTINCT_RGB = 48  # or this far apart in RGB (two hues of equal lightness)
KeyT = TypeVar("KeyT")
_WHITE = Color(255, 255, 255)
_BLACK = Color(0, 0, 0)


def relative_luminance(colour: Color) -> float:
    """WCAG 2 relative luminance of an sRGB colour (alpha ignored)."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)


def contrast_ratio(first: Color, second: Color) -> float:
    """WCAG contrast ratio, 1 (same) to 21 (black on white)."""
    lighter, darker = sorted(map(relative_luminance, (first, second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def distinct(first: Color, second: Color) -> bool:
    """Whether two background tints can be told apart at a glance: by lightness, or by hue."""
    distance = sum((a - b) ** 2 for a, b in zip(first.rgb, second.rgb, strict=True)) ** 0.5
    return contrast_ratio(first, second) >= DISTINCT or distance >= DISTINCT_RGB


def readable_text(background: Color, preferred: Sequence[Color]) -> Color:
    """The first preferred colour that reads on `background` at 4.5:1, else black or white
    (whichever reads better: one of them always reaches 4.5:1)."""
    for colour in preferred:
        if contrast_ratio(colour, background) >= READABLE:
            return colour
    return max((_BLACK, _WHITE), key=lambda colour: contrast_ratio(colour, background))


@dataclass(frozen=True, slots=True)
class Marked:
    """A background tint and the text colour that reads on it."""

    background: Color
    text: Color

    def style(self, *, underline: bool = False) -> Style:
        return Style(
            color=self.text.rich_color, bgcolor=self.background.rich_color, underline=underline
        )


def status_tints(
    background: Color, text: Color, tints: Mapping[KeyT, Color], strength: float = 0.3
) -> dict[KeyT, Marked]:
    """Each status's tint: its theme colour at `strength` over the reading background (more,
    where two themes' colours are close, until it stands apart from the background and the
    tints before it), with the text colour (the theme's, else black or white) that reads on it."""
    marked: dict[KeyT, Marked] = {}
    for name, tint in tints.items():
        others = [background, *(other.background for other in marked.values())]
        candidates = [
            background.blend(tint.with_alpha(1.0), s) for s in (strength, 0.45, 0.6, 0.75)
        ]
        tinted = next(
            (c for c in candidates if all(distinct(c, other) for other in others)), candidates[-1]
        )
        marked[name] = Marked(tinted, readable_text(tinted, (text,)))
    return marked


def cursor_tint(
    background: Color, text: Color, accent: Color, statuses: Sequence[Marked]
) -> Marked:
    """The cursor: the accent over the background, strong enough to stand apart from the
    reading background and every status tint (it is drawn over a marked word too)."""
    others = [background, *(marked.background for marked in statuses)]
    candidates = [background.blend(accent.with_alpha(1.0), s) for s in (0.35, 0.5, 0.65, 0.8)]
    candidates += [accent.with_alpha(1.0), text.with_alpha(1.0)]  # reverse video, at worst
    chosen = next(
        (c for c in candidates if all(distinct(c, other) for other in others)), candidates[-1]
    )
    return Marked(chosen, readable_text(chosen, (text,)))
