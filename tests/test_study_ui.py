"""The study screen: Pilot tests of full review sessions (due dates as FSRS computes them,
undo, the log), the recall direction, help and quitting; and a snapshot.

Deterministic: an injected clock, fsrs without fuzz (compared with fsrs called directly),
UTC days, a fixed terminal size, and a stand-in annotator (sentence pinyin from a table
here), so neither the wall clock nor changes in the segmenter move the pictures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import fsrs
import pytest
from textual.pilot import Pilot

from reader.config import Settings
from reader.core.learner.records import Context, Direction, Status, WordForms
from reader.core.learner.study import Grade, SessionSummary, StudySession, card_id
from reader.core.learner.vocab import VocabStore
from reader.core.models import AnnotatedParagraph, Paragraph, Script, Token, TokenKind
from reader.core.text.han import is_han_char
from reader.ui.app import STUDY_TITLE
from reader.ui.reader_app import ReaderApp
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.study import StudyScreen
from reader.ui.widgets.study_card import heat_level, word_spans

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SIZE = (100, 34)

# (traditional, simplified, pinyin, definition, sentence) — sentences written for these tests
WORDS = (
    ("關係", "关系", ("guan1", "xi5"), "relation; relationship", "我們的關係很好。"),
    ("學習", "学习", ("xue2", "xi2"), "to learn; to study", "他每天學習中文。"),
    ("新聞", "新闻", ("xin1", "wen2"), "news", "今天的新聞很長。"),
)
READINGS = {
    "我": "wo3", "們": "men5", "的": "de5", "關": "guan1", "係": "xi5", "很": "hen3",
    "好": "hao3", "他": "ta1", "每": "mei3", "天": "tian1", "學": "xue2", "習": "xi2",
    "中": "zhong1", "文": "wen2", "今": "jin1", "新": "xin1", "聞": "wen2", "長": "chang2",
}  # fmt: skip
SIMPLIFIED = {"們": "们", "關": "关", "係": "系", "學": "学", "習": "习", "聞": "闻", "長": "长"}


class FakeClock:
    def __init__(self) -> None:
        self.moment = START

    def __call__(self) -> datetime:
        return self.moment


class TableAnnotator:
    """Stands in for the pipeline: one token per character, pinyin from READINGS."""

    def annotate_paragraph(self, paragraph: Paragraph, script: Script) -> AnnotatedParagraph:
        tokens = []
        for index, char in enumerate(paragraph.text):
            if is_han_char(char):
                tokens.append(
                    Token(
                        char,
                        index,
                        index + 1,
                        TokenKind.HAN,
                        simplified=SIMPLIFIED.get(char, char),
                        traditional=char,
                        pinyin_numbered=(READINGS.get(char, ""),),
                        gloss="",
                    )
                )
            else:
                tokens.append(
                    Token(
                        char, index, index + 1, TokenKind.PUNCT, simplified=char, traditional=char
                    )
                )
        return AnnotatedParagraph(paragraph, tuple(tokens))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[VocabStore]:
    opened = VocabStore(tmp_path / "vocab.sqlite3")
    for traditional, simplified, pinyin, definition, sentence in WORDS:
        opened.add(
            WordForms(traditional, simplified, pinyin, definition),
            context=Context(sentence, doc_title="test", doc_id="doc"),
            now=START - timedelta(days=1),
        )
    yield opened
    opened.close()


def study_app(
    store: VocabStore,
    clock: FakeClock,
    *,
    directions: tuple[Direction, ...] = (Direction.READ,),
    settings: Settings | None = None,
) -> ReaderApp:
    """The one app with the study screen first, as `reader study` runs it."""

    def make_screen(app: ReaderApp) -> StudyScreen:
        return StudyScreen(
            store,
            app.live_settings,
            directions=directions,
            clock=clock,
            zone=timezone.utc,
            annotator=TableAnnotator(),  # type: ignore[arg-type]
            scheduler=fsrs.Scheduler(enable_fuzzing=False),
        )

    app = ReaderApp(
        settings=settings or Settings(),
        save_settings_on_change=False,
        vocab_store=store,
        first_screen=make_screen,
    )
    app.title = STUDY_TITLE
    app.animation_level = "none"
    return app


async def settled(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_of(pilot: Pilot[Any]) -> StudyScreen:
    screen = pilot.app.screen
    assert isinstance(screen, StudyScreen)
    return screen


# ---- a full session


async def test_full_session_schedules_as_fsrs_logs_and_ends_with_a_summary(
    store: VocabStore,
) -> None:
    clock = FakeClock()
    reference = fsrs.Scheduler(enable_fuzzing=False)
    app = study_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = screen_of(pilot)
        assert screen.session.remaining == 3
        front = screen.card_view.plain
        assert "關係" in front and "我們的關係很好。" in front
        assert "guān" not in front and "relation" not in front  # pinyin and meaning hidden

        await pilot.press("space")
        back = screen.card_view.plain
        assert "guān xi" in back and "relation; relationship" in back
        assert "wǒ men de guān xi hěn hǎo。" in back  # the sentence's pinyin
        assert "我们的关系很好。" in back  # and its Simplified form

        expected: dict[str, fsrs.Card] = {}
        grades = {"關係": Grade.GOOD, "學習": Grade.AGAIN, "新聞": Grade.EASY}
        for number in range(3):
            current = screen.session.current
            assert current is not None
            word = current.item.traditional
            if number:
                await pilot.press("space")
            clock.moment += timedelta(seconds=20)
            await pilot.press(str(int(grades[word])))
            expected[word], _ = reference.review_card(
                fsrs.Card(card_id=card_id(current.item.id, Direction.READ), due=clock.moment),
                fsrs.Rating(int(grades[word])),
                clock.moment,
            )
        # Again and Good put 學習 (1 min) and 關係 (10 min) back in this session.
        assert [card.item.traditional for card in screen.session.queue] == ["學習", "關係"]
        order = []
        while screen.session.current is not None:
            clock.moment += timedelta(minutes=11)
            word = screen.session.current.item.traditional
            order.append(word)
            await pilot.press("space", "3")
            expected[word], _ = reference.review_card(
                expected[word], fsrs.Rating.Good, clock.moment
            )
        # 學習 went back to the first learning step, so it needs two more Goods to graduate.
        assert order == ["學習", "關係", "學習"]
        await pilot.pause()
        assert screen.has_class("-finished")
        summary = screen.summary_view.plain
        assert "6 reviews" in summary and "3 new words" in summary
        assert "Again 1" in summary and "Good 4" in summary and "Easy 1" in summary

        states = store.card_states()
        for word, card in expected.items():
            item = store.require(word)
            stored = states[(item.id, Direction.READ)]
            assert stored.due == card.due, word
            assert stored.stability == pytest.approx(card.stability, abs=1e-12)
            assert item.status is Status.LEARNING
        log = store.reviews()
        assert [(entry.word, entry.rating) for entry in log] == [
            ("關係", 3),
            ("學習", 1),
            ("新聞", 4),
            ("學習", 3),
            ("關係", 3),
            ("學習", 3),
        ]
        assert log[0].duration_ms == 20_000  # from the card turning up to the grade
        assert "today: 6 reviews" in str(screen.query_one("#study-history-text").content)

        await pilot.press("q")
        await pilot.pause()
    summary = app.first_result
    assert isinstance(summary, SessionSummary) and summary.reviews == 6


async def test_grading_needs_the_answer_shown_first(store: VocabStore) -> None:
    app = study_app(store, FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("3")
        assert store.reviews() == []
        assert screen_of(pilot).session.remaining == 3


async def test_undo_takes_the_grade_back_and_shows_the_card_again(store: VocabStore) -> None:
    clock = FakeClock()
    app = study_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = screen_of(pilot)
        await pilot.press("space", "4")  # 關係: Easy
        await pilot.press("space", "2")  # 學習: Hard
        assert len(store.reviews()) == 2
        assert store.require("學習").status is Status.LEARNING
        await pilot.press("u")
        await pilot.pause()
        assert [entry.word for entry in store.reviews()] == ["關係"]
        assert store.require("學習").status is Status.NEW
        assert (store.require("學習").id, Direction.READ) not in store.card_states()
        current = screen.session.current
        assert current is not None and current.item.traditional == "學習"
        assert screen.revealed  # shown again with its answer, ready for a new grade
        await pilot.press("3")
        assert [(e.word, e.rating) for e in store.reviews()] == [("關係", 4), ("學習", 3)]


async def test_recall_direction_shows_the_meaning_and_hides_the_word(
    store: VocabStore,
) -> None:
    clock = FakeClock()
    # Read cards already learnt and not due: only the recall cards are left to study.
    session = StudySession(
        store, clock=clock, zone=timezone.utc, scheduler=fsrs.Scheduler(enable_fuzzing=False)
    )
    while not session.finished:
        session.grade(Grade.EASY)
    app = study_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        screen = screen_of(pilot)
        assert screen.has_class("-finished")
        await pilot.press("r")
        await settled(pilot)
        assert not screen.has_class("-finished")
        current = screen.session.current
        assert current is not None and current.direction is Direction.RECALL
        front = screen.card_view.plain
        assert "relation; relationship" in front
        assert "關係" not in front and "我們的＿＿很好。" in front
        await pilot.press("space")
        assert "關係" in screen.card_view.plain
        await pilot.press("3")
        [entry] = [e for e in store.reviews() if e.direction is Direction.RECALL]
        assert entry.word == "關係"


async def test_help_lists_the_study_keys(store: VocabStore) -> None:
    app = study_app(store, FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen)
        assert "FSRS" in pilot.app.screen.markdown  # study_help.md
        assert "`study.again`" in pilot.app.screen.markdown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, StudyScreen)


async def test_remapped_keys_grade_and_show_on_the_answer_bar(store: VocabStore) -> None:
    settings = Settings(keys=(("study.good", "g"), ("study.reveal", "v")))
    app = study_app(store, FakeClock(), settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("v")
        bar = str(pilot.app.screen.query_one("#study-grades").content)
        assert "g Good" in bar
        await pilot.press("g")
        assert [(e.word, e.rating) for e in store.reviews()] == [("關係", 3)]


async def test_a_word_deleted_elsewhere_is_skipped_not_fatal(store: VocabStore) -> None:
    app = study_app(store, FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        with VocabStore(store.path) as other_process:
            other_process.remove("關係")
        await pilot.press("space", "3")
        await pilot.pause()
        assert store.reviews() == []
        current = screen_of(pilot).session.current
        assert current is not None and current.item.traditional == "學習"


async def test_a_short_terminal_hides_the_heat_map(store: VocabStore) -> None:
    app = study_app(store, FakeClock())
    async with app.run_test(size=(80, 20)) as pilot:
        await settled(pilot)
        assert screen_of(pilot).has_class("-compact")
        assert not pilot.app.screen.query_one("#study-history").display
        await pilot.press("space")
        assert "relation; relationship" in screen_of(pilot).card_view.plain


async def test_nothing_due_says_so(tmp_path: Path) -> None:
    with VocabStore(tmp_path / "empty.sqlite3") as empty:
        app = study_app(empty, FakeClock())
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            assert "Nothing is due." in screen_of(pilot).summary_view.plain


def test_word_spans_and_heat_levels() -> None:
    assert word_spans("關係好，关系好", ("關係", "关系")) == [(0, 2), (4, 6)]
    assert word_spans("無關", ("關係",)) == []
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 4, 8, 9)] == [0, 1, 1, 2, 2, 4, 4]


# ---- snapshot


def test_study_screen_snapshot(snap_compare: Any, store: VocabStore) -> None:
    clock = FakeClock()
    # A little history for the heat map: reviews on three earlier days.
    history = StudySession(
        store, clock=clock, zone=timezone.utc, scheduler=fsrs.Scheduler(enable_fuzzing=False)
    )
    for days_ago, grade in ((9, Grade.GOOD), (3, Grade.AGAIN), (1, Grade.HARD)):
        clock.moment = START - timedelta(days=days_ago)
        history.reload()
        history.grade(grade)
    clock.moment = START

    async def reveal(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        await pilot.press("space")
        await settled(pilot)

    assert snap_compare(study_app(store, clock), terminal_size=SIZE, run_before=reveal)
