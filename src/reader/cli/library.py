"""`reader library ...`: the documents read before, headless.

    reader library                          the library screen (in a terminal), else the list
    reader library --format text|json       list them, last opened first
    reader library add PATH                 add a document without reading it now
    reader library remove N|PATH|DOC_ID     take one out (the file is not touched)

`reader` with no argument reopens the first one of the list where the learner left it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reader.cli.output import EXIT_OK, write_json, write_line

if TYPE_CHECKING:
    from reader.core.learner.library import LibraryEntry


def add_parsers(commands: Any) -> None:
    library = commands.add_parser(
        "library", help="the documents you read before: list, add, remove"
    )
    library.add_argument(
        "--format",
        choices=("text", "json"),
        help="list them (the default when the output is not a terminal; else the library "
        "screen opens)",
    )
    library.set_defaults(handler=cmd_library)
    actions = library.add_subparsers(dest="library_command", metavar="ACTION")
    add = actions.add_parser("add", help="add a document (and work out how much you know)")
    add.add_argument("path", metavar="PATH")
    add.set_defaults(handler=cmd_library_add)
    remove = actions.add_parser("remove", help="take a document out of the library")
    remove.add_argument("key", metavar="N|PATH|DOC_ID", help="its number in the list, or path")
    remove.set_defaults(handler=cmd_library_remove)


def cmd_library(args: argparse.Namespace) -> int:
    """The library screen when a learner runs it at a terminal; the list in a script."""
    if args.format is None and _at_a_terminal():
        from reader.ui.app import run_library

        return run_library()
    return cmd_library_list(args)


def _at_a_terminal() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (ValueError, AttributeError):  # closed or replaced streams
        return False


def cmd_library_list(args: argparse.Namespace) -> int:
    from reader.core.learner.library import LibraryStore

    with LibraryStore() as library:
        entries = library.entries()
    if args.format == "json":
        write_json([entry_to_json(e) for e in entries])
        return EXIT_OK
    if not entries:
        write_line("your library is empty: `reader PATH` opens a text and adds it")
        return EXIT_OK
    for number, entry in enumerate(entries, start=1):
        write_line(format_entry(number, entry))
    return EXIT_OK


def format_entry(number: int, entry: LibraryEntry) -> str:
    known = f"{entry.summary.known_share:4.0%} known" if entry.summary else "   ? known"
    new = f"{entry.summary.new_words:5,} new" if entry.summary else "    ? new"
    missing = "  (file missing)" if not entry.exists else ""
    return (
        f"{number:3}. {_when(entry.last_opened)}  {entry.progress:4.0%} read  {known}  {new}"
        f"  {entry.format:5}  {entry.title}{missing}\n      {entry.path}"
    )


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def entry_to_json(entry: LibraryEntry) -> dict[str, Any]:
    return {
        "doc_id": entry.doc_id,
        "title": entry.title,
        "path": entry.path,
        "format": entry.format,
        "paragraphs": entry.paragraphs,
        "position": entry.position,
        "progress": round(entry.progress, 4),
        "known_share": entry.summary.known_share if entry.summary else None,
        "new_words": entry.summary.new_words if entry.summary else None,
        "summary_at": entry.summary_at.isoformat() if entry.summary_at else None,
        "added_at": entry.added_at.isoformat(),
        "last_opened": entry.last_opened.isoformat(),
        "exists": entry.exists,
    }


def cmd_library_add(args: argparse.Namespace) -> int:
    from reader.core.engine.pipeline import annotate_each
    from reader.core.learner.library import LibraryStore, summarise
    from reader.core.learner.vocab import saved_statuses
    from reader.core.text.loader import load_path

    if args.path == "-":
        from reader.core.errors import ReaderError

        raise ReaderError("standard input cannot be kept in the library: save it to a file")
    document = load_path(args.path)
    summary = summarise(annotate_each(document), saved_statuses())
    with LibraryStore() as library:
        library.record_open(document, args.path)
        library.record_summary(document.doc_id, summary)
    write_line(
        f"added: {document.title} ({summary.known_share:.0%} known, "
        f"{summary.new_words:,} new words)"
    )
    return EXIT_OK


def cmd_library_remove(args: argparse.Namespace) -> int:
    from reader.core.learner.library import LibraryStore

    with LibraryStore() as library:
        entry = library.remove(args.key)
    write_line(f"removed from the library: {entry.title} ({entry.path})")
    return EXIT_OK
