"""The vocabulary screen: a table of saved words to sort, filter, search, edit and export.

Opened from the reading screen (`v`); dismissed with a `VocabJump` when the learner asks to
see a word in its context in the current text, else with None. Its keys are the "vocab"
actions of the registry (`reader.ui.actions`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static

from reader import paths
from reader.config import Settings
from reader.core.engine.syllables import format_word
from reader.core.errors import ReaderError
from reader.core.export.anki import CardOptions
from reader.core.learner.records import Status, VocabItem
from reader.core.learner.vocab import VocabStore
from reader.ui.actions import ACTIONS
from reader.ui.screens.base import ReaderScreen
from reader.ui.settings import LiveSettings

EXPORT_FILE_NAME = "reader-vocabulary.apkg"
DEFINITION_WIDTH = 30
SOURCE_WIDTH = 14
STATUS_ORDER = {status: rank for rank, status in enumerate(Status)}
STATUS_FILTERS: tuple[Status | None, ...] = (None, *Status)


def default_export_path() -> Path:
    """Where the vocabulary screen writes its .apkg: the data folder (under READER_HOME)."""
    return paths.data_dir() / EXPORT_FILE_NAME


@dataclass(frozen=True, slots=True)
class VocabJump:
    """Show a word in its context: the paragraph of the current text and the sentence."""

    paragraph_index: int
    forms: tuple[str, ...]
    sentence: str


class SortKey(str, Enum):
    """Table order: the `o` key cycles through these."""

    UPDATED = "updated"  # most recently changed first
    WORD = "word"  # by pinyin, then headword
    STATUS = "status"  # new, learning, known, ignored
    DOCUMENT = "document"  # by the source of the first context


def _source(item: VocabItem) -> str:
    return next((context.doc_title for context in item.contexts if context.doc_title), "")


def _sort_key(key: SortKey) -> Callable[[VocabItem], Any]:
    def by_word(item: VocabItem) -> tuple[str, str]:
        return " ".join(item.pinyin_numbered).lower(), item.traditional

    if key is SortKey.UPDATED:
        return lambda item: (-item.updated_at.timestamp(), item.traditional)
    if key is SortKey.STATUS:
        return lambda item: (STATUS_ORDER[item.status], by_word(item))
    if key is SortKey.DOCUMENT:
        return lambda item: (_source(item) == "", _source(item), by_word(item))
    return by_word


def _search_text(item: VocabItem) -> str:
    """What a search matches: both scripts, pinyin with and without tones, the definition."""
    numbered = " ".join(item.pinyin_numbered)
    toneless = "".join(syllable.rstrip("012345") for syllable in item.pinyin_numbered)
    return " ".join(
        (
            item.traditional,
            item.simplified,
            numbered,
            toneless,
            format_word(item.pinyin_numbered),
            item.definition,
        )
    ).lower()


def visible_items(
    items: Sequence[VocabItem],
    status: Status | None,
    query: str,
    sort: SortKey,
    doc_id: str | None = None,
) -> list[VocabItem]:
    """The table's rows: filtered by status, search and source document, in the chosen order."""
    needle = query.strip().lower()
    chosen = [
        item
        for item in items
        if (status is None or item.status is status)
        and (not needle or needle.replace(" ", "") in _search_text(item).replace(" ", ""))
        and (doc_id is None or any(context.doc_id == doc_id for context in item.contexts))
    ]
    return sorted(chosen, key=_sort_key(sort))


class DefinitionEditor(ModalScreen[str | None]):
    """One line to edit the definition the learner keeps; Enter saves, Esc cancels."""

    SCOPE = "vocab.edit"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))

    DEFAULT_CSS = """
    DefinitionEditor { align: center middle; }
    DefinitionEditor > Vertical {
        width: 80%;
        max-width: 90;
        height: auto;
        background: $panel;
        border: round $primary;
        padding: 0 1;
    }
    DefinitionEditor Label { padding: 0 1; color: $text-muted; }
    """

    def __init__(self, word: str, definition: str) -> None:
        super().__init__()
        self.word = word
        self.definition = definition

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Definition of {self.word} (Enter saves, Esc cancels)")
            yield Input(self.definition, id="definition")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class VocabScreen(ReaderScreen[VocabJump | None]):
    """Saved words in a table. Esc or q goes back to the text."""

    SCOPE = "vocab"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))
    HELP_FILE = Path(__file__).with_name("vocab_help.md")

    DEFAULT_CSS = """
    VocabScreen { background: $background; }
    VocabScreen #vocab-summary { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    VocabScreen #vocab-table { height: 1fr; }
    VocabScreen #vocab-search { display: none; dock: bottom; margin: 0 1; border: tall $primary; }
    VocabScreen #vocab-search.-open { display: block; }
    VocabScreen #vocab-empty { display: none; padding: 1 2; color: $text-muted; }
    VocabScreen.-empty #vocab-empty { display: block; }
    """

    def __init__(
        self,
        store: VocabStore,
        settings: LiveSettings | Settings | None = None,
        *,
        current_doc_id: str | None = None,
        export_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.live_settings = LiveSettings.of(settings)  # the app's: read, never copied
        self.current_doc_id = current_doc_id
        self.export_path = export_path
        self.items: list[VocabItem] = []
        self.rows: list[VocabItem] = []
        self.status_filter: Status | None = None
        self.sort = SortKey.UPDATED
        self.query_text = ""
        self.this_text_only = False

    @property
    def settings(self) -> Settings:
        return self.live_settings.current

    def compose(self) -> ComposeResult:
        yield Static(id="vocab-summary")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="vocab-table")
        yield Static(
            "No saved words here. In the text, press a to save the word under the cursor.",
            id="vocab-empty",
        )
        yield Input(placeholder="Search: hanzi, pinyin or definition", id="vocab-search")
        yield Footer()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#vocab-table", DataTable)

    @property
    def search_input(self) -> Input:
        return self.query_one("#vocab-search", Input)

    def on_mount(self) -> None:
        table = self.table
        table.add_column("Word", key="word")
        table.add_column("Pinyin", key="pinyin")
        table.add_column("Definition", key="definition", width=DEFINITION_WIDTH)
        table.add_column("Status", key="status")
        table.add_column("Sent.", key="sentences")
        table.add_column("Updated", key="updated")
        table.add_column("Source", key="source", width=SOURCE_WIDTH)
        self.reload()
        table.focus()

    # ---- the table ---------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        """Read the words from the database again and redraw (cursor kept on `keep`)."""
        try:
            self.items = self.store.items()
        except ReaderError as error:
            self.notify(str(error), severity="error")
            self.items = []
        self.redraw(keep)

    @property
    def current_item(self) -> VocabItem | None:
        table = self.table
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def redraw(self, keep: str | None = None) -> None:
        table = self.table
        if keep is None and self.current_item is not None:
            keep = self.current_item.traditional
        row = table.cursor_row
        self.rows = visible_items(
            self.items,
            self.status_filter,
            self.query_text,
            self.sort,
            self.current_doc_id if self.this_text_only else None,
        )
        table.clear()
        for item in self.rows:
            table.add_row(*self._cells(item), key=item.traditional)
        headwords = [item.traditional for item in self.rows]
        if keep in headwords:
            row = headwords.index(keep)
        if self.rows:
            table.move_cursor(row=max(0, min(row, len(self.rows) - 1)), animate=False)
        self.set_class(not self.rows, "-empty")
        self._update_summary()

    def _cells(self, item: VocabItem) -> tuple[object, ...]:
        word = item.traditional
        if item.simplified != item.traditional:
            word += f" {item.simplified}"
        sentences = sum(1 for context in item.contexts if context.sentence)
        updated = item.updated_at.astimezone().strftime("%Y-%m-%d")
        return (
            word,
            format_word(item.pinyin_numbered),
            item.definition,
            item.status.value,
            str(sentences),
            updated,
            _source(item),
        )

    def _update_summary(self) -> None:
        shown = len(self.rows)
        total = len(self.items)
        parts = [f"{shown} of {total} words" if shown != total else f"{total} words"]
        parts.append(f"status: {self.status_filter.value if self.status_filter else 'all'}")
        parts.append(f"sort: {self.sort.value}")
        if self.this_text_only:
            parts.append("this text only")
        if self.query_text:
            parts.append(f"search: “{self.query_text}”")
        last = self.undo_stack.last
        if last is not None:
            parts.append(f"u undoes {last.what}")
        summary = Text("Vocabulary", style="bold")
        summary.append("  ·  " + "  ·  ".join(parts))
        self.query_one("#vocab-summary", Static).update(summary)

    # ---- navigation, filter, sort, search ----------------------------------------------------

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_cycle_filter(self) -> None:
        position = STATUS_FILTERS.index(self.status_filter)
        self.status_filter = STATUS_FILTERS[(position + 1) % len(STATUS_FILTERS)]
        self.redraw()

    def action_cycle_sort(self) -> None:
        members = list(SortKey)
        self.sort = members[(members.index(self.sort) + 1) % len(members)]
        self.redraw()

    def action_toggle_this_text(self) -> None:
        if self.current_doc_id is None:
            self.notify("No text is open.", severity="warning")
            return
        self.this_text_only = not self.this_text_only
        self.redraw()

    def action_search(self) -> None:
        search = self.search_input
        search.add_class("-open")
        search.value = self.query_text
        self.set_focus(search)  # at once: the keys typed next are the search

    @on(Input.Changed, "#vocab-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.redraw()

    @on(Input.Submitted, "#vocab-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.search_input.remove_class("-open")
        self.table.focus()

    # ---- editing -----------------------------------------------------------------------------

    def _change(self, change: Callable[[str], VocabItem]) -> None:
        item = self.current_item
        if item is None:
            self.notify("No word selected.", severity="warning")
            return
        try:
            changed = change(item.traditional)
        except ReaderError as error:
            self.notify(str(error), severity="error")
            return
        self.reload(keep=changed.traditional)

    def action_set_status(self, status_name: str) -> None:
        status = Status(status_name)
        self._change(lambda word: self.store.set_status(word, status))

    def action_edit_definition(self) -> None:
        item = self.current_item
        if item is None:
            self.notify("No word selected.", severity="warning")
            return

        def save(definition: str | None) -> None:
            if definition is not None:
                self._change(lambda word: self.store.set_definition(word, definition))

        self.app.push_screen(DefinitionEditor(item.traditional, item.definition), save)

    def action_delete(self) -> None:
        item = self.current_item
        if item is None:
            self.notify("No word selected.", severity="warning")
            return
        try:
            removed = self.store.remove(item.traditional)
        except ReaderError as error:
            self.notify(str(error), severity="error")
            return
        self.undo_stack.push(f"the delete of {removed.traditional}", lambda: self._restore(removed))
        self.reload()
        self.notify(f"Deleted {removed.traditional}. Press u to undo.")

    def _restore(self, item: VocabItem) -> str:
        restored = self.store.restore(item)
        self.reload(keep=restored.traditional)
        return f"Restored {restored.traditional}."

    # ---- context, export, help, back -----------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_jump()

    def action_jump(self) -> None:
        item = self.current_item
        if item is None:
            return
        here = next(
            (
                context
                for context in item.contexts
                if context.doc_id
                and context.doc_id == self.current_doc_id
                and context.paragraph_index is not None
            ),
            None,
        )
        if here is None or here.paragraph_index is None:
            source = _source(item)
            where = f"from “{source}”" if source else "without a source"
            self.notify(f"{item.traditional} was saved {where}, not from this text.")
            return
        self.dismiss(VocabJump(here.paragraph_index, item.forms, here.sentence))

    def action_export(self) -> None:
        """The words shown, as an .apkg: known and ignored words only when the filter shows
        them alone (as `reader export anki`, which asks for --include-known); the cards in
        the app's tone colours."""
        from reader.core.export.anki import DEFAULT_EXPORT_STATUSES

        wanted = (self.status_filter,) if self.status_filter else DEFAULT_EXPORT_STATUSES
        items = [item for item in self.rows if item.status in wanted]
        if not items:
            self.notify(
                "No new or learning words to export (filter f shows known words to export them).",
                severity="warning",
            )
            return
        left_out = len(self.rows) - len(items)
        options = CardOptions(tone_colours=self.live_settings.current.tone_colours.value)
        self._export(items, self.export_path or default_export_path(), options, left_out)

    @work(thread=True, exclusive=True, group="vocab-export", exit_on_error=False)
    def _export(
        self, items: list[VocabItem], target: Path, options: CardOptions, left_out: int
    ) -> None:
        from reader.core.export.writers import export_apkg

        try:
            result = export_apkg(items, target, options=options)
        except ReaderError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        count = result.notes
        skipped = f" ({left_out} known or ignored left out; f filters them)" if left_out else ""
        self.app.call_from_thread(
            self.notify,
            f"Exported {count} word{'s' if count != 1 else ''} to {result.path}{skipped}",
            title="Anki export",
            timeout=8,
        )

    def action_back(self) -> None:
        search = self.search_input
        if search.has_class("-open"):
            search.remove_class("-open")
            self.table.focus()
            return
        self.dismiss(None)
