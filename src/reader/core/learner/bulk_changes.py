"""The journal of bulk changes ("I know HSK 1-3", an imported deck): each records every word
it touched and what it was before, so `undo_bulk_change` takes it back in one step, even from
another process later (`reader known undo`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from reader.core.learner.records import BulkChange, Context, Status, UndoneChange, WordForms
from reader.core.learner.times import parse_stamp, stamp, utc_now
from reader.core.learner.vocab_database import VocabDatabase


class BulkChangeJournal(VocabDatabase):
    """Bulk changes of statuses, journaled (tables `bulk_changes`, `bulk_change_words`)."""

    def apply_bulk_change(
        self,
        label: str,
        words: Sequence[WordForms],
        status: Status,
        *,
        contexts: Mapping[str, Context] | None = None,
        now: datetime | None = None,
    ) -> BulkChange:
        """Give every word `status` (saving those not saved yet) in one transaction, and
        journal what each was before so `undo_bulk_change` can put it back. The caller
        decides which words to pass (see `reader.core.learner.known`); words that already
        have `status` are left alone and not journaled. A word changed gets its sentence
        from `contexts` (by Traditional form), which an undo takes away again."""
        moment = stamp(now or utc_now())
        contexts = contexts or {}
        with self._transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO bulk_changes (label, made_at) VALUES (?, ?)", (label, moment)
            )
            change_id = int(cursor.lastrowid or 0)
            existing = {
                row[0]: (row[1], row[2])
                for row in connection.execute("SELECT traditional, status, updated_at FROM words")
            }
            inserts: list[tuple[str, str, str, str, str, str, str]] = []
            updates: list[tuple[str, str, str]] = []
            journal: list[tuple[int, str, str | None, str | None]] = []
            for forms in words:
                before = existing.get(forms.traditional)
                if before is None:
                    inserts.append(
                        (
                            forms.traditional,
                            forms.simplified,
                            " ".join(forms.pinyin_numbered),
                            forms.definition,
                            status.value,
                            moment,
                            moment,
                        )
                    )
                    journal.append((change_id, forms.traditional, None, None))
                    existing[forms.traditional] = (status.value, moment)
                elif before[0] != status.value:
                    updates.append((status.value, moment, forms.traditional))
                    journal.append((change_id, forms.traditional, before[0], before[1]))
                    existing[forms.traditional] = (status.value, moment)
            connection.executemany(
                "INSERT INTO words (traditional, simplified, pinyin, definition, status,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                inserts,
            )
            connection.executemany(
                "UPDATE words SET status = ?, updated_at = ? WHERE traditional = ?", updates
            )
            connection.executemany(
                "INSERT INTO bulk_change_words (change_id, traditional, status_before,"
                " updated_before) VALUES (?, ?, ?, ?)",
                journal,
            )
            connection.executemany(
                "INSERT OR IGNORE INTO contexts (word_id, sentence, doc_title, doc_id,"
                " paragraph_index, created_at) SELECT id, ?, ?, ?, ?, ? FROM words"
                " WHERE traditional = ?",
                [
                    (
                        context.sentence.strip(),
                        context.doc_title,
                        context.doc_id,
                        context.paragraph_index,
                        moment,
                        traditional,
                    )
                    for _, traditional, _, _ in journal
                    if (context := contexts.get(traditional)) is not None and context.sentence
                ],
            )
            return BulkChange(change_id, label, parse_stamp(moment), len(journal))

    def bulk_changes(self, *, include_undone: bool = False) -> list[BulkChange]:
        """The journaled bulk changes, newest first."""
        where = "" if include_undone else "WHERE undone_at IS NULL"
        with self._reading() as connection:
            rows = connection.execute(
                "SELECT c.id, c.label, c.made_at, c.undone_at,"
                " (SELECT count(*) FROM bulk_change_words w WHERE w.change_id = c.id)"
                f" FROM bulk_changes c {where} ORDER BY c.id DESC"
            ).fetchall()
        return [_bulk_change_from_row(row) for row in rows]

    def undo_bulk_change(self, change_id: int | None = None) -> UndoneChange | None:
        """Take back a bulk change (the latest not undone yet, by default) in one
        transaction: words it saved are removed, words it changed get their status back.
        A word changed again since (its status or its sentences) is left as it is now and
        named in `kept`. None when there is nothing to undo."""
        with self._transaction() as connection:
            if change_id is None:
                row = connection.execute(
                    "SELECT id FROM bulk_changes WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1"
                ).fetchone()
                if row is None:
                    return None
                change_id = int(row[0])
            header = connection.execute(
                "SELECT c.id, c.label, c.made_at, c.undone_at,"
                " (SELECT count(*) FROM bulk_change_words w WHERE w.change_id = c.id)"
                " FROM bulk_changes c WHERE c.id = ?",
                (change_id,),
            ).fetchone()
            if header is None or header[3] is not None:
                return None
            change = _bulk_change_from_row(header)
            made_at = header[2]
            current = {
                row[0]: (int(row[1]), row[2], row[3])
                for row in connection.execute(
                    "SELECT w.traditional, w.id, w.status, w.updated_at FROM words w"
                    " JOIN bulk_change_words j ON j.traditional = w.traditional"
                    " WHERE j.change_id = ?",
                    (change_id,),
                )
            }
            removals: list[tuple[int]] = []
            restores: list[tuple[str, str, int]] = []
            kept: list[str] = []
            for traditional, status_before, updated_before in connection.execute(
                "SELECT traditional, status_before, updated_before FROM bulk_change_words"
                " WHERE change_id = ? ORDER BY traditional",
                (change_id,),
            ).fetchall():
                now_row = current.get(traditional)
                if now_row is None:
                    continue  # deleted since: nothing to put back
                word_id, _status, updated_at = now_row
                if updated_at != made_at:
                    kept.append(traditional)
                elif status_before is None:
                    removals.append((word_id,))
                else:
                    restores.append((status_before, updated_before, word_id))
            connection.executemany("DELETE FROM words WHERE id = ?", removals)
            connection.executemany(
                "UPDATE words SET status = ?, updated_at = ? WHERE id = ?", restores
            )
            # The sentences the change gave words it did not save (those it saved are gone).
            connection.executemany(
                "DELETE FROM contexts WHERE word_id = ? AND created_at = ?",
                [(word_id, made_at) for _, _, word_id in restores],
            )
            undone_at = stamp(utc_now())
            connection.execute(
                "UPDATE bulk_changes SET undone_at = ? WHERE id = ?", (undone_at, change_id)
            )
            undone = BulkChange(
                change.id, change.label, change.made_at, change.words, parse_stamp(undone_at)
            )
            return UndoneChange(undone, len(removals) + len(restores), tuple(kept))


def _bulk_change_from_row(row: Sequence[object]) -> BulkChange:
    change_id, label, made_at, undone_at, words = row
    return BulkChange(
        id=int(str(change_id)),
        label=str(label),
        made_at=parse_stamp(str(made_at)),
        words=int(str(words)),
        undone_at=parse_stamp(str(undone_at)) if undone_at is not None else None,
    )
