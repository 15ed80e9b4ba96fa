"""Snapshots of the reading screen in its main modes (pytest-textual-snapshot).

Deterministic: fixed terminal size, animations off, a temp READER_HOME (autouse fixture),
default settings, and every annotation/lookup worker finished before the picture is taken.
Update with `pytest tests/test_ui_snapshots.py --snapshot-update` after an intended change.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from reader.config import ScriptDisplay, Settings, ToneColours, ViewMode
from reader.core.engine.syllables import PinyinStyle
from reader.core.text.loader import load_text
from reader.ui.reader_app import ReaderApp
from tests.support import LexiconAnnotator

SIZE = (100, 32)

TEXT = """# 我們的城市

今天天氣很好，我們去公園散步。公園裏有很多人，有的在跑步，有的在唱歌。他說：「學習中文不難。」\
我覺得他說得對，明天我們一起去公園學習中文。

●公園裏的小朋友
網上圖片

## 明天

明天我們一起去跑步。
"""

# Pinned words and readings, so the pictures test the screen and not the segmenter or the
# pinyin model (their accuracy has its own benchmarks).
LEXICON = {
    "我們": "wo3 men5", "的": "de5", "城市": "cheng2 shi4", "今天": "jin1 tian1",
    "天氣": "tian1 qi4", "很": "hen3", "好": "hao3", "去": "qu4", "公園": "gong1 yuan2",
    "散步": "san4 bu4", "裏": "li3", "有": "you3", "很多": "hen3 duo1", "人": "ren2",
    "有的": "you3 de5", "在": "zai4", "跑步": "pao3 bu4", "唱歌": "chang4 ge1",
    "小朋友": "xiao3 peng2 you3", "網上": "wang3 shang4", "圖片": "tu2 pian4", "他": "ta1",
    "說": "shuo1", "學習": "xue2 xi2", "中文": "zhong1 wen2", "不": "bu4", "難": "nan2",
    "我": "wo3", "覺得": "jue2 de5", "得": "de5", "對": "dui4", "明天": "ming2 tian1",
    "一起": "yi4 qi3",
}  # fmt: skip


def pinned_app(settings: Settings | None = None) -> ReaderApp:
    app = ReaderApp(
        load_text(TEXT, source="snapshot.txt"),
        settings=settings or Settings(),
        annotator=LexiconAnnotator(LEXICON, longest=3),
        save_settings_on_change=False,
    )
    app.animation_level = "none"
    return app


async def settled(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_continuous_mode_with_pinyin(snap_compare: Any) -> None:
    assert snap_compare(pinned_app(), terminal_size=SIZE, run_before=settled)


def test_focus_mode(snap_compare: Any) -> None:
    async def go_to_second_paragraph(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        await pilot.press("j", "l", "l")
        await settled(pilot)

    app = pinned_app(Settings(view=ViewMode.FOCUS))
    assert snap_compare(app, terminal_size=SIZE, run_before=go_to_second_paragraph)


def test_both_scripts_numbers_pleco_colours(snap_compare: Any) -> None:
    settings = Settings(
        script=ScriptDisplay.BOTH,
        pinyin_style=PinyinStyle.NUMBERS,
        tone_colours=ToneColours.PLECO,
    )
    assert snap_compare(pinned_app(settings), terminal_size=SIZE, run_before=settled)


def test_gloss_panel_open(snap_compare: Any) -> None:
    async def open_gloss(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        await pilot.press("j", "l", "l", "l", "l", "l", "enter")  # 公園
        await settled(pilot)

    assert snap_compare(pinned_app(), terminal_size=SIZE, run_before=open_gloss)


# The gloss panel for two words whose first CC-CEDICT lines are not what the sentence means:
# 着 (four "variant of 著" lines) and 在 ("to exist"). The tokens carry the sense the pipeline
# chooses for these sentences (tests/test_senses.py checks that choice); the panel shows it
# first, then every other sense, markup written out.
PANEL_TEXT = "她坐着看電視。\n\n他在學校看書。\n"
PANEL_LEXICON = {
    "她": "ta1", "坐": "zuo4", "着": "zhe5", "看": "kan4", "電視": "dian4 shi4", "他": "ta1",
    "在": "zai4", "學校": "xue2 xiao4", "書": "shu1",
}  # fmt: skip
PANEL_GLOSSES = {
    "着": "aspect particle indicating action in progress or ongoing state",
    "在": "(of sb or sth) to be (located) at",
}


def panel_app() -> ReaderApp:
    app = ReaderApp(
        load_text(PANEL_TEXT, source="panel.txt"),
        settings=Settings(),
        annotator=LexiconAnnotator(PANEL_LEXICON, longest=2, glosses=PANEL_GLOSSES),
        save_settings_on_change=False,
    )
    app.animation_level = "none"
    return app


def test_gloss_panel_for_zhe(snap_compare: Any) -> None:
    async def open_zhe(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        await pilot.press("l", "l", "enter")  # 她 坐 着
        await settled(pilot)

    assert snap_compare(panel_app(), terminal_size=SIZE, run_before=open_zhe)


def test_gloss_panel_for_zai(snap_compare: Any) -> None:
    async def open_zai(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        await pilot.press("j", "l", "enter")  # 他 在
        await settled(pilot)

    assert snap_compare(panel_app(), terminal_size=SIZE, run_before=open_zai)
