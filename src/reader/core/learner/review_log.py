"""The study part of the vocabulary store: each (word, direction)'s FSRS card state and the
log of every review (kept when the word is deleted, so the history and the heat map stay
true). `reader.core.learner.study` decides what to write; this only stores it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from reader.core.errors import ReaderError
from reader.core.learner.records import CardState, Direction, ReviewEntry, Status, VocabItem
from reader.core.learner.times import parse_stamp, stamp
from reader.core.learner.vocab_database import VocabDatabase


class ReviewLog(VocabDatabase):
    """Cards and reviews (tables `cards` and `reviews`, schema 2)."""

    def card_states(self, word_id: int | None = None) -> dict[tuple[int, Direction], CardState]:
        """Every reviewed card's FSRS state (or one word's), by (word id, direction)."""
        where, arguments = ("WHERE word_id = ?", (word_id,)) if word_id is not None else ("", ())
        with self._reading() as connection:
            rows = connection.execute(
                "SELECT word_id, direction, state, step, stability, difficulty, due,"
                f" last_review FROM cards {where}",
                arguments,
            ).fetchall()
        states = {}
        for row in rows:
            with self._readable(f"the card of word {row[0]} ({row[1]})"):
                states[(int(row[0]), Direction(row[1]))] = _card_from_row(row[2:])
        return states

    def review_times(self, since: datetime) -> list[datetime]:
        """When each review since `since` happened (the heat map needs nothing else)."""
        with self._reading() as connection:
            return [
                parse_stamp(row[0])
                for row in connection.execute(
                    "SELECT reviewed_at FROM reviews WHERE reviewed_at >= ?", (stamp(since),)
                )
            ]

    def first_reviews_since(self, since: datetime) -> int:
        """How many cards had their first review at or after `since` (the new-card limit)."""
        with self._reading() as connection:
            row = connection.execute(
                "SELECT count(*) FROM reviews WHERE reviewed_at >= ? AND card_before IS NULL",
                (stamp(since),),
            ).fetchone()
            return int(row[0])

    def record_review(
        self,
        item: VocabItem,
        direction: Direction,
        rating: int,
        *,
        reviewed_at: datetime,
        card_before: CardState | None,
        card_after: CardState,
        status_after: Status,
        duration_ms: int | None = None,
    ) -> ReviewEntry:
        """Save a review in one transaction: the new card state, the log row, the status."""
        with self._transaction() as connection:
            row = connection.execute("SELECT status FROM words WHERE id = ?", (item.id,)).fetchone()
            if row is None:
                raise ReaderError(f"{item.traditional} is no longer in your vocabulary")
            status_before = Status(row[0])
            self._write_card(connection, item.id, direction, card_after)
            if status_after is not status_before:
                connection.execute(
                    "UPDATE words SET status = ?, updated_at = ? WHERE id = ?",
                    (status_after.value, stamp(reviewed_at), item.id),
                )
            cursor = connection.execute(
                "INSERT INTO reviews (word_id, word, direction, rating, reviewed_at, duration_ms,"
                " status_before, status_after, card_before, card_after)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    item.id,
                    item.traditional,
                    direction.value,
                    rating,
                    stamp(reviewed_at),
                    duration_ms,
                    status_before.value,
                    status_after.value,
                    _card_json(card_before) if card_before is not None else None,
                    _card_json(card_after),
                ),
            )
            return ReviewEntry(
                id=int(cursor.lastrowid or 0),
                word_id=item.id,
                word=item.traditional,
                direction=direction,
                rating=rating,
                reviewed_at=parse_stamp(stamp(reviewed_at)),
                duration_ms=duration_ms,
                status_before=status_before,
                status_after=status_after,
                card_before=card_before,
                card_after=card_after,
            )

    def undo_review(self, entry: ReviewEntry) -> None:
        """Take a review back: delete its log row, put the card and the status back.

        Only the latest review of that card can be undone (a later one was built on it).
        """
        with self._transaction() as connection:
            latest = connection.execute(
                "SELECT max(id) FROM reviews WHERE word_id = ? AND direction = ?",
                (entry.word_id, entry.direction.value),
            ).fetchone()[0]
            if entry.word_id is None or latest != entry.id:
                raise ReaderError(f"the review of {entry.word} can no longer be undone")
            connection.execute("DELETE FROM reviews WHERE id = ?", (entry.id,))
            if entry.card_before is None:
                connection.execute(
                    "DELETE FROM cards WHERE word_id = ? AND direction = ?",
                    (entry.word_id, entry.direction.value),
                )
            else:
                self._write_card(connection, entry.word_id, entry.direction, entry.card_before)
            connection.execute(
                "UPDATE words SET status = ? WHERE id = ? AND status = ?",
                (entry.status_before.value, entry.word_id, entry.status_after.value),
            )

    def reviews(
        self, *, since: datetime | None = None, word_id: int | None = None
    ) -> list[ReviewEntry]:
        """Logged reviews, oldest first."""
        clauses: list[str] = []
        arguments: list[object] = []
        if since is not None:
            clauses.append("reviewed_at >= ?")
            arguments.append(stamp(since))
        if word_id is not None:
            clauses.append("word_id = ?")
            arguments.append(word_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading() as connection:
            rows = connection.execute(
                "SELECT id, word_id, word, direction, rating, reviewed_at, duration_ms,"
                f" status_before, status_after, card_before, card_after FROM reviews {where}"
                " ORDER BY reviewed_at, id",
                arguments,
            ).fetchall()
        entries = []
        for row in rows:
            with self._readable(f"review {row[0]} of {row[2]}"):
                entries.append(_review_from_row(row))
        return entries

    @contextmanager
    def _readable(self, record: str) -> Iterator[None]:
        """A row another tool wrote wrongly stops the reading of the log with one line that
        names it; the file is left as it is (the learner or `sqlite3` can mend that row)."""
        try:
            yield
        except (ValueError, TypeError) as error:  # bad JSON, numbers, names; wrong lengths
            raise ReaderError(
                f"the vocabulary database {self.path} has a damaged study record ({record}: "
                f"{error}); left untouched"
            ) from None

    @staticmethod
    def _write_card(
        connection: sqlite3.Connection, word_id: int, direction: Direction, card: CardState
    ) -> None:
        connection.execute(
            "INSERT OR REPLACE INTO cards (word_id, direction, state, step, stability,"
            " difficulty, due, last_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                word_id,
                direction.value,
                card.state,
                card.step,
                card.stability,
                card.difficulty,
                stamp(card.due),
                stamp(card.last_review) if card.last_review is not None else None,
            ),
        )


def _card_from_row(row: Sequence[object]) -> CardState:
    state, step, stability, difficulty, due, last_review = row
    return CardState(
        state=int(str(state)),
        step=int(str(step)) if step is not None else None,
        stability=float(str(stability)) if stability is not None else None,
        difficulty=float(str(difficulty)) if difficulty is not None else None,
        due=parse_stamp(str(due)),
        last_review=parse_stamp(str(last_review)) if last_review is not None else None,
    )


def _card_json(card: CardState) -> str:
    # The log keeps each card state whole (full float precision), so undo restores it exactly.
    return json.dumps(
        [
            card.state,
            card.step,
            card.stability,
            card.difficulty,
            stamp(card.due),
            stamp(card.last_review) if card.last_review is not None else None,
        ]
    )


def _card_from_json(text: str) -> CardState:
    return _card_from_row(json.loads(text))


def _review_from_row(row: Sequence[object]) -> ReviewEntry:
    (
        review_id,
        word_id,
        word,
        direction,
        rating,
        reviewed_at,
        duration_ms,
        status_before,
        status_after,
        card_before,
        card_after,
    ) = row
    return ReviewEntry(
        id=int(str(review_id)),
        word_id=int(str(word_id)) if word_id is not None else None,
        word=str(word),
        direction=Direction(str(direction)),
        rating=int(str(rating)),
        reviewed_at=parse_stamp(str(reviewed_at)),
        duration_ms=int(str(duration_ms)) if duration_ms is not None else None,
        status_before=Status(str(status_before)),
        status_after=Status(str(status_after)),
        card_before=_card_from_json(str(card_before)) if card_before is not None else None,
        card_after=_card_from_json(str(card_after)),
    )
