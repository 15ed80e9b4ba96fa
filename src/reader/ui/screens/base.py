"""What every screen of the app has: its actions' scope, its help, its undo stack, and what it
writes before the app ends.

A screen's keys are its scope's actions in the one registry (`reader.ui.actions`):

    class VocabScreen(ReaderScreen[VocabJump | None]):
        SCOPE = "vocab"
        BINDINGS = ACTIONS.bindings(SCOPE)
        HELP_FILE = Path(__file__).with_name("vocab_help.md")

Help (`?`) and undo (`u`) are the app's actions: help shows HELP_FILE and the scope's keys;
undo takes back the last change on `undo_stack`.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.screen import Screen, ScreenResultType

from reader.ui.undo import UndoStack


class ReaderScreen(Screen[ScreenResultType]):
    """A screen of the app (not a dialog): scope, help file, undo stack, last words."""

    SCOPE: ClassVar[str]
    """The scope of its actions in `reader.ui.actions.ACTIONS`."""
    HELP_FILE: ClassVar[Path | None] = None
    """The prose of its help screen (Markdown), above the table of its keys."""

    def __init__(self) -> None:
        super().__init__()
        self.undo_stack = UndoStack()

    def save_before_exit(self) -> None:
        """Write what must outlive the app (the app calls it before it ends the process)."""
