"""Frozen data passed between the core modules and the UI.

Tokens are spans over the ORIGINAL paragraph text: joining the `text` of a paragraph's
tokens gives the paragraph back exactly. Simplified/Traditional forms and pinyin are
attributes of a token, never a rewritten text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache


class Script(str, Enum):
    TRADITIONAL = "traditional"
    SIMPLIFIED = "simplified"
    UNKNOWN = "unknown"  # no Han text, or nothing that tells the two apart


class ParagraphKind(str, Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    CAPTION = "caption"


class TokenKind(str, Enum):
    HAN = "han"  # one word of Han characters
    NUMBER = "number"  # digits, with their , . separators
    LATIN = "latin"  # a run of letters (and the marks inside words)
    PUNCT = "punct"  # punctuation and symbols
    SPACE = "space"  # whitespace, including line breaks inside a paragraph
    OTHER = "other"  # anything else (emoji, other scripts)


@dataclass(frozen=True, slots=True)
class CueTiming:
    """When a subtitle cue is on screen, in milliseconds from the start of the video."""

    start_ms: int
    end_ms: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One block of the document after loading (headings and captions are blocks too)."""

    index: int
    kind: ParagraphKind
    text: str
    heading_level: int = 0  # 1 for '#', 2 for '##' ...; 0 when not a heading
    timing: CueTiming | None = None  # a subtitle cue's times; None for other formats


@dataclass(frozen=True, slots=True)
class Section:
    """One entry of a document's table of contents: a title and the paragraph it starts at."""

    title: str
    paragraph_index: int
    level: int = 1  # 1 for a top-level entry, 2 for an entry nested in it...


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded text: its paragraphs, which script it is written in, and where it came from."""

    paragraphs: tuple[Paragraph, ...]
    script: Script
    doc_id: str  # stable id from the normalised content (same text -> same id)
    source: str  # the path given, or "-" for stdin
    title: str  # first heading, else the start of the first paragraph
    format: str = "text"  # the file format read: text, epub, html, srt, ass, vtt
    contents: tuple[Section, ...] = ()  # table of contents (an EPUB's), in reading order


@dataclass(frozen=True, slots=True)
class Entry:
    """One CC-CEDICT entry."""

    traditional: str
    simplified: str
    pinyin: str  # as in CC-CEDICT: numbered syllables separated by spaces, 'u:' for ü
    definitions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Lookup:
    """Everything the dictionary knows about a word.

    `entries` are direct entries (found by the Traditional or Simplified key, or through a
    variant form noted in `via`). `references` are the entries that "see X" / "variant of X"
    definitions point to. `breakdown` splits a word with no entry into its longest dictionary
    sub-words (each a Lookup of its own).
    """

    query: str
    entries: tuple[Entry, ...] = ()
    via: str | None = None  # the variant key used when the query itself has no entry
    references: tuple[Entry, ...] = ()
    breakdown: tuple[Lookup, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.entries)

    @property
    def gloss(self) -> str | None:
        """A short first definition, or the breakdown's glosses joined; None if nothing at all."""
        for entry in (*self.entries, *self.references):
            for definition in entry.definitions:
                if not _is_pointer_definition(definition):
                    return definition
        if self.entries:
            return self.entries[0].definitions[0] if self.entries[0].definitions else None
        parts = [f"{part.query}: {part.gloss}" for part in self.breakdown if part.gloss]
        return " + ".join(parts) if parts else None


# A definition that only points at another headword: "see X", "see also X", "variant of X",
# "old variant of X", "erhua variant of X", "(dialect) see X", "also written X", "same as X",
# "used in X" (個 ge3 is only "used in 自個兒": its gloss is 個 ge4's "individual").
_POINTER_DEFINITION = re.compile(
    r"^(?:\([^)]*\)\s*)?(?:see also|see|(?:[\w()-]+ )*variant of|also written|same as"
    # "used in 葡萄", "used in place names" point elsewhere; "(particle) used in questions" is a
    # sense (呢 "what about...?").
    r"|erhua form of|used in(?! questions))\s",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def normalised_pinyin(pinyin: str) -> str:
    """Numbered pinyin as compared between sources: lowercase, 'v' for ü ("Lu:4" -> "lv4")."""
    return pinyin.lower().replace("u:", "v").replace("ü", "v").strip()


@lru_cache(maxsize=65536)
def _is_pointer_definition(definition: str) -> bool:
    return _POINTER_DEFINITION.match(definition) is not None


@dataclass(frozen=True, slots=True)
class Token:
    """A span [start, end) of its paragraph's original text, with everything known about it."""

    text: str
    start: int
    end: int
    kind: TokenKind
    simplified: str  # the Simplified form (same length as text); == text for non-Han tokens
    traditional: str  # the Traditional form (same length as text); == text for non-Han tokens
    # One numbered syllable per Han character, as the mainland standard reads the word here,
    # neutral tones included ("peng2", "you5"); capitalised where a proper noun or a part of a
    # name starts ("Wang2", "Yi4"), as CC-CEDICT writes it.
    pinyin_numbered: tuple[str, ...] = ()
    gloss: str | None = None  # the sense that fits here, one line; None only for non-Han tokens
    # The same syllables with every tone said in full (Taiwan-style citation: "peng2", "you3"),
    # for the full-tones display; empty when that is `pinyin_numbered` itself.
    full_tones: tuple[str, ...] = ()

    @property
    def is_han(self) -> bool:
        return self.kind is TokenKind.HAN


@dataclass(frozen=True, slots=True)
class AnnotatedParagraph:
    paragraph: Paragraph
    tokens: tuple[Token, ...] = field(default_factory=tuple)

    @property
    def index(self) -> int:
        return self.paragraph.index

    @property
    def kind(self) -> ParagraphKind:
        return self.paragraph.kind

    @property
    def text(self) -> str:
        return self.paragraph.text
