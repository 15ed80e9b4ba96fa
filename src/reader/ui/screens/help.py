"""The help screen: a screen's prose (its HELP_FILE), then the table of its keys, made from
the action registry with the learner's remapped keys."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from reader.ui.actions import ACTIONS, keys_table

HELP_FILE = Path(__file__).with_name("help.md")


def help_markdown(scope: str, keymap: Mapping[str, str], help_file: Path | None = None) -> str:
    """The prose of `help_file`, then every action of `scope` with its keys and id."""
    prose = help_file.read_text(encoding="utf-8") + "\n" if help_file is not None else ""
    return prose + keys_table(ACTIONS.in_scope(scope), keymap) + "\n"


class HelpScreen(ModalScreen[None]):
    """Every key of a screen, and how it works. Esc, q, ? or F1 closes it."""

    SCOPE = "help"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%;
        max-width: 100;
        height: 90%;
        background: $panel;
        border: round $primary;
        padding: 0 2;
    }
    """

    def __init__(
        self, scope: str, keymap: Mapping[str, str], *, help_file: Path | None = HELP_FILE
    ) -> None:
        """`keymap`: the learner's keys by action id (`ACTIONS.keymap`)."""
        super().__init__()
        self.scope = scope
        self._markdown = help_markdown(scope, keymap, help_file)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self._markdown, id="help-text")

    @property
    def markdown(self) -> str:
        return self._markdown

    def action_close(self) -> None:
        self.dismiss(None)
