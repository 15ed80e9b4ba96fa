"""annotate(document): the one call the UI and the CLI make.

A paragraph is converted to its other script (character-aligned), segmented into token spans
over the ORIGINAL text, given pinyin in context and a gloss per Han word. Work is lazy per
paragraph: opening a book annotates only the paragraphs somebody asks for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from reader.core.models import (
    AnnotatedParagraph,
    Document,
    Paragraph,
    ParagraphKind,
    Script,
    Token,
    TokenKind,
)

if TYPE_CHECKING:
    from reader.core.dictionary.cedict import Dictionary
    from reader.core.engine.pinyin import PinyinReader
    from reader.core.engine.segment import Segmenter

NO_ENTRY_GLOSS = "(no dictionary entry)"
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
        self._lock = threading.RLock()

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

    def reload_user_dictionary(self) -> None:
        """Re-read the learner's split/join rules (the reading screen calls this after a fix)."""
        with self._lock:
            self.segmenter.reload_user_dictionary()

    def annotate_paragraph(self, paragraph: Paragraph, script: Script) -> AnnotatedParagraph:
        from reader.core.dictionary.cedict import gloss_for_reading
        from reader.core.engine.convert import to_simplified, to_traditional

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
        tokens = []
        for start, end, kind in spans:
            word = text[start:end]
            if kind is not TokenKind.HAN:
                tokens.append(Token(word, start, end, kind, simplified=word, traditional=word))
                continue
            pinyin = tuple(syllable or UNKNOWN_SYLLABLE for syllable in syllables[start:end])
            key = traditional[start:end]
            gloss = gloss_for_reading(lookups[key], " ".join(pinyin)) or NO_ENTRY_GLOSS
            tokens.append(
                Token(
                    word,
                    start,
                    end,
                    kind,
                    simplified=simplified[start:end],
                    traditional=key,
                    pinyin_numbered=pinyin,
                    gloss=gloss,
                )
            )
        return AnnotatedParagraph(paragraph=paragraph, tokens=tuple(tokens))


_default_annotator: Annotator | None = None
_default_lock = threading.Lock()


def default_annotator() -> Annotator:
    global _default_annotator
    with _default_lock:
        if _default_annotator is None:
            _default_annotator = Annotator()
        return _default_annotator


class AnnotatedDocument:
    """A document whose paragraphs are annotated on first access, then cached."""

    def __init__(self, document: Document, annotator: Annotator | None = None) -> None:
        self.document = document
        self.annotator = annotator or default_annotator()
        self._cache: dict[int, AnnotatedParagraph] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.document.paragraphs)

    def __getitem__(self, index: int) -> AnnotatedParagraph:
        cached = self._cache.get(index)
        if cached is not None:
            return cached
        paragraph = self.document.paragraphs[index]
        annotated = self.annotator.annotate_paragraph(paragraph, self.document.script)
        with self._lock:
            return self._cache.setdefault(index, annotated)

    def __iter__(self) -> Iterator[AnnotatedParagraph]:
        for index in range(len(self)):
            yield self[index]

    def extend(self, document: Document) -> None:
        """Take the whole of a text this was the first part of (same id, same first
        paragraphs, so the annotations made so far stay valid)."""
        if document.doc_id != self.document.doc_id or len(document.paragraphs) < len(self):
            raise ValueError("extend() takes the whole of the same document")
        self.document = document

    def is_annotated(self, index: int) -> bool:
        return index in self._cache

    def invalidate(self) -> None:
        """Forget every annotation (after the learner changed the segmentation rules)."""
        with self._lock:
            self._cache.clear()


def annotate(document: Document, annotator: Annotator | None = None) -> AnnotatedDocument:
    return AnnotatedDocument(document, annotator)


def annotate_each(
    document: Document, annotator: Annotator | None = None
) -> Iterator[AnnotatedParagraph]:
    """The paragraphs annotated one at a time, none kept: one pass over a long text
    (statistics, exports) in memory that does not grow with it."""
    annotator = annotator or default_annotator()
    for paragraph in document.paragraphs:
        yield annotator.annotate_paragraph(paragraph, document.script)
