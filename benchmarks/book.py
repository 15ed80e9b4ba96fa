"""A book in the reading screen: memory over a reading session, and reopening it (issue 14).

    .venv/bin/python benchmarks/book.py --sizes 1,20 --seconds 300      # RSS while reading
    .venv/bin/python benchmarks/book.py --sizes 1,20 --reopen           # reopening

Books are the seed article repeated to N MB of UTF-8. Every run uses a fresh READER_HOME
(its dictionary index is built first, outside the timings).

RSS: `reader BOOK` runs under tmux (120x40, COLUMNS/LINES unset) while keys are sent the
way a learner reads (page down, word by word, a gloss opened and closed, statuses 2 and 3,
page up now and then) for `--seconds`; the peak is the process's VmHWM, sampled with VmRSS
every second. The engine child forked at start-up exits after the first screen and is not
counted there. The whole book is annotated meanwhile by worker processes the app starts
(`reader.core.engine.parallel`): the tree's peak (the app and every process under it, PSS,
so pages they share count once) is sampled every second too, and the seconds until the
store holds every paragraph are reported (`complete_s`, from the store's file).

Reopening: a fresh process annotates the whole book into its paragraph store (as the
reading screen's worker does over a session), then another fresh process opens it as the
reading screen does and works out the known share of every chart column and of the text:
it reports how many paragraphs it annotated (the target is none) and how long that took.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from throughput import process_tree, pss_kib

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
SEED = sorted((REPO / "seeds").glob("*.txt"))[0]
READER = Path(sys.executable).parent / "reader"
KEYS = ["PageDown", "l", "l", "l", "Enter", "l", "Escape", "2", "j", "l", "3", "PageDown"]


def make_book(folder: Path, megabytes: float) -> Path:
    seed = SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    copies = max(1, round(megabytes * 1e6 / len(seed.encode("utf-8"))))
    path = folder / f"book-{megabytes:g}mb.txt"
    path.write_text(seed * copies, encoding="utf-8")
    return path


def fresh_home(folder: Path) -> dict[str, str]:
    home = Path(tempfile.mkdtemp(dir=folder, prefix="home-"))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["READER_HOME"] = str(home)
    subprocess.run([str(READER), "dict", "info"], env=env, check=True, capture_output=True)
    return env


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            name, amount, _ = line.split()
            values[name.rstrip(":")] = int(amount) // 1024
    return values


def start_in_tmux(socket: list[str], session: str, command: str, env: dict[str, str]) -> int:
    """Run `command` in a new 120x40 tmux session; its process id."""
    subprocess.run(
        ["tmux", *socket, "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
         f"exec {command}"],
        env=env,
        check=True,
    )  # fmt: skip
    return int(
        subprocess.run(
            ["tmux", *socket, "list-panes", "-t", session, "-F", "#{pane_pid}"],
            capture_output=True, text=True, check=True,
        ).stdout.split()[0]
    )  # fmt: skip


def _tree_pss_mib(pid: int) -> int:
    return sum(pss_kib(member) for member in process_tree(pid)) // 1024


def _stored(home: Path) -> int:
    """Paragraphs in the book's store (the newest store file under `home`)."""
    files = sorted(
        (home / "cache" / "paragraphs").glob("*.sqlite3"), key=lambda f: f.stat().st_mtime
    )
    if not files:
        return 0
    try:
        with sqlite3.connect(f"{files[-1].as_uri()}?mode=ro", uri=True, timeout=1) as db:
            return int(db.execute("SELECT count(*) FROM paragraphs").fetchone()[0])
    except sqlite3.Error:
        return 0


def read_for(book: Path, env: dict[str, str], seconds: float) -> dict[str, float]:
    session = f"book-{os.getpid()}"
    socket = ["-L", "reader-bench-book"]
    home = Path(env["READER_HOME"])
    from reader.core.text.loader import load_path

    total = len(load_path(book).paragraphs)
    pid = start_in_tmux(socket, session, f"{READER} {book}", env)
    try:
        samples: list[int] = []
        tree_peak = 0
        complete_s: float | None = None
        start = time.monotonic()
        step = 0
        while time.monotonic() - start < seconds:
            key = KEYS[step % len(KEYS)] if step % 40 < 36 else "PageUp"
            subprocess.run(["tmux", *socket, "send-keys", "-t", session, key], check=True)
            step += 1
            time.sleep(0.25)
            if step % 4 == 0:
                samples.append(_status(pid)["VmRSS"])
                tree_peak = max(tree_peak, _tree_pss_mib(pid))
                if complete_s is None and _stored(home) >= total:
                    complete_s = round(time.monotonic() - start, 1)
        final = _status(pid)
        return {"peak_mib": final["VmHWM"], "last_mib": final["VmRSS"], "keys": step,
                "rss_at_10s": samples[min(len(samples) - 1, 10)] if samples else 0,
                "tree_pss_peak_mib": tree_peak, "paragraphs": total,
                "stored": _stored(home), "complete_s": complete_s or -1}  # fmt: skip
    finally:
        subprocess.run(["tmux", *socket, "kill-server"], capture_output=True)


_FILL = """
import sys, time
from reader.core.engine.store import annotate
from reader.core.text.loader import load_path
store = annotate(load_path(sys.argv[1]))
start = time.perf_counter()
store.fill(store.missing())
print(store.annotations_made, round(time.perf_counter() - start, 1), store.path.stat().st_size)
"""

_REOPEN = """
import sys, time
start = time.perf_counter()
from reader.core.engine.store import annotate
from reader.core.learner.shares import KnownShares
from reader.core.learner.vocab import VocabStore
from reader.core.text.loader import load_path
from reader.ui.insight import chart_runs, column_value
store = annotate(load_path(sys.argv[1]))
shares = KnownShares(store, VocabStore().statuses())
columns = [column_value(run, shares.paragraph) for run in chart_runs(len(store), 100)]
document = shares.document()
elapsed = time.perf_counter() - start
missing = sum(value is None for value in columns)
print(store.annotations_made, round(elapsed, 2), missing, store.complete, len(store))
"""


def reopen(book: Path, env: dict[str, str]) -> dict[str, float]:
    python = [sys.executable, "-c"]
    made, seconds, size = subprocess.run(
        [*python, _FILL, str(book)], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    again, chart_seconds, missing, complete, count = subprocess.run(
        [*python, _REOPEN, str(book)], env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return {
        "paragraphs": int(count),
        "first_open_annotated": int(made),
        "first_open_s": float(seconds),
        "store_mib": round(int(size) / 2**20, 1),
        "reopen_annotated": int(again),
        "reopen_chart_s": float(chart_seconds),
        "chart_columns_missing": int(missing),
        "complete": complete == "True",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,20", help="book sizes in MB (comma-separated)")
    parser.add_argument("--seconds", type=float, default=300.0, help="reading time per book")
    parser.add_argument("--reopen", action="store_true", help="measure reopening instead")
    args = parser.parse_args()
    if not args.reopen and shutil.which("tmux") is None:
        sys.exit("tmux is needed")
    with tempfile.TemporaryDirectory(prefix="reader-book-") as temporary:
        folder = Path(temporary)
        for size in (float(s) for s in args.sizes.split(",")):
            book = make_book(folder, size)
            env = fresh_home(folder)
            result = reopen(book, env) if args.reopen else read_for(book, env, args.seconds)
            print(f"{size:g} MB: {result}", flush=True)


if __name__ == "__main__":
    main()
