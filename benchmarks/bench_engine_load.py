"""Start-up cost of the annotation engine in a fresh process, and its whole-text speed.

Run: .venv/bin/python benchmarks/bench_engine_load.py [--runs 9] [--whole-text]

Each start-up figure is the median over `--runs` new Python processes (imports done and
OpenCC, NumPy and the g2pM model loaded before the clock starts, so only our tables count):
- segmenter: `HanLattice.load()` (the lattice the default segmenter shares), then
  `default_segmenter()` and segmenting the seed's first 6 paragraphs (the first screen).
  Target: ≤ 30 ms in total.
- pinyin tables: `ReadingTables.load()`, then the table lookups for those 6 paragraphs
  (`PinyinReader._settle`: everything `readings` does but the polyphone model). Target:
  ≤ 10 ms. The model's own inference for the same paragraphs is shown beside it.

In one process, after start-up (medians of `--runs`):
- every Han run of the seed cut by the lattice (no word cache), and the pinyin table lookups
  for every paragraph (their caches cleared each run): the per-character hot loops.

`--whole-text` also runs the figures throughput must keep: `benchmarks/speed.py`'s "seed
annotation after start-up", `reader annotate` of the seed repeated to 1 MB (`benchmarks/
scale.py`'s text), and, in a fresh process, loading the segmenter and segmenting the ~13,000
evaluation sentences in ../shared/data/eval (420,000 characters of varied text: most of the
lexicon gets decoded), each a median of `--runs`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_f2ec13676ab21b41.txt"
FIRST_SCREEN_PARAGRAPHS = 6
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _first_screen() -> tuple[list[str], list[str]]:
    from reader.core.engine.convert import to_simplified
    from reader.core.text.loader import load_path

    paragraphs = load_path(SEED).paragraphs[:FIRST_SCREEN_PARAGRAPHS]
    texts = [paragraph.text for paragraph in paragraphs]
    return texts, [to_simplified(text) for text in texts]


def child_segmenter() -> dict[str, float]:
    from reader.core.engine import lattice, segment

    texts, simplified = _first_screen()
    start = time.perf_counter()
    lattice.shared_lattice()  # HanLattice.load(), as the default segmenter does it
    loaded = time.perf_counter()
    segmenter = segment.default_segmenter()
    for text, simple in zip(texts, simplified, strict=True):
        segmenter.segment(text, simple)
    done = time.perf_counter()
    return {
        "lattice_load_ms": (loaded - start) * 1000,
        "segment_6_ms": (done - loaded) * 1000,
        "segmenter_total_ms": (done - start) * 1000,
    }


def child_pinyin() -> dict[str, float]:
    from reader.core.engine.pinyin import PinyinReader
    from reader.core.engine.polyphone_model import PolyphoneModel
    from reader.core.engine.reading_tables import ReadingTables
    from reader.core.engine.segment import default_segmenter

    texts, simplified = _first_screen()
    segmenter = default_segmenter()
    words = [
        [(start, end) for start, end, _ in segmenter.segment(text, simple)]
        for text, simple in zip(texts, simplified, strict=True)
    ]
    model = PolyphoneModel()  # NumPy and g2pM: not part of the tables' cost
    start = time.perf_counter()
    tables = ReadingTables.load()
    loaded = time.perf_counter()
    reader = PinyinReader(tables)
    for text, simple, spans in zip(texts, simplified, words, strict=True):
        reader._settle(text, simple, spans)
    settled = time.perf_counter()
    reader._model = model
    reader.readings_many(list(zip(texts, simplified, words, strict=True)))
    done = time.perf_counter()
    return {
        "tables_load_ms": (loaded - start) * 1000,
        "tables_lookups_6_ms": (settled - loaded) * 1000,
        "tables_total_ms": (settled - start) * 1000,
        "model_inference_6_ms": (done - settled) * 1000,
    }


EVAL = REPO.parent / "shared" / "data" / "eval"


def child_varied() -> dict[str, float]:
    from reader.core.engine import segment
    from reader.core.engine.convert import to_simplified

    texts = [
        line.split("=", 1)[1].strip()
        for path in sorted((EVAL / "segmentation").glob("*/*.conllu"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# text =")
    ]
    texts += (EVAL / "pinyin" / "dev.sent").read_text(encoding="utf-8").splitlines()
    simplified = [to_simplified(text) for text in texts]
    start = time.perf_counter()
    segmenter = segment.default_segmenter()
    for text, simple in zip(texts, simplified, strict=True):
        segmenter.segment(text, simple)
    return {"varied_text_segment_s": time.perf_counter() - start}


CHILDREN = {"segmenter": child_segmenter, "pinyin": child_pinyin, "varied": child_varied}


def fresh_process(name: str, env: dict[str, str]) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", name],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(output)
    return result


def medians(samples: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(sample[key] for sample in samples) for key in samples[0]}


def hot_loops(runs: int) -> dict[str, float]:
    """Whole-seed segmentation and pinyin table lookups, engine already loaded."""
    from reader.core.engine.convert import to_simplified
    from reader.core.engine.lattice import shared_lattice
    from reader.core.engine.pinyin import PinyinReader
    from reader.core.engine.reading_tables import ReadingTables
    from reader.core.engine.scanning import TOKEN_PATTERN
    from reader.core.engine.segment import Segmenter
    from reader.core.text.loader import load_path

    lattice = shared_lattice()
    segmenter = Segmenter(lattice=lattice)
    texts = [paragraph.text for paragraph in load_path(SEED).paragraphs]
    simplified = [to_simplified(text) for text in texts]
    runs_of_han = [
        match.group()
        for simple in simplified
        for match in TOKEN_PATTERN.finditer(simple)
        if match.lastgroup == "han"
    ]
    words = [
        [(start, end) for start, end, _ in segmenter.segment(text, simple)]
        for text, simple in zip(texts, simplified, strict=True)
    ]
    reader = PinyinReader(ReadingTables.load())
    cut_samples, lookup_samples = [], []
    for _ in range(runs + 1):  # the first run touches every bucket: not counted
        start = time.perf_counter()
        for run in runs_of_han:
            lattice.cut(run)
        cut_samples.append(time.perf_counter() - start)
        for method in (ReadingTables._char, ReadingTables.candidates, ReadingTables.word_readings):
            method.cache_clear()
        start = time.perf_counter()
        for text, simple, spans in zip(texts, simplified, words, strict=True):
            reader._settle(text, simple, spans)
        lookup_samples.append(time.perf_counter() - start)
    return {
        "seed_cut_ms": statistics.median(cut_samples[1:]) * 1000,
        "seed_table_lookups_ms": statistics.median(lookup_samples[1:]) * 1000,
    }


def whole_text(runs: int, home: Path) -> dict[str, float]:
    import scale
    import speed

    after_startup = speed.bench_annotate_after_startup(runs)
    results = {"speed_seed_annotate_ms": after_startup["seed_annotate_ms"]}
    env = dict(os.environ, READER_HOME=str(home))
    path = scale.build_text(home, 1)
    seconds = [scale.measure_annotate_jsonl(path, env).seconds for _ in range(runs)]
    results["annotate_1mb_jsonl_s"] = statistics.median(seconds)
    if EVAL.is_dir():
        results.update(medians([fresh_process("varied", env) for _ in range(runs)]))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--whole-text", action="store_true")
    parser.add_argument("--child", choices=CHILDREN, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child]()))
        return
    with tempfile.TemporaryDirectory(prefix="reader-bench-") as folder:
        home = Path(folder)
        os.environ["READER_HOME"] = str(home)  # no learner's user dictionary
        env = dict(os.environ)
        results: dict[str, float] = {}
        for name in ("segmenter", "pinyin"):
            fresh_process(name, env)  # warms the OS file cache; not counted
            results.update(medians([fresh_process(name, env) for _ in range(args.runs)]))
        results.update(hot_loops(args.runs))
        if args.whole_text:
            results.update(whole_text(args.runs, home))
    print(
        f"date: {time.strftime('%Y-%m-%d %H:%M')}  python {sys.version.split()[0]}"
        f"  cores {os.cpu_count()}  load {os.getloadavg()[0]:.2f}"
        f"  PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')}"
        f"  runs {args.runs} (medians)"
    )
    for key, value in results.items():
        print(f"{key:28} {value:10.2f}")


if __name__ == "__main__":
    main()
