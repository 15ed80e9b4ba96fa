"""End to end: the real `reader` command in a real terminal (tmux), driven by keys.

Opens the bundled article, waits for the first heading and its pinyin, searches a word by
its pinyin, opens its gloss, checks the panel's text, and quits with q.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REPO_ROOT
from tests.terminal import EXITED, Terminal, needs_tmux, reader_in_terminal

pytestmark = [pytest.mark.slow, needs_tmux]


@pytest.fixture
def terminal(reader_home: Path) -> Iterator[Terminal]:
    with reader_in_terminal([], home=reader_home, size=(120, 40), cwd=REPO_ROOT) as opened:
        yield opened


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
    screen = terminal.wait_for_exit()
    assert f"{EXITED}0" in screen and "中美" not in screen, "reader did not quit on q"
