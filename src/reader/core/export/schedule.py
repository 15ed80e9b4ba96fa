"""The in-app study schedule carried into an Anki package, so Anki's scheduling goes on
where the app's left off (`reader export anki --with-schedule`).

Each word's two cards are the app's two directions (card 1 Read, card 2 Recall). A direction
studied in the app gets its FSRS memory state (stability, difficulty, last review: the
`data` column Anki's FSRS reads), its queue and due date, its review count, and its reviews
in Anki's review log (what Anki's statistics and FSRS optimiser read); one never studied
stays new. Anki keeps all that only when the import's "Import any learning
progress" box is ticked (`with_scheduling`); otherwise it resets the cards to new, as for
any shared deck.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from reader.core.learner.records import CardState, Direction, ReviewEntry
from reader.core.learner.review_log import ReviewLog

# The order of the vocabulary note type's templates (READ_TEMPLATE, RECALL_TEMPLATE).
TEMPLATE_ORDER: dict[Direction, int] = {Direction.READ: 0, Direction.RECALL: 1}

# Anki's card types and queues.
_LEARNING, _REVIEW, _RELEARNING = 1, 2, 3
_QUEUE_LEARNING, _QUEUE_REVIEW = 1, 2
# fsrs.State
_FSRS_LEARNING, _FSRS_REVIEW, _FSRS_RELEARNING = 1, 2, 3
_SECONDS_PER_DAY = 86_400


@dataclass(frozen=True, slots=True)
class StudiedCard:
    """A direction of a word studied in the app: its FSRS state and how often it was reviewed."""

    state: CardState
    reviews: int
    lapses: int
    log: tuple[ReviewEntry, ...] = ()
    """Its reviews, oldest first (Anki's `revlog`)."""


def anki_card_columns(card: StudiedCard, collection_created: int) -> dict[str, object]:
    """The `cards` columns that hold a card's schedule in an Anki collection created at
    `collection_created` (seconds): review cards are due on a day counted from then, cards
    in (re)learning at a moment (seconds)."""
    state = card.state
    due = _seconds(state.due)
    last = _seconds(state.last_review) if state.last_review is not None else None
    data: dict[str, object] = {}
    if state.stability is not None and state.difficulty is not None:
        data = {"s": round(state.stability, 4), "d": round(state.difficulty, 4)}
    if last is not None:
        data["lrt"] = last
    interval_days = max(1, round((due - last) / _SECONDS_PER_DAY)) if last is not None else 1
    if state.state == _FSRS_REVIEW:
        card_type, queue = _REVIEW, _QUEUE_REVIEW
        due_value = (due - collection_created) // _SECONDS_PER_DAY
    else:
        card_type = _RELEARNING if state.state == _FSRS_RELEARNING else _LEARNING
        queue, due_value = _QUEUE_LEARNING, due
        interval_days = interval_days if card_type == _RELEARNING else 0
    return {
        "type": card_type,
        "queue": queue,
        "due": due_value,
        "ivl": interval_days,
        "factor": 2500 if card_type != _LEARNING else 0,
        "reps": card.reviews,
        "lapses": card.lapses,
        "left": 0 if card_type == _REVIEW else 1,
        "data": json.dumps(data, separators=(",", ":")) if data else "",
    }


def carry_schedules(
    connection: sqlite3.Connection,
    studied: Mapping[tuple[str, int], StudiedCard],
) -> int:
    """Write the schedules of `studied` ((note GUID, template ord) -> card) into the cards of
    a package's collection (genanki wrote them new). Returns how many cards were given one."""
    (created, configuration) = connection.execute("SELECT crt, conf FROM col").fetchone()
    # genanki's collection names no scheduler, so Anki reads it as v1 and moves the grades
    # of learning reviews up one (v1 had three buttons there): say it is the v2 scheduler.
    connection.execute(
        "UPDATE col SET conf = ?", (json.dumps({**json.loads(configuration), "schedVer": 2}),)
    )
    rows = connection.execute(
        "SELECT cards.id, notes.guid, cards.ord FROM cards JOIN notes ON notes.id = cards.nid"
    ).fetchall()
    carried = 0
    for card_id, guid, order in rows:
        card = studied.get((guid, order))
        if card is None:
            continue
        columns = anki_card_columns(card, int(created))
        assignments = ", ".join(f"{name} = ?" for name in columns)
        connection.execute(
            f"UPDATE cards SET {assignments} WHERE id = ?", (*columns.values(), card_id)
        )
        connection.executemany(
            "INSERT OR IGNORE INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
            " VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
            [(*row[:1], card_id, *row[1:]) for row in _revlog_rows(card.log)],
        )
        carried += 1
    return carried


def _interval(card: CardState | None, at: datetime) -> int:
    """Anki's interval of a review log row: days (review), or minus seconds (learning)."""
    if card is None:
        return 0
    seconds = max(0, int((card.due - at).total_seconds()))
    return seconds // _SECONDS_PER_DAY if card.state == _FSRS_REVIEW else -seconds


def _revlog_rows(log: Sequence[ReviewEntry]) -> list[tuple[int, ...]]:
    """(id, ease, ivl, lastIvl, factor, time, type) per review; ids are the review's
    milliseconds, made unique."""
    rows: list[tuple[int, ...]] = []
    used: set[int] = set()
    for entry in log:
        moment = entry.reviewed_at
        review_id = _seconds(moment) * 1000 + moment.microsecond // 1000
        while review_id in used:
            review_id += 1
        used.add(review_id)
        before = entry.card_before
        kind = {None: 0, _FSRS_LEARNING: 0, _FSRS_REVIEW: 1, _FSRS_RELEARNING: 2}[
            before.state if before is not None else None
        ]
        difficulty = entry.card_after.difficulty
        # Anki's FSRS keeps the difficulty (1-10) in `factor` as 100 + 1000 * (d - 1) / 9.
        factor = round(100 + 1000 * (difficulty - 1) / 9) if difficulty is not None else 0
        rows.append(
            (
                review_id,
                entry.rating,
                _interval(entry.card_after, moment),
                _interval(before, moment) if before is not None else 0,
                factor,
                min(entry.duration_ms or 0, 60_000),
                kind,
            )
        )
    return rows


def _seconds(moment: datetime) -> int:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return int(aware.timestamp())


def studied_cards(store: ReviewLog) -> dict[tuple[int, Direction], StudiedCard]:
    """Every direction studied in the app, by (word id, direction): its FSRS state now, its
    reviews and lapses (an Again on a card in review) from the review log."""
    logs: dict[tuple[int, Direction], list[ReviewEntry]] = {}
    for entry in store.reviews():
        if entry.word_id is not None:
            logs.setdefault((entry.word_id, entry.direction), []).append(entry)
    studied = {}
    for key, state in store.card_states().items():
        log = logs.get(key, [])
        lapses = sum(
            1
            for entry in log
            if entry.rating == 1
            and entry.card_before is not None
            and entry.card_before.state == _FSRS_REVIEW
        )
        studied[key] = StudiedCard(state, len(log), lapses, tuple(log))
    return studied
