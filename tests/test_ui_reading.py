"""Pilot tests of the reading screen: every binding and toggle, on state AND on what is drawn."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import Static

from reader import paths
from reader.config import (
    PinyinDisplay,
    ScriptDisplay,
    Settings,
    ToneColours,
    ViewMode,
    load_settings,
)
from reader.core.engine.pipeline import Annotator
from reader.core.engine.segment import Segmenter
from reader.core.engine.syllables import PinyinStyle
from reader.core.engine.user_dictionary import UserDictionary
from reader.core.learner.reading_state import ReadingStateStore
from reader.core.models import Document, Token
from reader.core.text.loader import load_text
from reader.ui.actions import ACTIONS
from reader.ui.reader_app import ReaderApp
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.reading import ReadingScreen
from reader.ui.widgets.reading_view import ReadingView
from reader.ui.widgets.reading_viewport import GUTTER_WIDTH

TEXT = """# 我們的城市

今天天氣很好，我們去公園散步。

●公園裏的小朋友

他說：「學習中文不難。」我覺得他說得對，明天我們一起學習。

最後一段話。
"""

SIZE = (100, 34)


def make_document(text: str = TEXT) -> Document:
    return load_text(text, source="test.txt")


def fresh_annotator() -> Annotator:
    """An annotator whose segmenter reads THIS test's user dictionary (READER_HOME)."""
    return Annotator(segmenter=Segmenter(UserDictionary.load()))


@asynccontextmanager
async def reading(
    document: Document | None = None,
    settings: Settings | None = None,
    size: tuple[int, int] = SIZE,
) -> AsyncIterator[tuple[ReaderApp, Pilot[int], ReadingScreen, ReadingView]]:
    app = ReaderApp(
        document or make_document(),
        settings=settings or Settings(),
        annotator=fresh_annotator(),
    )
    app.animation_level = "none"
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        yield app, pilot, screen, screen.view


async def settle(pilot: Pilot[int]) -> None:
    """Wait for annotation and lookups to finish and the screen to repaint."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(view: ReadingView) -> str:
    return view.visible_text()


def current_rows(view: ReadingView) -> list[str]:
    """Rendered rows that carry the current-paragraph bar."""
    return [line for line in screen_text(view).splitlines() if line.startswith("▍")]


def cursor_cells(view: ReadingView) -> str:
    """The text drawn with the cursor style (what the learner sees highlighted)."""
    cursor_background = view.palette.cursor.bgcolor
    found = []
    for y in range(view.scrollable_content_region.height):
        row = "".join(
            segment.text
            for segment in view.render_line(y)
            if segment.style is not None and segment.style.bgcolor == cursor_background
        ).strip()
        if row:
            found.append(row)
    return " ".join(found)


def segment_style(view: ReadingView, text: str) -> Style | None:
    for y in range(view.scrollable_content_region.height):
        for segment in view.render_line(y):
            if segment.text == text:
                return segment.style
    return None


# ---- first paint -----------------------------------------------------------------------------


async def test_first_screen_shows_heading_with_pinyin_above_it() -> None:
    async with reading() as (_app, _pilot, _screen, view):
        rows = screen_text(view).splitlines()
        heading_row = next(i for i, row in enumerate(rows) if "城市" in row)
        assert "chéngshì" in rows[heading_row - 1]
        # Aligned: the pinyin starts in the column of its word (centred, so within it).
        pinyin_at = rows[heading_row - 1].index("chéngshì")
        hanzi_at = rows[heading_row].index("城市")
        assert abs(pinyin_at - hanzi_at) <= 3
        assert view.paragraph_index == 0
        assert cursor_cells(view) == "wǒmen 我們"


# ---- paragraphs --------------------------------------------------------------------------------


@pytest.mark.parametrize(("forward", "back"), [("j", "k"), ("down", "up")])
async def test_paragraph_keys_move_the_current_paragraph(forward: str, back: str) -> None:
    async with reading() as (_app, pilot, _screen, view):
        await pilot.press(forward)
        assert view.paragraph_index == 1
        assert any("公園" in row for row in current_rows(view))
        assert not any("城市" in row for row in current_rows(view))
        await pilot.press(forward, forward, back)
        assert view.paragraph_index == 2
        assert any("朋友" in row for row in current_rows(view))


@pytest.mark.parametrize(("last", "first"), [("G", "g"), ("end", "home")])
async def test_first_and_last_paragraph(last: str, first: str) -> None:
    async with reading() as (_app, pilot, _screen, view):
        await pilot.press(last)
        assert view.paragraph_index == view.paragraph_count - 1
        assert any("最後" in row for row in current_rows(view))
        await pilot.press(first)
        assert view.paragraph_index == 0


async def test_page_down_and_up_scroll_a_long_text() -> None:
    long_text = "\n\n".join(f"第{n}段：今天天氣很好，我們去公園散步。" for n in range(40))
    async with reading(make_document(long_text)) as (_app, pilot, _screen, view):
        await pilot.press("pagedown")
        await settle(pilot)
        assert view.scroll_y > 0
        assert view.paragraph_index > 1
        assert "第0段" not in "".join(screen_text(view).split())
        assert f"第{view.paragraph_index}段" in "".join("".join(current_rows(view)).split())
        await pilot.press("pageup")
        assert view.scroll_y == 0
        assert view.paragraph_index == 0


# ---- word cursor -------------------------------------------------------------------------------


@pytest.mark.parametrize(("forward", "back"), [("l", "h"), ("right", "left")])
async def test_word_cursor_skips_punctuation_and_crosses_paragraphs(
    forward: str, back: str
) -> None:
    async with reading() as (_app, pilot, _screen, view):
        await pilot.press("j")
        seen = []
        for _ in range(6):
            token = view.cursor_token
            assert token is not None
            seen.append(token.text)
            await pilot.press(forward)
        assert "，" not in seen and "".join(seen).startswith("今天天氣很好我們")
        assert view.cursor_token is not None
        assert view.cursor_token.text in cursor_cells(view)
        await pilot.press(back)
        assert view.cursor_token is not None and view.cursor_token.text == seen[-1]
        # Past the last word of the paragraph: the first word of the next.
        await pilot.press("j")
        await pilot.press(back)
        assert view.paragraph_index == 1
        assert view.cursor_token is not None and view.cursor_token.text.endswith("步")


async def test_a_mouse_click_selects_the_word_under_it() -> None:
    async with reading() as (_app, pilot, _screen, view):
        layout = view.layout_of(1)
        target_index = next(i for i, t in enumerate(layout.paragraph.tokens) if t.text == "公園")
        line = layout.token_line[target_index]
        column = next(c for c in layout.lines[line].columns if c.index == target_index)
        hanzi_row = next(
            row for row, (row_line, kind) in enumerate(layout.rows)
            if row_line == line and kind.value == "hanzi"
        )  # fmt: skip
        padding_top = view.content_region.y - view.region.y
        x = GUTTER_WIDTH + view._left_margin + column.x + 1
        y = view._starts[1] + hanzi_row - round(view.scroll_y) + padding_top
        await pilot.click(ReadingView, offset=(x, y))
        await pilot.pause()
        assert view.paragraph_index == 1
        assert view.cursor_token is not None and view.cursor_token.text == "公園"
        assert "公園" in cursor_cells(view)


# ---- toggles -------------------------------------------------------------------------------------


async def test_p_toggles_pinyin_and_remembers_it() -> None:
    async with reading() as (_app, pilot, screen, view):
        assert "jīntiān" in screen_text(view)
        await pilot.press("p")  # pinyin for unknown words only (tests/test_ui_vocab.py)
        assert screen.settings.pinyin is PinyinDisplay.UNKNOWN
        assert "jīntiān" in screen_text(view)  # nothing is known yet
        await pilot.press("p")
        assert screen.settings.pinyin is PinyinDisplay.OFF
        assert "jīntiān" not in screen_text(view) and "今天" in screen_text(view)
        assert load_settings().pinyin is PinyinDisplay.OFF
        status = str(screen.query_one("#status", Static).content)
        assert "no pinyin" in status  # at 100 columns the tone colours are left out
        await pilot.press("p")
        assert "jīntiān" in screen_text(view)
        assert load_settings().pinyin is PinyinDisplay.ALL


async def test_s_cycles_original_simplified_both() -> None:
    async with reading() as (_app, pilot, screen, view):
        await pilot.press("j", "j", "j")  # 他說：「學習中文不難。」
        assert "說" in screen_text(view) and "说" not in screen_text(view)
        await pilot.press("s")
        assert screen.settings.script is ScriptDisplay.SIMPLIFIED
        assert "说" in screen_text(view) and "說" not in screen_text(view)
        await pilot.press("s")
        assert screen.settings.script is ScriptDisplay.BOTH
        rows = screen_text(view).splitlines()
        original = next(i for i, row in enumerate(rows) if "說" in row)
        assert "说" in rows[original + 1]  # Simplified on the line under the original
        await pilot.press("s")
        assert screen.settings.script is ScriptDisplay.ORIGINAL
        assert load_settings().script is ScriptDisplay.ORIGINAL


async def test_c_cycles_tone_colour_schemes() -> None:
    async with reading() as (_app, pilot, screen, view):
        await pilot.press("j")  # 今天 jīn tiān ... 很 hěn (3rd tone), 好 hǎo
        palette = view.palette
        standard_three = palette.tones[("standard", 3)].color
        pleco_three = palette.tones[("pleco", 3)].color
        assert standard_three != pleco_three
        style = segment_style(view, "hěn")
        assert style is not None and style.color == standard_three
        await pilot.press("c")
        assert screen.settings.tone_colours is ToneColours.PLECO
        style = segment_style(view, "hěn")
        assert style is not None and style.color == pleco_three
        await pilot.press("c")
        assert screen.settings.tone_colours is ToneColours.OFF
        style = segment_style(view, "hěn")
        assert style is not None and style.color == palette.pinyin.color
        await pilot.press("c")
        assert load_settings().tone_colours is ToneColours.STANDARD


async def test_t_cycles_marks_numbers_zhuyin() -> None:
    async with reading() as (_app, pilot, screen, view):
        assert "jīntiān" in screen_text(view)
        await pilot.press("t")
        assert screen.settings.pinyin_style is PinyinStyle.NUMBERS
        assert "jin1tian1" in screen_text(view)
        await pilot.press("t")
        assert screen.settings.pinyin_style is PinyinStyle.ZHUYIN
        assert "ㄐㄧㄣ" in screen_text(view)
        await pilot.press("t")
        assert "jīntiān" in screen_text(view)


async def test_f_switches_focus_mode_to_one_paragraph() -> None:
    async with reading() as (_app, pilot, screen, view):
        await pilot.press("j")
        await pilot.press("f")
        assert screen.settings.view is ViewMode.FOCUS
        text = screen_text(view)
        assert "公園" in text and "城市" not in text and "朋友" not in text
        await pilot.press("j")
        assert "朋友" in screen_text(view) and "散步" not in screen_text(view)
        await pilot.press("f")
        assert screen.settings.view is ViewMode.CONTINUOUS
        assert "朋友" in screen_text(view) and "散步" in screen_text(view)
        assert load_settings().view is ViewMode.CONTINUOUS


# ---- gloss panel ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["enter", "space"])
async def test_gloss_opens_follows_the_cursor_and_closes(key: str) -> None:
    async with reading() as (_app, pilot, screen, _view):
        await pilot.press("j")  # 今天
        await pilot.press(key)
        await settle(pilot)
        panel = screen.gloss_panel
        assert panel.is_open and panel.display
        assert "今天" in panel.text and "today" in panel.text
        assert "Characters" in panel.text and "jīn" in panel.text
        assert "radical" in panel.text  # makemeahanzi decomposition of 今 and 天
        await pilot.press("l")  # 天氣
        await settle(pilot)
        assert "weather" in panel.text
        await pilot.press("escape")
        assert not panel.is_open


# ---- segmentation fixes -------------------------------------------------------------------------


def tokens_of(view: ReadingView, index: int) -> list[str]:
    annotated = view.annotated(index)
    assert annotated is not None
    return [token.text for token in annotated.tokens]


async def test_split_and_join_are_saved_and_applied_everywhere() -> None:
    async with reading() as (_app, pilot, _screen, view):
        await pilot.press("j", "l")  # 天氣
        assert view.cursor_token is not None and view.cursor_token.text == "天氣"
        await pilot.press("x")
        await settle(pilot)
        assert "天氣" not in tokens_of(view, 1)
        assert "天" in tokens_of(view, 1) and "氣" in tokens_of(view, 1)
        assert "tiān qì" in screen_text(view) and "tiānqì" not in screen_text(view)
        saved = paths.user_dictionary_file().read_text(encoding="utf-8")
        assert "split 天氣 天 氣" in saved
        # Join it back: on 天, join with the next word 氣.
        assert view.cursor_token is not None and view.cursor_token.text == "天"
        await pilot.press("m")
        await settle(pilot)
        assert "天氣" in tokens_of(view, 1)
        assert "tiānqì" in screen_text(view)
        assert "join 天氣" in paths.user_dictionary_file().read_text(encoding="utf-8")
        # A new segmenter (a later session) reads the same rule.
        assert "學習中文" not in tokens_of(view, 3)
        await pilot.press("j", "j", "l")  # 他 說 → 學習
        while view.cursor_token is not None and view.cursor_token.text != "學習":
            await pilot.press("l")
        await pilot.press("m")
        await settle(pilot)
        assert "學習中文" in tokens_of(view, 3)
    later = fresh_annotator().annotate_paragraph(
        make_document().paragraphs[3], make_document().script
    )
    assert "學習中文" in [token.text for token in later.tokens]


# ---- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["gongyuan", "公園", "公园"])
async def test_search_by_pinyin_traditional_or_simplified(query: str) -> None:
    async with reading() as (_app, pilot, screen, view):
        await pilot.press("slash")
        assert screen.search_input.has_focus
        await pilot.press(*query)
        await pilot.press("enter")
        assert view.paragraph_index == 1
        assert view.cursor_token is not None and view.cursor_token.text == "公園"
        assert len(screen.search_hits) == 2
        await pilot.press("n")
        assert view.paragraph_index == 2 and view.cursor_token.text == "公園"
        assert "公園" in cursor_cells(view)
        await pilot.press("N")
        assert view.paragraph_index == 1


# ---- help, palette, quit, keys ----------------------------------------------------------------


@pytest.mark.parametrize("key", ["question_mark", "f1"])
async def test_help_lists_every_key(key: str) -> None:
    async with reading() as (app, pilot, _screen, _view):
        await pilot.press(key)
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        for action in ACTIONS.in_scope("reading"):
            assert action.description in help_screen.markdown
            assert f"`{action.id}`" in help_screen.markdown
        await pilot.press("escape")
        assert isinstance(app.screen, ReadingScreen)


async def test_command_palette_offers_every_action() -> None:
    async with reading() as (app, _pilot, screen, _view):
        titles = {command.title for command in app.get_system_commands(screen)}
        assert {action.description for action in ACTIONS.in_scope("reading")} <= titles


async def test_q_quits_and_saves_the_position() -> None:
    document = make_document()
    async with reading(document) as (app, pilot, _screen, view):
        await pilot.press("j", "j", "j", "l", "l")
        token = view.cursor_token
        assert token is not None
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0
    saved = ReadingStateStore().get(document.doc_id)
    assert saved is not None and saved.paragraph == 3 and saved.offset == token.start


async def test_reopening_restores_paragraph_and_word() -> None:
    document = make_document()
    ReadingStateStore().save(document.doc_id, _position(3, "學習", document))
    async with reading(document) as (_app, _pilot, _screen, view):
        assert view.paragraph_index == 3
        assert view.cursor_token is not None and view.cursor_token.text == "學習"
        assert "學習" in cursor_cells(view)


def _position(paragraph: int, word: str, document: Document):  # type: ignore[no-untyped-def]
    from reader.core.learner.reading_state import ReadingPosition

    return ReadingPosition(paragraph, document.paragraphs[paragraph].text.index(word))


async def test_keys_can_be_remapped_in_the_config(reader_home: Path) -> None:
    settings = Settings(keys=(("reading.next_paragraph", "ctrl+n"),))
    async with reading(settings=settings) as (app, pilot, _screen, view):
        await pilot.press("ctrl+n")
        assert view.paragraph_index == 1
        await pilot.press("j")  # replaced, no longer bound
        assert view.paragraph_index == 1
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "`ctrl+n` | Next paragraph" in app.screen.markdown


async def test_a_too_small_terminal_shows_a_message() -> None:
    async with reading(size=(30, 8)) as (_app, pilot, screen, _view):
        assert screen.has_class("-too-small")
        assert "too small" in str(screen.query_one("#too-small").render())
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not screen.has_class("-too-small")


async def test_no_color_keeps_the_cursor_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with reading() as (app, _pilot, _screen, view):
        assert app.no_color
        assert view.palette.cursor.reverse


def test_token_fixture_sanity() -> None:
    annotated = fresh_annotator().annotate_paragraph(
        make_document().paragraphs[1], make_document().script
    )
    words = [token.text for token in annotated.tokens]
    assert words[:4] == ["今天", "天氣", "很", "好"], words
    assert isinstance(annotated.tokens[0], Token)


async def test_escape_cancels_a_search_without_moving() -> None:
    async with reading() as (_app, pilot, screen, view):
        await pilot.press("slash", "g", "o", "n", "g")
        await pilot.press("escape")
        assert not screen.search_input.has_class("-open")
        assert view.has_focus and view.paragraph_index == 0
        await pilot.press("j")  # keys reach the text again
        assert view.paragraph_index == 1


async def test_narrow_terminal_puts_the_gloss_under_the_text() -> None:
    async with reading(size=(70, 34)) as (_app, pilot, screen, view):
        await pilot.press("j", "enter")
        await settle(pilot)
        panel = screen.gloss_panel
        assert screen.has_class("-narrow") and panel.is_open
        assert panel.region.y > view.region.y and panel.region.width > 60
        assert "today" in panel.text


async def test_word_status_reaches_the_token_style() -> None:
    """The hook the vocabulary layer uses to mark known words."""
    async with reading() as (_app, pilot, _screen, view):
        seen: list[str] = []

        def status_of(token: Token) -> object | None:
            seen.append(token.text)
            return None

        view.status_of = status_of
        view.restyle()
        await pilot.pause()
        assert "城市" in seen


async def test_a_theme_picked_in_the_palette_is_remembered() -> None:
    async with reading() as (app, pilot, _screen, _view):
        assert app.theme == "nord"
        app.theme = "gruvbox"
        await pilot.pause()
        assert load_settings().theme == "gruvbox"
    again = ReaderApp(make_document(), settings=load_settings(), annotator=fresh_annotator())
    assert again.theme == "gruvbox"


async def test_the_wheel_moves_the_current_paragraph_along() -> None:
    long_text = "\n\n".join(f"第{n}段：今天天氣很好，我們去公園散步。" for n in range(40))
    async with reading(make_document(long_text)) as (_app, pilot, _screen, view):
        view.scroll_to(y=60, animate=False)
        await pilot.pause()
        view.follow_scroll()  # what a wheel event triggers after the scroll
        await pilot.pause()
        assert view.paragraph_index > 5
        assert view._starts[view.paragraph_index] >= round(view.scroll_y)
        assert f"第{view.paragraph_index}段" in "".join("".join(current_rows(view)).split())


# ---- saves that fail: the reading goes on, each problem said once


async def test_saves_that_fail_leave_the_reading_screen_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    from reader.core import files
    from reader.ui.screens import reading as reading_module

    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(files, "atomic_write_bytes", disk_full)
    monkeypatch.setattr(reading_module, "SAVE_POSITION_DELAY", 0.01)
    async with reading() as (app, pilot, screen, view):
        for key in ("p", "p", "s", "j", "l"):  # toggles and moves: each would save
            await pilot.press(key)
            await pilot.pause(0.05)
        assert view.cursor_token is not None and view.cursor_token.text == "天氣"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("j")
        await pilot.pause(0.1)
        assert "天" in tokens_of(view, 1) and "天氣" not in tokens_of(view, 1)  # applied
        assert screen.settings.pinyin is PinyinDisplay.OFF  # every toggle still works
        messages = [n.message for n in app._notifications]
        for what in ("your settings", "your reading position", "your split/join rules"):
            said = [m for m in messages if what in m and "could not be saved" in m]
            assert len(said) == 1, messages
        assert any("for this session only" in m for m in messages)
        assert app.is_running
    assert app.return_code in (0, None)
    assert not paths.user_dictionary_file().exists()


async def test_a_url_and_latin_words_show_unbroken_with_their_own_spacing() -> None:
    url = "https://www.example.com/news/2026?id=12"
    text = f"# 通告\n\n詳情請瀏覽{url}，或致電HK$1,234.50的熱線。COVID-19期間7-Eleven照常營業。\n"
    async with reading(make_document(text), size=(80, 24)) as (_app, _pilot, _screen, view):
        shown = screen_text(view)
        for piece in (url, "HK$1,234.50", "COVID-19", "7-Eleven"):
            assert piece in shown, shown


async def test_split_and_join_are_undone_with_u() -> None:
    rules_file = paths.user_dictionary_file()
    rules_file.parent.mkdir(parents=True, exist_ok=True)
    rules_file.write_text("# my own notes\njoin 散步  # from my teacher\n", encoding="utf-8")
    async with reading() as (_app, pilot, _screen, view):
        await pilot.press("j", "l", "x")  # split 天氣
        await settle(pilot)
        assert "天氣" not in tokens_of(view, 1)
        await pilot.press("u")
        await settle(pilot)
        assert "天氣" in tokens_of(view, 1)
        text = rules_file.read_text(encoding="utf-8")
        assert "天氣" not in text
        assert text == "# my own notes\njoin 散步  # from my teacher\n"  # the rest untouched
        # A join over a rule there was: u puts the old rule back, comment and all.
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert "join 天氣" in rules_file.read_text(encoding="utf-8")
        await pilot.press("u")
        await settle(pilot)
        saved = rules_file.read_text(encoding="utf-8")
        assert "split 天氣 天 氣  # " in saved and "join 天氣" not in saved
        assert "天" in tokens_of(view, 1) and "天氣" not in tokens_of(view, 1)


async def test_rules_screen_lists_where_rules_came_from_and_removes_them() -> None:
    from textual.widgets import DataTable

    from reader.ui.screens.rules import RulesScreen

    rules_file = paths.user_dictionary_file()
    rules_file.parent.mkdir(parents=True, exist_ok=True)
    rules_file.write_text("join 散步\n", encoding="utf-8")
    async with reading() as (app, pilot, _screen, view):
        await pilot.press("j", "l", "x")  # split 天氣, from the sentence it is in
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        rules = app.screen
        assert isinstance(rules, RulesScreen)
        table = rules.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]
        assert rows[0] == ["散步", "join: kept whole", "(written by hand)"]
        word, what, origin = rows[1]
        assert (word, what) == ("天氣", "split: 天 · 氣")
        assert "我們的城市" in origin and "今天天氣很好" in origin and origin[:2] == "20"

        await pilot.press("j", "d")  # remove the split: the text is read without it
        await settle(pilot)
        assert table.row_count == 1
        assert "天氣" not in rules_file.read_text(encoding="utf-8")
        assert "天氣" in tokens_of(view, 1)
        await pilot.press("u")  # put back, where it came from included
        await settle(pilot)
        assert table.row_count == 2
        assert "split 天氣 天 氣  # " in rules_file.read_text(encoding="utf-8")
        assert "天氣" not in tokens_of(view, 1)
        await pilot.press("q")
        assert isinstance(app.screen, ReadingScreen)
