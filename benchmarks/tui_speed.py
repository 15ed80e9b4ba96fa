"""How fast the reading screen is, measured in a real terminal (tmux 120×40) and with Pilot.

Run: .venv/bin/python benchmarks/tui_speed.py [--runs N] [--compare OTHER/src] [--no-cursor]
     .venv/bin/python benchmarks/tui_speed.py --cursor-book MB  (cursor moves only, in a book)

1. First paint: start a command in a fresh tmux session and poll `tmux capture-pane` until
   the expected text is on screen. Three commands, interleaved, N runs each (medians):
   - a bare Textual "hello" app (the floor: Python + Textual start-up);
   - `reader` on the seed article, until its first heading AND that heading's pinyin show;
   - `reader` on ~1 MB and ~20 MB texts (the seed repeated), same condition.
   Targets: seed ≤ 1.0 s and ≤ 2× hello; 1 MB and 20 MB ≤ 1.2× seed (issues 3 and 7).
2. Cursor move: Pilot presses `l` on the seed (120×40) and waits for the screen to update;
   target ≤ 30 ms. The time spent in the handler + re-rendering the changed lines is shown too.
   `--cursor-book MB`: the same in the seed repeated to MB, while the book is being annotated.

The dictionary index is built once before measuring (a first-ever start also compiles it).

`--compare OTHER/src` measures another checkout's `reader` too (the same installed packages,
its own package on PYTHONPATH and its own READER_HOME), interleaved with this one's in every
run: a before/after in the same conditions on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

SEED = ROOT / "seeds" / "000_f2ec13676ab21b41.txt"
PYTHON = Path(sys.executable)
READER = PYTHON.parent / "reader"
TIMEOUT = 60.0

HELLO_APP = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello 你好")

Hello().run()
"""


SOCKET = ["-L", "reader-bench-tui"]  # a tmux server of its own


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *SOCKET, *args], capture_output=True, text=True, check=False
    ).stdout


def time_to_screen(command: str, ready: Callable[[str], bool], home: Path) -> float:
    """Seconds from starting `command` in a new 120×40 tmux session until `ready(screen)`."""
    session = f"bench-{uuid.uuid4().hex[:8]}"
    # COLUMNS/LINES in the environment would override the tmux window's size.
    shell = (
        f"cd {ROOT} && env -u COLUMNS -u LINES READER_HOME={home} TERM=xterm-256color "
        f"{command}; sleep 30"
    )
    started = time.perf_counter()
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", shell)
    screen = ""
    try:
        while time.perf_counter() - started < TIMEOUT:
            screen = tmux("capture-pane", "-p", "-t", session)
            if ready(screen):
                return time.perf_counter() - started
            time.sleep(0.005)
        raise RuntimeError(
            f"{command!r} did not show the expected screen in {TIMEOUT} s:\n{screen}"
        )
    finally:
        tmux("kill-session", "-t", session)


def seed_heading_with_pinyin(screen: str) -> bool:
    lines = screen.splitlines()
    for index, line in enumerate(lines):
        if "中美" in line and "希望" in line and index > 0 and "Zhōng Měi" in lines[index - 1]:
            return True
    return False


def forget_annotations(home: Path) -> None:
    """Every text's paragraph store removed: the next open of any text is a first open."""
    shutil.rmtree(home / "cache" / "paragraphs", ignore_errors=True)


def compile_bytecode(package: Path | None = None) -> None:
    """Write the package's .pyc files, as `pip install` does: a shell with
    PYTHONDONTWRITEBYTECODE set would otherwise make `reader` compile its modules on every
    start while Textual (installed with its .pyc) does not."""
    import compileall

    import reader

    compileall.compile_dir(package or Path(reader.__file__).parent, quiet=1)


def measure_first_paint(
    runs: int, workdir: Path, compare: Path | None = None
) -> dict[str, list[float]]:
    home = workdir / "home"
    hello = workdir / "hello.py"
    hello.write_text(HELLO_APP, encoding="utf-8")
    seed_text = SEED.read_text(encoding="utf-8")
    books = {}
    for megabytes in (1, 20):
        book = workdir / f"book-{megabytes}mb.txt"
        copies = megabytes * 1_000_000 // len(seed_text.encode("utf-8")) + 1
        book.write_text("\n\n".join([seed_text] * copies), encoding="utf-8")
        size = book.stat().st_size / 1e6
        print(f"{megabytes} MB text: {size:.2f} MB ({copies} copies of the seed)")
        books[megabytes] = book

    # "first open": no annotation of the text is stored yet (the engine's child annotates the
    # first screen); "reopened": a document opened before paints from its paragraph store.
    readers = {"": (f"{READER}", home)}
    if compare is not None:
        readers[" (other)"] = (f"env PYTHONPATH={compare} {READER}", workdir / "home-other")
        compile_bytecode(compare / "reader")
    commands: dict[str, tuple[str, Callable[[str], bool], Path]] = {
        "hello": (f"{PYTHON} {hello}", lambda screen: "hello 你好" in screen, home)
    }
    for suffix, (reader, reader_home) in readers.items():
        commands.update(
            {
                f"seed first open{suffix}": (reader, seed_heading_with_pinyin, reader_home),
                f"seed reopened{suffix}": (reader, seed_heading_with_pinyin, reader_home),
                f"1 MB first open{suffix}": (
                    f"{reader} {books[1]}",
                    seed_heading_with_pinyin,
                    reader_home,
                ),
                f"20 MB first open{suffix}": (
                    f"{reader} {books[20]}",
                    seed_heading_with_pinyin,
                    reader_home,
                ),
            }
        )
    compile_bytecode()
    # Warm-up (discarded): compiles the dictionary index and fills the OS file cache.
    for command, ready, command_home in commands.values():
        time_to_screen(command, ready, command_home)
    results: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, ready, command_home) in commands.items():
            if "first open" in name:
                forget_annotations(command_home)
            results[name].append(time_to_screen(command, ready, command_home))
    return results


async def measure_cursor_moves(
    moves: int, workdir: Path, book_megabytes: float = 0
) -> tuple[list[float], list[float]]:
    """(key posted → next screen update, handler + changed rows re-rendered), in seconds.

    The key is posted the way the terminal driver posts it; the screen update is the next
    compositor update handed to `App._display` (Textual renders there even headless, then
    skips the write). Pilot's own idle-waiting is not part of the figure. With
    `book_megabytes`, the text is the seed repeated to that size, and the keys are pressed
    as soon as the first screen is annotated, while the rest of the book is annotated in
    the background (on every core: the whole-book workers).
    """
    os.environ["READER_HOME"] = str(workdir / "home")
    from textual import events

    from reader.core.text.loader import load_path
    from reader.ui.reader_app import ReaderApp
    from reader.ui.screens.reading import ReadingScreen

    path = SEED
    if book_megabytes:
        path = workdir / "cursor-book.txt"
        unit = SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
        path.write_text(unit * (int(book_megabytes * 1e6 // len(unit.encode())) + 1))
    app = ReaderApp(load_path(path), save_settings_on_change=False)
    app.animation_level = "none"
    updates: list[float] = []
    display = app._display

    def recording_display(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            updates.append(time.perf_counter())
        display(screen, renderable)

    app._display = recording_display  # type: ignore[method-assign]
    end_to_end: list[float] = []
    handler: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        view = screen.view
        if book_megabytes:
            while not all(view.is_ready(i) for i in range(6)):
                await asyncio.sleep(0.05)
            stored_before = view.store.annotated_count
        else:
            await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(moves):
            await asyncio.sleep(0.05)  # let the previous update and its timers finish
            before = len(updates)
            started = time.perf_counter()
            app.post_message(events.Key("l", "l"))
            while len(updates) == before and time.perf_counter() - started < 2:
                await asyncio.sleep(0.0005)
            end_to_end.append(updates[before] - started)
        for _ in range(moves):
            started = time.perf_counter()
            view.move_word(1)
            for y in range(view.scrollable_content_region.height):
                view.render_line(y)  # cached rows are free; the changed ones are rebuilt
            handler.append(time.perf_counter() - started)
        if book_megabytes:
            print(
                f"  (the book: {len(view.store)} paragraphs, {stored_before} annotated when the"
                f" keys began, {view.store.annotated_count} when they ended)"
            )
    return end_to_end, handler


def describe(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(values) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--moves", type=int, default=60)
    parser.add_argument(
        "--compare", type=Path, help="another checkout's src folder, measured in the same runs"
    )
    parser.add_argument("--no-cursor", action="store_true", help="first paint only")
    parser.add_argument(
        "--cursor-book",
        type=float,
        default=0,
        metavar="MB",
        help="only the cursor moves, in a book of MB (the seed repeated) being annotated",
    )
    args = parser.parse_args()
    if args.cursor_book:
        with tempfile.TemporaryDirectory(prefix="tui-speed-") as directory:
            moves = asyncio.run(measure_cursor_moves(args.moves, Path(directory), args.cursor_book))
        print(f"cursor move in a {args.cursor_book:g} MB book being annotated ({args.moves} l):")
        print(f"  key → screen updated: {describe(moves[0])}  (target ≤ 30 ms)")
        print(f"  handler + changed lines re-rendered: {describe(moves[1])}")
        return 0
    keepalive = f"bench-keepalive-{uuid.uuid4().hex[:8]}"
    # One idle session keeps the tmux server up between runs (a server that exits as the
    # last session is killed makes the next new-session fail).
    tmux("new-session", "-d", "-s", keepalive, "sleep 3600")
    with tempfile.TemporaryDirectory(prefix="tui-speed-") as directory:
        workdir = Path(directory)
        try:
            paint = measure_first_paint(args.runs, workdir, args.compare)
        finally:
            tmux("kill-session", "-t", keepalive)
        hello, seed, reopened, big, huge = (
            statistics.median(paint[name])
            for name in (
                "hello",
                "seed first open",
                "seed reopened",
                "1 MB first open",
                "20 MB first open",
            )
        )
        print(f"first paint, tmux 120x40, median of {args.runs} (all runs in seconds):")
        for name, values in paint.items():
            print(
                f"  {name:16} {statistics.median(values):.3f} s   {[round(v, 3) for v in values]}"
            )
        print(f"  seed first open / hello = {seed / hello:.2f}  (target ≤ 2.0; ≤ 1.0 s)")
        print(f"  seed reopened / hello   = {reopened / hello:.2f}")
        print(f"  1 MB / seed (first open) = {big / seed:.2f}  (target ≤ 1.2)")
        print(f"  20 MB / seed (first open) = {huge / seed:.2f}  (target ≤ 1.2)")
        if args.compare is not None:
            other = statistics.median(paint["seed first open (other)"])
            other_reopened = statistics.median(paint["seed reopened (other)"])
            print(f"  other checkout: seed first open / hello = {other / hello:.2f}")
            print(f"  this / other, seed first open = {seed / other:.3f}")
            print(f"  this / other, seed reopened   = {reopened / other_reopened:.3f}")
        if args.no_cursor:
            return 0
        end_to_end, handler = asyncio.run(measure_cursor_moves(args.moves, workdir))
        print(f"cursor move (Pilot, 120x40, {args.moves} presses of l):")
        print(f"  key → screen updated: {describe(end_to_end)}  (target ≤ 30 ms)")
        print(f"  handler + changed lines re-rendered: {describe(handler)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
