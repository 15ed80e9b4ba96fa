"""`reader lookup` and `reader dict`: the dictionary from the command line.

reader lookup WORD [--format text|json]         every CC-CEDICT entry, or a breakdown
reader lookup QUERY [--limit N]                 search by pinyin or English
reader dict info | reader dict build            the compiled index
"""

from __future__ import annotations

import argparse
from typing import Any

from reader.cli.output import EXIT_OK, write_json, write_line


def add_parsers(commands: Any) -> None:
    """Register `lookup` and `dict` on the main parser's subcommands."""
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
    lookup.set_defaults(handler=cmd_lookup)

    dictionary = commands.add_parser("dict", help="the compiled dictionary index")
    dict_commands = dictionary.add_subparsers(dest="dict_command", metavar="ACTION", required=True)
    dict_commands.add_parser("info", help="source date, entry count, index path").set_defaults(
        handler=cmd_dict_info
    )
    dict_build = dict_commands.add_parser("build", help="rebuild the index from the bundled source")
    dict_build.add_argument(
        "--search",
        action="store_true",
        help="also the search tables (otherwise built on the first search)",
    )
    dict_build.set_defaults(handler=cmd_dict_build)


def cmd_lookup(args: argparse.Namespace) -> int:
    from reader.core.dictionary.cedict import lookup
    from reader.core.dictionary.formatting import format_lookup_text, lookup_to_json
    from reader.core.text.han import has_han

    args.word = " ".join(args.words)  # `reader lookup xíng dòng` and `to go` need no quotes
    if not has_han(args.word):  # pinyin or English: search the dictionary
        return _search(args)
    result = lookup(args.word.strip())
    if args.format == "json":
        write_json(lookup_to_json(result))
    else:
        write_line(format_lookup_text(result))
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    from reader.core.dictionary.cedict import search
    from reader.core.dictionary.formatting import format_results_text, results_to_json

    results = search(args.word, limit=args.limit)
    if args.format == "json":
        write_json(results_to_json(results))
    else:
        write_line(format_results_text(results))
    return EXIT_OK


def _print_dict_info(info: Any) -> None:
    write_line(f"source:  {info.source}")
    write_line(f"date:    {info.date}")
    write_line(f"entries: {info.entries}")
    write_line(f"index:   {info.index_path}")
    search = info.search_path
    built = search is not None and search.is_file()
    write_line(f"search:  {search}{'' if built else ' (built on the first search)'}")


def cmd_dict_info(args: argparse.Namespace) -> int:
    from reader.core.dictionary.cedict import info

    _print_dict_info(info())
    return EXIT_OK


def cmd_dict_build(args: argparse.Namespace) -> int:
    from reader.core.dictionary.cedict import build

    _print_dict_info(build(force=True, search=args.search))
    return EXIT_OK
