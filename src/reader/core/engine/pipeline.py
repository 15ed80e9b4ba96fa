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
    Paragraph,
    ParagraphKind,
    Script,
    Token,
    TokenKind,
)

if TYPE_CHECKING:
    from reader.core.dictionary.cedict import Dictionary
    from reader.core.engine.pinyin import PinyinReader
    from reader.core.engine.segment import Segmenter, UserDictionary
    from reader.core.engine.store import ParagraphStore

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
        # A dictionary or pinyin reader of one's own (tests): its output is not kept on disk.
        self._own_parts = dictionary is not None or pinyin_reader is not None
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
