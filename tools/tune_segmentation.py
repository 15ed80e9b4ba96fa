"""Choose the segmentation model's settings on held-out GSD dev sentences (never on test sets).

UD_Chinese-GSD dev (500 sentences) is the only segmented data the model may learn from, so
settings are compared by two-fold cross-validation on it: the sentences are split by parity
(even / odd), a model is trained on one half exactly as `build_segmentation_model.py` does,
and scored on the other half; the table shows each setting's mean held-out F1. The perceptron
is trained once per fold and setting group; protection settings (applied after training) are
then varied on a copy of its weights.

Run: `.venv/bin/python tools/tune_segmentation.py [--epochs 16] [--protect SETTING ...]`
(about a minute per fold on one core).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
sys.path.insert(0, str(REPO_ROOT / "tools"))

import build_segmentation_model as build  # noqa: E402

import accuracy_segmentation  # noqa: E402
from reader.core.engine.convert import to_simplified  # noqa: E402
from reader.core.engine.segment import HanLattice, Segmenter  # noqa: E402
from reader.core.models import TokenKind  # noqa: E402

DEFAULT_SETTINGS = (
    "train",
    "hsk:10,names:20,cedict4:12,common4,train",
)


def split_folds(path: Path, folder: Path) -> list[tuple[Path, Path]]:
    """(training file, held-out file) for each of the two parity folds of a CoNLL-U file."""
    blocks = [b for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    folds = []
    for parity in (0, 1):
        held = [b for i, b in enumerate(blocks) if i % 2 == parity]
        train = [b for i, b in enumerate(blocks) if i % 2 != parity]
        train_path = folder / f"train{parity}.conllu"
        held_path = folder / f"held{parity}.conllu"
        train_path.write_text("\n\n".join(train) + "\n\n", encoding="utf-8")
        held_path.write_text("\n\n".join(held) + "\n\n", encoding="utf-8")
        folds.append((train_path, held_path))
    return folds


def compiled_lattice(
    model: build.Model,
    dictionary_margin: float | None = None,
    hmm: bool = True,
    always_cut_tags: frozenset[str] = frozenset(),
) -> HanLattice:
    """The lattice the shipped files would give, built in memory from the model's weights."""
    scores = {word: model.score(word) for word in model.base}
    for key in model.weights:
        if key.startswith("char:") and key[5:] not in scores:
            scores[key[5:]] = model.score(key[5:])
    candidate_weights = {
        key: value for key, value in model.weights.items() if key.startswith(("name", "oov"))
    }
    return HanLattice(
        scores=scores,
        unknown_char=build.UNKNOWN_BASE + model.weights.get("unknown_char", 0.0),
        weights=candidate_weights,
        classes=model.classes,
        surnames=model.lattice.surnames,
        hmm=model.lattice.hmm if hmm else None,
        max_word_length=build.MAX_WORD_LENGTH,
        given_names=model.lattice.given_names,
        hmm_plain_first=frozenset(build.HMM_PLAIN_FIRST if dictionary_margin is not None else ()),
        dictionary_cuts=None
        if dictionary_margin is None
        else build.dictionary_cuts(model, scores, dictionary_margin, always_cut_tags),
    )


def apply_protection(model: build.Model, setting: str, lists: dict[str, set[str]]) -> None:
    for item in filter(None, setting.split(",")):
        name, _, limit = item.partition(":")
        max_raise = float(limit) if limit else math.inf
        build.protect_learner_words(model, lists[name], 1.0, max_raise)


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def learner_words_kept(segmenter: Segmenter, path: Path, words: set[str]) -> float:
    """Share of learner words (2+ characters) in running held-out text that stay one token.

    Counted where the word starts and ends on gold word boundaries, whether the gold keeps
    it whole (未來) or cuts it by the treebank's conventions (博物/館): the learner looks it
    up as one word either way.
    """
    longest = max(map(len, words))
    kept = total = 0
    for sentence in accuracy_segmentation.read_conllu(path):
        text = "".join("".join(sentence.words).split())
        simplified = to_simplified(text)
        gold = {0}
        position = 0
        for word in sentence.words:
            position += len("".join(word.split()))
            gold.add(position)
        ours = {(start, end) for start, end, _ in segmenter.segment(text, simplified)}
        for start in sorted(gold):
            for end in range(start + 2, min(len(text), start + longest) + 1):
                if end in gold and simplified[start:end] in words:
                    total += 1
                    kept += (start, end) in ours
    return kept / total if total else 1.0


def dictionary_share(segmenter: Segmenter, path: Path, cedict: set[str]) -> float:
    """Share of Han tokens in held-out running text a learner finds in CC-CEDICT (Simplified
    headword; single characters count as found: the dictionary resolves characters)."""
    found = total = 0
    for sentence in accuracy_segmentation.read_conllu(path):
        text = "".join("".join(sentence.words).split())
        simplified = to_simplified(text)
        for start, end, kind in segmenter.segment(text, simplified):
            if kind is TokenKind.HAN:
                total += 1
                found += end - start == 1 or simplified[start:end] in cedict
    return found / total if total else 1.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument("--protect", nargs="*", default=list(DEFAULT_SETTINGS))
    parser.add_argument("--min-count", type=int, default=0)
    parser.add_argument("--no-cedict-words", action="store_true")
    parser.add_argument("--features", default="", help="extra word features: zipf,hsk")
    parser.add_argument(
        "--dictionary-margins",
        nargs="*",
        type=float,
        default=[],
        help="also score each setting with lexicon words CC-CEDICT lacks cut into CC-CEDICT "
        "words when the cut scores at most MARGIN below the word (inf: always)",
    )
    parser.add_argument(
        "--without-hmm",
        action="store_true",
        help="also score each setting without the character HMM's word candidates",
    )
    parser.add_argument(
        "--always-cut-tags",
        nargs="*",
        default=[],
        help="with each margin, also cut every CC-CEDICT-less word with one of these jieba "
        "tags (each argument a comma-separated tag set)",
    )
    arguments = parser.parse_args(argv)
    cedict, proper_nouns, _aliases = build.load_cedict()
    zipf = build.load_zipf()
    people = build.load_people()
    results: defaultdict[str, list[float]] = defaultdict(list)
    learner: defaultdict[str, list[float]] = defaultdict(list)
    names: defaultdict[str, list[float]] = defaultdict(list)
    entries: defaultdict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as folder:
        for train_path, held_path in split_folds(build.GSD_DEV, Path(folder)):
            base, tags = build.load_jieba(cedict, arguments.min_count)
            if not arguments.no_cedict_words:
                build.add_words(base, tags, cedict, "cedict")
            data = list(build.read_gold(train_path))
            model = build.Model(base, tags, cedict, build.given_name_bands(people, base))
            if "zipf" in arguments.features:
                model.zipf = {word: value for word, value in zipf.items() if word in base}
            if "hsk" in arguments.features:
                model.hsk = build.load_hsk()
            model.train(data, arguments.epochs)
            model.calibrate_names(people, data, 4)
            lists = {
                "hsk": build.load_hsk(),
                "names": proper_nouns,
                "cedict3": {word for word in cedict if len(word) >= 3},
                "cedict4": {word for word in cedict if len(word) >= 4},
                "common4": {w for w in cedict if len(w) >= 4 and zipf.get(w, 0.0) >= 3.5},
                "common3": {w for w in cedict if len(w) == 3 and zipf.get(w, 0.0) >= 4.0},
                "train": {word for _, gold in data for word in gold if len(word) > 1},
            }
            trained = dict(model.weights)
            for setting in arguments.protect:
                model.weights.clear()
                model.weights.update(trained)
                apply_protection(model, setting, lists)
                variants = [
                    (margin, hmm, tags)
                    for margin in [None, *arguments.dictionary_margins]
                    for hmm in ([True, False] if arguments.without_hmm else [True])
                    for tags in ["", *(arguments.always_cut_tags if margin is not None else [])]
                ]
                for margin, hmm, tags in variants:
                    label = setting if margin is None else f"{setting} cut<{margin:g}"
                    label += "" if hmm else " no-HMM"
                    label += f" +{tags}" if tags else ""
                    always = frozenset(filter(None, tags.split(",")))
                    lattice = compiled_lattice(model, margin, hmm, always)
                    segmenter = Segmenter(lattice=lattice)
                    result = accuracy_segmentation.evaluate(
                        "held-out",
                        held_path,
                        accuracy_segmentation.segmenter_cutter(segmenter),
                        segmenter.knows_word,
                    )
                    f1 = float(result["f1"])  # type: ignore[arg-type]
                    kept = learner_words_kept(segmenter, held_path, lists["hsk"])
                    names_kept = learner_words_kept(segmenter, held_path, proper_nouns)
                    listed = dictionary_share(segmenter, held_path, cedict)
                    results[label].append(f1)
                    learner[label].append(kept)
                    names[label].append(names_kept)
                    entries[label].append(listed)
                    print(
                        f"fold {held_path.stem}: {label or '(none)'}: F1 {f1:.4f}, "
                        f"HSK words whole {kept:.4f}, proper nouns whole {names_kept:.4f}, "
                        f"tokens in CC-CEDICT {listed:.4f}",
                        flush=True,
                    )
    print(
        f"\n| protection (epochs {arguments.epochs}, features {arguments.features or '-'}) "
        "| held-out F1 | HSK words whole | proper nouns whole | Han tokens in CC-CEDICT |"
    )
    print("|---|---|---|---|---|")
    for setting, scores in results.items():
        print(
            f"| {setting or '(none)'} | {mean(scores):.4f} | {mean(learner[setting]):.4f} "
            f"| {mean(names[setting]):.4f} | {mean(entries[setting]):.4f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
