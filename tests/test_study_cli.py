"""`reader study` for real: the installed command in a tmux terminal, driven by keys.

Two saved words (written to the vocabulary beforehand); the test turns the first card,
grades it Easy, quits, and checks the review log and the summary line printed on exit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.learner.records import Context, Direction, Status, WordForms
from reader.core.learner.vocab import VocabStore
from tests.support import REPO_ROOT
from tests.terminal import needs_tmux, reader_in_terminal

pytestmark = pytest.mark.slow


@needs_tmux
def test_reader_study_reviews_a_word_and_logs_it(reader_home: Path) -> None:
    with VocabStore() as store:
        store.add(
            WordForms("關係", "关系", ("guan1", "xi5"), "relation; relationship"),
            context=Context("兩國的關係很好。", doc_title="test"),
        )
        store.add(WordForms("新聞", "新闻", ("xin1", "wen2"), "news"))
    log = reader_home / "study-output.txt"
    with reader_in_terminal(
        ["study"], home=reader_home, size=(100, 32), cwd=REPO_ROOT, output=log
    ) as terminal:
        terminal.wait_for("兩國的關係很好。", "the first card")
        terminal.press("Space")
        terminal.wait_for("relation; relationship", "the answer")
        terminal.press("4")
        terminal.wait_for("1 reviewed", "the next card")
        terminal.press("q")
        terminal.wait_for_exit()
    assert "studied: 1 review, 1 new word, 100% remembered" in log.read_text(encoding="utf-8")
    with VocabStore() as store:
        [entry] = store.reviews()
        assert (entry.word, entry.rating, entry.direction) == ("關係", 4, Direction.READ)
        assert store.require("關係").status is Status.LEARNING
        assert store.require("新聞").status is Status.NEW
