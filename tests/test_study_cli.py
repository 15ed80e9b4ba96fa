"""`reader study` for real: the installed command in a tmux terminal, driven by keys.

Two saved words (written to the vocabulary beforehand); the test turns the first card,
grades it Easy, quits, and checks the review log and the summary line printed on exit.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.learner.vocab import Context, Direction, Status, VocabStore, WordForms
from tests.support import REPO_ROOT, reader_command

pytestmark = pytest.mark.slow

WAIT_SECONDS = 30.0


def tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, timeout=10
    ).stdout


def wait_for(session: str, condition: Callable[[str], bool], what: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if condition(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_reader_study_reviews_a_word_and_logs_it(reader_home: Path) -> None:
    with VocabStore() as store:
        store.add(
            WordForms("關係", "关系", ("guan1", "xi5"), "relation; relationship"),
            context=Context("兩國的關係很好。", doc_title="test"),
        )
        store.add(WordForms("新聞", "新闻", ("xin1", "wen2"), "news"))
    session = f"reader-study-{uuid.uuid4().hex[:8]}"
    log = reader_home / "study-output.txt"
    command = " ".join(reader_command())
    tmux(
        "new-session", "-d", "-s", session, "-x", "100", "-y", "32",
        f"cd {REPO_ROOT} && env -u COLUMNS -u LINES READER_HOME={reader_home} TERM=xterm-256color "
        f"{command} study > {log}; sleep 5",
    )  # fmt: skip
    try:
        wait_for(session, lambda text: "兩國的關係很好。" in text, "the first card")
        tmux("send-keys", "-t", session, "Space")
        wait_for(session, lambda text: "relation; relationship" in text, "the answer")
        tmux("send-keys", "-t", session, "4")
        wait_for(session, lambda text: "1 reviewed" in text, "the next card")
        tmux("send-keys", "-t", session, "q")
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and "studied" not in log.read_text(encoding="utf-8"):
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, check=False)
    assert "studied: 1 review, 1 new word, 100% remembered" in log.read_text(encoding="utf-8")
    with VocabStore() as store:
        [entry] = store.reviews()
        assert (entry.word, entry.rating, entry.direction) == ("關係", 4, Direction.READ)
        assert store.require("關係").status is Status.LEARNING
        assert store.require("新聞").status is Status.NEW
