"""The one Textual application: it owns the learner's settings (one `LiveSettings`), the
config's problems and the services the screens share (the document's paragraph store, the
reading positions, the vocabulary), and runs the actions every screen has (help, undo, quit).

`run_app` starts it on a document's reading screen; `run_study` on the study screen alone
(`reader study`): any screen can be the first, and closing the first ends the app. Screens
are given what they need and never import this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import Initialize, Reactive
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES, Theme

from reader.config import DEFAULT_THEME, ConfigProblem, Settings, unknown_theme_problems
from reader.core import notices
from reader.core.errors import ReaderError
from reader.core.learner.reading_state import ReadingStateStore
from reader.core.models import Document
from reader.ui.actions import ACTIONS, APP_SCOPE, display_key, display_keys, keymap_problems
from reader.ui.opening import LibraryRecorder, OpeningForReading, open_for_reading
from reader.ui.problems import problems_reported, report_problem
from reader.ui.screens.base import ReaderScreen
from reader.ui.services import Vocabulary
from reader.ui.settings import LiveSettings

if TYPE_CHECKING:
    from reader.core.engine.pipeline import Annotator
    from reader.core.engine.store import ParagraphStore
    from reader.core.engine.warmup import FirstScreenPrefetch
    from reader.core.learner.library import DocumentSummary
    from reader.core.learner.vocab import VocabStore
    from reader.ui.screens.library import LibraryScreen
    from reader.ui.screens.reading import ReadingScreen

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


FirstScreen = Callable[["ReaderApp"], Screen[Any]]


class ReaderApp(App[int]):
    """The app: a document's reading screen first (or the screen `first_screen` makes)."""

    CSS_PATH = "reader.tcss"
    TITLE = "reader"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = list(ACTIONS.bindings(APP_SCOPE))

    # The learner's theme from the start: Textual makes its stylesheet with the theme's colours
    # as the app is made; setting `theme` after that parses every widget's CSS again (and
    # restyles every widget) before the first paint.
    def _first_theme(self) -> str:
        return self.first_theme

    theme: Reactive[str] = Reactive(Initialize(_first_theme))

    def __init__(
        self,
        document: Document | None = None,
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
        first_screen: FirstScreen | None = None,
    ) -> None:
        """`document` may be the first part of a long text: `rest_of_document` then makes
        the whole of it (called in a worker; see `reader.core.text.loader.OpenedText`).
        `first_screen(app)` makes the first screen instead of the document's reading screen;
        when the first screen is dismissed, the app ends (its result in `first_result`)."""
        wanted_theme = (settings or Settings()).theme
        self.first_theme = wanted_theme if wanted_theme in BUILTIN_THEMES else CALM_THEME
        """The theme the app starts in (see `theme`): the learner's, if there is one of
        that name."""
        super().__init__()
        if document is None and first_screen is None:
            raise ValueError("a document to read, or a first screen to show")
        self.rest_of_document = rest_of_document
        self.stop_listening: Callable[[], None] = lambda: None  # see on_mount
        self.before_exit = [self.leave_document]
        self.config_problems = tuple(config_problems)
        self.vocabulary = Vocabulary(vocab_store)
        self.first_screen = first_screen
        self.first_result: object = None
        self.document = document
        # The one settings object: screens and widgets read it and listen to it.
        self.live_settings = LiveSettings(
            settings,
            save=save_settings_on_change,
            on_problem=lambda message: report_problem(self, message),
        )
        self.library_recorder: LibraryRecorder | None = None
        """The library's note of the text read now (set by `run_app` and `open_document`)."""
        if paragraphs is None and document is not None:
            from reader.core.engine.store import annotate

            paragraphs = annotate(document, annotator)
        self.paragraphs: ParagraphStore | None = paragraphs
        self.annotator = annotator if self.paragraphs is None else self.paragraphs.annotator
        self.state_store = state_store or ReadingStateStore()
        self.prefetch = prefetch
        if document is not None:
            self.title = document.title
        self.add_class(f"-theme-{self.theme}")  # as Textual's own change of theme does
        if self.settings.theme not in self.available_themes:
            self.config_problems += unknown_theme_problems(self.settings, self.available_themes)
        # The learner's remapped keys by action id (a former id counts as its action's).
        self.keymap = ACTIONS.keymap(self.settings.keys)
        if self.keymap:
            self.set_keymap(self.keymap)

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
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                with contextlib.suppress(Exception):  # a failed save is said, never fatal
                    screen.save_before_exit()
        if not self.exit_at_once:
            self.exit(code)
            return
        driver = self._driver
        if driver is not None:
            with contextlib.suppress(Exception):
                driver.stop_application_mode()
                driver.close()  # the writer thread sends what is queued, then stops
        self.vocabulary.close()
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
        # The rules are read by the engine's child on the way to the first screen, and what
        # it reports never reaches this process: read them here too, after the first paint.
        self.set_timer(0.5, self._check_rules_file)
        if self.config_problems or self.settings.keys:
            # After the first paint: a notification is not worth a later first screen.
            self.set_timer(0.5, self._report_config_problems)
        # Once the app's own start (one batched update) is over: a screen pushed inside it
        # is laid out and rendered once for nothing (the batch drops that frame), then again.
        self.call_later(
            partial(self.push_screen, self._make_first_screen(), callback=self._first_screen_closed)
        )

    def _make_first_screen(self) -> Screen[Any]:
        if self.first_screen is not None:
            return self.first_screen(self)
        from reader.ui.screens.reading import ReadingScreen

        assert self.paragraphs is not None  # a document was given
        return ReadingScreen(
            self.paragraphs,
            self.live_settings,
            state_store=self.state_store,
            prefetch=self.prefetch,
            vocabulary=self.vocabulary,
            rest_of_document=self.rest_of_document,
        )

    def _first_screen_closed(self, result: object) -> None:
        self.first_result = result
        self.exit(0)

    def on_unmount(self) -> None:
        self.vocabulary.close()  # after the screens (they may save on the way out)

    @work(thread=True, exclusive=True, group="check-rules", exit_on_error=False)
    def _check_rules_file(self) -> None:
        """A rules file that cannot be read (not UTF-8, say) is reported (once: `notices`)."""
        from reader.core.engine.user_dictionary import UserDictionary

        UserDictionary.load()

    def _report_config_problems(self) -> None:
        """A config the learner got wrong is named with its line; the defaults are used and
        the file is left for them to fix (settings are not saved over it). Remapped keys are
        checked against the action registry: unknown ids and keys two actions share."""
        for problem in self.config_problems + keymap_problems(self.settings):
            self.notify(str(problem), title="Config file", severity="warning", timeout=15)

    # ---- the library: the texts read before, and opening another -----------------

    def reading_screen(self) -> ReadingScreen | None:
        """The reading screen in the stack (None on `reader library` before a text is open)."""
        from reader.ui.screens.reading import ReadingScreen

        return next((s for s in self.screen_stack if isinstance(s, ReadingScreen)), None)

    def reading_summary(self) -> DocumentSummary | None:
        """The figures of the text read now (% known, new words) for the library."""
        screen = self.reading_screen()
        return screen.library_summary() if screen is not None else None

    def leave_document(self) -> None:
        """The library notes the text read now, with its figures: the learner leaves it."""
        if self.library_recorder is not None:
            self.library_recorder.finish(self.reading_summary())

    def action_library(self) -> None:
        """The library screen (`o` on the reading screen), with the text read now at the top
        and its figures up to date."""
        from reader.ui.screens.library import LibraryScreen

        self.leave_document()
        reading = self.reading_screen()
        current = self.document.doc_id if self.document is not None else None
        self.push_screen(
            LibraryScreen(self.vocabulary, current_doc_id=current),
            reading.known_words_reloaded if reading is not None else None,
        )

    def on_library_screen_open_requested(self, message: LibraryScreen.OpenRequested) -> None:
        """The learner chose a text in the library (or the file picker)."""
        self.open_document(message.path)

    @work(thread=True, exclusive=True, group="open-document", exit_on_error=False)
    def open_document(self, path: str) -> None:
        """Read the text at `path` (in a thread: a book's first part takes a moment), then
        show it on a new reading screen in place of the screens open now."""
        try:
            from reader.core.engine.store import annotate

            opening = open_for_reading(path, self.state_store)
            paragraphs = annotate(opening.document, self.annotator)
        except ReaderError as error:
            self.call_from_thread(self._cannot_open, error)
            return
        self.call_from_thread(self._show_document, path, opening, paragraphs)

    def _cannot_open(self, error: ReaderError) -> None:
        from reader.ui.screens.library import LibraryScreen

        self.notify(str(error), title="Cannot open", severity="error")
        if isinstance(self.screen, LibraryScreen):
            self.screen.reload()  # its summary line said "Opening …"

    def _show_document(
        self, path: str, opening: OpeningForReading, paragraphs: ParagraphStore
    ) -> None:
        from reader.ui.screens.reading import ReadingScreen

        # The store before is left to its screen's workers (closing it under them would fail
        # their last writes); it goes with them.
        self.leave_document()
        document = opening.document
        self.document, self.paragraphs = document, paragraphs
        self.annotator = paragraphs.annotator
        self.rest_of_document = opening.rest_of_document
        self.title = document.title
        self.library_recorder = LibraryRecorder(document, path)
        self.library_recorder.finish()  # at the top of the library at once
        screen = ReadingScreen(
            paragraphs,
            self.live_settings,
            state_store=self.state_store,
            vocabulary=self.vocabulary,
            rest_of_document=opening.rest_of_document,
        )
        # The reading screen before (it saves its position as it goes) and the library go.
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    # ---- the actions every screen has (`undo_action`, `help_action`) -------------

    def action_help(self) -> None:
        """The help of the screen on top: its prose and its keys."""
        from reader.ui.screens.help import HelpScreen  # Markdown: not before the first paint

        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
            return
        scope = getattr(screen, "SCOPE", APP_SCOPE)
        help_file = screen.HELP_FILE if isinstance(screen, ReaderScreen) else None
        self.push_screen(HelpScreen(scope, self.keymap, help_file=help_file))

    def action_undo(self) -> None:
        """Take back the last change made on the screen on top (its `undo_stack`)."""
        screen = self.screen
        change = screen.undo_stack.pop() if isinstance(screen, ReaderScreen) else None
        if change is None:
            self.notify("Nothing to undo.")
            return
        try:
            said = change.undo()
        except ReaderError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(said)

    async def action_quit(self) -> None:
        """Quit: every screen saves what it must first (see `quit_now`)."""
        self.quit_now(0)

    def _remember_theme(self, theme: Theme) -> None:
        """A theme picked in the command palette is kept for the next session."""
        self.live_settings.update(theme=theme.name)

    def get_key_display(self, binding: Binding) -> str:
        """A key in the footer as the learner typed it: their remap if they made one (the
        default's `key_display`, "⏎", would name a key that no longer does it)."""
        remapped = self.keymap.get(binding.id) if binding.id else None
        if remapped:
            return display_key(remapped.split(",")[0])
        return super().get_key_display(binding)

    def save_screenshot_in_data_dir(self) -> None:
        """The palette's Screenshot: an SVG in the data folder, its path said (Textual's own
        saves to ~/Downloads, which many machines do not have)."""
        from reader import paths

        try:
            path = self.save_screenshot(path=str(paths.screenshots_dir()))
        except ReaderError as error:  # the folder could not be made
            report_problem(self, str(error))
        except OSError as error:
            report_problem(self, f"could not save the screenshot ({error.strerror or error})")
        else:
            self.notify(path, title="Screenshot saved", timeout=10)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's commands (its Quit and Screenshot replaced by the app's), then every
        action of the screen (the footer shows a few)."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Screenshot"):
                yield command
        yield SystemCommand(
            "Screenshot",
            "Save an SVG picture of the screen in the data folder",
            lambda: self.set_timer(0.1, self.save_screenshot_in_data_dir),
        )
        scope = getattr(screen, "SCOPE", APP_SCOPE)
        for action in ACTIONS.in_scope(scope):
            keys = display_keys(ACTIONS.keys_of(action.id, self.keymap))
            yield SystemCommand(
                action.description, f"Keys: {keys}", partial(screen.run_action, action.method)
            )
