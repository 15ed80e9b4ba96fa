"""`reader known ...`: known words from day one, headless.

    reader known add --hsk N [--list 2021|2025] [--dry-run] [--overwrite]
    reader known import FILE|ankiconnect [--field NAME] [--cards mature|reviewed|all]
                        [--deck NAME] [--url URL] [--dry-run] [--overwrite]
    reader known undo
    reader known history

Words already saved with another status are left as they are unless --overwrite (see
`reader.core.learner.known`); every change can be undone in one step with `known undo`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from reader.cli.output import EXIT_OK, write_line

if TYPE_CHECKING:
    from reader.core.learner.known import KnownPlan

_EXAMPLES = 8


def add_parsers(commands: Any) -> None:
    known = commands.add_parser(
        "known", help="mark words known in bulk: HSK levels, word lists, Pleco, Anki; undo"
    )
    actions = known.add_subparsers(dest="known_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="mark the words of HSK levels 1 to N known")
    add.add_argument("--hsk", type=int, required=True, metavar="N", help="1-9 (7-9 is one band)")
    add.add_argument(
        "--list",
        choices=("2021", "2025"),
        default="2021",
        dest="hsk_list",
        help="the 2021 standard (default) or the 2025 exam syllabus",
    )
    _add_change_options(add)
    add.set_defaults(handler=cmd_known_add)

    imported = actions.add_parser(
        "import",
        help="mark known the words of a word list, a Pleco export (TXT/XML), an Anki deck "
        "(.apkg/.colpkg) or a running Anki (ankiconnect)",
    )
    imported.add_argument("source", metavar="FILE", help="a file, or 'ankiconnect'")
    imported.add_argument(
        "--field", help="Anki: the field holding the word; word lists: a column number or name"
    )
    imported.add_argument(
        "--cards",
        choices=("mature", "reviewed", "all"),
        default="mature",
        help="Anki: notes with a mature card (interval of 21 days or more, the default), "
        "any studied card, or every note",
    )
    imported.add_argument("--deck", help="Anki: only this deck (and its subdecks)")
    imported.add_argument("--url", help="AnkiConnect's address (default 127.0.0.1:8765)")
    _add_change_options(imported)
    imported.set_defaults(handler=cmd_known_import)

    actions.add_parser("undo", help="take back the latest bulk change in one step").set_defaults(
        handler=cmd_known_undo
    )
    actions.add_parser("history", help="the bulk changes made, newest first").set_defaults(
        handler=cmd_known_history
    )


def _add_change_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change, change nothing"
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="also mark known the words you saved as new, learning or ignored",
    )


def cmd_known_add(args: argparse.Namespace) -> int:
    from reader.core.learner.known import plan_hsk
    from reader.core.learner.vocab import VocabStore

    with VocabStore() as store:
        plan = plan_hsk(store, args.hsk, args.hsk_list, overwrite=args.overwrite)
        return _carry_out(store, plan, dry_run=args.dry_run)


def cmd_known_import(args: argparse.Namespace) -> int:
    from reader.core.learner.known import plan_source
    from reader.core.learner.vocab import VocabStore
    from reader.core.learner.word_sources import read_source

    source = read_source(
        args.source, field_name=args.field, cards=args.cards, deck=args.deck, url=args.url
    )
    with VocabStore() as store:
        plan = plan_source(store, source, overwrite=args.overwrite)
        return _carry_out(store, plan, dry_run=args.dry_run)


def _carry_out(store: Any, plan: KnownPlan, *, dry_run: bool) -> int:
    from reader.core.learner.known import apply_plan

    for line in describe_plan(plan, dry_run=dry_run):
        write_line(line)
    if dry_run:
        write_line("dry run: nothing changed")
        return EXIT_OK
    change = apply_plan(store, plan)
    if change is None:
        write_line("nothing to change")
    else:
        write_line(f"marked {change.words:,} words known; undo with `reader known undo`")
    return EXIT_OK


def describe_plan(plan: KnownPlan, *, dry_run: bool) -> list[str]:
    """What a plan does, in a few lines (the same for a dry run and a real one)."""
    would = "would " if dry_run else ""
    lines = [f"{plan.label}: {plan.words:,} words"]
    lines.extend(f"  note: {note}" for note in plan.notes)
    if plan.skipped:
        lines.append(f"  {plan.skipped:,} entries without a Chinese word passed over")
    lines.append(f"  {would}save as known: {len(plan.to_save):,}{_examples(plan.to_save)}")
    if plan.to_change:
        lines.append(
            f"  {would}mark known (saved with another status): {len(plan.to_change):,}"
            f"{_examples(plan.to_change)}"
        )
    lines.append(f"  already known: {plan.already_known:,}")
    if plan.kept:
        shown = ", ".join(f"{kept.word} ({kept.status.value})" for kept in plan.kept[:_EXAMPLES])
        more = ", …" if len(plan.kept) > _EXAMPLES else ""
        lines.append(
            f"  left as you saved them: {len(plan.kept):,} ({shown}{more}); "
            "--overwrite marks them known too"
        )
    return lines


def _examples(forms: tuple[Any, ...]) -> str:
    if not forms:
        return ""
    shown = " ".join(form.traditional for form in forms[:_EXAMPLES])
    return f" ({shown}{' …' if len(forms) > _EXAMPLES else ''})"


def cmd_known_undo(args: argparse.Namespace) -> int:
    from reader.core.learner.known import undo_last
    from reader.core.learner.vocab import VocabStore

    with VocabStore() as store:
        undone = undo_last(store)
    if undone is None:
        write_line("no bulk change to undo")
        return EXIT_OK
    write_line(f"undid: {undone.change.label} ({undone.restored:,} words put back as they were)")
    if undone.kept:
        shown = " ".join(undone.kept[:_EXAMPLES]) + (" …" if len(undone.kept) > _EXAMPLES else "")
        write_line(f"  {len(undone.kept):,} words changed since were left as they are: {shown}")
    return EXIT_OK


def cmd_known_history(args: argparse.Namespace) -> int:
    from reader.core.learner.vocab import VocabStore

    with VocabStore() as store:
        changes = store.bulk_changes(include_undone=True)
    if not changes:
        write_line("no bulk changes yet")
    for change in changes:
        made = change.made_at.astimezone().strftime("%Y-%m-%d %H:%M")
        undone = " (undone)" if change.undone_at is not None else ""
        write_line(f"{made}  {change.words:>6,} words  {change.label}{undone}")
    return EXIT_OK
