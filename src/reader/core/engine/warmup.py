"""Annotate the first screen in a forked child process while Textual starts in the parent.

Loading the segmenter, the pinyin model and the dictionary is mostly Python work, so a thread
would compete with Textual's own start-up for the GIL; a child process runs on the other
core instead. `run_app` forks before Textual is imported (no threads exist yet, so forking
is safe); the child annotates a few paragraphs, writes them as JSON lines to a pipe and
exits; the reading view's worker reads them. Where `os.fork` does not exist, a thread does
the same work.

What the child annotates goes into the document's paragraph store (`reader.core.engine.store`)
like any annotation: reopening a document finds its first screen there and paints it without
loading any model (the child is stopped before it has done anything).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.core.engine.pipeline import Annotator
    from reader.core.engine.store import ParagraphStore
    from reader.core.models import AnnotatedParagraph, Document

# The engine and the models are imported where they are used, not here: `run_app` forks the
# child as soon as this module is imported, and the child imports them itself.


def encode_paragraph(paragraph: AnnotatedParagraph) -> str:
    tokens = [
        [
            t.text,
            t.start,
            t.end,
            t.kind.value,
            t.simplified,
            t.traditional,
            t.pinyin_numbered,
            t.gloss,
            t.full_tones,
        ]
        for t in paragraph.tokens
    ]
    return json.dumps({"index": paragraph.index, "tokens": tokens}, ensure_ascii=False)


def decode_paragraph(line: str, document: Document) -> AnnotatedParagraph:
    from reader.core.models import AnnotatedParagraph, Token, TokenKind

    data: dict[str, Any] = json.loads(line)
    tokens = tuple(
        Token(
            text,
            start,
            end,
            TokenKind(kind),
            simplified,
            traditional,
            tuple(pinyin),
            gloss,
            tuple(full),
        )
        for text, start, end, kind, simplified, traditional, pinyin, gloss, full in data["tokens"]
    )
    return AnnotatedParagraph(document.paragraphs[int(data["index"])], tokens)


class EngineWarmup:
    """A child that loads the engine (the longest part of a first paint), then annotates the
    paragraphs `FirstScreenPrefetch` sends it, or is cancelled (first screen cached, or bad
    input). `run_app` forks it first thing, before the text is even read, so the engine loads
    while the parent reads the text and starts Textual.
    """

    def __init__(self, annotator: Annotator | None = None) -> None:
        """`annotator`: the one to annotate with (the process-wide one by default)."""
        self.pid: int | None = None
        if not hasattr(os, "fork"):  # pragma: no cover - platforms without fork
            return
        job_read, self._job_write = os.pipe()
        self._results_read, results_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns, never runs the parent's cleanup
            try:
                os.close(self._job_write)
                os.close(self._results_read)
                if annotator is None:
                    from reader.core.engine.pipeline import default_annotator

                    annotator = default_annotator()
                _run_warm_child(annotator, job_read, results_write)
            finally:
                os._exit(0)
        os.close(job_read)
        os.close(results_write)
        self.pid = pid

    def send(self, job: dict[str, Any]) -> int:
        """Give the child its paragraphs; the returned descriptor reads their JSON lines."""
        with os.fdopen(self._job_write, "w", encoding="utf-8") as out:
            out.write(json.dumps(job, ensure_ascii=False))
        return self._results_read

    def cancel(self) -> None:
        """Not needed after all: stop the child (it may still be loading) and reap it."""
        if self.pid is None:
            return
        for descriptor in (self._job_write, self._results_read):
            with contextlib.suppress(OSError):
                os.close(descriptor)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.pid = None


def _run_warm_child(annotator: Annotator, job_read: int, results_write: int) -> None:
    """Load the engine, then annotate the job's paragraphs (see `EngineWarmup`)."""
    from reader.core.models import Paragraph, ParagraphKind, Script

    # Nothing here is for the terminal (the parent reports every problem itself).
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    annotator.warm_up()
    with os.fdopen(job_read, "r", encoding="utf-8") as job_in:
        raw = job_in.read()
    if not raw:
        return  # cancelled
    job = json.loads(raw)
    script = Script(job["script"])
    paragraphs = [
        Paragraph(index, ParagraphKind(kind), text, heading_level)
        for index, kind, text, heading_level in job["paragraphs"]
    ]
    with os.fdopen(results_write, "w", encoding="utf-8") as out:
        # Together: the model runs once for the whole screen (the first paint waits for
        # all of it anyway).
        for annotated in annotator.annotate_many(paragraphs, script):
            out.write(encode_paragraph(annotated) + "\n")
        out.flush()


class FirstScreenPrefetch:
    """Paragraphs annotated ahead of the app; `results()` yields them as they arrive.

    They come from the paragraph store when it has them all (a document opened before);
    else a child annotates them: `warmup`, started before the text was read, or one forked
    now. Whoever takes them puts them into the store.
    """

    def __init__(
        self,
        paragraphs: ParagraphStore,
        indices: Sequence[int],
        warmup: EngineWarmup | None = None,
    ) -> None:
        self.document = paragraphs.document
        self.indices = tuple(indices)
        self._child: int | None = None
        self._results_fd = -1  # the child's results, read by `_receive`
        self._unread = b""  # the start of a line not complete yet
        self._received: list[AnnotatedParagraph] = []  # arrived, not handed out yet
        self._ended = False  # the child is done (or wrote a broken line) and reaped
        self._thread_results: list[AnnotatedParagraph] = []
        self._thread: threading.Thread | None = None
        self._cached = self._stored(paragraphs)
        if self._cached is not None:
            if warmup is not None:
                warmup.cancel()
            return
        if warmup is None:
            warmup = EngineWarmup(paragraphs.annotator)
        if warmup.pid is not None:
            wanted = [self.document.paragraphs[index] for index in self.indices]
            self._results_fd = warmup.send(
                {
                    "script": self.document.script.value,
                    "paragraphs": [
                        [p.index, p.kind.value, p.text, p.heading_level] for p in wanted
                    ],
                }
            )
            self._child = warmup.pid
        else:  # pragma: no cover - platforms without fork
            self._thread = threading.Thread(
                target=self._annotate_in_thread, args=(paragraphs,), daemon=True
            )
            self._thread.start()

    def _stored(self, paragraphs: ParagraphStore) -> list[AnnotatedParagraph] | None:
        """The first screen from the store, or None unless every paragraph of it is there."""
        found = [paragraphs.get(index) for index in self.indices]
        if any(paragraph is None for paragraph in found):
            return None
        return [paragraph for paragraph in found if paragraph is not None]

    def _annotate_in_thread(self, paragraphs: ParagraphStore) -> None:  # pragma: no cover
        for index in self.indices:
            self._thread_results.append(paragraphs.make(index))

    def take_ready(self, wait: float) -> list[AnnotatedParagraph]:
        """Every paragraph that arrives within `wait` seconds (all of them if they are all
        there sooner), so the first layout can use them; `results()` gives the others."""
        if self._cached is not None:
            ready, self._cached = self._cached, []
            return ready
        if self._child is None:  # pragma: no cover - the thread fallback
            return []
        deadline = time.monotonic() + wait
        while not self._ended and len(self._received) < len(self.indices):
            if not self._receive(max(0.0, deadline - time.monotonic())):
                break
        ready, self._received = self._received, []
        return ready

    def results(self) -> Iterator[AnnotatedParagraph]:
        """The paragraphs not taken yet. Blocks until the child has written each one
        (waiting on the pipe releases the GIL)."""
        if self._cached is not None:
            yield from self._cached
            return
        if self._child is None:  # pragma: no cover - the thread fallback
            if self._thread is not None:
                self._thread.join()
            yield from self._thread_results
            return
        while True:
            received, self._received = self._received, []
            yield from received
            if self._ended:
                return
            self._receive(None)

    def _receive(self, timeout: float | None) -> bool:
        """Read what the child wrote within `timeout` (None: until something comes); False
        if nothing came in time."""
        readable, _, _ = select.select([self._results_fd], [], [], timeout)
        if not readable:
            return False
        chunk = os.read(self._results_fd, 1 << 16)
        if not chunk:
            self._end()
            return True
        *lines, self._unread = (self._unread + chunk).split(b"\n")
        for line in lines:
            try:
                self._received.append(decode_paragraph(line.decode("utf-8"), self.document))
            except (ValueError, KeyError, IndexError, TypeError, RecursionError):
                self._end()  # a broken line: the view annotates the rest itself
                break
        return True

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        with contextlib.suppress(OSError):
            os.close(self._results_fd)
        if self._child is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._child, 0)
