"""Dictionary search speed: English and pinyin queries over all of CC-CEDICT, and what the
search tables cost to build.

Run: .venv/bin/python benchmarks/bench_search.py [--runs 3]

Queries are what learners type, from the 600 most frequent words with an entry (wordfreq
order, the bundled list): English, the first meaning of each (`relation`, `to go`, `bank`);
pinyin, each word's reading toneless (`guanxi`), numbered (`guan1xi4`), with marks
(`guānxì`) and spaced (`guan xi`). Each query runs `Dictionary.search` (limit 20) in a warm
process; p50/p95/max per kind. The baseline in the same run: an exact hanzi lookup of the
same words (`Dictionary.entries`).

Build: the lookup index compiled from the bundled source (what a first start builds), then its
search tables (a file of their own, built on the first search): CPU seconds of this process,
median of --runs (wall time on a shared machine moves with load). And the first search in a
fresh process, while it builds the search tables and once they exist.
Targets (issue 16): English p95 ≤ 20 ms; pinyin p95 ≤ 10 ms.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader.core.dictionary.cedict import Dictionary
from reader.core.engine.syllables import PinyinStyle, format_syllable

WORDS = 600


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def queries(dictionary: Dictionary) -> tuple[list[str], list[str], list[str]]:
    from reader.core.learner.word_facts import _frequencies
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


def build_cpu(runs: int) -> tuple[float, float]:
    """CPU seconds (median of `runs`) to build the lookup index, and then its search tables."""
    lookup, search = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            started = time.process_time()
            dictionary = Dictionary.open(cache_dir=Path(folder), force_rebuild=True)
            lookup.append(time.process_time() - started)
            started = time.process_time()
            dictionary.prepare_search(force=True)
            search.append(time.process_time() - started)
            dictionary.close()
    return statistics.median(lookup), statistics.median(search)


def file_sizes() -> tuple[float, float]:
    """MB of the lookup index and of the search tables' file."""
    with tempfile.TemporaryDirectory() as folder:
        dictionary = Dictionary.open(cache_dir=Path(folder))
        dictionary.prepare_search()
        info = dictionary.info()
        assert info.index_path is not None and info.search_path is not None
        return info.index_path.stat().st_size / 1e6, info.search_path.stat().st_size / 1e6


_FIRST_SEARCH = """
import sys, time
from pathlib import Path
from reader.core.dictionary.cedict import Dictionary
dictionary = Dictionary.open(cache_dir=Path(sys.argv[1]))
wall, cpu = time.perf_counter(), time.process_time()
dictionary.search("relation")
print(time.perf_counter() - wall, time.process_time() - cpu)
"""


def first_search(runs: int) -> tuple[float, float, float]:
    """In a fresh process with the lookup index built: the first English search's wall and CPU
    seconds when it builds the search tables, and its wall seconds when they exist (medians)."""
    building_wall, building_cpu, ready = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            Dictionary.open(cache_dir=Path(folder)).close()
            for samples in ((building_wall, building_cpu), (ready, [])):
                out = subprocess.run(
                    [sys.executable, "-c", _FIRST_SEARCH, folder],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()
                samples[0].append(float(out[0]))
                if samples[1] is not ready:
                    samples[1].append(float(out[1]))
    return (
        statistics.median(building_wall),
        statistics.median(building_cpu),
        statistics.median(ready),
    )


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
    lookup, search = build_cpu(args.runs)
    lookup_mb, search_mb = file_sizes()
    print(
        f"build CPU: lookup index {lookup:.2f} s ({lookup_mb:.1f} MB, what a first start"
        f" builds), search tables {search:.2f} s ({search_mb:.1f} MB, built on the first search)"
    )
    wall, cpu, ready = first_search(args.runs)
    print(
        f"first search in a fresh process: {wall:.2f} s wall ({cpu:.2f} s CPU) while it builds"
        f" the search tables, {ready * 1000:.1f} ms once they exist"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
