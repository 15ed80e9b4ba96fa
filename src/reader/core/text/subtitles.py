"""Subtitle files: SRT, ASS/SSA and WebVTT, one cue a paragraph with its times kept.

Each format is read by a well-kept parser: `srt` for SubRip, `pysubs2` for ASS/SSA (the
library Aegisub users script with), `webvtt-py` for WebVTT. pysubs2 also reads WebVTT, but
it puts cue identifiers into the text of the cue before ("第二行\\n\\nintro-2") and keeps
inline timestamps; webvtt-py reads both right.

The text of a cue is what a viewer sees: styling tags (<i>, <font>, {\\an8}, <c.yellow>,
<v Speaker>) are removed; a line break inside a cue is kept. Cues are in order of their
start time (ASS files often list them otherwise); comments and drawings are not cues.
Bytes are decoded as plain text is (UTF-8, UTF-16 with BOM, GB18030, Big5-HKSCS): fan-made
Chinese subtitles are often in the legacy encodings.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reader.core.errors import InputError
from reader.core.models import CueTiming, Paragraph, ParagraphKind

_TAGS = re.compile(r"<[^<>]*>")
_ASS_OVERRIDES = re.compile(r"\{\\[^{}]*\}")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True, slots=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str


def cue_paragraphs(cues: Iterable[Cue]) -> tuple[Paragraph, ...]:
    """One paragraph per cue with text, in order of start time."""
    ordered = sorted((cue for cue in cues if cue.text), key=lambda cue: cue.start_ms)
    return tuple(
        Paragraph(
            index,
            ParagraphKind.PARAGRAPH,
            cue.text,
            timing=CueTiming(cue.start_ms, cue.end_ms),
        )
        for index, cue in enumerate(ordered)
    )


def _visible_text(text: str, *, entities: bool = False) -> str:
    text = _ASS_OVERRIDES.sub("", text)
    text = _TAGS.sub("", text)
    if entities:  # WebVTT escapes < > & as in HTML (only after the tags are gone)
        text = html.unescape(text)
    text = _BLANK_LINES.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def read_srt(text: str, source: str) -> list[Cue]:
    import srt

    try:
        subtitles = list(srt.parse(text, ignore_errors=False))
    except srt.SRTParseError as error:
        line = text.count("\n", 0, error.expected_start) + 1
        raise InputError(
            f"{source}: not a readable SRT subtitle file (line {line} is not a cue: a number, "
            "then 00:00:01,000 --> 00:00:02,000, then its text)"
        ) from None
    except ValueError as error:  # a time out of range
        raise _unreadable(source, "SRT subtitle file", error) from None
    return [
        Cue(
            int(subtitle.start.total_seconds() * 1000),
            int(subtitle.end.total_seconds() * 1000),
            _visible_text(subtitle.content),
        )
        for subtitle in subtitles
    ]


def read_ass(text: str, source: str) -> list[Cue]:
    import pysubs2

    try:
        # pysubs2 warns about each line it cannot read and goes on: a file with readable
        # cues is read; one with none is refused with the first problem.
        with warnings.catch_warnings(record=True) as problems:
            warnings.simplefilter("always")
            subtitles = pysubs2.SSAFile.from_string(text, format_="ass")
    except Exception as error:  # pysubs2 raises plain exceptions of many kinds
        raise _unreadable(source, "ASS/SSA subtitle file", error) from None
    cues = [
        Cue(event.start, event.end, _visible_text(event.plaintext))
        for event in subtitles
        if not event.is_comment and not event.is_drawing
    ]
    if not any(cue.text for cue in cues) and problems:
        raise _unreadable(source, "ASS/SSA subtitle file", Exception(str(problems[0].message)))
    return cues


def read_vtt(text: str, source: str) -> list[Cue]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.from_string(text.removeprefix("\ufeff")).captions
    except (MalformedCaptionError, MalformedFileError, ValueError) as error:
        raise _unreadable(source, "WebVTT file", error) from None
    return [
        Cue(
            _vtt_milliseconds(caption.start),
            _vtt_milliseconds(caption.end),
            _visible_text(caption.text, entities=True),
        )
        for caption in captions
    ]


def _vtt_milliseconds(stamp: str) -> int:
    """'01:02:03.500' or '02:03.500' -> milliseconds."""
    clock, _, fraction = stamp.partition(".")
    seconds = 0
    for part in clock.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds * 1000 + int((fraction + "000")[:3])


def _unreadable(source: str, what: str, error: BaseException) -> InputError:
    detail = str(error).strip().split("\n")[0] or error.__class__.__name__
    detail = detail if len(detail) <= 120 else detail[:120] + "…"
    return InputError(f"{source}: not a readable {what} ({detail})")


READERS: dict[str, Callable[[str, str], list[Cue]]] = {
    "srt": read_srt,
    "ass": read_ass,
    "vtt": read_vtt,
}
