"""New and learning words readable in every shipped theme (issue 15): the colours are read
from the rows the reading view draws, in body text and in a heading, and measured."""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color

from reader.ui.contrast import READABLE, contrast_ratio, distinct
from reader.ui.widgets.reading_view import ReadingView
from tests.test_ui_reading import reading, settle

# (word, where, status key pressed): the heading is "# 我們的城市", the body "今天天氣很好…".
MARKED = (("城市", "heading", "1"), ("今天", "body", "1"), ("天氣", "body", "2"))


def drawn(view: ReadingView, word: str, nth: int = 0) -> Segment:
    """The `nth` segment drawn with exactly the text `word` (top to bottom)."""
    found = [
        segment
        for y in range(view.scrollable_content_region.height)
        for segment in view.render_line(y)
        if segment.text == word
    ]
    return found[nth]


def colours(segment: Segment) -> tuple[Color, Color]:
    style = segment.style
    assert style is not None and style.color is not None and style.bgcolor is not None
    return Color.from_rich_color(style.color), Color.from_rich_color(style.bgcolor)


async def test_statuses_and_the_cursor_read_at_4_5_to_1_in_every_theme() -> None:
    async with reading(size=(100, 30)) as (app, pilot, _screen, view):
        await pilot.press("2", "l", "l", "1")  # 我們 learning, 城市 new (in the heading)
        await pilot.press("j", "1", "l", "2", "l")  # 今天 new, 天氣 learning; cursor on 很
        await settle(pilot)
        measured: dict[str, list[str]] = {}
        # The ansi-* themes draw in the terminal's own 16 colours, which cannot be measured.
        for theme in [name for name in app.available_themes if not name.startswith("ansi")]:
            app.theme = theme
            await pilot.pause()
            view.restyle()
            failures = measured.setdefault(theme, [])
            plain_background = colours(drawn(view, "好"))[1]  # unmarked, not under the cursor
            tints = {}
            for word, where, status in (("我們", "heading", "2"), *MARKED):
                text, background = colours(drawn(view, word))
                ratio = contrast_ratio(text, background)
                if ratio < READABLE:
                    failures.append(f"{word} ({where}, status {status}) {ratio:.2f}:1")
                tints[status] = background
            if not distinct(tints["1"], tints["2"]):
                failures.append("new and learning look alike")
            if any(not distinct(tint, plain_background) for tint in tints.values()):
                failures.append("a status tint is the background's colour")
            await pilot.press("h")  # the cursor on 天氣, a learning word
            cursor_text, cursor_background = colours(drawn(view, "天氣"))
            await pilot.press("l")
            if contrast_ratio(cursor_text, cursor_background) < READABLE:
                failures.append(f"cursor text {contrast_ratio(cursor_text, cursor_background):.2f}")
            for tint in (*tints.values(), plain_background):
                if not distinct(cursor_background, tint):
                    failures.append(f"cursor {cursor_background.hex} like {tint.hex}")
        assert len(measured) >= 19  # Textual's themes are all checked
        assert not any(measured.values()), {k: v for k, v in measured.items() if v}


async def test_the_ansi_themes_draw() -> None:
    """Their colours are the terminal's (not measured above), but the screen must draw."""
    async with reading(size=(100, 30)) as (app, pilot, screen, view):
        for theme in ("ansi-dark", "ansi-light"):
            app.theme = theme
            await pilot.pause()
            screen.refresh_insight()
            view.restyle()
            await pilot.pause()
            assert "今天" in view.visible_text()
