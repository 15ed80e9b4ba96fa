"""Tone colours: the one table the reading view, the study screen and Anki cards are styled from.

Two schemes (the `tone_colours` setting): "standard" (1 red, 2 orange, 3 green, 4 blue, as
Zhongwen and most textbooks) and "pleco" (1 red, 2 green, 3 blue, 4 purple); the neutral tone
is grey in both. The colours are mid-light so they read on dark and light backgrounds alike
(every Textual theme, Anki's day and night modes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

TONE_COLOURS: dict[str, dict[int, str]] = {
    "standard": {1: "#e5484d", 2: "#f0883e", 3: "#46a758", 4: "#3e8ee8", 5: "#8b8d98"},
    "pleco": {1: "#e5484d", 2: "#46a758", 3: "#3e8ee8", 4: "#a371f7", 5: "#8b8d98"},
}
SCHEMES = tuple(TONE_COLOURS)


def colour_rules(selector: Callable[[str, int], str], schemes: Iterable[str] = SCHEMES) -> str:
    """CSS (Textual's or a web page's: the syntax is the same) giving each tone its colour:
    one `selector(scheme, tone) { color: ...; }` rule per scheme and tone."""
    return "\n".join(
        f"{selector(scheme, tone)} {{ color: {colour}; }}"
        for scheme in schemes
        for tone, colour in TONE_COLOURS[scheme].items()
    )
