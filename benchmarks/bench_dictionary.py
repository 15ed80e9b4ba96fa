"""Dictionary speed and coverage: index build time, open time, lookup p50/p99, and the share of
the seed article's words with a direct CC-CEDICT entry.

Called by benchmarks/speed.py (bench_build, bench_lookup); run alone for the full picture:

    .venv/bin/python benchmarks/bench_dictionary.py

Uses the current READER_HOME (speed.py points it at a temp dir); alone, it makes its own.
Targets (issue 2): build ≤ 2 s, lookup p99 ≤ 1 ms, seed Han tokens with a direct entry ≥ 98%.
The build is the lookup index a first start makes; the search tables are built apart, on the
first search (`bench_search.py` times them).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reader import paths
from reader.core.dictionary.cedict import Dictionary
from reader.core.text.han import is_han_char


def bench_build(runs: int = 3, *, cpu: bool = False) -> float:
    """Median seconds to compile the bundled CC-CEDICT into its SQLite index (wall time, or
    this process's CPU time with `cpu`)."""
    clock = time.process_time if cpu else time.perf_counter
    samples = []
    for _ in range(runs):
        started = clock()
        Dictionary.open(force_rebuild=True).close()
        samples.append(clock() - started)
    return statistics.median(samples)


def bench_open(runs: int = 20) -> float:
    """Median milliseconds to open an already built index (hash check included)."""
    Dictionary.open().close()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        Dictionary.open().close()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def bench_lookup(n: int, *, cpu: bool = False) -> tuple[float, float]:
    """p50 and p99 microseconds of `lookup` for n distinct words, none cached: dictionary
    keys (Traditional and Simplified), plus compounds without an entry that need a variant
    or a breakdown. `cpu` measures the thread's CPU time instead of wall time (on a shared
    machine, wall-time p99 mostly measures the other processes)."""
    clock = time.thread_time_ns if cpu else time.perf_counter_ns
    dictionary = Dictionary.open()
    keys = sorted({key for pair in dictionary.words() for key in pair})
    chooser = random.Random(20260731)
    words = chooser.sample(keys, min(n, len(keys)))
    # About one word in ten has no entry: two random keys glued together.
    for index in range(0, len(words), 10):
        words[index] = words[index] + chooser.choice(keys)
    words = list(dict.fromkeys(words))
    samples = []
    for word in words:
        started = clock()
        dictionary.lookup(word)
        samples.append(clock() - started)
    dictionary.close()
    samples.sort()
    return _percentile(samples, 50) / 1000, _percentile(samples, 99) / 1000


def seed_coverage() -> dict[str, float]:
    """Share of the seed's Han words (rjieba on the hk2s text, spans mapped back to the
    original) with a direct entry, and with an entry through a variant spelling."""
    import opencc
    import rjieba

    dictionary = Dictionary.open()
    text = paths.seed_document().read_text("utf-8")
    simplified = opencc.OpenCC("hk2s.json").convert(text)
    assert len(simplified) == len(text), "hk2s is not character-aligned on the seed"
    tokens: list[str] = []
    position = 0
    for piece in rjieba.cut(simplified):
        original = text[position : position + len(piece)]
        position += len(piece)
        if all(map(is_han_char, original)):
            tokens.append(original)
    direct = [bool(dictionary.entries(token)) for token in tokens]
    any_entry = [dictionary.has_word(token) for token in tokens]
    distinct = set(tokens)
    missing = sorted(word for word in distinct if not dictionary.has_word(word))
    print(f"seed words without an entry (breakdown instead): {' '.join(missing)}")
    return {
        "seed_han_tokens": len(tokens),
        "seed_direct_entry_pct": 100 * sum(direct) / len(tokens),
        "seed_any_entry_pct": 100 * sum(any_entry) / len(tokens),
        "seed_distinct_words": len(distinct),
        "seed_distinct_direct_pct": 100
        * sum(bool(dictionary.entries(word)) for word in distinct)
        / len(distinct),
    }


def _percentile(sorted_samples: list[int], percent: float) -> float:
    index = min(len(sorted_samples) - 1, round(percent / 100 * (len(sorted_samples) - 1)))
    return float(sorted_samples[index])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="reader-bench-dict-") as home:
        if "READER_HOME" not in os.environ:
            os.environ["READER_HOME"] = home
        print(f"date: {time.strftime('%Y-%m-%d')}  python {sys.version.split()[0]}")
        print(f"index dir: {Path(paths.cache_dir())}")
        results: dict[str, float] = {"dict_build_s": bench_build()}
        results["dict_build_cpu_s"] = bench_build(cpu=True)
        results["dict_open_ms"] = bench_open()
        results["lookup_p50_us"], results["lookup_p99_us"] = bench_lookup(20000)
        results["lookup_cpu_p50_us"], results["lookup_cpu_p99_us"] = bench_lookup(20000, cpu=True)
        results["load_average_1min"] = os.getloadavg()[0]
        results.update(seed_coverage())
        for key, value in results.items():
            print(f"{key:26} {value:10.3f}")


if __name__ == "__main__":
    main()
