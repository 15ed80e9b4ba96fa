"""How long the reading screen's vocabulary keys and known-word counts take (they run on the
UI thread, so each must stay far under a frame's worth of a key press, ~16 ms).

Run: .venv/bin/python benchmarks/vocab_ui_speed.py [--copies N]

Measured on the seed article (real annotator, dictionary warm, a fresh READER_HOME):
- `a` (describe the word + save it with its context), a status key, statuses() at start,
  `K` on the longest paragraph (describe every unmarked word + one set_many transaction);
- the known-word counts on the seed repeated N times (default 300, about 1.3 M characters):
  taking in every paragraph once (in the app this happens a batch at a time as paragraphs are
  annotated), the document share after a status change, and the chart's columns.
Each number is the median of 5 runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def median_ms(function: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=300)
    arguments = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    user_cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "reader"
    if user_cache.is_dir():  # reuse the built dictionary index
        (home / "cache").symlink_to(user_cache, target_is_directory=True)
    os.environ["READER_HOME"] = str(home)

    from reader import paths
    from reader.core.engine.pipeline import Annotator
    from reader.core.engine.store import ParagraphStore, annotate
    from reader.core.learner.describe import describe_token
    from reader.core.learner.records import Context, Status
    from reader.core.learner.shares import KnownShares
    from reader.core.learner.vocab import VocabStore
    from reader.core.text.loader import load_path
    from reader.ui.insight import chart_runs, column_value

    document = annotate(load_path(paths.seed_document()))
    paragraphs = list(document)
    longest = max(paragraphs, key=lambda paragraph: len(paragraph.tokens))
    words = [token for token in longest.tokens if token.is_han]
    store = VocabStore()
    describe_token(words[0])  # the dictionary loads once, as in the app

    context = Context("…", "bench", "bench", 0)
    print(f"seed: {len(paragraphs)} paragraphs; longest has {len(words)} words")
    save = median_ms(lambda: store.add(describe_token(words[1]), context=context))
    print(f"  a (save)            {save:7.2f} ms")
    status = median_ms(lambda: store.set_status(words[1].traditional, Status.KNOWN))
    print(f"  status key          {status:7.2f} ms")

    def mark_paragraph() -> None:
        unique = {token.traditional: token for token in words}
        store.set_many([describe_token(token) for token in unique.values()], Status.KNOWN)

    print(f"  K (longest ¶)       {median_ms(mark_paragraph):7.2f} ms")
    statuses = store.statuses()
    print(f"  statuses() at start {median_ms(store.statuses):7.2f} ms ({len(statuses)} forms)")

    seed = document.document
    copies = [
        replace(paragraph.paragraph, index=len(seed.paragraphs) * copy + paragraph.index)
        for copy in range(arguments.copies)
        for paragraph in paragraphs
    ]
    characters = sum(len(paragraph.text) for paragraph in copies)
    print(f"{arguments.copies} copies: {len(copies)} paragraphs, {characters / 1e6:.2f} M chars")
    book = replace(seed, paragraphs=tuple(copies), doc_id=f"{seed.doc_id}x{arguments.copies}")
    annotated = {p.index: p for p in paragraphs}

    class _InMemory(Annotator):
        """Keeps the store in memory (a subclass has no disk cache key); never annotates."""

    def take_in() -> ParagraphStore:
        """Every paragraph put into a store in memory, as the worker does (no annotation)."""
        store = ParagraphStore(book, _InMemory())
        for start in range(0, len(copies), 64):
            store.put(
                [
                    replace(annotated[p.index % len(seed.paragraphs)], paragraph=p)
                    for p in copies[start : start + 64]
                ]
            )
        return store

    print(f"  take in every ¶     {median_ms(take_in, runs=3):7.1f} ms (spread over annotation)")
    store = take_in()
    share = median_ms(lambda: KnownShares(store, statuses).document())
    print(f"  document share      {share:7.2f} ms")

    def chart() -> list[float | None]:
        shares = KnownShares(store, statuses)
        return [column_value(run, shares.paragraph) for run in chart_runs(len(copies), 80)]

    print(f"  chart (80 columns)  {median_ms(chart):7.2f} ms (after each status change)")


if __name__ == "__main__":
    main()
