"""The study card and the review heat map: what they show (pure functions building Rich text:
the tests call them directly) and the two widgets that show it.

Front: the word (in the chosen script) and the sentence it was saved from, the word
highlighted, no pinyin. Back: pinyin coloured by tone, the definition, the sentence's pinyin
and its Simplified form. In the recall direction the meaning is shown and the word blanked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from reader.config import ScriptDisplay, ToneColours
from reader.core.engine.syllables import PinyinStyle
from reader.core.learner.records import Direction
from reader.core.learner.study import (
    DayCount,
    Grade,
    SessionSummary,
    StudyCard,
    format_interval,
)
from reader.core.models import Token
from reader.core.text.sentences import space_between
from reader.core.tone_colours import SCHEMES, colour_rules


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
    if script is ScriptDisplay.TRADITIONAL:
        return item.traditional
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
