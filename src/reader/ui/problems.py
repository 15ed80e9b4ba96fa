"""Problems that must not stop the reading: a save that fails (a read-only or full disk, a
file of the learner's that cannot be parsed and so is left alone) or a file that could not
be read. Each is shown once as a notification; the app keeps going, and `run_app` repeats
them on stderr when it ends.

The one place the UI turns a storage error into a notification: screens wrap their saves in
`with saving(self.app): ...`.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from textual.app import App

from reader.core.errors import StorageError

NOTIFY_SECONDS = 12

_said: weakref.WeakKeyDictionary[App[Any], list[str]] = weakref.WeakKeyDictionary()


def report_problem(app: App[Any], message: str, title: str = "Not saved") -> None:
    """Notify `message` once per app (the same failure on every cursor move says it once).
    Safe to call from any thread."""
    said = _said.setdefault(app, [])
    if message in said:
        return
    said.append(message)
    if getattr(app, "_thread_id", None) == threading.get_ident():
        app.notify(message, title=title, severity="warning", timeout=NOTIFY_SECONDS)
    else:
        with suppress(RuntimeError):  # the app has stopped: run_app prints it on stderr
            app.call_from_thread(
                app.notify, message, title=title, severity="warning", timeout=NOTIFY_SECONDS
            )


def problems_reported(app: App[Any]) -> list[str]:
    """Every problem notified in `app`, in order (run_app prints them on stderr at the end)."""
    return list(_said.get(app, []))


@contextmanager
def saving(app: App[Any]) -> Iterator[None]:
    """Run a save; if it fails, say why once and carry on (the change stays in memory)."""
    try:
        yield
    except StorageError as error:
        report_problem(app, str(error))
    except OSError as error:  # a save that did not name its file (should not happen)
        report_problem(app, f"could not save ({error.strerror or error})")
