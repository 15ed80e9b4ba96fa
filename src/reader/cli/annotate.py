"""`reader annotate` and `reader convert`: a text's words with their readings, and OpenCC.

    reader annotate PATH|- [--format text|jsonl|json|tsv] [--split blocks|lines]
                    [--tones standard|full] [--[no-]tone-changes]
    reader convert PATH|- [--config hk2s|t2s|s2t|s2hk|...]

Both stream: a paragraph (a batch of lines) is written as soon as it is made, and none is
kept, so a book costs the memory of a paragraph.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reader.cli.output import EXIT_OK, write_jsonl, write_line, write_tsv

if TYPE_CHECKING:
    from reader.core.models import AnnotatedParagraph, Document, Token
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
        from reader.config import ToneChanges, ToneStyle, read_settings

        settings = read_settings()[0]
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


def _annotated_stream(path: str, split: SplitMode) -> Iterator[AnnotatedParagraph]:
    """Paragraphs annotated one at a time as the file is read, none kept: the line formats
    (jsonl, tsv, text) stream a book with memory that does not grow with its length."""
    from reader.core.engine.pipeline import default_annotator
    from reader.core.text.loader import stream_path

    stream = stream_path(path, split=split)
    paragraphs = iter(stream.paragraphs)
    first = next(paragraphs, None)  # bad input is refused before the engine loads
    if first is None:
        return
    annotator = default_annotator()
    for paragraph in itertools.chain((first,), paragraphs):
        yield annotator.annotate_paragraph(paragraph, stream.script)


def _write_json_document(path: str, split: SplitMode, display: ReadingDisplay) -> None:
    """The same text as `json.dumps(document, indent=1)`, written paragraph by paragraph:
    the header needs the whole document loaded, but no annotation is kept."""
    from reader.core.engine.pipeline import annotate_each
    from reader.core.text.loader import load_path

    document = load_path(path, split=split)
    header = json.dumps(document_header_json(document), ensure_ascii=False, indent=1)
    sys.stdout.write(header.removesuffix("\n}") + ',\n "paragraphs": [')
    for number, annotated in enumerate(annotate_each(document)):
        body = json.dumps(paragraph_to_json(annotated, display), ensure_ascii=False, indent=1)
        # Nested two levels deep in the document: each line indented by two more spaces.
        sys.stdout.write(("," if number else "") + "\n  " + body.replace("\n", "\n  "))
    write_line("\n ]\n}" if document.paragraphs else "]\n}")


def cmd_annotate(args: argparse.Namespace) -> int:
    display = ReadingDisplay.from_arguments(args)
    if args.format == "json":
        _write_json_document(args.path, args.split, display)
        return EXIT_OK
    stream = _annotated_stream(args.path, args.split)
    first = next(stream, None)  # opening errors surface before any output
    annotated = stream if first is None else itertools.chain((first,), stream)
    if args.format == "jsonl":
        for paragraph in annotated:
            write_jsonl(paragraph_to_json(paragraph, display))
    elif args.format == "tsv":
        write_tsv(TSV_COLUMNS)
        for paragraph in annotated:
            for token, reading in zip(paragraph.tokens, display.readings(paragraph), strict=True):
                row = token_to_json(token, reading)
                write_tsv(
                    [paragraph.index, token.start, token.end, *(row[c] for c in TSV_COLUMNS[3:])]
                )
    else:
        from reader.core.text.interlinear import interlinear_lines

        for number, paragraph in enumerate(annotated):
            if number:
                write_line()
            readings = display.readings(paragraph)
            for line in interlinear_lines(paragraph, width=_terminal_width(), readings=readings):
                write_line(line)
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
