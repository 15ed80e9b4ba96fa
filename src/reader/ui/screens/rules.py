"""The rules screen: the learner's split/join rules (`data/user_words.txt`), where and when
each was made, and removing them (undoable with u; the text is re-read with the rules left)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Footer, Static

from reader.ui.actions import ACTIONS
from reader.ui.screens.base import ReaderScreen

if TYPE_CHECKING:
    from reader.core.engine.user_dictionary import Rule
    from reader.ui.screens.reading_words import ReadingWords


def _describe(rule: Rule) -> tuple[str, str]:
    if rule.parts is None:
        return rule.word, "join: kept whole"
    return rule.word, "split: " + " · ".join(rule.parts)


class RulesScreen(ReaderScreen[None]):
    """A table of the rules; d removes one (u puts it back), q goes back to the text."""

    SCOPE = "rules"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))
    HELP_FILE = Path(__file__).with_name("rules_help.md")

    DEFAULT_CSS = """
    RulesScreen { background: $background; }
    RulesScreen #rules-summary { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    RulesScreen #rules-table { height: 1fr; }
    RulesScreen #rules-empty { display: none; padding: 1 2; color: $text-muted; }
    RulesScreen.-empty #rules-empty { display: block; }
    """

    def __init__(self, reading: ReadingWords) -> None:
        super().__init__()
        self.reading = reading  # its rules in use, saved and re-read through it
        self.rules: list[Rule] = []

    def compose(self) -> ComposeResult:
        yield Static(id="rules-summary")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="rules-table")
        yield Static(
            "No split/join rules yet. In the text, x splits the word under the cursor and "
            "m joins it with the next one.",
            id="rules-empty",
        )
        yield Footer()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#rules-table", DataTable)

    def on_mount(self) -> None:
        table = self.table
        table.add_column("Word", key="word")
        table.add_column("Rule", key="rule")
        table.add_column("Made (when · text · sentence)", key="origin")
        self.redraw()
        table.focus()

    def redraw(self, keep: str | None = None) -> None:
        self.rules = self.reading.user_dictionary().rules()
        table = self.table
        table.clear()
        for rule in self.rules:
            word, what = _describe(rule)
            table.add_row(word, what, rule.origin or "(written by hand)", key=rule.word)
        self.set_class(not self.rules, "-empty")
        count = len(self.rules)
        self.query_one("#rules-summary", Static).update(
            f"{count} rule{'s' if count != 1 else ''} · d removes one, u puts it back"
        )
        if keep is not None and keep in [rule.word for rule in self.rules]:
            table.move_cursor(row=table.get_row_index(keep))

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_remove(self) -> None:
        if not self.rules:
            self.notify("There is no rule to remove.", severity="warning")
            return
        rule = self.rules[min(self.table.cursor_row, len(self.rules) - 1)]
        where = self.reading.edit_user_dictionary(lambda words: words.remove(rule.word))
        what = f"the removal of the rule for {rule.word}"
        self.undo_stack.push(what, lambda: self._put_back(rule, what))
        self.redraw()
        self.notify(f"Removed the rule for {rule.word} ({where}; u puts it back).")

    def _put_back(self, rule: Rule, what: str) -> str:
        message = self.reading.restore_rule(rule.word, rule, what)
        self.redraw(keep=rule.word)
        return message

    def action_back(self) -> None:
        self.dismiss(None)
