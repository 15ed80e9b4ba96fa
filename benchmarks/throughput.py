"""Whole-text annotation throughput: `reader annotate PATH --format jsonl` on every core.

    .venv/bin/python benchmarks/throughput.py                       # seed and texts, 20 MB
    .venv/bin/python benchmarks/throughput.py --texts seed --megabytes 1
    .venv/bin/python benchmarks/throughput.py --before ../main/src  # another tree, same run

Texts (each in a new process, a fresh READER_HOME whose dictionary index is built first):
- `seed`: the seed article repeated to N MB (what earlier sessions measured: issue 14's
  "today ~0.2 MB/s");
- `texts`: ../shared/data/texts (news, LegCo, subtitles, Wikipedia in both scripts)
  repeated to N MB;
- `cpp`: the CPP dev sentences, ten to a paragraph (0.9 MB of varied Simplified text, not
  repeated: no word recurs the way it does in a repeated text).

Per run: wall seconds and MB/s of UTF-8 input; CPU seconds of the command and its worker
processes (MB per CPU-second shows what the cores give when nothing else runs); seconds to
the first line; the peak RSS of the command's own process and the peak PSS of it with its
workers (sampled every 0.2 s; PSS counts pages they share once); the machine's load average.
`--before SRC` runs another source tree (PYTHONPATH) alternately with this one and checks
that both write the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEED = REPO / "seeds" / "000_f2ec13676ab21b41.txt"
TEXTS = REPO.parent / "shared" / "data" / "texts"
CPP_DEV = REPO.parent / "shared" / "data" / "eval" / "pinyin" / "dev.sent"


def make_text(folder: Path, name: str, megabytes: float) -> Path:
    if name == "cpp":
        sentences = [
            line.strip().replace("▁", "") for line in CPP_DEV.read_text("utf-8").splitlines()
        ]
        body = "\n\n".join("".join(sentences[i : i + 10]) for i in range(0, len(sentences), 10))
        path = folder / "cpp.txt"
        path.write_text(body + "\n", encoding="utf-8")
        return path
    if name == "seed":
        unit = SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    else:
        unit = "\n\n".join(
            p.read_text(encoding="utf-8").strip("\n") for p in sorted(TEXTS.glob("*.txt"))
        )
        unit += "\n\n"
    copies = int(megabytes * 1e6 // len(unit.encode("utf-8"))) + 1
    path = folder / f"{name}-{megabytes:g}mb.txt"
    path.write_text(unit * copies, encoding="utf-8")
    return path


def process_tree(pid: int) -> list[int]:
    """The process and every process under it."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found.extend(process_tree(int(child)))
    return found


def pss_kib(pid: int) -> int:
    """The proportional set size of a process (0 once it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    first_line_seconds: float
    own_peak_mib: float
    tree_peak_mib: float
    digest: str


def annotate(path: Path, env: dict[str, str]) -> Run:
    command = [sys.executable, "-m", "reader", "annotate", str(path), "--format", "jsonl"]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    assert process.stdout is not None
    peaks = {"tree": 0, "own": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            tree = sum(pss_kib(member) for member in process_tree(process.pid))
            peaks["tree"] = max(peaks["tree"], tree)
            peaks["own"] = max(peaks["own"], _hwm_kib(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    digest = hashlib.sha256()
    first = process.stdout.readline()
    first_seconds = time.perf_counter() - start
    digest.update(first)
    for chunk in iter(lambda: process.stdout.read(1 << 20), b""):  # type: ignore[union-attr]
        digest.update(chunk)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return Run(
        seconds,
        usage.ru_utime + usage.ru_stime,  # the command's and its reaped workers'
        first_seconds,
        peaks["own"] / 1024,
        peaks["tree"] / 1024,
        digest.hexdigest(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--texts", default="seed,texts,cpp", help="seed, texts, cpp")
    parser.add_argument("--megabytes", type=float, default=20)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--before", help="another tree's src folder to run alternately")
    args = parser.parse_args()
    trees = {"after": str(REPO / "src")}
    if args.before:
        trees = {"before": str(Path(args.before).resolve()), **trees}
    print(f"{os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="reader-throughput-") as folder:
        root = Path(folder)
        homes = {}
        for name, source in trees.items():
            env = dict(os.environ, READER_HOME=str(root / f"home-{name}"), PYTHONPATH=source)
            subprocess.run(
                [sys.executable, "-m", "reader", "dict", "info"],
                env=env,
                check=True,
                capture_output=True,
            )
            homes[name] = env
        for text in args.texts.split(","):
            path = make_text(root, text, args.megabytes)
            megabytes = path.stat().st_size / 1e6
            results: dict[str, list[Run]] = {name: [] for name in trees}
            for _ in range(args.runs):
                for name in trees:
                    results[name].append(annotate(path, homes[name]))
            for name, runs in results.items():
                wall = statistics.median(run.seconds for run in runs)
                cpu = statistics.median(run.cpu_seconds for run in runs)
                print(
                    f"{text} {megabytes:.1f} MB, {name}: {wall:.1f} s"
                    f" = {megabytes / wall:.2f} MB/s;"
                    f" CPU {cpu:.1f} s = {megabytes / cpu:.2f} MB per CPU-second;"
                    f" first line {min(run.first_line_seconds for run in runs):.2f} s;"
                    f" peak RSS {max(run.own_peak_mib for run in runs):.0f} MiB,"
                    f" with workers (PSS) {max(run.tree_peak_mib for run in runs):.0f} MiB",
                    flush=True,
                )
            if len(trees) > 1:
                digests = {run.digest for runs in results.values() for run in runs}
                print(f"  output {'identical' if len(digests) == 1 else 'DIFFERENT'}")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
