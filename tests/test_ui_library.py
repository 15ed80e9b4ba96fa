"""Pilot tests of issue 16's screens: the library (open where the learner left off, remove and
undo, the file picker, "I know HSK 1–N" and its undo), the dictionary (search by English and
pinyin, the gloss view, saving without a sentence, undo) and an EPUB's table of contents.
Texts are read by a stand-in annotator; the dictionary and the HSK lists are the real ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from reader import paths
from reader.config import Settings
from reader.core.learner.library import DocumentSummary, LibraryStore
from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
from reader.core.learner.records import Status
from reader.core.learner.vocab import VocabStore
from reader.core.text.loader import load_path
from reader.ui.reader_app import ReaderApp
from reader.ui.screens.contents import ContentsScreen, current_section
from reader.ui.screens.dictionary import DictionaryScreen
from reader.ui.screens.file_picker import FilePicker
from reader.ui.screens.known_levels import KnownLevelsDialog
from reader.ui.screens.library import LibraryScreen, when
from reader.ui.screens.reading import ReadingScreen
from tests.support import LexiconAnnotator
from tests.test_formats import make_epub
from tests.test_ui_reading import settle

SIZE = (100, 30)
LEXICON = {"學習": "xue2 xi2", "中文": "zhong1 wen2", "我們": "wo3 men5", "公園": "gong1 yuan2"}


def write_text(folder: Path, name: str, paragraphs: int) -> Path:
    lines = [f"# {name}"] + [f"第{n}段。我們學習中文，去公園。" for n in range(paragraphs)]
    path = folder / f"{name}.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_app(path: Path, **options: Any) -> ReaderApp:
    app = ReaderApp(
        load_path(path),
        settings=Settings(),
        annotator=LexiconAnnotator(LEXICON),
        save_settings_on_change=False,
        **options,
    )
    app.animation_level = "none"
    return app


async def wait_until(pilot: Pilot[Any], condition: Any, what: str) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@asynccontextmanager
async def library_of_two(tmp_path: Path) -> AsyncIterator[tuple[ReaderApp, Pilot[int], Path]]:
    """The reading screen on text "first"; the library has "second" (read to ¶ 5) and
    "first" (opened last)."""
    first, second = write_text(tmp_path, "first", 10), write_text(tmp_path, "second", 20)
    second_document = load_path(second)
    with LibraryStore() as library:
        library.record_open(second_document, second)
        library.record_summary(second_document.doc_id, DocumentSummary(0.5, 7))
        library.record_open(load_path(first), first)
    ReadingStateStore().save(second_document.doc_id, ReadingPosition(5, 0))
    app = make_app(first)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        yield app, pilot, second


async def open_library(pilot: Pilot[Any]) -> LibraryScreen:
    await pilot.press("o")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LibraryScreen)
    return screen


async def test_the_library_lists_texts_last_opened_first_and_opens_one_where_it_was_left(
    tmp_path: Path,
) -> None:
    async with library_of_two(tmp_path) as (app, pilot, _second):
        screen = await open_library(pilot)
        assert [row.title for row in screen.rows] == ["first", "second"]
        table = screen.query_one(DataTable)
        cells = [str(cell) for cell in table.get_row_at(1)]
        assert cells[1:4] == ["29%", "50%", "7"]  # ¶ 6 of 21 read, its summary
        assert cells[4].startswith("today ")

        await pilot.press("down", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, ReadingScreen), "the text")
        reading = app.screen
        assert isinstance(reading, ReadingScreen)
        assert reading.paragraphs.document.title == "second"
        assert reading.view.paragraph_index == 5  # where the learner left it
        assert len(app.screen_stack) == 2  # the text before and the library are gone
        await wait_until(
            pilot,
            lambda: LibraryStore().entries()[0].title == "second",
            "the library to put the text opened at the top",
        )


async def test_enter_on_the_text_being_read_goes_back_to_it(tmp_path: Path) -> None:
    async with library_of_two(tmp_path) as (app, pilot, _):
        reading = app.screen
        await open_library(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is reading


async def test_removing_a_text_from_the_library_is_undone_with_u(tmp_path: Path) -> None:
    async with library_of_two(tmp_path) as (_app, pilot, second):
        screen = await open_library(pilot)
        await pilot.press("down", "x")
        await settle(pilot)
        assert [row.title for row in screen.rows] == ["first"]
        assert second.exists()  # the file itself is kept
        await pilot.press("u")
        await settle(pilot)
        assert [row.title for row in screen.rows] == ["first", "second"]
        restored = LibraryStore().entries()[1]
        assert restored.summary == DocumentSummary(0.5, 7) and restored.position == 5


async def test_a_file_is_opened_from_the_file_picker(tmp_path: Path) -> None:
    async with library_of_two(tmp_path) as (app, pilot, _):
        folder = tmp_path / "more"
        folder.mkdir()
        third = write_text(folder, "third", 3)
        (folder / "notes.pdf").write_bytes(b"%PDF")
        await open_library(pilot)
        await pilot.press("n")
        # (no `settle` while the picker is open: its tree's loader is a worker that waits on)
        await wait_until(pilot, lambda: isinstance(app.screen, FilePicker), "the picker")
        picker = app.screen
        assert isinstance(picker, FilePicker)
        await pilot.press("tab")
        path_box = picker.query_one(Input)
        assert path_box.has_focus
        path_box.value = str(folder)
        await pilot.press("enter")

        def listed() -> list[str]:
            return [str(node.label) for node in picker.text_tree.root.children]

        await wait_until(pilot, lambda: listed() == ["third.txt"], "the folder's texts only")
        path_box.value = str(third)
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReadingScreen), "the text")
        assert app.document is not None and app.document.title == "third"


async def test_i_know_hsk_1_to_n_marks_the_words_known_and_u_takes_it_back(
    tmp_path: Path,
) -> None:
    async with library_of_two(tmp_path) as (app, pilot, _):
        screen = await open_library(pilot)
        await pilot.press("K")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, KnownLevelsDialog)
        options = dialog.query_one(OptionList)
        assert "HSK 1–3" in str(options.get_option_at_index(options.highlighted or 0).prompt)
        await pilot.press("l")  # the 2025 list
        assert dialog.hsk_list == "2025"
        await pilot.press("l", "up", "up", "enter")  # back to 2021, HSK 1
        await settle(pilot)
        assert app.screen is screen
        with VocabStore() as vocab:
            statuses = vocab.statuses()
        assert statuses.get("我們") is Status.KNOWN and statuses.get("学习") is Status.KNOWN
        assert "HSK 1 (2021 list)" in vocab_labels()

        await pilot.press("u")
        await settle(pilot)
        with VocabStore() as vocab:
            assert vocab.statuses() == {}

        await pilot.press("escape")  # back to the text: its statuses are read again
        await settle(pilot)
        assert isinstance(app.screen, ReadingScreen)


def vocab_labels() -> list[str]:
    with VocabStore() as vocab:
        return [change.label for change in vocab.bulk_changes(include_undone=True)]


async def test_the_dictionary_finds_relation_shows_its_gloss_and_saves_it(
    tmp_path: Path,
) -> None:
    async with library_of_two(tmp_path) as (app, pilot, _):
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DictionaryScreen)
        await pilot.press(*"relation", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: screen.hits, "the results")
        words = [hit.entry.traditional for hit in screen.hits]
        assert "關係" in words[:5]
        while screen.highlighted_hit is None or screen.highlighted_hit.entry.traditional != "關係":
            await pilot.press("down")
        await settle(pilot)
        assert "relation" in screen.gloss_panel.text and "Characters" in screen.gloss_panel.text
        await pilot.press("a")
        with VocabStore() as vocab:
            item = vocab.get("關係")
        assert item is not None and item.status is Status.NEW and not item.contexts
        assert item.simplified == "关系" and "relation" in item.definition

        await pilot.press("u")
        with VocabStore() as vocab:
            assert vocab.get("關係") is None
        await pilot.press("a", "escape")
        await settle(pilot)
        reading = app.screen
        assert isinstance(reading, ReadingScreen) and "關係" in reading.statuses


async def test_the_dictionary_searches_pinyin_as_you_type(tmp_path: Path) -> None:
    async with library_of_two(tmp_path) as (app, pilot, _):
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DictionaryScreen)
        await pilot.press(*"xing2dong4")
        await wait_until(pilot, lambda: screen.hits, "the results")
        assert screen.hits[0].entry.traditional == "行動"
        assert screen.query_input.has_focus  # typing goes on in the box


def test_when_a_text_was_last_opened_reads_like_a_list_would_say_it() -> None:
    from datetime import datetime, timedelta

    now = datetime(2026, 12, 5, 15, 0).astimezone()
    assert when(now, now) == f"today {now:%H:%M}"
    assert when(now - timedelta(days=1), now).startswith("yesterday ")
    assert when(now - timedelta(days=30), now) == "5 Nov"
    assert when(now - timedelta(days=400), now) == "2025-10-31"


async def test_i_lists_an_epubs_chapters_and_jumps_to_one(tmp_path: Path) -> None:
    book = make_epub(tmp_path / "book.epub", chapters=3)
    document = load_path(book)
    assert len(document.contents) >= 3
    app = make_app(book)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reading = app.screen
        assert isinstance(reading, ReadingScreen)
        await pilot.press("i")
        await settle(pilot)
        contents = app.screen
        assert isinstance(contents, ContentsScreen)
        await pilot.press("end", "enter")
        await settle(pilot)
        assert app.screen is reading
        assert reading.view.paragraph_index == document.contents[-1].paragraph_index


def test_the_section_being_read_is_the_last_one_started() -> None:
    from reader.core.models import Section

    sections = [Section("a", 0), Section("b", 10), Section("c", 20)]
    assert [current_section(sections, n) for n in (0, 9, 10, 25)] == [0, 0, 1, 2]


async def test_reader_library_in_a_terminal_starts_on_the_library(tmp_path: Path) -> None:
    from reader.ui.app import run_library  # noqa: F401 (the entry point `reader library` uses)

    app = ReaderApp(
        settings=Settings(),
        save_settings_on_change=False,
        first_screen=lambda app: LibraryScreen(app.vocabulary),
    )
    app.animation_level = "none"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert [row.path for row in screen.rows] == [str(paths.seed_document())]  # empty
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReadingScreen), "the seed")
        await settle(pilot)
        assert app.document is not None and "中美" in app.document.title


async def test_i_know_hsk_updates_the_known_column_of_the_texts_read(tmp_path: Path) -> None:
    from reader.core.engine.store import annotate

    async with library_of_two(tmp_path) as (_app, pilot, second):
        # "second" was read with the real engine: its paragraphs are in its store on disk.
        paragraphs = annotate(load_path(second))
        paragraphs.fill(paragraphs.missing())
        paragraphs.close()
        screen = await open_library(pilot)
        row = next(i for i, row in enumerate(screen.rows) if row.path == str(second))
        assert str(screen.table.get_row_at(row)[2]) == "50%"  # as recorded when last read
        await pilot.press("K")
        await settle(pilot)
        await pilot.press("up", "up", "enter")  # HSK 1 (2021): 我們, 學習, 中文 ... known
        await settle(pilot)
        await wait_until(
            pilot, lambda: str(screen.table.get_row_at(row)[2]) not in ("50%", "0%"), "figures"
        )
        with LibraryStore() as library:
            entry = library.find(str(second))
        assert entry is not None and entry.summary is not None
        assert entry.summary.known_share > 0.5


async def test_opening_is_said_on_the_library_not_in_a_toast_left_over_the_text(
    tmp_path: Path,
) -> None:
    async with library_of_two(tmp_path) as (app, pilot, _second):
        await open_library(pilot)
        await pilot.press("down", "enter")  # "second"
        await wait_until(pilot, lambda: isinstance(app.screen, ReadingScreen), "the text")
        await settle(pilot)
        # A toast would cover the reading screen's status line for seconds after it shows.
        assert not [n.message for n in app._notifications if "Opening" in n.message]

        # A text that cannot be opened: one error, and the library says what it holds again.
        (tmp_path / "first.txt").write_bytes(b"\x00\x01binary" * 100)
        screen = await open_library(pilot)
        await pilot.press("down", "enter")  # "first", now below the text being read
        await wait_until(pilot, lambda: bool(app._notifications), "the error")
        await settle(pilot)
        assert app.screen is screen
        assert [n.title for n in app._notifications] == ["Cannot open"]
        assert str(screen.query_one("#library-summary").render()).startswith("Library · 2 texts")
