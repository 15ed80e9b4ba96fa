"""The Textual application: one document on the reading screen (started by `run_app`)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from reader.config import (
    DEFAULT_THEME,
    ConfigProblem,
    Settings,
    unknown_binding_problems,
    unknown_theme_problems,
)
from reader.core import notices
from reader.core.engine.pipeline import Annotator, annotate
from reader.core.engine.store import ParagraphStore
from reader.core.engine.warmup import FirstScreenPrefetch
from reader.core.learner.reading_state import ReadingStateStore
from reader.core.learner.vocab import VocabStore
from reader.core.models import Document
from reader.ui.problems import problems_reported, report_problem
from reader.ui.screens.reading import ReadingScreen, reading_bindings
from reader.ui.settings import LiveSettings

CALM_THEME = DEFAULT_THEME
# `run_app` pauses garbage collection during start-up; it resumes this long after mount, when
# the first screen is drawn and the models have loaded.
RESUME_GC_AFTER = 3.0  # seconds


class _UnjoinedExecutor(ThreadPoolExecutor):
    """The default executor of the app's loop: shutting it down does not wait for threads."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=cancel_futures)


def resume_garbage_collection() -> None:
    """Freeze the start-up objects (Textual, models: alive all session) so collections never
    walk them again, then collect as usual. Nothing to do if collection was never paused."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


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
        paragraphs: ParagraphStore | None = None,
        state_store: ReadingStateStore | None = None,
        save_settings_on_change: bool = True,
        prefetch: FirstScreenPrefetch | None = None,
        vocab_store: VocabStore | None = None,
        config_problems: Sequence[ConfigProblem] = (),
        rest_of_document: Callable[[], Document] | None = None,
    ) -> None:
        """`document` may be the first part of a long text: `rest_of_document` then makes
        the whole of it (called in a worker; see `reader.core.text.loader.OpenedText`)."""
        super().__init__()
        self.rest_of_document = rest_of_document
        self.stop_listening: Callable[[], None] = lambda: None  # see on_mount
        self.before_exit = []
        self.config_problems = tuple(config_problems)
        self.vocab_store = vocab_store
        self.document = document
        # The one settings object: screens and widgets read it and listen to it.
        self.live_settings = LiveSettings(
            settings,
            save=save_settings_on_change,
            on_problem=lambda message: report_problem(self, message),
        )
        self.paragraphs: ParagraphStore = paragraphs or annotate(document, annotator)
        self.state_store = state_store
        self.prefetch = prefetch
        self.title = document.title
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.theme = CALM_THEME
            self.config_problems += unknown_theme_problems(self.settings, self.available_themes)
        if self.settings.keys:
            self.set_keymap(self.settings.keymap)

    @property
    def settings(self) -> Settings:
        """The learner's settings now (`live_settings.current`)."""
        return self.live_settings.current

    exit_at_once = False
    """Set by `run_app`: q ends the process as soon as the terminal is restored."""
    before_exit: list[Callable[[], None]]
    """What must happen before the process ends (e.g. the library noting the document)."""

    def quit_now(self, code: int = 0) -> None:
        """Quit (everything is saved by then). With `exit_at_once`, the terminal is restored
        and the process ends here: Textual's teardown of every widget, competing with worker
        threads for the GIL, took 0.3-1.3 s on a book."""
        if not self.exit_at_once:
            self.exit(code)
            return
        driver = self._driver
        if driver is not None:
            with contextlib.suppress(Exception):
                driver.stop_application_mode()
                driver.close()  # the writer thread sends what is queued, then stops
        for last_step in self.before_exit:
            with contextlib.suppress(Exception):  # nothing may keep the process alive
                last_step()
        self.repeat_problems_on_stderr()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)

    def repeat_problems_on_stderr(self) -> None:
        """Every problem notified in the app, said again where it ran (once the terminal is
        the shell's again)."""
        stderr = sys.__stderr__  # while the app runs, sys.stderr is Textual's capture
        if stderr is None:
            return
        for problem in problems_reported(self):
            print(f"reader: {problem}", file=stderr)

    def on_mount(self) -> None:
        # Thread workers run on the loop's default executor, which asyncio joins when the
        # app ends: quitting would wait for a paragraph, a model load or a whole book's worth
        # of work. Nothing they do needs finishing (every write is one transaction).
        asyncio.get_running_loop().set_default_executor(_UnjoinedExecutor())
        self.set_timer(RESUME_GC_AFTER, resume_garbage_collection)
        # Files that could not be read on the way (e.g. rules that are not UTF-8) are said.
        self.stop_listening = notices.listen(
            lambda message: report_problem(self, message, title="Problem")
        )
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.config_problems or self.settings.keys:
            # Well after the first paint: checking key ids imports every screen's bindings.
            self.set_timer(0.5, self._report_config_problems)
        self.push_screen(
            ReadingScreen(
                self.paragraphs,
                self.live_settings,
                state_store=self.state_store,
                prefetch=self.prefetch,
                vocab_store=self.vocab_store,
                rest_of_document=self.rest_of_document,
            )
        )

    def _report_config_problems(self) -> None:
        """A config the learner got wrong is named with its line; the defaults are used and
        the file is left for them to fix (settings are not saved over it)."""
        from reader.ui.screens.help import HelpScreen
        from reader.ui.screens.study import study_bindings
        from reader.ui.screens.vocab import DefinitionEditor, vocab_bindings

        known_ids = {
            binding.id
            for bindings in (reading_bindings(), vocab_bindings(), study_bindings())
            for binding in bindings
            if binding.id
        }
        for screen_type in (HelpScreen, DefinitionEditor):
            known_ids |= {b.id for b in screen_type.BINDINGS if isinstance(b, Binding) and b.id}
        problems = self.config_problems + unknown_binding_problems(self.settings, known_ids)
        for problem in problems:
            self.notify(str(problem), title="Config file", severity="warning", timeout=15)

    def _remember_theme(self, theme: Theme) -> None:
        """A theme picked in the command palette is kept for the next session."""
        self.live_settings.update(theme=theme.name)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every reading action, not just the few in the Footer."""
        yield from super().get_system_commands(screen)
        # Imported here: the first screen should not wait for the other screens' modules.
        from reader.ui.screens.study import StudyScreen, study_bindings
        from reader.ui.screens.vocab import VocabScreen, vocab_bindings

        bindings = None
        if isinstance(screen, ReadingScreen):
            bindings = reading_bindings()
        elif isinstance(screen, VocabScreen):
            bindings = vocab_bindings()
        elif isinstance(screen, StudyScreen):
            bindings = study_bindings()
        if bindings is not None:
            keymap = self.settings.keymap
            for binding in bindings:
                keys = keymap.get(binding.id or "", binding.key)
                yield SystemCommand(
                    binding.description,
                    f"Keys: {keys}",
                    partial(screen.run_action, binding.action),
                )
