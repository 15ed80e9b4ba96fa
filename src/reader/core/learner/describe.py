"""What a saved word keeps, worked out from the dictionary and the text: both scripts, the
reading in context, and a definition that starts with the sense chosen there.

`describe_token` for a word of the reading screen (its reading and sense in context);
`describe_word` / `describe_words` for a word on its own (`reader vocab add`, imports);
`annotate_sentences` for the sentences of cards (pinyin in context).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from reader.core.errors import ReaderError
from reader.core.learner.records import WordForms
from reader.core.models import normalised_pinyin

DEFAULT_DEFINITION_COUNT = 3  # senses a card shows when the learner picked none

if TYPE_CHECKING:
    from reader.core.engine.pipeline import Annotator
    from reader.core.models import Entry, Lookup, Token


def describe_word(
    word: str,
    *,
    pinyin_numbered: Sequence[str] = (),
    traditional: str | None = None,
    simplified: str | None = None,
    sense: str | None = None,
) -> WordForms:
    """Both scripts, pinyin and a default definition for `word`.

    `pinyin_numbered`, `traditional`, `simplified` and `sense` (the gloss chosen in context)
    come from the reading screen's token when the word is saved there (the reading and sense
    in context win over the dictionary's order); missing parts come from CC-CEDICT, then from
    OpenCC conversion. The definition is that sense, then the entry's other senses, CC-CEDICT
    markup written out (`CL:個|个[ge4]` → "measure word 個 gè").
    """
    from reader.core.dictionary.cedict import lookup

    word = word.strip()
    if not word:
        raise ReaderError("an empty word cannot be saved")
    return _described(word, lookup(word), pinyin_numbered, traditional, simplified, sense)


def describe_words(words: Sequence[str]) -> list[WordForms]:
    """`describe_word` of each word (stripped, non-empty), with one dictionary query for
    all of them: 10,000 words in a fraction of a second."""
    from reader.core.dictionary.cedict import default_dictionary

    wanted = [word.strip() for word in words if word.strip()]
    results = default_dictionary().lookup_many(wanted)
    return [_described(word, result) for word, result in zip(wanted, results, strict=True)]


def _described(
    word: str,
    result: Lookup,
    pinyin_numbered: Sequence[str] = (),
    traditional: str | None = None,
    simplified: str | None = None,
    sense: str | None = None,
) -> WordForms:
    from reader.core.dictionary.markup import render

    entry = _best_entry(result.entries, word, pinyin_numbered)
    in_simplified = simplified == word != traditional
    if traditional is None or simplified is None:
        traditional, simplified = _script_forms(word, entry, traditional, simplified)
    if pinyin_numbered:
        reading = tuple(pinyin_numbered)
    elif entry is not None:
        reading = entry_syllables(entry)
    else:
        reading = tuple(
            syllable
            for part in result.breakdown
            if part.entries
            for syllable in entry_syllables(part.entries[0])
        )
    if entry is not None:
        definition = "; ".join(_card_senses(result, entry, reading, sense, in_simplified))
    else:
        definition = sense or render(result.gloss or "", in_simplified)
    return WordForms(traditional, simplified, reading, definition)


def _card_senses(
    result: Lookup, entry: Entry, reading: Sequence[str], sense: str | None, simplified: bool
) -> list[str]:
    """The senses a card shows: the one chosen in context (else the one a learner needs
    first), then the others of its entry in CC-CEDICT's order, markup written out."""
    from reader.core.dictionary.markup import render
    from reader.core.dictionary.sense_rules import Neighbours
    from reader.core.dictionary.senses import choose_sense, ordered_senses

    if sense is None:
        chosen = choose_sense((*result.entries, *result.references), reading, Neighbours(), "")
        if chosen is not None:
            sense = render(chosen.definition, simplified)
    ordered = ordered_senses((*result.entries, *result.references), sense)
    first, indices = ordered[0] if sense is not None and ordered else (entry, [])
    if not indices or render(first.definitions[indices[0]], simplified) != sense:
        first, indices = entry, list(range(len(entry.definitions)))
    senses = [render(first.definitions[index], simplified) for index in indices]
    return list(dict.fromkeys(senses))[:DEFAULT_DEFINITION_COUNT]


def describe_token(token: Token) -> WordForms:
    """The forms of a word the learner saves from the reading screen."""
    from reader.core.engine.pipeline import NO_ENTRY_GLOSS

    return describe_word(
        token.text,
        pinyin_numbered=token.pinyin_numbered,
        traditional=token.traditional,
        simplified=token.simplified,
        sense=token.gloss if token.gloss != NO_ENTRY_GLOSS else None,
    )


def entry_syllables(entry: Entry) -> tuple[str, ...]:
    """CC-CEDICT's pinyin as the app's numbered syllables ('Lu:4' -> 'lv4')."""
    from reader.core.engine.reading_tables import normalise_cedict_pinyin

    return normalise_cedict_pinyin(entry.pinyin)


def _best_entry(entries: Sequence[Entry], word: str, reading: Sequence[str]) -> Entry | None:
    if not entries:
        return None
    exact = [e for e in entries if word in (e.traditional, e.simplified)] or list(entries)
    if reading:
        wanted = normalised_pinyin(" ".join(reading))
        same_reading = [
            e for e in exact if normalised_pinyin(" ".join(entry_syllables(e))) == wanted
        ]
        if same_reading:
            exact = same_reading
    # Capitalised pinyin marks a proper noun (surname, place); the common word comes first.
    common = [e for e in exact if not e.pinyin[:1].isupper()]
    return (common or exact)[0]


def _script_forms(
    word: str, entry: Entry | None, traditional: str | None, simplified: str | None
) -> tuple[str, str]:
    from reader.core.engine.convert import to_simplified, to_traditional

    if entry is not None and word == entry.traditional:
        return traditional or word, simplified or entry.simplified
    if entry is not None and word == entry.simplified:
        return traditional or entry.traditional, simplified or word
    return traditional or to_traditional(word), simplified or to_simplified(word)


def annotate_sentences(
    sentences: Iterable[str], annotator: Annotator | None = None
) -> dict[str, tuple[Token, ...]]:
    """Tokens (with pinyin in context) for each distinct sentence."""
    from reader.core.engine.pipeline import default_annotator
    from reader.core.models import Paragraph, ParagraphKind
    from reader.core.text.script import detect_script

    wanted = sorted({sentence for sentence in sentences if sentence})
    if not wanted:
        return {}
    active = annotator or default_annotator()
    result: dict[str, tuple[Token, ...]] = {}
    for sentence in wanted:
        paragraph = Paragraph(0, ParagraphKind.PARAGRAPH, sentence)
        result[sentence] = active.annotate_paragraph(paragraph, detect_script(sentence)).tokens
    return result


def reading_in_sentence(
    word: str, sentence: str, annotator: Annotator | None = None
) -> tuple[str, ...]:
    """The word's pinyin as read in `sentence` (polyphones resolved in context), or ()."""
    tokens = annotate_sentences([sentence], annotator).get(sentence, ())
    text = "".join(token.text for token in tokens)
    for form in (word, *_other_forms(word)):
        start = text.find(form)
        if start < 0:
            continue
        syllables: list[str] = []
        for token in tokens:
            for offset, syllable in enumerate(token.pinyin_numbered):
                if start <= token.start + offset < start + len(form):
                    syllables.append(syllable)
        if len(syllables) == len(form) and all(syllables):
            return tuple(syllables)
    return ()


def _other_forms(word: str) -> tuple[str, ...]:
    from reader.core.engine.convert import to_simplified, to_traditional

    return tuple({to_traditional(word), to_simplified(word)} - {word})
