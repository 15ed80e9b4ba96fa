"""Undo: what a screen can take back, most recent last.

There is one undo action (`ReaderApp.action_undo`, the `u` of every screen): it takes back
the last change on the current screen's `undo_stack`. A screen pushes each change it makes
with the function that takes it back; nothing else is needed for `u` (and the palette's
"Undo …" entry) to work there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

UNDO_LIMIT = 100  # changes kept per screen


@dataclass(frozen=True, slots=True)
class Change:
    """One change that can be taken back."""

    what: str
    """What it was, to name it: "the removal of 關係", "the grade of 關係"."""
    undo: Callable[[], str]
    """Takes it back; returns what to tell the learner. Raises ReaderError if it cannot."""


class UndoStack:
    """A screen's changes, most recent last (at most `UNDO_LIMIT`)."""

    def __init__(self) -> None:
        self._changes: list[Change] = []

    def push(self, what: str, undo: Callable[[], str]) -> None:
        self._changes.append(Change(what, undo))
        del self._changes[:-UNDO_LIMIT]

    def pop(self) -> Change | None:
        """The last change, taken off the stack (None when there is nothing to undo)."""
        return self._changes.pop() if self._changes else None

    @property
    def last(self) -> Change | None:
        return self._changes[-1] if self._changes else None

    def __len__(self) -> int:
        return len(self._changes)
