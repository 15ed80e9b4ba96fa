"""The help screen: the prose of help.md, then a table of every key (with remapped keys)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP_FILE = Path(__file__).with_name("help.md")


def _display_key(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "space": "space", "escape": "Esc"}
    return names.get(key, key)


def keys_table(bindings: Sequence[Binding], keymap: Mapping[str, str]) -> str:
    """A Markdown table: keys, what they do, and the id to remap them by."""
    rows = ["| Keys | Action | Binding id |", "|---|---|---|"]
    for binding in bindings:
        key_list = keymap.get(binding.id or "", binding.key)
        keys = ", ".join(_display_key(key.strip()) for key in key_list.split(","))
        rows.append(f"| `{keys}` | {binding.description} | `{binding.id}` |")
    return "\n".join(rows)


def help_markdown(
    bindings: Sequence[Binding], keymap: Mapping[str, str], help_file: Path = HELP_FILE
) -> str:
    return help_file.read_text(encoding="utf-8") + "\n" + keys_table(bindings, keymap) + "\n"


class HelpScreen(ModalScreen[None]):
    """Every key, and how the reading screen works. Esc, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close help", id="help.close"),
    ]

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
        self,
        bindings: Sequence[Binding],
        keymap: Mapping[str, str],
        *,
        help_file: Path = HELP_FILE,
    ) -> None:
        super().__init__()
        self._markdown = help_markdown(bindings, keymap, help_file)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self._markdown, id="help-text")

    @property
    def markdown(self) -> str:
        return self._markdown

    def action_close(self) -> None:
        self.dismiss(None)
