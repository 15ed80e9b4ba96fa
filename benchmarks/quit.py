"""q ends the process within 0.3 s of the keypress, whatever is loading (issue 14).

    .venv/bin/python benchmarks/quit.py --runs 3

`reader BOOK` runs under tmux (120x40, its own server, COLUMNS/LINES unset, a fresh
READER_HOME whose dictionary index is built first). q is sent at a moment of the session
and the time until the process is gone is measured (polled every 5 ms; it includes Textual's
teardown and the terminal being restored). A bare Textual app quitting on q is measured the
same way. Moments: 0.5 s after start (the engine loading, the rest of a book being read),
2 s (the whole book being annotated), and right after L (the pre-reading list, which
annotates the rest of the book in a thread).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from book import READER, fresh_home, make_book, start_in_tmux

SOCKET = ["-L", "reader-bench-quit"]
HELLO = """
from textual.app import App
from textual.widgets import Static
class Hello(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Static("hello")
Hello().run()
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = (
        Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}").exists() else "X"
    )
    return status not in ("Z", "X")


def quit_after(command: str, env: dict[str, str], wait: float, before: list[str]) -> float:
    session = f"quit-{os.getpid()}-{time.monotonic_ns()}"
    pid = start_in_tmux(SOCKET, session, command, env)
    try:
        time.sleep(wait)
        for key in before:
            subprocess.run(["tmux", *SOCKET, "send-keys", "-t", session, key], check=True)
            time.sleep(0.2)
        subprocess.run(["tmux", *SOCKET, "send-keys", "-t", session, "q"], check=True)
        pressed = time.monotonic()
        while _alive(pid) and time.monotonic() - pressed < 30:
            time.sleep(0.005)
        return time.monotonic() - pressed
    finally:
        subprocess.run(["tmux", *SOCKET, "kill-session", "-t", session], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=float, default=20, help="book size in MB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reader-quit-") as temporary:
        folder = Path(temporary)
        book = make_book(folder, args.size)
        env = fresh_home(folder)
        cases = {
            "hello app": (f"{sys.executable} -c '{HELLO}'", 1.0, []),
            "book, 0.5 s after start": (f"{READER} {book}", 0.5, []),
            "book, 2 s after start": (f"{READER} {book}", 2.0, []),
            "book, during L": (f"{READER} {book}", 2.0, ["L"]),
        }
        for name, (command, wait, keys) in cases.items():
            times = [quit_after(command, env, wait, keys) for _ in range(args.runs)]
            print(
                f"{name:28} median {statistics.median(times):.3f} s, max {max(times):.3f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
