"""Issue 16's screens against the reading screen's first paint, in a real terminal (tmux
120×40), every figure with its baseline measured in the same run (interleaved, medians).

Run: .venv/bin/python benchmarks/library_speed.py [--runs N]

1. `reader library` (a library of 500 texts, each with a reading position) until its table
   shows, against `reader` on the seed until its first heading and that heading's pinyin
   show: opened for the first time (nothing in its paragraph store) and reopened. Target ≤ 1.0×.
2. `o` in a running reader until the library's table shows (in-app; its own figure).
3. `reader BOOK.epub` (2 MB, `make_epub.py`) until its first screen (¶ 1) shows with pinyin,
   against the seed's first paint. Target ≤ 1.2×. The paragraph stores are removed before
   every run of each ("first open").
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from make_epub import write_epub  # noqa: E402
from tui_speed import (  # noqa: E402
    READER,
    ROOT,
    SEED,
    compile_bytecode,
    forget_annotations,
    seed_heading_with_pinyin,
    time_to_screen,
    tmux,
)

LIBRARY_TEXTS = 500
_TONE_MARKED = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔù]")


def library_shown(screen: str) -> bool:
    return "Last opened" in screen and "Library ·" in screen


def first_chapter_with_pinyin(screen: str) -> bool:
    """The book's first screen (¶ 1) with pinyin over its words."""
    return "¶ 1/" in screen and bool(_TONE_MARKED.search(screen))


def fill_library(home: Path) -> None:
    """500 texts in the library (the seed opened last), as `reader` would have noted them,
    each with a reading position (as every text read has)."""
    import os

    os.environ["READER_HOME"] = str(home)
    from reader.core.learner.library import DocumentSummary, LibraryStore
    from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
    from reader.core.text.loader import load_path, load_text

    positions = ReadingStateStore()
    with LibraryStore() as library:
        for number in range(LIBRARY_TEXTS):
            document = load_text(f"第{number}篇。我們學習中文。", source=f"text-{number}.txt")
            library.record_open(document, home / f"text-{number}.txt")
            library.record_summary(document.doc_id, DocumentSummary(0.5, number))
            positions.save(document.doc_id, ReadingPosition(0, 0))
        library.record_open(load_path(SEED), SEED)


def time_o_key(home: Path) -> float:
    """Seconds from `o` in a running reader (seed painted) until the library shows."""
    session = f"bench-{uuid.uuid4().hex[:8]}"
    shell = (
        f"cd {ROOT} && env -u COLUMNS -u LINES READER_HOME={home} TERM=xterm-256color "
        f"{READER} {SEED}; sleep 30"
    )
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", shell)
    try:
        deadline = time.perf_counter() + 60
        while not seed_heading_with_pinyin(tmux("capture-pane", "-p", "-t", session)):
            if time.perf_counter() > deadline:
                raise RuntimeError("the seed did not show")
            time.sleep(0.01)
        time.sleep(2.0)  # the models and the library's note after the first paint
        started = time.perf_counter()
        tmux("send-keys", "-t", session, "o")
        while not library_shown(tmux("capture-pane", "-p", "-t", session)):
            if time.perf_counter() - started > 30:
                raise RuntimeError("the library did not show")
            time.sleep(0.005)
        return time.perf_counter() - started
    finally:
        tmux("kill-session", "-t", session)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    keepalive = f"bench-keepalive-{uuid.uuid4().hex[:8]}"
    tmux("new-session", "-d", "-s", keepalive, "sleep 3600")
    try:
        with tempfile.TemporaryDirectory(prefix="library-speed-") as directory:
            workdir = Path(directory)
            home = workdir / "home"
            book = workdir / "book.epub"
            write_epub(book, 2.0)
            print(f"EPUB: {book.stat().st_size / 1e6:.2f} MB")
            fill_library(home)
            compile_bytecode()
            commands = {
                "seed": (f"{READER} {SEED}", seed_heading_with_pinyin),
                # The same again: painted from the paragraph store "seed" just filled.
                "seed reopened": (f"{READER} {SEED}", seed_heading_with_pinyin),
                "reader library": (f"{READER} library", library_shown),
                "2 MB EPUB": (f"{READER} {book}", first_chapter_with_pinyin),
            }
            for command, ready in commands.values():  # warm-up: index built, files cached
                time_to_screen(command, ready, home)
            results: dict[str, list[float]] = {name: [] for name in commands}
            results["o in the app"] = []
            for _ in range(args.runs):
                for name, (command, ready) in commands.items():
                    if name != "seed reopened":
                        forget_annotations(home)
                    results[name].append(time_to_screen(command, ready, home))
                results["o in the app"].append(time_o_key(home))
    finally:
        tmux("kill-session", "-t", keepalive)
    medians = {name: statistics.median(values) for name, values in results.items()}
    print(f"tmux 120x40, median of {args.runs} (all runs in seconds):")
    for name, values in results.items():
        print(f"  {name:15} {medians[name]:.3f} s   {[round(v, 3) for v in values]}")
    seed = medians["seed"]
    print(
        f"  reader library ({LIBRARY_TEXTS} texts) / seed first paint = "
        f"{medians['reader library'] / seed:.2f}  (target ≤ 1.0)"
    )
    print(
        f"  reader library / seed reopened = "
        f"{medians['reader library'] / medians['seed reopened']:.2f}"
    )
    print(f"  o in the app / seed first paint = {medians['o in the app'] / seed:.2f}")
    print(
        f"  2 MB EPUB first chapter / seed first paint = {medians['2 MB EPUB'] / seed:.2f}"
        "  (target ≤ 1.2)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
