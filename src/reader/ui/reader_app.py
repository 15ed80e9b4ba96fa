"""The Textual application: one document on the reading screen (started by `run_app`)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from reader.config import (
    DEFAULT_THEME,
    ConfigProblem,
    Settings,
    save_settings,
    unknown_binding_problems,
)
from reader.core.engine.pipeline import AnnotatedDocument, Annotator, annotate
from reader.core.learner.reading_state import ReadingStateStore
from reader.core.learner.vocab import VocabStore
from reader.core.models import Document
from reader.ui.prefetch import FirstScreenPrefetch
from reader.ui.screens.reading import ReadingScreen, reading_bindings

CALM_THEME = DEFAULT_THEME
# `run_app` pauses garbage collection during start-up; it resumes this long after mount, when
# the first screen is drawn and the models have loaded.
RESUME_GC_AFTER = 3.0  # seconds


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
        annotated: AnnotatedDocument | None = None,
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
        self.config_problems = tuple(config_problems)
        self.vocab_store = vocab_store
        self.document = document
        self.settings = settings if settings is not None else Settings()
        self.annotated: AnnotatedDocument = annotated or annotate(document, annotator)
        self.state_store = state_store
        self.save_settings_on_change = save_settings_on_change
        self.prefetch = prefetch
        self.title = document.title
        self.theme = (
            self.settings.theme if self.settings.theme in self.available_themes else CALM_THEME
        )
        if self.settings.keys:
            self.set_keymap(self.settings.keymap)

    def on_mount(self) -> None:
        self.set_timer(RESUME_GC_AFTER, resume_garbage_collection)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.config_problems or self.settings.keys:
            # Well after the first paint: checking key ids imports every screen's bindings.
            self.set_timer(0.5, self._report_config_problems)
        self.push_screen(
            ReadingScreen(
                self.annotated,
                self.settings,
                state_store=self.state_store,
                save_settings_on_change=self.save_settings_on_change,
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
        # The palette may be on top: find the reading screen in the stack.
        screen = next((s for s in self.screen_stack if isinstance(s, ReadingScreen)), None)
        if screen is None or screen.settings.theme == theme.name:
            return
        screen.settings = replace(screen.settings, theme=theme.name)
        self.settings = screen.settings
        if self.save_settings_on_change:
            save_settings(screen.settings)

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
