"""The reading screen's keys as a learner meets them: the script cycle (`s`), the tone toggles
(`T`, `Y`), key names in help, palette and footer, the palette's Screenshot and Quit, the
warning for a remap onto another action's key, and a status line and footer that fit 80
columns."""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from reader import paths
from reader.config import ScriptDisplay, Settings, ToneChanges, ToneStyle, load_settings
from reader.core.text.loader import load_text
from reader.ui.actions import ACTIONS, display_keys
from reader.ui.reader_app import ReaderApp
from reader.ui.screens.help import HelpScreen
from tests.test_ui_reading import reading, screen_text, settle

SIMPLIFIED_TEXT = "他说：「学习中文不难。」我觉得他说得对。\n\n人口很多。\n"


def rows_with(view: Any, text: str) -> list[str]:
    return [row for row in screen_text(view).splitlines() if text in row]


def footer_text(app: Any) -> str:
    return " ".join(str(key.render()) for key in app.screen.query(FooterKey))


# ---- s: original / Traditional / Simplified / both ------------------------------------------


async def test_s_on_a_simplified_text_shows_traditional_and_skips_the_simplified_step() -> None:
    document = load_text(SIMPLIFIED_TEXT, source="simplified.txt")
    async with reading(document) as (_app, pilot, screen, view):
        assert rows_with(view, "学习") and not rows_with(view, "學習")
        await pilot.press("s")
        assert screen.settings.script is ScriptDisplay.TRADITIONAL
        assert rows_with(view, "學習") and not rows_with(view, "学习")
        await pilot.press("s")  # Simplified is what the text is written in: skipped
        assert screen.settings.script is ScriptDisplay.BOTH
        await pilot.press("s")
        assert screen.settings.script is ScriptDisplay.ORIGINAL
        assert load_settings().script is ScriptDisplay.ORIGINAL


async def test_s_on_a_traditional_text_skips_traditional() -> None:
    async with reading() as (_app, pilot, screen, _view):
        seen = []
        for _ in range(3):
            await pilot.press("s")
            seen.append(screen.settings.script)
        assert seen == [ScriptDisplay.SIMPLIFIED, ScriptDisplay.BOTH, ScriptDisplay.ORIGINAL]


async def test_both_shows_the_other_form_only_where_it_differs() -> None:
    document = load_text("他說中文很難。\n", source="both.txt")
    async with reading(document, Settings(script=ScriptDisplay.BOTH)) as (_a, _p, _s, view):
        rows = screen_text(view).splitlines()
        original = next(i for i, row in enumerate(rows) if "說" in row)
        under = rows[original + 1]
        assert "说" in under and "难" in under  # the words that differ
        for same in "他中文很":  # the same in both scripts: not repeated
            assert same not in under, under


# ---- T and Y: full tones, tone changes (issue 12) ----------------------------------------------


async def test_full_tones_and_tone_changes_have_keys_saved_in_the_settings() -> None:
    document = load_text("我有一個朋友。\n", source="tones.txt")
    async with reading(document) as (_app, pilot, screen, view):
        assert "péngyou" in screen_text(view) and "yī" in screen_text(view)
        await pilot.press("T")
        await settle(pilot)
        assert screen.settings.tones is ToneStyle.FULL
        assert "péngyǒu" in screen_text(view)
        assert load_settings().tones is ToneStyle.FULL
        assert "full tones" in str(screen.query_one("#status", Static).content)  # at 100 columns
        await pilot.press("Y")
        await settle(pilot)
        assert screen.settings.tone_changes is ToneChanges.ON
        assert "yí" in screen_text(view)  # 一個 yí gè
        assert load_settings().tone_changes is ToneChanges.ON
        await pilot.press("T", "Y")
        assert load_settings().tones is ToneStyle.STANDARD
        assert load_settings().tone_changes is ToneChanges.OFF


def test_tone_toggles_are_in_the_registry_for_help_and_palette() -> None:
    ids = {action.id for action in ACTIONS.in_scope("reading")}
    assert {"reading.toggle_full_tones", "reading.toggle_tone_changes"} <= ids


# ---- key names ----------------------------------------------------------------------------


def test_keys_are_named_as_a_learner_types_them() -> None:
    assert display_keys("question_mark,f1") == "?, f1"
    assert display_keys("slash") == "/"
    assert display_keys("escape,q") == "Esc, q"
    assert display_keys("shift+down,ctrl+p") == "shift+↓, ctrl+p"


async def test_help_palette_and_footer_show_key_names_not_textual_names() -> None:
    async with reading(size=(120, 40)) as (app, pilot, _screen, _view):
        footer = footer_text(app)
        commands = list(app.get_system_commands(app.screen))
        shown = " ".join(f"{command.title} {command.help}" for command in commands)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.markdown
        for text in (footer, shown, help_text):
            for textual_name in ("question_mark", "slash", "escape"):
                assert textual_name not in text
        assert "Keys: ?, f1" in shown


async def test_a_remapped_key_shows_in_the_footer() -> None:
    settings = Settings(keys=(("reading.gloss", "g"), ("reading.first_paragraph", "home")))
    async with reading(settings=settings, size=(120, 40)) as (app, _pilot, _screen, _view):
        footer = [str(key.render()) for key in app.screen.query(FooterKey)]
        assert any("g" in item and "Gloss" in item for item in footer), footer
        assert not any("⏎" in item for item in footer)


# ---- the command palette ---------------------------------------------------------------------


async def test_palette_has_one_quit_and_saves_screenshots_in_the_data_folder() -> None:
    async with reading() as (app, pilot, _screen, _view):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.count("Quit") == 1
        screenshot = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
        screenshot.callback()
        await pilot.pause(0.3)
        saved = list((paths.data_dir() / "screenshots").glob("*.svg"))
        assert len(saved) == 1 and "<svg" in saved[0].read_text()
        messages = [notification.message for notification in app._notifications]
        assert any(str(saved[0]) in message for message in messages), messages


# ---- a remap onto another action's key ----------------------------------------------------------


async def test_a_remap_onto_another_actions_key_is_warned_with_its_line() -> None:
    config = paths.config_file()
    config.write_text('[display]\npinyin = "all"\n\n[keys]\n"reading.save_word" = "s"\n')
    settings = load_settings()
    app = ReaderApp(
        load_text("今天天氣很好。\n", source="remap.txt"),
        settings=settings,
        save_settings_on_change=False,
    )
    app.animation_level = "none"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.7)  # the config's problems are said after the first paint
        messages = [notification.message for notification in app._notifications]
        clash = [m for m in messages if "reading.save_word" in m and "reading.cycle_script" in m]
        assert clash, messages
        assert f"{config}:5" in clash[0] or "line 5" in clash[0], clash[0]


# ---- 80 columns -------------------------------------------------------------------------------


async def test_status_line_and_footer_fit_80_columns() -> None:
    settings = Settings(tones=ToneStyle.FULL, tone_changes=ToneChanges.ON)
    async with reading(settings=settings, size=(80, 24)) as (app, pilot, screen, _view):
        await pilot.press("slash", *"jintian", "enter")
        await settle(pilot)
        status = screen.query_one("#status", Static)
        text = str(status.content)
        assert len(text) <= 78, text  # the padding is 1 on each side
        assert text.count("·") >= 2 and "¶" in text and "…" not in text.split("·")[-1]
        width = screen.query_one(Footer).region.right
        keys = {str(key.render()).strip(): key.region for key in app.screen.query(FooterKey)}
        assert "q Quit" in keys, keys
        assert all(region.right <= width and region.width for region in keys.values()), keys
