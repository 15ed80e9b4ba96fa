"""Nothing the learner made is lost: real processes writing at once, and writers killed mid-save.

    .venv/bin/python benchmarks/safety.py [--processes 20] [--adds 50] [--rounds 100]

Concurrency: N processes write at the same time into one READER_HOME —
- vocabulary: each adds M words (two transactions a word, as the reading screen's save then
  status change), then every word is counted;
- reading positions: each saves M positions of its own document and one entry per save;
- split/join rules: each adds M join rules, saving each (the file is edited under the lock);
- settings: each remaps its own key M times (the [keys] table of one config.toml).
"lost" = what a process saved (its save returned) that is not in the file afterwards.

kill -9: a writer saves in a loop and is sent SIGKILL after a random 50–400 ms, `--rounds`
times for each kind of file; a saved item is one the writer printed after its save returned.
After every kill the file must open (SQLite `integrity_check`, the JSON/rules parse) and
hold every printed item. Prints a table (and, with --json, the figures as JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

WRITER = textwrap.dedent(
    """
    import sys
    kind, who, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind == "vocab":
        from reader.core.learner.vocab import Context, Status, VocabStore, WordForms
        store = VocabStore()
        for number in range(count):
            word = f"{who}詞{number}"
            store.add(WordForms(word, word, (), "d"), context=Context(word + "。", "t", who))
            store.add(WordForms(word, word), status=Status.LEARNING)
            print(word, flush=True)
    elif kind == "positions":
        from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
        store = ReadingStateStore()
        for number in range(count):
            store.save(f"{who}-{number % 20}", ReadingPosition(number, 1))
            print(f"{who}-{number % 20}\\t{number}", flush=True)
    elif kind == "rules":
        from reader.core.engine.user_dictionary import UserDictionary
        rules = UserDictionary.load()
        for number in range(count):
            rules.add_join(f"{who}詞{number}")
            rules.save()
            print(f"{who}詞{number}", flush=True)
    else:
        from dataclasses import replace
        from reader.config import Settings, save_settings
        settings = Settings()
        for number in range(count):  # each writer remaps its own key, over and over
            changed = replace(settings, keys=((f"{who}.action", f"f{number}"),))
            save_settings(changed, previous=settings)
            settings = changed
            print(f"{who}.action\\tf{number}", flush=True)
    """
)


def _environment(home: Path) -> dict[str, str]:
    return {**os.environ, "READER_HOME": str(home)}


def _start(home: Path, kind: str, who: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, kind, who, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(home),
    )


def _what_is_there(home: Path, kind: str) -> tuple[bool, object]:
    """(the file opens cleanly, what it holds) for one kind of file."""
    if kind == "vocab":
        path = home / "data" / "vocab.sqlite3"
        if not path.exists():
            return True, set()
        connection = sqlite3.connect(path)
        try:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            words = {row[0] for row in connection.execute("SELECT traditional FROM words")}
        finally:
            connection.close()
        return ok, words
    if kind == "positions":
        path = home / "data" / "reading_state.json"
        if not path.exists():
            return True, {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return False, {}
        return True, {doc: entry["paragraph"] for doc, entry in raw.items()}
    if kind == "rules":
        from reader.core.engine.user_dictionary import UserDictionary

        path = home / "data" / "user_words.txt"
        rules = UserDictionary.load(path)
        return rules.problem is None and rules.ignored_lines == 0, set(rules.joins)
    from reader.config import read_settings

    settings, problems = read_settings(home / "config" / "config.toml")
    return not problems, settings.keymap


def _lost(kind: str, printed: list[str], held: object) -> int:
    """How many saves a writer reported that the file does not hold."""
    if kind in ("vocab", "rules"):
        assert isinstance(held, set)
        return sum(1 for word in printed if word not in held)
    if kind == "positions":
        assert isinstance(held, dict)
        last: dict[str, int] = {}
        for line in printed:
            doc, number = line.split("\t")
            last[doc] = int(number)
        # A position saved later may be there instead; an earlier one means a save was lost.
        return sum(1 for doc, number in last.items() if held.get(doc, -1) < number)
    assert isinstance(held, dict)
    last_value: dict[str, str] = {}
    for line in printed:
        field, value = line.split("\t")
        last_value[field] = value
    # A later value (saved, then killed before it was printed) is no loss either.
    return sum(
        1
        for field, value in last_value.items()
        if int(str(held.get(field, "f-1"))[1:]) < int(value[1:])
    )


def concurrency(processes: int, count: int) -> dict[str, dict[str, int]]:
    results = {}
    for kind in ("vocab", "positions", "rules", "settings"):
        with tempfile.TemporaryDirectory(prefix="reader-safety-") as folder:
            home = Path(folder)
            started = time.perf_counter()
            writers = [_start(home, kind, f"w{n}", count) for n in range(processes)]
            printed: list[str] = []
            failed = 0
            for writer in writers:
                out, err = writer.communicate(timeout=600)
                printed.extend(out.splitlines())
                failed += writer.returncode != 0
                if writer.returncode != 0:
                    print(err, file=sys.stderr)
            ok, held = _what_is_there(home, kind)
            lost = _lost(kind, printed, held)
            results[kind] = {
                "saves": len(printed),
                "lost": lost,
                "failed processes": failed,
                "file ok": int(ok),
                "seconds": round(time.perf_counter() - started, 1),
            }
    return results


def kill_rounds(rounds: int, seed: int = 13) -> dict[str, dict[str, int]]:
    rng = random.Random(seed)
    results = {}
    for kind in ("vocab", "positions", "rules", "settings"):
        with tempfile.TemporaryDirectory(prefix="reader-kill-") as folder:
            home = Path(folder)
            saves = lost = broken = 0
            started = time.perf_counter()
            for number in range(rounds):
                writer = _start(home, kind, f"r{number}", 100_000)
                time.sleep(0.4 + rng.uniform(0.05, 0.4))  # start-up (~0.3 s) + a burst
                writer.send_signal(signal.SIGKILL)
                out, _ = writer.communicate()
                printed = out.splitlines()
                ok, held = _what_is_there(home, kind)
                saves += len(printed)
                lost += _lost(kind, printed, held)
                broken += not ok
            results[kind] = {
                "rounds": rounds,
                "saves": saves,
                "lost": lost,
                "unreadable after a kill": broken,
                "seconds": round(time.perf_counter() - started, 1),
            }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=20)
    parser.add_argument("--adds", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = {
        "concurrency": concurrency(args.processes, args.adds),
        "kill -9": kill_rounds(args.rounds),
    }
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    for section, table in figures.items():
        print(f"\n{section}")
        for kind, row in table.items():
            print(f"  {kind:10} " + "  ".join(f"{key}: {value}" for key, value in row.items()))


if __name__ == "__main__":
    main()
