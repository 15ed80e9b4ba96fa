"""The words of a paragraph as a learner reads them: each Han token's standard reading, gloss
and full tones, from the syllables read in context and the dictionary's entries.

This is per-word Python (`reader.core.engine.standard` for the reading,
`reader.core.dictionary.senses` for the gloss), and most words of a text recur, so
`WordMemory` works each word out once and remembers it:

- a word whose reading and sense no neighbour can change: one result;
- a word whose neighbours count: a result per set of what of them counts (all of them where
  a rule reads them, else what they suggest of its part of speech);
- a token of a dictionary word the segmenter cut (了/不/起): a result per that word's reading
  and the neighbours.

A word is known by its Traditional and Simplified forms, the syllables read in context and
the text's script: everything its result depends on besides the neighbours, so a paragraph
reads the same whatever was annotated before it (and in whichever worker process).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from reader.core.models import Entry, Lookup, Script, Token, TokenKind

if TYPE_CHECKING:
    from reader.core.dictionary.sense_rules import Neighbours
    from reader.core.engine.words_in_context import WordInContext, WordsInContext

NO_ENTRY_GLOSS = "(no dictionary entry)"
# The syllable of a Han character no reading table knows (tens of thousands of rare Extension
# B+ characters): every Han character keeps exactly one syllable, and a space-joined reading
# still splits back into one syllable per character.
UNKNOWN_SYLLABLE = "?"
MEMORY_SIZE = 65536  # words remembered (then forgotten all at once)

# (standard reading, one-line gloss, full tones)
_Result = tuple[tuple[str, ...], str | None, tuple[str, ...]]
# A Han token: Traditional form, Simplified form, syllables read in context, in a Simplified
# text.
_WordKey = tuple[str, str, tuple[str, ...], bool]


def _slot_setter(name: str) -> Callable[[Token, object], None]:
    return cast(Any, Token).__dict__[name].__set__  # type: ignore[no-any-return]


_new_token = object.__new__
_set_text, _set_start, _set_end, _set_kind = map(_slot_setter, ("text", "start", "end", "kind"))
_set_simplified, _set_traditional = map(_slot_setter, ("simplified", "traditional"))
_set_pinyin, _set_gloss, _set_full = map(_slot_setter, ("pinyin_numbered", "gloss", "full_tones"))


def _token(
    text: str,
    start: int,
    end: int,
    kind: TokenKind,
    simplified: str,
    traditional: str,
    reading: tuple[str, ...] = (),
    gloss: str | None = None,
    full: tuple[str, ...] = (),
) -> Token:
    """`Token(...)`, made in half the time: a frozen dataclass's `__init__` sets each field
    through `object.__setattr__`, and a book makes a token per word (~0.7 CPU-s a MB)."""
    token = _new_token(Token)
    _set_text(token, text)
    _set_start(token, start)
    _set_end(token, end)
    _set_kind(token, kind)
    _set_simplified(token, simplified)
    _set_traditional(token, traditional)
    _set_pinyin(token, reading)
    _set_gloss(token, gloss)
    _set_full(token, full)
    return token


class _ByNeighbours(dict[object, _Result]):
    """The results of a word whose neighbours count, by what of them counts: all of them
    (`everything`: a rule reads them), else what they suggest of its part of speech."""

    def __init__(self, everything: bool) -> None:
        super().__init__()
        self.everything = everything


@dataclass(slots=True)
class _Word:
    """A Han word as read in context: what the rules see of it, and what was worked out."""

    seen: WordInContext
    forms: tuple[str, str]  # Simplified, Traditional
    lookup: Lookup  # of its Traditional form
    result: _Result | _ByNeighbours | None = None  # None: not worked out yet
    cut: _ByNeighbours | None = None  # results as a token of a word the segmenter cut


class WordMemory:
    """Makes a paragraph's tokens, remembering each word's results (see the module)."""

    def __init__(
        self,
        entries_of: Callable[[str], tuple[Entry, ...]],
        lookup_many: Callable[[list[str]], Sequence[Lookup]],
        surnames: Callable[[], Collection[str]],
    ) -> None:
        self._entries_of = entries_of  # direct entries of a word made of several tokens
        self._lookup_many = lookup_many  # words by their Traditional forms, in one query
        self._surnames = surnames  # the common surnames (Simplified), for names
        self._words: dict[_WordKey, _Word] = {}
        self._others: dict[str, WordInContext] = {}  # punctuation, spaces, numbers, Latin
        self._verb_like: dict[str, bool] = {}  # a Traditional word -> looks like a verb

    def tokens(
        self,
        text: str,
        simplified: str,
        traditional: str,
        spans: Sequence[tuple[int, int, TokenKind]],
        syllables: Sequence[str | None],
        script: Script,
    ) -> tuple[Token, ...]:
        """The tokens of a paragraph whose words are read in context (`syllables`, one per
        character); only words not met before are looked up."""
        from reader.core.engine.words_in_context import WordInContext, WordsInContext

        words = self._words
        if len(words) >= MEMORY_SIZE:
            words.clear()
            self._others.clear()
        in_simplified = script is Script.SIMPLIFIED  # (an Enum hashes in Python: kept out)
        han = TokenKind.HAN
        seen: list[WordInContext | None] = []  # None: a word not met before, until it is
        records: list[_Word | None] = []
        new: list[tuple[int, _WordKey]] = []  # (position, word) of words not met before
        for start, end, kind in spans:
            if kind is not han:
                between = text[start:end]
                other = self._others.get(between)
                if other is None:
                    other = self._others[between] = WordInContext(between, (), (), False)
                seen.append(other)
                records.append(None)
                continue
            read = syllables[start:end]
            if None in read:
                # A Latin letter of a word CC-CEDICT lists (T恤, 卡拉OK) reads as itself.
                read = [
                    s or (char if char.isascii() and char.isalnum() else UNKNOWN_SYLLABLE)
                    for s, char in zip(read, text[start:end], strict=True)
                ]
            citation = cast(tuple[str, ...], tuple(read))
            key = (traditional[start:end], simplified[start:end], citation, in_simplified)
            word = words.get(key)
            if word is None:
                new.append((len(records), key))
                seen.append(None)
                records.append(None)
                continue
            seen.append(word.seen)
            records.append(word)
        if new:
            self._meet(new, seen, records)
        context = WordsInContext(cast(list[WordInContext], seen), self._entries_of)
        return self._made(context, records, text, spans, script)

    def _meet(
        self,
        new: list[tuple[int, _WordKey]],
        seen: list[WordInContext | None],
        records: list[_Word | None],
    ) -> None:
        """Look the words not met before up (one query) and remember them, in place."""
        wanted = list(dict.fromkeys(key[0] for _, key in new))
        lookups = dict(zip(wanted, self._lookup_many(wanted), strict=True))
        surnames = self._surnames()
        words = self._words
        for position, key in new:
            word = words.get(key)
            if word is None:  # (a word twice in the paragraph is met once)
                traditional, simplified = key[0], key[1]
                lookup = lookups[traditional]
                # No dictionary entry, two or three characters, a common surname first (葛沖,
                # 梁君彥): it looks like a personal name.
                name_like = (
                    2 <= len(traditional) <= 3 and simplified[0] in surnames and not lookup.entries
                )
                seen_as = self._seen(key, lookup, name_like)
                word = words[key] = _Word(seen_as, (simplified, traditional), lookup)
            seen[position] = word.seen
            records[position] = word

    def _seen(self, key: _WordKey, lookup: Lookup, name_like: bool) -> WordInContext:
        """A Han word as the reading and sense rules see it."""
        from reader.core.engine.words_in_context import WordInContext, first_sense_is_verb

        traditional, simplified, citation, _ = key
        entries = lookup.entries + lookup.references if lookup.references else lookup.entries
        verb_like = self._verb_like.get(traditional)
        if verb_like is None:
            # A word without an entry looks like what its first part looks like (喝水).
            first = lookup.breakdown[0] if not entries and lookup.breakdown else None
            verb_like = first_sense_is_verb(entries or (first.entries if first else ()))
            if len(self._verb_like) >= MEMORY_SIZE:
                self._verb_like.clear()
            self._verb_like[traditional] = verb_like
        return WordInContext(simplified, citation, entries, True, name_like, verb_like)

    def _made(
        self,
        context: WordsInContext,
        records: Sequence[_Word | None],
        text: str,
        spans: Sequence[tuple[int, int, TokenKind]],
        script: Script,
    ) -> tuple[Token, ...]:
        from reader.core.dictionary.sense_rules import Neighbours
        from reader.core.dictionary.senses import depends_on_context as sense_depends
        from reader.core.dictionary.senses import has_rule as sense_has_rule
        from reader.core.dictionary.senses import part_of_speech_hints
        from reader.core.engine.neutral_tones import depends_on_context as reading_depends
        from reader.core.engine.standard import full_tones, reading_of, readings_of_cut_words

        readings: list[tuple[str, ...]] = [()] * len(records)
        cut = readings_of_cut_words(context, readings)
        tokens: list[Token] = []
        gloss: str | None
        make = _token
        for index, record in enumerate(records):
            start, end, kind = spans[index]
            word_text = text[start:end]
            if record is None:
                tokens.append(make(word_text, start, end, kind, word_text, word_text))
                continue
            result = record.result
            if type(result) is tuple and index not in cut:  # most words, once seen
                reading, gloss, full = result
                tokens.append(
                    make(word_text, start, end, kind, *record.forms, reading, gloss, full)
                )
                continue
            word = record.seen
            if result is None:
                # The word's own reading (a token of a cut word keeps that word's reading).
                own = reading_of(context, index)
                if index not in cut:
                    readings[index] = own
                if reading_depends(word) or sense_depends(word.entries, own, word.simplified):
                    everything = reading_depends(word) or sense_has_rule(word.simplified)
                    result = record.result = _ByNeighbours(everything)
                else:
                    gloss, reading = sense_in_context(
                        record.lookup, own, Neighbours(), word.simplified, script
                    )
                    result = record.result = (reading, gloss, full_tones(reading, word.citation))
            if type(result) is tuple and index not in cut:
                reading, gloss, full = result
            else:
                # Remembered with what of the neighbours counts: all of them for a rule (and a
                # token of a cut word, with that word's reading), else what they suggest of
                # its part of speech.
                if index in cut:
                    if record.cut is None:
                        record.cut = _ByNeighbours(True)
                    table = record.cut
                else:
                    assert isinstance(result, _ByNeighbours)
                    table = result
                hints: object
                if table.everything:
                    hints = context.signature(index)
                else:
                    hints = part_of_speech_hints(word.simplified, *context.next_to(index))
                if index in cut:
                    hints = (readings[index], hints)
                found = table.get(hints)
                if found is None:
                    if not readings[index]:
                        readings[index] = reading_of(context, index)
                    gloss, reading = sense_in_context(
                        record.lookup,
                        readings[index],
                        context.neighbours(index),
                        word.simplified,
                        script,
                    )
                    found = table[hints] = (reading, gloss, full_tones(reading, word.citation))
                reading, gloss, full = found
            tokens.append(make(word_text, start, end, kind, *record.forms, reading, gloss, full))
        return tuple(tokens)


def sense_in_context(
    lookup: Lookup, reading: tuple[str, ...], around: Neighbours, word: str, script: Script
) -> tuple[str, tuple[str, ...]]:
    """The one-line gloss of a word read `reading` here (markup rendered in the document's
    script), and the reading with the capitals of the entry chosen (中歐 Zhōng Ōu, China-EU,
    not Zhōng'ōu, Central Europe). A word without an entry is glossed part by part, each
    part's sense chosen by its reading in the word (葛沖: 葛 Gě "surname Ge")."""
    from reader.core.dictionary.markup import render
    from reader.core.dictionary.sense_rules import Neighbours
    from reader.core.dictionary.senses import choose_sense, same_reading, surname_sense

    simplified = script is Script.SIMPLIFIED
    entries = lookup.entries + lookup.references if lookup.references else lookup.entries
    if entries:
        sense = choose_sense(entries, reading, around, word)
        if sense is None:
            return lookup.gloss or NO_ENTRY_GLOSS, reading
        if same_reading(sense.entry, reading):
            reading = _with_capitals_of(sense.entry.pinyin, reading)
        return render(sense.definition, simplified), reading
    parts = []
    offset = 0
    # The parts' Simplified forms: the sense rules read Simplified neighbours (歐|方: 欧).
    keys = [part.entries[0].simplified if part.entries else part.query for part in lookup.breakdown]
    for index, part in enumerate(lookup.breakdown):
        syllables = reading[offset : offset + len(part.query)]
        offset += len(part.query)
        part_entries = (*part.entries, *part.references)
        before = keys[index - 1] if index else ""
        after = keys[index + 1] if index + 1 < len(keys) else ""
        key = keys[index]
        sense = None
        if index == 0 and len(reading) > 1 and reading[1][:1].isupper():
            sense = surname_sense(part_entries)  # a name read as one: Ruǎn Zōngzé
        if sense is None:
            sense = choose_sense(part_entries, syllables, Neighbours(before, after), key)
        if sense is not None:
            parts.append(f"{part.query}: {render(sense.definition, simplified)}")
            if sense.entry.pinyin[:1].isupper() and same_reading(sense.entry, syllables):
                # A part read as a name keeps its capital (欧方 Ōufāng: 欧 Europe).
                at = offset - len(part.query)
                capitals = _with_capitals_of(sense.entry.pinyin, syllables)
                reading = (*reading[:at], *capitals, *reading[offset:])
    return (" + ".join(parts) or NO_ENTRY_GLOSS), reading


def _with_capitals_of(pinyin: str, reading: tuple[str, ...]) -> tuple[str, ...]:
    capitals = [item[:1].isupper() for item in pinyin.split()]
    if len(capitals) != len(reading):
        return reading
    return tuple(
        syllable[:1].upper() + syllable[1:] if capital else syllable.lower()
        for syllable, capital in zip(reading, capitals, strict=True)
    )
