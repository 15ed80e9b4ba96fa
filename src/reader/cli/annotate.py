"""`reader annotate` and `reader convert`: a text's words with their readings, and OpenCC.

    reader annotate PATH|- [--format text|jsonl|json|tsv] [--split blocks|lines]
                    [--tones standard|full] [--[no-]tone-changes]
    reader convert PATH|- [--config hk2s|t2s|s2t|s2hk|...]

Both stream: a paragraph (a batch of lines) is written as soon as it is made, and none is
kept, so a book costs the memory of a paragraph.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.cli.output import EXIT_OK, tsv_cell, write_line, write_tsv

if TYPE_CHECKING:
    from reader.core.models import AnnotatedParagraph, Document, Token, TokenKind
    from reader.core.text.loader import SplitMode

TSV_COLUMNS = (
    "paragraph",
    "start",
    "end",
    "text",
    "simplified",
    "traditional",
    "pinyin",
    "pinyin_numbered",
    "gloss",
)


def add_parsers(commands: Any) -> None:
    """Register `annotate` and `convert` on the main parser's subcommands."""
    annotate = commands.add_parser(
        "annotate", help="print segmentation, pinyin, Simplified and glosses for a text"
    )
    annotate.add_argument("path", metavar="PATH", help="a text file, or - for standard input")
    annotate.add_argument("--format", choices=("text", "jsonl", "json", "tsv"), default="text")
    annotate.add_argument(
        "--split",
        choices=("blocks", "lines"),
        default="blocks",
        help="blocks: paragraphs separated by blank lines, broken sentences rejoined (default); "
        "lines: every input line is one paragraph, verbatim",
    )
    annotate.add_argument(
        "--tones",
        choices=("standard", "full"),
        default=None,
        help="standard: the mainland standard with its neutral tones (péngyou); full: every "
        "syllable's own tone, Taiwan-style (péngyǒu). Default: the 'tones' setting (standard)",
    )
    annotate.add_argument(
        "--tone-changes",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show tone changes as spoken (一 不 and third-tone sandhi: yí gè, bú shì, níhǎo). "
        "Default: the 'tone_changes' setting (off)",
    )
    annotate.set_defaults(handler=cmd_annotate)

    convert = commands.add_parser(
        "convert", help="convert between scripts with OpenCC, line for line"
    )
    convert.add_argument("path", metavar="PATH", help="a text file, or - for standard input")
    convert.add_argument("--config", default="hk2s", help="OpenCC configuration (default hk2s)")
    convert.set_defaults(handler=cmd_convert)


@dataclass(frozen=True, slots=True)
class ReadingDisplay:
    """How `annotate` writes readings: full tones or the standard, tone changes or not."""

    full_tones: bool = False
    tone_changes: bool = False

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> ReadingDisplay:
        """The command's flags, else the learner's settings."""
        from reader.config import ToneChanges, ToneStyle, load_settings

        settings = load_settings()
        tones = args.tones or settings.tones.value
        changes = args.tone_changes
        if changes is None:
            changes = settings.tone_changes is ToneChanges.ON
        return cls(tones == ToneStyle.FULL.value, bool(changes))

    def readings(self, paragraph: AnnotatedParagraph) -> list[tuple[str, ...]]:
        from reader.core.engine.tones import shown_readings

        return shown_readings(
            paragraph.tokens, full_tones=self.full_tones, tone_changes=self.tone_changes
        )


def token_to_json(token: Token, reading: Sequence[str] | None = None) -> dict[str, Any]:
    """A token as JSON; `reading` is the reading to write (the standard one by default)."""
    from reader.core.engine.syllables import format_word

    syllables = token.pinyin_numbered if reading is None else reading
    return {
        "text": token.text,
        "start": token.start,
        "end": token.end,
        "simplified": token.simplified,
        "traditional": token.traditional,
        "pinyin": format_word(syllables) if token.is_han else None,
        "pinyin_numbered": " ".join(syllables) if token.is_han else None,
        "is_han": token.is_han,
        "gloss": token.gloss if token.is_han else None,
    }


def paragraph_to_json(
    paragraph: AnnotatedParagraph, display: ReadingDisplay | None = None
) -> dict[str, Any]:
    readings = (display or ReadingDisplay()).readings(paragraph)
    return {
        "index": paragraph.index,
        "kind": paragraph.kind.value,
        "text": paragraph.text,
        "tokens": [
            token_to_json(token, reading)
            for token, reading in zip(paragraph.tokens, readings, strict=True)
        ],
    }


def document_header_json(document: Document) -> dict[str, Any]:
    return {
        "source": document.source,
        "doc_id": document.doc_id,
        "title": document.title,
        "script": document.script.value,
    }


@dataclass(frozen=True, slots=True)
class AnnotateOutput:
    """One paragraph of `annotate`'s output, as the text written for it. It runs in the
    worker processes that annotate a long text (so it is a picklable module-level class)."""

    format: str  # text, jsonl, json or tsv
    display: ReadingDisplay
    width: int = 100  # of the text format's lines

    def __call__(self, paragraph: AnnotatedParagraph) -> str:
        from reader.core.text.controls import visible_controls

        if self.format == "json":
            body = json.dumps(
                paragraph_to_json(paragraph, self.display), ensure_ascii=False, indent=1
            )
            # Nested two levels deep in the document: each line indented by two more spaces.
            return "\n  " + body.replace("\n", "\n  ")
        readings = self.display.readings(paragraph)
        if self.format == "jsonl":
            line = _jsonl_line(paragraph, readings)
            # JSON escapes C0 controls; DEL and C1 could come from the text (the words' fields
            # are made visible once each): a ~40 times shorter scan than the line's.
            if visible_controls(paragraph.text) == paragraph.text:
                return line + "\n"
            lines = [line]
        elif self.format == "tsv":
            lines = []
            for token, reading in zip(paragraph.tokens, readings, strict=True):
                row = token_to_json(token, reading)
                cells = [paragraph.index, token.start, token.end]
                cells += [row[column] for column in TSV_COLUMNS[3:]]
                lines.append("\t".join(tsv_cell(cell) for cell in cells))
        else:
            from reader.core.text.interlinear import interlinear_lines

            lines = interlinear_lines(paragraph, width=self.width, readings=readings)
        return "".join(visible_controls(line) + "\n" for line in lines)

    def encoded(self, paragraph: AnnotatedParagraph) -> bytes:
        """The text for a paragraph as the bytes written: made in the worker processes, so
        this process (which writes ~40 bytes of jsonl for each byte of text) only passes
        bytes on, neither decoding them from the workers nor encoding them again."""
        return self(paragraph).encode("utf-8", "replace")  # as `use_utf8_streams` writes


def _jsonl_line(paragraph: AnnotatedParagraph, readings: Sequence[tuple[str, ...]]) -> str:
    """`json.dumps(paragraph_to_json(paragraph), ensure_ascii=False)`, character for
    character, with each token's fields after its position written once per word: a book's
    words recur, and encoding them was as costly as annotating them."""
    from json.encoder import encode_basestring as quoted  # what json.dumps uses here

    tokens = ", ".join(
        f'{{"text": {quoted(token.text)}, "start": {token.start}, "end": {token.end}, '
        + _token_fields(
            token.text, token.simplified, token.traditional, token.kind, token.gloss, reading
        )
        for token, reading in zip(paragraph.tokens, readings, strict=True)
    )
    return (
        f'{{"index": {paragraph.index}, "kind": {quoted(paragraph.kind.value)}, '
        f'"text": {quoted(paragraph.text)}, "tokens": [{tokens}]}}'
    )


@functools.lru_cache(maxsize=65536)
def _token_fields(
    text: str,
    simplified: str,
    traditional: str,
    kind: TokenKind,
    gloss: str | None,
    reading: tuple[str, ...],
) -> str:
    """A token's JSON after its "end" field (the same wherever the word is read so), control
    characters shown (`visible_controls`)."""
    from reader.core.models import Token
    from reader.core.text.controls import visible_controls

    token = Token(text, 0, len(text), kind, simplified, traditional, gloss=gloss)
    fields = token_to_json(token, reading)
    for position in ("text", "start", "end"):
        del fields[position]
    return visible_controls(json.dumps(fields, ensure_ascii=False)[1:])  # without its brace


def _annotated_output(path: str, split: SplitMode, output: AnnotateOutput) -> Iterator[bytes]:
    """The output of batches of paragraphs as the file is read, none kept: a book streams
    with memory that does not grow with its length, annotated on every core (`parallel`)."""
    from reader.core.engine.parallel import annotate_in_order
    from reader.core.text.loader import stream_path

    stream = stream_path(path, split=split)
    paragraphs = iter(stream.paragraphs)
    first = next(paragraphs, None)  # bad input is refused before the engine loads
    if first is None:
        return
    separator = b"\n" if output.format == "text" else b""  # a blank line between paragraphs
    for number, batch in enumerate(
        annotate_in_order(itertools.chain((first,), paragraphs), stream.script, output.encoded)
    ):
        yield (b"" if number == 0 else separator) + separator.join(batch)


def _write_bytes(data: bytes) -> None:
    """UTF-8 bytes on stdout, after any text written before them."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a stand-in stream (closed, or a test's): it takes text
        sys.stdout.write(data.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(data)


def _write_json_document(path: str, split: SplitMode, display: ReadingDisplay) -> None:
    """The same text as `json.dumps(document, indent=1)`, written paragraph by paragraph:
    the header needs the whole document loaded, but no annotation is kept."""
    from reader.core.engine.parallel import annotate_in_order
    from reader.core.text.loader import load_path

    document = load_path(path, split=split)
    header = json.dumps(document_header_json(document), ensure_ascii=False, indent=1)
    sys.stdout.write(header.removesuffix("\n}") + ',\n "paragraphs": [')
    output = AnnotateOutput("json", display)
    batches = annotate_in_order(document.paragraphs, document.script, output.encoded)
    for number, batch in enumerate(batches):
        _write_bytes((b"," if number else b"") + b",".join(batch))
    sys.stdout.flush()
    write_line("\n ]\n}" if document.paragraphs else "]\n}")


def cmd_annotate(args: argparse.Namespace) -> int:
    display = ReadingDisplay.from_arguments(args)
    if args.format == "json":
        _write_json_document(args.path, args.split, display)
        return EXIT_OK
    output = AnnotateOutput(args.format, display, _terminal_width())
    stream = _annotated_output(args.path, args.split, output)
    first = next(stream, None)  # opening errors surface before any output
    if args.format == "tsv":
        write_tsv(TSV_COLUMNS)
    for data in itertools.chain(() if first is None else (first,), stream):
        _write_bytes(data)
        sys.stdout.flush()  # a consumer sees each paragraph as soon as it is ready
    return EXIT_OK


def _terminal_width() -> int:
    import shutil

    return max(20, shutil.get_terminal_size((100, 24)).columns)


# ---- convert


def cmd_convert(args: argparse.Namespace) -> int:
    from reader.core.engine.convert import convert_text
    from reader.core.text.loader import stream_lines

    convert_text("", args.config)  # an unknown config is refused before reading anything
    # Batches of lines as the file is read: the same text as converting it whole (conversion
    # is line by line), in bounded memory. The last line is written without a newline.
    batch: list[str] = []
    batch_chars = 0
    previous: str | None = None
    for line in stream_lines(args.path):
        if previous is not None:
            batch.append(previous)
            batch_chars += len(previous)
            if batch_chars > _CONVERT_BATCH_CHARS:  # the text as it is: convert is a filter
                sys.stdout.write(convert_text("\n".join(batch), args.config) + "\n")
                batch, batch_chars = [], 0
        previous = line
    if previous is not None:
        batch.append(previous)
    sys.stdout.write(convert_text("\n".join(batch), args.config))
    return EXIT_OK


_CONVERT_BATCH_CHARS = 1 << 16
