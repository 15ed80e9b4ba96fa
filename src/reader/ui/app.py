"""The Textual application and `run_app`, the entry point the CLI calls for `reader [PATH|-]`."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen

from reader import paths
from reader.config import Settings, load_settings
from reader.core.models import Document
from reader.core.pipeline import AnnotatedDocument, Annotator, annotate
from reader.core.reading_state import ReadingStateStore
from reader.ui.screens.reading import ReadingScreen, reading_bindings

CALM_THEME = "nord"


class ReaderApp(App[int]):
    """One document on the reading screen."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        document: Document,
        *,
        settings: Settings | None = None,
        annotator: Annotator | None = None,
        state_store: ReadingStateStore | None = None,
        save_settings_on_change: bool = True,
    ) -> None:
        super().__init__()
        self.document = document
        self.settings = settings if settings is not None else Settings()
        self.annotated: AnnotatedDocument = annotate(document, annotator)
        self.state_store = state_store
        self.save_settings_on_change = save_settings_on_change
        self.title = document.title
        self.theme = CALM_THEME
        if self.settings.keys:
            self.set_keymap(self.settings.keymap)

    def on_mount(self) -> None:
        self.push_screen(
            ReadingScreen(
                self.annotated,
                self.settings,
                state_store=self.state_store,
                save_settings_on_change=self.save_settings_on_change,
            )
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every reading action, not just the few in the Footer."""
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReadingScreen):
            keymap = self.settings.keymap
            for binding in reading_bindings():
                keys = keymap.get(binding.id or "", binding.key)
                yield SystemCommand(
                    binding.description,
                    f"Keys: {keys}",
                    partial(screen.run_action, binding.action),
                )


def run_app(path: str | None = None) -> int:
    """Open `path` ("-" = stdin; None = the bundled article) on the reading screen.

    Loading happens BEFORE the app starts, so a bad path raises InputError (the CLI prints
    one line and exits 2) instead of flashing a broken screen.
    """
    from reader.core.loader import load_path

    settings = load_settings()
    document = load_path(path if path is not None else paths.seed_document())
    if path == "-":
        _reattach_terminal_stdin()
    app = ReaderApp(document, settings=settings)
    result = app.run()
    return result if isinstance(result, int) else 0


def _reattach_terminal_stdin() -> None:
    """After reading the text from a pipe, read keys from the terminal instead."""
    import os
    import sys

    try:
        terminal = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        return
    os.dup2(terminal, sys.stdin.fileno())
    os.close(terminal)
