"""Helpers shared by the tests: where things are, and how to run the real `reader` command."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = REPO_ROOT / "seeds" / "000_f2ec13676ab21b41.txt"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def reader_command() -> list[str]:
    """The real installed `reader` console script (next to this Python)."""
    candidate = Path(sys.executable).parent / "reader"
    if candidate.exists():
        return [str(candidate)]
    found = shutil.which("reader")
    if found:
        return [found]
    return [sys.executable, "-m", "reader"]


def subprocess_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["READER_HOME"] = str(home)
    env.update(extra)
    return env
