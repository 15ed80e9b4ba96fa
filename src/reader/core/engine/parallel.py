"""Whole-text annotation on every core: worker processes, each with the engine loaded.

Annotation is Python, so threads cannot share it out; processes can. Two uses:

- `annotate_in_order` streams a text (`reader annotate`): paragraphs annotated and rendered
  (into the lines to write) in the text's order, the workers a few batches ahead, so memory
  stays flat however long the text is. The first paragraph is annotated here at once (its
  line is out as soon as ever); a short text never starts a worker.
- `StoreFill` fills a paragraph store (`reader stats`, the reading screen's whole-book work):
  workers annotate batches of its missing paragraphs and write them into the store's file
  themselves (the store takes several writers); this process learns which paragraphs
  landed and the form counts they added (`ParagraphStore.note_written`).

A batch is a few thousand characters, annotated with `Annotator.annotate_many` (the
polyphone model runs once per batch). Workers are forked when this process has no other
thread (a command: they start with its engine loaded); otherwise (the app) forking is not
safe, so they are spawned and load their own engine, at a lower priority than the screen.
A worker checks that its engine makes the same annotations as this process's
(`Annotator.cache_key`: code, data, the learner's rules) before it writes anything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import queue
import sys
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from reader.core.models import AnnotatedParagraph, Paragraph, Script

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, SpawnContext
    from multiprocessing.process import BaseProcess

    from reader.core.engine.pipeline import Annotator
    from reader.core.engine.store import ParagraphStore
    from reader.core.engine.store_file import StoreWriter
    from reader.core.engine.user_dictionary import UserDictionary

T = TypeVar("T")

# Characters a batch: enough for the model to run on hundreds of characters at once, few
# enough that a worker's results come back every fraction of a second.
BATCH_CHARS = 12_000
# A stream starts with this much annotated here; only a longer text starts workers.
IN_PROCESS_CHARS = 24_000
BATCHES_AHEAD = 2  # batches given to each worker before its first result is taken
BACKGROUND_NICENESS = 10  # the reading screen's workers yield the cores to the screen
_POLL_SECONDS = 0.5  # how often a waiting parent checks that its workers are alive


def worker_count() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without sched_getaffinity
        return max(1, os.cpu_count() or 1)


def batches(paragraphs: Iterable[Paragraph], chars: int = BATCH_CHARS) -> Iterator[list[Paragraph]]:
    """The paragraphs in order, in lists of about `chars` characters."""
    batch: list[Paragraph] = []
    size = 0
    for paragraph in paragraphs:
        batch.append(paragraph)
        size += len(paragraph.text)
        if size >= chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


class WorkerError(RuntimeError):
    """A worker could not annotate (it died, or its engine is not this process's)."""


# ---- what a worker does ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Job(Generic[T]):
    """Everything a worker needs, sent once when it starts (pickled when it is spawned)."""

    script: Script
    cache_key: str | None  # the annotations the parent's engine makes; None: not checked
    render: Callable[[AnnotatedParagraph], T] | None = None  # a stream's lines
    store_path: str | None = None  # a store's file to write into
    rules: UserDictionary | None = None  # the learner's rules as the parent has them
    niceness: int = 0


def _serve(job: _Job[Any], tasks: Any, results: Any) -> None:
    """A worker's life: take numbered batches until None comes (or this process's parent is
    gone), give back each batch's results or the error that stopped it."""
    if job.niceness:
        with contextlib.suppress(OSError):
            os.nice(job.niceness)
    # Nothing here is for the terminal (the app's screen is on it): problems go back as results.
    with contextlib.suppress(OSError):
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
    try:
        annotator, writer = _start(job)
    except Exception as error:
        results.put((-1, False, f"{type(error).__name__}: {error}"))
        return
    import multiprocessing

    parent = multiprocessing.parent_process()
    while True:
        try:
            task = tasks.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                return  # the app ended (q ends it at once): no one wants the rest
            continue
        except (EOFError, OSError):
            return
        if task is None:
            return
        number, paragraphs = task
        try:
            annotated = annotator.annotate_many(paragraphs, job.script)
            if writer is not None:
                results.put((number, True, writer.write(annotated)))
            else:
                render = job.render
                assert render is not None
                results.put((number, True, [render(paragraph) for paragraph in annotated]))
        except Exception as error:
            results.put((number, False, f"{type(error).__name__}: {error}"))
            return


# The annotator a forked worker uses: its parent's, inherited with the fork (a spawned worker
# makes the default one and gives it the parent's rules).
_inherited: Annotator | None = None


def _start(job: _Job[Any]) -> tuple[Annotator, StoreWriter | None]:
    from reader.core.engine.pipeline import default_annotator

    annotator = _inherited
    if annotator is None:
        annotator = default_annotator()
        if job.rules is not None:
            annotator.reload_user_dictionary(job.rules)
    # A forked worker must not use its parent's database connection.
    annotator.dictionary.reconnect()
    if job.cache_key is not None and annotator.cache_key() != job.cache_key:
        raise WorkerError("the worker's engine or rules differ from this process's")
    writer = None
    if job.store_path is not None:
        from reader.core.engine.store_file import open_writer

        writer = open_writer(job.store_path)
    return annotator, writer


# ---- the workers, from the parent's side -----------------------------------------------------


def _context() -> ForkContext | SpawnContext:
    """Fork when nothing but this thread runs here (a forked child of a threaded process can
    inherit locks some other thread held), spawn otherwise."""
    import multiprocessing  # here: a short text needs none of it

    if hasattr(os, "fork") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """multiprocessing passes `sys.stderr`'s descriptor to the helper process it spawns (its
    resource tracker); the app has replaced `sys.stderr` by an object without one."""
    replaced = sys.stderr
    try:
        descriptor = replaced.fileno()  # Textual's capture says -1
    except (AttributeError, OSError, ValueError):
        descriptor = -1
    if descriptor < 0:
        sys.stderr = sys.__stderr__
    try:
        yield
    finally:
        sys.stderr = replaced


class _Workers:
    """Worker processes sharing one queue of numbered batches and one of results."""

    def __init__(self, job: _Job[Any], annotator: Annotator, count: int) -> None:
        global _inherited
        context = _context()
        if context.get_start_method() == "fork":
            annotator.warm_up()  # once here, not in every worker: they start with it loaded
            _inherited = annotator
        else:
            # A spawned worker reads the rules the parent has (saved or not), and leaves the
            # cores to the screen when it needs them.
            rules = annotator.segmenter.user_dictionary
            job = dataclasses.replace(job, rules=rules, niceness=BACKGROUND_NICENESS)
        self.count = count
        self._processes: list[BaseProcess] = []
        self._numbers = itertools.count()
        self.outstanding: dict[int, list[Paragraph]] = {}  # sent, no result yet
        with _stderr_with_a_descriptor():
            self._tasks = context.Queue()
            self._results = context.Queue()
            for _ in range(count):
                process = context.Process(
                    target=_serve, args=(job, self._tasks, self._results), daemon=True
                )
                process.start()
                self._processes.append(process)
        _inherited = None

    def send(self, paragraphs: list[Paragraph]) -> int:
        number = next(self._numbers)
        self.outstanding[number] = paragraphs
        self._tasks.put((number, paragraphs))
        return number

    def receive(self, timeout: float | None) -> tuple[int, Any] | None:
        """The next result to come back (None if none came within `timeout` seconds)."""
        waited = 0.0
        while True:
            wait = _POLL_SECONDS if timeout is None else min(_POLL_SECONDS, timeout - waited)
            try:
                number, ok, value = self._results.get(timeout=max(0.0, wait))
            except queue.Empty:
                if any(process.exitcode not in (None, 0) for process in self._processes):
                    raise WorkerError("a worker process ended without its results") from None
                waited += wait
                if timeout is not None and waited >= timeout:
                    return None
                continue
            if not ok:
                raise WorkerError(f"a worker could not annotate: {value}")
            self.outstanding.pop(number, None)
            return number, value

    def close(self) -> None:
        """Stop the workers (those mid-batch too) and reap them."""
        with contextlib.suppress(Exception):
            for _ in self._processes:
                self._tasks.put(None)
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        for process in self._processes:
            process.join(timeout=2)
            if process.is_alive():  # pragma: no cover - a worker stuck in C code
                process.kill()
                process.join(timeout=1)
        for channel in (self._tasks, self._results):
            channel.cancel_join_thread()  # nothing left to deliver: never wait at exit
            channel.close()


def annotate_in_order(
    paragraphs: Iterable[Paragraph],
    script: Script,
    render: Callable[[AnnotatedParagraph], T],
    *,
    annotator: Annotator | None = None,
    jobs: int | None = None,
) -> Iterator[list[T]]:
    """Batches of paragraphs annotated and rendered, in the text's order, on every core for
    a long text. Everything in a batch is ready at the same moment (write it at once).

    `render` runs in the workers (a spawned worker gets it pickled: a module-level function
    or an instance of a module-level class). Output is the same as rendering
    `annotator.annotate_paragraph(p)` for each paragraph in turn."""
    from reader.core.engine.pipeline import default_annotator

    annotator = annotator or default_annotator()
    jobs = worker_count() if jobs is None else max(1, jobs)
    paragraphs = iter(paragraphs)
    first = list(itertools.islice(paragraphs, 1))  # out at once, and the engine loaded
    if first:
        yield [render(annotated) for annotated in annotator.annotate_many(first, script)]
    ahead: list[Paragraph] = []  # read (not annotated) to see whether the text is long
    size = 0
    for paragraph in paragraphs:
        ahead.append(paragraph)
        size += len(paragraph.text)
        if size >= IN_PROCESS_CHARS:
            break
    rest = itertools.chain(ahead, paragraphs)
    if size >= IN_PROCESS_CHARS and jobs > 1 and _parallel_allowed(annotator):
        yield from _in_workers(rest, script, render, annotator, jobs)
        return
    for batch in batches(rest, BATCH_CHARS // 4):
        yield [render(annotated) for annotated in annotator.annotate_many(batch, script)]


def _parallel_allowed(annotator: Annotator) -> bool:
    """Workers make this annotator's annotations: one whose dictionary or pinyin reader was
    swapped (tests) annotates here."""
    return annotator.cache_key() is not None


def _in_workers(
    paragraphs: Iterator[Paragraph],
    script: Script,
    render: Callable[[AnnotatedParagraph], T],
    annotator: Annotator,
    jobs: int,
) -> Iterator[list[T]]:
    workers = _Workers(_Job(script, annotator.cache_key(), render=render), annotator, jobs)
    try:
        waiting: dict[int, list[T]] = {}  # results that came before those ahead of them
        next_out = 0
        for batch in batches(paragraphs):
            workers.send(batch)
            while len(workers.outstanding) >= jobs * BATCHES_AHEAD:
                next_out = yield from _deliver(workers, waiting, next_out)
        while workers.outstanding:
            next_out = yield from _deliver(workers, waiting, next_out)
    finally:
        workers.close()


def _deliver(
    workers: _Workers, waiting: dict[int, list[T]], next_out: int
) -> Generator[list[T], None, int]:
    """Wait for one more result, then give out every result that is next in order."""
    received = workers.receive(None)
    assert received is not None
    number, rendered = received
    waiting[number] = rendered
    while next_out in waiting:
        yield waiting.pop(next_out)
        next_out += 1
    return next_out


class StoreFill:
    """Paragraphs of a store annotated in worker processes that write them into its file.

    `poll` hands the workers more batches and notes what came back in the store; the
    reading screen's worker polls while it annotates what the learner looks at itself.
    Paragraphs annotated meanwhile (here, or by an earlier session) are skipped."""

    def __init__(
        self,
        store: ParagraphStore,
        indices: Iterable[int] | None = None,
        *,
        jobs: int | None = None,
    ) -> None:
        if store.path is None:
            raise WorkerError("a store in memory cannot be filled by other processes")
        self.store = store
        self._generation = store.generation
        self._indices = iter(store.missing() if indices is None else indices)
        self._exhausted = False
        annotator = store.annotator
        job: _Job[None] = _Job(
            store.document.script, annotator.cache_key(), store_path=str(store.path)
        )
        self._workers = _Workers(job, annotator, worker_count() if jobs is None else jobs)

    @classmethod
    def worthwhile(cls, store: ParagraphStore, indices: Sequence[int] | None = None) -> bool:
        """Whether workers should fill these paragraphs (all missing ones by default): a file
        on disk, the default annotator, more than one core, and more text than starting the
        workers costs."""
        if store.path is None or not _parallel_allowed(store.annotator):
            return False
        if worker_count() < 2:
            return False
        paragraphs = store.document.paragraphs
        wanted = store.missing() if indices is None else iter(indices)
        size = 0
        for index in wanted:
            size += len(paragraphs[index].text)
            if size > IN_PROCESS_CHARS * 4:
                return True
        return False

    @property
    def done(self) -> bool:
        """Every paragraph asked for is in the store (or was when it came to its turn)."""
        return self._exhausted and not self._workers.outstanding

    def poll(self, timeout: float | None) -> list[int]:
        """Keep each worker a few batches ahead, then wait up to `timeout` seconds (None: until
        one comes) for a batch to be written; the indices it put into the store."""
        self._send_more()
        if not self._workers.outstanding:
            return []
        received = self._workers.receive(timeout)
        if received is None:
            return []
        indices: list[int]
        uses: dict[int, int]
        indices, uses = received[1]
        if self.store.generation == self._generation:  # else another file: the rules changed
            self.store.note_written(indices, uses)
        return indices

    def _send_more(self) -> None:
        store = self.store
        paragraphs = store.document.paragraphs
        while not self._exhausted and len(self._workers.outstanding) < (
            self._workers.count * BATCHES_AHEAD
        ):
            batch: list[Paragraph] = []
            size = 0
            for index in self._indices:
                if not store.is_annotated(index):
                    batch.append(paragraphs[index])
                    size += len(paragraphs[index].text)
                    if size >= BATCH_CHARS:
                        break
            else:
                self._exhausted = True
            if batch:
                self._workers.send(batch)

    def close(self) -> None:
        self._workers.close()

    def __enter__(self) -> StoreFill:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
