"""The app's one settings object: the learner's settings now, saved when they change, and
the callbacks of everything that shows a setting.

`ReaderApp` owns it; screens and widgets read `settings.current` (never a copy) and
subscribe to hear of a change. Saving goes through `reader.config` (which never writes over
a config file the learner has to fix).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from reader.config import Settings, save_settings
from reader.core.errors import StorageError

Listener = Callable[[Settings], None]


class LiveSettings:
    """`current`, `update(**changes)` and `subscribe(listener)`."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        save: bool = True,
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        """`save`: write each change to the config file (tests and benchmarks turn it off).
        `on_problem(message)` hears of a save that failed; the change still applies."""
        self.current = settings if settings is not None else Settings()
        self.save = save
        self.on_problem = on_problem
        self._listeners: list[Listener] = []

    @classmethod
    def of(cls, settings: Settings | LiveSettings | None, *, save: bool = False) -> LiveSettings:
        """The object itself, or one holding plain settings (a screen made on its own)."""
        if isinstance(settings, LiveSettings):
            return settings
        return cls(settings, save=save)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(settings)` after every change; returns what unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def update(self, **changes: Any) -> None:
        """Change some settings: saved (unless the file has problems), then every listener
        is told, in the order they subscribed."""
        previous = self.current
        changed = replace(previous, **changes)
        if changed == previous:
            return
        self.current = changed
        if self.save:
            try:  # only what changed: another instance's other changes stay
                save_settings(changed, previous=previous)
            except StorageError as error:
                if self.on_problem is None:
                    raise
                self.on_problem(str(error))
        for listener in list(self._listeners):
            listener(changed)
