"""The paragraph store's costs: writing annotated paragraphs, and a split/join on a book.

    .venv/bin/python benchmarks/bench_store.py                  # this tree
    .venv/bin/python benchmarks/bench_store.py --before ../main/src

- put: milliseconds of `ParagraphStore.put` per paragraph (batches of 64, a fresh store file,
  CPU time, best of 3), for the seed's paragraphs (long news paragraphs, ~47 tokens) and
  ../shared/data/texts' (subtitles and Wikipedia, ~12 tokens); the same annotations are
  written by every tree. The seed is repeated 10 times (a book's words recur: most forms are
  met again, not new).
- split/join: the seed repeated to `--megabytes`, its store filled, then the learner joins
  中美關係 (in 8 of the seed's 59 paragraphs) as `m` does; how many paragraphs the new store
  gets from the old one (`carry_over`) and how long that takes, and how many are left to
  annotate again. A tree without `carry_over` annotates them all again.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_f2ec13676ab21b41.txt"
TEXTS = REPO.parent / "shared" / "data" / "texts"
JOINED = "中美關係"


def put_cost(path: Path, folder: Path) -> tuple[float, int, float]:
    """(ms per paragraph, paragraphs, tokens per paragraph) of writing `path`'s annotations."""
    from reader.core.engine.pipeline import Annotator
    from reader.core.engine.store import ParagraphStore
    from reader.core.text.loader import load_path

    document = load_path(path)
    annotator = Annotator()
    made = [annotator.annotate_paragraph(p, document.script) for p in document.paragraphs]
    best = float("inf")
    for run in range(3):
        store = ParagraphStore(document, annotator, folder=folder / f"put-{path.stem}-{run}")
        start = time.process_time()
        for batch in range(0, len(made), 64):
            store.put(made[batch : batch + 64])
        best = min(best, time.process_time() - start)
        store.close()
    tokens = sum(len(p.tokens) for p in made) / len(made)
    return best * 1000 / len(made), len(made), tokens


def split_join(megabytes: float, folder: Path) -> str:
    from reader.core.engine.pipeline import Annotator
    from reader.core.engine.segment import Segmenter
    from reader.core.engine.store import ParagraphStore
    from reader.core.engine.user_dictionary import UserDictionary
    from reader.core.text.loader import load_path

    book = folder / "book.txt"
    unit = SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    book.write_text(unit * (int(megabytes * 1e6 // len(unit.encode())) + 1), encoding="utf-8")
    document = load_path(book)
    rules = UserDictionary.load()
    store = ParagraphStore(document, Annotator(segmenter=Segmenter(rules)), folder=folder / "j")
    store.fill(store.missing())
    holding = sum(JOINED in p.text for p in document.paragraphs)
    rules.add_join(JOINED)
    start = time.perf_counter()
    store.rules_changed(rules)
    changed = time.perf_counter() - start
    carried: list[int] = []
    carry_s = 0.0
    if hasattr(store, "carry_over"):
        start = time.perf_counter()
        carried = store.carry_over()
        carry_s = time.perf_counter() - start
    left = sum(1 for _ in store.missing())
    return (
        f"{len(document.paragraphs)} paragraphs, {holding} hold {JOINED}: carried over"
        f" {len(carried)} in {carry_s:.2f} s (rules_changed {changed * 1000:.0f} ms),"
        f" {left} left to annotate again"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=float, default=5)
    parser.add_argument("--before", help="another tree's src folder, measured first")
    args = parser.parse_args()
    if args.before:
        env = dict(os.environ, PYTHONPATH=str(Path(args.before).resolve()))
        print("before:", flush=True)
        subprocess.run(
            [sys.executable, __file__, "--megabytes", str(args.megabytes)], env=env, check=True
        )
        print("after:", flush=True)
    with tempfile.TemporaryDirectory(prefix="reader-store-") as temporary:
        folder = Path(temporary)
        os.environ["READER_HOME"] = str(folder / "home")
        import reader

        print(f"  tree {Path(reader.__file__).parent.parent}; load {os.getloadavg()[0]:.2f}")
        texts = folder / "texts.txt"
        texts.write_text(
            "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(TEXTS.glob("*.txt"))),
            encoding="utf-8",
        )
        seed = folder / "seed.txt"
        seed.write_text((SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\n") * 10)
        for name, path in (("seed", seed), ("texts", texts)):
            per_paragraph, count, tokens = put_cost(path, folder)
            print(
                f"  put, {name}: {per_paragraph:.3f} ms a paragraph"
                f" ({count} paragraphs, {tokens:.0f} tokens each)",
                flush=True,
            )
        print(f"  split/join, {args.megabytes:g} MB: {split_join(args.megabytes, folder)}")


if __name__ == "__main__":
    main()
