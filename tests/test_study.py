"""Study core: FSRS scheduling (checked against calling fsrs directly), the review log,
statuses that follow the schedule, undo, the queue, the schema migration and the heat map.

Every test drives an injected clock; nothing sleeps and nothing reads the wall clock.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest

from reader.core.errors import ReaderError
from reader.core.learner import vocab_database as vocab
from reader.core.learner.records import Direction, Status, WordForms
from reader.core.learner.study import (
    KNOWN_STABILITY_DAYS,
    Grade,
    StudySession,
    build_queue,
    card_id,
    format_interval,
    reviews_per_day,
    status_after_review,
    streak,
)
from reader.core.learner.vocab import VocabStore

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self, moment: datetime = START) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        self.moment = moment


def plain_scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(enable_fuzzing=False)


@pytest.fixture
def store(tmp_path: Path) -> VocabStore:
    opened = VocabStore(tmp_path / "vocab.sqlite3")
    yield opened
    opened.close()


def save(store: VocabStore, *words: str, status: Status | None = None) -> None:
    for word in words:
        store.add(WordForms(word, word, (), f"meaning of {word}"), status=status, now=START)


def session(store: VocabStore, clock: FakeClock, **options: object) -> StudySession:
    return StudySession(
        store,
        scheduler=options.pop("scheduler", plain_scheduler()),  # type: ignore[arg-type]
        clock=clock,
        zone=timezone.utc,
        **options,  # type: ignore[arg-type]
    )


# ---- FSRS, exactly


def test_due_dates_are_exactly_what_fsrs_computes(store: VocabStore) -> None:
    save(store, "中文")
    clock = FakeClock()
    reference = plain_scheduler()
    expected = fsrs.Card(card_id=card_id(1, Direction.READ), due=START)
    grades = [Grade.GOOD, Grade.GOOD, Grade.HARD, Grade.AGAIN, Grade.GOOD, Grade.EASY]
    for grade in grades:
        study = session(store, clock)
        assert study.current is not None and study.current.item.traditional == "中文"
        outcome = study.grade(grade)
        expected, _ = reference.review_card(expected, fsrs.Rating(int(grade)), clock())
        stored = store.card_states()[(1, Direction.READ)]
        assert stored.due == expected.due == outcome.due
        assert stored.state == int(expected.state)
        assert stored.step == expected.step
        assert stored.stability == pytest.approx(expected.stability, abs=1e-12)
        assert stored.difficulty == pytest.approx(expected.difficulty, abs=1e-12)
        assert stored.last_review == clock()
        clock.set(stored.due)  # come back exactly when FSRS says
    assert [review.rating for review in store.reviews()] == [int(g) for g in grades]


def test_fuzzed_intervals_match_fsrs_with_the_same_random_state(store: VocabStore) -> None:
    save(store, "學習")
    clock = FakeClock()
    ours, reference = fsrs.Scheduler(), fsrs.Scheduler()  # fuzzing on, as in the app
    expected = fsrs.Card(card_id=card_id(1, Direction.READ), due=START)
    for step in range(5):
        random.seed(step)
        session(store, clock, scheduler=ours).grade(Grade.GOOD)
        random.seed(step)
        expected, _ = reference.review_card(expected, fsrs.Rating.Good, clock())
        assert store.card_states()[(1, Direction.READ)].due == expected.due
        clock.set(expected.due)


def test_preview_shows_each_grades_interval_without_fuzz(store: VocabStore) -> None:
    save(store, "中文")
    study = session(store, FakeClock(), scheduler=fsrs.Scheduler())
    preview = study.preview()
    # A new card: Again -> first learning step (1 min), Good -> second step (10 min).
    assert preview[Grade.AGAIN] == timedelta(minutes=1)
    assert preview[Grade.GOOD] == timedelta(minutes=10)
    assert preview[Grade.EASY] >= timedelta(days=1)
    assert [format_interval(preview[g]) for g in (Grade.AGAIN, Grade.GOOD)] == ["1m", "10m"]


# ---- statuses follow the schedule


def test_first_review_makes_a_new_word_learning(store: VocabStore) -> None:
    save(store, "中文")
    outcome = session(store, FakeClock()).grade(Grade.GOOD)
    assert outcome.entry.status_before is Status.NEW
    assert store.require("中文").status is Status.LEARNING


def test_word_becomes_known_past_the_stability_threshold_and_lapses_on_again(
    store: VocabStore,
) -> None:
    save(store, "中文")
    clock = FakeClock()
    statuses = []
    stabilities = []
    for _ in range(8):
        session(store, clock).grade(Grade.GOOD)
        card = store.card_states()[(1, Direction.READ)]
        statuses.append(store.require("中文").status)
        stabilities.append(card.stability or 0.0)
        clock.set(card.due)
    first_known = statuses.index(Status.KNOWN)
    assert stabilities[first_known] >= KNOWN_STABILITY_DAYS
    assert all(s < KNOWN_STABILITY_DAYS for s in stabilities[:first_known])
    assert all(status is Status.LEARNING for status in statuses[:first_known])
    lapse = session(store, clock).grade(Grade.AGAIN)
    assert (lapse.entry.status_before, lapse.entry.status_after) == (
        Status.KNOWN,
        Status.LEARNING,
    )
    assert store.require("中文").status is Status.LEARNING


def test_status_rule() -> None:
    rule = status_after_review
    assert rule(Status.NEW, Grade.HARD, [1.0]) is Status.LEARNING
    assert rule(Status.LEARNING, Grade.GOOD, [KNOWN_STABILITY_DAYS]) is Status.KNOWN
    # every direction must be stable before the word counts as known
    assert rule(Status.LEARNING, Grade.EASY, [30.0, 2.0]) is Status.LEARNING
    assert rule(Status.KNOWN, Grade.GOOD, [30.0, 2.0]) is Status.KNOWN
    assert rule(Status.KNOWN, Grade.AGAIN, [30.0]) is Status.LEARNING
    assert rule(Status.IGNORED, Grade.AGAIN, [1.0]) is Status.IGNORED


# ---- the log and undo


def test_every_review_is_logged_with_the_card_before_and_after(store: VocabStore) -> None:
    save(store, "中文", "關係")
    clock = FakeClock()
    study = session(store, clock)
    study.grade(Grade.GOOD, duration_ms=4200)
    clock.advance(seconds=30)
    study.grade(Grade.AGAIN)
    log = store.reviews()
    assert [(entry.word, entry.rating) for entry in log] == [("中文", 3), ("關係", 1)]
    assert log[0].duration_ms == 4200
    assert log[0].card_before is None
    assert log[0].card_after == store.card_states()[(1, Direction.READ)]
    assert log[1].reviewed_at == START + timedelta(seconds=30)


def test_undo_restores_card_status_and_log(store: VocabStore) -> None:
    save(store, "中文")
    clock = FakeClock()
    study = session(store, clock)
    first = study.grade(Grade.GOOD)
    state_after_first = store.card_states()[(1, Direction.READ)]
    clock.set(first.due)
    second = study.grade(Grade.AGAIN) if study.current else None
    if second is None:  # the 10-minute step was not in the queue: rebuild at its due time
        study.reload()
        second = study.grade(Grade.AGAIN)
    assert len(store.reviews()) == 2
    shown_again = study.undo()
    assert shown_again.key == (1, Direction.READ)
    assert study.current == shown_again
    assert store.card_states()[(1, Direction.READ)] == state_after_first
    assert [entry.id for entry in store.reviews()] == [first.entry.id]
    assert store.require("中文").status is Status.LEARNING
    study.undo()
    assert store.card_states() == {}
    assert store.reviews() == []
    assert store.require("中文").status is Status.NEW
    with pytest.raises(ReaderError):
        study.undo()


def test_undo_of_a_requeued_card_does_not_show_it_twice(store: VocabStore) -> None:
    save(store, "中文", "關係")
    study = session(store, FakeClock())
    outcome = study.grade(Grade.AGAIN)  # due in 1 minute: comes back in this session
    assert outcome.requeued
    assert [card.item.traditional for card in study.queue] == ["關係", "中文"]
    study.undo()
    assert [card.item.traditional for card in study.queue] == ["中文", "關係"]
    assert study.current is not None and study.current.is_new


# ---- the queue


def test_queue_due_first_then_new_up_to_the_daily_limit(store: VocabStore) -> None:
    save(store, *[f"字{n:02d}" for n in range(6)])
    clock = FakeClock()
    study = session(store, clock, new_limit=3)
    assert study.remaining == 3
    for _ in range(3):
        study.grade(Grade.EASY)  # days away: not requeued
    assert study.finished
    # The same day: the allowance is spent.
    clock.advance(hours=1)
    assert session(store, clock, new_limit=3).remaining == 0
    # When the first reviews are due, they come before the three remaining new words.
    clock.set(max(state.due for state in store.card_states().values()))
    queue = build_queue(store, clock(), new_limit=3, zone=timezone.utc)
    assert [card.is_new for card in queue] == [False, False, False, True, True, True]


def test_known_and_ignored_words_are_not_pulled_into_study(store: VocabStore) -> None:
    save(store, "中文")
    save(store, "的", status=Status.KNOWN)
    save(store, "阿", status=Status.IGNORED)
    queue = build_queue(store, START, zone=timezone.utc)
    assert [card.item.traditional for card in queue] == ["中文"]


def test_recall_direction_is_a_separate_card_and_siblings_wait(store: VocabStore) -> None:
    save(store, "中文", "關係")
    clock = FakeClock()
    study = session(store, clock, directions=(Direction.READ, Direction.RECALL))
    # one card per word in a session: the read cards
    assert [(c.item.traditional, c.direction) for c in study.queue] == [
        ("中文", Direction.READ),
        ("關係", Direction.READ),
    ]
    study.set_directions((Direction.RECALL,))
    assert {card.direction for card in study.queue} == {Direction.RECALL}
    study.grade(Grade.EASY)
    assert set(store.card_states()) == {(1, Direction.RECALL)}


def test_a_deleted_word_keeps_its_review_history(store: VocabStore) -> None:
    save(store, "中文")
    session(store, FakeClock()).grade(Grade.GOOD)
    store.remove("中文")
    assert store.card_states() == {}
    [entry] = store.reviews()
    assert (entry.word, entry.word_id) == ("中文", None)


def test_summary_counts_grades_new_words_and_known(store: VocabStore) -> None:
    save(store, "中文", "關係", "新聞")
    clock = FakeClock()
    study = session(store, clock)
    study.grade(Grade.EASY)
    study.grade(Grade.AGAIN)
    study.grade(Grade.GOOD)
    while not study.finished:
        clock.advance(minutes=11)
        study.grade(Grade.GOOD)
    summary = study.summary()
    assert summary.reviews == len(store.reviews())
    assert summary.new_words == 3
    assert summary.grades[Grade.AGAIN] == 1 and summary.grades[Grade.EASY] == 1
    assert summary.correct_share == pytest.approx(1 - 1 / summary.reviews)
    assert summary.next_due == min(s.due for s in store.card_states().values())


# ---- schema migration


def test_a_version_1_database_is_migrated_with_its_words(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    connection = sqlite3.connect(path)
    connection.executescript(vocab._MIGRATIONS[0])
    connection.execute(f"PRAGMA application_id = {vocab.APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 1")
    connection.execute(
        "INSERT INTO words (traditional, simplified, status, created_at, updated_at)"
        " VALUES ('關係', '关系', 'learning', '2026-01-01T00:00:00.000000Z',"
        " '2026-01-01T00:00:00.000000Z')"
    )
    connection.commit()
    connection.close()
    with VocabStore(path) as migrated:
        assert migrated.require("关系").status is Status.LEARNING
        assert migrated.card_states() == {} and migrated.reviews() == []
        session(migrated, FakeClock()).grade(Grade.GOOD)
        assert len(migrated.reviews()) == 1
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA user_version").fetchone()[0] == vocab.SCHEMA_VERSION
    check.close()


# ---- heat map


def test_reviews_per_day_and_streak(store: VocabStore) -> None:
    save(store, *[f"字{n}" for n in range(5)])
    clock = FakeClock(datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))
    session(store, clock).grade(Grade.EASY)  # 1 March
    clock.set(datetime(2026, 3, 2, 0, 30, tzinfo=timezone.utc))
    study = session(store, clock)
    study.grade(Grade.EASY)
    study.grade(Grade.EASY)  # 2 March: 2
    counts = reviews_per_day(store, days=4, now=clock(), zone=timezone.utc)
    assert [(c.day.day, c.reviews) for c in counts] == [(27, 0), (28, 0), (1, 1), (2, 2)]
    assert streak(counts) == 2
    # In UTC+2 all three reviews fall on 2 March.
    plus_two = timezone(timedelta(hours=2))
    counts = reviews_per_day(store, days=2, now=clock(), zone=plus_two)
    assert [c.reviews for c in counts] == [0, 3]
    # Nothing yet today keeps yesterday's streak alive.
    later = reviews_per_day(store, days=5, now=clock() + timedelta(days=1), zone=timezone.utc)
    assert streak(later) == 2
