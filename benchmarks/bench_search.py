"""Dictionary search speed: English and pinyin queries over all of CC-CEDICT, and what the
search tables cost the index build.

Run: .venv/bin/python benchmarks/bench_search.py [--runs 3]

Queries are what learners type, from the 600 most frequent words with an entry (wordfreq
order, the bundled list): English, the first meaning of each (`relation`, `to go`, `bank`);
pinyin, each word's reading toneless (`guanxi`), numbered (`guan1xi4`), with marks
(`guānxì`) and spaced (`guan xi`). Each query runs `Dictionary.search` (limit 20) in a warm
process; p50/p95/max per kind. The baseline in the same run: an exact hanzi lookup of the
same words (`Dictionary.entries`).

Build: the index compiled from the bundled source with and without the search tables (CPU
seconds of this process, median of --runs; wall time on a shared machine moves with load).
Targets (issue 16): English p95 ≤ 20 ms; pinyin p95 ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reader.core.dictionary import cedict
from reader.core.dictionary.cedict import Dictionary
from reader.core.engine.syllables import PinyinStyle, format_syllable

WORDS = 600


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def queries(dictionary: Dictionary) -> tuple[list[str], list[str], list[str]]:
    from reader.core.learner.stats import _frequencies
    from reader.core.models import _is_pointer_definition

    words: list[str] = []
    english: list[str] = []
    pinyin: list[str] = []
    for word in _frequencies():
        entries = [e for e in dictionary.entries(word) if not e.pinyin[:1].isupper()]
        if not entries:
            continue
        entry = entries[0]
        meaning = next((d for d in entry.definitions if not _is_pointer_definition(d)), "")
        meaning = meaning.split(";")[0].split("(")[0].strip()
        syllables = entry.pinyin.lower().split()
        if not meaning or not all(s[-1:].isdigit() for s in syllables):
            continue
        words.append(word)
        english.append(meaning)
        pinyin.append("".join(s.rstrip("12345") for s in syllables))
        pinyin.append("".join(syllables))
        pinyin.append("".join(format_syllable(s, PinyinStyle.MARKS) for s in syllables))
        pinyin.append(" ".join(s.rstrip("12345") for s in syllables))
        if len(words) >= WORDS:
            break
    return words, english, pinyin


def timed(function: object, items: list[str]) -> list[float]:
    samples = []
    for item in items:
        started = time.perf_counter()
        function(item)  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(name: str, samples: list[float], target: float | None = None) -> None:
    goal = f"  (target p95 ≤ {target:g} ms)" if target is not None else ""
    print(
        f"{name:22} n={len(samples):5}  p50 {statistics.median(samples):6.2f} ms  "
        f"p95 {percentile(samples, 0.95):6.2f} ms  max {max(samples):7.2f} ms{goal}"
    )


def build_cpu(runs: int, *, with_search: bool) -> float:
    original = cedict.populate_search
    if not with_search:
        cedict.populate_search = lambda connection, rows: None  # type: ignore[assignment]
    try:
        samples = []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                started = time.process_time()
                Dictionary.open(cache_dir=Path(folder), force_rebuild=True).close()
                samples.append(time.process_time() - started)
        return statistics.median(samples)
    finally:
        cedict.populate_search = original


def index_size(with_search: bool) -> float:
    original = cedict.populate_search
    if not with_search:
        cedict.populate_search = lambda connection, rows: None  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as folder:
            Dictionary.open(cache_dir=Path(folder), force_rebuild=True).close()
            return sum(p.stat().st_size for p in Path(folder).glob("*.sqlite3")) / 1e6
    finally:
        cedict.populate_search = original


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        dictionary = Dictionary.open(cache_dir=Path(folder))
        words, english, pinyin = queries(dictionary)
        for query in english[:50] + pinyin[:50]:  # warm the page cache
            dictionary.search(query)
        report("hanzi lookup (base)", timed(dictionary.entries, words))
        report("English search", timed(dictionary.search, english), 20)
        report("pinyin search", timed(dictionary.search, pinyin), 10)
        dictionary.close()
    without = build_cpu(args.runs, with_search=False)
    with_search = build_cpu(args.runs, with_search=True)
    print(
        f"index build CPU: {without:.2f} s without the search tables, {with_search:.2f} s with "
        f"them; index {index_size(False):.1f} MB -> {index_size(True):.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
