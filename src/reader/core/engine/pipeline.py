"""annotate(document): the one call the UI and the CLI make.

A paragraph is converted to its other script (character-aligned), segmented into token spans
over the ORIGINAL text, given pinyin in context and a gloss per Han word. Work is lazy per
paragraph: opening a book annotates only the paragraphs somebody asks for.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.engine.words import MEMORY_SIZE, NO_ENTRY_GLOSS, WordMemory
from reader.core.models import (
    AnnotatedParagraph,
    Document,
    Entry,
    Lookup,
    Paragraph,
    ParagraphKind,
    Script,
    TokenKind,
)

if TYPE_CHECKING:
    from reader.core.dictionary.cedict import Dictionary
    from reader.core.engine.pinyin import PinyinReader
    from reader.core.engine.segment import Segmenter
    from reader.core.engine.user_dictionary import UserDictionary

__all__ = ["NO_ENTRY_GLOSS", "Annotator", "annotate_each", "default_annotator"]

# A paragraph converted and segmented: (paragraph, Simplified, Traditional, word spans).
_Prepared = tuple[Paragraph, str, str, list[tuple[int, int, TokenKind]]]


@dataclass(frozen=True, slots=True)
class RulesInUse:
    """The learner's split/join rules as they are now: the bytes of their file, and the
    loaded segmenter's rules (None before it loads: the first paint loads none)."""

    saved: bytes
    unsaved: bytes = b""  # rules applied but not saved (a read-only folder)
    loaded: tuple[tuple[str, tuple[str, ...] | None], ...] | None = None

    def words(self) -> dict[str, tuple[str, ...] | None]:
        """Each word with a rule: its parts (a split) or None (a join)."""
        if self.loaded is not None:
            return dict(self.loaded)
        from reader.core.engine.user_dictionary import UserDictionary

        rules = UserDictionary.from_text(self.saved.decode("utf-8", errors="replace"))
        found: dict[str, tuple[str, ...] | None] = dict.fromkeys(rules.joins)
        found.update(rules.splits)
        return found


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
        # Each word's reading and gloss, worked out (and looked up) once.
        self._words = WordMemory(self._entries_of, self._lookup_many, _common_surnames)
        self._entries_cache: dict[str, tuple[Entry, ...]] = {}

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
        rules = self.rules_now()
        rules_bytes = rules.saved + rules.unsaved
        return f"{engine_version()}|{hashlib.sha256(rules_bytes).hexdigest()[:16]}"

    def rules_now(self) -> RulesInUse:
        """The learner's split/join rules the output depends on: their file, and the loaded
        segmenter's rules (none is loaded for the first paint)."""
        from reader import paths

        path = paths.user_dictionary_file()
        segmenter = self._segmenter
        loaded = sys.modules.get("reader.core.engine.segment")
        if segmenter is None and loaded is not None:  # not loaded here: the first paint waits
            segmenter = loaded._default_segmenter
        own = segmenter.user_dictionary if segmenter is not None else None
        if own is not None and own.path is not None:
            path = own.path  # the file it read (a test's READER_HOME may have moved)
        try:
            saved = path.read_bytes()
        except OSError:
            saved = b""
        if own is None:
            return RulesInUse(saved)
        words: dict[str, tuple[str, ...] | None] = dict.fromkeys(own.joins)
        words.update(own.splits)
        return RulesInUse(saved, own.unsaved_fingerprint(), tuple(words.items()))

    def reload_user_dictionary(self, user_dictionary: UserDictionary | None = None) -> None:
        """Use the learner's changed split/join rules (the reading screen calls this after a
        fix), or re-read them from their file."""
        with self._lock:
            self.segmenter.reload_user_dictionary(user_dictionary)

    def annotate_paragraph(self, paragraph: Paragraph, script: Script) -> AnnotatedParagraph:
        return self.annotate_many([paragraph], script)[0]

    def annotate_many(
        self, paragraphs: Sequence[Paragraph], script: Script
    ) -> list[AnnotatedParagraph]:
        """Paragraphs annotated together: the polyphone model runs once for all of them (its
        cost is mostly per run, not per character). The result is the same as annotating
        each on its own."""
        from reader.core.engine.convert import to_simplified, to_traditional

        with self._lock:
            prepared: list[_Prepared] = []
            for paragraph in paragraphs:
                text = paragraph.text
                if script is Script.SIMPLIFIED:
                    simplified, traditional = text, to_traditional(text)
                else:
                    simplified, traditional = to_simplified(text), text
                spans = self.segmenter.segment(text, simplified)
                prepared.append((paragraph, simplified, traditional, spans))
            every_syllable = self.pinyin_reader.readings_many(
                [
                    (paragraph.text, simplified, [(start, end) for start, end, _ in spans])
                    for paragraph, simplified, _, spans in prepared
                ]
            )
            return [
                AnnotatedParagraph(
                    paragraph,
                    self._words.tokens(
                        paragraph.text, simplified, traditional, spans, syllables, script
                    ),
                )
                for (paragraph, simplified, traditional, spans), syllables in zip(
                    prepared, every_syllable, strict=True
                )
            ]

    def _entries_of(self, word: str) -> tuple[Entry, ...]:
        """Direct dictionary entries of a word made of several tokens (remembered)."""
        found = self._entries_cache.get(word)
        if found is None:
            found = self._entries_cache[word] = self.dictionary.entries(word)
            if len(self._entries_cache) >= MEMORY_SIZE:
                self._entries_cache.clear()
        return found

    def _lookup_many(self, traditional: list[str]) -> tuple[Lookup, ...]:
        # Words are looked up by their Traditional form: Simplified merges characters
        # (后/後, 发/發) that the dictionary keeps apart.
        return self.dictionary.lookup_many(traditional)


def _common_surnames() -> frozenset[str]:
    from reader.core.engine.lattice import common_surnames

    return common_surnames()


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


def annotate_each(
    document: Document, annotator: Annotator | None = None
) -> Iterator[AnnotatedParagraph]:
    """The paragraphs annotated one at a time, none kept: one pass over a long text
    (statistics, exports) in memory that does not grow with it."""
    annotator = annotator or default_annotator()
    for paragraph in document.paragraphs:
        yield annotator.annotate_paragraph(paragraph, document.script)
