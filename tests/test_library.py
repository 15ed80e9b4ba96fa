"""The library: documents read before, last opened first; `reader library`; `reader` with no
argument reopens the last one where the learner left it (tmux)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from reader.core.errors import ReaderError
from reader.core.learner.library import DocumentSummary, LibraryStore, summarise
from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
from reader.core.text.loader import load_path
from tests.support import REPO_ROOT, SEED, reader_command, subprocess_env
from tests.terminal import needs_tmux, reader_in_terminal


def text_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_opening_adds_and_lists_last_opened_first(tmp_path: Path) -> None:
    first = text_file(tmp_path, "a.txt", "# 第一篇\n\n我們是朋友。\n\n他們也是。\n")
    second = text_file(tmp_path, "b.txt", "# 第二篇\n\n今天天氣很好。\n")
    state = ReadingStateStore(tmp_path / "state.json")
    with LibraryStore(tmp_path / "library.sqlite3", reading_state=state) as library:
        library.record_open(load_path(first), first)
        time.sleep(0.002)
        library.record_open(load_path(second), second)
        assert [e.title for e in library.entries()] == ["第二篇", "第一篇"]
        time.sleep(0.002)
        library.record_open(load_path(first), first)  # opened again: on top, still one entry
        entries = library.entries()
        assert [e.title for e in entries] == ["第一篇", "第二篇"]
        state.save(entries[0].doc_id, ReadingPosition(1))
        top = library.entries()[0]
        assert (top.position, top.paragraphs, round(top.progress, 2)) == (1, 3, 0.67)
        assert top.summary is None and top.format == "text"
        assert library.record_summary(top.doc_id, DocumentSummary(0.5, 7))
        assert library.entries()[0].summary == DocumentSummary(0.5, 7)
        assert not library.record_summary("nope", DocumentSummary(0.5, 7))
        assert library.last_opened() == library.entries()[0]
        removed = library.remove("1")
        assert removed.title == "第一篇" and [e.title for e in library.entries()] == ["第二篇"]
        assert library.remove(str(second)).title == "第二篇"
        with pytest.raises(ReaderError, match="not in your library"):
            library.remove("1")
        library.record_open(load_path(first), "-")
        assert library.entries() == []  # standard input is not kept


def test_listing_reads_the_positions_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = ReadingStateStore(tmp_path / "state.json")
    with LibraryStore(tmp_path / "library.sqlite3", reading_state=state) as library:
        for number in range(20):
            path = text_file(tmp_path, f"{number}.txt", f"# 第{number}篇\n\n我們是朋友{number}。\n")
            document = load_path(path)
            library.record_open(document, path)
            state.save(document.doc_id, ReadingPosition(1))
        reads = []
        read_bytes = Path.read_bytes

        def counted(self: Path) -> bytes:
            if self == state.path:
                reads.append(self)
            return read_bytes(self)

        monkeypatch.setattr(Path, "read_bytes", counted)
        entries = library.entries()
    assert len(entries) == 20 and {entry.position for entry in entries} == {1}
    assert len(reads) == 1


def test_a_moved_text_is_one_entry_with_its_new_path(tmp_path: Path) -> None:
    original = text_file(tmp_path, "a.txt", "我們是朋友。\n")
    with LibraryStore(tmp_path / "library.sqlite3") as library:
        library.record_open(load_path(original), original)
        moved = original.rename(tmp_path / "moved.txt")
        assert library.last_opened() is None  # its file is gone
        library.record_open(load_path(moved), moved)
        assert [e.path for e in library.entries()] == [str(moved.resolve())]


def test_two_processes_share_the_library(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    text = text_file(tmp_path, "a.txt", "我們是朋友。\n")
    with LibraryStore(path) as one, LibraryStore(path) as two:
        one.record_open(load_path(text), text)
        assert [e.title for e in two.entries()] == ["我們是朋友。"]


def test_a_foreign_file_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ReaderError, match="not a reader library"):
        LibraryStore(path)
    assert path.read_bytes() == b"not a database at all" * 100


def test_summary_counts_known_share_and_new_words() -> None:
    from reader.core.engine.pipeline import annotate_each
    from reader.core.learner.records import Status

    document = load_path(SEED)
    annotated = list(annotate_each(document))
    nothing_known = summarise(annotated, {})
    assert nothing_known.known_share == 0 and nothing_known.new_words > 500
    some = summarise(annotated, {"的": Status.KNOWN, "關係": Status.LEARNING})
    assert 0 < some.known_share < 0.2 and some.new_words == nothing_known.new_words - 2


def run_reader(home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*reader_command(), *arguments],
        capture_output=True,
        text=True,
        env=subprocess_env(home),
        timeout=300,
    )


def test_cli_library_add_list_stats_remove(tmp_path: Path, reader_home: Path) -> None:
    empty = run_reader(reader_home, "library")
    assert empty.returncode == 0 and "your library is empty" in empty.stdout
    text = text_file(tmp_path, "a.txt", "# 朋友\n\n我們是朋友。\n")
    added = run_reader(reader_home, "library", "add", str(text))
    assert added.returncode == 0 and "added: 朋友 (0% known" in added.stdout
    run_reader(reader_home, "known", "add", "--hsk", "1")
    run_reader(reader_home, "stats", str(text))  # keeps the new figures
    listed = json.loads(run_reader(reader_home, "library", "--format", "json").stdout)
    assert len(listed) == 1
    assert listed[0]["title"] == "朋友" and listed[0]["known_share"] == 1.0
    assert listed[0]["new_words"] == 0 and listed[0]["format"] == "text"
    assert "100% known" in run_reader(reader_home, "library").stdout
    removed = run_reader(reader_home, "library", "remove", "1")
    assert removed.returncode == 0 and "removed from the library: 朋友" in removed.stdout
    missing = run_reader(reader_home, "library", "remove", "1")
    assert missing.returncode == 2 and missing.stderr.startswith("reader: 1 is not in your library")


# ---- `reader` with no argument (tmux)


def _open_and_quit(home: Path, *arguments: str, expect: str, keys: tuple[str, ...] = ()) -> str:
    """`reader ARGUMENTS` until `expect` and some pinyin show, then `keys` and q. The screen
    before the keys."""
    with reader_in_terminal(arguments, home=home, size=(120, 40), cwd=REPO_ROOT) as terminal:
        screen = terminal.wait_for(
            lambda text: expect in text and ("ō" in text or "ǒ" in text or "ā" in text),
            f"{expect!r} and its pinyin",
        )
        terminal.press(*keys, pause=0.3)
        time.sleep(0.5)
        terminal.press("q")
        terminal.wait_for_exit()
        return screen


@needs_tmux
def test_reader_without_argument_reopens_the_last_document(
    tmp_path: Path, reader_home: Path
) -> None:
    # The first start: the bundled article, which then is in the library.
    _open_and_quit(reader_home, expect="中美")
    listed = json.loads(run_reader(reader_home, "library", "--format", "json").stdout)
    assert [Path(e["path"]).name for e in listed] == [SEED.name]
    story = "\n\n".join(f"第{n}段：我們今天學習中文，朋友很多。" for n in range(1, 80))
    text = text_file(tmp_path, "story.txt", "# 我的故事\n\n" + story + "\n")
    _open_and_quit(reader_home, str(text), expect="我的故事", keys=("G",))
    listed = json.loads(run_reader(reader_home, "library", "--format", "json").stdout)
    assert (listed[0]["title"], listed[0]["position"]) == ("我的故事", 79)
    # No argument: the story again, where it was left (its last paragraph, not its title).
    screen = _open_and_quit(reader_home, expect=" 79 ")
    assert "¶ 80/80" in screen  # the status line: at its last paragraph
