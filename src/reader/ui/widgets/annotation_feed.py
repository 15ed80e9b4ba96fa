"""What the reading view's annotation worker does, and in which order.

The paragraphs the reader needs come first: the current one and those around the viewport
(`priority`, kept up to date by the view). The first screen may come from a child process
(`FirstScreenPrefetch`). Off-screen paragraphs wait until the first screen is on the
terminal. After a split or join, what the change cannot touch is carried over from the old
store first. The rest of a long text is then annotated by worker processes on every core
that write into the store themselves (`parallel.StoreFill`) while this thread keeps
annotating what comes on screen; a short text (or no workers) is annotated here one
paragraph at a time with a pause between them, so the UI thread keeps most of the GIL.
Results go into the paragraph store in batches (one transaction each) and the view is told.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.worker import Worker

    from reader.core.engine.parallel import StoreFill
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
# Seconds the worker waits for the whole-book workers before it looks at the screen again.
FILL_POLL_SECONDS = 0.05

Deliver = Callable[["list[AnnotatedParagraph]", int], None]
Announce = Callable[[list[int], int], None]


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
        self,
        worker: Worker[None],
        prefetch: FirstScreenPrefetch | None,
        deliver: Deliver,
        announce: Announce,
    ) -> None:
        """The worker's body: `deliver(paragraphs, generation)` puts results in the store
        and tells the view; `announce(indices, generation)` tells it of paragraphs already
        put (carried over, or by the whole-book workers). Raises what annotating raises (the
        view says why pinyin is missing; the raw text stays readable)."""
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
        filling: StoreFill | None = None
        here = False  # the rest is annotated in this thread (a short text, or no workers)
        try:
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
                    if filling is None and not here:
                        # Here, not before the first screen: the import competes with its
                        # paint for the GIL.
                        from reader.core.engine.parallel import StoreFill, WorkerError

                        carried = store.carry_over()  # after a split or join
                        if carried:
                            announce(carried, generation)
                        filling = StoreFill(store) if StoreFill.worthwhile(store) else None
                        here = filling is None
                    if filling is not None:
                        if pending:
                            deliver(pending, generation)
                            made.clear()
                            pending = []
                        try:
                            landed = filling.poll(FILL_POLL_SECONDS)
                        except WorkerError:
                            filling.close()
                            filling, here = None, True  # annotate the rest here
                            continue
                        if landed:
                            announce(landed, generation)
                        if filling.done:
                            filling.close()
                            filling, here = None, True  # what is left (if anything): here
                        continue
                    time.sleep(BACKGROUND_PAUSE)
                    count = len(store)
                    while scan_from < count and (
                        scan_from in made or store.is_annotated(scan_from)
                    ):
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
        finally:
            if filling is not None:
                filling.close()

    def _wait_for_first_screen(self, worker: Worker[None]) -> None:
        """Off-screen work waits for the first screen (annotated here, or painted from the
        store), at most FIRST_SCREEN_WAIT."""
        deadline = time.monotonic() + FIRST_SCREEN_WAIT
        while not (self.screen_ready.is_set() or self.annotated_paint.is_set()):
            if time.monotonic() > deadline or worker.is_cancelled:
                return
            time.sleep(0.01)
