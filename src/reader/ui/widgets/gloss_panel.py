"""The gloss panel: everything CC-CEDICT says about the word under the cursor.

The lookups run in a thread worker (the first one may open or even compile the dictionary);
the panel shows the word at once and fills in the entries when they arrive.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.config import Settings
from reader.core.dictionary.formatting import entry_pinyin
from reader.core.engine.syllables import PinyinStyle, format_word
from reader.core.models import Entry, Lookup, Token
from reader.core.text.han import is_han_char
from reader.ui.settings import LiveSettings

if TYPE_CHECKING:
    from reader.core.dictionary.cedict import Dictionary


DECOMPOSITION_FILE = Path(__file__).resolve().parent.parent / "data" / "hanzi_decomposition.tsv.gz"


@dataclass(frozen=True, slots=True)
class Decomposition:
    """How a character is built (makemeahanzi): ⿰氵每, its radical, an etymology hint."""

    parts: str  # an Ideographic Description Sequence, "" when unknown
    radical: str
    etymology: str  # e.g. "pictophonetic: 氵 water + 每 sound"; "" when unknown


@lru_cache(maxsize=1)
def _decompositions() -> dict[str, Decomposition]:
    table: dict[str, Decomposition] = {}
    try:
        with gzip.open(DECOMPOSITION_FILE, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#"):
                    continue
                character, parts, radical, kind, hint = (line.rstrip("\n").split("\t") + [""] * 5)[
                    :5
                ]
                etymology = f"{kind}: {hint}" if kind and hint else kind or hint
                table[character] = Decomposition(parts, radical, etymology)
    except OSError:  # the data file is optional: the panel works without it
        return {}
    return table


def decomposition(character: str) -> Decomposition | None:
    return _decompositions().get(character)


@dataclass(frozen=True, slots=True)
class CharacterInfo:
    character: str
    other_form: str  # the other script's form, "" when the same
    readings: tuple[str, ...]  # CC-CEDICT pinyin strings
    meaning: str | None
    decomposition: Decomposition | None = None


@dataclass(frozen=True, slots=True)
class Part:
    """One word of a compound or of a word without an entry, as read in the token."""

    text: str
    reading: tuple[str, ...]  # its syllables in the token's reading
    gloss: str | None  # its sense for that reading (葛 Gě: "surname Ge")


# An entry with the indices of its definitions in the order shown.
ShownEntry = tuple[Entry, list[int]]


@dataclass(frozen=True, slots=True)
class GlossContent:
    """What the panel shows for one token; built off the UI thread."""

    token: Token
    lookup: Lookup
    parts: tuple[Part, ...]  # the compound's words (the breakdown), if any
    characters: tuple[CharacterInfo, ...]
    hsk_2021: str | None = None  # HSK 3.0 (2021 standard) level: "1".."6", "7-9"
    hsk_2025: str | None = None  # 2025 syllabus level
    frequency_band: str = ""  # e.g. "top 1k", "3k-10k", "rarer" (rank in a large corpus)
    # Every entry and definition, the sense chosen here first (its entry first), entries that
    # only point elsewhere ("variant of 著") last; then the entries they point to.
    entries: tuple[ShownEntry, ...] = ()
    references: tuple[ShownEntry, ...] = ()


def _compound_parts(word: str, dictionary: Dictionary) -> tuple[Lookup, ...]:
    """A compound of three or more characters as the fewest dictionary words."""
    from reader.core.dictionary.compounds import dictionary_parts

    return dictionary.lookup_many(dictionary_parts(word, dictionary.has_word))


def _parts(token: Token, pieces: Sequence[Lookup]) -> tuple[Part, ...]:
    """The pieces of the token with their syllables in its reading and the sense of each for
    that reading (葛沖 → 葛 Gě "surname Ge", 沖 Chōng ...)."""
    from reader.core.dictionary.markup import render
    from reader.core.dictionary.sense_rules import Neighbours
    from reader.core.dictionary.senses import choose_sense

    parts = []
    offset = 0
    for index, piece in enumerate(pieces):
        reading = token.pinyin_numbered[offset : offset + len(piece.query)]
        offset += len(piece.query)
        before = pieces[index - 1].query if index else ""
        after = pieces[index + 1].query if index + 1 < len(pieces) else ""
        key = piece.entries[0].simplified if piece.entries else piece.query
        entries = (*piece.entries, *piece.references)
        sense = choose_sense(entries, reading, Neighbours(before, after), key)
        gloss = render(sense.definition, _is_simplified(token)) if sense else piece.gloss
        parts.append(Part(piece.query, tuple(reading), gloss))
    return tuple(parts)


def _shown_entries(result: Lookup, chosen: str | None) -> tuple[tuple[ShownEntry, ...], ...]:
    """The entries and the references in the order the panel shows them: the one holding the
    chosen sense first (even when it is a reference: 着 → 著 zhe "aspect particle"), that
    sense first in it; entries that only point elsewhere after the others."""
    from reader.core.dictionary.markup import render
    from reader.core.dictionary.senses import ordered_senses

    ordered = ordered_senses((*result.entries, *result.references), chosen)
    direct = set(result.entries)
    first = []
    if chosen is not None and ordered:
        entry, indices = ordered[0]
        if indices and chosen in (
            render(entry.definitions[indices[0]], simplified) for simplified in (False, True)
        ):
            first = ordered[:1]
    rest = ordered[len(first) :]
    pointers = [pair for pair in rest if pair[0] in direct and _only_points(pair[0])]
    entries = first + [p for p in rest if p[0] in direct and p not in pointers] + pointers
    references = [pair for pair in rest if pair[0] not in direct]
    return tuple(entries), tuple(references)


def _only_points(entry: Entry) -> bool:
    from reader.core.models import _is_pointer_definition

    return all(map(_is_pointer_definition, entry.definitions))


def build_gloss(token: Token, dictionary: Dictionary) -> GlossContent:
    """Look the token up: its entries, its compound parts and each of its characters."""
    from reader.core.dictionary.markup import render

    result = dictionary.lookup(token.text)
    compound = len(token.text) >= 3 and token.is_han
    pieces = result.breakdown or (_compound_parts(token.text, dictionary) if compound else ())
    parts = _parts(token, pieces)
    entries, references = _shown_entries(result, token.gloss)

    characters: list[CharacterInfo] = []
    for index, character in enumerate(token.text):
        if not is_han_char(character):
            continue  # a letter of iPhone or T恤 is no character to look up (P is slang)
        other = token.simplified[index] if token.simplified[index] != character else ""
        if not other and token.traditional[index] != character:
            other = token.traditional[index]
        char_lookup = dictionary.lookup(character)
        readings = tuple(dict.fromkeys(entry.pinyin for entry in char_lookup.entries))
        built = decomposition(character) or (decomposition(other) if other else None)
        meaning = render(char_lookup.gloss, _is_simplified(token)) if char_lookup.gloss else None
        characters.append(CharacterInfo(character, other, readings, meaning, built))
    from reader.core.learner.word_facts import (
        frequency_band,
        hsk_2021_level,
        hsk_2025_level,
        word_frequency,
    )

    return GlossContent(
        token,
        result,
        parts,
        tuple(characters),
        hsk_2021=hsk_2021_level(token.traditional, token.simplified),
        hsk_2025=hsk_2025_level(token.simplified),
        frequency_band=frequency_band(word_frequency(token.simplified, token.traditional)),
        entries=entries,
        references=references,
    )


def word_facts_line(content: GlossContent) -> str:
    """HSK levels (2021 standard, 2025 syllabus) and the frequency band, on one line."""
    parts = [
        f"HSK 2021: {content.hsk_2021 or '—'}",
        f"HSK 2025: {content.hsk_2025 or '—'}",
    ]
    if content.frequency_band:
        parts.append(f"frequency: {content.frequency_band}")
    return "  ·  ".join(parts)


def _is_simplified(token: Token) -> bool:
    """Whether the token's document writes Simplified (then markup shows Simplified forms)."""
    return token.text == token.simplified != token.traditional


def _headword(entry: Entry) -> str:
    if entry.traditional == entry.simplified:
        return entry.traditional
    return f"{entry.traditional} 〔{entry.simplified}〕"


def render_gloss(content: GlossContent, notation: PinyinStyle) -> Text:
    """The panel text: heading, entries, see-also, compound parts, characters."""
    token, result = content.token, content.lookup
    text = Text()
    text.append(token.text, style="bold")
    if token.simplified != token.text:
        text.append(f"  〔{token.simplified}〕", style="bold")
    elif token.traditional != token.text:
        text.append(f"  〔{token.traditional}〕", style="bold")
    if token.pinyin_numbered:
        text.append(f"\n{format_word(token.pinyin_numbered, notation)}", style="italic")
        text.append("  (reading here)", style="dim")
    text.append("\n")
    if result.via:
        text.append(f"\nfound as the variant {result.via}\n", style="dim")
    if not result.entries and not content.parts:
        text.append("\nNo dictionary entry.\n", style="dim")
    simplified = _is_simplified(token)
    for entry, indices in content.entries:
        _append_entry(text, entry, indices, notation, simplified)
    if token.is_han:  # after the senses: a short panel shows a definition first
        text.append(f"\n{word_facts_line(content)}\n", style="dim")
    if content.references:
        text.append("\nSee also\n", style="bold underline")
        for entry, indices in content.references:
            _append_entry(text, entry, indices, notation, simplified)
    if content.parts:
        text.append("\nMade of\n", style="bold underline")
        for part in content.parts:
            text.append(f"  {part.text}", style="bold")
            text.append(f"  {format_word(part.reading, notation)}", style="italic")
            text.append(f"  {part.gloss or '—'}\n")
    if content.characters:
        heading = "Characters" if len(content.characters) > 1 else "Character"
        text.append(f"\n{heading}\n", style="bold underline")
        for info in content.characters:
            text.append(f"  {info.character}", style="bold")
            if info.other_form:
                text.append(f"〔{info.other_form}〕", style="bold")
            shown = (format_word(reading.split(), notation).lower() for reading in info.readings)
            readings = ", ".join(dict.fromkeys(shown))
            if len(content.characters) > 1:
                text.append(f"  {readings or '—'}", style="italic")
                text.append(f"  {info.meaning or '—'}")
            text.append("\n")
            built = info.decomposition
            if built is not None:
                described = [f"{built.parts}" if built.parts else "", f"radical {built.radical}"]
                text.append("     " + "  ·  ".join(part for part in described if part), style="dim")
                text.append("\n")
                if built.etymology:
                    text.append(f"     {built.etymology}\n", style="dim italic")
    return text


def _append_entry(
    text: Text, entry: Entry, indices: Sequence[int], notation: PinyinStyle, simplified: bool
) -> None:
    from reader.core.dictionary.markup import render

    text.append(f"\n{_headword(entry)}", style="bold")
    text.append(f"  {entry_pinyin(entry, notation)}\n", style="italic")
    for number, index in enumerate(indices, start=1):
        text.append(f"  {number}. {render(entry.definitions[index], simplified)}\n")


class GlossPanel(VerticalScroll, can_focus=True):
    """A side panel; `show(token)` fills it, the reading screen hides it with Esc. Tab
    focuses it (then ↑/↓, PgUp/PgDn scroll it); shift+↑/↓ scroll it from the text."""

    DEFAULT_CSS = """
    GlossPanel {
        width: 44;  /* wider on wide terminals: see the reading screen's on_resize */
        height: 1fr;
        dock: right;
        padding: 0 1;
        border-left: vkey $panel-lighten-2;
        background: $panel;
        display: none;
    }
    GlossPanel.-open { display: block; }
    GlossPanel:focus { border-left: vkey $accent; }
    GlossPanel > #gloss-body { width: 1fr; }
    """

    def __init__(
        self,
        dictionary: Callable[[], Dictionary],
        settings: LiveSettings | None = None,
        *,
        id: str | None = None,
    ) -> None:
        """`dictionary` gives the dictionary to look words up in (called in a worker: it may
        open or compile the index on first use)."""
        super().__init__(id=id)
        self._dictionary = dictionary
        self.settings = settings or LiveSettings(save=False)  # the app's settings object
        self.token: Token | None = None
        self.content: GlossContent | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="gloss-body")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def body(self) -> Static:
        return self.query_one("#gloss-body", Static)

    @property
    def text(self) -> str:
        """The panel's plain text (tests)."""
        content = self.body.content
        return content.plain if isinstance(content, Text) else str(content)

    @property
    def notation(self) -> PinyinStyle:
        return self.settings.current.pinyin_style

    def on_mount(self) -> None:
        self._unsubscribe = self.settings.subscribe(self._settings_changed)

    def on_unmount(self) -> None:
        self._unsubscribe()

    def _settings_changed(self, settings: Settings) -> None:
        if self.is_open and self.content is not None:
            self.body.update(render_gloss(self.content, settings.pinyin_style))

    def open(self, token: Token | None) -> None:
        self.add_class("-open")
        self.show(token)

    def close(self) -> None:
        self.remove_class("-open")

    def show(self, token: Token | None) -> None:
        notation = self.notation
        if token is None:
            self.token = None
            self.content = None
            self.body.update(Text("No word here yet.", style="dim"))
            return
        if token == self.token and self.content is not None:
            self.body.update(render_gloss(self.content, notation))
            return
        self.token = token
        self.content = None
        self.body.update(Text(f"{token.text}\n\nLooking up…", style="dim"))
        self._look_up(token)

    @work(thread=True, exclusive=True, group="gloss", name="look up")
    def _look_up(self, token: Token) -> None:
        content = build_gloss(token, self._dictionary())
        self.app.call_from_thread(self._show_content, content)

    def _show_content(self, content: GlossContent) -> None:
        if content.token != self.token:
            return
        self.content = content
        self.body.update(render_gloss(content, self.notation))
        self.scroll_home(animate=False)
