"""Pilot tests of reading insight: known shares in the status line and the chart for a
small document with hand-checked numbers, the pre-reading key, the study key, and HSK
levels and frequency band in the gloss panel.

The document (words pinned by the stand-in annotator of test_ui_vocab):
  ¶0  學習 中文                              2 words
  ¶1  我們 今天 學習 中文。明天 我們 去 公園。  8 words (7 distinct)
  ¶2  他 說 中文 很 難。                      5 words
15 running words, 11 distinct.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from reader.core.learner.records import Status, WordForms
from reader.core.learner.shares import KnownShare
from reader.core.text.loader import load_text
from reader.ui.insight import chart_runs, column_value, known_chart
from reader.ui.screens.reading import ReadingScreen
from reader.ui.screens.study import StudyScreen
from tests.test_ui_vocab import make_app, settle, store

SIZE = (100, 30)


def save(word: str, simplified: str, status: Status) -> None:
    with store() as opened:
        opened.add(WordForms(word, simplified, (), ""), status=status)


def status_line(screen: ReadingScreen) -> str:
    rendered = screen.query_one("#status", Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def chart(screen: ReadingScreen) -> Content:
    rendered = screen.query_one("#known-chart", Static).render()
    assert isinstance(rendered, Content)
    return rendered


def is_reversed(style: object) -> bool:
    """Rich (Text) and Textual (Content) spans hold different style objects."""
    return bool(getattr(style, "reverse", False)) or "reverse" in str(style)


async def test_known_shares_in_the_status_line_and_the_chart() -> None:
    # Known: 我們 (2 running words), 中文 (3); ignored: 很 (left out of every count).
    save("我們", "我们", Status.KNOWN)
    save("中文", "中文", Status.KNOWN)
    save("很", "很", Status.IGNORED)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        # ¶0: 中文 of 學習 中文 = 1/2; text: 5 of 14 running words, 2 of 10 distinct words.
        assert "known ¶ 50% · text 36% (words 20%)" in status_line(screen)
        await pilot.press("j")
        await settle(pilot)
        # ¶1: 我們 ×2 + 中文 of 8.
        assert "known ¶ 38% · text 36% (words 20%)" in status_line(screen)
        await pilot.press("l", "l", "3")  # 學習 known: +2 running words, +1 distinct
        await settle(pilot)
        assert "known ¶ 50% · text 50% (words 30%)" in status_line(screen)
        drawn = chart(screen)
        # ¶0 2/2 █, ¶1 4/8 ▅ (current: accent colour), ¶2 中文 of 他 說 中文 難 = 1/4 ▃.
        assert drawn.plain.endswith("█▅▃")
        current = [span for span in drawn.spans if "bold" in str(span.style)]
        assert [drawn.plain[span.start : span.end] for span in current] == ["▅"]


def test_a_long_document_shares_chart_columns() -> None:
    shares: list[float | None] = [0.0] * 10 + [1.0] * 10 + [None] * 4
    runs = chart_runs(len(shares), 6)
    assert runs == [
        range(0, 4),
        range(4, 8),
        range(8, 12),
        range(12, 16),
        range(16, 20),
        range(20, 24),
    ]
    values = [column_value(run, shares.__getitem__) for run in runs]
    assert values == [0.0, 0.0, 0.5, 1.0, 1.0, None]  # the third mixes 0.0 and 1.0
    drawn = known_chart(values, current=5)
    assert drawn.plain == "▁▁▅██·"
    (span,) = [span for span in drawn.spans if is_reversed(span.style)]
    assert (span.start, span.end) == (5, 6)
    # Runs longer than the sample size average evenly spread paragraphs.
    assert column_value(range(0, 80), lambda index: float(index % 2 == 0), samples=8) == 1.0
    assert column_value(range(0, 80), lambda index: 1.0 if index < 40 else 0.0, samples=8) == 0.5


def test_shares_follow_a_reannotated_paragraph() -> None:
    """The known shares come from the store's summaries; after the rules change (here: a
    lexicon that joins the two words) the paragraph counts once, as re-annotated."""
    from reader.core.engine.store import ParagraphStore
    from reader.core.learner.shares import KnownShares
    from tests.support import LexiconAnnotator

    document = load_text("學習中文")
    annotator = LexiconAnnotator({"學習": "xue2 xi2", "中文": "zhong1 wen2"})
    store = ParagraphStore(document, annotator)
    store.fill(store.missing())
    statuses = {"中文": Status.KNOWN}
    shares = KnownShares(store, statuses)
    assert shares.document() == KnownShare(2, 1, 2, 1)
    assert shares.paragraph(0) == 0.5
    annotator.lexicon["學習中文"] = "xue2 xi2 zhong1 wen2"
    annotator.longest = 4
    store.rules_changed()
    assert store.shown(0) is not None and not store.is_annotated(0)  # old one until redone
    assert shares.paragraph(0) is None and shares.document() == KnownShare(0, 0, 0, 0)
    store.fill(store.missing())
    assert shares.document() == KnownShare(1, 0, 1, 0)
    assert shares.paragraph(0) == 0.0


async def test_pre_reading_key_adds_the_unknown_words_to_learning() -> None:
    save("我們", "我们", Status.KNOWN)
    save("中文", "中文", Status.KNOWN)
    save("學習", "学习", Status.KNOWN)
    save("很", "很", Status.IGNORED)
    save("他", "他", Status.LEARNING)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        await pilot.press("L")
        await settle(pilot)
        await settle(pilot)
        statuses = {item.traditional: item.status for item in store().items()}
        learning = {word for word, status in statuses.items() if status is Status.LEARNING}
        assert learning == {"今天", "明天", "去", "公園", "說", "難", "他"}
        park = store().require("公園")
        assert park.contexts[0].sentence == "明天我們去公園。"
        assert park.contexts[0].paragraph_index == 1
        assert park.contexts[0].doc_id == app.document.doc_id
        assert screen.statuses["公园"] is Status.LEARNING  # the screen sees it at once

        await pilot.press("u")  # the whole list taken back, as it was before
        after = {item.traditional: item.status for item in store().items()}
        assert after == {
            "我們": Status.KNOWN,
            "中文": Status.KNOWN,
            "學習": Status.KNOWN,
            "很": Status.IGNORED,
            "他": Status.LEARNING,
        }
        assert store().require("我們").contexts == ()
        assert "公园" not in screen.statuses and screen.statuses["我們"] is Status.KNOWN


async def test_study_key_opens_the_study_screen_and_returns() -> None:
    save("公園", "公园", Status.LEARNING)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        study = app.screen
        assert isinstance(study, StudyScreen)
        assert "公園" in study.card_view.render().__str__()
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ReadingScreen)


async def test_gloss_panel_shows_hsk_levels_and_frequency_band() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReadingScreen)
        await pilot.press("j", *["l"] * 7, "enter")  # 公園
        await settle(pilot)
        text = screen.gloss_panel.text
        assert "HSK 2021: 2  ·  HSK 2025: 3  ·  frequency: 1k-3k" in text


def test_help_and_palette_list_the_new_keys(**_: Any) -> None:
    from reader.ui.screens.help import HELP_FILE, help_markdown

    markdown = help_markdown("reading", {}, HELP_FILE)
    for binding_id in ("reading.save_word", "reading.status_known", "reading.learn_pre_reading"):
        assert binding_id in markdown
    assert "reading.study" in markdown and "reading.vocabulary" in markdown
