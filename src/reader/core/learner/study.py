"""Reviewing saved words with FSRS (the `fsrs` package, the scheduler Anki uses).

A *card* is one (word, direction): READ shows the word and its sentence, RECALL shows the
meaning. A word gets its card on its first review; until then it is a new card. The queue
of a session is: cards that are due (oldest first), then new cards up to a daily limit, at
most one card per word (the other direction waits, as Anki buries siblings).

Grades go straight to `fsrs.Scheduler.review_card` with the session's clock, so a due date
is exactly what FSRS computes for that card and time. Every review is logged in the
vocabulary database, and the word's status follows its schedule:

- new -> learning on its first review;
- learning -> known once every card of the word has a stability of at least
  `KNOWN_STABILITY_DAYS` (21 days, the interval at which Anki calls a card "mature": the
  learner would still recall the word with 90% probability three weeks later);
- known -> learning when graded Again (a lapse).

Ignored words are never studied, and words marked known while reading (never reviewed) are
not pulled into study either.

The clock is injected (a callable returning an aware datetime), so tests never sleep and
never depend on the wall clock. Day boundaries (the new-card limit, the heat map) are taken
in `zone`, the learner's local time zone by default.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import IntEnum

import fsrs

from reader.core.errors import ReaderError
from reader.core.learner.records import CardState, Direction, ReviewEntry, Status, VocabItem
from reader.core.learner.vocab import VocabStore

KNOWN_STABILITY_DAYS = 21.0
NEW_CARDS_PER_DAY = 20
# A card whose next step falls within this window comes back in the same session (Anki's
# "learn ahead limit"), so Again on a word shows it again a few cards later.
LEARN_AHEAD = timedelta(minutes=20)
STUDIED_STATUSES = (Status.NEW, Status.LEARNING, Status.KNOWN)

Clock = Callable[[], datetime]


class Grade(IntEnum):
    """The four answers, numbered as the keys 1-4 (and as `fsrs.Rating`)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else timezone.utc


def default_scheduler() -> fsrs.Scheduler:
    """FSRS-6 default parameters, 90% desired retention, learning steps 1 min and 10 min,
    interval fuzzing on (spreads reviews of words learnt together over several days)."""
    return fsrs.Scheduler()


# ---- conversion between the stored state and fsrs.Card


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("study times must be timezone-aware")
    return moment.astimezone(timezone.utc)


def card_id(word_id: int, direction: Direction) -> int:
    """A stable fsrs card id per (word, direction), so logs could feed the FSRS optimizer."""
    return word_id * 2 + (1 if direction is Direction.RECALL else 0)


def to_fsrs_card(
    word_id: int, direction: Direction, state: CardState | None, now: datetime
) -> fsrs.Card:
    """The fsrs.Card for a stored state; a new card (no state) is due now, learning step 0."""
    identifier = card_id(word_id, direction)
    if state is None:
        return fsrs.Card(card_id=identifier, due=_utc(now))
    return fsrs.Card(
        card_id=identifier,
        state=fsrs.State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=_utc(state.due),
        last_review=_utc(state.last_review) if state.last_review is not None else None,
    )


def from_fsrs_card(card: fsrs.Card) -> CardState:
    return CardState(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


# ---- status


def status_after_review(
    status: Status, grade: Grade, stabilities: Iterable[float | None]
) -> Status:
    """The word's status after a review; `stabilities` are all its cards' after the review."""
    if status is Status.IGNORED:
        return status
    if grade is Grade.AGAIN:
        return Status.LEARNING
    values = list(stabilities)
    if values and all(s is not None and s >= KNOWN_STABILITY_DAYS for s in values):
        return Status.KNOWN
    # A passing grade never demotes: a known word stays known while its recall card catches up.
    return Status.KNOWN if status is Status.KNOWN else Status.LEARNING


# ---- the queue


@dataclass(frozen=True, slots=True)
class StudyCard:
    """A card to show: the word as saved, the direction, and its stored state (None = new)."""

    item: VocabItem
    direction: Direction
    state: CardState | None

    @property
    def key(self) -> tuple[int, Direction]:
        return (self.item.id, self.direction)

    @property
    def is_new(self) -> bool:
        return self.state is None


def day_of(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def _start_of_day(moment: datetime, zone: tzinfo) -> datetime:
    local = moment.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def new_cards_started_today(store: VocabStore, now: datetime, zone: tzinfo) -> int:
    """Cards reviewed for the first time on `now`'s local day (counts against the limit)."""
    return store.first_reviews_since(_start_of_day(now, zone))


def build_queue(
    store: VocabStore,
    now: datetime,
    *,
    directions: Sequence[Direction] = (Direction.READ,),
    new_limit: int = NEW_CARDS_PER_DAY,
    zone: tzinfo = timezone.utc,
) -> list[StudyCard]:
    """What to review at `now`: due cards (oldest due first), then new cards (oldest saved
    first) while today's new-card allowance lasts; one card per word."""
    states = store.card_states()
    due: list[tuple[datetime, StudyCard]] = []
    new: list[StudyCard] = []
    for item in store.items(statuses=STUDIED_STATUSES):
        for direction in directions:
            state = states.get((item.id, direction))
            if state is None:
                # Known words the learner never studied (marked while reading) stay out.
                if item.status is not Status.KNOWN:
                    new.append(StudyCard(item, direction, None))
            elif state.due <= now:
                due.append((state.due, StudyCard(item, direction, state)))
    due.sort(key=lambda pair: (pair[0], pair[1].item.id, pair[1].direction.value))
    allowance = max(0, new_limit - new_cards_started_today(store, now, zone))
    queue: list[StudyCard] = []
    words: set[int] = set()
    for card in [card for _, card in due] + new:
        if card.item.id in words:
            continue
        if card.is_new:
            if allowance <= 0:
                continue
            allowance -= 1
        words.add(card.item.id)
        queue.append(card)
    return queue


# ---- a session


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """What one grade did: the logged review, the card before it, the word after it."""

    card: StudyCard
    grade: Grade
    entry: ReviewEntry
    item_after: VocabItem
    requeued: bool  # the card comes back later in this session (a learning step)

    @property
    def due(self) -> datetime:
        return self.entry.card_after.due


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """The end-of-session report."""

    reviews: int
    grades: dict[Grade, int] = field(default_factory=dict)
    new_words: int = 0  # first reviews
    became_known: tuple[str, ...] = ()
    lapsed: tuple[str, ...] = ()  # known -> learning
    started_at: datetime | None = None
    ended_at: datetime | None = None
    next_due: datetime | None = None  # the earliest due date after the session

    @property
    def correct_share(self) -> float:
        """Share of reviews not graded Again (0 when nothing was reviewed)."""
        if not self.reviews:
            return 0.0
        return 1 - self.grades.get(Grade.AGAIN, 0) / self.reviews


class StudySession:
    """One sitting: a queue of cards, grades, undo, and a summary at the end.

    Not thread-safe; the study screen drives it from the UI thread (each grade is one small
    SQLite transaction).
    """

    def __init__(
        self,
        store: VocabStore,
        *,
        directions: Sequence[Direction] = (Direction.READ,),
        scheduler: fsrs.Scheduler | None = None,
        clock: Clock = system_clock,
        zone: tzinfo | None = None,
        new_limit: int = NEW_CARDS_PER_DAY,
    ) -> None:
        if not directions:
            raise ReaderError("choose at least one study direction")
        self.store = store
        self.directions = tuple(dict.fromkeys(directions))
        self.scheduler = scheduler if scheduler is not None else default_scheduler()
        self.clock = clock
        self.zone = zone if zone is not None else local_zone()
        self.new_limit = new_limit
        self.started_at = clock()
        self.history: list[ReviewOutcome] = []
        self.queue: list[StudyCard] = []
        self.reload()

    # -- the queue

    def reload(self) -> None:
        """Rebuild the queue from the database (after changing directions, say)."""
        self.queue = build_queue(
            self.store,
            self.now(),
            directions=self.directions,
            new_limit=self.new_limit,
            zone=self.zone,
        )

    def set_directions(self, directions: Sequence[Direction]) -> None:
        if not directions:
            raise ReaderError("choose at least one study direction")
        self.directions = tuple(dict.fromkeys(directions))
        self.reload()

    def now(self) -> datetime:
        return _utc(self.clock())

    @property
    def current(self) -> StudyCard | None:
        return self.queue[0] if self.queue else None

    @property
    def finished(self) -> bool:
        return not self.queue

    @property
    def remaining(self) -> int:
        return len(self.queue)

    @property
    def new_remaining(self) -> int:
        return sum(1 for card in self.queue if card.is_new)

    # -- grading

    def preview(self, card: StudyCard | None = None) -> dict[Grade, timedelta]:
        """How long until the card is due again after each grade (without fuzz, as Anki
        shows it on its buttons)."""
        target = card or self.current
        if target is None:
            return {}
        plain = _without_fuzz(self.scheduler)
        now = self.now()
        fsrs_card = to_fsrs_card(target.item.id, target.direction, target.state, now)
        result = {}
        for grade in Grade:
            after, _ = plain.review_card(fsrs_card, fsrs.Rating(int(grade)), now)
            result[grade] = after.due - now
        return result

    def grade(self, grade: Grade, *, duration_ms: int | None = None) -> ReviewOutcome:
        """Grade the current card: FSRS schedules it, the review is logged, the status follows."""
        card = self.current
        if card is None:
            raise ReaderError("nothing left to review in this session")
        now = self.now()
        fsrs_card = to_fsrs_card(card.item.id, card.direction, card.state, now)
        reviewed, _ = self.scheduler.review_card(fsrs_card, fsrs.Rating(int(grade)), now)
        after = from_fsrs_card(reviewed)
        siblings = self.store.card_states(card.item.id)
        stabilities = [
            after.stability
            if direction is card.direction
            else siblings[(card.item.id, direction)].stability
            for direction in Direction
            if direction is card.direction or (card.item.id, direction) in siblings
        ]
        current_item = self.store.get(card.item.traditional) or card.item
        status = status_after_review(current_item.status, grade, stabilities)
        entry = self.store.record_review(
            current_item,
            card.direction,
            int(grade),
            reviewed_at=now,
            card_before=card.state,
            card_after=after,
            status_after=status,
            duration_ms=duration_ms,
        )
        item_after = replace(current_item, status=status)
        self.queue.pop(0)
        requeued = after.due <= now + LEARN_AHEAD
        if requeued:
            self._requeue(StudyCard(item_after, card.direction, after), after.due)
        outcome = ReviewOutcome(card, grade, entry, item_after, requeued)
        self.history.append(outcome)
        return outcome

    def _requeue(self, card: StudyCard, due: datetime) -> None:
        # Before the first waiting card due later than it (new cards count as due now, so
        # it goes behind them): the short step has mostly passed when it comes back.
        position = len(self.queue)
        for index, waiting in enumerate(self.queue):
            if waiting.state is not None and waiting.state.due > due:
                position = index
                break
        self.queue.insert(position, card)

    def skip(self) -> None:
        """Drop the current card from this session without grading it."""
        if self.queue:
            self.queue.pop(0)

    @property
    def can_undo(self) -> bool:
        return bool(self.history)

    def undo(self) -> StudyCard:
        """Take the last grade back: the log row goes, card and status are restored, and the
        card is shown again."""
        if not self.history:
            raise ReaderError("nothing to undo")
        outcome = self.history[-1]
        self.store.undo_review(outcome.entry)
        self.history.pop()
        if outcome.requeued:
            self.queue = [card for card in self.queue if card.key != outcome.card.key]
        restored = self.store.get(outcome.card.item.traditional) or outcome.card.item
        card = StudyCard(restored, outcome.card.direction, outcome.card.state)
        self.queue.insert(0, card)
        return card

    # -- the end

    def summary(self) -> SessionSummary:
        grades = Counter(outcome.grade for outcome in self.history)
        became_known = tuple(
            dict.fromkeys(
                outcome.entry.word
                for outcome in self.history
                if outcome.entry.status_after is Status.KNOWN
                and outcome.entry.status_before is not Status.KNOWN
            )
        )
        lapsed = tuple(
            dict.fromkeys(
                outcome.entry.word
                for outcome in self.history
                if outcome.entry.status_before is Status.KNOWN
                and outcome.entry.status_after is not Status.KNOWN
            )
        )
        states = self.store.card_states()
        next_due = min((state.due for state in states.values()), default=None)
        return SessionSummary(
            reviews=len(self.history),
            grades={grade: grades[grade] for grade in Grade if grades[grade]},
            new_words=sum(1 for outcome in self.history if outcome.card.is_new),
            became_known=became_known,
            lapsed=lapsed,
            started_at=self.started_at,
            ended_at=self.clock(),
            next_due=next_due,
        )


def _without_fuzz(scheduler: fsrs.Scheduler) -> fsrs.Scheduler:
    if not scheduler.enable_fuzzing:
        return scheduler
    return fsrs.Scheduler(
        parameters=scheduler.parameters,
        desired_retention=scheduler.desired_retention,
        learning_steps=scheduler.learning_steps,
        relearning_steps=scheduler.relearning_steps,
        maximum_interval=scheduler.maximum_interval,
        enable_fuzzing=False,
    )


# ---- history: reviews per day (the heat map)


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    reviews: int


def reviews_per_day(
    store: VocabStore, *, days: int, now: datetime, zone: tzinfo
) -> tuple[DayCount, ...]:
    """Review counts for the `days` local days ending today, oldest first (zeros included)."""
    today = day_of(now, zone)
    first = today - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=zone)
    counts = Counter(day_of(moment, zone) for moment in store.review_times(since))
    return tuple(
        DayCount(first + timedelta(days=offset), counts[first + timedelta(days=offset)])
        for offset in range(days)
    )


def streak(counts: Sequence[DayCount]) -> int:
    """Days in a row with reviews, ending today (or yesterday, when today has none yet)."""
    run = 0
    values = [count.reviews for count in counts]
    if values and values[-1] == 0:
        values = values[:-1]
    for value in reversed(values):
        if value == 0:
            break
        run += 1
    return run


def format_interval(interval: timedelta) -> str:
    """A short interval as on Anki's buttons: 1m, 10m, 3h, 4d, 2.1mo, 1.3y."""
    seconds = max(0.0, interval.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"
