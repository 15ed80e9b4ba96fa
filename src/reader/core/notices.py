"""Problems found on the way that do not stop the work, each said once.

A file of the learner's that cannot be read (rules that are not UTF-8, say) must not be
ignored in silence: the core reports it here, and whoever shows things listens — the CLI
prints it on stderr, the app shows a notification. Reports made before anyone listens are
kept and handed to the first listener.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Listener = Callable[[str], None]

_lock = threading.Lock()
_said: set[str] = set()
_pending: list[str] = []
_listeners: list[Listener] = []


def report(message: str) -> None:
    """Say `message` once in this process (a second report of the same text is dropped)."""
    with _lock:
        if message in _said:
            return
        _said.add(message)
        listeners = list(_listeners)
        if not listeners:
            _pending.append(message)
    for listener in listeners:
        listener(message)


def listen(listener: Listener) -> Callable[[], None]:
    """Send every report to `listener` (those waiting first); returns a function that stops."""
    with _lock:
        waiting = list(_pending)
        _pending.clear()
        _listeners.append(listener)
    for message in waiting:
        listener(message)

    def stop() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return stop


def forget() -> None:
    """Forget what was said and who listens (a test starting afresh)."""
    with _lock:
        _said.clear()
        _pending.clear()
        _listeners.clear()
