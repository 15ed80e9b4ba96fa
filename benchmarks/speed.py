"""Speed of the core engine on this machine. Run: .venv/bin/python benchmarks/speed.py

Prints medians for:
- cold `reader annotate SEED --format jsonl` wall time (a new process each run, the dictionary
  index already built) and its peak RSS;
- annotating the whole seed after start-up (models loaded, fresh paragraph cache each run),
  a paragraph at a time (`seed_annotate_ms`, as measured since issue 2) and in one call
  (`seed_annotate_batched_ms`: `annotate_many`, the polyphone model run once, as
  `reader annotate` and the whole-book workers annotate);
- dictionary build time and lookup p50/p99 (benchmarks/bench_dictionary.py).
Targets (issue 2): cold ≤ 1.0 s, seed after start-up ≤ 150 ms, lookup p99 ≤ 1 ms; issue 14:
the seed after start-up ≤ 30 ms.

`--before SRC --rounds N` measures only the seed after start-up, of this tree and of another
source tree (its `src` folder) alternately, each round a new process per tree, and checks
that both make the same annotations: a before/after in the same conditions.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_f2ec13676ab21b41.txt"
SOURCE = Path(os.environ.get("READER_BENCH_SOURCE", REPO / "src"))  # the tree measured
sys.path.insert(0, str(SOURCE))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def reader_executable() -> list[str]:
    candidate = Path(sys.executable).parent / "reader"
    return [str(candidate)] if candidate.exists() else [sys.executable, "-m", "reader"]


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return elapsed, usage.ru_maxrss / 1024


def bench_cold_annotate(runs: int, home: Path) -> dict[str, float]:
    env = dict(os.environ, READER_HOME=str(home))
    command = [*reader_executable(), "annotate", str(SEED), "--format", "jsonl"]
    run_measured(command, env)  # builds the dictionary index once; not measured
    samples = [run_measured(command, env) for _ in range(runs)]
    return {
        "cold_annotate_s": statistics.median(s[0] for s in samples),
        "cold_annotate_max_s": max(s[0] for s in samples),
        "peak_rss_mib": max(s[1] for s in samples),
    }


def bench_annotate_after_startup(runs: int) -> dict[str, float]:
    from reader.core.engine.pipeline import default_annotator
    from reader.core.engine.store import ParagraphStore
    from reader.core.text.loader import load_path

    document = load_path(SEED)
    annotator = default_annotator()
    list(ParagraphStore(document, annotator))  # loads dictionary, segmenter and pinyin model

    def annotate_all() -> None:  # the annotation itself, not the paragraph store's cache
        for paragraph in document.paragraphs:
            annotator.annotate_paragraph(paragraph, document.script)

    def annotate_together() -> None:  # as `reader annotate` and the whole-book workers do
        many = getattr(annotator, "annotate_many", None)  # (a tree before annotate_many)
        if many is None:
            annotate_all()
        else:
            many(document.paragraphs, document.script)

    samples: list[float] = []
    together: list[float] = []
    reads: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        annotate_all()
        samples.append(time.perf_counter() - start)
        start = time.perf_counter()
        annotate_together()
        together.append(time.perf_counter() - start)
        start = time.perf_counter()
        list(ParagraphStore(document, annotator))  # a reopened document: from the store on disk
        reads.append(time.perf_counter() - start)
    return {
        "seed_annotate_ms": statistics.median(samples) * 1000,
        "seed_annotate_batched_ms": statistics.median(together) * 1000,
        "seed_from_store_ms": statistics.median(reads) * 1000,
        "paragraphs": len(document.paragraphs),
        "annotations_digest": _digest(document, annotator),
    }


def _digest(document: Any, annotator: Any) -> float:
    """A number that differs when any token of the seed is annotated differently."""
    import hashlib

    text = repr([annotator.annotate_paragraph(p, document.script) for p in document.paragraphs])
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def compare_trees(before: Path, rounds: int, runs: int) -> None:
    """The seed after start-up, this tree and `before` alternately (see the module)."""
    import json

    trees = {"this": REPO / "src", "before": before.resolve()}
    figures: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as home:
        for _ in range(rounds):
            for name, source in trees.items():
                env = dict(os.environ, READER_HOME=home, READER_BENCH_SOURCE=str(source))
                output = subprocess.run(
                    [sys.executable, __file__, "--child", "--runs", str(runs)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                figures[name].append(json.loads(output))
    print(f"seed after start-up, {rounds} rounds of {runs} runs (medians of the round medians):")
    for key in ("seed_annotate_ms", "seed_annotate_batched_ms"):
        this = statistics.median(f[key] for f in figures["this"])
        earlier = statistics.median(f[key] for f in figures["before"])
        print(f"  {key:26} this {this:6.1f}  before {earlier:6.1f}  ratio {this / earlier:.3f}")
    digests = {f["annotations_digest"] for group in figures.values() for f in group}
    print(f"  same annotations: {'yes' if len(digests) == 1 else 'NO'}")
    print(f"  load average: {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", type=Path, help="another source tree (src), same run")
    parser.add_argument("--rounds", type=int, default=5, help="with --before: rounds")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # one tree's seed after start-up, as JSON (for --before)
        import json

        print(json.dumps(bench_annotate_after_startup(args.runs)))
        return
    if args.before is not None:
        compare_trees(args.before, args.rounds, args.runs)
        return
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as home_dir:
        home = Path(home_dir)
        os.environ["READER_HOME"] = str(home)
        import bench_dictionary

        results: dict[str, float] = {}
        results["dict_build_s"] = bench_dictionary.bench_build()
        p50, p99 = bench_dictionary.bench_lookup(20000)
        results["lookup_p50_us"], results["lookup_p99_us"] = p50, p99
        results.update(bench_cold_annotate(args.runs, home))
        results.update(bench_annotate_after_startup(args.runs))
    print(
        f"date: {time.strftime('%Y-%m-%d')}  python {sys.version.split()[0]}"
        f"  cores {os.cpu_count()}"
    )
    for key, value in results.items():
        print(f"{key:24} {value:10.3f}")


if __name__ == "__main__":
    main()
