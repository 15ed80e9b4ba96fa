"""What the reading view's annotation worker does, and in which order.

The paragraphs the reader needs come first: the current one and those around the viewport
(`priority`, kept up to date by the view). The first screen may come from a child process
(`FirstScreenPrefetch`). Off-screen paragraphs wait until the first screen is on the
terminal, then follow one by one with a pause between them, so a book annotated for
minutes leaves the UI thread most of the GIL. Results go into the paragraph store in
batches (one transaction each) and the view is told.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.worker import Worker

    from reader.core.engine.store import ParagraphStore
    from reader.core.engine.warmup import FirstScreenPrefetch
    from reader.core.models import AnnotatedParagraph

ANNOTATION_POST_INTERVAL = 0.15  # seconds between batches of off-screen results
BACKGROUND_PAUSE = 0.004  # seconds the worker sleeps between off-screen paragraphs
# Seconds the worker waits for the prefetched screen to be drawn (never, if the terminal is
# too small to show text) before loading the models itself.
PREFETCH_PAINT_WAIT = 1.0
# Textual's writer thread sends a drawn screen to the terminal after the render: seconds left
# to it before a worker starts long Python work (which would compete for the GIL).
WRITE_OUT_PAUSE = 0.1
# Seconds off-screen work waits at most for the first screen before it starts anyway.
FIRST_SCREEN_WAIT = 3.0

Deliver = Callable[["list[AnnotatedParagraph]", int], None]


class AnnotationFeed:
    """The annotation order of one view's paragraphs, and the two moments it waits for."""

    def __init__(self, store: ParagraphStore) -> None:
        self.store = store
        self.priority: tuple[int, ...] = ()
        """Paragraphs to annotate first (the view sets it as the reader moves)."""
        self.screen_ready = threading.Event()
        """The paragraphs on screen are annotated."""
        self.annotated_paint = threading.Event()
        """Words with their pinyin are on the terminal (set from the view's `render_line`:
        a refresh callback alone can run before the first paint)."""

    def wait_for_annotated_paint(self, timeout: float) -> None:
        """Block (a worker) until words with their pinyin are on the terminal, and a moment
        more, before long Python work that would compete with that paint for the GIL."""
        if self.annotated_paint.wait(timeout=timeout):
            time.sleep(WRITE_OUT_PAUSE)

    def run(
        self, worker: Worker[None], prefetch: FirstScreenPrefetch | None, deliver: Deliver
    ) -> None:
        """The worker's body: `deliver(paragraphs, generation)` puts results in the store
        and tells the view. Raises what annotating raises (the view says why pinyin is
        missing; the raw text stays readable)."""
        store = self.store
        generation = store.generation
        if prefetch is not None:
            for annotated in prefetch.results():
                if worker.is_cancelled:
                    return
                deliver([annotated], generation)
            # Loading the models for the rest is Python work that would hold the GIL while
            # the UI draws the prefetched screen: let that screen paint first.
            self.wait_for_annotated_paint(PREFETCH_PAINT_WAIT)
        pending: list[AnnotatedParagraph] = []
        last_post = time.monotonic()
        scan_from = 0
        made: set[int] = set()  # annotated here, maybe not put yet
        while not worker.is_cancelled:
            index = next(
                (i for i in self.priority if i not in made and not store.is_annotated(i)),
                None,
            )
            urgent = index is not None
            if index is None:
                if store.complete:
                    break  # every paragraph is in the store (a text opened before)
                self._wait_for_first_screen(worker)
                time.sleep(BACKGROUND_PAUSE)
                count = len(store)
                while scan_from < count and (scan_from in made or store.is_annotated(scan_from)):
                    scan_from += 1
                if scan_from >= count:
                    break
                index = scan_from
            pending.append(store.make(index))
            made.add(index)
            now = time.monotonic()
            if urgent or now - last_post > ANNOTATION_POST_INTERVAL:
                deliver(pending, generation)
                made.clear()
                pending = []
                last_post = now
        if pending and not worker.is_cancelled:
            deliver(pending, generation)

    def _wait_for_first_screen(self, worker: Worker[None]) -> None:
        """Off-screen work waits for the first screen (annotated here, or painted from the
        store), at most FIRST_SCREEN_WAIT."""
        deadline = time.monotonic() + FIRST_SCREEN_WAIT
        while not (self.screen_ready.is_set() or self.annotated_paint.is_set()):
            if time.monotonic() > deadline or worker.is_cancelled:
                return
            time.sleep(0.01)
