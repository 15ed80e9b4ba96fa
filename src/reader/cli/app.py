"""`reader [PATH|-]`: the reading app, on a text, standard input, or the document read last.

Its parser is the only one built for it (`reader.cli.main`): the subcommands' parsers and
modules cost start-up time the first paint does not wait for.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from reader.cli.parsing import OneLineParser, add_debug
from reader.core.errors import ReaderError


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="reader", add_help=False)
    parser.add_argument("path", nargs="?", default=None)
    add_debug(parser, top_level=True)
    return parser


def run(args: argparse.Namespace) -> int:
    from reader.cli.terminal import require_terminal

    if args.path not in (None, "-") and not os.path.lexists(args.path):
        raise ReaderError(
            f"{args.path}: no such file, and not a command (`reader --help` lists them)"
        )
    require_terminal(args.path)
    from reader.ui.app import run_app

    code = run_app(args.path, reopen_last=args.path is None)
    # The screen is closed and everything saved; worker threads (a model loading, a book
    # being annotated) would be joined at interpreter exit: q ends the process now.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)
