"""Write a book-length EPUB for the format benchmarks (and the reading screen's first paint
of a 2 MB EPUB, target ≤ 1.2x the seed's, measured once the screen reads EPUB).

Run: .venv/bin/python benchmarks/make_epub.py OUT.epub [--megabytes 2] [--time]

Chapters are the seed's and ../shared/data/texts' paragraphs, shuffled per chapter with a
fixed seed, so the book compresses like real text (a repeated chapter would shrink to
nothing in the ZIP). The table of contents has parts with chapters nested in them.
With --time it also measures, in this process, opening the book for the reading screen
(`open_path` + its first 200 paragraphs) and making the whole document.
"""

from __future__ import annotations

import argparse
import html
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_f2ec13676ab21b41.txt"
TEXTS = REPO.parent / "shared" / "data" / "texts"
CHAPTERS_PER_PART = 10
PARAGRAPHS_PER_CHAPTER = 150


def source_paragraphs() -> list[str]:
    paths = [SEED, *sorted(TEXTS.glob("*.txt"))] if TEXTS.is_dir() else [SEED]
    found: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").split("\n"):
            line = line.strip().lstrip("#").strip()
            if len(line) > 8:
                found.append(line)
    return found


def write_epub(target: Path, megabytes: float = 2.0, seed: int = 16) -> int:
    """Write the book, at least `megabytes` MB (1 MB = 10^6 bytes); returns its chapter
    count. A first guess of the chapter count is corrected once by the size written."""
    goal = int(megabytes * 1_000_000)
    count = max(1, goal // 7_000)
    _write_book(target, count, seed)
    while target.stat().st_size < goal:
        count = int(count * goal / target.stat().st_size) + 1
        _write_book(target, count, seed)
    return count


def _write_book(target: Path, count: int, seed: int) -> None:
    from ebooklib import epub

    rng = random.Random(seed)
    paragraphs = source_paragraphs()
    chapters: list[epub.EpubHtml] = []
    book = epub.EpubBook()
    book.set_identifier(f"reader-benchmark-{count}")
    book.set_title("長篇測試書")
    book.set_language("zh-Hant")
    for number in range(1, count + 1):
        chosen = rng.sample(paragraphs, k=min(len(paragraphs), PARAGRAPHS_PER_CHAPTER))
        body = "".join(f"<p>{html.escape(text)}</p>\n" for text in chosen)
        chapter = epub.EpubHtml(
            title=f"第{number}章", file_name=f"text/chapter{number:04}.xhtml", lang="zh-Hant"
        )
        chapter.content = f"<h2>第{number}章</h2>\n{body}"
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = [
        (
            epub.Section(f"第{part + 1}部", href=chapters[part * CHAPTERS_PER_PART].file_name),
            [
                epub.Link(chapter.file_name, chapter.title, f"c{part}-{index}")
                for index, chapter in enumerate(
                    chapters[part * CHAPTERS_PER_PART : (part + 1) * CHAPTERS_PER_PART]
                )
            ],
        )
        for part in range((len(chapters) + CHAPTERS_PER_PART - 1) // CHAPTERS_PER_PART)
    ]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = chapters
    epub.write_epub(str(target), book)


def time_opening(path: Path, runs: int = 5) -> None:
    from reader.core.text.loader import open_path

    firsts: list[float] = []
    wholes: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        opened = open_path(path)
        opened.read_until(200)
        _ = opened.document
        firsts.append(time.perf_counter() - started)
        document = opened.finish()
        wholes.append(time.perf_counter() - started)
    print(
        f"open + first 200 paragraphs: median {statistics.median(firsts) * 1000:.1f} ms; "
        f"whole book ({len(document.paragraphs)} paragraphs, {len(document.contents)} "
        f"contents entries): median {statistics.median(wholes) * 1000:.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--megabytes", type=float, default=2.0)
    parser.add_argument("--time", action="store_true", help="also time opening it")
    args = parser.parse_args()
    chapters = write_epub(args.out, args.megabytes)
    size = args.out.stat().st_size
    print(f"{args.out}: {size / 1e6:.2f} MB, {chapters} chapters")
    if args.time:
        time_opening(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
