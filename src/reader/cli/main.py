"""The `reader` command: the reading app by default, headless commands for scripts and tests.

    reader [PATH|-]                open the reading screen (default: the document read last)
    reader COMMAND ...             one of COMMAND_GROUPS (`reader --help` lists them)

One module per command group (`reader.cli.<group>`, each with `add_parsers`); one place for
output formats and errors (`reader.cli.output`). Bad input is reported on one line with exit
code 2; `--debug` shows the traceback instead. Only the parsers and modules of the command
given are built and imported: `reader PATH` builds none of the subcommands' (the first paint
does not wait for them), and `reader --help` builds them all.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Iterable, Sequence

from reader import __version__
from reader.cli.output import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    say_error,
    say_notices_on_stderr,
    silence_broken_stdout,
    stand_in_for_closed_streams,
    use_utf8_streams,
)
from reader.cli.parsing import (
    OneLineParser,
    add_debug,
    refuse_undecodable_arguments,
    subparsers_of,
)
from reader.core.errors import ReaderError

Handler = Callable[[argparse.Namespace], int]

# Each subcommand and the module (reader.cli.<module>) that registers and runs it.
COMMAND_GROUPS: dict[str, str] = {
    "annotate": "annotate",
    "convert": "annotate",
    "lookup": "lookup",
    "dict": "lookup",
    "vocab": "vocab",
    "export": "vocab",
    "study": "study",
    "stats": "study",
    "known": "known",
    "library": "library",
}
COMMANDS = frozenset(COMMAND_GROUPS)


def build_parser(commands: Iterable[str] = COMMAND_GROUPS) -> argparse.ArgumentParser:
    """The parser of `reader COMMAND ...`, with the subcommands of `commands`' groups."""
    parser = OneLineParser(
        prog="reader",
        description="A keyboard-first terminal reader for learners of Chinese.",
        epilog="Run without a command to open the reading screen on PATH (or the document "
        "read last).",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    add_debug(parser, top_level=True)
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in dict.fromkeys(COMMAND_GROUPS[command] for command in commands):
        importlib.import_module(f"reader.cli.{module}").add_parsers(subcommands)
    for subparser in subparsers_of(parser):
        add_debug(subparser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    first_positional = next((a for a in arguments if not a.startswith("-") or a == "-"), None)
    wants_help_or_version = any(a in ("-h", "--help", "--version") for a in arguments)
    use_utf8_streams()
    handler: Handler
    if first_positional in COMMANDS:
        parser = build_parser([first_positional])
        args = parser.parse_args(arguments)
        handler = args.handler
    elif wants_help_or_version and first_positional is None:
        parser = build_parser()
        args = parser.parse_args(arguments)
        handler = args.handler
    else:
        from reader.cli import app

        parser = app.build_parser()
        args = parser.parse_args(arguments)
        handler = app.run
    if first_positional in COMMANDS:
        stand_in_for_closed_streams()
        say_notices_on_stderr()
    try:
        refuse_undecodable_arguments(args, parser, arguments)
        return handler(args)
    except ReaderError as error:
        if args.debug:
            raise
        say_error(str(error))
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); that is not an error.
        silence_broken_stdout()
        return EXIT_OK
    except OSError as error:
        # Not the input (loading reports that as InputError): the output or the system,
        # e.g. stdout closed or on a full disk.
        if args.debug:
            raise
        silence_broken_stdout()
        reason = error.strerror or str(error)
        where = f"{error.filename}: " if error.filename else ""
        say_error(f"{where}{reason}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
