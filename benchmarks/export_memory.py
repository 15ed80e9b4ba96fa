"""Peak memory of `reader export tsv` on a large vocabulary.

    .venv/bin/python benchmarks/export_memory.py [--words 80000]

Makes a vocabulary of N three-character words in a temporary READER_HOME, each with its own
sentence (a sentence of the seed article + the word, so every sentence is annotated), then
runs the real `reader export tsv --out FILE` and reports its wall time and peak RSS (wait4).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader.core.learner.records import Context, WordForms
from reader.core.learner.vocab import VocabStore
from reader.core.text.loader import load_path
from reader.core.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent


def make_vocabulary(path: Path, count: int) -> None:
    document = load_path(sorted((ROOT / "seeds").glob("*.txt"))[0])
    sentences = [p.text[a:b] for p in document.paragraphs for a, b in split_sentences(p.text)]
    chars = [chr(code) for code in range(0x4E00, 0x9FA5)]
    rng = random.Random(1)
    with VocabStore(path) as store:
        for number in range(count):
            word = (
                chars[number % len(chars)]
                + chars[(number * 7919) % len(chars)]
                + chars[(number // 997) % len(chars)]
            )
            store.add(
                WordForms(word, word, ("zhong1", "wen2", "ren2"), f"definition {number}"),
                context=Context(rng.choice(sentences) + word, doc_title="Seed", doc_id="seed"),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=80_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reader-export-") as folder:
        home = Path(folder)
        (home / "data").mkdir()
        make_vocabulary(home / "data" / "vocab.sqlite3", args.words)
        reader = Path(sys.executable).parent / "reader"
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(reader), "export", "tsv", "--out", str(home / "words.tsv")],
            env={**os.environ, "READER_HOME": str(home)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        size = (home / "words.tsv").stat().st_size
    print(
        f"export tsv, {args.words} words: exit {os.waitstatus_to_exitcode(status)}, "
        f"{elapsed:.1f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MiB, {size / 1e6:.1f} MB written"
    )


if __name__ == "__main__":
    main()
