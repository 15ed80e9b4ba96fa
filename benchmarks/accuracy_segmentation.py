"""Word segmentation accuracy on Universal Dependencies Chinese treebanks, by the learner's words.

Data (relative to the repository root): ../shared/data/eval/segmentation/*/*.conllu.
Gold words are the token rows' FORM column (multiword ranges like 1-2 and empty nodes
like 1.1 are skipped); the input is the sentence's `# text =` line. Spaces are not words:
both sides are compared as character spans over the text with whitespace removed.

The learner's figures (issue 11) are defined on the gold words: a *dictionary word* is a gold
word of 2+ characters that CC-CEDICT lists (either script); it is *cut apart* when one of the
segmenter's token boundaries falls inside it, *exact* when it is one of the tokens. HSK 1–4
words of 2+ characters (both scripts) are segmented each on its own: the share that comes out
as one token. The seed: share of Han tokens with a direct CC-CEDICT entry. Three segmenters
side by side: ours, plain longest-match over CC-CEDICT (what Pleco and Zhongwen do) and rjieba.

Run: `.venv/bin/python benchmarks/accuracy_segmentation.py` — prints the learner table, then
precision, recall, F1 and OOV recall for our segmenter and for plain rjieba on hk2s text (the
baseline), and the most frequent remaining errors per dataset.
"""

from __future__ import annotations

import gzip
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from reader import paths
from reader.core.engine.convert import to_simplified
from reader.core.engine.segment import Segmenter
from reader.core.models import TokenKind
from reader.core.text.han import is_han_char

REPO_ROOT = Path(__file__).resolve().parent.parent
CEDICT = REPO_ROOT / "dictionaries" / "cedict_ts.u8.gz"
HSK30 = REPO_ROOT / "src" / "reader" / "core" / "data" / "hsk" / "hsk30.tsv"
SEED = REPO_ROOT / "seeds" / "000_f2ec13676ab21b41.txt"
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


def cedict_headwords(path: Path = CEDICT) -> frozenset[str]:
    """Every CC-CEDICT headword, Traditional and Simplified."""
    words: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                traditional, simplified, _ = line.split(" ", 2)
                words.update((traditional, simplified))
    return frozenset(words)


def is_dictionary_word(word: str, headwords: frozenset[str]) -> bool:
    """A word of 2+ characters CC-CEDICT lists in either script (着 texts find 著 keys through
    the Simplified form)."""
    return len(word) >= 2 and (word in headwords or to_simplified(word) in headwords)


def longest_match_cutter(headwords: frozenset[str]) -> Cutter:
    """Plain forward longest match over CC-CEDICT headwords (either script) inside each Han
    run, as the pop-up dictionaries do; everything else is cut by our character classes, so
    only the Han words differ from ours."""
    longest: dict[str, int] = {}
    for word in headwords:
        longest[word[0]] = max(longest.get(word[0], 1), len(word))
    classes = Segmenter(lattice=_SingleCharacters())

    def cut_run(run: str) -> list[str]:
        words = []
        position = 0
        while position < len(run):
            size = 1
            for length in range(min(longest.get(run[position], 1), len(run) - position), 1, -1):
                if run[position : position + length] in headwords:
                    size = length
                    break
            words.append(run[position : position + size])
            position += size
        return words

    def cut(text: str) -> list[str]:
        words: list[str] = []
        run = ""
        for start, end, kind in classes.segment(text, text):
            if kind is TokenKind.HAN:
                run += text[start:end]
                continue
            words += cut_run(run)
            run = ""
            words.append(text[start:end])
        return words + cut_run(run)

    return cut


class _SingleCharacters:
    """A stand-in lattice that cuts every Han run into characters (for the character classes)."""

    classes: ClassVar[dict[str, str]] = {}  # no numerals: no measure word is split off

    def cut(self, text: str) -> list[str]:
        return list(text)

    def dictionary_split(self, word: str) -> None:
        return None

    def knows(self, word: str) -> bool:
        return False


def hsk_words(levels: tuple[str, ...] = ("1", "2", "3", "4")) -> list[str]:
    """HSK 3.0 words of these levels with 2+ characters, Simplified and Traditional forms."""
    words: dict[str, None] = {}
    for line in HSK30.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        simplified, traditional, level = line.split("\t")
        if level in levels:
            words.update((form, None) for form in (simplified, traditional) if len(form) >= 2)
    return list(words)


def one_token_share(cutter: Cutter, words: list[str]) -> tuple[float, list[str]]:
    """Share of `words`, each segmented on its own, that come out as one token; the others."""
    pieces = [w for w in words if len([t for t in cutter(w) if t.strip()]) != 1]
    return 1 - len(pieces) / len(words), pieces


def seed_direct_entries(
    cutter: Cutter, has_word: Callable[[str], bool]
) -> tuple[float, Counter[str]]:
    """Share of the seed's Han tokens with a direct dictionary entry; those without one."""
    from reader.core.text.loader import load_path

    han = [
        token
        for paragraph in load_path(SEED).paragraphs
        for token in cutter(paragraph.text)
        if is_han_char(token[:1])
    ]
    missing = Counter(token for token in han if not has_word(token))
    return 1 - sum(missing.values()) / len(han), missing


def evaluate(
    name: str,
    path: Path,
    cutter: Cutter | None = None,
    knows: Callable[[str], bool] | None = None,
    headwords: frozenset[str] | None = None,
) -> dict[str, object]:
    """Precision, recall, F1 and OOV recall of `cutter` (default: our Segmenter) on one file,
    and with `headwords` (CC-CEDICT's) the share of dictionary words cut apart and exact.

    OOV = gold words (with a Han character) that the segmenter's word list does not know.
    """
    if cutter is None:
        segmenter = Segmenter()
        cutter = segmenter_cutter(segmenter)
        knows = segmenter.knows_word
    correct = predicted = gold_total = 0
    oov_total = oov_found = 0
    errors: Counter[tuple[str, str]] = Counter()
    dictionary_words = exact = 0
    cut_apart: Counter[str] = Counter()
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
        if headwords is not None:
            inside = {end for _, end in got}
            for start, end in gold:
                if is_dictionary_word(compact[start:end], headwords):
                    dictionary_words += 1
                    exact += (start, end) in hits
                    if any(boundary in inside for boundary in range(start + 1, end)):
                        cut_apart[compact[start:end]] += 1
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
        "dictionary_words": dictionary_words,
        "cut_apart_share": sum(cut_apart.values()) / dictionary_words if dictionary_words else 0.0,
        "exact_share": exact / dictionary_words if dictionary_words else 0.0,
        "cut_apart": cut_apart,
    }


LEARNER_DATASETS: dict[str, Path] = {
    "UD-HK test": DATASETS["HK test"],
    "UD-GSD test": DATASETS["GSD test"],
}


def learner_table(segmenter: Segmenter | None = None, examples: int = 15) -> dict[str, object]:
    """Print issue 11's table for our segmenter, longest-match over CC-CEDICT and rjieba, then
    what ours still gets wrong; returns our figures."""
    from reader.core.dictionary.cedict import default_dictionary

    headwords = cedict_headwords()
    segmenter = segmenter if segmenter is not None else Segmenter()
    contenders: dict[str, tuple[Cutter, Callable[[str], bool]]] = {
        "reader": (segmenter_cutter(segmenter), segmenter.knows_word),
        "longest-match CC-CEDICT": (longest_match_cutter(headwords), headwords.__contains__),
        "rjieba on hk2s": rjieba_baseline_cutter(),
    }
    hsk = hsk_words()
    has_word = default_dictionary().has_word
    header = "| segmenter | " + " | ".join(
        f"{name} cut apart | {name} exact | {name} F1" for name in LEARNER_DATASETS
    )
    print(f"{header} | HSK 1–4 one token ({len(hsk)}) | seed direct entry |")
    print("|---" * (2 + 3 * len(LEARNER_DATASETS)) + "|---|")
    ours: dict[str, object] = {}
    for label, (cutter, knows) in contenders.items():
        results = {
            name: evaluate(name, path, cutter, knows, headwords)
            for name, path in LEARNER_DATASETS.items()
        }
        hsk_share, hsk_pieces = one_token_share(cutter, hsk)
        seed_share, seed_missing = seed_direct_entries(cutter, has_word)
        cells = [
            f"{r['cut_apart_share']:.2%} | {r['exact_share']:.2%} | {r['f1']:.4f}"
            for r in results.values()
        ]
        print(f"| {label} | {' | '.join(cells)} | {hsk_share:.2%} | {seed_share:.2%} |")
        if not ours:
            ours = {"datasets": results, "hsk": hsk_pieces, "seed": seed_missing}
    datasets = ours["datasets"]
    assert isinstance(datasets, dict)
    for name, result in datasets.items():
        cut_apart = result["cut_apart"]
        print(
            f"  {name}: {result['dictionary_words']} dictionary words; most often cut apart: "
            + ", ".join(f"{word} ×{count}" for word, count in cut_apart.most_common(examples))
        )
    print(f"  HSK 1–4 words in pieces: {' '.join(ours['hsk'][: examples * 2])}")  # type: ignore[index]
    seed = ours["seed"]
    assert isinstance(seed, Counter)
    missing = ", ".join(word for word, _ in seed.most_common(examples))
    print(f"  seed tokens without a direct entry: {missing}")
    return ours


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
    print()
    learner_table(segmenter)
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
