"""Book-length input: time and memory for 1 MB and 20 MB texts (the seed repeated).

Run: .venv/bin/python benchmarks/scale.py [--sizes 1,20] [--also json,stats,convert]

For each size it measures, each in a fresh process (peak RSS from wait4):
- `reader annotate PATH --format jsonl`: wall time, time to the first paragraph on stdout,
  paragraphs written, peak RSS (streams: should not grow with the input);
- opening: `open_path` + its first 200 paragraphs, wall time (what the reading screen does
  before the app starts; the rest of a long text is made after the first paint);
- the first screen: that + annotating the first 6 paragraphs; peak RSS of the process, which
  then makes the whole document as the reading screen's worker does. Target: ≤ 300 MB at 1 MB.
The texts live in a temporary directory with a temporary READER_HOME (dictionary index built
once before measuring).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_f2ec13676ab21b41.txt"
FIRST_SCREEN_PARAGRAPHS = 6
RSS_TARGET_MIB_AT_1MB = 300


def reader_executable() -> list[str]:
    candidate = Path(sys.executable).parent / "reader"
    return [str(candidate)] if candidate.exists() else [sys.executable, "-m", "reader"]


def build_text(folder: Path, megabytes: int) -> Path:
    """The seed repeated (blank line between copies) to at least `megabytes` MB of UTF-8."""
    copy = SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    size = len(copy.encode("utf-8"))
    path = folder / f"seed-{megabytes}mb.txt"
    path.write_text(copy * (megabytes * 1_000_000 // size + 1), encoding="utf-8")
    return path


@dataclass(frozen=True, slots=True)
class StreamRun:
    seconds: float
    first_paragraph_seconds: float
    paragraphs: int
    peak_rss_mib: float


COMMANDS = {
    "jsonl": ["annotate", "{path}", "--format", "jsonl"],
    "json": ["annotate", "{path}", "--format", "json"],
    "stats": ["stats", "{path}"],
    "convert": ["convert", "{path}"],
}


def measure_annotate_jsonl(path: Path, env: dict[str, str]) -> StreamRun:
    return measure_command("jsonl", path, env)


def measure_command(name: str, path: Path, env: dict[str, str]) -> StreamRun:
    """Wall time, time to the first output line, output lines and peak RSS of one command."""
    arguments = [str(path) if part == "{path}" else part for part in COMMANDS[name]]
    command = [*reader_executable(), *arguments]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    first = process.stdout.readline()
    first_seconds = time.perf_counter() - start
    paragraphs = 1 if first else 0
    for _ in iter(process.stdout.readline, b""):
        paragraphs += 1
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return StreamRun(elapsed, first_seconds, paragraphs, usage.ru_maxrss / 1024)


_CHILD = """
import sys, time
from reader.core.text.loader import open_path
from reader.core.engine.store import annotate
start = time.perf_counter()
opened = open_path(sys.argv[1])
opened.read_until(200)  # what `run_app` makes before the app starts (HEAD_PARAGRAPHS)
loaded = time.perf_counter() - start
annotated = annotate(opened.document)
for index in range(min(len(annotated), int(sys.argv[2]))):
    annotated.make(index)  # annotated here, whatever the paragraph store has
first_screen = time.perf_counter() - start
document = opened.finish()  # the rest, made in a worker after the first paint
print(loaded, first_screen, len(document.paragraphs))
"""


def measure_first_screen(path: Path, env: dict[str, str]) -> tuple[float, float, int, float]:
    """(load seconds, load + first screen seconds, paragraphs, peak RSS MiB) in a new process."""
    command = [sys.executable, "-c", _CHILD, str(path), str(FIRST_SCREEN_PARAGRAPHS)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    assert process.stdout is not None
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("first-screen measurement failed")
    loaded, first_screen, paragraphs = output.split()
    return float(loaded), float(first_screen), int(paragraphs), usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,20", help="text sizes in MB (default 1,20)")
    parser.add_argument(
        "--also",
        default="",
        help="more commands to time and measure at each size, comma-separated: "
        + ", ".join(name for name in COMMANDS if name != "jsonl"),
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    others = [name for name in args.also.split(",") if name]
    with tempfile.TemporaryDirectory(prefix="reader-scale-") as folder:
        root = Path(folder)
        env = dict(os.environ, READER_HOME=str(root / "home"))
        subprocess.run([*reader_executable(), "dict", "info"], env=env, check=True, stdout=-3)
        rows = []
        extra: list[tuple[int, str, StreamRun]] = []
        for megabytes in sizes:
            path = build_text(root, megabytes)
            loaded, first_screen, paragraphs, screen_rss = measure_first_screen(path, env)
            stream = measure_annotate_jsonl(path, env)
            for name in others:
                run = measure_command(name, path, env)
                extra.append((megabytes, name, run))
            rows.append(
                (
                    megabytes,
                    path.stat().st_size,
                    paragraphs,
                    loaded,
                    first_screen,
                    screen_rss,
                    stream,
                )
            )
    print(
        f"{'size':>6} {'paras':>7} {'load s':>7} {'1st screen s':>12} {'screen RSS':>10} "
        f"{'jsonl s':>8} {'1st para s':>10} {'jsonl RSS':>10} {'jsonl MB/s':>10}"
    )
    for megabytes, size, paragraphs, loaded, first_screen, screen_rss, stream in rows:
        print(
            f"{megabytes:>4}MB {paragraphs:>7} {loaded:>7.2f} {first_screen:>12.2f} "
            f"{screen_rss:>7.0f}MiB {stream.seconds:>8.1f} {stream.first_paragraph_seconds:>10.2f} "
            f"{stream.peak_rss_mib:>7.0f}MiB {size / 1e6 / stream.seconds:>10.2f}"
        )
        assert stream.paragraphs == paragraphs, "jsonl wrote one line per loaded paragraph"
    if extra:
        print(f"\n{'size':>6} {'command':>8} {'seconds':>8} {'1st line s':>10} {'peak RSS':>9}")
        for megabytes, name, run in extra:
            print(
                f"{megabytes:>4}MB {name:>8} {run.seconds:>8.1f} "
                f"{run.first_paragraph_seconds:>10.2f} {run.peak_rss_mib:>6.0f}MiB"
            )
    one_mb = next((row for row in rows if row[0] == 1), None)
    if one_mb is not None:
        verdict = "ok" if one_mb[5] <= RSS_TARGET_MIB_AT_1MB else "OVER"
        print(
            f"first-screen peak RSS at 1 MB: {one_mb[5]:.0f} MiB "
            f"(target ≤ {RSS_TARGET_MIB_AT_1MB}): {verdict}"
        )


if __name__ == "__main__":
    main()
