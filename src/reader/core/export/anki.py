"""Anki notes for saved words: the note type, the fields, stable ids and the .apkg package.

Ids never change between versions or runs:
- the note type id (MODEL_ID) and name, so Anki recognises our note type on every import;
- the deck id, derived from the deck name;
- the note GUID, derived from the headword (Traditional form) only. genanki's default GUID
  hashes every field, so an edited definition would import as a second note; ours makes a
  re-export after an edit UPDATE the note already in Anki.

The cloze card (`CardOptions.cloze`, off by default) is a second note type (Anki draws cloze
cards only from a cloze note type) with the same fields and its own GUIDs, so adding it
never changes the vocabulary note type that existing decks update.

The same fields feed the .apkg, the TSV export and AnkiConnect (see export.py).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, fields
from functools import lru_cache
from typing import TYPE_CHECKING

import genanki

from reader.core.engine.syllables import PinyinStyle, format_word, word_pieces
from reader.core.learner.describe import annotate_sentences
from reader.core.learner.records import Status, VocabItem
from reader.core.learner.word_facts import (
    frequency_band,
    hsk_2021_level,
    hsk_2025_level,
    word_frequency,
)
from reader.core.text.controls import clean_field
from reader.core.text.sentences import spaced_join
from reader.core.tone_colours import colour_rules

if TYPE_CHECKING:
    from reader.core.engine.pipeline import Annotator
    from reader.core.models import Token

MODEL_ID = 1_583_920_417
MODEL_NAME = "Reader Chinese Vocabulary"
CLOZE_MODEL_ID = 1_583_920_418
CLOZE_MODEL_NAME = "Reader Chinese Cloze"
DEFAULT_DECK_NAME = "Reader Vocabulary"
GUID_NAMESPACE = "reader-vocab"
CLOZE_GUID_NAMESPACE = "reader-vocab-cloze"
TAG_PREFIX = "reader"

FIELD_NAMES: tuple[str, ...] = (
    "Traditional",
    "Simplified",
    "Pinyin",
    "PinyinNumbered",
    "Hanzi",
    "Definition",
    "Sentence",
    "SentenceCloze",
    "SentencePinyin",
    "Source",
)


@dataclass(frozen=True, slots=True)
class NoteFields:
    """The note's fields, in FIELD_NAMES order (HTML where Anki shows HTML)."""

    traditional: str
    simplified: str
    pinyin: str  # tone marks, syllables of a word joined: "guānxì"
    pinyin_numbered: str  # "guan1 xi5"
    hanzi: str  # each character in <span class="toneN">
    definition: str
    sentence: str  # the context sentence, the word in <b class="word">
    sentence_cloze: str  # the same sentence with the word as {{c1::...}}
    sentence_pinyin: str
    source: str

    def values(self) -> list[str]:
        return [str(value) for value in astuple(self)]

    def as_dict(self) -> dict[str, str]:
        return dict(zip(FIELD_NAMES, self.values(), strict=True))


assert len(fields(NoteFields)) == len(FIELD_NAMES)


@dataclass(frozen=True, slots=True)
class NoteData:
    guid: str
    fields: NoteFields
    tags: tuple[str, ...]
    cloze: bool = False
    """A note of the cloze note type (`CLOZE_MODEL_ID`), not of the vocabulary one."""
    word_id: int | None = None
    """The saved word's id (to carry its study schedule into the deck)."""


TONES_OFF = "off"


@dataclass(frozen=True, slots=True)
class CardOptions:
    """What the cards look like and which notes a deck holds (the export's options)."""

    tone_colours: str = "standard"
    """A scheme of `reader.core.tone_colours.TONE_COLOURS`, or "off": as the app's setting."""
    cloze: bool = False
    """Also a cloze card (the sentence, the word blanked) for each word saved with a sentence."""


DEFAULT_CARD_OPTIONS = CardOptions()


# ---- the note type

CSS = (
    """\
.card {
  font-family: "Noto Sans CJK TC", "Noto Sans CJK SC", "PingFang TC", "Microsoft JhengHei",
    sans-serif;
  font-size: 22px;
  text-align: center;
  color: #222;
  background: #fdfdfd;
}
.night_mode .card, .nightMode .card { color: #eee; background: #222; }
.hanzi { font-size: 64px; line-height: 1.3; }
.hanzi .simplified { font-size: 40px; margin-left: 0.4em; }
.pinyin { font-size: 28px; margin: 0.3em 0; }
.definition { font-size: 22px; margin: 0.5em 0; }
.sentence { font-size: 26px; margin-top: 1em; }
.sentence .word { color: #c0392b; }
.sentence-pinyin { font-size: 16px; color: #666; }
.sentence-pinyin .word { color: #c0392b; font-weight: bold; }
.source { font-size: 13px; color: #888; margin-top: 1em; }
.recall-front .word { color: transparent; border-bottom: 2px solid #c0392b; }
.cloze { color: #c0392b; font-weight: bold; }
/* Tone colours: the scheme is the class around each note's Hanzi ("tones-standard"), so a
   re-export with another scheme recolours the cards without touching the note type. */
"""
    + colour_rules(lambda scheme, tone: f".tones-{scheme} .tone{tone}")
    + "\n"
)

# Each side shows each field once (the back of a card is not its front plus everything).
_PINYIN = '<div class="pinyin">{{Pinyin}}</div>'
_DEFINITION = '<div class="definition">{{Definition}}</div>'
_SENTENCE = (
    '{{#Sentence}}<div class="sentence">{{Sentence}}</div>\n'
    '<div class="sentence-pinyin">{{SentencePinyin}}</div>{{/Sentence}}'
)
_SOURCE = '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'
_ANSWER = '<hr id="answer">'

READ_TEMPLATE = {
    "name": "Read (hanzi → meaning)",
    "qfmt": '<div class="hanzi">{{Hanzi}}</div>',
    "afmt": "\n".join(("{{FrontSide}}", _ANSWER, _PINYIN, _DEFINITION, _SENTENCE, _SOURCE)),
}

# The front shows the context sentence with the word blanked by CSS (.recall-front .word);
# the back shows it whole, in its place.
RECALL_TEMPLATE = {
    "name": "Recall (meaning → hanzi)",
    "qfmt": (
        _DEFINITION + "\n"
        '{{#Sentence}}<div class="sentence recall-front">{{Sentence}}</div>{{/Sentence}}'
    ),
    "afmt": "\n".join(
        (_DEFINITION, _ANSWER, '<div class="hanzi">{{Hanzi}}</div>', _PINYIN, _SENTENCE, _SOURCE)
    ),
}

# The sentence with the word blanked, its meaning as the hint; the back fills the blank in.
_CLOZE_SENTENCE = '<div class="sentence">{{cloze:SentenceCloze}}</div>'
CLOZE_TEMPLATE = {
    "name": "Cloze (sentence → word)",
    "qfmt": _CLOZE_SENTENCE + "\n" + _DEFINITION,
    "afmt": "\n".join(
        (
            _CLOZE_SENTENCE,
            _DEFINITION,
            _ANSWER,
            _PINYIN,
            '<div class="sentence-pinyin">{{SentencePinyin}}</div>',
            _SOURCE,
        )
    ),
}


@lru_cache(maxsize=1)
def note_model() -> genanki.Model:
    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": name} for name in FIELD_NAMES],
        templates=[READ_TEMPLATE, RECALL_TEMPLATE],
        css=CSS,
        sort_field_index=0,
    )


@lru_cache(maxsize=1)
def cloze_model() -> genanki.Model:
    return genanki.Model(
        CLOZE_MODEL_ID,
        CLOZE_MODEL_NAME,
        fields=[{"name": name} for name in FIELD_NAMES],
        templates=[CLOZE_TEMPLATE],
        css=CSS,
        model_type=genanki.Model.CLOZE,
        sort_field_index=0,
    )


def deck_id(name: str) -> int:
    """A stable deck id for a deck name (Anki wants a positive 63-bit-safe integer)."""
    digest = hashlib.sha256(f"{GUID_NAMESPACE}:deck:{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def note_guid(item: VocabItem, *, cloze: bool = False) -> str:
    namespace = CLOZE_GUID_NAMESPACE if cloze else GUID_NAMESPACE
    return str(genanki.guid_for(namespace, item.traditional))


# ---- fields


def note_tags(item: VocabItem) -> tuple[str, ...]:
    """reader, status, HSK levels (2021 standard, 2025 syllabus), frequency band, source."""
    tags = [TAG_PREFIX, f"{TAG_PREFIX}::status::{item.status.value}"]
    level = hsk_2021_level(item.traditional, item.simplified)
    if level is not None:
        tags.append(f"HSK::{level}")
    level_2025 = hsk_2025_level(item.simplified)
    if level_2025 is not None:
        tags.append(f"HSK2025::{level_2025}")
    band = frequency_band(word_frequency(item.simplified, item.traditional))
    tags.append(f"{TAG_PREFIX}::frequency::{_tag_text(band)}")
    context = item.first_sentence_context or (item.contexts[0] if item.contexts else None)
    if context is not None and context.doc_title:
        tags.append(f"{TAG_PREFIX}::source::{_tag_text(context.doc_title)}")
    return tuple(tags)


def _tag_text(text: str) -> str:
    # Anki tags cannot hold spaces; '::' would start a new tag level.
    cleaned = re.sub(r"\s+", "_", clean_field(text).strip()).replace("::", "_").replace('"', "")
    return cleaned[:60] or "untitled"


def tone_number(syllable: str) -> int:
    from reader.core.engine.syllables import tone_of

    return tone_of(syllable) if syllable else 5


def hanzi_html(word: str, syllables: Sequence[str]) -> str:
    """Each character in a span coloured by its tone; plain when the reading does not align."""
    if len(word) != len(syllables) or not any(syllables):
        return html.escape(word)
    return "".join(
        f'<span class="tone{tone_number(syllable)}">{html.escape(char)}</span>'
        if syllable
        else html.escape(char)
        for char, syllable in zip(word, syllables, strict=True)
    )


def _sentence_html(sentence: str, forms: Sequence[str], wrap: str) -> str:
    """The sentence HTML-escaped, every occurrence of the word wrapped ('{}' in `wrap`)."""
    present = [form for form in forms if form and form in sentence]
    if not present:
        return html.escape(sentence)
    pattern = re.compile("|".join(re.escape(form) for form in sorted(present, key=len)[::-1]))
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(sentence):
        pieces.append(html.escape(sentence[position : match.start()]))
        pieces.append(wrap.format(html.escape(match.group())))
        position = match.end()
    pieces.append(html.escape(sentence[position:]))
    return "".join(pieces)


def sentence_pinyin_html(tokens: Sequence[Token], forms: Sequence[str]) -> str:
    """Pinyin of a sentence, word by word (punctuation kept), the saved word's syllables in
    bold even when the segmenter made it part of a longer token."""
    text = "".join(token.text for token in tokens)
    marked = _occurrences(text, forms)
    pieces: list[str] = []
    for token in tokens:
        if token.is_han:
            pieces.append(_token_reading(token, marked))
        elif not token.text.isspace():
            pieces.append(html.escape(token.text))
    return spaced_join(pieces)


def _occurrences(text: str, forms: Sequence[str]) -> set[int]:
    """Character positions of `text` covered by any of the word's forms."""
    covered: set[int] = set()
    for form in forms:
        start = text.find(form) if form else -1
        while start >= 0:
            covered.update(range(start, start + len(form)))
            start = text.find(form, start + len(form))
    return covered


def _token_reading(token: Token, marked: set[int]) -> str:
    if len(token.pinyin_numbered) != len(token.text):
        return html.escape(format_word(token.pinyin_numbered) or token.text)
    reading = ""
    open_mark = False
    pieces = word_pieces(token.pinyin_numbered, PinyinStyle.MARKS)
    for offset, piece in enumerate(pieces):
        inside = token.start + offset in marked
        if inside != open_mark:
            reading += '<b class="word">' if inside else "</b>"
            open_mark = inside
        reading += html.escape(piece or token.text[offset])
    return reading + ("</b>" if open_mark else "")


def build_note(
    item: VocabItem,
    sentence_tokens: Sequence[Token] = (),
    options: CardOptions = DEFAULT_CARD_OPTIONS,
) -> NoteData:
    """The note for a saved word; `sentence_tokens` are its context sentence annotated."""
    context = item.first_sentence_context
    sentence = context.sentence if context else ""
    forms = item.forms
    source_context = context or (item.contexts[0] if item.contexts else None)
    hanzi = hanzi_html(item.traditional, item.pinyin_numbered)
    if item.simplified != item.traditional:
        simplified = hanzi_html(item.simplified, item.pinyin_numbered)
        hanzi += f'<span class="simplified">{simplified}</span>'
    hanzi = f'<span class="tones-{html.escape(options.tone_colours)}">{hanzi}</span>'
    note_fields = NoteFields(
        traditional=html.escape(item.traditional),
        simplified=html.escape(item.simplified),
        pinyin=html.escape(format_word(item.pinyin_numbered)),
        pinyin_numbered=html.escape(" ".join(item.pinyin_numbered)),
        hanzi=hanzi,
        definition=html.escape(item.definition),
        sentence=_sentence_html(sentence, forms, '<b class="word">{}</b>'),
        sentence_cloze=_sentence_html(sentence, forms, "{{{{c1::{}}}}}"),
        sentence_pinyin=sentence_pinyin_html(sentence_tokens, forms) if sentence else "",
        source=html.escape(source_context.doc_title) if source_context else "",
    )
    # No control character reaches Anki: a U+001F (its field separator) in any field made
    # Anki refuse the whole package.
    cleaned = NoteFields(*(clean_field(value) for value in note_fields.values()))
    return NoteData(guid=note_guid(item), fields=cleaned, tags=note_tags(item), word_id=item.id)


def cloze_note(note: NoteData, item: VocabItem) -> NoteData | None:
    """The cloze note of a word's note: the same fields, its own GUID; None when the word
    has no sentence to blank it in."""
    if "{{c1::" not in note.fields.sentence_cloze:
        return None
    guid = note_guid(item, cloze=True)
    return NoteData(guid, note.fields, note.tags, cloze=True, word_id=item.id)


def build_notes(
    items: Sequence[VocabItem],
    annotator: Annotator | None = None,
    options: CardOptions = DEFAULT_CARD_OPTIONS,
) -> list[NoteData]:
    """Each word's note, followed by its cloze note when `options.cloze` asks for one."""
    sentences = [c.sentence for item in items if (c := item.first_sentence_context) is not None]
    tokens = annotate_sentences(sentences, annotator)
    notes = []
    for item in items:
        context = item.first_sentence_context
        note = build_note(item, tokens.get(context.sentence, ()) if context else (), options)
        notes.append(note)
        cloze = cloze_note(note, item) if options.cloze else None
        if cloze is not None:
            notes.append(cloze)
    return notes


def build_package(notes: Iterable[NoteData], deck_name: str = DEFAULT_DECK_NAME) -> genanki.Package:
    deck = genanki.Deck(deck_id(deck_name), deck_name)
    for note in notes:
        deck.add_note(
            genanki.Note(
                model=cloze_model() if note.cloze else note_model(),
                fields=note.fields.values(),
                guid=note.guid,
                tags=list(note.tags),
            )
        )
    return genanki.Package(deck)


DEFAULT_EXPORT_STATUSES: tuple[Status, ...] = (Status.NEW, Status.LEARNING)
"""What an export holds unless asked for more: the words being learnt. Known words
(`--include-known`) and ignored ones (`--status ignored`) would only fill the deck."""
