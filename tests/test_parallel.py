"""Whole-text annotation on every core: worker processes give exactly what annotating one
paragraph at a time gives, in order, into the store or out as a stream; and a paragraph
reads the same whatever was annotated before it (which worker annotated what is chance)."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
from pathlib import Path

import pytest

from reader.core.engine import parallel
from reader.core.engine.pipeline import Annotator, default_annotator
from reader.core.engine.store import ParagraphStore, annotate
from reader.core.engine.warmup import encode_paragraph
from reader.core.models import AnnotatedParagraph, Document, Paragraph, ParagraphKind, Script
from reader.core.text.loader import load_path, load_text
from tests.support import SEED, reader_command, subprocess_env


def _with_pid(paragraph: AnnotatedParagraph) -> tuple[int, str]:
    """A render that says which process made it (a module-level function: it is pickled)."""
    return os.getpid(), encode_paragraph(paragraph)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches and thresholds for a short text, so the seed is enough to need workers."""
    monkeypatch.setattr(parallel, "BATCH_CHARS", 400)
    monkeypatch.setattr(parallel, "IN_PROCESS_CHARS", 300)


@pytest.fixture(params=["fork", "spawn"])
def start_method(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Workers started either way: forked from a command, spawned from the app."""
    method = str(request.param)
    monkeypatch.setattr(parallel, "_context", lambda: multiprocessing.get_context(method))
    return method


def _counts(store: ParagraphStore) -> dict[object, int]:
    """Occurrences by form (ids depend on which writer met a form first)."""
    return {store.form(form_id): count for form_id, count in store.form_counts().items()}


def _one_by_one(document: Document) -> list[AnnotatedParagraph]:
    annotator = Annotator()
    return [annotator.annotate_paragraph(p, document.script) for p in document.paragraphs]


def test_a_stream_in_workers_is_what_one_paragraph_at_a_time_gives(
    small_batches: None, start_method: str
) -> None:
    document = load_path(SEED)
    expected = [encode_paragraph(p) for p in _one_by_one(document)]
    batches = parallel.annotate_in_order(document.paragraphs, document.script, _with_pid, jobs=2)
    made = [made for batch in batches for made in batch]
    assert [line for _, line in made] == expected  # the same, in the text's order
    assert {pid for pid, _ in made} - {os.getpid()}  # workers made the rest
    assert made[0][0] == os.getpid()  # the first paragraph is out before any worker starts


def test_a_short_stream_starts_no_worker() -> None:
    document = load_text("今天天氣很好。\n\n我們去公園散步吧。\n")
    batches = parallel.annotate_in_order(document.paragraphs, document.script, _with_pid)
    made = [made for batch in batches for made in batch]
    assert {pid for pid, _ in made} == {os.getpid()}
    assert [line for _, line in made] == [encode_paragraph(p) for p in _one_by_one(document)]


def test_workers_fill_a_store_as_this_process_would(
    small_batches: None, start_method: str, tmp_path: Path
) -> None:
    document = load_path(SEED)
    store = ParagraphStore(document, default_annotator(), folder=tmp_path / "workers")
    assert parallel.StoreFill.worthwhile(store)
    store.fill(store.missing(), jobs=2)
    assert store.complete and store.annotations_made == len(document.paragraphs)

    here = ParagraphStore(document, Annotator(), folder=tmp_path / "here")
    here.fill(here.missing(), jobs=1)  # in this process
    assert here.complete
    assert _counts(store) == _counts(here) != {}
    expected = _one_by_one(document)
    reopened = ParagraphStore(document, default_annotator(), folder=tmp_path / "workers")
    assert reopened.complete and reopened.annotations_made == 0
    assert [reopened[i] for i in range(len(reopened))] == expected
    assert {(use.form, use.first_paragraph, use.first_start) for use in reopened.form_uses()} == {
        (use.form, use.first_paragraph, use.first_start) for use in here.form_uses()
    }


def test_a_worker_whose_engine_differs_writes_nothing(tmp_path: Path) -> None:
    """A worker checks its annotations would be this process's (code, data, the learner's
    rules) before it writes into a store."""
    document = load_path(SEED)
    store = ParagraphStore(document, default_annotator(), folder=tmp_path)
    job: parallel._Job[None] = parallel._Job(
        document.script, "another engine", store_path=str(store.path)
    )
    workers = parallel._Workers(job, default_annotator(), 1)
    try:
        workers.send(list(document.paragraphs[:3]))
        with pytest.raises(parallel.WorkerError, match="differ"):
            workers.receive(30)
    finally:
        workers.close()
    assert ParagraphStore(document, default_annotator(), folder=tmp_path).annotated_count == 0


def test_two_writers_count_each_paragraph_once(tmp_path: Path) -> None:
    """Writers of one store file that overlap (a worker, and the screen annotating what the
    learner looks at) leave each paragraph and its words counted once."""
    document = load_path(SEED)
    annotator = Annotator()
    made = [annotator.annotate_paragraph(p, document.script) for p in document.paragraphs]
    first = ParagraphStore(document, annotator, folder=tmp_path / "shared")
    second = ParagraphStore(document, annotator, folder=tmp_path / "shared")
    first.put(made[:40])
    second.put(made[20:])  # 20 of them are there already
    alone = ParagraphStore(document, annotator, folder=tmp_path / "alone")
    alone.put(made)
    reopened = ParagraphStore(document, annotator, folder=tmp_path / "shared")
    assert reopened.complete
    assert _counts(reopened) == _counts(alone)
    assert sum(reopened.form_counts().values()) == sum(
        token.is_han for paragraph in made for token in paragraph.tokens
    )


def _tokens(annotated: AnnotatedParagraph, text: str) -> list[tuple[str, ...]]:
    return [(t.text, " ".join(t.pinyin_numbered), t.gloss or "") for t in annotated.tokens]


@pytest.mark.parametrize(
    ("before", "paragraph", "script"),
    [
        ("他走過來了。", "我是過來人。", Script.TRADITIONAL),
        ("基本上是這樣。", "說不定他基本上同意。", Script.TRADITIONAL),
        # One Traditional form, two Simplified ones (a Simplified text quoting Traditional):
        # the sense rules read the Simplified form, and the first one met won.
        ("他為了你。", "他为了你。", Script.SIMPLIFIED),
        ("他为了你。", "他為了你。", Script.SIMPLIFIED),
    ],
)
def test_a_paragraph_reads_the_same_whatever_came_before(
    before: str, paragraph: str, script: Script
) -> None:
    first = Paragraph(0, ParagraphKind.PARAGRAPH, before)
    second = Paragraph(1, ParagraphKind.PARAGRAPH, paragraph)
    after_another = Annotator().annotate_many([first, second], script)[1]
    for annotator in (Annotator(), Annotator()):
        alone = annotator.annotate_paragraph(second, script)
        assert _tokens(alone, paragraph) == _tokens(after_another, paragraph)
    batched_apart = Annotator()
    batched_apart.annotate_paragraph(first, script)
    assert batched_apart.annotate_paragraph(second, script) == after_another


@pytest.mark.slow
def test_reader_annotate_of_a_long_text_is_the_same_on_every_core(
    reader_home: Path, tmp_path: Path
) -> None:
    """The real command on a text long enough for workers (forked from it): every format
    byte for byte what one process annotating paragraph by paragraph writes."""
    copies = 2 * parallel.IN_PROCESS_CHARS // len(SEED.read_text(encoding="utf-8")) + 3
    book = tmp_path / "book.txt"
    book.write_text((SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\n") * copies)
    document = load_path(book)
    assert sum(len(p.text) for p in document.paragraphs) > 2 * parallel.IN_PROCESS_CHARS
    from reader.cli.annotate import paragraph_to_json

    expected = "".join(
        json.dumps(paragraph_to_json(p), ensure_ascii=False) + "\n" for p in _one_by_one(document)
    )
    result = subprocess.run(
        [*reader_command(), "annotate", str(book), "--format", "jsonl"],
        env=subprocess_env(reader_home),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == expected


def test_the_store_of_a_document_opened_before_needs_no_worker(tmp_path: Path) -> None:
    document = load_path(SEED)
    store = annotate(document)
    store.fill(store.missing(), jobs=1)
    assert not parallel.StoreFill.worthwhile(store)  # nothing is missing
