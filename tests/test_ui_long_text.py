"""A long text opens with its first part; the rest joins the screen when it has been made."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from reader.core.text.loader import open_path
from reader.ui.reader_app import ReaderApp
from reader.ui.screens.reading import ReadingScreen
from reader.ui.widgets.reading_viewport import EXACT_LAYOUT_CHAR_LIMIT
from tests.support import LexiconAnnotator

PARAGRAPH = "我們今天去公園散步，天氣很好，大家都很高興。明天我們再一起學習中文。"
LAST = "最後一段：終點站到了。"
LEXICON = {
    "我們": "wo3 men5",
    "今天": "jin1 tian1",
    "公園": "gong1 yuan2",
    "終點站": "zhong1 dian3 zhan4",
}


def status_of(screen: ReadingScreen) -> str:
    return str(screen.query_one("#status", Static).content)


async def until(pilot: Pilot[int], condition: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if callable(condition) and condition():
            return
        await asyncio.sleep(0.05)
        await pilot.pause()
    raise AssertionError("timed out")


async def test_a_long_text_shows_its_first_part_then_all_of_it(tmp_path: Path) -> None:
    count = EXACT_LAYOUT_CHAR_LIMIT // len(PARAGRAPH) + 200  # past the exact-layout limit
    book = tmp_path / "book.txt"
    book.write_text("\n\n".join([PARAGRAPH] * (count - 1) + [LAST]), encoding="utf-8")
    opened = open_path(book, progressive_chars=0)
    opened.read_until(20)
    made = threading.Event()

    def rest_of_document() -> object:
        made.wait(10)
        return opened.finish()

    app = ReaderApp(
        opened.document,
        annotator=LexiconAnnotator(LEXICON),
        rest_of_document=rest_of_document,  # type: ignore[arg-type]
        save_settings_on_change=False,
    )
    app.animation_level = "none"
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        view = screen.view
        assert view.paragraph_count == 20 and screen.reading_the_rest
        assert "¶ 1/20+ (reading on…)" in status_of(screen)
        await pilot.press("G")
        assert view.paragraph_index == 19  # the last paragraph made so far
        screen.run_search("終點站")
        assert not screen.search_hits

        made.set()
        await until(pilot, lambda: not screen.reading_the_rest)
        assert view.paragraph_count == count
        assert f"/{count}  " in status_of(screen) and "reading on" not in status_of(screen)
        # The search already run now finds the paragraph that arrived.
        assert [hit.paragraph for hit in screen.search_hits] == [count - 1]
        await pilot.press("G")
        assert view.paragraph_index == count - 1
        # The annotation worker had finished the first part; the new last one is annotated.
        await until(pilot, lambda: view.is_ready(count - 1))
        pinyin = [t.pinyin_numbered for t in view.annotated(count - 1).tokens if t.text == "終點站"]
        assert pinyin == [("zhong1", "dian3", "zhan4")]
        # A first part short enough for exact heights everywhere scheduled that work; the
        # whole book must not get it (laying out every paragraph froze the screen).
        await asyncio.sleep(1.2)
        await pilot.pause()
        assert len(view._exact) < count // 2


def test_an_annotated_document_takes_only_its_own_whole_text() -> None:
    from reader.core.engine.store import annotate
    from reader.core.text.loader import load_text

    whole = load_text("第一段。\n\n第二段。\n\n第三段。\n")
    annotated = annotate(replace(whole, paragraphs=whole.paragraphs[:1]), LexiconAnnotator({}))
    first = annotated[0]
    with pytest.raises(ValueError, match="same document"):
        annotated.extend(load_text("別的文字。\n"))
    annotated.extend(whole)
    assert len(annotated) == 3
    assert annotated[0] is first  # what was annotated stays


async def test_a_rest_that_cannot_be_read_leaves_the_first_part_readable(tmp_path: Path) -> None:
    from reader.core.errors import InputError

    book = tmp_path / "book.txt"
    book.write_text("\n\n".join([PARAGRAPH] * 30), encoding="utf-8")
    opened = open_path(book, progressive_chars=0)
    opened.read_until(10)

    def rest_of_document() -> object:
        raise InputError("book.txt: bytes at offset 999 are not UTF-8 like the start of the text")

    app = ReaderApp(
        opened.document,
        annotator=LexiconAnnotator(LEXICON),
        rest_of_document=rest_of_document,  # type: ignore[arg-type]
        save_settings_on_change=False,
    )
    async with app.run_test(size=(100, 34)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        await until(pilot, lambda: not screen.reading_the_rest)
        assert screen.view.paragraph_count == 10
        assert "¶ 1/10  " in status_of(screen)
        messages = [str(n.message) for n in app._notifications]
        assert any("offset 999" in message for message in messages)
