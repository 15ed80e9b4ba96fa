"""Anki notes for saved words: the note type, the fields, stable ids and the .apkg package.

Ids never change between versions or runs:
- the note type id (MODEL_ID) and name, so Anki recognises our note type on every import;
- the deck id, derived from the deck name;
- the note GUID, derived from the headword (Traditional form) only. genanki's default GUID
  hashes every field, so an edited definition would import as a second note; ours makes a
  re-export after an edit UPDATE the note already in Anki.

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
DEFAULT_DECK_NAME = "Reader Vocabulary"
GUID_NAMESPACE = "reader-vocab"
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
/* Tone colours (Pleco's convention): 1 red, 2 green, 3 blue, 4 purple, neutral grey. */
"""
    + colour_rules(lambda scheme, tone: f".tone{tone}", schemes=("pleco",))
    + "\n"
)

_BACK_DETAILS = """\
<div class="pinyin">{{Pinyin}}</div>
<div class="definition">{{Definition}}</div>
{{#Sentence}}<div class="sentence">{{Sentence}}</div>
<div class="sentence-pinyin">{{SentencePinyin}}</div>{{/Sentence}}
{{#Source}}<div class="source">{{Source}}</div>{{/Source}}"""

READ_TEMPLATE = {
    "name": "Read (hanzi → meaning)",
    "qfmt": '<div class="hanzi">{{Hanzi}}</div>',
    "afmt": '{{FrontSide}}\n<hr id="answer">\n' + _BACK_DETAILS,
}

# The front shows the context sentence with the word blanked by CSS (.recall-front .word).
RECALL_TEMPLATE = {
    "name": "Recall (meaning → hanzi)",
    "qfmt": (
        '<div class="definition">{{Definition}}</div>\n'
        '{{#Sentence}}<div class="sentence recall-front">{{Sentence}}</div>{{/Sentence}}'
    ),
    "afmt": (
        '<div class="definition">{{Definition}}</div>\n<hr id="answer">\n'
        '<div class="hanzi">{{Hanzi}}</div>\n' + _BACK_DETAILS
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


def deck_id(name: str) -> int:
    """A stable deck id for a deck name (Anki wants a positive 63-bit-safe integer)."""
    digest = hashlib.sha256(f"{GUID_NAMESPACE}:deck:{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def note_guid(item: VocabItem) -> str:
    return str(genanki.guid_for(GUID_NAMESPACE, item.traditional))


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


def build_note(item: VocabItem, sentence_tokens: Sequence[Token] = ()) -> NoteData:
    """The note for a saved word; `sentence_tokens` are its context sentence annotated."""
    context = item.first_sentence_context
    sentence = context.sentence if context else ""
    forms = item.forms
    source_context = context or (item.contexts[0] if item.contexts else None)
    hanzi = hanzi_html(item.traditional, item.pinyin_numbered)
    if item.simplified != item.traditional:
        simplified = hanzi_html(item.simplified, item.pinyin_numbered)
        hanzi += f'<span class="simplified">{simplified}</span>'
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
    return NoteData(guid=note_guid(item), fields=cleaned, tags=note_tags(item))


def build_notes(items: Sequence[VocabItem], annotator: Annotator | None = None) -> list[NoteData]:
    sentences = [c.sentence for item in items if (c := item.first_sentence_context) is not None]
    tokens = annotate_sentences(sentences, annotator)
    notes = []
    for item in items:
        context = item.first_sentence_context
        notes.append(build_note(item, tokens.get(context.sentence, ()) if context else ()))
    return notes


def build_package(notes: Iterable[NoteData], deck_name: str = DEFAULT_DECK_NAME) -> genanki.Package:
    deck = genanki.Deck(deck_id(deck_name), deck_name)
    model = note_model()
    for note in notes:
        deck.add_note(
            genanki.Note(
                model=model, fields=note.fields.values(), guid=note.guid, tags=list(note.tags)
            )
        )
    return genanki.Package(deck)


DEFAULT_EXPORT_STATUSES: tuple[Status, ...] = (Status.NEW, Status.LEARNING, Status.KNOWN)
