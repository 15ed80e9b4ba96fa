"""`reader vocab ...` and `reader export ...`: the vocabulary and its exports, headless.

    reader vocab add WORD [--sentence S] [--source T] [--status S] [--definition D]
    reader vocab list [--format text|json|tsv] [--status S]
    reader vocab set WORD STATUS
    reader vocab edit WORD --definition D
    reader vocab remove WORD
    reader export anki [--out FILE.apkg] [--deck NAME] [--status S] [--since DATE] [--force]
    reader export tsv|pleco [--out FILE|-] [--deck NAME] [--status S] [--since DATE] [--force]
    reader export ankiconnect [--url URL] [--allow-remote] [--deck NAME] [--status S] [--since DATE]

`reader.cli.main` calls `add_parsers`; every handler returns an exit code and raises
ReaderError for anything the user can fix (printed on one line, exit code 2).
"""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.cli.output import EXIT_OK, note, write_json, write_line, write_tsv
from reader.core.errors import ReaderError

if TYPE_CHECKING:
    from reader.core.learner.records import Status, VocabItem

STATUS_CHOICES = ("new", "learning", "known", "ignored")
VOCAB_TSV_COLUMNS = (
    "traditional",
    "simplified",
    "pinyin",
    "pinyin_numbered",
    "status",
    "definition",
    "sentence",
    "source",
)
DEFAULT_OUT = {
    "anki": "reader-vocabulary.apkg",
    "tsv": "reader-vocabulary.tsv",
    "pleco": "reader-vocabulary-pleco.txt",
}


def add_parsers(commands: Any) -> None:
    """Register `vocab` and `export` on the main parser's subcommands."""
    _add_vocab_parser(commands)
    _add_export_parser(commands)


def _add_vocab_parser(commands: Any) -> None:
    vocab = commands.add_parser("vocab", help="your saved words: add, list, set status, remove")
    actions = vocab.add_subparsers(dest="vocab_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="save a word (again: add its sentence / set status)")
    add.add_argument("word", metavar="WORD")
    add.add_argument("--sentence", help="the sentence you met the word in")
    add.add_argument("--source", help="where the sentence comes from (a title)")
    add.add_argument("--status", choices=STATUS_CHOICES, help="default for a new word: new")
    add.add_argument("--definition", help="keep this definition instead of the dictionary's")
    add.set_defaults(handler=cmd_vocab_add)

    listing = actions.add_parser("list", help="print the saved words")
    listing.add_argument("--format", choices=("text", "json", "tsv"), default="text")
    listing.add_argument(
        "--status", action="append", choices=STATUS_CHOICES, help="only these (repeatable)"
    )
    listing.set_defaults(handler=cmd_vocab_list)

    set_status = actions.add_parser("set", help="set a word's status")
    set_status.add_argument("word", metavar="WORD")
    set_status.add_argument("status", metavar="STATUS", choices=STATUS_CHOICES)
    set_status.set_defaults(handler=cmd_vocab_set)

    edit = actions.add_parser("edit", help="change the definition you keep for a word")
    edit.add_argument("word", metavar="WORD")
    edit.add_argument("--definition", required=True)
    edit.set_defaults(handler=cmd_vocab_edit)

    remove = actions.add_parser("remove", help="delete a word and its sentences")
    remove.add_argument("word", metavar="WORD")
    remove.set_defaults(handler=cmd_vocab_remove)


def _add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deck", help="deck name (default: Reader Vocabulary)")
    parser.add_argument(
        "--status",
        action="append",
        choices=STATUS_CHOICES,
        help="only words with this status (repeatable; default: new and learning)",
    )
    parser.add_argument(
        "--include-known", action="store_true", help="also the words you know (left out by default)"
    )
    parser.add_argument(
        "--since", metavar="DATE", help="only words saved or changed since DATE (YYYY-MM-DD)"
    )


def _add_export_parser(commands: Any) -> None:
    export = commands.add_parser("export", help="export your words to Anki or Pleco")
    targets = export.add_subparsers(dest="export_command", metavar="FORMAT", required=True)

    anki = targets.add_parser("anki", help="an Anki package (.apkg) with two cards per word")
    anki.add_argument("--out", metavar="FILE", help=f"default: ./{DEFAULT_OUT['anki']}")
    anki.add_argument("--force", action="store_true", help="overwrite a file that is not ours")
    anki.add_argument(
        "--cloze", action="store_true", help="also a cloze card (the word blanked in its sentence)"
    )
    anki.add_argument(
        "--with-schedule",
        action="store_true",
        help="carry what you studied in reader into the cards (tick Anki's 'Import any "
        "learning progress')",
    )
    anki.add_argument(
        "--tone-colours",
        choices=("standard", "pleco", "off"),
        help="tone colours of the cards (default: your display setting)",
    )
    _add_selection(anki)
    anki.set_defaults(handler=cmd_export_anki)

    for name, help_text in (
        ("tsv", "a text file for Anki's File > Import (notes update by GUID)"),
        ("pleco", "a text file for Pleco's flashcard import"),
    ):
        text = targets.add_parser(name, help=help_text)
        text.add_argument(
            "--out", metavar="FILE", help=f"default: ./{DEFAULT_OUT[name]}; - for standard output"
        )
        text.add_argument("--force", action="store_true", help="overwrite a file that is not ours")
        _add_selection(text)
        text.set_defaults(handler=cmd_export_text, export_format=name)

    connect = targets.add_parser(
        "ankiconnect", help="push to a running Anki through the AnkiConnect add-on"
    )
    connect.add_argument("--url", help="default: http://127.0.0.1:8765")
    connect.add_argument(
        "--allow-remote", action="store_true", help="allow an AnkiConnect on another machine"
    )
    _add_selection(connect)
    connect.set_defaults(handler=cmd_export_ankiconnect)


# ---- vocab


def _pinyin_marks(item: VocabItem) -> str:
    from reader.core.engine.syllables import format_word

    return format_word(item.pinyin_numbered)


def _describe(item: VocabItem) -> str:
    forms = item.traditional
    if item.simplified != item.traditional:
        forms += f" ({item.simplified})"
    return f"{forms} {_pinyin_marks(item)} [{item.status.value}] {item.definition}"


def _require_han(word: str) -> str:
    from reader.core.text.han import is_han_char

    cleaned = word.strip()
    if not any(is_han_char(char) for char in cleaned):
        raise ReaderError(f"{word!r} has no Chinese characters; give a Chinese word")
    if any(unicodedata.category(char) == "Cc" for char in cleaned):
        raise ReaderError(f"{word!r} contains control characters; give the word alone")
    return cleaned


def cmd_vocab_add(args: argparse.Namespace) -> int:
    from reader.core.learner.describe import describe_word, reading_in_sentence
    from reader.core.learner.records import Context, Status, WordForms
    from reader.core.learner.vocab import VocabStore

    word = _require_han(args.word)
    with VocabStore() as store:
        existing = store.get(word)
        if existing is not None:
            forms = WordForms(
                existing.traditional,
                existing.simplified,
                existing.pinyin_numbered,
                existing.definition,
            )
        else:
            # With a sentence, the reading in context decides between polyphones (行 háng/xíng).
            reading = reading_in_sentence(word, args.sentence) if args.sentence else ()
            forms = describe_word(word, pinyin_numbered=reading)
            if args.definition is not None:
                forms = WordForms(
                    forms.traditional, forms.simplified, forms.pinyin_numbered, args.definition
                )
        context = None
        if args.sentence or args.source:
            context = Context(sentence=args.sentence or "", doc_title=args.source or "")
        status = Status(args.status) if args.status else None
        item = store.add(forms, status=status, context=context)
        if existing is not None and args.definition is not None:
            item = store.set_definition(item.traditional, args.definition)
    verb = "updated" if existing is not None else "added"
    write_line(f"{verb}: {_describe(item)}")
    return EXIT_OK


def item_to_json(item: VocabItem) -> dict[str, Any]:
    from reader.core.learner.word_facts import hsk_2021_level

    return {
        "traditional": item.traditional,
        "simplified": item.simplified,
        "pinyin": _pinyin_marks(item),
        "pinyin_numbered": " ".join(item.pinyin_numbered),
        "definition": item.definition,
        "status": item.status.value,
        "hsk": hsk_2021_level(item.traditional, item.simplified),
        "contexts": [
            {
                "sentence": context.sentence,
                "source": context.doc_title,
                "doc_id": context.doc_id,
                "paragraph": context.paragraph_index,
                "added_at": context.added_at.isoformat() if context.added_at else None,
            }
            for context in item.contexts
        ],
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }


def cmd_vocab_list(args: argparse.Namespace) -> int:
    from reader.core.learner.vocab import VocabStore

    with VocabStore() as store:
        items = store.items(statuses=_statuses(args.status, default_all=True))
    if args.format == "json":
        write_json([item_to_json(item) for item in items])
    elif args.format == "tsv":
        write_tsv(VOCAB_TSV_COLUMNS)
        for item in items:
            context = item.first_sentence_context or (item.contexts[0] if item.contexts else None)
            write_tsv(
                [
                    item.traditional,
                    item.simplified,
                    _pinyin_marks(item),
                    " ".join(item.pinyin_numbered),
                    item.status.value,
                    item.definition,
                    context.sentence if context else "",
                    context.doc_title if context else "",
                ]
            )
    else:
        for item in items:
            write_line(_describe(item))
        if not items:
            note("no saved words")
    return EXIT_OK


def cmd_vocab_set(args: argparse.Namespace) -> int:
    from reader.core.learner.records import Status
    from reader.core.learner.vocab import VocabStore

    with VocabStore() as store:
        item = store.set_status(args.word, Status(args.status))
    write_line(f"{item.traditional}: {item.status.value}")
    return EXIT_OK


def cmd_vocab_edit(args: argparse.Namespace) -> int:
    from reader.core.learner.vocab import VocabStore

    with VocabStore() as store:
        item = store.set_definition(args.word, args.definition)
    write_line(f"updated: {_describe(item)}")
    return EXIT_OK


def cmd_vocab_remove(args: argparse.Namespace) -> int:
    from reader.core.learner.vocab import VocabStore

    with VocabStore() as store:
        item = store.remove(args.word)
    write_line(f"removed: {item.traditional}")
    return EXIT_OK


# ---- export


def _statuses(
    chosen: list[str] | None, *, default_all: bool = False, include_known: bool = False
) -> list[Status] | None:
    from reader.core.export.anki import DEFAULT_EXPORT_STATUSES
    from reader.core.learner.records import Status

    if chosen:
        statuses = [Status(value) for value in chosen]
    elif default_all:
        return None
    else:
        statuses = list(DEFAULT_EXPORT_STATUSES)
    return [*statuses, Status.KNOWN] if include_known and Status.KNOWN not in statuses else statuses


def _selected_items(args: argparse.Namespace) -> list[VocabItem]:
    from reader.core.learner.times import parse_since
    from reader.core.learner.vocab import VocabStore

    since = parse_since(args.since) if args.since else None
    with VocabStore() as store:
        statuses = _statuses(args.status, include_known=args.include_known)
        items = store.items(statuses=statuses, since=since)
    if not items:
        raise ReaderError("no saved words match; nothing exported (see `reader vocab list`)")
    return items


def _deck(args: argparse.Namespace) -> str:
    from reader.core.export.anki import DEFAULT_DECK_NAME

    deck = (args.deck or DEFAULT_DECK_NAME).strip()
    if not deck:
        raise ReaderError("the deck name is empty")
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in deck):
        # A line break would start a new header line in the TSV (#deck:...\n#notetype:...).
        raise ReaderError(f"the deck name {deck!r} has a line break or control character")
    return deck


def cmd_export_anki(args: argparse.Namespace) -> int:
    from reader.config import load_settings
    from reader.core.export.anki import CardOptions
    from reader.core.export.schedule import studied_cards
    from reader.core.export.writers import export_apkg
    from reader.core.learner.vocab import VocabStore

    deck = _deck(args)
    items = _selected_items(args)
    target = Path(args.out or DEFAULT_OUT["anki"])
    tone_colours = args.tone_colours or load_settings().tone_colours.value
    options = CardOptions(tone_colours=tone_colours, cloze=args.cloze)
    studied = None
    if args.with_schedule:
        with VocabStore() as store:
            studied = studied_cards(store)
    result = export_apkg(
        items, target, deck_name=deck, force=args.force, options=options, studied=studied
    )
    note(f"exported {result.notes} notes to {target}")
    return EXIT_OK


def cmd_export_text(args: argparse.Namespace) -> int:
    from reader.core.export.writers import export_pleco, export_tsv

    _deck(args)  # a bad deck name is refused before anything is read
    items = _selected_items(args)
    to_stdout = args.out == "-"
    target = None if to_stdout else Path(args.out or DEFAULT_OUT[args.export_format])
    deck = _deck(args)
    if args.export_format == "tsv":
        result = export_tsv(items, target, deck_name=deck, force=args.force)
    else:
        result = export_pleco(items, target, deck_name=deck, force=args.force)
    if not to_stdout:
        note(f"exported {result.notes} notes to {target}")
    return EXIT_OK


def cmd_export_ankiconnect(args: argparse.Namespace) -> int:
    from reader.core.export.ankiconnect import DEFAULT_ANKICONNECT_URL, AnkiConnect, push_to_anki

    client = AnkiConnect(args.url or DEFAULT_ANKICONNECT_URL, allow_remote=args.allow_remote)
    deck = _deck(args)
    items = _selected_items(args)
    result = push_to_anki(items, client, deck_name=deck)
    created = " (created the note type)" if result.model_created else ""
    write_line(f"Anki: {result.added} added, {result.updated} updated{created}")
    return EXIT_OK
