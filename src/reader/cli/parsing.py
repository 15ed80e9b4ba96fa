"""Argument parsing shared by every command group: usage mistakes as one-line errors, --debug
on every (sub)command, and text arguments that must be UTF-8."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from typing import NoReturn

from reader.cli.output import EXIT_BAD_INPUT
from reader.core.errors import ReaderError

# Arguments that name files: any bytes are a valid file name there (Python keeps the ones
# that are not UTF-8 as surrogate escapes, and opens the file by them).
PATH_ARGUMENTS = frozenset({"path", "out"})


class OneLineParser(argparse.ArgumentParser):
    """Usage mistakes are bad input too: one line on stderr (no usage block), exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"reader: {message} (see `{self.prog} --help`)\n")


def add_debug(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """--debug: the full traceback instead of the one-line error. Below the top level it
    keeps a --debug given before the subcommand (SUPPRESS: no default of its own)."""
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="show the full traceback when something goes wrong",
    )


def subparsers_of(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every subcommand's parser below `parser`, at any depth."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in dict.fromkeys(action.choices.values()):
                yield subparser
                yield from subparsers_of(subparser)


def argument_labels(parser: argparse.ArgumentParser, arguments: Sequence[str]) -> dict[str, str]:
    """Each argument of the command given in `arguments` by its name in the help (WORD,
    QUERY, --deck): subcommands may give one name two meanings."""
    labels: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = next((a for a in arguments if a in action.choices), None)
            if chosen is not None:
                labels.update(argument_labels(action.choices[chosen], arguments))
        elif action.option_strings:
            labels.setdefault(action.dest, max(action.option_strings, key=len))
        else:
            metavar = action.metavar if isinstance(action.metavar, str) else None
            labels.setdefault(action.dest, metavar or action.dest.upper())
    return labels


def refuse_undecodable_arguments(
    args: argparse.Namespace, parser: argparse.ArgumentParser, arguments: Sequence[str]
) -> None:
    """Text arguments (a word, a sentence, a deck name) must be UTF-8: bytes that are not
    reach Python as surrogate escapes, which no file or database can store."""
    labels: dict[str, str] | None = None
    for name, value in vars(args).items():
        if name in PATH_ARGUMENTS:
            continue
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                shown = text.encode("utf-8", "surrogateescape")
                labels = labels if labels is not None else argument_labels(parser, arguments)
                label = labels.get(name, "--" + name.replace("_", "-"))
                raise ReaderError(
                    f"{label} is not valid UTF-8 text ({shown!r}); check the terminal's encoding"
                ) from None
