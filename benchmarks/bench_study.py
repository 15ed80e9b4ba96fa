"""Study and statistics speed: building a study queue and grading over a large vocabulary,
and `document_stats` over the annotated seed article.

    .venv/bin/python benchmarks/bench_study.py [--words 5000]

Runs in a temporary READER_HOME (the dictionary index is compiled there on the first run).
Targets: a queue over 5,000 saved words in well under 100 ms (the study screen builds it
before its first paint); a grade (one FSRS step + one SQLite transaction) under 10 ms at p99;
statistics of an annotated article in under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("READER_HOME", tempfile.mkdtemp(prefix="bench-study-"))

    import fsrs

    from reader import paths
    from reader.core.engine.store import annotate
    from reader.core.learner.records import Status, WordForms
    from reader.core.learner.stats import document_stats
    from reader.core.learner.study import Grade, StudySession, build_queue
    from reader.core.learner.vocab import VocabStore
    from reader.core.text.loader import load_path

    start = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    store = VocabStore()
    words = [WordForms(f"詞{n:05d}", f"词{n:05d}", (), "test") for n in range(args.words)]
    store.set_many(words[: args.words // 2], Status.LEARNING)
    store.set_many(words[args.words // 2 :], Status.KNOWN)

    # Give half of the words a review history (a card due at some point in the next weeks).
    moment = [start]
    session = StudySession(
        store,
        clock=lambda: moment[0],
        zone=timezone.utc,
        new_limit=args.words,
        scheduler=fsrs.Scheduler(enable_fuzzing=False),
    )
    grade_times = []
    for _ in range(min(args.words // 2, len(session.queue))):
        began = time.perf_counter()
        session.grade(Grade.GOOD if len(grade_times) % 3 else Grade.EASY)
        grade_times.append(time.perf_counter() - began)
    grade_times.sort()

    queue_times = []
    for _ in range(5):
        began = time.perf_counter()
        queue = build_queue(store, start + timedelta(days=10), zone=timezone.utc)
        queue_times.append(time.perf_counter() - began)

    document = annotate(load_path(paths.seed_document()))
    paragraphs = list(document)  # annotate first: the pipeline is measured elsewhere
    statuses = store.statuses()
    stats_times = []
    for _ in range(5):
        began = time.perf_counter()
        document_stats(paragraphs, statuses)
        stats_times.append(time.perf_counter() - began)
    store.close()

    print(f"vocabulary: {args.words} words, {len(grade_times)} graded once")
    print(
        f"grade: p50 {1000 * statistics.median(grade_times):.2f} ms, "
        f"p99 {1000 * grade_times[int(0.99 * (len(grade_times) - 1))]:.2f} ms"
    )
    print(f"queue ({len(queue)} cards due): median {1000 * statistics.median(queue_times):.1f} ms")
    print(f"document_stats (seed article): median {1000 * statistics.median(stats_times):.1f} ms")


if __name__ == "__main__":
    main()
