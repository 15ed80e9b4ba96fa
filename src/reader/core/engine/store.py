"""The paragraph store: the one place annotated paragraphs live, for the app and the commands.

A `ParagraphStore` belongs to one document and one annotator. Asking it for paragraph i
(`store[i]`) gives the annotation from, in order:

1. a small in-memory LRU (the paragraphs on screen and around them);
2. an on-disk SQLite cache, one file per document + engine/data version + the learner's
   segmentation rules (`Annotator.cache_key`), so a book is annotated once, ever;
3. the annotator, whose result goes into both.

The disk keeps each paragraph compactly: per token its kind, its length and the id of its
*form* (a Han word as read here: text, Simplified, Traditional, pinyin, gloss), forms once
per document with how often each occurs and where first. That row is also the paragraph's
summary: whole-book figures (the known share of every paragraph, the text's known share,
the pre-reading list, `reader stats`) are worked out from the forms and these rows, never
from paragraphs kept in memory. Memory therefore grows with the vocabulary of a text, not
with its length.

Any number of threads or processes may fill one store (WAL, one transaction per batch, a
paragraph is counted only by the writer whose insert took): whole-book work can be spread
over processes that each annotate a range of paragraphs.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.engine.store_file import KINDS, StoreWriter, prepare, trim_cache
from reader.core.models import AnnotatedParagraph, Document, Token

if TYPE_CHECKING:
    from reader.core.engine.pipeline import Annotator, RulesInUse
    from reader.core.engine.user_dictionary import UserDictionary

STORE_FORMAT = 2  # 2: forms keep their full tones
MEMORY_PARAGRAPHS = 256  # the LRU in front of the disk: a few screens either way


@dataclass(frozen=True, slots=True)
class Form:
    """A Han word as read in a text: what a token is apart from its position."""

    text: str
    simplified: str
    traditional: str
    pinyin_numbered: tuple[str, ...]
    gloss: str | None
    full_tones: tuple[str, ...] = ()  # see `Token.full_tones`


@dataclass(frozen=True, slots=True)
class FormUse:
    """A form with how often it occurs in the annotated part of a text, and where first."""

    form: Form
    count: int
    first_paragraph: int
    first_start: int


def cache_folder() -> Path:
    from reader import paths

    return paths.cache_dir() / "paragraphs"


class ParagraphStore:
    """Annotated paragraphs of one document (see the module docstring).

    Thread-safe. `document` may be the first part of a long text: `extend` takes the whole.
    """

    def __init__(
        self,
        document: Document,
        annotator: Annotator | None = None,
        *,
        memory_paragraphs: int = MEMORY_PARAGRAPHS,
        folder: Path | None = None,
    ) -> None:
        from reader.core.engine.pipeline import default_annotator

        self.document = document
        self.annotator = annotator or default_annotator()
        self.generation = 0  # bumps when the rules change and every annotation is redone
        # Paragraphs annotated for this store in this session (here or by its worker
        # processes), not read back.
        self.annotations_made = 0
        self._memory_size = memory_paragraphs
        self._folder = folder
        self._lock = threading.RLock()
        self._memory: OrderedDict[int, AnnotatedParagraph] = OrderedDict()
        self._previous: dict[int, AnnotatedParagraph] = {}  # shown until redone
        # After a split or join: the store of the rules before, and the words changed.
        self._carry: tuple[Path, frozenset[str]] | None = None
        self._open()

    # ---- the file

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a store in memory (an annotator with no cache key)."""
        return self._path

    def _open(self) -> None:
        key = self.annotator.cache_key()
        self._path: Path | None = None
        if key is not None:
            import hashlib

            name = hashlib.sha256(
                f"{STORE_FORMAT}|{self.document.doc_id}|{key}".encode()
            ).hexdigest()[:32]
            folder = self._folder or cache_folder()
            self._path = folder / f"{name}.sqlite3"
        self._connection = self._connect(self._path)
        self._writer = StoreWriter(self._connection)
        # The rules annotations here are made under (to see what a split or join changed).
        self._rules = self.annotator.rules_now() if key is not None else None
        self._forms: dict[int, Form] = {}
        self._counts: dict[int, int] = {}
        self._on_disk = bytearray(len(self.document.paragraphs))
        self._annotated = 0
        with self._lock:
            for (index,) in self._connection.execute("SELECT idx FROM paragraphs"):
                self._mark(index)
            for form_id, count in self._connection.execute(
                "SELECT id, count FROM forms WHERE count > 0"
            ):
                self._counts[form_id] = count

    def _connect(self, path: Path | None) -> sqlite3.Connection:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(OSError):
                    os.utime(path)  # most recently opened: trimmed last
                connection = prepare(sqlite3.connect(path, check_same_thread=False))
                trim_cache(path.parent, keep=path)
                return connection
            except sqlite3.Error:
                # A damaged or unwritable cache is only a cache: start it again, else keep
                # this session's annotations in memory.
                with contextlib.suppress(OSError):
                    path.unlink()
                try:
                    return prepare(sqlite3.connect(path, check_same_thread=False))
                except sqlite3.Error:
                    self._path = None
            except OSError:
                self._path = None
        return prepare(sqlite3.connect(":memory:", check_same_thread=False))

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._connection.close()

    def _mark(self, index: int) -> None:
        if 0 <= index < len(self._on_disk) and not self._on_disk[index]:
            self._on_disk[index] = 1
            self._annotated += 1

    # ---- the document

    def __len__(self) -> int:
        return len(self.document.paragraphs)

    def extend(self, document: Document) -> None:
        """Take the whole of a text this was the first part of (same id, same first
        paragraphs, so the annotations made so far stay valid)."""
        if document.doc_id != self.document.doc_id or len(document.paragraphs) < len(self):
            raise ValueError("extend() takes the whole of the same document")
        with self._lock:
            grown = len(document.paragraphs) - len(self._on_disk)
            self.document = document
            self._on_disk.extend(bytes(grown))
            for (index,) in self._connection.execute(
                "SELECT idx FROM paragraphs WHERE idx >= ?", (len(self._on_disk) - grown,)
            ):
                self._mark(index)

    # ---- paragraphs

    def __getitem__(self, index: int) -> AnnotatedParagraph:
        """Paragraph `index` annotated: from memory, from disk, else annotated now."""
        found = self.get(index)
        if found is not None:
            return found
        generation = self.generation
        annotated = self.make(index)
        self.put([annotated], generation)
        return annotated

    def make(self, index: int) -> AnnotatedParagraph:
        """Annotate paragraph `index` now (keep it with `put`: workers put in batches)."""
        annotated = self.annotator.annotate_paragraph(
            self.document.paragraphs[index], self.document.script
        )
        with self._lock:
            self.annotations_made += 1
        return annotated

    def fill(self, indices: Iterable[int], *, jobs: int | None = None) -> None:
        """Annotate and keep every paragraph of `indices` not annotated yet: on every core
        (`parallel.StoreFill`) when there is enough of it, else here in batches."""
        from reader.core.engine import parallel

        self.carry_over()
        wanted = [index for index in indices if not self.is_annotated(index)]
        jobs = parallel.worker_count() if jobs is None else jobs
        if jobs > 1 and parallel.StoreFill.worthwhile(self, wanted):
            with parallel.StoreFill(self, wanted, jobs=jobs) as filling:
                while not filling.done:
                    filling.poll(None)
            return
        paragraphs = self.document.paragraphs
        generation = self.generation
        for batch in parallel.batches(paragraphs[index] for index in wanted):
            made = self.annotator.annotate_many(batch, self.document.script)
            with self._lock:
                self.annotations_made += len(made)
            self.put(made, generation)

    def __iter__(self) -> Iterator[AnnotatedParagraph]:
        for index in range(len(self)):
            yield self[index]

    def get(self, index: int) -> AnnotatedParagraph | None:
        """Paragraph `index` if it is annotated (in memory or on disk); never annotates."""
        with self._lock:
            found = self._memory.get(index)
            if found is not None:
                self._memory.move_to_end(index)
                return found
            if not (0 <= index < len(self._on_disk) and self._on_disk[index]):
                return None
            row = self._connection.execute(
                "SELECT tokens FROM paragraphs WHERE idx = ?", (index,)
            ).fetchone()
            annotated = self._decode(index, row[0]) if row is not None else None
            if annotated is not None:
                self._remember(annotated)
            return annotated

    def shown(self, index: int) -> AnnotatedParagraph | None:
        """What to draw: the annotation, or the one from before the rules changed until it
        is redone."""
        return self.get(index) or self._previous.get(index)

    def is_annotated(self, index: int) -> bool:
        with self._lock:
            return index in self._memory or (
                0 <= index < len(self._on_disk) and bool(self._on_disk[index])
            )

    @property
    def annotated_count(self) -> int:
        """How many paragraphs are annotated (on disk: this session's and earlier ones)."""
        return self._annotated

    @property
    def complete(self) -> bool:
        return self._annotated >= len(self)

    def missing(self, start: int = 0) -> Iterator[int]:
        """Indices from `start` on that are not annotated yet (for whole-book workers)."""
        for index in range(start, len(self)):
            if not self._on_disk[index]:
                yield index

    def _remember(self, annotated: AnnotatedParagraph) -> None:
        self._memory[annotated.index] = annotated
        self._memory.move_to_end(annotated.index)
        while len(self._memory) > self._memory_size:
            self._memory.popitem(last=False)

    def put(self, paragraphs: Sequence[AnnotatedParagraph], generation: int | None = None) -> None:
        """Keep annotated paragraphs (one transaction); one already stored is left as it is.
        Made for an older `generation` (before the rules changed), they are dropped."""
        if not paragraphs:
            return
        with self._lock:
            if generation is not None and generation != self.generation:
                return
            for annotated in paragraphs:
                self._remember(annotated)
                self._previous.pop(annotated.index, None)
            try:
                self._write(paragraphs)
            except sqlite3.Error:
                return  # only a cache: the paragraphs stay in memory this session

    def _write(self, paragraphs: Sequence[AnnotatedParagraph]) -> None:
        fresh = [p for p in paragraphs if 0 <= p.index < len(self._on_disk)]
        fresh = [p for p in fresh if not self._on_disk[p.index]]
        if fresh:
            self._written(*self._writer.write(fresh))

    def note_written(self, indices: Sequence[int], uses: dict[int, int]) -> None:
        """Paragraphs a worker process annotated for this store and put into its file, and
        the form counts they added."""
        with self._lock:
            self.annotations_made += len(indices)
            self._written(indices, uses)

    def _written(self, indices: Iterable[int], uses: dict[int, int]) -> None:
        with self._lock:
            for index in indices:
                self._mark(index)
            counts = self._counts
            for form_id, count in uses.items():
                counts[form_id] = counts.get(form_id, 0) + count

    def _decode(self, index: int, blob: bytes) -> AnnotatedParagraph | None:
        paragraph = self.document.paragraphs[index]
        try:
            packed = array("i")
            packed.frombytes(zlib.decompress(blob))
            if len(packed) % 3:
                return None
            self._load_forms(packed[2::3])
            tokens: list[Token] = []
            start = 0
            text = paragraph.text
            for position in range(0, len(packed), 3):
                kind, length, form_id = packed[position : position + 3]
                end = start + length
                word = text[start:end]
                if form_id:
                    form = self._forms[form_id]
                    if form.text != word:
                        return None
                    tokens.append(
                        Token(
                            word,
                            start,
                            end,
                            KINDS[kind],
                            form.simplified,
                            form.traditional,
                            form.pinyin_numbered,
                            form.gloss,
                            form.full_tones,
                        )
                    )
                else:
                    tokens.append(Token(word, start, end, KINDS[kind], word, word))
                start = end
        except (zlib.error, ValueError, IndexError, KeyError):
            return None
        if start != len(text):
            return None  # not this paragraph (never shown)
        return AnnotatedParagraph(paragraph, tuple(tokens))

    def _load_forms(self, form_ids: Iterable[int]) -> None:
        wanted = {form_id for form_id in form_ids if form_id and form_id not in self._forms}
        if not wanted:
            return
        ids = sorted(wanted)
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            for (
                form_id,
                text,
                simplified,
                traditional,
                pinyin,
                gloss,
                full,
            ) in self._connection.execute(
                "SELECT id, text, simplified, traditional, pinyin, gloss, full_tones FROM forms"
                f" WHERE id IN ({marks})",
                part,
            ):
                form = Form(
                    text, simplified, traditional, tuple(pinyin.split()), gloss, tuple(full.split())
                )
                self._forms[form_id] = form

    # ---- summaries: the whole book without its paragraphs

    def form(self, form_id: int) -> Form:
        with self._lock:
            self._load_forms((form_id,))
            return self._forms[form_id]

    def form_counts(self) -> dict[int, int]:
        """Form id -> occurrences in the annotated paragraphs."""
        with self._lock:
            return dict(self._counts)

    def paragraph_forms(self, index: int) -> tuple[int, ...] | None:
        """The form ids of a paragraph's Han words, in order (None: not annotated)."""
        with self._lock:
            if not (0 <= index < len(self._on_disk) and self._on_disk[index]):
                return None
            row = self._connection.execute(
                "SELECT tokens FROM paragraphs WHERE idx = ?", (index,)
            ).fetchone()
        if row is None:
            return None
        packed = array("i")
        try:
            packed.frombytes(zlib.decompress(row[0]))
        except zlib.error:
            return None
        return tuple(form_id for form_id in packed[2::3] if form_id)

    def form_uses(self) -> list[FormUse]:
        """Every form of the annotated paragraphs with its count and first place, in order
        of first occurrence."""
        with self._lock:
            rows = self._connection.execute(
                "SELECT id, count, first_paragraph, first_start FROM forms WHERE count > 0"
                " ORDER BY first_paragraph, first_start, id"
            ).fetchall()
            self._load_forms(row[0] for row in rows)
            return [
                FormUse(self._forms[form_id], count, first_paragraph, first_start)
                for form_id, count, first_paragraph, first_start in rows
            ]

    # ---- the learner's rules changed

    def rules_changed(self, user_dictionary: UserDictionary | None = None) -> None:
        """The segmentation rules changed (to `user_dictionary`, or as their file says now):
        annotations are made (and kept) under the new rules, in a store of their own; until
        a paragraph is redone, `shown` gives its old annotation. The paragraphs the change
        cannot touch are copied from the old store by `carry_over`."""
        with self._lock:
            self.generation += 1
            self._previous = {**self._previous, **self._memory}
            self._memory.clear()
            before, old_path = self._rules, self._path
            self.annotator.reload_user_dictionary(user_dictionary)
            self.close()
            self._open()
            if old_path is not None and self._path is not None and old_path != self._path:
                changed = _changed_words(before, self._rules)
                self._carry = (old_path, changed) if changed else None

    def carry_over(self) -> list[int]:
        """Copy from the store of the rules before the last split or join every paragraph
        that change cannot touch (it does not hold the word); the indices copied. Slow for a
        book (it reads the old store whole): call it from a worker thread."""
        from reader.core.engine.store_file import carry_over

        with self._lock:
            pending, self._carry = self._carry, None
            writer = self._writer
            generation = self.generation
        if pending is None:
            return []
        source, changed = pending
        indices, uses = carry_over(
            source,
            writer,
            changed,
            lambda index: not self.is_annotated(index) and generation == self.generation,
            between_batches=lambda: time.sleep(0.002),  # leave the screen the GIL now and then
        )
        with self._lock:
            if generation == self.generation:
                self._written(indices, uses)
                for index in indices:
                    self._previous.pop(index, None)
        return indices


def _changed_words(before: RulesInUse | None, after: RulesInUse | None) -> frozenset[str] | None:
    """Every word whose rule differs between two sets of rules, in every script (rules match
    a text's original and Simplified forms); None when either is not known."""
    if before is None or after is None:
        return None
    from reader.core.engine.convert import to_simplified, to_traditional

    old, new = before.words(), after.words()
    words = {word for word in old.keys() | new.keys() if old.get(word, 0) != new.get(word, 0)}
    return frozenset(
        form for word in words for form in (word, to_simplified(word), to_traditional(word))
    )


def annotate(document: Document, annotator: Annotator | None = None) -> ParagraphStore:
    """The document's paragraph store: paragraphs annotated on first access, kept on disk."""
    return ParagraphStore(document, annotator)
