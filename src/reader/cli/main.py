"""The `reader` command: the reading app by default, headless commands for scripts and tests.

    reader [PATH|-]                      open the reading screen (default: the bundled article)
    reader annotate PATH|- [--format text|jsonl|json|tsv] [--split blocks|lines]
    reader convert PATH|- [--config hk2s|t2s|s2t|s2hk|...]
    reader lookup WORD [--format text|json]
    reader dict info | reader dict build

Bad input is reported on one line with exit code 2; `--debug` shows the traceback instead.
Heavy modules are imported inside the handlers so `reader --help` stays instant.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn

from reader import __version__
from reader.core.errors import ReaderError

if TYPE_CHECKING:
    from reader.core.models import AnnotatedParagraph, Document, Token
    from reader.core.text.loader import SplitMode

EXIT_OK = 0
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]


class OneLineParser(argparse.ArgumentParser):
    """Usage mistakes are bad input too: one line on stderr (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"reader: {message} (see `{self.prog} --help`)\n")


def _add_common_options(parser: argparse.ArgumentParser, *, top_level: bool = True) -> None:
    # A subcommand's own --debug must not reset one given before the subcommand.
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="show the full traceback when something goes wrong",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="reader",
        description="A keyboard-first terminal reader for learners of Chinese.",
        epilog="Run without a command to open the reading screen on PATH (or the bundled article).",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    _add_common_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

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
    annotate.set_defaults(handler=_cmd_annotate)

    convert = commands.add_parser(
        "convert", help="convert between scripts with OpenCC, line for line"
    )
    convert.add_argument("path", metavar="PATH", help="a text file, or - for standard input")
    convert.add_argument("--config", default="hk2s", help="OpenCC configuration (default hk2s)")
    convert.set_defaults(handler=_cmd_convert)

    lookup = commands.add_parser(
        "lookup",
        help="look a word up in CC-CEDICT, or search it by pinyin (xingdong, xing2dong4, "
        "xíngdòng) or English (relation)",
    )
    lookup.add_argument(
        "words", nargs="+", metavar="QUERY", help="a Chinese word, pinyin or English"
    )
    lookup.add_argument("--format", choices=("text", "json"), default="text")
    lookup.add_argument(
        "--limit", type=int, default=10, help="results per kind of match (pinyin, English)"
    )
    lookup.set_defaults(handler=_cmd_lookup)

    dictionary = commands.add_parser("dict", help="the compiled dictionary index")
    dict_commands = dictionary.add_subparsers(dest="dict_command", metavar="ACTION", required=True)
    dict_commands.add_parser("info", help="source date, entry count, index path").set_defaults(
        handler=_cmd_dict_info
    )
    dict_commands.add_parser(
        "build", help="rebuild the index from the bundled source"
    ).set_defaults(handler=_cmd_dict_build)

    _add_optional_commands(commands)
    for subparser in commands.choices.values():
        _add_common_options(subparser, top_level=False)
    return parser


def _add_optional_commands(commands: Any) -> None:
    """Commands that live in their own modules (vocabulary, export, study...)."""
    try:
        from reader.cli.vocab import add_vocab_parsers
    except ImportError:
        return
    add_vocab_parsers(commands)
    from reader.cli.study import add_study_parsers

    add_study_parsers(commands)
    from reader.cli.known import add_known_parsers

    add_known_parsers(commands)
    from reader.cli.library import add_library_parsers

    add_library_parsers(commands)


def _build_app_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="reader", add_help=False)
    parser.add_argument("path", nargs="?", default=None)
    _add_common_options(parser)
    return parser


# ---- annotate


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


def _document_header_json(document: Document) -> dict[str, Any]:
    return {
        "source": document.source,
        "doc_id": document.doc_id,
        "title": document.title,
        "script": document.script.value,
    }


def _write_line(line: str = "") -> None:
    """A line for a person or a script to read: control characters in the text (an ESC
    in a word looked up) are shown as symbols, never sent to the terminal as they are."""
    from reader.core.text.controls import visible_controls

    sys.stdout.write(visible_controls(line) + "\n")


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
    header = json.dumps(_document_header_json(document), ensure_ascii=False, indent=1)
    sys.stdout.write(header.removesuffix("\n}") + ',\n "paragraphs": [')
    for number, annotated in enumerate(annotate_each(document)):
        body = json.dumps(paragraph_to_json(annotated, display), ensure_ascii=False, indent=1)
        # Nested two levels deep in the document: each line indented by two more spaces.
        sys.stdout.write(("," if number else "") + "\n  " + body.replace("\n", "\n  "))
    _write_line("\n ]\n}" if document.paragraphs else "]\n}")


def _cmd_annotate(args: argparse.Namespace) -> int:
    display = ReadingDisplay.from_arguments(args)
    if args.format == "json":
        _write_json_document(args.path, args.split, display)
        return EXIT_OK
    stream = _annotated_stream(args.path, args.split)
    first = next(stream, None)  # opening errors surface before any output
    annotated = stream if first is None else itertools.chain((first,), stream)
    if args.format == "jsonl":
        for paragraph in annotated:
            _write_line(json.dumps(paragraph_to_json(paragraph, display), ensure_ascii=False))
            sys.stdout.flush()  # a consumer sees each paragraph as soon as it is ready
    elif args.format == "tsv":
        _write_line(
            "paragraph\tstart\tend\ttext\tsimplified\ttraditional\tpinyin\tpinyin_numbered\tgloss"
        )
        for paragraph in annotated:
            for token, reading in zip(paragraph.tokens, display.readings(paragraph), strict=True):
                row = token_to_json(token, reading)
                cells = [str(paragraph.index), str(token.start), str(token.end)] + [
                    _tsv_cell(row[key])
                    for key in (
                        "text",
                        "simplified",
                        "traditional",
                        "pinyin",
                        "pinyin_numbered",
                        "gloss",
                    )
                ]
                _write_line("\t".join(cells))
    else:
        from reader.core.text.interlinear import interlinear_lines

        for number, paragraph in enumerate(annotated):
            if number:
                _write_line()
            readings = display.readings(paragraph)
            for line in interlinear_lines(paragraph, width=_terminal_width(), readings=readings):
                _write_line(line)
    return EXIT_OK


def _tsv_cell(value: object) -> str:
    if value is None:
        return ""
    return str(value).replace("\t", " ").replace("\n", " ")


def _terminal_width() -> int:
    import shutil

    return max(20, shutil.get_terminal_size((100, 24)).columns)


# ---- convert / lookup / dict


def _cmd_convert(args: argparse.Namespace) -> int:
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


def _cmd_lookup(args: argparse.Namespace) -> int:
    from reader.core.dictionary.cedict import format_lookup_text, lookup, lookup_to_json
    from reader.core.text.han import has_han

    args.word = " ".join(args.words)  # `reader lookup xíng dòng` and `to go` need no quotes
    if not has_han(args.word):  # pinyin or English: search the dictionary
        return _search(args)
    result = lookup(args.word.strip())
    if args.format == "json":
        _write_line(json.dumps(lookup_to_json(result), ensure_ascii=False, indent=1))
    else:
        _write_line(format_lookup_text(result))
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    from reader.core.dictionary.cedict import search
    from reader.core.dictionary.search import format_results_text, results_to_json

    results = search(args.word, limit=args.limit)
    if args.format == "json":
        _write_line(json.dumps(results_to_json(results), ensure_ascii=False, indent=1))
    else:
        _write_line(format_results_text(results))
    return EXIT_OK


def _print_dict_info(info: Any) -> None:
    _write_line(f"source:  {info.source}")
    _write_line(f"date:    {info.date}")
    _write_line(f"entries: {info.entries}")
    _write_line(f"index:   {info.index_path}")


def _cmd_dict_info(args: argparse.Namespace) -> int:
    from reader.core.dictionary.cedict import info

    _print_dict_info(info())
    return EXIT_OK


def _cmd_dict_build(args: argparse.Namespace) -> int:
    from reader.core.dictionary.cedict import build

    _print_dict_info(build(force=True))
    return EXIT_OK


# ---- the app


def _run_app(args: argparse.Namespace) -> int:
    from reader.cli.terminal import require_terminal

    if args.path not in (None, "-") and not os.path.lexists(args.path):
        raise ReaderError(
            f"{args.path}: no such file, and not a command (`reader --help` lists them)"
        )
    require_terminal(args.path)
    from reader.ui.app import run_app

    code = run_app(args.path if args.path is not None else last_document())
    # The screen is closed and everything saved; worker threads (a model loading, a book
    # being annotated) would be joined at interpreter exit: q ends the process now.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


def last_document() -> str | None:
    """The document to open when `reader` is given none: the one read last (where the
    learner left it), or None for the bundled article (the first start, or a file gone)."""
    from reader.core.learner.library import LibraryStore, default_library_path

    if not default_library_path().exists():
        return None  # the first start: no file made before the first paint
    try:
        with LibraryStore() as library:
            entry = library.last_opened()
    except ReaderError:
        return None  # a damaged library never stops reading
    return entry.path if entry is not None else None


# ---- entry point


def _use_utf8_streams() -> None:
    """Chinese output must not depend on the locale (CI runs with LANG unset)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


# The subcommands `build_parser` makes (a test keeps the two in step): the reading screen, the
# usual case, is started without building their parsers (~15 ms before the first paint).
COMMANDS = frozenset(
    {
        "annotate",
        "convert",
        "dict",
        "export",
        "known",
        "library",
        "lookup",
        "stats",
        "study",
        "vocab",
    }
)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    first_positional = next((a for a in arguments if not a.startswith("-") or a == "-"), None)
    wants_help_or_version = any(a in ("-h", "--help", "--version") for a in arguments)
    _use_utf8_streams()
    if first_positional in COMMANDS or (wants_help_or_version and first_positional is None):
        parser = build_parser()
        args = parser.parse_args(arguments)
        handler: Handler = args.handler
    else:
        parser = _build_app_parser()
        args = parser.parse_args(arguments)
        handler = _run_app
    if handler is not _run_app:
        _stand_in_for_closed_streams()
        _say_notices_on_stderr()
    try:
        _refuse_undecodable_arguments(args, parser, arguments)
        return handler(args)
    except ReaderError as error:
        if args.debug:
            raise
        print(f"reader: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); that is not an error.
        _silence_broken_stdout()
        return EXIT_OK
    except OSError as error:
        # Not the input (loading reports that as InputError): the output or the system,
        # e.g. stdout closed or on a full disk.
        if args.debug:
            raise
        _silence_broken_stdout()
        reason = error.strerror or str(error)
        where = f"{error.filename}: " if error.filename else ""
        print(f"reader: {where}{reason}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


# Arguments that name files: any bytes are a valid file name there (Python keeps the ones
# that are not UTF-8 as surrogate escapes, and opens the file by them).
_PATH_ARGUMENTS = frozenset({"path", "out"})


def _argument_labels(parser: argparse.ArgumentParser, arguments: Sequence[str]) -> dict[str, str]:
    """Each argument of the command given in `arguments` by its name in the help (WORD,
    QUERY, --deck): subcommands may give one name two meanings."""
    labels: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = next((a for a in arguments if a in action.choices), None)
            if chosen is not None:
                labels.update(_argument_labels(action.choices[chosen], arguments))
        elif action.option_strings:
            labels.setdefault(action.dest, max(action.option_strings, key=len))
        else:
            metavar = action.metavar if isinstance(action.metavar, str) else None
            labels.setdefault(action.dest, metavar or action.dest.upper())
    return labels


def _refuse_undecodable_arguments(
    args: argparse.Namespace, parser: argparse.ArgumentParser, arguments: Sequence[str]
) -> None:
    """Text arguments (a word, a sentence, a deck name) must be UTF-8: bytes that are not
    reach Python as surrogate escapes, which no file or database can store."""
    labels: dict[str, str] | None = None
    for name, value in vars(args).items():
        if name in _PATH_ARGUMENTS:
            continue
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                shown = text.encode("utf-8", "surrogateescape")
                labels = labels if labels is not None else _argument_labels(parser, arguments)
                label = labels.get(name, "--" + name.replace("_", "-"))
                raise ReaderError(
                    f"{label} is not valid UTF-8 text ({shown!r}); check the terminal's encoding"
                ) from None


def _say_notices_on_stderr() -> None:
    """Problems met on the way that do not stop the command (rules that are not UTF-8...)."""
    from reader.core import notices

    notices.listen(lambda message: print(f"reader: warning: {message}", file=sys.stderr))


class _ClosedOutput(io.TextIOBase):
    """Stands for a standard stream that was closed: writing fails like a write error."""

    def __init__(self, name: str) -> None:
        self._name = name

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, f"standard {self._name} is closed; nothing can be written")


def _stand_in_for_closed_streams() -> None:
    if sys.stdout is None:
        sys.stdout = _ClosedOutput("output")
    if sys.stderr is None:  # nowhere to say what went wrong: the exit code must do
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process


def _silence_broken_stdout() -> None:
    """Point stdout at /dev/null so the flush at exit does not fail (and complain) again."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)


if __name__ == "__main__":
    sys.exit(main())
