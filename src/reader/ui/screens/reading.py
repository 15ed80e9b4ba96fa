"""The reading screen: the interlinear text, the gloss panel, search and every reading key.

Its keys are the "reading" actions of the registry (`reader.ui.actions`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.color import Color
from textual.containers import Vertical
from textual.events import Resize
from textual.widgets import Footer, Input, Static

from reader.config import (
    ScriptDisplay,
    Settings,
    ToneChanges,
    ToneStyle,
    next_value,
)
from reader.core.engine.store import ParagraphStore
from reader.core.engine.warmup import FirstScreenPrefetch
from reader.core.errors import ReaderError
from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
from reader.core.learner.shares import KnownShares
from reader.core.models import Document
from reader.core.text.search import SearchHit, find_hits, next_hit
from reader.ui.actions import ACTIONS
from reader.ui.insight import chart_runs, column_value, known_chart
from reader.ui.problems import saving
from reader.ui.screens.reading_places import ReadingPlaces
from reader.ui.screens.reading_status import fitted_status, setting_label
from reader.ui.services import Vocabulary
from reader.ui.settings import LiveSettings
from reader.ui.widgets.gloss_panel import GlossPanel
from reader.ui.widgets.reading_layout import script_cycle
from reader.ui.widgets.reading_view import ReadingView

if TYPE_CHECKING:
    from reader.core.learner.records import Status

_TOGGLES = ("pinyin", "script", "tone_colours", "pinyin_style", "view", "tones", "tone_changes")
MIN_WIDTH = 40
MIN_HEIGHT = 10
NARROW_WIDTH = 90
SAVE_POSITION_DELAY = 1.0  # seconds of stillness before the position is written
INSIGHT_INTERVAL = 1.0  # seconds: the chart is redrawn at most this often while annotating
CHART_LABEL = "known per ¶ "


def _simplified(text: str) -> str:
    from reader.core.engine.convert import to_simplified

    return to_simplified(text)


class ReadingScreen(ReadingPlaces):
    """The text, a status line, the gloss panel and the search box."""

    SCOPE = "reading"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))
    HELP_FILE = Path(__file__).with_name("help.md")

    def __init__(
        self,
        paragraphs: ParagraphStore,
        settings: LiveSettings | Settings | None = None,
        *,
        state_store: ReadingStateStore | None = None,
        prefetch: FirstScreenPrefetch | None = None,
        vocabulary: Vocabulary | None = None,
        rest_of_document: Callable[[], Document] | None = None,
    ) -> None:
        """`rest_of_document`, for the first part of a long text, makes the whole of it (in a
        worker, after the first paint)."""
        super().__init__()
        self.paragraphs = paragraphs  # the document's annotated paragraphs (and their summaries)
        self._rest_of_document = rest_of_document
        self.vocabulary = vocabulary or Vocabulary()  # the app's: opened on first use
        # Word form (both scripts) -> status: read once, then kept in step with each change.
        self.statuses: dict[str, Status] = {}
        self._shares: KnownShares | None = None  # for the statuses now; made on first use
        self._chart_values: list[float | None] | None = None
        self._chart_stale = False
        self._chart_drawn_at = 0.0
        self.live_settings = LiveSettings.of(settings)  # the app's: read, never copied
        self.state_store = state_store or ReadingStateStore()
        self.prefetch = prefetch
        self.search_query = ""
        self.search_hits: list[SearchHit] = []
        position = self.state_store.get(paragraphs.document.doc_id)
        self._start = position or ReadingPosition(0, 0)
        self._last_saved: ReadingPosition | None = position

    # ---- composition -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="main"):
            # The panel docks inside the page (beside the text, or under it when narrow), so
            # the chart and the status line below always have the whole width.
            with Vertical(id="page"):
                yield ReadingView(
                    self.paragraphs,
                    self.live_settings,
                    paragraph_index=self._start.paragraph,
                    offset=self._start.offset,
                    prefetch=self.prefetch,
                    id="reading-view",
                )
                yield GlossPanel(self._dictionary, self.live_settings, id="gloss")
            # The search box (#search) goes here: see `_mount_hidden_parts`.
            yield Static(id="known-chart")
            yield Static(id="status")
        # The too-small message (#too-small) goes here.
        yield Footer(compact=True)  # "q Quit" fits at 80 columns

    def _mount_hidden_parts(self) -> None:
        """The search box and the too-small message, hidden until needed: mounted after the
        first paint (each widget mounted before it makes it later), or when first needed."""
        if self.query("#search"):
            return
        self.query_one("#main").mount(
            Input(placeholder="Search: hanzi or pinyin (guanxi, zhe4)", id="search"),
            before="#known-chart",
        )
        self.mount(
            Static(
                "The terminal is too small to read in.\nMake it at least "
                f"{MIN_WIDTH}×{MIN_HEIGHT}, or press q to quit.",
                id="too-small",
            ),
            before=self.query_one(Footer),
        )

    @property
    def gloss_panel(self) -> GlossPanel:
        return self.query_one(GlossPanel)

    @property
    def search_input(self) -> Input:
        self._mount_hidden_parts()
        return self.query_one("#search", Input)

    def on_mount(self) -> None:
        # Before the first render (the screen's Resize may come after it).
        self._show_too_small(self.app.size.width, self.app.size.height)
        self._unsubscribe = self.live_settings.subscribe(self._settings_changed)
        self.view.focus()
        self._load_statuses()
        self._update_status()
        self.set_interval(INSIGHT_INTERVAL, self._redraw_stale_chart)
        self.call_after_refresh(self.refresh_insight)
        self.call_after_refresh(self._mount_hidden_parts)
        if self._rest_of_document is not None:
            self._read_the_rest(self._rest_of_document)

    # ---- the rest of a long text ---------------------------------------------------------------

    @property
    def reading_the_rest(self) -> bool:
        """The text shown is the first part of a long one; the rest is being made."""
        return self._rest_of_document is not None

    @work(thread=True, exclusive=True, group="rest-of-document", exit_on_error=False)
    def _read_the_rest(self, rest_of_document: Callable[[], Document]) -> None:
        # Making paragraphs is Python work (0.4 s for 20 MB) that would hold the GIL while the
        # first screen is drawn: wait until its words and pinyin are on the terminal.
        self.view.wait_for_annotated_paint(2.0)
        try:
            document = rest_of_document()
        except ReaderError as error:  # the part already shown stays readable
            self.app.call_from_thread(self._rest_failed, error)
            return
        self.app.call_from_thread(self._rest_arrived, document)

    def _rest_arrived(self, document: Document) -> None:
        self._rest_of_document = None
        shown = len(self.paragraphs)
        self.paragraphs.extend(document)
        self.view.document_grew(shown)
        if self.search_query:  # the hits in the part that just arrived count too
            self.search_hits = find_hits(
                self.search_query, document.paragraphs, self.view.annotated, _simplified
            )
        self.refresh_insight()

    def _rest_failed(self, error: ReaderError) -> None:
        self._rest_of_document = None
        self.notify(
            f"Only the first part of the text could be read: {error}",
            title="Text cut short",
            severity="error",
            timeout=15,
        )
        self._update_status()

    def _show_too_small(self, width: int, height: int) -> None:
        """The too-small message instead of the text when the terminal is too small."""
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        if too_small:
            self._mount_hidden_parts()
        self.set_class(too_small, "-too-small")

    def on_resize(self, event: Resize) -> None:
        self._show_too_small(event.size.width, event.size.height)
        # Narrow terminals get the gloss panel under the text instead of beside it.
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")
        # Beside the text, the panel grows with the terminal: a third of it, 44 to 80 cells.
        if event.size.width < NARROW_WIDTH:
            self.gloss_panel.styles.clear_rule("width")  # under the text: reader.tcss
        else:
            self.gloss_panel.styles.width = max(44, min(80, event.size.width // 3))
        if self.gloss_panel.is_open:
            self.call_after_refresh(self.view.keep_cursor_in_view)
        self.call_after_refresh(self._draw_chart)
        self.call_after_refresh(self._update_status)

    # ---- status ------------------------------------------------------------------------------

    def _update_status(self) -> None:
        """Where you are, the current search, the display toggles, the known shares (most
        useful first: what does not fit the width is left out, a part at a time)."""
        view = self.view
        count = max(1, view.paragraph_count)
        percent = round(100 * (view.paragraph_index + 1) / count)
        options = view.options
        if self.reading_the_rest:  # more paragraphs are coming: no total, no percentage
            parts = [f"¶ {view.paragraph_index + 1}/{view.paragraph_count}+ (reading on…)"]
        else:
            parts = [f"¶ {view.paragraph_index + 1}/{view.paragraph_count}  {percent}%"]
        if self.search_hits:
            current = SearchHit(view.paragraph_index, view.cursor_offset)
            number = next(
                (i + 1 for i, hit in enumerate(self.search_hits) if hit >= current),
                len(self.search_hits),
            )
            parts.append(f"“{self.search_query}” {number}/{len(self.search_hits)}")
        parts += [
            setting_label(options.pinyin)
            + (f" ({setting_label(options.pinyin_style)})" if options.shows_pinyin else ""),
            setting_label(options.script),
        ]
        parts += [setting_label(options.tones)] if options.tones is not ToneStyle.STANDARD else []
        parts += (
            [setting_label(options.tone_changes)] if options.tone_changes is ToneChanges.ON else []
        )
        known = self._known_summary()  # the chart under the text shows it too, per paragraph
        parts += [known] if known else []
        parts += [setting_label(options.tone_colours), setting_label(options.view)]
        status = self.query_one("#status", Static)
        width = status.size.width - 2 if status.size.width > 2 else self.app.size.width - 2
        status.update(fitted_status(self.paragraphs.document.title, parts, width))

    # ---- insight: the share of known words ------------------------------------------------------

    @property
    def shares(self) -> KnownShares:
        """Known shares of the text under the statuses now (from the store's summaries)."""
        if self._shares is None or self._shares.statuses is not self.statuses:
            self._shares = KnownShares(self.paragraphs, self.statuses)
        return self._shares

    def _known_summary(self) -> str:
        """The known shares, e.g. "known ¶ 62% · text 48% (words 40%)": of this paragraph's and
        the text's running words, and of the text's distinct words (ignored words not counted)."""
        if not self.vocabulary.available:
            return ""
        view = self.view
        shares = self.shares
        share = shares.paragraph(view.paragraph_index)
        here = f"{round(100 * share)}%" if share is not None else "…"
        document = shares.document()
        so_far = "" if self.paragraphs.complete else " so far"
        return (
            f"known ¶ {here} · text {round(100 * document.by_tokens)}%"
            f" (words {round(100 * document.by_words)}%){so_far}"
        )

    @on(ReadingView.ParagraphsAnnotated)
    def _paragraphs_annotated(self, message: ReadingView.ParagraphsAnnotated) -> None:
        """New (or re-annotated) paragraphs: count their words; the status line follows at
        once, the chart at most once a second (a book sends batches for minutes) and as soon
        as the last paragraph is in."""
        self._update_status()
        complete = self.paragraphs.complete
        if complete or time.monotonic() - self._chart_drawn_at >= INSIGHT_INTERVAL:
            self.refresh_insight()
        else:
            self._chart_stale = True

    def _redraw_stale_chart(self) -> None:
        if self._chart_stale:
            self.refresh_insight()

    def known_words_changed(self) -> None:
        self._shares = None  # the statuses changed in place
        self.view.restyle()
        self.refresh_insight()

    def refresh_insight(self) -> None:
        """Redraw the known shares: the status line and the chart."""
        self._chart_values = None
        self._chart_stale = False
        self._chart_drawn_at = time.monotonic()
        self._update_status()
        self._draw_chart()

    def _draw_chart(self) -> None:
        chart = self.query_one("#known-chart", Static)
        if not self.vocabulary.available:
            chart.update("")
            return
        view = self.view
        width = max(1, self.size.width - len(CHART_LABEL) - 2)
        runs = chart_runs(view.paragraph_count, width)
        values = self._chart_values
        if values is None or len(values) != len(runs):
            # Kept until the statuses or the paragraphs change: a cursor move only moves
            # the highlight (a long book's columns cost tens of milliseconds).
            values = self._chart_values = [column_value(run, self.shares.paragraph) for run in runs]
        current = next(
            (column for column, run in enumerate(runs) if view.paragraph_index in run), -1
        )
        # The current paragraph's bar in the accent colour (reversed, ▁ would look like █).
        accent = self.app.theme_variables.get("accent", "")
        # As a Style, not "bold <colour>": the ansi-* themes' "ansi_green" is no Rich colour.
        highlight = Style(bold=True, color=Color.parse(accent).rich_color) if accent else "reverse"
        text = Text()
        text.append(CHART_LABEL, style="dim")
        text.append_text(known_chart(values, current, highlight))
        chart.update(text)

    @on(ReadingView.CursorMoved)
    def _cursor_moved(self, message: ReadingView.CursorMoved) -> None:
        if self.gloss_panel.is_open:
            self.gloss_panel.show(message.token)
        self._update_status()
        self._draw_chart()
        self._schedule_position_save()

    def _schedule_position_save(self) -> None:
        timer = getattr(self, "_save_timer", None)
        if timer is not None:
            timer.stop()
        self._save_timer = self.set_timer(SAVE_POSITION_DELAY, self.save_position)

    def save_position(self) -> None:
        view = self.view
        position = ReadingPosition(view.paragraph_index, view.cursor_offset)
        if position != self._last_saved:
            with saving(self.app):
                self.state_store.save(self.paragraphs.document.doc_id, position)
                self._last_saved = position

    def on_unmount(self) -> None:
        self._unsubscribe()
        if self.query(ReadingView):
            self.save_position()

    # ---- settings ------------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self.live_settings.current

    def _settings_changed(self, settings: Settings) -> None:
        """Listener of the settings object (the view and the gloss panel listen too)."""
        self._update_status()

    def _apply_settings(self, settings: Settings) -> None:
        self.live_settings.update(**{name: getattr(settings, name) for name in _TOGGLES})

    def action_cycle_pinyin(self) -> None:
        self._apply_settings(replace(self.settings, pinyin=next_value(self.settings.pinyin)))

    def action_cycle_script(self) -> None:
        """Original, Traditional, Simplified, both: the steps that show something new."""
        shown = self.settings.script
        cycle = script_cycle(self.paragraphs.document.script)
        if cycle == (ScriptDisplay.ORIGINAL,):
            self.notify("This text reads the same in Traditional and Simplified.")
        order = list(ScriptDisplay)
        start = order.index(shown)
        following = order[start + 1 :] + order[: start + 1]
        script = next(display for display in following if display in cycle)
        self._apply_settings(replace(self.settings, script=script))

    def action_toggle_full_tones(self) -> None:
        self._apply_settings(replace(self.settings, tones=next_value(self.settings.tones)))

    def action_toggle_tone_changes(self) -> None:
        self._apply_settings(
            replace(self.settings, tone_changes=next_value(self.settings.tone_changes))
        )

    def action_cycle_tone_colours(self) -> None:
        self._apply_settings(
            replace(self.settings, tone_colours=next_value(self.settings.tone_colours))
        )

    def action_cycle_pinyin_style(self) -> None:
        self._apply_settings(
            replace(self.settings, pinyin_style=next_value(self.settings.pinyin_style))
        )

    def action_toggle_view(self) -> None:
        self._apply_settings(replace(self.settings, view=next_value(self.settings.view)))

    # ---- navigation ----------------------------------------------------------------------------

    def action_next_paragraph(self) -> None:
        self.view.move_paragraph(1)

    def action_previous_paragraph(self) -> None:
        self.view.move_paragraph(-1)

    def action_first_paragraph(self) -> None:
        self.view.go_first()

    def action_last_paragraph(self) -> None:
        self.view.go_last()

    def action_page_down(self) -> None:
        self.view.page(1)

    def action_page_up(self) -> None:
        self.view.page(-1)

    def action_next_word(self) -> None:
        self.view.move_word(1)

    def action_previous_word(self) -> None:
        self.view.move_word(-1)

    # ---- gloss ---------------------------------------------------------------------------------

    def action_gloss(self) -> None:
        panel = self.gloss_panel
        if panel.is_open:
            self._close_gloss()
        else:
            panel.open(self.view.cursor_token)
            # The panel takes rows (under the text when narrow): the word stays in view.
            self.call_after_refresh(self.view.keep_cursor_in_view)

    def _close_gloss(self) -> None:
        self.gloss_panel.close()
        self.view.focus()

    def action_close(self) -> None:
        if self.search_input.has_class("-open"):
            self._close_search()
        elif self.gloss_panel.is_open:
            self._close_gloss()

    def action_scroll_gloss_down(self) -> None:
        self.gloss_panel.scroll_down(animate=False)

    def action_scroll_gloss_up(self) -> None:
        self.gloss_panel.scroll_up(animate=False)

    # ---- search ----------------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.search_input
        search.add_class("-open")
        search.value = self.search_query
        # At once, not after the queued keys (`focus()` waits): what is typed right after
        # "/" belongs to the search, not to the reading keys (a, x… would save or split).
        self.set_focus(search)

    def _close_search(self) -> None:
        self.search_input.remove_class("-open")
        self.view.focus()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._close_search()
        self.run_search(event.value)

    def run_search(self, query: str) -> None:
        view = self.view
        self.search_query = query.strip()
        self.search_hits = find_hits(
            self.search_query,
            self.paragraphs.document.paragraphs,
            view.annotated,
            _simplified,
        )
        if not self.search_hits:
            self.notify(f"No match for “{self.search_query}”.", severity="warning")
            self._update_status()
            return
        current = SearchHit(view.paragraph_index, view.cursor_offset - 1)
        self._go_to_hit(next_hit(self.search_hits, current, 1))

    def _go_to_hit(self, hit: SearchHit | None) -> None:
        if hit is not None:
            self.view.set_cursor(hit.paragraph, hit.offset)
        self._update_status()

    def action_search_next(self) -> None:
        self._step_search(1)

    def action_search_previous(self) -> None:
        self._step_search(-1)

    def _step_search(self, direction: int) -> None:
        if not self.search_hits:
            self.notify("No search yet: press / to search.", severity="information")
            return
        view = self.view
        self._go_to_hit(
            next_hit(
                self.search_hits, SearchHit(view.paragraph_index, view.cursor_offset), direction
            )
        )

    # ---- the end ---------------------------------------------------------------------------------

    def save_before_exit(self) -> None:
        self.save_position()
