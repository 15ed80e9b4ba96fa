""" "I know HSK 1–N": a dialog to choose the level (and the 2021 or 2025 list) whose words the
learner knows already. The library screen marks them known (one journaled bulk change,
`reader.core.learner.known`; `u` takes it back), as `reader known add --hsk N` does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from reader.core.learner.word_facts import HSK_LEVELS, HSK_LISTS, HskList
from reader.ui.actions import ACTIONS

_LIST_NAMES = {"2021": "2021 standard (HSK 3.0)", "2025": "2025 exam syllabus"}


@dataclass(frozen=True, slots=True)
class HskChoice:
    """HSK levels 1..`level` of one list (7 stands for the 7–9 band)."""

    level: int
    hsk_list: HskList

    @property
    def label(self) -> str:
        return "7–9" if self.level >= len(HSK_LEVELS) else str(self.level)


class KnownLevelsDialog(ModalScreen[HskChoice | None]):
    """Levels 1 to 7–9 with their word counts; Enter chooses, l switches the list."""

    SCOPE = "known_levels"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))

    DEFAULT_CSS = """
    KnownLevelsDialog { align: center middle; }
    KnownLevelsDialog > Vertical {
        width: 60;
        max-width: 95%;
        height: auto;
        background: $panel;
        border: round $primary;
        padding: 0 1;
    }
    KnownLevelsDialog Label { padding: 0 1; color: $text-muted; }
    KnownLevelsDialog OptionList { height: auto; max-height: 12; }
    """

    def __init__(self, hsk_list: HskList = "2021") -> None:
        super().__init__()
        self.hsk_list: HskList = hsk_list

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("", id="known-levels-title")
            yield OptionList(id="known-levels")
            yield Label(
                "Words you saved keep their status (learning stays learning). "
                "Enter marks the rest known; u on the library undoes it."
            )
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self) -> None:
        from reader.core.learner.known import hsk_words

        self.query_one("#known-levels-title", Label).update(
            f"I know the words of HSK 1 to …  ({_LIST_NAMES[self.hsk_list]}; l switches)"
        )
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for number, level in enumerate(HSK_LEVELS, start=1):
            words = len(hsk_words(number, self.hsk_list))
            levels = "HSK 1" if number == 1 else f"HSK 1–{level}"
            options.add_option(Option(f"{levels:10} {words:6,} words", id=str(number)))
        options.highlighted = highlighted if highlighted is not None else 2

    def action_switch_list(self) -> None:
        self.hsk_list = HSK_LISTS[(HSK_LISTS.index(self.hsk_list) + 1) % len(HSK_LISTS)]
        self._fill()

    @on(OptionList.OptionSelected, "#known-levels")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(HskChoice(int(event.option.id or 1), self.hsk_list))

    def action_close(self) -> None:
        self.dismiss(None)
