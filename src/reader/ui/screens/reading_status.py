"""What the reading screen's status line says: a label for each display setting, and the
parts that fit the width (most useful first, each left out whole, never cut).
"""

from __future__ import annotations

from enum import Enum

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from reader.config import (
    PinyinDisplay,
    ScriptDisplay,
    ToneChanges,
    ToneColours,
    ToneStyle,
    ViewMode,
)
from reader.core.engine.syllables import PinyinStyle

# Keyed by (type, member): str enums with equal values ("off") compare equal across types.
_LABELS: dict[tuple[type[Enum], Enum], str] = {
    (type(member), member): label
    for member, label in (
        (PinyinDisplay.ALL, "pinyin"),
        (PinyinDisplay.UNKNOWN, "pinyin: unknown only"),
        (PinyinDisplay.OFF, "no pinyin"),
        (ScriptDisplay.ORIGINAL, "original"),
        (ScriptDisplay.TRADITIONAL, "traditional"),
        (ScriptDisplay.SIMPLIFIED, "simplified"),
        (ScriptDisplay.BOTH, "both scripts"),
        (ToneColours.STANDARD, "tones: standard"),
        (ToneColours.PLECO, "tones: Pleco"),
        (ToneColours.OFF, "tones: off"),
        (ToneStyle.STANDARD, "neutral tones"),
        (ToneStyle.FULL, "full tones"),
        (ToneChanges.OFF, "no tone changes"),
        (ToneChanges.ON, "tone changes"),
        (PinyinStyle.MARKS, "marks"),
        (PinyinStyle.NUMBERS, "numbers"),
        (PinyinStyle.ZHUYIN, "zhuyin"),
        (ViewMode.CONTINUOUS, "continuous"),
        (ViewMode.FOCUS, "focus"),
    )
}


def setting_label(member: Enum) -> str:
    return _LABELS.get((type(member), member), str(member.value))


MIN_TITLE_CELLS = 9  # four hanzi and "…"


def fitted_status(title: str, parts: list[str], width: int) -> Text:
    """The title, then as many of `parts` (most useful first) as fit in `width` cells: a
    part is left out whole, never cut (a cut "tones: sta" reads as nothing)."""
    separator = "  ·  "
    title = title if cell_len(title) <= 24 else set_cell_size(title, 23) + "…"
    shown = list(parts)
    while shown and cell_len(title + separator + separator.join(shown)) > width:
        shown.pop()
    if len(shown) < min(2, len(parts)):
        # Keep the position and the next part and shorten the title; where that leaves the
        # title less than a few characters (a lone "…" at 40 columns), the position only.
        for keep in (2, 1):
            shown = parts[: min(keep, len(parts))]
            room = width - cell_len(separator + separator.join(shown))
            if room >= MIN_TITLE_CELLS:
                break
        title = title if cell_len(title) <= room else set_cell_size(title, max(0, room - 1)) + "…"
    status = Text(title, style="bold")
    status.append(separator + separator.join(shown) if shown else "")
    return status
