"""The table of contents (`i` on the reading screen): an EPUB's chapters (or a text's
headings), nested as the book nests them, the one being read highlighted. Enter jumps to
the chapter: dismissed with its first paragraph, or None (Esc)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from reader.core.models import Section
from reader.ui.actions import ACTIONS


def current_section(sections: Sequence[Section], paragraph_index: int) -> int:
    """The index of the section the paragraph is in (the last one starting at or before it)."""
    found = 0
    for number, section in enumerate(sections):
        if section.paragraph_index <= paragraph_index:
            found = number
    return found


class ContentsScreen(ModalScreen[int | None]):
    """The chapters in a list; Enter jumps, Esc (or i) closes."""

    SCOPE = "contents"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))

    DEFAULT_CSS = """
    ContentsScreen { align: center middle; }
    ContentsScreen > Vertical {
        width: 80%;
        max-width: 90;
        height: 85%;
        background: $panel;
        border: round $primary;
        padding: 0 1;
    }
    ContentsScreen Label { color: $text-muted; }
    ContentsScreen OptionList { height: 1fr; border: none; }
    """

    def __init__(self, sections: Sequence[Section], paragraph_index: int) -> None:
        super().__init__()
        self.sections = tuple(sections)
        self.paragraph_index = paragraph_index

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Contents · {len(self.sections)} · Enter jumps · Esc closes")
            yield OptionList(
                *(
                    Option("  " * (section.level - 1) + section.title, id=str(number))
                    for number, section in enumerate(self.sections)
                ),
                id="contents-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = current_section(self.sections, self.paragraph_index)
        options.focus()

    @on(OptionList.OptionSelected, "#contents-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.sections[int(event.option.id or 0)].paragraph_index)

    def action_close(self) -> None:
        self.dismiss(None)
