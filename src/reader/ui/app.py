"""`run_app`, the entry point the CLI calls for `reader [PATH|-]`.

Textual is imported only after the document has loaded and a child process has started
annotating the first paragraphs (see `reader.core.engine.warmup`): the segmenter, the pinyin model
and the dictionary load on the other core while Textual imports and starts, so the first
screen shows its pinyin sooner.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reader.core.learner.records import Direction

FIRST_SCREEN_PARAGRAPHS = 6


def run_app(path: str | None = None, *, reopen_last: bool = False) -> int:
    """Open `path` ("-" = stdin; None = the bundled article, or with `reopen_last` the
    document read last) on the reading screen.

    Loading happens BEFORE the app starts, so a bad path raises InputError (the CLI prints
    one line and exits 2) instead of flashing a broken screen.
    """
    # Start-up makes about a million objects that live all session; full collections while
    # they are made cost ~80 ms before the first paint. The app resumes collection (with the
    # start-up objects frozen) a few seconds after it starts: see `ReaderApp`.
    gc.disable()
    from reader.core.engine.warmup import EngineWarmup, FirstScreenPrefetch

    # First of all: the engine loads in a child while the text is read and Textual starts.
    # (Nothing is imported before it that the child does not need: see `reader.cli.app`.)
    warmup: EngineWarmup | None = EngineWarmup()
    try:
        from reader import paths
        from reader.config import read_settings
        from reader.core.engine.store import annotate
        from reader.core.learner.reading_state import ReadingStateStore
        from reader.ui.opening import LibraryRecorder, last_document, open_for_reading

        if path is None and reopen_last:
            path = last_document()
        state_store = ReadingStateStore()
        # While a long file's rest is read and hashed (its id waits for that):
        settings, config_problems = read_settings()
        opening = open_for_reading(path or str(paths.seed_document()), state_store)
        document, start = opening.document, opening.start
        paragraphs = annotate(document)  # the document's store: what is on disk already
        first_screen = range(start, min(len(paragraphs), start + FIRST_SCREEN_PARAGRAPHS))
        prefetch = FirstScreenPrefetch(paragraphs, first_screen, warmup)
        warmup = None  # the prefetch has it now (it sent the work, or cancelled it)
        if path == "-":
            _reattach_terminal_stdin()

        from reader.ui.reader_app import ReaderApp

        app = ReaderApp(
            document,
            settings=settings,
            paragraphs=paragraphs,
            state_store=state_store,
            prefetch=prefetch,
            config_problems=config_problems,
            rest_of_document=opening.rest_of_document,
        )
        app.exit_at_once = True  # q ends the process (see `ReaderApp.quit_now`)
        app.library_recorder = LibraryRecorder(document, str(path or paths.seed_document()))
        try:
            result = app.run()
        finally:
            app.stop_listening()
            app.leave_document()
        app.repeat_problems_on_stderr()  # q normally ends the process before this
        if app.return_code:  # Textual stopped on an error (it printed the traceback)
            return app.return_code
    finally:
        if warmup is not None:  # bad input: the engine is not needed
            warmup.cancel()
        gc.enable()  # a no-op once the app has resumed it
    return result if isinstance(result, int) else 0


def run_library() -> int:
    """`reader library` in a terminal: the library screen first; a text opened from it is
    read on the reading screen (q quits), Esc on the library ends the app."""
    gc.disable()  # as `run_app`: the app resumes collection once it is drawn
    from reader.config import read_settings
    from reader.ui.reader_app import ReaderApp
    from reader.ui.screens.library import LibraryScreen

    settings, config_problems = read_settings()
    app = ReaderApp(
        settings=settings,
        config_problems=config_problems,
        first_screen=lambda app: LibraryScreen(app.vocabulary),
    )
    app.exit_at_once = True
    try:
        result = app.run()
    finally:
        app.stop_listening()
        app.leave_document()
        gc.enable()  # a no-op once the app has resumed it
    app.repeat_problems_on_stderr()
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0


STUDY_TITLE = "reader study"


def run_study(*, directions: Sequence[Direction], new_limit: int | None = None) -> int:
    """`reader study`: the study screen on its own (the app ends when it closes), then the
    session in one line on stdout."""
    from reader.config import read_settings
    from reader.core.learner.study import NEW_CARDS_PER_DAY, SessionSummary, StudySession
    from reader.core.learner.vocab import VocabStore
    from reader.ui.reader_app import ReaderApp
    from reader.ui.screens.study import StudyScreen
    from reader.ui.widgets.study_card import summary_line

    settings, config_problems = read_settings()
    with VocabStore() as store:
        # The queue is read before the app starts: a damaged study record is one line on
        # stderr (ReaderError), not a crash inside the screen.
        session = StudySession(
            store,
            directions=directions,
            new_limit=NEW_CARDS_PER_DAY if new_limit is None else new_limit,
        )
        app = ReaderApp(
            settings=settings,
            config_problems=config_problems,
            vocab_store=store,
            first_screen=lambda app: StudyScreen(store, app.live_settings, session=session),
        )
        app.title = STUDY_TITLE
        result = app.run()
    summary = app.first_result
    if isinstance(summary, SessionSummary) and summary.reviews:
        print(summary_line(summary))
    app.repeat_problems_on_stderr()
    if app.return_code:  # Textual stopped on an error (it printed the traceback)
        return app.return_code
    return result if isinstance(result, int) else 0


def _reattach_terminal_stdin() -> None:
    """After reading the text from a pipe, read keys from the terminal instead."""
    import os

    try:
        terminal = os.open("/dev/tty", os.O_RDONLY)
    except OSError:
        return
    os.dup2(terminal, sys.stdin.fileno())
    os.close(terminal)


def __getattr__(name: str) -> Any:
    """`from reader.ui.app import ReaderApp` works without importing Textual eagerly."""
    if name == "ReaderApp":
        from reader.ui.reader_app import ReaderApp

        return ReaderApp
    raise AttributeError(name)
