"""The gloss panel on small and wide terminals (issue 15): the word stays in view, the panel
scrolls by keyboard, grows on wide terminals; a paragraph is shown whole; snapshots at 80×24
and 120×40 with the panel open."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
from reader.core.text.loader import load_text
from reader.ui.reader_app import ReaderApp
from reader.ui.widgets.reading_view import ReadingView
from tests.test_ui_reading import fresh_annotator, reading, settle
from tests.test_ui_snapshots import pinned_app, settled

# Paragraphs of about the seed's average length (70 characters).
PARAGRAPHS = [
    "王毅日前接受採訪時指出，當前中美關係已經來到新的十字路口，也有望打開新的希望之窗。"
    "希望美國新政府重拾理性，重開對話。",
    "他表示，中美兩國應該加強溝通，管控分歧，推動兩國關係重回正軌，重啟合作，"
    "為世界和平與發展作出貢獻。",
] * 6
TEXT = "\n\n".join(PARAGRAPHS) + "\n"


def current_paragraph_rows(view: ReadingView) -> tuple[int, int, int]:
    """(first row on screen, last row on screen, rows) of the current paragraph."""
    top = round(view.scroll_y)
    start = view._starts[view.paragraph_index]
    height = view.layout_of(view.paragraph_index).height
    return start - top, start - top + height - 1, view.scrollable_content_region.height


def whole_paragraph_in_view(view: ReadingView) -> bool:
    first, last, rows = current_paragraph_rows(view)
    return first >= 0 and last <= rows  # its last row may be the blank under it


async def test_at_80x24_the_panel_leaves_a_whole_paragraph_and_the_word_in_view() -> None:
    document = load_text(TEXT, source="panel.txt")
    async with reading(document, size=(80, 24)) as (_app, pilot, screen, view):
        await pilot.press("j", "j", "j", "l", "l")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.gloss_panel.is_open
        for _ in range(4):
            assert whole_paragraph_in_view(view), current_paragraph_rows(view)
            await pilot.press("j")
            await settle(pilot)
        first, _last, _rows = current_paragraph_rows(view)
        assert first <= 1  # j puts the next paragraph at the top, not at the bottom edge


async def test_the_panel_scrolls_by_keyboard_from_the_text_and_when_focused() -> None:
    document = load_text("了着和\n", source="long.txt")
    async with reading(document, size=(80, 24)) as (_app, pilot, screen, view):
        await pilot.press("enter")
        await settle(pilot)
        panel = screen.gloss_panel
        assert panel.max_scroll_y > 0  # 了's entry does not fit
        await pilot.press("shift+down", "shift+down")
        assert panel.scroll_y == 2
        await pilot.press("shift+up")
        assert panel.scroll_y == 1
        await pilot.press("tab")
        assert panel.has_focus
        before = view.paragraph_index, view.cursor_offset
        await pilot.press("down", "down", "pagedown")
        assert panel.scroll_y > 3
        assert (view.paragraph_index, view.cursor_offset) == before  # the text did not move
        await pilot.press("escape")
        assert not panel.is_open and view.has_focus


async def test_the_panel_grows_on_wide_terminals() -> None:
    widths = {}
    for size in ((100, 30), (250, 50)):
        async with reading(size=size) as (_app, pilot, screen, _view):
            await pilot.press("enter")
            await settle(pilot)
            widths[size[0]] = screen.gloss_panel.region.width
    assert widths[100] >= 44 and widths[250] >= 80


@pytest.mark.parametrize("size", [(120, 40), (160, 50), (80, 24)])
async def test_the_open_panel_leaves_the_status_line_and_chart_whole(
    size: tuple[int, int],
) -> None:
    document = load_text(TEXT, source="status.txt")
    async with reading(document, size=size) as (_app, pilot, screen, _view):
        await pilot.press("enter")
        await settle(pilot)
        panel = screen.gloss_panel
        assert panel.is_open
        for name in ("#status", "#known-chart"):
            line = screen.query_one(name, Static)
            assert line.region.width == size[0], name  # the whole width, beside no panel
            assert not line.region.overlaps(panel.region), name
            shown = line.content.plain if isinstance(line.content, Text) else str(line.content)
            assert len(shown) <= line.content_region.width, (name, shown)
        if size[0] >= 120:  # the known shares fit beside the title and options
            assert "known ¶" in str(screen.query_one("#status", Static).content)


async def test_at_40x15_a_definition_shows() -> None:
    document = load_text("今天天氣很好。\n", source="small.txt")
    async with reading(document, size=(40, 15)) as (_app, pilot, screen, _view):
        await pilot.press("enter")
        await settle(pilot)
        panel = screen.gloss_panel
        shown = panel.text.splitlines()[: panel.scrollable_content_region.height]
        assert any(line.strip().startswith("1.") for line in shown), shown


async def test_resuming_shows_the_paragraph_at_the_top() -> None:
    document = load_text(TEXT, source="resume.txt")
    ReadingStateStore().save(document.doc_id, ReadingPosition(8, 0))
    app = ReaderApp(document, annotator=fresh_annotator(), save_settings_on_change=False)
    app.animation_level = "none"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ReadingView)
        assert view.paragraph_index == 8
        first, _last, _rows = current_paragraph_rows(view)
        assert first <= 1, current_paragraph_rows(view)


async def _open_panel(pilot: Pilot[Any]) -> None:
    await settled(pilot)
    await pilot.press("j", "l", "l", "l", "l", "l", "enter")  # 公園
    await settled(pilot)


def test_snapshot_panel_open_at_80x24(snap_compare: Any) -> None:
    assert snap_compare(pinned_app(), terminal_size=(80, 24), run_before=_open_panel)


def test_snapshot_panel_open_at_120x40(snap_compare: Any) -> None:
    assert snap_compare(pinned_app(), terminal_size=(120, 40), run_before=_open_panel)


@pytest.mark.parametrize("size", [(40, 15), (80, 24), (120, 40)])
async def test_the_footer_ends_with_the_palette_key_and_nothing_under_it(
    size: tuple[int, int],
) -> None:
    from textual.widgets import Footer

    async with reading(size=size) as (_app, _pilot, screen, _view):
        footer = screen.query_one(Footer)
        [palette] = footer.query(".-command-palette")
        width, row = size[0], footer.region.y
        # Its last cell too (the compact footer's margin there let keys that do not fit
        # scroll through: "▏^p palettes" at 40 columns).
        assert palette.region.right == width
        assert screen.get_widget_at(width - 1, row)[0] is palette


def test_a_narrow_status_line_keeps_some_of_the_title() -> None:
    from rich.cells import cell_len

    from reader.ui.screens.reading_status import fitted_status

    title, parts = "王毅：中美關係有望打開希望之窗", ["¶ 1/59  2%", "pinyin (marks)", "original"]
    at_40 = fitted_status(title, parts, 38).plain  # 40 columns less the padding
    assert at_40.startswith("王毅：中") and at_40.endswith("¶ 1/59  2%"), at_40
    assert cell_len(at_40) <= 38
    at_80 = fitted_status(title, parts, 78).plain
    assert at_80.endswith("pinyin (marks)  ·  original"), at_80
