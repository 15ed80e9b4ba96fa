"""Word segmentation accuracy on Universal Dependencies Chinese treebanks.

Data (relative to the repository root): ../shared/data/eval/segmentation/*/*.conllu.
Gold words are the token rows' FORM column (multiword ranges like 1-2 and empty nodes
like 1.1 are skipped); the input is the sentence's `# text =` line. Spaces are not words:
both sides are compared as character spans over the text with whitespace removed.

Run: `.venv/bin/python benchmarks/accuracy_segmentation.py` — prints precision, recall,
F1 and OOV recall for our segmenter and for plain rjieba on hk2s text (the baseline), and
the most frequent remaining errors per dataset.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reader import paths
from reader.core.engine.convert import to_simplified
from reader.core.engine.segment import Segmenter
from reader.core.text.han import is_han_char

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA = REPO_ROOT.parent / "shared" / "data" / "eval" / "segmentation"
DATASETS: dict[str, Path] = {
    "HK test": DATA / "UD_Chinese-HK" / "zh_hk-ud-test.conllu",
    "GSD test": DATA / "UD_Chinese-GSD" / "zh_gsd-ud-test.conllu",
    "GSDSimp test": DATA / "UD_Chinese-GSDSimp" / "zh_gsdsimp-ud-test.conllu",
}
DEV_DATASETS: dict[str, Path] = {
    "GSD dev": DATA / "UD_Chinese-GSD" / "zh_gsd-ud-dev.conllu",
    "GSDSimp dev": DATA / "UD_Chinese-GSDSimp" / "zh_gsdsimp-ud-dev.conllu",
}

# A segmentation function: sentence text -> words (spaces may be included; they are ignored).
Cutter = Callable[[str], list[str]]


@dataclass(frozen=True)
class Sentence:
    text: str
    words: tuple[str, ...]


def read_conllu(path: Path) -> Iterator[Sentence]:
    text = ""
    words: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.startswith("# text ="):
                text = line.split("=", 1)[1].strip()
            elif not line:
                if words:
                    yield Sentence(text or "".join(words), tuple(words))
                text, words = "", []
            elif not line.startswith("#"):
                columns = line.split("\t")
                if columns[0].isdigit():
                    words.append(columns[1])
    if words:
        yield Sentence(text or "".join(words), tuple(words))


def _spans(words: list[str] | tuple[str, ...]) -> set[tuple[int, int]]:
    spans: set[tuple[int, int]] = set()
    position = 0
    for word in words:
        compact = "".join(word.split())
        if compact:
            spans.add((position, position + len(compact)))
            position += len(compact)
    return spans


def segmenter_cutter(segmenter: Segmenter) -> Cutter:
    def cut(text: str) -> list[str]:
        return [text[s:e] for s, e, _ in segmenter.segment(text, to_simplified(text))]

    return cut


def rjieba_baseline_cutter() -> tuple[Cutter, Callable[[str], bool]]:
    """Plain rjieba (jieba's dictionary, HMM on) over the hk2s text, mapped back by index."""
    import rjieba

    jieba = rjieba.Jieba()

    def cut(text: str) -> list[str]:
        simplified = to_simplified(text)
        words = []
        position = 0
        for word in jieba.cut(simplified, hmm=True):
            words.append(text[position : position + len(word)])
            position += len(word)
        return words

    def knows(word: str) -> bool:
        return bool(jieba.has_word(to_simplified(word)))

    return cut, knows


def evaluate(
    name: str,
    path: Path,
    cutter: Cutter | None = None,
    knows: Callable[[str], bool] | None = None,
) -> dict[str, object]:
    """Precision, recall, F1 and OOV recall of `cutter` (default: our Segmenter) on one file.

    OOV = gold words (with a Han character) that the segmenter's word list does not know.
    """
    if cutter is None:
        segmenter = Segmenter()
        cutter = segmenter_cutter(segmenter)
        knows = segmenter.knows_word
    correct = predicted = gold_total = 0
    oov_total = oov_found = 0
    errors: Counter[tuple[str, str]] = Counter()
    started = time.perf_counter()
    sentences = 0
    for sentence in read_conllu(path):
        sentences += 1
        gold = _spans(sentence.words)
        got_words = [w for w in cutter(sentence.text) if w.strip()]
        got = _spans(got_words)
        compact = "".join("".join(sentence.words).split())
        hits = gold & got
        correct += len(hits)
        predicted += len(got)
        gold_total += len(gold)
        for start, end in gold:
            word = compact[start:end]
            if knows is not None and not knows(word) and any(is_han_char(c) for c in word):
                oov_total += 1
                oov_found += (start, end) in hits
        for start, end in sorted(gold - got):
            # The predicted words covering this gold word, to show how it went wrong.
            covering = [compact[s:e] for s, e in sorted(got) if s < end and e > start]
            errors[(compact[start:end], "/".join(covering))] += 1
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "name": name,
        "sentences": sentences,
        "gold_words": gold_total,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "oov_words": oov_total,
        "oov_recall": oov_found / oov_total if oov_total else 0.0,
        "seconds": time.perf_counter() - started,
        "errors": errors,
    }


def _row(label: str, result: dict[str, object]) -> str:
    return (
        f"| {label:28} | {result['precision']:.4f} | {result['recall']:.4f} | "
        f"{result['f1']:.4f} | {result['oov_recall']:.4f} ({result['oov_words']}) |"
    )


def main(argv: list[str]) -> int:
    datasets = dict(DATASETS)
    if "--dev" in argv:
        datasets = dict(DEV_DATASETS)
    show_errors = "--no-errors" not in argv
    started = time.perf_counter()
    segmenter = Segmenter()
    init_seconds = time.perf_counter() - started
    ours = segmenter_cutter(segmenter)
    baseline, baseline_knows = rjieba_baseline_cutter()
    print("| dataset / segmenter          | P      | R      | F1     | OOV recall (OOV words) |")
    print("|------------------------------|--------|--------|--------|------------------------|")
    results = {}
    for name, path in datasets.items():
        mine = evaluate(name, path, ours, segmenter.knows_word)
        base = evaluate(name, path, baseline, baseline_knows)
        results[name] = mine
        print(_row(f"{name}: reader", mine))
        print(_row(f"{name}: rjieba on hk2s", base))
    seed = paths.seed_document().read_text(encoding="utf-8")
    seed_simplified = to_simplified(seed)
    timings = []
    for _ in range(9):
        fresh = Segmenter()  # shares the loaded lattice; its own empty cache of Han runs
        started = time.perf_counter()
        fresh.segment(seed, seed_simplified)
        timings.append(time.perf_counter() - started)
    print(
        f"\nsegmenter init {init_seconds * 1000:.0f} ms (in this process); seed article "
        f"({len(seed)} characters) segmented in {sorted(timings)[4] * 1000:.1f} ms (median of 9)"
    )
    if show_errors:
        for name, result in results.items():
            errors = result["errors"]
            assert isinstance(errors, Counter)
            print(f"\nMost frequent missed gold words, {name} (gold -> ours, count):")
            for (gold, got), count in errors.most_common(15):
                print(f"  {gold} -> {got}  ×{count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
