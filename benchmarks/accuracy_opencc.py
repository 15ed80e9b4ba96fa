"""OpenCC conformance: OpenCC's own test cases through `reader.core.engine.convert.convert_text`.

Data: ../shared/data/eval/opencc/json_head/testcases.flat.tsv (id, config, input, expected),
relative to the repository root. Run: `.venv/bin/python benchmarks/accuracy_opencc.py`.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from reader.core.engine.convert import convert_text

REPO_ROOT = Path(__file__).resolve().parent.parent
TESTCASES = (
    REPO_ROOT.parent / "shared" / "data" / "eval" / "opencc" / "json_head" / "testcases.flat.tsv"
)


def load_cases(path: Path = TESTCASES) -> list[tuple[str, str, str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)  # header
        return [(row[0], row[1], row[2], row[3]) for row in reader if len(row) >= 4]


def evaluate(path: Path = TESTCASES) -> dict[str, object]:
    """Pass counts over every (case, config) pair: overall, by config, and the failures."""
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    failures: list[tuple[str, str, str, str, str]] = []
    for case_id, config, source, expected in load_cases(path):
        total[config] += 1
        got = convert_text(source, config)
        if got == expected:
            passed[config] += 1
        else:
            failures.append((case_id, config, source, expected, got))
    by_config = {config: (passed[config], total[config]) for config in sorted(total)}
    return {
        "passed": sum(passed.values()),
        "total": sum(total.values()),
        "by_config": by_config,
        "failures": failures,
    }


def main() -> int:
    result = evaluate()
    print(f"OpenCC test cases: {result['passed']}/{result['total']} passed")
    by_config = result["by_config"]
    assert isinstance(by_config, dict)
    for config, (ok, count) in by_config.items():
        print(f"  {config:6} {ok:3}/{count:3}")
    failures = result["failures"]
    assert isinstance(failures, list)
    for case_id, config, source, expected, got in failures[:20]:
        print(f"FAIL {case_id} {config}: {source!r} expected {expected!r} got {got!r}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
