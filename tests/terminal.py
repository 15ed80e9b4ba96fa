"""The real `reader` command in a real terminal: a tmux session, driven by keys, read as text.

Every test process has a tmux server of its own (its own socket), kept up by an idle session
until the process ends: on the machine's default server, one suite's last session ending
stopped the server while another suite was starting a session ("server exited
unexpectedly"), and a server of our own that exits between two tests does the same.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

WAIT_SECONDS = 60.0
EXITED = "READER-EXITED="  # printed by the shell when the command ends, with its exit code
_SOCKET = f"reader-tests-{os.getpid()}"
_server_started = False


def tmux(*args: str) -> str:
    """Run a tmux command on this process's server; its output."""
    _start_server()
    return subprocess.run(
        ["tmux", "-L", _SOCKET, *args], check=True, capture_output=True, text=True, timeout=10
    ).stdout


def _start_server() -> None:
    global _server_started
    if _server_started:
        return
    _server_started = True
    subprocess.run(
        ["tmux", "-L", _SOCKET, "new-session", "-d", "-s", "keep-alive", "sleep 86400"],
        check=True,
        capture_output=True,
        timeout=10,
    )
    socket_path = subprocess.run(
        ["tmux", "-L", _SOCKET, "display-message", "-p", "#{socket_path}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    atexit.register(_stop_server, socket_path)


def _stop_server(socket_path: str) -> None:
    subprocess.run(["tmux", "-L", _SOCKET, "kill-server"], capture_output=True, check=False)
    if socket_path:  # tmux leaves the socket file behind
        Path(socket_path).unlink(missing_ok=True)


class Terminal:
    """One tmux session running a command."""

    def __init__(self, session: str) -> None:
        self.session = session

    def screen(self) -> str:
        return tmux("capture-pane", "-p", "-t", self.session)

    def press(self, *keys: str, pause: float = 0.15) -> None:
        """Send keys (tmux names: "Space", "Escape", "Enter", "q"), one at a time: Esc must
        not merge with the next key into Alt+key."""
        for key in keys:
            tmux("send-keys", "-t", self.session, key)
            time.sleep(pause)

    def wait_for(
        self,
        condition: str | Callable[[str], bool],
        what: str = "",
        timeout: float = WAIT_SECONDS,
    ) -> str:
        """The screen once `condition` holds (a text on it, or a test of it)."""
        test = (lambda screen: condition in screen) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if test(screen):
                return screen
            time.sleep(0.1)
        shown = what or (condition if isinstance(condition, str) else "the screen")
        raise AssertionError(f"timed out waiting for {shown}; the screen was:\n{screen}")

    def wait_for_exit(self, timeout: float = WAIT_SECONDS) -> str:
        """The screen once the command has ended (its exit code is on it: `EXITED` + code)."""
        return self.wait_for(EXITED, "the command to end", timeout)


def reader_shell_command(
    arguments: Sequence[str],
    *,
    home: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    prefix: Sequence[str] = (),
    output: Path | None = None,
) -> str:
    """The shell line that runs `reader ARGUMENTS` as a learner would, then prints its exit
    code and stays open (so the last screen can be read). COLUMNS/LINES are unset: Textual
    prefers them to the window's size."""
    from tests.support import reader_command

    settings = {"READER_HOME": str(home), "TERM": "xterm-256color", **(env or {})}
    assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in settings.items())
    command = " ".join(shlex.quote(part) for part in [*prefix, *reader_command(), *arguments])
    redirect = f" > {shlex.quote(str(output))}" if output is not None else ""
    where = f"cd {shlex.quote(str(cwd))} && " if cwd is not None else ""
    return (
        f"{where}env -u COLUMNS -u LINES {assignments} {command}{redirect}; "
        f"echo {EXITED}$?; sleep 60"
    )


@contextmanager
def terminal(shell_line: str, size: tuple[int, int] = (100, 30)) -> Iterator[Terminal]:
    """A session of `size` (columns, rows) running `shell_line`, closed afterwards."""
    session = f"reader-{uuid.uuid4().hex[:8]}"
    columns, rows = size
    tmux("new-session", "-d", "-s", session, "-x", str(columns), "-y", str(rows), shell_line)
    try:
        yield Terminal(session)
    finally:
        subprocess.run(
            ["tmux", "-L", _SOCKET, "kill-session", "-t", session],
            capture_output=True,
            check=False,
        )


@contextmanager
def reader_in_terminal(
    arguments: Sequence[str],
    *,
    home: Path,
    size: tuple[int, int] = (100, 30),
    **options: object,
) -> Iterator[Terminal]:
    """`reader ARGUMENTS` in a terminal of `size` (see `reader_shell_command` for options)."""
    line = reader_shell_command(arguments, home=home, **options)  # type: ignore[arg-type]
    with terminal(line, size) as opened:
        yield opened
