"""Known words and the library: importing 10,000 known words, and listing 500 documents.

Run: .venv/bin/python benchmarks/bench_known_library.py [--runs 5]

Import: a word list of the 10,000 most frequent Chinese words with a CC-CEDICT entry
(wordfreq order, Simplified, one a line) imported into an empty vocabulary with 200 words
already saved as learning: read + plan (dictionary forms, pinyin, definitions; the
clobber check) + one journaled transaction; then undone. Wall seconds in a warm process
(dictionary index built before), median of --runs. Target ≤ 2 s.

Library: 500 documents recorded (with summaries and reading positions), then
`LibraryStore.entries()` from a fresh store (what `reader library` and a library screen do),
median ms of --runs. Target ≤ 100 ms. Both in a temporary READER_HOME.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ["READER_HOME"] = home
        bench_import(Path(home), args.runs)
        bench_library(Path(home), args.runs)
    return 0


def bench_import(home: Path, runs: int) -> None:
    from reader.core.dictionary.cedict import default_dictionary
    from reader.core.learner.describe import describe_words
    from reader.core.learner.known import apply_plan, plan_source, undo_last
    from reader.core.learner.records import Status
    from reader.core.learner.vocab import VocabStore
    from reader.core.learner.word_facts import _frequencies
    from reader.core.learner.word_sources import read_source

    dictionary = default_dictionary()
    words = [word for word in _frequencies() if dictionary.has_word(word)][:10_000]
    listing = home / "words.txt"
    listing.write_text("\n".join(words) + "\n", encoding="utf-8")
    samples = []
    saved = 0
    with VocabStore() as store:
        for forms in describe_words(words[5000:5200]):
            store.add(forms, status=Status.LEARNING)
        for _ in range(runs):
            started = time.perf_counter()
            plan = plan_source(store, read_source(str(listing)))
            change = apply_plan(store, plan)
            samples.append(time.perf_counter() - started)
            assert change is not None and change.words > 9_700, change
            saved = change.words
            undo_last(store)
    print(
        f"import 10,000 known words ({saved:,} saved, 200 kept as learning): median "
        f"{statistics.median(samples):.2f} s, min {min(samples):.2f} s (target ≤ 2 s)"
    )


def bench_library(home: Path, runs: int) -> None:
    from reader.core.learner.library import DocumentSummary, LibraryStore
    from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
    from reader.core.models import Document, Paragraph, ParagraphKind, Script

    state = ReadingStateStore()
    folder = home / "texts"
    folder.mkdir()
    with LibraryStore() as library:
        for number in range(500):
            path = folder / f"text{number}.txt"
            path.write_text(f"第{number}篇\n", encoding="utf-8")
            paragraphs = tuple(
                Paragraph(i, ParagraphKind.PARAGRAPH, f"第{number}篇第{i}段") for i in range(50)
            )
            document = Document(
                paragraphs, Script.TRADITIONAL, f"{number:016x}", str(path), f"第{number}篇"
            )
            library.record_open(document, path)
            library.record_summary(document.doc_id, DocumentSummary(0.8, number))
            state.save(document.doc_id, ReadingPosition(number % 50))
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        with LibraryStore() as library:
            entries = library.entries()
        samples.append((time.perf_counter() - started) * 1000)
        assert len(entries) == 500
    print(
        f"list 500 documents (fresh store, positions and summaries): median "
        f"{statistics.median(samples):.1f} ms, max {max(samples):.1f} ms (target ≤ 100 ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
