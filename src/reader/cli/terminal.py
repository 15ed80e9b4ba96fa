"""What a screen needs from the terminal, checked before anything is loaded (every command
group that opens a screen uses it: no import between command modules)."""

from __future__ import annotations

import os
import sys

from reader.core.errors import ReaderError


def require_terminal(path: str | None = None, screen: str = "the reading screen") -> None:
    """A screen reads keys from a terminal; without one it could only hang or crash
    (stdin closed, /dev/null, a pipe), so say so before loading anything."""
    if path == "-":  # the text comes on stdin, the keys from the controlling terminal after it
        try:
            os.close(os.open("/dev/tty", os.O_RDONLY))
        except OSError:
            raise ReaderError(
                f"reading a text from stdin on {screen} needs a terminal for the keys; "
                "use `reader annotate -` in scripts"
            ) from None
        return
    try:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # closed
        interactive = False
    if not interactive:
        raise ReaderError(f"{screen} needs a terminal on standard input; run it from one")
