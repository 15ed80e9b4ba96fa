"""Pilot tests of the vocabulary layer in the reading screen: saving with the sentence and
source, status keys (state and drawn style), marking a paragraph known, pinyin for unknown
words only; and of the vocabulary screen (sort, filter, search, edit, delete + undo, jump,
export). Words and readings are pinned by a stand-in annotator (sentences written here)."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from reader import paths
from reader.config import PinyinDisplay, Settings
from reader.core.learner.records import Context, Status, WordForms
from reader.core.learner.vocab import VocabStore
from reader.core.text.loader import load_text
from reader.core.text.sentences import sentence_at
from reader.ui.reader_app import ReaderApp
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.reading import ReadingScreen
from reader.ui.screens.vocab import DefinitionEditor, SortKey, VocabScreen, visible_items
from reader.ui.widgets.reading_view import ReadingView
from tests.support import LexiconAnnotator

TEXT = """# 學習中文

我們今天學習中文。明天我們去公園。

他說中文很難。
"""

LEXICON = {
    "學習": "xue2 xi2", "中文": "zhong1 wen2", "我們": "wo3 men5", "今天": "jin1 tian1",
    "明天": "ming2 tian1", "去": "qu4", "公園": "gong1 yuan2", "他": "ta1", "說": "shuo1",
    "很": "hen3", "難": "nan2",
}  # fmt: skip
SIZE = (100, 30)


def make_app(settings: Settings | None = None, text: str = TEXT) -> ReaderApp:
    app = ReaderApp(
        load_text(text, source="vocab-test.txt"),
        settings=settings or Settings(),
        annotator=LexiconAnnotator(LEXICON, longest=2),
        save_settings_on_change=False,
    )
    app.animation_level = "none"
    return app


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@asynccontextmanager
async def reading(
    settings: Settings | None = None,
) -> AsyncIterator[tuple[ReaderApp, Pilot[int], ReadingScreen, ReadingView]]:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        yield app, pilot, screen, screen.view


def store() -> VocabStore:
    return VocabStore(paths.data_dir() / "vocab.sqlite3")


def hanzi_style(view: ReadingView, word: str) -> Style | None:
    """The style the word's hanzi are drawn in (the first cell holding exactly `word`)."""
    for y in range(view.scrollable_content_region.height):
        for segment in view.render_line(y):
            if segment.text == word:
                return segment.style
    return None


def is_marked(style: Style | None) -> bool:
    return style is not None and bool(style.underline)


# ---- the reading screen ------------------------------------------------------------------------


def test_sentence_around_uses_the_texts_own_punctuation() -> None:
    text = "第一句話。第二句，還沒完！「第三句。」最後"
    assert sentence_at(text, 6) == "第二句，還沒完！"
    assert sentence_at(text, 15) == "「第三句。」"
    assert sentence_at(text, len(text) - 1) == "最後"


async def test_a_saves_the_word_with_its_sentence_and_source() -> None:
    async with reading() as (app, pilot, screen, view):
        await pilot.press("j", *["l"] * 4)  # 我們 今天 學習 中文 | 明天
        assert view.cursor_token is not None and view.cursor_token.text == "明天"
        await pilot.press("a")
        await settle(pilot)
        item = store().get("明天")
        assert item is not None
        assert item.status is Status.NEW
        assert item.pinyin_numbered == ("ming2", "tian1")
        (context,) = item.contexts
        assert context.sentence == "明天我們去公園。"
        assert context.doc_title == "學習中文"
        assert context.doc_id == app.document.doc_id
        assert context.paragraph_index == 1
        assert screen.statuses["明天"] is Status.NEW


async def test_the_sentence_runs_across_a_rejoined_line_break() -> None:
    # The first line ends mid-sentence (a comma): the loader joins both lines into ¶1.
    text = "# 學習中文\n\n我們今天學習中文，明天我們去公園，\n\n他說中文很難。明天見。\n"
    app = make_app(text=text)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", *["l"] * 8)  # from 我們: 今天 學習 中文 明天 我們 去 公園 他
        view = app.screen.query_one(ReadingView)
        assert view.cursor_token is not None and view.cursor_token.text == "他"
        await pilot.press("a")
        (context,) = store().require("他").contexts
        assert context.sentence == "我們今天學習中文，明天我們去公園，他說中文很難。"
        assert context.paragraph_index == 1


async def test_status_keys_set_the_state_and_the_drawn_style() -> None:
    async with reading() as (_app, pilot, screen, view):
        await pilot.press("j")  # cursor on 我們
        await pilot.press("2")
        await pilot.press("l")  # the cursor's own style would hide the mark
        assert store().require("我們").status is Status.LEARNING
        learning = hanzi_style(view, "我們")
        assert is_marked(learning)
        assert not is_marked(hanzi_style(view, "明天"))  # never saved: plain
        await pilot.press("h", "1", "l")
        new = hanzi_style(view, "我們")
        assert is_marked(new) and new is not None and learning is not None
        assert new.bgcolor != learning.bgcolor  # new and learning look different
        await pilot.press("h", "3", "l")
        assert store().require("我們").status is Status.KNOWN
        assert screen.statuses["我們"] is Status.KNOWN
        known = hanzi_style(view, "我們")
        assert known == hanzi_style(view, "明天")  # known words read plain
        await pilot.press("h", "0")
        assert store().get("我們") is None
        assert "我們" not in screen.statuses
        await pilot.press("u")  # back, as it was
        assert store().require("我們").status is Status.KNOWN
        assert screen.statuses["我们"] is Status.KNOWN


async def test_mark_paragraph_known_keeps_words_already_marked() -> None:
    async with reading() as (_app, pilot, screen, _view):
        await pilot.press("j", "l", "2")  # 今天 learning
        await pilot.press("K")
        saved = {item.traditional: item.status for item in store().items()}
        assert saved == {
            "我們": Status.KNOWN,
            "今天": Status.LEARNING,
            "學習": Status.KNOWN,
            "中文": Status.KNOWN,
            "明天": Status.KNOWN,
            "去": Status.KNOWN,
            "公園": Status.KNOWN,
        }
        assert screen.statuses["公園"] is Status.KNOWN
        # Words marked this way keep where they were met, like words saved one by one.
        park = store().require("公園")
        assert [(c.sentence, c.paragraph_index) for c in park.contexts] == [("明天我們去公園。", 1)]
        assert park.contexts[0].doc_id == screen.paragraphs.document.doc_id

        await pilot.press("u")  # one key takes the whole paragraph back
        saved = {item.traditional: item.status for item in store().items()}
        assert saved == {"今天": Status.LEARNING}
        assert "公園" not in screen.statuses and screen.statuses["今天"] is Status.LEARNING
        await pilot.press("u")  # nothing more on the stack: the learner's own mark stays
        assert store().require("今天").status is Status.LEARNING


async def test_pinyin_for_unknown_words_only() -> None:
    async with reading(Settings(pinyin=PinyinDisplay.UNKNOWN)) as (_app, pilot, _screen, view):
        await pilot.press("j", "3")  # 我們 known
        text = view.visible_text()
        assert "wǒmen" not in text
        assert "jīntiān" in text and "míngtiān" in text
        await pilot.press("l", "4")  # 今天 ignored: no pinyin either
        assert "jīntiān" not in view.visible_text()


async def test_pinyin_toggle_cycles_through_unknown_only() -> None:
    async with reading() as (_app, pilot, screen, _view):
        await pilot.press("p")
        assert screen.settings.pinyin is PinyinDisplay.UNKNOWN
        assert "unknown only" in str(screen.query_one("#status").render())
        await pilot.press("p")
        assert screen.settings.pinyin is PinyinDisplay.OFF


async def test_statuses_saved_before_start_are_drawn() -> None:
    with store() as opened:
        opened.add(WordForms("公園", "公园", ("gong1", "yuan2"), "park"), status=Status.LEARNING)
    async with reading() as (_app, _pilot, screen, view):
        assert screen.statuses["公园"] is Status.LEARNING
        assert is_marked(hanzi_style(view, "公園"))


# ---- the vocabulary screen -----------------------------------------------------------------------

BASE = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)


def fill_store(doc_id: str) -> None:
    """Three words saved on three days; 公園 from this text, 電腦 from another."""
    with store() as opened:
        opened.add(
            WordForms("公園", "公园", ("gong1", "yuan2"), "park"),
            context=Context("明天我們去公園。", "學習中文", doc_id, 1),
            now=BASE,
        )
        opened.add(
            WordForms("電腦", "电脑", ("dian4", "nao3"), "computer"),
            status=Status.LEARNING,
            context=Context("我有電腦。", "Other text", "other", 0),
            now=BASE + timedelta(days=1),
        )
        opened.add(
            WordForms("很", "很", ("hen3",), "very"),
            status=Status.KNOWN,
            now=BASE + timedelta(days=2),
        )


@asynccontextmanager
async def vocab_screen() -> AsyncIterator[tuple[ReaderApp, Pilot[int], VocabScreen]]:
    app = make_app()
    fill_store(app.document.doc_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, VocabScreen)
        yield app, pilot, screen


def column(screen: VocabScreen, index: int = 0) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


async def test_vocab_screen_sorts_filters_and_searches() -> None:
    async with vocab_screen() as (_app, pilot, screen):
        assert column(screen) == ["很", "電腦 电脑", "公園 公园"]  # last changed first
        assert column(screen, 6) == ["", "Other text", "學習中文"]
        await pilot.press("o")
        assert screen.sort is SortKey.WORD
        assert column(screen) == ["電腦 电脑", "公園 公园", "很"]  # dian, gong, hen
        await pilot.press("o")
        assert column(screen) == ["公園 公园", "電腦 电脑", "很"]  # new, learning, known
        await pilot.press("f", "f")
        assert column(screen) == ["電腦 电脑"]  # learning only
        await pilot.press("f", "f", "f")  # known, ignored, all
        assert screen.status_filter is None
        await pilot.press("t")  # saved from this text: 公園 only
        assert column(screen) == ["公園 公园"]
        await pilot.press("t")
        assert len(column(screen)) == 3
        await pilot.press("slash", *"gongyuan")
        assert column(screen) == ["公園 公园"]
        await pilot.press("enter")
        assert not screen.search_input.has_class("-open")
        assert column(screen) == ["公園 公园"]


async def test_vocab_screen_edits_the_definition_and_status() -> None:
    async with vocab_screen() as (_app, pilot, screen):
        await pilot.press("j", "e")  # 電腦
        editor = pilot.app.screen
        assert isinstance(editor, DefinitionEditor)
        editor_input = editor.query_one(Input)
        editor_input.value = "computer; PC"
        await pilot.press("enter")
        await settle(pilot)
        assert store().require("電腦").definition == "computer; PC"
        assert "computer; PC" in column(screen, 2)
        await pilot.press("e", "escape")  # cancelled: unchanged
        assert store().require("電腦").definition == "computer; PC"
        await pilot.press("3")
        assert store().require("電腦").status is Status.KNOWN


async def test_vocab_screen_deletes_with_undo() -> None:
    async with vocab_screen() as (_app, pilot, screen):
        await pilot.press("j", "d")
        assert store().get("電腦") is None
        assert "電腦 电脑" not in column(screen)
        await pilot.press("u")
        restored = store().require("電腦")
        assert restored.status is Status.LEARNING
        assert restored.contexts[0].sentence == "我有電腦。"
        assert "電腦 电脑" in column(screen)


async def test_vocab_screen_jumps_to_the_context_in_this_text() -> None:
    async with vocab_screen() as (_app, pilot, screen):
        await pilot.press("j", "g")  # 電腦: saved from another text, stays here
        assert pilot.app.screen is screen
        await pilot.press("j", "enter")  # 公園: paragraph 1 of this text
        await settle(pilot)
        reading_screen = pilot.app.screen
        assert isinstance(reading_screen, ReadingScreen)
        view = reading_screen.view
        assert view.paragraph_index == 1
        assert view.cursor_token is not None and view.cursor_token.text == "公園"


async def test_vocab_screen_exports_an_apkg_and_names_it(tmp_path: Path) -> None:
    async with vocab_screen() as (app, pilot, screen):
        await pilot.press("x")
        await settle(pilot)
        target = paths.data_dir() / "reader-vocabulary.apkg"
        with zipfile.ZipFile(target) as package:
            collection = package.extract("collection.anki2", tmp_path)
        with sqlite3.connect(collection) as connection:
            fields = [row[0] for row in connection.execute("SELECT flds FROM notes")]
        # every word shown (no filter, no search) but the known 很
        assert len(fields) == 2 and not any(field.startswith("很") for field in fields)
        assert any(field.startswith("公園\x1f公园") for field in fields)
        assert all('<span class="tones-standard">' in field for field in fields)  # the setting
        messages = [notification.message for notification in app._notifications]
        assert any(str(target) in message and "1 known" in message for message in messages)

        while screen.status_filter is not Status.KNOWN:  # asked for: the known words alone
            await pilot.press("f")
        await pilot.press("x")
        await settle(pilot)
        with zipfile.ZipFile(target) as package:
            collection = package.extract("collection.anki2", tmp_path / "known")
        with sqlite3.connect(collection) as connection:
            fields = [row[0] for row in connection.execute("SELECT flds FROM notes")]
        assert [field.split("\x1f")[0] for field in fields] == ["很"]


async def test_palette_lists_every_vocabulary_action() -> None:
    async with vocab_screen() as (app, _pilot, screen):
        titles = {command.title for command in app.get_system_commands(screen)}
        assert {"Export .apkg", "Undo", "Edit", "Filter", "Show in the text"} <= titles


async def test_vocab_help_lists_the_keys_and_back_returns() -> None:
    async with vocab_screen() as (_app, pilot, _screen):
        await pilot.press("question_mark")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "vocab.export" in help_screen.markdown and "vocab.undo" in help_screen.markdown
        await pilot.press("escape", "q")
        assert isinstance(pilot.app.screen, ReadingScreen)


def test_visible_items_search_matches_toneless_pinyin_and_definition() -> None:
    with store() as opened:
        opened.add(WordForms("關係", "关系", ("guan1", "xi5"), "relation"))
        items = opened.items()
    assert visible_items(items, None, "guanxi", SortKey.WORD) == items
    assert visible_items(items, None, "relat", SortKey.WORD) == items
    assert visible_items(items, Status.KNOWN, "", SortKey.WORD) == []
