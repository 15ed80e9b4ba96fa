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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import ClassVar

import fsrs
from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.widgets import Footer, Static

from reader.config import ScriptDisplay, Settings, ToneColours
from reader.core.engine.pipeline import Annotator
from reader.core.engine.syllables import PinyinStyle
from reader.core.errors import ReaderError
from reader.core.learner.study import (
    NEW_CARDS_PER_DAY,
    Clock,
    DayCount,
    Grade,
    SessionSummary,
    StudyCard,
    StudySession,
    day_of,
    format_interval,
    reviews_per_day,
    streak,
    system_clock,
)
from reader.core.learner.vocab import Direction, VocabStore
from reader.core.models import Token
from reader.core.text.sentences import space_between
from reader.core.tone_colours import SCHEMES, colour_rules
from reader.ui.actions import ACTIONS
from reader.ui.screens.base import ReaderScreen
from reader.ui.settings import LiveSettings

HEATMAP_WEEKS = 16
COMPACT_HEIGHT = 26  # rows below which the heat map is hidden


# ---- text building (pure: the tests call these directly)


@dataclass(frozen=True, slots=True)
class Styles:
    """Rich styles resolved from the card's component classes (so the theme applies)."""

    word: Style
    highlight: Style
    muted: Style
    label: Style
    tones: Mapping[tuple[str, int], Style]

    def tone(self, scheme: ToneColours, tone: int) -> Style:
        if not tone:
            return Style()
        return self.tones.get((scheme.value, tone), Style())  # none for "off"


PLAIN_STYLES = Styles(Style(bold=True), Style(underline=True), Style(dim=True), Style(), {})


def word_in_script(card: StudyCard, script: ScriptDisplay) -> str:
    """The word as the learner reads it: as in its sentence (original), Simplified, or both."""
    item = card.item
    if script is ScriptDisplay.SIMPLIFIED:
        return item.simplified
    if script is ScriptDisplay.BOTH and item.simplified != item.traditional:
        return f"{item.traditional} 〔{item.simplified}〕"
    context = item.first_sentence_context
    in_sentence = context.sentence if context is not None else ""
    if item.simplified in in_sentence and item.traditional not in in_sentence:
        return item.simplified
    return item.traditional


def word_spans(sentence: str, forms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the word occurs in the sentence (either script), longest form first."""
    covered: list[tuple[int, int]] = []
    for form in sorted({form for form in forms if form}, key=len, reverse=True):
        start = sentence.find(form)
        while start >= 0:
            end = start + len(form)
            if all(end <= a or start >= b for a, b in covered):
                covered.append((start, end))
            start = sentence.find(form, end)
    return sorted(covered)


def sentence_text(
    sentence: str,
    forms: Sequence[str],
    styles: Styles,
    *,
    hide_word: bool = False,
    base: Style | None = None,
) -> Text:
    """The sentence with the word highlighted, or blanked out (recall direction, front)."""
    plain = base or Style()
    text = Text()
    position = 0
    for start, end in word_spans(sentence, forms):
        text.append(sentence[position:start], style=plain)
        shown = "＿" * (end - start) if hide_word else sentence[start:end]
        text.append(shown, style=plain + styles.highlight)
        position = end
    text.append(sentence[position:], style=plain)
    return text


def syllables_text(
    syllables: Sequence[str],
    notation: PinyinStyle,
    scheme: ToneColours,
    styles: Styles,
    *,
    separator: str = "",
    base: Style | None = None,
) -> Text:
    from reader.core.engine.syllables import tone_of, word_pieces

    text = Text()
    pieces = word_pieces(syllables, notation)
    for index, (syllable, piece) in enumerate(zip(syllables, pieces, strict=True)):
        if not syllable:
            continue
        if index and separator:
            text.append(separator)
            piece = piece.lstrip(" '")
        text.append(piece, style=(base or Style()) + styles.tone(scheme, tone_of(syllable)))
    return text


def hanzi_text(word: str, syllables: Sequence[str], scheme: ToneColours, styles: Styles) -> Text:
    """The word with each character coloured by its tone (plain if the reading does not fit)."""
    from reader.core.engine.syllables import tone_of

    if len(word) != len(syllables):
        return Text(word, style=styles.word)
    text = Text()
    for character, syllable in zip(word, syllables, strict=True):
        tone = tone_of(syllable) if syllable else 0
        text.append(character, style=styles.word + styles.tone(scheme, tone))
    return text


def sentence_pinyin_text(
    tokens: Sequence[Token],
    forms: Sequence[str],
    notation: PinyinStyle,
    scheme: ToneColours,
    styles: Styles,
) -> Text:
    """The sentence's pinyin word by word, the studied word's syllables highlighted."""
    sentence = "".join(token.text for token in tokens)
    marked = {i for start, end in word_spans(sentence, forms) for i in range(start, end)}
    text = Text()
    previous = ""
    for token in tokens:
        if token.text.isspace():
            continue
        if space_between(previous, token.text):
            text.append(" ")
        if token.is_han and len(token.pinyin_numbered) == len(token.text):
            for offset, syllable in enumerate(token.pinyin_numbered):
                base = styles.highlight if token.start + offset in marked else None
                text.append_text(syllables_text([syllable], notation, scheme, styles, base=base))
        else:
            text.append(token.text)
        previous = token.text
    return text


@dataclass(frozen=True, slots=True)
class CardContent:
    """Everything the card shows; `tokens` is the sentence annotated (None: not yet)."""

    card: StudyCard
    revealed: bool
    tokens: tuple[Token, ...] | None
    script: ScriptDisplay
    notation: PinyinStyle
    tone_colours: ToneColours


def card_text(content: CardContent, styles: Styles) -> Text:
    card, item = content.card, content.card.item
    context = item.first_sentence_context
    sentence = context.sentence if context is not None else ""
    recall = card.direction is Direction.RECALL
    scheme = content.tone_colours
    text = Text()
    word = word_in_script(card, content.script)
    if recall:
        text.append("recall the word\n\n", style=styles.label)
        text.append(item.definition or "(no definition)", style=styles.word)
    else:
        text.append(word, style=styles.word)
    text.append("\n\n")
    if sentence:
        text.append_text(
            sentence_text(sentence, item.forms, styles, hide_word=recall and not content.revealed)
        )
        text.append("\n")
    if not content.revealed:
        return text
    text.append("\n")
    if recall:
        if len(word) == len(item.pinyin_numbered):
            text.append_text(hanzi_text(word, item.pinyin_numbered, scheme, styles))
        else:
            text.append(word, style=styles.word)
        text.append("  ")
    text.append_text(syllables_text(item.pinyin_numbered, content.notation, scheme, styles))
    if not recall:
        text.append("\n")
        text.append(item.definition or "(no definition)")
    text.append("\n")
    if sentence:
        text.append("\n")
        if content.tokens is None:
            text.append("reading the sentence…", style=styles.muted)
        elif not content.tokens:
            text.append("(no reading for this sentence)", style=styles.muted)
        else:
            text.append_text(
                sentence_pinyin_text(content.tokens, item.forms, content.notation, scheme, styles)
            )
            simplified = "".join(token.simplified for token in content.tokens)
            if simplified != sentence:
                text.append("\n")
                text.append_text(
                    sentence_text(simplified, (item.simplified,), styles, base=styles.muted)
                )
    return text


def grades_text(
    revealed: bool, preview: Mapping[Grade, timedelta], styles: Styles, keys: Mapping[str, str]
) -> Text:
    """The answer bar: "space show answer", then each grade with when the word comes back."""
    text = Text()
    if not revealed:
        text.append(keys.get("study.reveal", "space"), style=styles.word)
        text.append("  show answer", style=styles.label)
        return text
    for grade in Grade:
        if grade is not Grade.AGAIN:
            text.append("    ")
        key = keys.get(f"study.{grade.name.lower()}", str(int(grade)))
        text.append(key, style=styles.word)
        text.append(f" {grade.label} ")
        text.append(format_interval(preview[grade]), style=styles.muted)
    return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary_line(summary: SessionSummary) -> str:
    """A session in one line, as `reader study` prints it when it ends."""
    return (
        f"studied: {_count(summary.reviews, 'review')}, "
        f"{_count(summary.new_words, 'new word')}, "
        f"{round(100 * summary.correct_share)}% remembered"
    )


def summary_text(summary: SessionSummary, now: datetime, zone: tzinfo, styles: Styles) -> Text:
    text = Text()
    if not summary.reviews:
        text.append("Nothing is due.\n\n", style=styles.word)
    else:
        text.append("Session done\n\n", style=styles.word)
        text.append(
            f"{_count(summary.reviews, 'review')} · "
            f"{round(100 * summary.correct_share)}% remembered"
        )
        if summary.started_at is not None and summary.ended_at is not None:
            minutes = (summary.ended_at - summary.started_at).total_seconds() / 60
            text.append(f" · {max(1, round(minutes))} min")
        text.append("\n")
        text.append("  ".join(f"{grade.label} {count}" for grade, count in summary.grades.items()))
        text.append(f"\n{_count(summary.new_words, 'new word')}\n")
        if summary.became_known:
            text.append(f"now known: {'、'.join(summary.became_known)}\n")
        if summary.lapsed:
            text.append(f"back to learning: {'、'.join(summary.lapsed)}\n")
    if summary.next_due is not None:
        wait = summary.next_due - now
        when = summary.next_due.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        if wait > timedelta(0):
            text.append(f"\nnext review in {format_interval(wait)} ({when})", style=styles.muted)
        else:
            text.append("\nmore reviews are due (r or restart to continue)", style=styles.muted)
    text.append("\n\nq quit · u undo the last grade", style=styles.label)
    return text


def heat_level(count: int, highest: int) -> int:
    """0 for no reviews, else 1-4 by the share of the busiest day."""
    if count <= 0 or highest <= 0:
        return 0
    return min(4, 1 + (4 * count - 1) // highest)


def heatmap_text(counts: Sequence[DayCount], level_styles: Sequence[Style]) -> Text:
    """Weeks as columns (Monday on top), a square per day coloured by its review count."""
    text = Text()
    if not counts:
        return text
    highest = max(count.reviews for count in counts)
    first = counts[0].day
    padding = first.weekday()  # the first column starts on a Monday
    cells: list[DayCount | None] = [None] * padding + list(counts)
    weeks = (len(cells) + 6) // 7
    names = ("Mon", "", "Wed", "", "Fri", "", "Sun")
    for weekday in range(7):
        text.append(f"{names[weekday]:<4}", style=level_styles[0])
        for week in range(weeks):
            index = week * 7 + weekday
            cell = cells[index] if index < len(cells) else None
            if cell is None:
                text.append("  ")
                continue
            level = heat_level(cell.reviews, highest)
            text.append("■ " if level else "· ", style=level_styles[level])
        if weekday < 6:
            text.append("\n")
    return text


# ---- widgets


class CardView(Static):
    """The card; the screen hands it a CardContent."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "card-view--word",
        "card-view--highlight",
        "card-view--muted",
        "card-view--label",
        *(f"card-view--{scheme}-{tone}" for scheme in SCHEMES for tone in range(1, 6)),
    }

    DEFAULT_CSS = """
    CardView { width: 1fr; height: auto; padding: 1 2; text-align: center; }
    CardView > .card-view--word { text-style: bold; color: $text; }
    CardView > .card-view--highlight { text-style: bold underline; color: $accent; }
    CardView > .card-view--muted { color: $text-muted; }
    CardView > .card-view--label { color: $text-muted; text-style: italic; }
    """ + colour_rules(lambda scheme, tone: f"CardView > .card-view--{scheme}-{tone}")

    def styles_for_text(self) -> Styles:
        def get(name: str) -> Style:
            return self.get_component_rich_style(f"card-view--{name}", partial=True)

        return Styles(
            word=get("word"),
            highlight=get("highlight"),
            muted=get("muted"),
            label=get("label"),
            tones={
                (scheme, tone): get(f"{scheme}-{tone}")
                for scheme in SCHEMES
                for tone in range(1, 6)
            },
        )

    @property
    def plain(self) -> str:
        """The card's text without styles (tests)."""
        content = self.content
        return content.plain if isinstance(content, Text) else str(content)


class ReviewHeatmap(Static):
    """Reviews per day over the last weeks."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"review-heatmap--level-{n}" for n in range(5)}

    DEFAULT_CSS = """
    ReviewHeatmap { width: auto; height: auto; padding: 0 2; }
    ReviewHeatmap > .review-heatmap--level-0 { color: $text-disabled; }
    ReviewHeatmap > .review-heatmap--level-1 { color: $success 40%; }
    ReviewHeatmap > .review-heatmap--level-2 { color: $success 60%; }
    ReviewHeatmap > .review-heatmap--level-3 { color: $success 80%; }
    ReviewHeatmap > .review-heatmap--level-4 { color: $success; }
    """

    def show(self, counts: Sequence[DayCount]) -> None:
        levels = [
            self.get_component_rich_style(f"review-heatmap--level-{n}", partial=True)
            for n in range(5)
        ]
        self.update(heatmap_text(counts, levels))


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
    ) -> None:
        super().__init__()
        self.store = store
        self.live_settings = LiveSettings.of(settings)  # the app's: read, never copied
        self.session = StudySession(
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
        from reader.core.learner.vocab import annotate_sentences

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
