"""`reader study` and `reader stats`: review saved words, and measure a text against them.

    reader study [--recall | --both] [--new-limit N]
    reader stats PATH|- [--format text|json] [--top N] [--learn] [--split blocks|lines]

`reader.cli.main` calls `add_parsers`; handlers return an exit code and raise ReaderError for
anything the user can fix (printed on one line, exit code 2).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from reader.cli.output import EXIT_OK, note, write_json, write_line
from reader.core.errors import ReaderError

if TYPE_CHECKING:
    pass


def add_parsers(commands: Any) -> None:
    """Register `study` and `stats` on the main parser's subcommands."""
    study = commands.add_parser("study", help="review your saved words (FSRS schedule)")
    direction = study.add_mutually_exclusive_group()
    direction.add_argument(
        "--recall",
        action="store_true",
        help="recall direction only: see the meaning, recall the word",
    )
    direction.add_argument(
        "--both", action="store_true", help="both directions (word -> meaning and meaning -> word)"
    )
    study.add_argument(
        "--new-limit",
        type=int,
        metavar="N",
        default=None,
        help="new words per day (default 20)",
    )
    study.set_defaults(handler=cmd_study)

    stats = commands.add_parser(
        "stats", help="known share, HSK levels, frequency and a pre-reading list for a text"
    )
    stats.add_argument("path", metavar="PATH", help="a text file, or - for standard input")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.add_argument(
        "--top",
        type=int,
        metavar="N",
        default=None,
        help="length of the pre-reading list (default 20)",
    )
    stats.add_argument(
        "--learn",
        action="store_true",
        help="save the pre-reading words as learning, each with its sentence",
    )
    stats.add_argument(
        "--split",
        choices=("blocks", "lines"),
        default="blocks",
        help="paragraphs by blank lines (default) or one per line",
    )
    stats.set_defaults(handler=cmd_stats)


def cmd_stats(args: argparse.Namespace) -> int:
    from reader.core.engine.store import annotate
    from reader.core.learner.stats import (
        DEFAULT_PRE_READING_SIZE,
        format_stats_text,
        stats_to_json,
        store_stats,
    )
    from reader.core.learner.vocab import saved_statuses
    from reader.core.text.loader import load_path

    top = DEFAULT_PRE_READING_SIZE if args.top is None else args.top
    if top < 0:
        raise ReaderError("--top must be 0 or more")
    document = load_path(args.path, split=args.split)
    statuses = saved_statuses()
    # Through the document's paragraph store: a text measured before is not annotated again.
    paragraphs = annotate(document)
    paragraphs.fill(paragraphs.missing())
    stats = store_stats(paragraphs, statuses, pre_reading_size=top)
    _keep_summary(document.doc_id, stats)
    if args.format == "json":
        body: dict[str, Any] = {
            "source": document.source,
            "doc_id": document.doc_id,
            "title": document.title,
            "script": document.script.value,
            "paragraphs": len(document.paragraphs),
        }
        body.update(stats_to_json(stats))
        write_json(body)
    else:
        write_line(format_stats_text(stats, title=document.title))
    if args.learn:
        from reader.core.learner.stats import learn_words
        from reader.core.learner.vocab import VocabStore

        with VocabStore() as store:
            change = learn_words(
                store, stats.pre_reading, doc_title=document.title, doc_id=document.doc_id
            )
        note(f"{change.words} words saved as learning (`reader known undo` takes it back)")
    return EXIT_OK


def _keep_summary(doc_id: str, stats: Any) -> None:
    """A document in the library gets its figures from every `reader stats` run."""
    from reader.core.learner.library import (
        DocumentSummary,
        LibraryStore,
        default_library_path,
    )

    if not default_library_path().exists():
        return
    new_words = sum(1 for word in stats.words if word.is_unknown)
    try:
        with LibraryStore() as library:
            library.record_summary(doc_id, DocumentSummary(stats.known.by_tokens, new_words))
    except ReaderError as error:  # a damaged library: the figures asked for still come out
        from reader.core import notices

        notices.report(f"{error}; this text's figures are not kept in it")


def cmd_study(args: argparse.Namespace) -> int:
    from reader.core.learner.records import Direction
    from reader.core.learner.study import NEW_CARDS_PER_DAY
    from reader.ui.app import run_study

    if args.recall:
        directions: tuple[Direction, ...] = (Direction.RECALL,)
    elif args.both:
        directions = (Direction.READ, Direction.RECALL)
    else:
        directions = (Direction.READ,)
    new_limit = NEW_CARDS_PER_DAY if args.new_limit is None else args.new_limit
    if new_limit < 0:
        raise ReaderError("--new-limit must be 0 or more")
    from reader.cli.terminal import require_terminal

    require_terminal(screen="the study screen")
    return run_study(directions=directions, new_limit=new_limit)
