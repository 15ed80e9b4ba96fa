"""Sentences of a paragraph, by its own punctuation (the context a saved word keeps)."""

from __future__ import annotations

_SENTENCE_END = frozenset("。！？!?；;…⋯")
_CLOSERS = frozenset("」』）)】〕》〉”’\"'")


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
        elif char in _SENTENCE_END or (
            char == "." and (position + 1 == length or text[position + 1].isspace())
        ):
            position += 1
            while position < length and (
                text[position] in _SENTENCE_END or text[position] in _CLOSERS
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
