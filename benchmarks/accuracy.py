"""Every accuracy figure in one run. Run: .venv/bin/python benchmarks/accuracy.py [--quick]

- polyphone accuracy on CPP dev (../shared/data/eval/pinyin): the reading engine, the reading
  a learner sees by default (neutral tones) and its full tones, with the two conventions'
  differences counted apart (`accuracy_pinyin.py`);
- HSK 1-4 words whose only CC-CEDICT reading has a neutral tone, annotated alone;
- sense choice on benchmarks/data/senses.tsv beside the first-sense baseline
  (`accuracy_senses.py`);
- word segmentation P/R/F1/OOV recall on UD_Chinese-HK, UD_Chinese-GSD and GSDSimp test,
  our segmenter beside plain rjieba on hk2s text (the baseline);
- the learner's words (issue 11): dictionary words cut apart / exact on UD-HK and UD-GSD test,
  word F1, HSK 1–4 words one token, seed tokens with a direct entry, for reader,
  longest-match over CC-CEDICT and rjieba (`accuracy_segmentation.learner_table`);
- OpenCC conformance on OpenCC's own test cases (all configs; hk2s and t2s must be 100%);
- the seed article through the real pipeline: share of Han tokens with a direct dictionary
  entry, and that every Han token has a gloss.
The most frequent remaining errors are printed per dataset.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import accuracy_opencc  # noqa: E402
import accuracy_pinyin  # noqa: E402
import accuracy_segmentation  # noqa: E402
import accuracy_senses  # noqa: E402

SEED = HERE.parent / "seeds" / "000_f2ec13676ab21b41.txt"


def seed_dictionary_coverage() -> dict[str, float]:
    from reader.core.dictionary.cedict import default_dictionary
    from reader.core.engine.store import annotate
    from reader.core.text.loader import load_path

    dictionary = default_dictionary()
    han_tokens = [
        token
        for paragraph in annotate(load_path(SEED))
        for token in paragraph.tokens
        if token.is_han
    ]
    direct = sum(dictionary.has_word(token.text) for token in han_tokens)
    glossed = sum(bool(token.gloss) for token in han_tokens)
    missing = Counter(token.text for token in han_tokens if not dictionary.has_word(token.text))
    print(f"  without a direct entry: {', '.join(w for w, _ in missing.most_common(25))}")
    return {
        "han_tokens": len(han_tokens),
        "direct_entry_share": direct / len(han_tokens),
        "gloss_share": glossed / len(han_tokens),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="first 2,000 CPP sentences only")
    args = parser.parse_args()
    print(f"date: {time.strftime('%Y-%m-%d')}")

    print("\n## Pinyin: CPP dev polyphones")
    limit = 2000 if args.quick else None
    accuracy_pinyin.report_cpp(limit)

    print("\n## Pinyin: neutral tones (HSK 1-4)")
    accuracy_pinyin.report_neutral_tones(accuracy_pinyin.evaluate_neutral_tones())

    print("\n## Sense choice")
    accuracy_senses.report(accuracy_senses.evaluate())

    print("\n## Segmentation (UD test sets)")
    print("| dataset / segmenter          | P      | R      | F1     | OOV recall (OOV words) |")
    print("|------------------------------|--------|--------|--------|------------------------|")
    segmenter = accuracy_segmentation.Segmenter()
    ours = accuracy_segmentation.segmenter_cutter(segmenter)
    baseline, baseline_knows = accuracy_segmentation.rjieba_baseline_cutter()
    results = {}
    for name, path in accuracy_segmentation.DATASETS.items():
        results[name] = accuracy_segmentation.evaluate(name, path, ours, segmenter.knows_word)
        base = accuracy_segmentation.evaluate(name, path, baseline, baseline_knows)
        print(accuracy_segmentation._row(f"{name}: reader", results[name]))
        print(accuracy_segmentation._row(f"{name}: rjieba on hk2s", base))
    for name, result in results.items():
        errors = result["errors"]
        assert isinstance(errors, Counter)
        print(
            f"  most frequent missed gold words, {name}: "
            + ", ".join(f"{gold}→{got} ×{count}" for (gold, got), count in errors.most_common(10))
        )

    print("\n## Learner words (issue 11): reader beside longest-match and rjieba")
    accuracy_segmentation.learner_table(segmenter)

    print("\n## OpenCC conformance")
    opencc = accuracy_opencc.evaluate()
    print(f"  all configs: {opencc['passed']}/{opencc['total']}")
    by_config = opencc["by_config"]
    assert isinstance(by_config, dict)
    for config in ("hk2s", "t2s"):
        ok, total = by_config[config]
        print(f"  {config}: {ok}/{total}")

    print("\n## Seed article through the pipeline")
    coverage = seed_dictionary_coverage()
    print(f"  Han tokens: {coverage['han_tokens']}")
    print(f"  with a direct dictionary entry: {coverage['direct_entry_share']:.2%}")
    print(f"  with a gloss: {coverage['gloss_share']:.2%}")


if __name__ == "__main__":
    main()
