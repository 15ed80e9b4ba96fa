"""End to end (issue 16): the real `reader library` in a real terminal (tmux), from an empty
READER_HOME: "I know HSK 1–3", the bundled article opened from the library, pinyin over
unknown words only, the dictionary searched for "relation", a result saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.learner.records import Status
from reader.core.learner.vocab import VocabStore
from tests.support import REPO_ROOT
from tests.terminal import EXITED, needs_tmux, reader_in_terminal

pytestmark = [pytest.mark.slow, needs_tmux]


def test_a_first_day_hsk_known_the_seed_from_the_library_and_a_word_from_the_dictionary(
    reader_home: Path,
) -> None:
    with reader_in_terminal(["library"], home=reader_home, size=(120, 40), cwd=REPO_ROOT) as term:
        term.wait_for("bundled", "the empty library offering the bundled article")
        term.press("K")
        term.wait_for("I know the words of HSK", "the HSK dialog")
        screen = term.screen()
        assert "HSK 1–3" in screen and "2021 standard" in screen
        term.press("Enter")  # HSK 1–3 is highlighted first
        term.wait_for("words marked known", "the bulk change")

        term.press("Enter")  # the bundled article
        screen = term.wait_for(
            lambda text: "中美" in text and "Zhōng Měi" in text, "the seed with its pinyin"
        )
        term.press("p")  # pinyin: all -> unknown only
        screen = term.wait_for("pinyin: unknown only", "the pinyin setting")
        lines = screen.splitlines()
        heading = next(index for index, line in enumerate(lines) if "關係" in line)
        # 關係 (HSK 1) is known now: no pinyin over it; the names (unknown) keep theirs.
        assert "guānxi" not in lines[heading - 1] and "Wáng Yì" in lines[heading - 1]

        term.press("d")
        term.wait_for("Search: 关系", "the dictionary's search box")
        term.press("relation", "Enter")
        term.wait_for(lambda text: "戚誼" in text and "by English" in text, "the results")
        term.press("a")  # 關係, first, is known already: said, nothing saved
        term.wait_for("in your vocabulary already (known)", "the word known already")
        term.press("Down", "a")
        term.wait_for("Saved 戚誼", "the second result saved")
        term.press("Escape")
        term.wait_for("pinyin: unknown only", "the text again")
        term.press("q")
        assert f"{EXITED}0" in term.wait_for_exit()

    with VocabStore() as store:
        saved = store.get("戚誼")
        known = store.get("關係")
    assert saved is not None and saved.status is Status.NEW and not saved.contexts
    assert known is not None and known.status is Status.KNOWN
