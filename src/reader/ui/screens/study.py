"""The study screen: review due words with FSRS, one card at a time.

Front: the word (in the chosen script) and the sentence it was saved from, the word
highlighted, no pinyin. Space turns the card: pinyin coloured by tone, the definition, the
sentence's pinyin and its Simplified form. 1-4 grade it (Again, Hard, Good, Easy; each key
shows when the word comes back), u takes the last grade back, r switches the recall
direction (see the meaning, recall the word) on and off. A session ends with a summary; a
heat map of reviews per day stays at the bottom.

All scheduling lives in `reader.core.learner.study.StudySession`; this module only shows it. The
sentences are annotated (pinyin in context, Simplified) in a thread worker, so a card shows
at once and its sentence reading fills in when ready.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import ClassVar

import fsrs
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.widgets import Footer, Static

from reader.config import Settings
from reader.core.engine.pipeline import Annotator
from reader.core.errors import ReaderError
from reader.core.learner.records import Direction
from reader.core.learner.study import (
    NEW_CARDS_PER_DAY,
    Clock,
    Grade,
    SessionSummary,
    StudyCard,
    StudySession,
    day_of,
    reviews_per_day,
    streak,
    system_clock,
)
from reader.core.learner.vocab import VocabStore
from reader.core.models import Token
from reader.ui.actions import ACTIONS
from reader.ui.screens.base import ReaderScreen
from reader.ui.settings import LiveSettings
from reader.ui.widgets.study_card import (
    CardContent,
    CardView,
    ReviewHeatmap,
    card_text,
    grades_text,
    summary_text,
)

HEATMAP_WEEKS = 16
COMPACT_HEIGHT = 26  # rows below which the heat map is hidden


# ---- the screen


class StudyScreen(ReaderScreen[SessionSummary]):
    """Review due words. Dismissed (with the session summary) by q or Esc."""

    SCOPE = "study"
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(SCOPE))
    HELP_FILE = Path(__file__).with_name("study_help.md")

    DEFAULT_CSS = """
    StudyScreen { background: $background; }
    StudyScreen #study-header { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    StudyScreen #study-body { height: 1fr; align: center middle; }
    StudyScreen #study-grades { height: auto; padding: 0 1 1 1; text-align: center; }
    StudyScreen #study-summary { display: none; }
    StudyScreen.-finished #study-summary { display: block; }
    StudyScreen.-finished #study-card, StudyScreen.-finished #study-grades { display: none; }
    StudyScreen #study-history { height: auto; border-top: hkey $panel-lighten-2; padding-top: 1; }
    StudyScreen #study-history-text { width: 1fr; padding: 0 2; color: $text-muted; }
    StudyScreen.-compact #study-history { display: none; }
    """

    revealed: reactive[bool] = reactive(False)

    def __init__(
        self,
        store: VocabStore,
        settings: LiveSettings | Settings | None = None,
        *,
        directions: Sequence[Direction] = (Direction.READ,),
        new_limit: int | None = None,
        clock: Clock = system_clock,
        zone: tzinfo | None = None,
        annotator: Annotator | None = None,
        scheduler: fsrs.Scheduler | None = None,
        session: StudySession | None = None,
    ) -> None:
        """Raises ReaderError when the vocabulary's study records cannot be read (the
        queue is built here): the caller says so instead of opening the screen. `session`:
        one built already (`reader study` builds it before the app starts)."""
        super().__init__()
        self.store = store
        self.live_settings = LiveSettings.of(settings)  # the app's: read, never copied
        self.session = session or StudySession(
            store,
            directions=directions,
            clock=clock,
            zone=zone,
            scheduler=scheduler,
            new_limit=NEW_CARDS_PER_DAY if new_limit is None else new_limit,
        )
        self.annotator = annotator
        self.sentence_tokens: dict[str, tuple[Token, ...]] = {}
        self._shown_at: datetime | None = None

    # -- composition

    @property
    def settings(self) -> Settings:
        return self.live_settings.current

    def compose(self) -> ComposeResult:
        yield Static(id="study-header")
        with Vertical(id="study-body"):
            yield CardView(id="study-card")
            yield Static(id="study-grades")
            yield CardView(id="study-summary")
        with Horizontal(id="study-history"):
            yield ReviewHeatmap(id="study-heatmap")
            yield Static(id="study-history-text")
        yield Footer()

    @property
    def card_view(self) -> CardView:
        return self.query_one("#study-card", CardView)

    @property
    def summary_view(self) -> CardView:
        return self.query_one("#study-summary", CardView)

    def on_mount(self) -> None:
        self._shown_at = self.session.now()
        self._annotate_queue()
        self._show_card()
        self._update_history()

    def on_resize(self, event: Resize) -> None:
        # A short terminal keeps the card whole and drops the heat map.
        self.set_class(event.size.height < COMPACT_HEIGHT, "-compact")

    # -- showing

    def _card_content(self, card: StudyCard) -> CardContent:
        context = card.item.first_sentence_context
        tokens = self.sentence_tokens.get(context.sentence) if context is not None else ()
        return CardContent(
            card=card,
            revealed=self.revealed,
            tokens=tokens,
            script=self.settings.script,
            notation=self.settings.pinyin_style,
            tone_colours=self.settings.tone_colours,
        )

    def _keys(self) -> dict[str, str]:
        """Each study action's keys now, as the answer bar names them."""
        keymap = ACTIONS.keymap(self.settings.keys)
        return {
            action.id: keymap.get(action.id) or action.key_display or action.keys
            for action in ACTIONS.in_scope(self.SCOPE)
        }

    def _show_card(self) -> None:
        card = self.session.current
        self.set_class(card is None, "-finished")
        if card is None:
            summary = self.session.summary()
            self.summary_view.update(
                summary_text(
                    summary,
                    self.session.now(),
                    self.session.zone,
                    self.summary_view.styles_for_text(),
                )
            )
        else:
            styles = self.card_view.styles_for_text()
            self.card_view.update(card_text(self._card_content(card), styles))
            preview = self.session.preview() if self.revealed else {}
            self.query_one("#study-grades", Static).update(
                grades_text(self.revealed, preview, styles, self._keys())
            )
        self._update_header()

    def _update_header(self) -> None:
        session = self.session
        direction = "recall on" if Direction.RECALL in session.directions else "recall off"
        parts = [
            "Study",
            f"{session.remaining} to go ({session.new_remaining} new)",
            f"{len(session.history)} reviewed",
            direction,
        ]
        if session.can_undo:
            parts.append("u undo")
        self.query_one("#study-header", Static).update("  ·  ".join(parts))

    def _update_history(self) -> None:
        session = self.session
        now = session.now()
        # Whole weeks from a Monday, the last one up to today.
        days = (HEATMAP_WEEKS - 1) * 7 + day_of(now, session.zone).weekday() + 1
        counts = reviews_per_day(self.store, days=days, now=now, zone=session.zone)
        self.query_one(ReviewHeatmap).show(counts)
        total = sum(count.reviews for count in counts)
        run = streak(counts)
        lines = [
            f"today: {counts[-1].reviews} reviews",
            f"streak: {run} day{'s' if run != 1 else ''}",
            f"last {HEATMAP_WEEKS} weeks: {total} reviews",
            f"words studied: {len({key[0] for key in self.store.card_states()})}",
        ]
        self.query_one("#study-history-text", Static).update("\n".join(lines))

    def watch_revealed(self) -> None:
        if self.is_mounted:
            self._show_card()

    # -- sentence readings (thread worker)

    @work(thread=True, exclusive=True, group="study-sentences", name="read sentences")
    def _annotate_queue(self) -> None:
        from reader.core.learner.describe import annotate_sentences

        sentences = [
            context.sentence
            for card in list(self.session.queue)
            if (context := card.item.first_sentence_context) is not None
            and context.sentence not in self.sentence_tokens
        ]
        for sentence in dict.fromkeys(sentences):
            try:
                tokens = annotate_sentences([sentence], self.annotator).get(sentence, ())
            except Exception:  # a reading is a help, never a reason to end the session
                tokens = ()
            self.app.call_from_thread(self._sentence_ready, sentence, tokens)

    def _sentence_ready(self, sentence: str, tokens: tuple[Token, ...]) -> None:
        self.sentence_tokens[sentence] = tokens
        card = self.session.current
        context = card.item.first_sentence_context if card is not None else None
        if context is not None and context.sentence == sentence:
            self._show_card()

    # -- actions

    def action_reveal(self) -> None:
        if self.session.current is not None:
            self.revealed = True

    def action_grade(self, value: int) -> None:
        card = self.session.current
        if card is None:
            return
        if not self.revealed:
            self.notify("Show the answer first (space).", severity="warning", timeout=2)
            return
        now = self.session.now()
        duration = None
        if self._shown_at is not None:
            duration = max(0, int((now - self._shown_at).total_seconds() * 1000))
        word = card.item.traditional
        try:
            self.session.grade(Grade(value), duration_ms=duration)
        except ReaderError as error:  # e.g. the word was deleted in another window meanwhile
            self.notify(str(error), severity="error", timeout=4)
            self.session.skip()
        else:
            self.undo_stack.push(f"the grade of {word}", self._take_back_grade)
        self._next_card()

    def _take_back_grade(self) -> str:
        card = self.session.undo()
        self._next_card(reveal=True)
        return f"Took back the grade of {card.item.traditional}."

    def action_toggle_recall(self) -> None:
        session = self.session
        if Direction.RECALL in session.directions:
            directions: tuple[Direction, ...] = (Direction.READ,)
        else:
            directions = (Direction.READ, Direction.RECALL)
        session.set_directions(directions)
        state = "on" if Direction.RECALL in directions else "off"
        self.notify(f"Recall direction {state}.", timeout=2)
        self._annotate_queue()
        self._next_card()

    def _next_card(self, *, reveal: bool = False) -> None:
        self._shown_at = self.session.now()
        if self.revealed == reveal:
            self._show_card()
        else:
            self.revealed = reveal  # the watcher redraws
        self._update_history()

    def action_quit(self) -> None:
        self.dismiss(self.session.summary())
