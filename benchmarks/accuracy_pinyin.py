"""Polyphone accuracy on the CPP dev set, through the same `PinyinReader.readings` the app uses.

Data (relative to the repository root): ../shared/data/eval/pinyin/dev.sent (Simplified sentences,
one character marked `▁字▁`) and dev.lb (its gold reading, e.g. `le5`). Each sentence is segmented
by the project segmenter, read as a whole, and compared at the marked character.

Run: `.venv/bin/python benchmarks/accuracy_pinyin.py [--limit N] [--baselines] [--speed]` —
prints accuracy on the dev set, time per sentence (segmentation included), the most frequent
remaining errors; with --baselines the same figures for plain pypinyin and plain g2pM (about
half a minute more); with --speed the cold load time and the seed's pinyin time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.core.engine.pinyin import PinyinReader, default_reader
from reader.core.engine.segment import segment

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT.parent / "shared" / "data" / "eval" / "pinyin"
MARK = "▁"
BATCH = 256  # sentences per readings_many call


@dataclass(frozen=True, slots=True)
class Case:
    text: str  # the sentence without its marks
    index: int  # the marked character
    gold: str  # numbered, 'v' for ü


def load_cases(limit: int | None = None, folder: Path = DATA) -> list[Case]:
    sentences = (folder / "dev.sent").read_text(encoding="utf-8").splitlines()
    labels = (folder / "dev.lb").read_text(encoding="utf-8").splitlines()
    cases = []
    for marked, label in zip(sentences, labels, strict=True):
        index = marked.index(MARK)
        text = marked.replace(MARK, "")
        cases.append(Case(text, index, label.strip().replace("u:", "v")))
    return cases[:limit] if limit is not None else cases


# A predictor reads many sentences at once and returns the reading of each marked character.
Predictor = Callable[[Sequence[Case]], list[str | None]]


def reader_predictor(reader: PinyinReader | None = None) -> Predictor:
    pinyin_reader = reader or default_reader()

    def predict(cases: Sequence[Case]) -> list[str | None]:
        items = []
        for case in cases:
            words = [(start, end) for start, end, _ in segment(case.text, case.text)]
            items.append((case.text, case.text, words))
        readings = pinyin_reader.readings_many(items)
        return [reading[case.index] for reading, case in zip(readings, cases, strict=True)]

    return predict


def pypinyin_predictor() -> Predictor:
    from pypinyin import Style, pinyin

    def predict(cases: Sequence[Case]) -> list[str | None]:
        out: list[str | None] = []
        for case in cases:
            # errors=list keeps one item per non-Han character, so indices stay aligned.
            items = pinyin(case.text, style=Style.TONE3, neutral_tone_with_five=True, errors=list)
            out.append(items[case.index][0] if len(items) == len(case.text) else None)
        return out

    return predict


def g2pm_predictor() -> Predictor:
    from g2pM import G2pM

    model = G2pM()

    def predict(cases: Sequence[Case]) -> list[str | None]:
        out: list[str | None] = []
        for case in cases:
            syllables = model(case.text, char_split=True, tone=True)
            out.append(syllables[case.index].replace("u:", "v"))
        return out

    return predict


def evaluate(limit: int | None = None, predictor: Predictor | None = None) -> dict[str, object]:
    """accuracy, n, errors_by_char ({char: Counter of 'gold→predicted'}), seconds_per_sentence."""
    cases = load_cases(limit)
    predict = predictor or reader_predictor()
    started = time.perf_counter()
    predicted: list[str | None] = []
    for start in range(0, len(cases), BATCH):
        predicted.extend(predict(cases[start : start + BATCH]))
    elapsed = time.perf_counter() - started
    errors_by_char: dict[str, Counter[str]] = {}
    correct = 0
    for case, guess in zip(cases, predicted, strict=True):
        if guess == case.gold:
            correct += 1
        else:
            char = case.text[case.index]
            errors_by_char.setdefault(char, Counter())[f"{case.gold}→{guess}"] += 1
    return {
        "accuracy": correct / len(cases) if cases else 0.0,
        "n": len(cases),
        "errors_by_char": errors_by_char,
        "seconds_per_sentence": elapsed / len(cases) if cases else 0.0,
    }


_COLD_LOAD_PROBE = """
import time
started = time.perf_counter()
from reader.core.engine.pinyin import PinyinReader
imported = time.perf_counter()
PinyinReader().warm_up()
print(imported - started, time.perf_counter() - imported)
"""


def time_seed(repeats: int = 5) -> dict[str, float]:
    """Cold import and load (in a fresh process), and pinyin for the whole seed after start-up:
    paragraph by paragraph as the pipeline calls it, and in one batched call. Medians, ms."""
    from reader.core.engine.convert import to_simplified
    from reader.core.text.loader import load_path
    from reader.paths import seed_document

    cold = [
        [float(x) * 1000 for x in subprocess.run(
            [sys.executable, "-c", _COLD_LOAD_PROBE], capture_output=True, text=True, check=True
        ).stdout.split()]
        for _ in range(3)
    ]  # fmt: skip
    items = []
    for paragraph in load_path(seed_document()).paragraphs:
        simplified = to_simplified(paragraph.text)
        words = [(start, end) for start, end, _ in segment(paragraph.text, simplified)]
        items.append((paragraph.text, simplified, words))
    reader = PinyinReader()
    reader.warm_up()

    def timed(action: Callable[[], object]) -> float:
        # CPU time of this process: on a shared machine wall time mostly measures the others.
        runs = []
        for _ in range(repeats):
            started = time.process_time()
            action()
            runs.append((time.process_time() - started) * 1000)
        return statistics.median(runs)

    return {
        "import_ms": statistics.median(run[0] for run in cold),
        "load_ms": statistics.median(run[1] for run in cold),
        "seed_per_paragraph_ms": timed(lambda: [reader.readings(*item) for item in items]),
        "seed_batched_ms": timed(lambda: reader.readings_many(items)),
        "paragraphs": float(len(items)),
    }


def top_errors(errors_by_char: dict[str, Counter[str]], count: int = 15) -> list[tuple[str, int]]:
    flat = Counter(
        {
            f"{char}: {kind}": n
            for char, kinds in errors_by_char.items()
            for kind, n in kinds.items()
        }
    )
    return flat.most_common(count)


def _report(name: str, result: dict[str, object], show_errors: bool) -> None:
    accuracy = float(result["accuracy"])  # type: ignore[arg-type]
    per_sentence = float(result["seconds_per_sentence"]) * 1000  # type: ignore[arg-type]
    print(f"{name:<22} {accuracy:7.2%}  n={result['n']}  {per_sentence:.2f} ms/sentence")
    if show_errors:
        errors = result["errors_by_char"]
        assert isinstance(errors, dict)
        for label, n in top_errors(errors):
            print(f"    {n:4d}  {label}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N sentences")
    parser.add_argument("--baselines", action="store_true", help="also plain pypinyin and g2pM")
    parser.add_argument("--speed", action="store_true", help="also load and seed timings")
    args = parser.parse_args()
    print(f"CPP dev polyphones ({DATA})")
    _report("reader (PinyinReader)", evaluate(args.limit), show_errors=True)
    if args.baselines:
        _report("pypinyin 0.55", evaluate(args.limit, pypinyin_predictor()), show_errors=False)
        _report("g2pM (plain)", evaluate(args.limit, g2pm_predictor()), show_errors=False)
    if args.speed:
        speed = time_seed()
        print(
            f"import {speed['import_ms']:.0f} ms, load tables + model {speed['load_ms']:.0f} ms "
            f"(cold, median of 3); seed pinyin ({speed['paragraphs']:.0f} paragraphs) "
            f"{speed['seed_per_paragraph_ms']:.1f} ms paragraph by paragraph, "
            f"{speed['seed_batched_ms']:.1f} ms batched (CPU time, median of 5)"
        )


if __name__ == "__main__":
    main()
