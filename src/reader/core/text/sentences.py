"""Sentences of a paragraph, by its own punctuation (the context a saved word keeps), and
the punctuation that ends them: the one place for it (the loader's line joining, the reading
engine's sentence windows and questions, sentence pinyin on cards and in study).
"""

from __future__ import annotations

from collections.abc import Iterable

SENTENCE_ENDS = frozenset("。！？!?；;…⋯")
"""Marks after which a sentence ends ("." too, before a space or the end: not in 22.5)."""
QUESTION_MARKS = frozenset("？?")
ELLIPSES = frozenset("…⋯")
"""They end a sentence here, but trail off mid-sentence as often: the reading engine's
windows and question tracking go on across them."""
CLOSERS = frozenset("」』）)】〕》〉”’\"'")
"""Closing quotes and brackets: they belong to the sentence before them."""
OPENERS = frozenset("「『（(《〈【〔“‘")
"""Opening quotes and brackets: a line ending in one goes on in the next."""

# Where the words of a sentence's pinyin are joined with a space: never before closing or
# sentence punctuation, never after an opening bracket or quote (straight quotes open and
# close: they keep their spaces).
_NO_SPACE_BEFORE = frozenset("，、：:,.]") | SENTENCE_ENDS | (CLOSERS - frozenset("\"'"))
_NO_SPACE_AFTER = OPENERS | {"["}


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Spans [start, end) of the sentences of `text`, by its own punctuation.

    A sentence ends after a run of 。！？；… (and "." before a space or the end, so 22.5
    stays whole), taking any closing quotes or brackets that follow with it; a line break
    ends one too. Spans exclude surrounding whitespace, are in order and do not overlap.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    position = 0
    while position < length:
        char = text[position]
        end: int | None = None
        if char == "\n":
            end = position
            position += 1
        elif char in SENTENCE_ENDS or (
            char == "." and (position + 1 == length or text[position + 1].isspace())
        ):
            position += 1
            while position < length and (
                text[position] in SENTENCE_ENDS or text[position] in CLOSERS
            ):
                position += 1
            end = position
        else:
            position += 1
        if end is not None:
            _add_span(text, start, end, spans)
            start = position
    _add_span(text, start, length, spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def sentence_at(text: str, offset: int) -> str:
    """The sentence of `text` that holds the character at `offset` (the whole text, trimmed,
    if none does)."""
    spans = split_sentences(text)
    return next((text[start:end] for start, end in spans if start <= offset < end), text.strip())


def space_between(before: str, after: str) -> bool:
    """Whether a sentence's pinyin puts a space between the piece `before` and the piece
    `after`: between words yes, before 。，」… and after 「（ no ("Tā shuō: “hǎo”")."""
    return bool(before) and after[:1] not in _NO_SPACE_BEFORE and before[-1:] not in _NO_SPACE_AFTER


def spaced_join(pieces: Iterable[str]) -> str:
    """Words' readings and punctuation joined as a sentence's pinyin is written."""
    text = ""
    for piece in pieces:
        text += (" " if space_between(text, piece) else "") + piece
    return text
