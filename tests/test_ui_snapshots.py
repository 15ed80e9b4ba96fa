"""Snapshots of the reading screen in its main modes (pytest-textual-snapshot).

Deterministic: fixed terminal size, animations off, a temp READER_HOME (autouse fixture),
default settings, and every annotation/lookup worker finished before the picture is taken.
Update with `pytest tests/test_ui_snapshots.py --snapshot-update` after an intended change.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from reader.config import PinyinNotation, ScriptDisplay, Settings, ToneColours, ViewMode
from reader.core.loader import load_path
from reader.ui.reader_app import ReaderApp
from tests.support import SEED

SIZE = (110, 34)


def seed_app(settings: Settings | None = None) -> ReaderApp:
    app = ReaderApp(load_path(SEED), settings=settings or Settings(), save_settings_on_change=False)
    app.animation_level = "none"
    return app


async def settled(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_continuous_mode_with_pinyin(snap_compare: Any) -> None:
    assert snap_compare(seed_app(), terminal_size=SIZE, run_before=settled)


def test_focus_mode(snap_compare: Any) -> None:
    async def go_to_third_paragraph(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        await pilot.press("j", "j", "l", "l")
        await settled(pilot)

    app = seed_app(Settings(view=ViewMode.FOCUS))
    assert snap_compare(app, terminal_size=SIZE, run_before=go_to_third_paragraph)


def test_both_scripts_numbers_pleco_colours(snap_compare: Any) -> None:
    settings = Settings(
        script=ScriptDisplay.BOTH,
        pinyin_style=PinyinNotation.NUMBERS,
        tone_colours=ToneColours.PLECO,
    )
    assert snap_compare(seed_app(settings), terminal_size=SIZE, run_before=settled)


def test_gloss_panel_open(snap_compare: Any) -> None:
    async def open_gloss(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        await pilot.press("l", "l", "enter")  # 中美關係 … the third word of the heading
        await settled(pilot)

    assert snap_compare(seed_app(), terminal_size=SIZE, run_before=open_gloss)
