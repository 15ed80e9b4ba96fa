"""The learner's vocabulary: saved words, their status and the sentences they came from.

`VocabStore` keeps them in SQLite (`paths.data_dir()/vocab.sqlite3`, see `vocab_database`
for how the file is opened, migrated and written); its bases keep the study cards and review
log (`review_log`) and the journal of bulk changes (`bulk_changes`). A word is keyed by its
Traditional form; `get`/`set_status`/`remove` accept either script. What is stored is in
`records`; what a new word keeps is worked out in `describe`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from reader.core.errors import ReaderError
from reader.core.learner.bulk_changes import BulkChangeJournal
from reader.core.learner.records import Context, Status, VocabItem, WordForms
from reader.core.learner.review_log import ReviewLog
from reader.core.learner.times import parse_stamp, stamp, utc_now
from reader.core.learner.vocab_database import default_vocab_path

# ---- the store


def saved_statuses() -> dict[str, Status]:
    """The learner's word statuses by form (`VocabStore.statuses`); none, and no file made,
    before the first word is saved."""
    if not default_vocab_path().exists():
        return {}
    with VocabStore() as store:
        return store.statuses()


class VocabStore(ReviewLog, BulkChangeJournal):
    """The vocabulary database: words, their sentences and statuses (and, from its bases,
    study cards and reviews, and bulk changes). Thread-safe; open one per process and close
    it when done. Every public method is one transaction; on a damaged file it raises
    ReaderError."""

    # -- reading

    def get(self, word: str) -> VocabItem | None:
        """The saved word whose Traditional or Simplified form is `word`."""
        with self._reading() as connection:
            row_id = self._find_id(connection, word.strip())
            return self._load(connection, row_id) if row_id is not None else None

    def require(self, word: str) -> VocabItem:
        item = self.get(word)
        if item is None:
            raise ReaderError(f"{word.strip()} is not in your vocabulary")
        return item

    def items(
        self,
        *,
        statuses: Iterable[Status] | None = None,
        since: datetime | None = None,
        doc_id: str | None = None,
    ) -> list[VocabItem]:
        """Saved words, oldest first; `since` compares with the last change (updated_at)."""
        clauses: list[str] = []
        arguments: list[object] = []
        if statuses is not None:
            wanted = sorted({status.value for status in statuses})
            clauses.append(f"status IN ({', '.join('?' * len(wanted))})")
            arguments.extend(wanted)
        if since is not None:
            clauses.append("updated_at >= ?")
            arguments.append(stamp(since))
        if doc_id is not None:
            clauses.append("id IN (SELECT word_id FROM contexts WHERE doc_id = ?)")
            arguments.append(doc_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading() as connection:
            rows = connection.execute(
                f"SELECT * FROM words {where} ORDER BY created_at, id", arguments
            ).fetchall()
            contexts = self._contexts_by_word(connection, [row[0] for row in rows])
            return [_item_from_row(row, contexts.get(row[0], ())) for row in rows]

    def statuses(self) -> dict[str, Status]:
        """Status by word form (Traditional and Simplified): what the reading screen colours."""
        with self._reading() as connection:
            result: dict[str, Status] = {}
            for traditional, simplified, status in connection.execute(
                "SELECT traditional, simplified, status FROM words"
            ):
                result[simplified] = Status(status)
                result[traditional] = Status(status)
            return result

    def __len__(self) -> int:
        with self._reading() as connection:
            return int(connection.execute("SELECT count(*) FROM words").fetchone()[0])

    # -- writing

    def add(
        self,
        forms: WordForms,
        *,
        status: Status | None = None,
        context: Context | None = None,
        now: datetime | None = None,
    ) -> VocabItem:
        """Save a word, or add the context (and status) to the word already saved.

        A word saved again keeps its definition and status unless a status is given.
        """
        moment = stamp(now or utc_now())
        with self._transaction() as connection:
            row_id = self._find_id(connection, forms.traditional, exact=True)
            if row_id is None:
                row_id = self._insert(connection, forms, status or Status.NEW, moment)
            elif status is not None:
                connection.execute(
                    "UPDATE words SET status = ?, updated_at = ? WHERE id = ?",
                    (status.value, moment, row_id),
                )
            if context is not None and self._add_context(connection, row_id, context, moment):
                connection.execute("UPDATE words SET updated_at = ? WHERE id = ?", (moment, row_id))
            return self._load(connection, row_id)

    def set_many(
        self,
        words: Iterable[WordForms],
        status: Status,
        contexts: Mapping[str, Context] | None = None,
    ) -> int:
        """Give every word `status` in one transaction, saving those not yet saved (with
        their context from `contexts`, by Traditional form, when there is one).

        For "mark the rest of this paragraph known". Returns how many rows changed.
        """
        moment = stamp(utc_now())
        changed = 0
        contexts = contexts or {}
        with self._transaction() as connection:
            for forms in words:
                row_id = self._find_id(connection, forms.traditional, exact=True)
                if row_id is None:
                    row_id = self._insert(connection, forms, status, moment)
                    context = contexts.get(forms.traditional)
                    if context is not None:
                        self._add_context(connection, row_id, context, moment)
                    changed += 1
                else:
                    cursor = connection.execute(
                        "UPDATE words SET status = ?, updated_at = ? WHERE id = ? AND status != ?",
                        (status.value, moment, row_id, status.value),
                    )
                    changed += cursor.rowcount
        return changed

    def forms_by_status(self) -> dict[str, tuple[str, Status]]:
        """(Traditional form, status) of every saved word, by Traditional and by Simplified
        form: what a bulk change checks its words against."""
        with self._reading() as connection:
            found: dict[str, tuple[str, Status]] = {}
            for traditional, simplified, status in connection.execute(
                "SELECT traditional, simplified, status FROM words ORDER BY id"
            ):
                found.setdefault(simplified, (traditional, Status(status)))
                found[traditional] = (traditional, Status(status))
            return found

    def set_status(self, word: str, status: Status) -> VocabItem:
        return self._update(word, "status", status.value)

    def set_definition(self, word: str, definition: str) -> VocabItem:
        return self._update(word, "definition", definition.strip())

    def remove(self, word: str) -> VocabItem:
        """Delete a word with its contexts; returns it, so the caller can `restore` it (undo)."""
        with self._transaction() as connection:
            row_id = self._find_id(connection, word.strip())
            if row_id is None:
                raise ReaderError(f"{word.strip()} is not in your vocabulary")
            item = self._load(connection, row_id)
            connection.execute("DELETE FROM words WHERE id = ?", (row_id,))
            return item

    def restore(self, item: VocabItem) -> VocabItem:
        """Put back a removed word exactly as it was (times and contexts included)."""
        with self._transaction() as connection:
            if self._find_id(connection, item.traditional, exact=True) is not None:
                raise ReaderError(f"{item.traditional} is already in your vocabulary")
            cursor = connection.execute(
                "INSERT INTO words (traditional, simplified, pinyin, definition, status,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    item.traditional,
                    item.simplified,
                    " ".join(item.pinyin_numbered),
                    item.definition,
                    item.status.value,
                    stamp(item.created_at),
                    stamp(item.updated_at),
                ),
            )
            row_id = int(cursor.lastrowid or 0)
            for context in item.contexts:
                self._add_context(
                    connection, row_id, context, stamp(context.added_at or item.created_at)
                )
            return self._load(connection, row_id)

    # -- helpers

    def _update(self, word: str, column: str, value: str) -> VocabItem:
        with self._transaction() as connection:
            row_id = self._find_id(connection, word.strip())
            if row_id is None:
                raise ReaderError(f"{word.strip()} is not in your vocabulary")
            connection.execute(
                f"UPDATE words SET {column} = ?, updated_at = ? WHERE id = ?",
                (value, stamp(utc_now()), row_id),
            )
            return self._load(connection, row_id)

    @staticmethod
    def _find_id(connection: sqlite3.Connection, word: str, *, exact: bool = False) -> int | None:
        """The row of `word`: its Traditional form, else its Simplified form, else a word
        with the same Simplified form (a variant spelling: the learner typed 很難說, the
        dictionary saved it as 很難説). `exact` looks at the Traditional form only."""
        row = connection.execute("SELECT id FROM words WHERE traditional = ?", (word,)).fetchone()
        if row is not None or exact:
            return int(row[0]) if row is not None else None
        from reader.core.engine.convert import to_simplified

        for form in dict.fromkeys((word, to_simplified(word))):
            rows = connection.execute(
                "SELECT id, traditional FROM words WHERE simplified = ? ORDER BY id", (form,)
            ).fetchall()
            if len(rows) > 1:
                forms = ", ".join(traditional for _, traditional in rows)
                raise ReaderError(f"{word} is ambiguous ({forms}): give the Traditional form")
            if rows:
                return int(rows[0][0])
        return None

    @staticmethod
    def _insert(
        connection: sqlite3.Connection, forms: WordForms, status: Status, moment: str
    ) -> int:
        cursor = connection.execute(
            "INSERT INTO words (traditional, simplified, pinyin, definition, status,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                forms.traditional,
                forms.simplified,
                " ".join(forms.pinyin_numbered),
                forms.definition,
                status.value,
                moment,
                moment,
            ),
        )
        return int(cursor.lastrowid or 0)

    @staticmethod
    def _add_context(
        connection: sqlite3.Connection, row_id: int, context: Context, moment: str
    ) -> bool:
        cursor = connection.execute(
            "INSERT OR IGNORE INTO contexts (word_id, sentence, doc_title, doc_id,"
            " paragraph_index, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                row_id,
                context.sentence.strip(),
                context.doc_title,
                context.doc_id,
                context.paragraph_index,
                moment,
            ),
        )
        return cursor.rowcount > 0

    def _load(self, connection: sqlite3.Connection, row_id: int) -> VocabItem:
        row = connection.execute("SELECT * FROM words WHERE id = ?", (row_id,)).fetchone()
        contexts = self._contexts_by_word(connection, [row_id])
        return _item_from_row(row, contexts.get(row_id, ()))

    @staticmethod
    def _contexts_by_word(
        connection: sqlite3.Connection, word_ids: Sequence[int]
    ) -> dict[int, tuple[Context, ...]]:
        if not word_ids:
            return {}
        found: dict[int, list[Context]] = {}
        # One query for all words; chunks stay under SQLite's bound-parameter limit.
        for start in range(0, len(word_ids), 900):
            chunk = word_ids[start : start + 900]
            rows = connection.execute(
                "SELECT word_id, sentence, doc_title, doc_id, paragraph_index, created_at"
                f" FROM contexts WHERE word_id IN ({', '.join('?' * len(chunk))})"
                " ORDER BY created_at, id",
                chunk,
            )
            for word_id, sentence, title, doc_id, paragraph_index, created_at in rows:
                found.setdefault(word_id, []).append(
                    Context(sentence, title, doc_id, paragraph_index, parse_stamp(created_at))
                )
        return {word_id: tuple(contexts) for word_id, contexts in found.items()}


def _item_from_row(row: Sequence[object], contexts: tuple[Context, ...]) -> VocabItem:
    row_id, traditional, simplified, pinyin, definition, status, created, updated = row
    return VocabItem(
        id=int(str(row_id)),
        traditional=str(traditional),
        simplified=str(simplified),
        pinyin_numbered=tuple(str(pinyin).split()),
        definition=str(definition),
        status=Status(str(status)),
        contexts=contexts,
        created_at=parse_stamp(str(created)),
        updated_at=parse_stamp(str(updated)),
    )


def open_store(path: Path | str | None = None) -> VocabStore:
    return VocabStore(path)
