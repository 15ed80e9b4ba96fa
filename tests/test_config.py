"""A config file the learner got wrong: every problem named with its line, defaults used, and
the file edited (only what the learner changed) or, when it cannot be parsed, never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader import paths
from reader.config import (
    PinyinDisplay,
    ScriptDisplay,
    Settings,
    read_settings,
    save_settings,
)
from reader.core.errors import StorageError
from reader.core.text.loader import load_text
from reader.ui.actions import ACTIONS, keymap_problems
from reader.ui.reader_app import ReaderApp

MIXED = """[display]
pinyin = "sometimes"
script = "both"
colour = "red"

[keys]
"reading.next_paragraph" = "j,ctrl+n"
"reading.nope" = "z"
"reading.quit" = 3

[extra]
a = 1
"""


def _write(text: str) -> Path:
    config = paths.config_file()
    config.write_text(text, encoding="utf-8")
    return config


def test_broken_toml_gives_defaults_and_names_file_and_line() -> None:
    config = _write('[display]\npinyin = "off"\n[keys\n')
    settings, problems = read_settings()
    assert settings == Settings()
    (problem,) = problems
    assert problem.line == 3
    assert str(config) in str(problem) and "line 3" in str(problem)
    assert "not valid TOML" in problem.message


def test_each_unusable_entry_is_reported_at_its_line_and_the_rest_is_used() -> None:
    _write(MIXED)
    settings, problems = read_settings()
    assert settings.script is ScriptDisplay.BOTH
    assert settings.pinyin is PinyinDisplay.ALL  # "sometimes" keeps the default
    assert settings.keymap == {"reading.next_paragraph": "j,ctrl+n", "reading.nope": "z"}
    by_line = {problem.line: problem.message for problem in problems}
    assert set(by_line) == {2, 4, 9, 11}
    assert "all | unknown | off" in by_line[2]
    assert "'colour'" in by_line[4]
    assert "reading.quit" in by_line[9]
    assert "'extra'" in by_line[11]


def test_unknown_binding_ids_are_reported_at_their_line() -> None:
    _write(MIXED)
    settings, _ = read_settings()
    (problem,) = keymap_problems(settings)
    assert problem.line == 8 and "reading.nope" in problem.message


def test_a_remap_onto_another_actions_key_is_reported_at_its_line() -> None:
    _write(
        "[keys]\n"
        '"reading.search" = "n,slash"\n'  # n is "Next match" (reading.search_next)
        '"reading.study" = "ctrl+p"\n'  # Textual's command palette
        '"vocab.search" = "/,k"\n'  # k is "Previous word" on the vocabulary screen
        '"study.good" = "3"\n'  # its own key: fine
        '"reading.undo_forget" = "z"\n'  # a former id: fine
    )
    settings, _ = read_settings()
    by_line = {problem.line: problem.message for problem in keymap_problems(settings)}
    assert set(by_line) == {2, 3, 4}
    assert "'n'" in by_line[2] and "'reading.search_next' (Next match)" in by_line[2]
    assert "'ctrl+p'" in by_line[3] and "command palette" in by_line[3]
    assert "'vocab.cursor_up' (Previous word)" in by_line[4]


def test_the_default_keys_never_collide_and_every_action_has_its_method() -> None:
    from reader.ui.screens.contents import ContentsScreen
    from reader.ui.screens.dictionary import DictionaryScreen
    from reader.ui.screens.file_picker import FilePicker
    from reader.ui.screens.help import HelpScreen
    from reader.ui.screens.known_levels import KnownLevelsDialog
    from reader.ui.screens.library import LibraryScreen
    from reader.ui.screens.reading import ReadingScreen
    from reader.ui.screens.rules import RulesScreen
    from reader.ui.screens.study import StudyScreen
    from reader.ui.screens.vocab import DefinitionEditor, VocabScreen

    assert ACTIONS.collisions({}) == []
    screens = (ReadingScreen, VocabScreen, DefinitionEditor, StudyScreen, HelpScreen, RulesScreen)
    shelf = (LibraryScreen, DictionaryScreen, ContentsScreen, FilePicker, KnownLevelsDialog)
    scopes = {screen.SCOPE: screen for screen in (*screens, *shelf)}
    for action in ACTIONS:
        target = ReaderApp if action.method.startswith("app.") else scopes[action.scope]
        name = action.method.removeprefix("app.").split("(")[0]
        assert callable(getattr(target, f"action_{name}", None)), action.id
    # A remap under a former id is the action's.
    assert ACTIONS.keymap([("reading.undo_forget", "z")]) == {"reading.undo": "z"}


def test_a_file_that_cannot_be_parsed_is_never_overwritten() -> None:
    for text in ('[display\npinyin = "off"\n', "display = 3\n", "a = " + "[" * 600 + "]" * 600):
        config = _write(text)
        with pytest.raises(StorageError, match="not saved until it is fixed"):
            save_settings(Settings(pinyin=PinyinDisplay.OFF), previous=Settings())
        assert config.read_text(encoding="utf-8") == text


def test_a_file_with_problems_is_edited_where_the_setting_changed() -> None:
    config = _write(MIXED)
    save_settings(Settings(pinyin=PinyinDisplay.OFF), previous=Settings())
    expected = MIXED.replace('pinyin = "sometimes"', 'pinyin = "off"')
    assert config.read_text(encoding="utf-8") == expected


def test_a_clean_file_is_saved() -> None:
    save_settings(Settings(pinyin=PinyinDisplay.OFF))
    assert read_settings() == (Settings(pinyin=PinyinDisplay.OFF), ())


async def test_the_reading_screen_shows_the_problems_and_edits_only_what_changed() -> None:
    config = _write(MIXED)
    settings, problems = read_settings()
    app = ReaderApp(load_text("今天天氣很好。\n"), settings=settings, config_problems=problems)
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        for _ in range(40):  # the check runs shortly after the first paint
            await pilot.pause(0.05)
            if len(app._notifications) >= 2:
                break
        messages = [notification.message for notification in app._notifications]
        assert any("line 2" in m and "sometimes" in m for m in messages)
        assert any("line 8" in m and "reading.nope" in m for m in messages)
        await pilot.press("p")  # a toggle saves that one setting, nothing else
        await pilot.pause()
    expected = MIXED.replace('pinyin = "sometimes"', 'pinyin = "unknown"')
    assert config.read_text(encoding="utf-8") == expected
