"""End to end: the real `reader` command in a real terminal (tmux), driven by keys.

Opens the bundled article, waits for the first heading and its pinyin, searches a word by
its pinyin, opens its gloss, checks the panel's text, and quits with q.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support import REPO_ROOT, reader_command, subprocess_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"
    ),
]

WAIT_SECONDS = 30.0


def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, timeout=10
    ).stdout


class Terminal:
    def __init__(self, session: str) -> None:
        self.session = session

    def screen(self) -> str:
        return _tmux("capture-pane", "-p", "-t", self.session)

    def press(self, *keys: str) -> None:
        for key in keys:
            _tmux("send-keys", "-t", self.session, key)
            time.sleep(0.15)  # Esc must not merge with the next key into Alt+key

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + WAIT_SECONDS
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")


@pytest.fixture
def terminal(reader_home: Path) -> Iterator[Terminal]:
    session = f"reader-e2e-{uuid.uuid4().hex[:8]}"
    env = subprocess_env(reader_home)
    command = " ".join(reader_command())
    exports = " ".join(f"{name}={env[name]}" for name in ("READER_HOME",))
    _tmux(
        "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
        # COLUMNS/LINES in the environment would override the window's 120x40.
        f"cd {REPO_ROOT} && env -u COLUMNS -u LINES {exports} TERM=xterm-256color "
        f"{command}; sleep 5",
    )  # fmt: skip
    try:
        yield Terminal(session)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)


def test_reader_shows_pinyin_opens_a_gloss_and_quits(terminal: Terminal) -> None:
    screen = terminal.wait_for(
        lambda text: "中美" in text and "Zhōng Měi" in text, "the first heading and its pinyin"
    )
    heading = next(line for line in screen.splitlines() if "中美" in line)
    pinyin = screen.splitlines()[screen.splitlines().index(heading) - 1]
    # The heading's pinyin sits on the line above it, as dictionaries write it: the name
    # capitalised, the neutral tone of 關係 as the mainland standard has it.
    assert "Wáng Yì" in pinyin and "guānxi" in pinyin

    # Find 關係 by its toneless pinyin (whatever the segmenter does to the words around it),
    # then open its gloss.
    terminal.press("/")
    # The footer always says "Search": wait for the box itself, or the keys go to the text.
    terminal.wait_for(lambda text: "Search: hanzi" in text, "the search box")
    terminal.press("guanxi", "Enter")
    terminal.wait_for(lambda text: "“guanxi” 1/" in text, "the first match")
    terminal.press("Enter")
    screen = terminal.wait_for(lambda text: "relation" in text, "the gloss of 關係")
    assert "Characters" in screen and "guān" in screen

    terminal.press("Escape")
    terminal.wait_for(lambda text: "relation" not in text, "the gloss panel to close")

    terminal.press("q")
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and "中美" in terminal.screen():
        time.sleep(0.1)
    assert "中美" not in terminal.screen(), "reader did not quit on q"
