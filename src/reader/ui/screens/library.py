"""The library screen: the texts read before, last opened first, to open again, take out of
the library, or add to by opening a new file; and "I know HSK 1–N" for a learner's first day.

Opened with `o` from the reading screen and by `reader library` in a terminal. Choosing a
text posts `LibraryScreen.OpenRequested`: the app opens it on a new reading screen (where the
learner left it). Its keys are the "library" actions of the registry (`reader.ui.actions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from reader import paths
from reader.core.errors import ReaderError
from reader.core.learner.library import LibraryEntry, LibraryStore
from reader.ui.actions import ACTIONS
from reader.ui.problems import saving
from reader.ui.screens.base import ReaderScreen
from reader.ui.services import Vocabulary

if TYPE_CHECKING:
    from reader.core.learner.known import KnownPlan
    from reader.core.learner.records import BulkChange
    from reader.core.learner.vocab import VocabStore
    from reader.ui.screens.known_levels import HskChoice

TITLE_WIDTH = 34
FIRST_ROWS = 60  # rows put in the table before the first paint


@dataclass(frozen=True, slots=True)
class LibraryRow:
    """One line of the table: a text of the library, or the bundled article (empty library)."""

    path: str
    title: str
    entry: LibraryEntry | None  # None for the bundled article of an empty library

    @property
    def key(self) -> str:
        return self.entry.doc_id if self.entry is not None else self.path


def when(moment: datetime, now: datetime | None = None) -> str:
    """A moment as a list shows it: "today 14:02", "yesterday 09:10", "3 Dec", "2025-11-02"."""
    local = moment.astimezone()
    today = (now or datetime.now().astimezone()).date()
    days = (today - local.date()).days
    if days == 0:
        return f"today {local:%H:%M}"
    if days == 1:
        return f"yesterday {local:%H:%M}"
    if local.year == today.year:
        return f"{local.day} {local:%b}"
    return f"{local:%Y-%m-%d}"


def _bundled_row() -> LibraryRow:
    seed = paths.seed_document()
    try:
        with seed.open(encoding="utf-8") as handle:
            first = next((line.strip("# \n") for line in handle if line.strip()), seed.name)
    except OSError:
        first = seed.name
    return LibraryRow(str(seed), first, None)


class LibraryScreen(ReaderScreen[None]):
    """The texts read before, in a table. Esc or q goes back (ends `reader library`)."""

    SCOPE = "library"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))
    HELP_FILE = Path(__file__).with_name("library_help.md")

    DEFAULT_CSS = """
    LibraryScreen { background: $background; }
    LibraryScreen #library-summary {
        height: 1; padding: 0 1; background: $panel; color: $text-muted;
    }
    LibraryScreen #library-table { height: 1fr; }
    LibraryScreen #library-hint { height: auto; padding: 0 1; color: $text-muted; }
    """

    @dataclass
    class OpenRequested(Message):
        """Open the text at `path` on the reading screen (the app does it)."""

        path: str

    def __init__(
        self,
        vocabulary: Vocabulary | None = None,
        *,
        current_doc_id: str | None = None,
        library: LibraryStore | None = None,
    ) -> None:
        """`current_doc_id`: the text being read (Esc or Enter on it goes back to it)."""
        super().__init__()
        self.vocabulary = vocabulary or Vocabulary()
        self.current_doc_id = current_doc_id
        self._library = library
        self.rows: list[LibraryRow] = []

    @property
    def library(self) -> LibraryStore:
        if self._library is None:
            self._library = LibraryStore()
        return self._library

    def compose(self) -> ComposeResult:
        yield Static(id="library-summary")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="library-table")
        yield Static(id="library-hint")
        yield Footer()

    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one("#library-table", DataTable)

    def on_mount(self) -> None:
        table = self.table
        for label, key, width in (
            ("Title", "title", TITLE_WIDTH),
            ("Read", "read", 5),
            ("Known", "known", 5),
            ("New", "new", 6),
            ("Last opened", "opened", 15),
            ("Format", "format", 6),
        ):
            table.add_column(Text(label), key=key, width=width)
        self.reload()
        table.focus()

    def on_unmount(self) -> None:
        if self._library is not None:
            self._library.close()

    def reload(self, keep: str | None = None) -> None:
        """Read the library again and redraw the table (the cursor stays on `keep`'s row)."""
        try:
            entries = self.library.entries()
        except ReaderError as error:
            self.notify(str(error), severity="error")
            entries = []
        self.rows = [LibraryRow(e.path, e.title, e) for e in entries] or [_bundled_row()]
        table = self.table
        table.clear()
        keys = [row.key for row in self.rows]
        at = keys.index(keep) if keep in keys else 0
        # A screenful first (500 rows cost ~25 ms before the first paint), the rest after it.
        first = max(FIRST_ROWS, at + 1)
        self._add_rows(0, first)
        if at:
            table.move_cursor(row=at, animate=False)
        if len(self.rows) > first:
            self.call_after_refresh(self._add_rows, first, len(self.rows))
        self._describe(entries)

    def _add_rows(self, start: int, end: int) -> None:
        for row in self.rows[start:end]:
            self.table.add_row(*self._cells(row), key=row.key)

    def _cells(self, row: LibraryRow) -> tuple[Text, ...]:
        """The row's cells as Text: a str cell is parsed as markup each time it is drawn."""
        entry = row.entry
        title = Text(row.title)
        title.truncate(TITLE_WIDTH, overflow="ellipsis")
        if entry is None:  # the title is cut to the column: "bundled" goes in its own cell
            return (title, *map(Text, ("", "", "", "bundled", "text")))
        if not entry.exists:
            title.stylize("dim strike")
        elif entry.doc_id == self.current_doc_id:
            title.stylize("bold")
        summary = entry.summary
        cells = (
            f"{entry.progress:.0%}",
            f"{summary.known_share:.0%}" if summary else "—",
            f"{summary.new_words:,}" if summary else "—",
            when(entry.last_opened),
            entry.format,
        )
        return (title, *map(Text, cells))

    def _describe(self, entries: list[LibraryEntry]) -> None:
        count = len(entries)
        texts = f"{count} text{'s' if count != 1 else ''}" if count else "empty"
        self.query_one("#library-summary", Static).update(
            f"Library · {texts} · last opened first · figures as when last read"
        )
        hint = (
            "Your library is empty: Enter opens the bundled article, n opens a file of yours "
            "(text, Markdown, EPUB, HTML, subtitles). K marks the HSK words you know."
            if not count
            else ""
        )
        self.query_one("#library-hint", Static).update(hint)

    # ---- opening -----------------------------------------------------------------------------

    @property
    def current_row(self) -> LibraryRow | None:
        index = self.table.cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    @on(DataTable.RowSelected, "#library-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.current_row
        if row is None:
            return
        if row.entry is not None and row.entry.doc_id == self.current_doc_id:
            self.dismiss(None)  # the text being read: back to it
            return
        if row.entry is not None and not row.entry.exists:
            self.notify(
                f"{row.path} is not there any more (moved or deleted); x takes it out of the"
                " library, or open it from where it is now with n.",
                severity="warning",
            )
            return
        self._say_opening(row.title)
        self.post_message(self.OpenRequested(row.path))

    def action_open_file(self) -> None:
        from reader.ui.screens.file_picker import FilePicker

        row = self.current_row
        start = Path(row.path).parent if row is not None and row.entry is not None else Path.cwd()
        self.app.push_screen(FilePicker(start if start.is_dir() else Path.cwd()), self._picked)

    def _picked(self, path: Path | None) -> None:
        if path is not None:
            self._say_opening(path.name)
            self.post_message(self.OpenRequested(str(path)))

    def _say_opening(self, title: str) -> None:
        # In the summary line, not a toast: this screen goes when the text shows, and a toast
        # would stay for seconds over the reading screen's status line. A failure reloads it.
        self.query_one("#library-summary", Static).update(f"Opening {title}…")

    # ---- removing ----------------------------------------------------------------------------

    def action_remove(self) -> None:
        row = self.current_row
        if row is None or row.entry is None:
            self.notify("The bundled article is not in your library.", severity="warning")
            return
        with saving(self.app):
            entry = self.library.remove(row.entry.doc_id)
            index = self.table.cursor_row
            self.undo_stack.push(f"the removal of {entry.title}", lambda: self._restore(entry))
            self.reload()
            self.table.move_cursor(row=min(index, len(self.rows) - 1), animate=False)
            self.notify(f"Removed {entry.title} from the library (the file is kept; u undoes).")

    def _restore(self, entry: LibraryEntry) -> str:
        self.library.restore(entry)
        self.reload(keep=entry.doc_id)
        return f"{entry.title} is back in the library."

    # ---- known words from day one ------------------------------------------------------------

    def action_known_hsk(self) -> None:
        from reader.ui.screens.known_levels import KnownLevelsDialog

        self.app.push_screen(KnownLevelsDialog(), self._level_chosen)

    def _level_chosen(self, choice: HskChoice | None) -> None:
        store = self.vocabulary.store
        if choice is None:
            return
        if store is None:
            self.notify(f"Vocabulary unavailable: {self.vocabulary.error}", severity="error")
            return
        self.notify(f"Marking the words of HSK 1–{choice.label} known…")
        self._mark_hsk_known(store, choice)

    @work(thread=True, exclusive=True, group="known-hsk", exit_on_error=False)
    def _mark_hsk_known(self, store: VocabStore, choice: HskChoice) -> None:
        from reader.core.learner.known import apply_plan, plan_hsk

        try:
            plan = plan_hsk(store, choice.level, choice.hsk_list)
            change = apply_plan(store, plan)
        except ReaderError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._hsk_marked, store, plan, change)

    def _hsk_marked(self, store: VocabStore, plan: KnownPlan, change: BulkChange | None) -> None:
        kept = f"; {len(plan.kept):,} saved words keep their status" if plan.kept else ""
        if change is None:
            self.notify(f"{plan.label}: you know all {plan.words:,} words already{kept}.")
            return
        self.undo_stack.push(f"“{plan.label}” known", lambda: self._undo_bulk(store, change))
        self.notify(
            f"{plan.label}: {change.words:,} words marked known{kept} (u undoes it).",
            timeout=8,
        )
        self._refresh_figures(store)

    @work(thread=True, exclusive=True, group="library-figures", exit_on_error=False)
    def _refresh_figures(self, store: VocabStore) -> None:
        """The texts' % known and new words again under the statuses now (after K or its
        undo), from each text's paragraph store: nothing is annotated again, and a text
        with no annotated paragraphs on disk keeps its figures."""
        from reader.core.engine.store import annotate
        from reader.core.learner.library import summarise_store
        from reader.core.text.loader import load_path

        entries = [row.entry for row in self.rows if row.entry is not None and row.entry.exists]
        refreshed = False
        try:
            statuses = store.statuses()
            for entry in entries:
                try:
                    document = load_path(entry.path)
                except (ReaderError, OSError):
                    continue  # unreadable now: the figures stay as they were
                if document.doc_id != entry.doc_id:
                    continue  # the file was edited: another text, read again to count it
                paragraphs = annotate(document)
                try:
                    if paragraphs.form_counts():
                        summary = summarise_store(paragraphs, statuses)
                        refreshed |= self.library.record_summary(entry.doc_id, summary)
                finally:
                    paragraphs.close()
        except ReaderError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
        if refreshed:
            self.app.call_from_thread(self._figures_refreshed)

    def _figures_refreshed(self) -> None:
        row = self.current_row
        self.reload(row.key if row is not None else None)

    def _undo_bulk(self, store: VocabStore, change: BulkChange) -> str:
        undone = store.undo_bulk_change(change.id)
        self._refresh_figures(store)
        if undone is None:
            return f"“{change.label}” was undone already."
        changed_since = f"; {len(undone.kept):,} changed since are kept" if undone.kept else ""
        return f"Took back “{change.label}”: {undone.restored:,} words{changed_since}."

    def action_back(self) -> None:
        self.dismiss(None)
