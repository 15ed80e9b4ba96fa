"""The dictionary screen (`d` on the reading screen): search CC-CEDICT by hanzi, by pinyin with
or without tones (xingdong, xing2dong4, xíngdòng) and by English (relation), as you type;
the highlighted result shows in the reading screen's gloss view, and `a` saves it.

A word saved here has no sentence (it was found in the dictionary, not in a text): it is
saved as new, with the reading and senses of the entry chosen. Its keys are the
"dictionary" actions of the registry (`reader.ui.actions`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.errors import ReaderError
from reader.core.models import Entry, Token, TokenKind
from reader.ui.actions import ACTIONS
from reader.ui.screens.base import ReaderScreen
from reader.ui.services import Vocabulary
from reader.ui.settings import LiveSettings
from reader.ui.widgets.gloss_panel import GlossPanel

if TYPE_CHECKING:
    from reader.core.dictionary.cedict import Dictionary
    from reader.core.dictionary.search import SearchHit, SearchResults
    from reader.core.learner.records import VocabItem
    from reader.core.learner.vocab import VocabStore

SEARCH_DELAY = 0.2  # seconds of no typing before the search runs
RESULTS_PER_KIND = 30
_KINDS = (("by_hanzi", "by hanzi"), ("by_pinyin", "by pinyin"), ("by_english", "by English"))


def entry_token(entry: Entry) -> Token:
    """A dictionary entry as the gloss view takes a word: its Traditional form, both scripts
    and the entry's reading."""
    from reader.core.learner.describe import entry_syllables

    return Token(
        entry.traditional,
        0,
        len(entry.traditional),
        TokenKind.HAN,
        entry.simplified,
        entry.traditional,
        entry_syllables(entry),
    )


def hit_label(entry: Entry, width: int = 60) -> Text:
    """One result: headword (both scripts), pinyin with marks, its first senses."""
    from reader.core.dictionary.formatting import entry_pinyin
    from reader.core.dictionary.markup import render

    text = Text(entry.traditional, style="bold")
    if entry.simplified != entry.traditional:
        text.append(f" 〔{entry.simplified}〕", style="bold")
    text.append(f"  {entry_pinyin(entry)}", style="italic")
    senses = "; ".join(render(definition, False) for definition in entry.definitions[:3])
    text.append(f"  {senses}")
    text.truncate(width, overflow="ellipsis")
    return text


class DictionaryScreen(ReaderScreen[bool]):
    """A search box, the results and the gloss of the one highlighted. Dismissed with
    whether a word was saved (the reading screen then reloads its statuses)."""

    SCOPE = "dictionary"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))
    HELP_FILE = Path(__file__).with_name("dictionary_help.md")

    DEFAULT_CSS = """
    DictionaryScreen { background: $background; }
    DictionaryScreen #dictionary-query { margin: 0 1; border: tall $primary; }
    DictionaryScreen #dictionary-results { width: 1fr; height: 1fr; border: none; }
    DictionaryScreen #dictionary-status {
        height: 1; padding: 0 1; background: $panel; color: $text-muted;
    }
    DictionaryScreen GlossPanel { display: block; }
    DictionaryScreen.-narrow GlossPanel { width: 36; }
    """

    def __init__(
        self,
        dictionary: Callable[[], Dictionary],
        vocabulary: Vocabulary,
        settings: LiveSettings | None = None,
        *,
        query: str = "",
    ) -> None:
        """`dictionary` gives the dictionary (called in a worker: the first search builds
        its search tables); `query` is searched at once."""
        super().__init__()
        self._dictionary = dictionary
        self.vocabulary = vocabulary
        self.live_settings = LiveSettings.of(settings)
        self.initial_query = query
        self.hits: list[SearchHit] = []
        self.saved_any = False
        self._timer: Timer | None = None
        self._searched = ""

    def compose(self) -> ComposeResult:
        yield Input(
            self.initial_query,
            placeholder="Search: 关系, guanxi, guan1xi, guānxi or relation",
            id="dictionary-query",
        )
        with Horizontal():
            yield OptionList(id="dictionary-results")
            yield GlossPanel(self._dictionary, self.live_settings, id="dictionary-gloss")
        yield Static("Type a word, its pinyin or an English word.", id="dictionary-status")
        yield Footer()

    @property
    def query_input(self) -> Input:
        return self.query_one("#dictionary-query", Input)

    @property
    def results(self) -> OptionList:
        return self.query_one("#dictionary-results", OptionList)

    @property
    def gloss_panel(self) -> GlossPanel:
        return self.query_one(GlossPanel)

    def on_mount(self) -> None:
        self.gloss_panel.add_class("-open")
        self.set_focus(self.query_input)
        self._prepare_search()
        if self.initial_query:
            self.run_search(self.initial_query)

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")

    def _status(self, text: str) -> None:
        self.query_one("#dictionary-status", Static).update(text)

    # ---- searching --------------------------------------------------------------------------

    @on(Input.Changed, "#dictionary-query")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, lambda: self.run_search(event.value))

    @on(Input.Submitted, "#dictionary-query")
    def _submitted(self, event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.run_search(event.value, focus_results=True)

    def run_search(self, query: str, *, focus_results: bool = False) -> None:
        query = query.strip()
        if not query:
            self._show(None, focus_results=False)
            return
        if query == self._searched and self.hits:
            if focus_results:
                self.results.focus()
            return
        self._searched = query
        self._status(f"Searching “{query}”… (the first search builds the search index)")
        self._search(query, focus_results)

    @work(thread=True, group="dictionary-prepare", exit_on_error=False)
    def _prepare_search(self) -> None:
        """The search tables are built on the first search ever (~2 s): start as it opens."""
        self._dictionary().prepare_search()

    @work(thread=True, exclusive=True, group="dictionary-search", exit_on_error=False)
    def _search(self, query: str, focus_results: bool) -> None:
        try:
            results = self._dictionary().search(query, RESULTS_PER_KIND)
        except ReaderError as error:
            self.app.call_from_thread(self._status, f"The dictionary cannot search: {error}")
            return
        self.app.call_from_thread(self._show, results, focus_results=focus_results)

    def _show(self, results: SearchResults | None, *, focus_results: bool) -> None:
        options = self.results
        options.clear_options()
        self.hits = []
        if results is None or results.query.strip() != self.query_input.value.strip():
            if results is None:
                self._status("Type a word, its pinyin or an English word.")
            return  # typed on since: a newer search is coming
        width = max(20, options.size.width - 2)
        for attribute, title in _KINDS:
            hits: tuple[SearchHit, ...] = getattr(results, attribute)
            if not hits:
                continue
            options.add_option(Option(Text(title, style="bold underline"), disabled=True))
            for hit in hits:
                options.add_option(Option(hit_label(hit.entry, width), id=str(len(self.hits))))
                self.hits.append(hit)
        if not self.hits:
            hint = "try pinyin like xingdong, or English"
            self._status(f"“{results.query}”: nothing found ({hint}).")
            return
        self._status(f"“{results.query}”: {len(self.hits)} found · a saves the highlighted word")
        options.highlighted = 1  # the first result (0 is its heading)
        if focus_results:
            options.focus()

    @property
    def highlighted_hit(self) -> SearchHit | None:
        index = self.results.highlighted
        if index is None:
            return None
        option_id = self.results.get_option_at_index(index).id
        return self.hits[int(option_id)] if option_id is not None else None

    @on(OptionList.OptionHighlighted, "#dictionary-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        hit = self.highlighted_hit
        if hit is not None:
            self.gloss_panel.show(entry_token(hit.entry))

    @on(OptionList.OptionSelected, "#dictionary-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_save()

    def action_focus_search(self) -> None:
        self.set_focus(self.query_input)

    # ---- saving -------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save the highlighted word (no sentence: it comes from the dictionary)."""
        from reader.core.learner.describe import describe_word, entry_syllables

        hit = self.highlighted_hit
        store = self.vocabulary.store
        if hit is None:
            self.notify("Search, then highlight a word to save.", severity="warning")
            return
        if store is None:
            self.notify(f"Vocabulary unavailable: {self.vocabulary.error}", severity="error")
            return
        entry = hit.entry
        try:
            if (saved := store.get(entry.traditional)) is not None:
                status = saved.status.value
                self.notify(f"{saved.headword} is in your vocabulary already ({status}).")
                return
            forms = describe_word(
                entry.traditional,
                pinyin_numbered=entry_syllables(entry),
                traditional=entry.traditional,
                simplified=entry.simplified,
            )
            item = store.add(forms)
        except ReaderError as error:
            self.notify(str(error), severity="error")
            return
        self.saved_any = True
        self.undo_stack.push(f"saving {item.headword}", lambda: self._unsave(store, item))
        self.notify(f"Saved {item.headword} ({item.status.value}; no sentence). u takes it back.")

    def _unsave(self, store: VocabStore, item: VocabItem) -> str:
        store.remove(item.traditional)
        return f"{item.headword} is no longer in your vocabulary."

    def action_back(self) -> None:
        self.dismiss(self.saved_any)
