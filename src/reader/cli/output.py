"""Where the commands' output goes, and how it is written: the one place for it.

- Text for a person or a script goes through `write_line`: control characters in the text
  (an ESC in a word looked up, in a title read from a file) are shown as symbols, never sent
  to the terminal as they are.
- `write_json` (one document, indented), `write_jsonl` (one object a line, flushed: a
  consumer sees each as soon as it is ready), `write_tsv` (cells without tabs or breaks).
- Errors are one line on stderr, "reader: what went wrong", and exit code 2
  (`EXIT_BAD_INPUT`); `note` says something on stderr that is not the output.
- The streams themselves: UTF-8 whatever the locale, a closed stdout or stderr, a reader of
  our output that went away.
"""

from __future__ import annotations

import errno
import io
import json
import os
import sys
from collections.abc import Iterable
from typing import Any

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def write_line(line: str = "") -> None:
    """A line on stdout, control characters shown as symbols."""
    from reader.core.text.controls import visible_controls

    sys.stdout.write(visible_controls(line) + "\n")


def write_json(value: Any) -> None:
    """One JSON document, indented by one space (non-ASCII kept as it is)."""
    write_line(json.dumps(value, ensure_ascii=False, indent=1))


def write_jsonl(value: Any) -> None:
    """One JSON object on one line, sent at once."""
    write_line(json.dumps(value, ensure_ascii=False))
    sys.stdout.flush()


def tsv_cell(value: object) -> str:
    """A value as a TSV cell: None is empty; tabs and line breaks become spaces."""
    if value is None:
        return ""
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def write_tsv(cells: Iterable[object]) -> None:
    """One TSV row."""
    write_line("\t".join(tsv_cell(cell) for cell in cells))


def say_error(message: str) -> None:
    """The one-line error: "reader: <message>" on stderr (the exit code is the caller's)."""
    print(f"reader: {message}", file=sys.stderr)


def note(message: str) -> None:
    """Something said on stderr that is not the output (e.g. where an export went)."""
    print(message, file=sys.stderr)


# ---- the streams


def use_utf8_streams() -> None:
    """Chinese output must not depend on the locale (CI runs with LANG unset)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


class _ClosedOutput(io.TextIOBase):
    """Stands for a standard stream that was closed: writing fails like a write error."""

    def __init__(self, name: str) -> None:
        self._name = name

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, f"standard {self._name} is closed; nothing can be written")


def stand_in_for_closed_streams() -> None:
    if sys.stdout is None:
        sys.stdout = _ClosedOutput("output")
    if sys.stderr is None:  # nowhere to say what went wrong: the exit code must do
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process


def silence_broken_stdout() -> None:
    """Point stdout at /dev/null so the flush at exit does not fail (and complain) again."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)


def say_notices_on_stderr() -> None:
    """Problems met on the way that do not stop the command (rules that are not UTF-8...)."""
    from reader.core import notices

    notices.listen(lambda message: print(f"reader: warning: {message}", file=sys.stderr))
