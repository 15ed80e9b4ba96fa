"""Every file the learner owns, damaged, through the real `reader` command.

A damaged file is said in ONE line ("reader: ..." on stderr, exit code 2) by a command that
cannot go on without it, or in a notification by the app, which goes on; never a traceback,
and the damaged file is left exactly as it was (nothing the learner made is lost).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader.core.learner.records import Context, WordForms
from reader.core.learner.study import Grade, StudySession
from reader.core.learner.vocab import VocabStore
from tests.terminal import EXITED, needs_tmux, reader_in_terminal

pytestmark = pytest.mark.slow

TIMEOUT = 60


def _studied_vocabulary(home: Path) -> Path:
    """A vocabulary with two words, both reviewed once (a card and a log row each)."""
    with VocabStore() as store:
        store.add(
            WordForms("關係", "关系", ("guan1", "xi5"), "relation"),
            context=Context("兩國的關係很好。", doc_title="test"),
        )
        store.add(WordForms("新聞", "新闻", ("xin1", "wen2"), "news"))
        session = StudySession(store)
        session.grade(Grade.GOOD)
        session.grade(Grade.AGAIN)
    return home / "data" / "vocab.sqlite3"


def _damage(database: Path, statement: str) -> bytes:
    """Run `statement` on the database (as another tool would) and return the file's bytes
    (checkpointed, so the bytes are the whole database)."""
    with sqlite3.connect(database) as connection:
        connection.execute(statement)
    connection.close()
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return database.read_bytes()


def _lines_before_exit(screen: str) -> list[str]:
    """What the command printed before it ended (the screen's lines above EXITED)."""
    lines = [line.strip() for line in screen.splitlines() if line.strip()]
    return lines[: next(i for i, line in enumerate(lines) if EXITED in line)]


DAMAGED_STUDY_RECORDS = {
    "card step": "UPDATE cards SET step = 'abc' WHERE word_id = 2",
    "card stability": "UPDATE cards SET stability = 'x' WHERE word_id = 1",
}


@needs_tmux
@pytest.mark.parametrize("statement", DAMAGED_STUDY_RECORDS.values(), ids=DAMAGED_STUDY_RECORDS)
def test_reader_study_refuses_a_damaged_study_record_in_one_line(
    reader_home: Path, statement: str
) -> None:
    database = _studied_vocabulary(reader_home)
    damaged = _damage(database, statement)
    # Wide enough that the one line (it names the file) does not wrap.
    with reader_in_terminal(["study"], home=reader_home, size=(400, 30)) as terminal:
        screen = terminal.wait_for_exit(timeout=TIMEOUT)
    assert "Traceback" not in screen and "Error" not in screen, screen
    assert f"{EXITED}2" in screen, screen
    [line] = _lines_before_exit(screen)
    assert line.startswith("reader: ") and "damaged study record" in line, line
    assert str(database) in line
    assert database.read_bytes() == damaged


@needs_tmux
def test_study_from_the_reading_screen_with_a_damaged_record_is_a_notification(
    reader_home: Path, tmp_path: Path
) -> None:
    database = _studied_vocabulary(reader_home)
    damaged = _damage(database, DAMAGED_STUDY_RECORDS["card step"])
    text = tmp_path / "short.txt"
    text.write_text("中美關係很好。\n", encoding="utf-8")
    with reader_in_terminal([str(text)], home=reader_home, size=(160, 30)) as terminal:
        terminal.wait_for("guān", "the text")
        terminal.press("r")
        screen = terminal.wait_for("damaged study record", "the notification", timeout=TIMEOUT)
        assert "中美" in screen  # still reading
        terminal.press("q")
        screen = terminal.wait_for_exit(timeout=TIMEOUT)
    assert f"{EXITED}0" in screen and "Traceback" not in screen, screen
    assert database.read_bytes() == damaged


def test_export_with_a_damaged_review_log_is_refused_in_one_line(
    reader_home: Path, tmp_path: Path
) -> None:
    from tests.test_bad_input import Refused, assert_outcome, run

    database = _studied_vocabulary(reader_home)
    damaged = _damage(database, "UPDATE reviews SET card_after = '[1, 1, 2.3' WHERE id = 1")
    deck = tmp_path / "deck.apkg"
    outcome = run(reader_home, "export", "anki", "--with-schedule", "--out", str(deck))
    assert_outcome(outcome, Refused("damaged study record"))
    assert not deck.exists()
    assert database.read_bytes() == damaged


# ---- the library (data/library.sqlite3)

NOT_A_DATABASE = b"not a database\n" * 100


def _not_a_database(home: Path, name: str) -> Path:
    path = home / "data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(NOT_A_DATABASE)
    return path


def test_stats_with_a_damaged_library_still_gives_the_figures_and_warns_once(
    reader_home: Path, tmp_path: Path
) -> None:
    from tests.test_bad_input import run

    library = _not_a_database(reader_home, "library.sqlite3")
    text = tmp_path / "short.txt"
    text.write_text("中美關係很好。\n", encoding="utf-8")
    outcome = run(reader_home, "stats", str(text))
    assert outcome.returncode == 0, outcome.stderr
    assert "Traceback" not in outcome.stderr
    [line] = outcome.stderr.strip().splitlines()
    assert line.startswith("reader: warning: ") and "not a reader library" in line, line
    assert "known" in outcome.stdout
    assert library.read_bytes() == NOT_A_DATABASE


# ---- the settings (config/config.toml); the app's notification: tests/test_bad_input.py


@pytest.mark.parametrize(
    "args", [["annotate", "TEXT", "--format", "text"], ["export", "anki", "--out", "DECK"]]
)
def test_a_command_that_reads_a_damaged_config_warns_once_and_uses_the_defaults(
    reader_home: Path, tmp_path: Path, args: list[str]
) -> None:
    from tests.test_bad_input import run

    config = reader_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    broken = b'tone_colours = "pleco"\n[keys\n\xff\n'
    config.write_bytes(broken)
    with VocabStore() as store:
        store.add(WordForms("新聞", "新闻", ("xin1", "wen2"), "news"))
    text = tmp_path / "short.txt"
    text.write_text("中美關係很好。\n", encoding="utf-8")
    deck = tmp_path / "deck.apkg"
    swap = {"TEXT": str(text), "DECK": str(deck)}
    outcome = run(reader_home, *[swap.get(arg, arg) for arg in args])
    assert outcome.returncode == 0, outcome.stderr
    warnings = [line for line in outcome.stderr.splitlines() if line.startswith("reader:")]
    assert len(warnings) == 1, outcome.stderr
    assert warnings[0].startswith("reader: warning: config file ") and str(config) in warnings[0]
    assert "Traceback" not in outcome.stderr
    assert config.read_bytes() == broken


# ---- the app: each damaged file is a notification, the app goes on, the file is kept

APP_CASES = {
    # file under READER_HOME, its damaged bytes, the command, what the notification says
    "reading positions": (
        "data/reading_state.json",
        b'{"abc": {"paragraph": 1,',
        ["TEXT"],
        "not a reading-position file",
    ),
    "library, reading": (
        "data/library.sqlite3",
        NOT_A_DATABASE,
        ["library"],
        "not a reader library",
    ),
    "vocabulary, reading": (
        "data/vocab.sqlite3",
        NOT_A_DATABASE,
        ["TEXT"],
        "not a reader vocabulary",
    ),
    # A short text is annotated by the engine's child, whose reports stay in that process.
    "rules, a short text": (
        "data/user_words.txt",
        b"join \xe4\xb8\xad\xe7\xbe\x8e\nsplit \xff\xfe x y\n",
        ["TEXT"],
        "is not UTF-8",
    ),
}


@needs_tmux
@pytest.mark.parametrize(("name", "content", "args", "said"), APP_CASES.values(), ids=APP_CASES)
def test_the_app_says_a_damaged_file_and_goes_on(
    reader_home: Path, tmp_path: Path, name: str, content: bytes, args: list[str], said: str
) -> None:
    damaged = reader_home / name
    damaged.parent.mkdir(parents=True, exist_ok=True)
    damaged.write_bytes(content)
    text = tmp_path / "short.txt"
    text.write_text("中美關係很好。\n", encoding="utf-8")
    arguments = [str(text) if arg == "TEXT" else arg for arg in args]
    with reader_in_terminal(arguments, home=reader_home, size=(200, 30)) as terminal:
        if name.endswith(".json"):  # a position is saved (and refused) once the cursor moves
            terminal.wait_for("guān", "the text", timeout=TIMEOUT)
            terminal.press("l")
        screen = terminal.wait_for(said, "the notification", timeout=TIMEOUT)
        assert "Traceback" not in screen
        terminal.press("q", "q")
        screen = terminal.wait_for_exit(timeout=TIMEOUT)
    assert f"{EXITED}0" in screen and "Traceback" not in screen, screen
    assert damaged.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "args", "needle"),
    [
        ("library.sqlite3", ["library", "--format", "text"], "not a reader library"),
        ("vocab.sqlite3", ["study"], "not a reader vocabulary database"),
        ("vocab.sqlite3", ["known", "add", "--hsk", "1"], "not a reader vocabulary database"),
    ],
)
def test_a_command_that_needs_a_damaged_database_refuses_in_one_line(
    reader_home: Path, name: str, args: list[str], needle: str
) -> None:
    from tests.test_bad_input import Refused, assert_outcome, run

    database = _not_a_database(reader_home, name)
    assert_outcome(run(reader_home, *args, stdin="terminal"), Refused(needle))
    assert database.read_bytes() == NOT_A_DATABASE
