"""Snapshots of the vocabulary screen and of the reading screen with marked words.

Deterministic: fixed terminal size, animations off, a temp READER_HOME (autouse fixture),
words pinned by the stand-in annotator, saved words with fixed dates.
Update with `pytest tests/test_ui_vocab_snapshots.py --snapshot-update` after an intended change.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from textual.pilot import Pilot

from reader.config import PinyinDisplay, Settings
from reader.core.learner.records import Context, Status, WordForms
from tests.test_ui_vocab import make_app, settle, store

SIZE = (100, 30)
BASE = datetime(2026, 1, 5, 12, 0, tzinfo=timezone.utc)


def save_words(doc_id: str) -> None:
    with store() as opened:
        for days, (word, simplified, pinyin, definition, status) in enumerate(
            (
                ("公園", "公园", ("gong1", "yuan2"), "park", Status.NEW),
                ("明天", "明天", ("ming2", "tian1"), "tomorrow", Status.LEARNING),
                ("我們", "我们", ("wo3", "men5"), "we; us", Status.KNOWN),
                ("很", "很", ("hen3",), "very; quite", Status.IGNORED),
            )
        ):
            opened.add(
                WordForms(word, simplified, pinyin, definition),
                status=status,
                context=Context("明天我們去公園。", "學習中文", doc_id, 1),
                now=BASE + timedelta(days=days),
            )


def test_reading_screen_with_marked_words(snap_compare: Any) -> None:
    app = make_app(Settings(pinyin=PinyinDisplay.UNKNOWN))
    save_words(app.document.doc_id)

    async def go_to_third_paragraph(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=go_to_third_paragraph)


def test_vocabulary_screen(snap_compare: Any) -> None:
    app = make_app()
    save_words(app.document.doc_id)

    async def open_vocabulary(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_vocabulary)
