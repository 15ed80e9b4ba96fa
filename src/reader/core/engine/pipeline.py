"""annotate(document): the one call the UI and the CLI make.

A paragraph is converted to its other script (character-aligned), segmented into token spans
over the ORIGINAL text, given pinyin in context and a gloss per Han word. Work is lazy per
paragraph: opening a book annotates only the paragraphs somebody asks for.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.models import (
    AnnotatedParagraph,
    Document,
    Entry,
    Lookup,
    Paragraph,
    ParagraphKind,
    Script,
    Token,
    TokenKind,
)

if TYPE_CHECKING:
    from reader.core.dictionary.cedict import Dictionary
    from reader.core.dictionary.senses import Neighbours
    from reader.core.engine.pinyin import PinyinReader
    from reader.core.engine.segment import Segmenter, UserDictionary
    from reader.core.engine.standard import WordsInContext
    from reader.core.engine.store import ParagraphStore

NO_ENTRY_GLOSS = "(no dictionary entry)"
_WORD_CACHE_SIZE = 65536
# (Traditional form, syllables read in context, in Simplified) -> (standard reading, gloss,
# full tones)
_WordKey = tuple[str, tuple[str, ...], bool]
_WordResult = tuple[tuple[str, ...], str | None, tuple[str, ...]]


class _InContext(dict[object, _WordResult]):
    """The results of a word whose neighbours count, by what of them counts: all of them
    (`everything`: a rule reads them), else what they suggest of its part of speech."""

    def __init__(self, everything: bool) -> None:
        super().__init__()
        self.everything = everything


# The syllable of a Han character no reading table knows (tens of thousands of rare Extension
# B+ characters): every Han character keeps exactly one syllable, and a space-joined reading
# still splits back into one syllable per character.
UNKNOWN_SYLLABLE = "?"


class Annotator:
    """Turns paragraphs into tokens. Thread-safe; heavy parts load on first use.

    Pass your own dictionary, segmenter or pinyin reader to swap one (tests do); by default
    the process-wide instances are used.
    """

    def __init__(
        self,
        *,
        dictionary: Dictionary | None = None,
        segmenter: Segmenter | None = None,
        pinyin_reader: PinyinReader | None = None,
    ) -> None:
        self._dictionary = dictionary
        self._segmenter = segmenter
        self._pinyin_reader = pinyin_reader
        # A dictionary or pinyin reader of one's own (tests): its output is not kept on disk.
        self._own_parts = dictionary is not None or pinyin_reader is not None
        self._lock = threading.RLock()
        # (Traditional form, reading in context, script) -> (standard reading, gloss) of words
        # no neighbour can change: see `_readings_and_glosses`.
        # A word's result, or for a word whose neighbours count its results by them.
        self._word_cache: dict[_WordKey, _WordResult | _InContext] = {}
        self._cut_cache: dict[_WordKey, _InContext] = {}  # words read as part of a cut word
        self._entries_cache: dict[str, tuple[Entry, ...]] = {}
        self._verb_like: dict[str, bool] = {}  # a word -> whether it looks like a verb

    @property
    def dictionary(self) -> Dictionary:
        with self._lock:
            if self._dictionary is None:
                from reader.core.dictionary.cedict import default_dictionary

                self._dictionary = default_dictionary()
            return self._dictionary

    @property
    def segmenter(self) -> Segmenter:
        with self._lock:
            if self._segmenter is None:
                from reader.core.engine.segment import default_segmenter

                self._segmenter = default_segmenter()
            return self._segmenter

    @property
    def pinyin_reader(self) -> PinyinReader:
        with self._lock:
            if self._pinyin_reader is None:
                from reader.core.engine.pinyin import default_reader

                self._pinyin_reader = default_reader()
            return self._pinyin_reader

    def warm_up(self) -> None:
        """Load every part now (the segmenter, the pinyin tables and model, the dictionary,
        OpenCC), e.g. in a child while the app starts, so the first paragraph is as fast as
        the rest."""
        self.pinyin_reader.warm_up()
        sample = Paragraph(0, ParagraphKind.PARAGRAPH, "重開，中國。")
        self.annotate_paragraph(sample, Script.UNKNOWN)

    def cache_key(self) -> str | None:
        """What this annotator's output depends on, for the on-disk paragraph store: the
        engine (code and data) and the learner's segmentation rules. None for an annotator
        whose parts were swapped for others (a stand-in's output is never kept on disk)."""
        if type(self) is not Annotator or self._own_parts:
            return None
        from reader import paths

        rules = paths.user_dictionary_file()
        segmenter = self._segmenter
        loaded = sys.modules.get("reader.core.engine.segment")
        if segmenter is None and loaded is not None:  # not loaded here: the first paint waits
            segmenter = loaded._default_segmenter
        if segmenter is not None:  # the file it read (a test's READER_HOME may have moved)
            own = segmenter.user_dictionary
            rules = own.path if own is not None and own.path is not None else rules
        try:
            rules_bytes = rules.read_bytes()
        except OSError:
            rules_bytes = b""
        if segmenter is not None and segmenter.user_dictionary is not None:
            # Rules applied here but not saved (a read-only folder) are part of the output too.
            rules_bytes += segmenter.user_dictionary.unsaved_fingerprint()
        return f"{engine_version()}|{hashlib.sha256(rules_bytes).hexdigest()[:16]}"

    def reload_user_dictionary(self, user_dictionary: UserDictionary | None = None) -> None:
        """Use the learner's changed split/join rules (the reading screen calls this after a
        fix), or re-read them from their file."""
        with self._lock:
            self.segmenter.reload_user_dictionary(user_dictionary)

    def annotate_paragraph(self, paragraph: Paragraph, script: Script) -> AnnotatedParagraph:
        from reader.core.engine.convert import to_simplified, to_traditional
        from reader.core.engine.standard import (
            WordInContext,
            WordsInContext,
            first_sense_is_verb,
        )

        text = paragraph.text
        with self._lock:
            if script is Script.SIMPLIFIED:
                simplified, traditional = text, to_traditional(text)
            else:
                simplified, traditional = to_simplified(text), text
            spans = self.segmenter.segment(text, simplified)
            syllables = self.pinyin_reader.readings(
                text, simplified, [(start, end) for start, end, _ in spans]
            )
            # Look words up by their Traditional form: Simplified merges characters
            # (后/後, 发/發) that the dictionary keeps apart.
            han_words = [
                traditional[start:end] for start, end, kind in spans if kind is TokenKind.HAN
            ]
            lookups = dict(zip(han_words, self.dictionary.lookup_many(han_words), strict=True))
            names = self._name_like(simplified, traditional, spans, lookups)
        words = []
        verb_like = self._verb_like
        others: dict[str, WordInContext] = {}  # punctuation and spaces: one object a text
        for start, end, kind in spans:
            if kind is not TokenKind.HAN:
                between = text[start:end]
                other = others.get(between)
                if other is None:
                    other = others[between] = WordInContext(between, (), (), False)
                words.append(other)
                continue
            key = traditional[start:end]
            lookup = lookups[key]
            entries = lookup.entries + lookup.references if lookup.references else lookup.entries
            if key not in verb_like:
                # A word without an entry looks like what its first part looks like (喝水).
                first = lookup.breakdown[0] if not entries and lookup.breakdown else None
                verb_like[key] = first_sense_is_verb(entries or (first.entries if first else ()))
            read = syllables[start:end]
            if None in read:
                # A Latin letter of a word CC-CEDICT lists (T恤, 卡拉OK) reads as itself.
                read = [
                    s or (char if char.isascii() and char.isalnum() else UNKNOWN_SYLLABLE)
                    for s, char in zip(read, text[start:end], strict=True)
                ]
            citation = read
            words.append(
                WordInContext(
                    simplified[start:end],
                    tuple(citation),  # type: ignore[arg-type]  # None is not in it
                    entries,
                    True,
                    (start, end) in names,
                    verb_like[key],
                )
            )
        context = WordsInContext(words, self._entries_of)
        tokens = []
        for (start, end, kind), reading, gloss, full, word in zip(
            spans,
            *self._readings_and_glosses(context, traditional, spans, lookups, script),
            words,
            strict=True,
        ):
            text_of_word = text[start:end]
            if kind is not TokenKind.HAN:
                tokens.append(Token(text_of_word, start, end, kind, text_of_word, text_of_word))
                continue
            tokens.append(
                Token(
                    text_of_word,
                    start,
                    end,
                    kind,
                    simplified=word.simplified,
                    traditional=traditional[start:end],
                    pinyin_numbered=reading,
                    gloss=gloss,
                    full_tones=full,
                )
            )
        return AnnotatedParagraph(paragraph=paragraph, tokens=tuple(tokens))

    def _readings_and_glosses(
        self,
        context: WordsInContext,
        traditional: str,
        spans: list[tuple[int, int, TokenKind]],
        lookups: dict[str, Lookup],
        script: Script,
    ) -> tuple[list[tuple[str, ...]], list[str | None], list[tuple[str, ...]]]:
        """Each token's standard reading, one-line gloss and full tones. A word whose reading
        and sense no neighbour can change is worked out once (per Traditional form, reading in
        context and script) and remembered, the others once per set of neighbour facts: most
        words of a text recur, and this is per-word Python."""
        from reader.core.dictionary.senses import Neighbours, part_of_speech_hints
        from reader.core.dictionary.senses import depends_on_context as sense_depends
        from reader.core.dictionary.senses import has_rule as sense_has_rule
        from reader.core.engine.standard import depends_on_context as reading_depends
        from reader.core.engine.standard import full_tones, reading_of, readings_of_cut_words

        words = context.words
        readings: list[tuple[str, ...]] = [()] * len(words)
        cut = readings_of_cut_words(context, readings)
        glosses: list[str | None] = [None] * len(words)
        full: list[tuple[str, ...]] = [()] * len(words)
        known = self._word_cache
        if len(known) >= _WORD_CACHE_SIZE:
            known.clear()
            self._cut_cache.clear()
        in_simplified = script is Script.SIMPLIFIED  # (an Enum hashes in Python: kept out)
        for index, ((start, end, kind), word) in enumerate(zip(spans, words, strict=True)):
            if kind is not TokenKind.HAN:
                continue
            key = traditional[start:end]
            remembered = (key, word.citation, in_simplified)
            record = known.get(remembered)
            if record is None:
                alone = reading_of(context, index)
                if index not in cut:  # a cut word's reading stays (基本/上 shang)
                    readings[index] = alone
                if not (
                    reading_depends(word) or sense_depends(word.entries, alone, word.simplified)
                ):
                    gloss, reading = sense_in_context(
                        lookups[key], alone, Neighbours(), word.simplified, script
                    )
                    record = known[remembered] = (
                        reading,
                        gloss,
                        full_tones(reading, word.citation),
                    )
                else:
                    everything = reading_depends(word) or sense_has_rule(word.simplified)
                    record = known[remembered] = _InContext(everything)
            if index not in cut and type(record) is tuple:
                readings[index], glosses[index], full[index] = record
                continue
            # A word whose neighbours count, remembered with what of them counts: all of
            # them for a rule, else what they suggest of its part of speech; a word read as
            # part of a dictionary word the segmenter cut, with that reading.
            if index in cut:
                table = self._cut_cache.setdefault(remembered, _InContext(True))
            else:
                assert isinstance(record, _InContext)
                table = record
            hints: object
            if table.everything or index in cut:
                hints = context.signature(index)
            else:
                hints = part_of_speech_hints(word.simplified, *context.next_to(index))
            if index in cut:
                hints = (readings[index], hints)
            seen = table.get(hints)
            if seen is None:
                if not readings[index]:
                    readings[index] = reading_of(context, index)
                gloss, reading = sense_in_context(
                    lookups[key],
                    readings[index],
                    context.neighbours(index),
                    word.simplified,
                    script,
                )
                seen = table[hints] = (reading, gloss, full_tones(reading, word.citation))
            readings[index], glosses[index], full[index] = seen
        return readings, glosses, full

    def _entries_of(self, word: str) -> tuple[Entry, ...]:
        """Direct dictionary entries of a word made of several tokens (remembered)."""
        found = self._entries_cache.get(word)
        if found is None:
            found = self._entries_cache[word] = self.dictionary.entries(word)
            if len(self._entries_cache) >= _WORD_CACHE_SIZE:
                self._entries_cache.clear()
        return found

    def _name_like(
        self,
        simplified: str,
        traditional: str,
        spans: list[tuple[int, int, TokenKind]],
        lookups: dict[str, Lookup],
    ) -> set[tuple[int, int]]:
        """Spans that look like personal names: no dictionary entry, two or three
        characters, a common surname first (葛沖, 梁君彥)."""
        from reader.core.engine.segment import common_surnames

        found = set()
        surnames = common_surnames()
        for start, end, kind in spans:
            if (
                kind is TokenKind.HAN
                and 2 <= end - start <= 3
                and simplified[start] in surnames
                and not lookups[traditional[start:end]].entries
            ):
                found.add((start, end))
        return found


def sense_in_context(
    lookup: Lookup, reading: tuple[str, ...], around: Neighbours, word: str, script: Script
) -> tuple[str, tuple[str, ...]]:
    """The one-line gloss of a word read `reading` here (markup rendered in the document's
    script), and the reading with the capitals of the entry chosen (中歐 Zhōng Ōu, China-EU,
    not Zhōng'ōu, Central Europe). A word without an entry is glossed part by part, each
    part's sense chosen by its reading in the word (葛沖: 葛 Gě "surname Ge")."""
    from reader.core.dictionary.markup import render
    from reader.core.dictionary.senses import (
        Neighbours,
        choose_sense,
        same_reading,
        surname_sense,
    )

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


_PACKAGE = Path(__file__).resolve().parent.parent.parent


@cache
def engine_version() -> str:
    """A fingerprint of everything an annotation depends on but the rules: the package
    version, the engine's and the text layer's code, the compiled data and CC-CEDICT."""
    import reader
    from reader import paths

    digest = hashlib.sha256(reader.__version__.encode())
    folders = ("core/engine", "core/text", "core/dictionary", "core/data")
    files = sorted(p for folder in folders for p in (_PACKAGE / folder).rglob("*") if p.is_file())
    for path in [*files, paths.bundled_cedict()]:
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"|{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


_default_annotator: Annotator | None = None
_default_lock = threading.Lock()


def default_annotator() -> Annotator:
    global _default_annotator
    with _default_lock:
        if _default_annotator is None:
            _default_annotator = Annotator()
        return _default_annotator


def annotate(document: Document, annotator: Annotator | None = None) -> ParagraphStore:
    """The document's paragraph store: paragraphs annotated on first access, kept on disk."""
    from reader.core.engine.store import ParagraphStore

    return ParagraphStore(document, annotator)


def annotate_each(
    document: Document, annotator: Annotator | None = None
) -> Iterator[AnnotatedParagraph]:
    """The paragraphs annotated one at a time, none kept: one pass over a long text
    (statistics, exports) in memory that does not grow with it."""
    annotator = annotator or default_annotator()
    for paragraph in document.paragraphs:
        yield annotator.annotate_paragraph(paragraph, document.script)
