"""Choose the segmentation model's settings on held-out GSD dev sentences (never on test sets).

UD_Chinese-GSD dev (500 sentences) is the only segmented data the model may learn from, so
settings are compared by two-fold cross-validation on it: the sentences are split by parity
(even / odd), a model is built on one half exactly as `build_segmentation_model.py` builds the
shipped one (each setting is a string of its arguments), and scored on the other half:

- learner F1: word F1 against the held-out gold in the learner's convention
  (`build_segmentation_model.learner_convention`: dictionary words joined, words no
  dictionary lists shown as dictionary words, names and numbers whole);
- crossing: of the dictionary words in the held-out text that cross a learner-gold boundary
  (说明 in 说/明天, 远大 in 远/大于), the share we output as a token: how well overlapping
  ambiguities are resolved;
- cut apart / exact: the issue's figures on the held-out treebank gold (benchmarks/
  accuracy_segmentation.py), and the treebank F1;
- Han tokens with a CC-CEDICT entry (single characters count), and HSK 1–4 words of 2+
  characters segmented on their own that stay one token;
- names whole: 1,000 of jieba's modern three-character personal names (tag nr, a common
  surname first; GSD has few), each in three frames (记者X报道, X说, 主席X表示).

Run: `.venv/bin/python tools/tune_segmentation.py --setting="" --setting="--hmm" ...`, a
setting being builder arguments ("" = the defaults); under a minute per setting and fold.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
sys.path.insert(0, str(REPO_ROOT / "tools"))

import build_segmentation_model as build  # noqa: E402

import accuracy_segmentation  # noqa: E402
from reader.core.engine.lattice import HanLattice  # noqa: E402
from reader.core.engine.segment import Segmenter  # noqa: E402
from reader.core.models import TokenKind  # noqa: E402

LONGEST_CROSSING = 6  # dictionary words up to this long are checked for crossing a boundary
NAME_FRAMES = ("记者{}报道", "{}说", "主席{}表示")


def sample_names(lexicon: build.Lexicon, size: int = 1000) -> list[str]:
    """Every n-th of jieba's three-character personal names with a common surname."""
    surnames = "".join(build.SURNAMES.values())
    names = sorted(
        word
        for word, tag in lexicon.tags.items()
        if tag == "nr" and len(word) == 3 and word[0] in surnames and build.HAN_RUN.fullmatch(word)
    )
    return names[:: max(1, len(names) // size)][:size]


def names_whole(lattice: HanLattice, names: list[str]) -> float:
    kept = sum(name in lattice.cut(frame.format(name)) for name in names for frame in NAME_FRAMES)
    return kept / (len(names) * len(NAME_FRAMES))


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


def spans(words: list[str]) -> set[tuple[int, int]]:
    result = set()
    position = 0
    for word in words:
        result.add((position, position + len(word)))
        position += len(word)
    return result


def learner_figures(
    segmenter: Segmenter, held: Path, learner: build.LearnerWords, crossed: Counter[str]
) -> dict[str, float]:
    """Learner F1, crossing share and the share of Han tokens CC-CEDICT lists, on the
    held-out Han runs (Simplified)."""
    correct = predicted = gold_total = 0
    sites = crossing = 0
    han = listed = 0
    for run, gold in build.read_gold(held, learner):
        ours = segmenter.segment(run, run)
        got = {(start, end) for start, end, _ in ours}
        wanted = spans(gold)
        correct += len(got & wanted)
        predicted += len(got)
        gold_total += len(wanted)
        boundaries = {end for _, end in wanted} | {0}
        for start in range(len(run)):
            for end in range(start + 2, min(len(run), start + LONGEST_CROSSING) + 1):
                word = run[start:end]
                if word in learner.words and any(start < b < end for b in boundaries):
                    if start in boundaries and end in boundaries:
                        continue  # a join of gold words, not a crossing
                    sites += 1
                    if (start, end) in got:
                        crossing += 1
                        crossed[word] += 1
        for start, end, kind in ours:
            if kind is TokenKind.HAN:
                han += 1
                listed += end - start == 1 or run[start:end] in learner.cedict
    return {
        "learner F1": 2 * correct / (predicted + gold_total),
        "crossing": crossing / sites,
        "in CC-CEDICT": listed / han,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--setting",
        action="append",
        dest="settings",
        help='builder arguments, quoted ("--hmm"); repeat to compare; none: the defaults',
    )
    arguments = parser.parse_args(argv)
    arguments.settings = arguments.settings or [""]
    lexicon = build.load_lexicon()
    learner = build.LearnerWords.from_lexicon(lexicon)
    headwords = accuracy_segmentation.cedict_headwords()
    hsk = accuracy_segmentation.hsk_words()
    names = sample_names(lexicon)
    rows: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        folds = split_folds(build.GSD_DEV, folder)
        for setting in arguments.settings:
            totals: Counter[str] = Counter()
            crossed: Counter[str] = Counter()
            cut_apart: Counter[str] = Counter()
            for index, (train, held) in enumerate(folds):
                lexicon_path, model_path = folder / f"{index}.table", folder / f"{index}.json"
                with contextlib.redirect_stdout(io.StringIO()):
                    build.main(
                        [
                            *shlex.split(setting),
                            *("--train", str(train), "--lexicon", str(lexicon_path)),
                            *("--model", str(model_path)),
                        ]
                    )
                lattice = HanLattice.load(lexicon_path, model_path)
                segmenter = Segmenter(lattice=lattice)
                cutter = accuracy_segmentation.segmenter_cutter(segmenter)
                treebank = accuracy_segmentation.evaluate(
                    "held-out", held, cutter, segmenter.knows_word, headwords
                )
                figures = learner_figures(segmenter, held, learner, crossed)
                figures["cut apart"] = float(treebank["cut_apart_share"])  # type: ignore[arg-type]
                figures["exact"] = float(treebank["exact_share"])  # type: ignore[arg-type]
                figures["treebank F1"] = float(treebank["f1"])  # type: ignore[arg-type]
                figures["HSK 1-4 one token"] = accuracy_segmentation.one_token_share(cutter, hsk)[0]
                figures["names whole"] = names_whole(lattice, names)
                cut_apart.update(treebank["cut_apart"])  # type: ignore[arg-type]
                for key, value in figures.items():
                    totals[key] += value / len(folds)
            rows.append((setting or "(defaults)", dict(totals)))
            print(
                f"{setting or '(defaults)'}: "
                + ", ".join(f"{key} {value:.4f}" for key, value in totals.items())
                + "\n  most often crossing: "
                + ", ".join(f"{w} ×{n}" for w, n in crossed.most_common(12))
                + "\n  most often cut apart: "
                + ", ".join(f"{w} ×{n}" for w, n in cut_apart.most_common(12)),
                flush=True,
            )
    keys = list(rows[0][1])
    print("\n| setting | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for setting, totals in rows:
        print(f"| {setting} | " + " | ".join(f"{totals[key]:.4f}" for key in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
