"""Every bad input for every entry point, through the real `reader` command.

A refusal is ONE line on stderr ("reader: ..." saying what is wrong), nothing on stdout,
exit code 2, never a traceback. Inputs that should work exit 0 without complaint.

How the hard cases are made:
- unreadable: the file is chmod 000; as root (who reads anything) the command runs under
  `setpriv` with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped, so the kernel refuses it.
- stdin closed: the child's fd 0 is closed before exec (Python then has sys.stdin = None);
  "stdin at end" is /dev/null.
- the reading screen (`reader PATH`) needs a terminal: its refusals run with a pseudo-terminal
  on stdin so the load itself is what is refused, before the app starts; the inputs it should
  open are opened for real under tmux (test_the_reading_screen_opens...), and quit with q.
- 50 MB: `annotate --format jsonl` streams, so the test reads its first paragraph and stops
  it (the whole run takes minutes: annotation is ~0.15 MB/s); `convert` runs to the end (~2 s);
  the reading screen opens it (~4 s). `stats` on 50 MB works but takes minutes, so it is not
  in the table.
- a file that changes while open: overwritten with binary garbage right after the first
  paragraph came out; the run still finishes with the text as it was when it was read.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reader.core.text.loader import load_path
from tests.support import SEED, reader_command, subprocess_env
from tests.terminal import EXITED, needs_tmux, reader_in_terminal

pytestmark = pytest.mark.slow

TIMEOUT = 60
WORKS = None  # an expectation: exit 0, no complaint


@dataclass(frozen=True, slots=True)
class Refused:
    needle: str  # a piece of the one-line message


@dataclass(frozen=True, slots=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def _closer(stdin: str, stdout: str) -> Callable[[], None] | None:
    closed = [fd for fd, how in ((0, stdin), (1, stdout)) if how == "closed"]
    if not closed:
        return None

    def close() -> None:
        for fd in closed:
            os.close(fd)

    return close


def run(
    home: Path,
    *args: str,
    stdin: str = "devnull",  # "devnull" | "closed" | "terminal"
    stdout: str = "pipe",  # "pipe" | "closed" | "full" (/dev/full: no space left)
    prefix: tuple[str, ...] = (),
) -> Outcome:
    terminal: int | None = None
    stdin_arg: int | None = subprocess.DEVNULL
    if stdin == "terminal":
        terminal, follower = pty.openpty()
        stdin_arg = follower
    full = open("/dev/full", "wb") if stdout == "full" else None  # noqa: SIM115
    try:
        result = subprocess.run(
            [*prefix, *reader_command(), *args],
            stdin=stdin_arg,
            stdout=full or subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=_closer(stdin, stdout),
            env=subprocess_env(home, TERM="xterm-256color"),
            timeout=TIMEOUT,
            start_new_session=True,  # no controlling terminal: /dev/tty cannot be opened
        )
    finally:
        if terminal is not None:
            os.close(terminal)
            os.close(follower)
        if full is not None:
            full.close()
    return Outcome(
        result.returncode,
        (result.stdout or b"").decode("utf-8", "replace"),
        result.stderr.decode("utf-8", "replace"),
    )


def assert_outcome(outcome: Outcome, expected: Refused | None) -> None:
    assert "Traceback" not in outcome.stderr, outcome.stderr
    if expected is None:
        assert outcome.returncode == 0, outcome.stderr
        assert "reader:" not in outcome.stderr, outcome.stderr
        return
    lines = outcome.stderr.strip().splitlines()
    assert outcome.returncode == 2, outcome
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith("reader: "), lines
    assert expected.needle in lines[0], lines[0]
    assert outcome.stdout == ""


# ---- the inputs


def _unreadable_prefix() -> tuple[str, ...]:
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad-inputs")
    seed = SEED.read_bytes()
    made = {
        "missing": folder / "missing.txt",
        "directory": folder / "a folder",
        "unreadable": folder / "unreadable.txt",
        "binary": folder / "blob.bin",
        "empty": folder / "empty.txt",
        "whitespace": folder / "blank.txt",
        "no chinese": folder / "english.txt",
        "undecodable": folder / "broken.txt",
        "shift-jis": folder / "japanese.txt",
        "spaces and non-ascii path": folder / "my texts 中文 ü" / "文章 one.txt",
        "named pipe content": folder / "seed.txt",
    }
    made["directory"].mkdir()
    made["unreadable"].write_bytes(seed)
    made["unreadable"].chmod(0)
    made["binary"].write_bytes(bytes(range(256)) * 64)
    made["empty"].write_bytes(b"")
    made["whitespace"].write_text(" \n\t\n\u3000\n\n", encoding="utf-8")
    made["no chinese"].write_text("Hello world. Nothing to read here.\n", encoding="utf-8")
    made["undecodable"].write_bytes(b"abc \xff\xff\xff\xff \x80 def \x80\x80\n" * 20)
    made["shift-jis"].write_bytes("日本語のテキストです。カタカナ。\n".encode("shift_jis") * 20)
    made["spaces and non-ascii path"].parent.mkdir()
    made["spaces and non-ascii path"].write_bytes(seed)
    made["named pipe content"].write_bytes(seed)
    made["endless"] = Path("/dev/zero")  # never ends: refused on its first chunk
    return made


PATH_COMMANDS: dict[str, Callable[[Path], list[str]]] = {
    "annotate": lambda path: ["annotate", str(path), "--format", "jsonl"],
    "convert": lambda path: ["convert", str(path)],
    "stats": lambda path: ["stats", str(path)],
    "open": lambda path: [str(path)],  # the reading screen: refused before the app starts
}

TUI = "opens"  # the reading screen should open it: checked under tmux below

# input -> expectation per entry point (annotate, convert, stats, open)
PATH_TABLE: dict[str, tuple[Refused | str | None, ...]] = {
    "missing": (Refused("no such file"),) * 4,
    "directory": (Refused("is a directory"),) * 4,
    "unreadable": (Refused("permission denied"),) * 4,
    "binary": (Refused("binary file"),) * 4,
    "endless": (Refused("binary file"),) * 4,
    "undecodable": (Refused("cannot decode"),) * 4,
    "shift-jis": (Refused("cannot decode"),) * 4,
    "empty": (WORKS, WORKS, WORKS, Refused("empty")),
    "whitespace": (WORKS, WORKS, WORKS, Refused("empty")),
    "no chinese": (WORKS, WORKS, WORKS, TUI),
    "spaces and non-ascii path": (WORKS, WORKS, WORKS, TUI),
}

PATH_CASES = [
    pytest.param(name, command, expected, id=f"{command}-{name}")
    for name, row in PATH_TABLE.items()
    for command, expected in zip(PATH_COMMANDS, row, strict=True)
    if expected is not TUI
]


@pytest.mark.parametrize(("name", "command", "expected"), PATH_CASES)
def test_path_inputs(
    reader_home: Path,
    inputs: dict[str, Path],
    name: str,
    command: str,
    expected: Refused | None,
) -> None:
    prefix = _unreadable_prefix() if name == "unreadable" else ()
    stdin = "terminal" if command == "open" else "devnull"
    outcome = run(reader_home, *PATH_COMMANDS[command](inputs[name]), stdin=stdin, prefix=prefix)
    assert_outcome(outcome, expected)


def test_works_rows_produce_the_text(reader_home: Path, inputs: dict[str, Path]) -> None:
    path = inputs["spaces and non-ascii path"]
    outcome = run(reader_home, "annotate", str(path), "--format", "jsonl")
    paragraphs = [json.loads(line) for line in outcome.stdout.splitlines()]
    assert len(paragraphs) == len(load_path(path).paragraphs)
    converted = run(reader_home, "convert", str(path)).stdout
    assert converted.count("\n") == SEED.read_text(encoding="utf-8").count("\n")
    assert "王毅：中美关系" in converted


def test_endless_input_is_refused_in_every_format_and_on_stdin(reader_home: Path) -> None:
    """/dev/zero as a file or as standard input: one line and exit 2, at once (they used to
    read it whole, growing ~1 GB/s)."""
    for args in (["annotate", "/dev/zero", "--format", "json"], ["stats", "/dev/zero"]):
        assert_outcome(run(reader_home, *args), Refused("binary file"))
    with open("/dev/zero", "rb") as zeros:
        for args in (["annotate", "-", "--format", "json"], ["stats", "-"]):
            result = subprocess.run(
                [*reader_command(), *args],
                stdin=zeros,
                capture_output=True,
                text=True,
                env=subprocess_env(reader_home),
                timeout=TIMEOUT,
            )
            assert result.returncode == 2, args
            assert result.stderr.strip() == "reader: stdin: looks like a binary file, not text"


# ---- standard input: at its end (/dev/null) or closed

STDIN_TABLE: list[tuple[str, str, Refused | None]] = [
    # (how stdin is, the path given, expectation) for annotate, convert, stats
    ("devnull", "-", WORKS),  # an empty text
    ("closed", "-", Refused("stdin: no standard input")),
    ("closed", "FILE", WORKS),  # stdin is not needed
]


@pytest.mark.parametrize("command", ["annotate", "convert", "stats"])
@pytest.mark.parametrize(("stdin", "path", "expected"), STDIN_TABLE)
def test_stdin_closed_or_at_end(
    reader_home: Path, command: str, stdin: str, path: str, expected: Refused | None
) -> None:
    target = Path(str(SEED) if path == "FILE" else "-")
    outcome = run(reader_home, *PATH_COMMANDS[command](target), stdin=stdin)
    assert_outcome(outcome, expected)


@pytest.mark.parametrize(
    ("stdin", "path"), [("devnull", "-"), ("closed", "-"), ("devnull", "FILE"), ("closed", "FILE")]
)
def test_the_reading_screen_without_a_terminal_is_refused(
    reader_home: Path, stdin: str, path: str
) -> None:
    outcome = run(reader_home, str(SEED) if path == "FILE" else "-", stdin=stdin)
    assert_outcome(outcome, Refused("needs a terminal"))


# ---- standard output closed, or on a full disk


@pytest.mark.parametrize("stdout", ["closed", "full"])
@pytest.mark.parametrize(
    "args",
    [
        ["annotate", str(SEED), "--format", "jsonl"],
        ["annotate", str(SEED), "--format", "text"],
        ["convert", str(SEED)],
        ["stats", str(SEED)],
        ["lookup", "中文"],
    ],
    ids=["annotate-jsonl", "annotate-text", "convert", "stats", "lookup"],
)
def test_output_that_cannot_be_written(reader_home: Path, args: list[str], stdout: str) -> None:
    needle = "standard output is closed" if stdout == "closed" else "No space left"
    assert_outcome(run(reader_home, *args, stdout=stdout), Refused(needle))


@pytest.mark.parametrize("stdout", ["closed", "full"])
def test_export_to_an_output_that_cannot_be_written(saved_word: Path, stdout: str) -> None:
    needle = "standard output is closed" if stdout == "closed" else "No space left"
    assert_outcome(run(saved_word, "export", "tsv", "--out", "-", stdout=stdout), Refused(needle))


@pytest.mark.parametrize("stdin", ["devnull", "closed"])
def test_the_study_screen_without_a_terminal_is_refused(saved_word: Path, stdin: str) -> None:
    assert_outcome(run(saved_word, "study", stdin=stdin), Refused("needs a terminal"))


# ---- a named pipe (what `reader annotate <(cmd)` reads): works, content arriving over time


@pytest.mark.parametrize("command", ["annotate", "convert"])
def test_a_named_pipe_is_read_to_its_end(
    reader_home: Path, inputs: dict[str, Path], tmp_path: Path, command: str
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [*reader_command(), *PATH_COMMANDS[command](fifo)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(reader_home),
    )
    data = inputs["named pipe content"].read_bytes()
    with fifo.open("wb") as writer:  # blocks until the reader has opened it
        for start in range(0, len(data), 4096):
            writer.write(data[start : start + 4096])
            writer.flush()
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr.decode()
    if command == "annotate":
        expected = len(load_path(inputs["named pipe content"]).paragraphs)
        assert len(stdout.decode().splitlines()) == expected
    else:
        assert stdout.decode().count("\n") == data.decode().count("\n")


# ---- a file that changes while it is read


def test_a_file_overwritten_while_annotating_keeps_the_text_as_read(
    reader_home: Path, tmp_path: Path
) -> None:
    path = tmp_path / "changing.txt"
    path.write_text(SEED.read_text(encoding="utf-8") * 10, encoding="utf-8")
    expected = len(load_path(path).paragraphs)
    process = subprocess.Popen(
        [*reader_command(), "annotate", str(path), "--format", "jsonl"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(reader_home),
    )
    assert process.stdout is not None
    first = json.loads(process.stdout.readline())
    assert first["index"] == 0
    path.write_bytes(bytes(range(256)) * 10)  # truncated and rewritten as binary
    rest, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert 1 + len(rest.decode().splitlines()) == expected


# ---- 50 MB


@pytest.fixture(scope="module")
def fifty_megabytes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = SEED.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    path = tmp_path_factory.mktemp("big") / "fifty megabytes.txt"
    path.write_text(copy * (50_000_000 // len(copy.encode("utf-8")) + 1), encoding="utf-8")
    return path


def test_fifty_megabytes_annotate_streams_from_the_start(
    reader_home: Path, fifty_megabytes: Path
) -> None:
    process = subprocess.Popen(
        [*reader_command(), "annotate", str(fifty_megabytes), "--format", "jsonl"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(reader_home),
    )
    try:
        assert process.stdout is not None
        lines = [json.loads(process.stdout.readline()) for _ in range(3)]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=TIMEOUT)
    assert [line["index"] for line in lines] == [0, 1, 2]
    assert lines[0]["kind"] == "heading"
    assert "Traceback" not in stderr.decode()


def test_fifty_megabytes_convert_runs_to_the_end(reader_home: Path, fifty_megabytes: Path) -> None:
    result = subprocess.run(
        [*reader_command(), "convert", str(fifty_megabytes)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=subprocess_env(reader_home),
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.count(b"\n") == fifty_megabytes.read_bytes().count(b"\n")


# ---- an unusable READER_HOME (a file, not a folder)

HOME_TABLE: list[tuple[list[str], str, Refused | None]] = [
    (["annotate", str(SEED)], "devnull", Refused("cannot create the folder")),
    (["convert", str(SEED)], "devnull", WORKS),  # needs no data folder
    (["stats", str(SEED)], "devnull", Refused("cannot create the folder")),
    (["vocab", "add", "中文"], "devnull", Refused("cannot create the folder")),
    (["export", "tsv", "--out", "-"], "devnull", Refused("cannot create the folder")),
    ([str(SEED)], "terminal", Refused("cannot create the folder")),
]


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [pytest.param(*row, id=row[0][0] if len(row[0]) > 1 else "open") for row in HOME_TABLE],
)
def test_a_reader_home_that_is_a_file(
    tmp_path: Path, args: list[str], stdin: str, expected: Refused | None
) -> None:
    home = tmp_path / "home-is-a-file"
    home.write_text("not a folder\n", encoding="utf-8")
    assert_outcome(run(home, *args, stdin=stdin), expected)
    assert home.read_text(encoding="utf-8") == "not a folder\n"


# ---- vocab add: the word itself is the input

VOCAB_TABLE: list[tuple[str, Refused | None]] = [
    ("", Refused("no Chinese characters")),
    ("   ", Refused("no Chinese characters")),
    ("hello", Refused("no Chinese characters")),
    ("😀", Refused("no Chinese characters")),
    ("中\x01文", Refused("control characters")),
    (" 中文 ", WORKS),
    ("𠀀", WORKS),  # Extension B
    ("中文", WORKS),
]


@pytest.mark.parametrize(("word", "expected"), VOCAB_TABLE, ids=repr)
def test_vocab_add_words(reader_home: Path, word: str, expected: Refused | None) -> None:
    outcome = run(reader_home, "vocab", "add", word)
    assert_outcome(outcome, expected)
    if expected is WORKS:
        assert outcome.stdout.startswith(f"added: {word.strip()}")


def test_vocab_add_with_stdin_closed(reader_home: Path) -> None:
    assert_outcome(run(reader_home, "vocab", "add", "中文", stdin="closed"), WORKS)


# ---- export: the output path is the input


@pytest.fixture
def saved_word(reader_home: Path) -> Path:
    assert_outcome(run(reader_home, "vocab", "add", "中文"), WORKS)
    return reader_home


def test_export_with_nothing_saved(reader_home: Path, tmp_path: Path) -> None:
    outcome = run(reader_home, "export", "tsv", "--out", str(tmp_path / "words.tsv"))
    assert_outcome(outcome, Refused("no saved words"))
    assert not (tmp_path / "words.tsv").exists()


EXPORT_TABLE = [
    pytest.param("tsv", lambda d: d, Refused("is a directory"), id="tsv-directory"),
    pytest.param("anki", lambda d: d, Refused("is a directory"), id="anki-directory"),
    pytest.param(
        "tsv",
        lambda d: _file(d / "notes.txt", "my own notes\n"),
        Refused("not a reader export"),
        id="tsv-someone-elses-file",
    ),
    pytest.param(
        "anki",
        lambda d: _file(d / "deck.apkg", "not a zip\n"),
        Refused("not a reader export"),
        id="anki-someone-elses-file",
    ),
    pytest.param(
        "pleco",
        lambda d: _file(d / "cards.txt", "mine\n"),
        Refused("not a reader export"),
        id="pleco-someone-elses-file",
    ),
    pytest.param(
        "tsv",
        lambda d: _file(d / "a file", "x") / "out.tsv",
        Refused("is not a folder"),
        id="tsv-parent-is-a-file",
    ),
    pytest.param(
        "tsv",
        lambda d: d / "new folder 中文" / "my words ü.tsv",
        Refused("does not exist"),
        id="tsv-no-such-folder",
    ),
    pytest.param(
        "anki",
        lambda d: d / "new folder 中文" / "my deck ü.apkg",
        Refused("does not exist"),
        id="anki-no-such-folder",
    ),
    pytest.param("tsv", lambda d: d / "中文 words ü.tsv", WORKS, id="tsv-non-ascii"),
    pytest.param("pleco", lambda d: d / "pleco 詞彙.txt", WORKS, id="pleco-non-ascii"),
]


def _file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("format_", "make_target", "expected"), EXPORT_TABLE)
def test_export_targets(
    saved_word: Path,
    tmp_path: Path,
    format_: str,
    make_target: Callable[[Path], Path],
    expected: Refused | None,
) -> None:
    target = make_target(tmp_path)
    before = target.read_bytes() if target.is_file() else None
    outcome = run(saved_word, "export", format_, "--out", str(target))
    assert_outcome(outcome, expected)
    if expected is WORKS:
        assert target.is_file() and target.stat().st_size > 0
    elif before is not None:
        assert target.read_bytes() == before, "a refused export leaves the file untouched"


@pytest.mark.parametrize("force", [False, True])
def test_export_never_replaces_a_device(saved_word: Path, force: bool) -> None:
    # As root, the atomic rename used to replace /dev/null itself with a regular file.
    outcome = run(saved_word, "export", "tsv", "--out", os.devnull, *(["--force"] * force))
    assert_outcome(outcome, Refused("not a regular file"))
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://192.0.2.1:8765", Refused("not this machine")),
        ("ftp://127.0.0.1:8765", Refused("not an AnkiConnect address")),
        ("http://127.0.0.1:1", Refused("Anki is not running")),
    ],
)
def test_ankiconnect_addresses(saved_word: Path, url: str, expected: Refused) -> None:
    assert_outcome(run(saved_word, "export", "ankiconnect", "--url", url), expected)


def test_export_with_stdin_closed(saved_word: Path) -> None:
    outcome = run(saved_word, "export", "tsv", "--out", "-", stdin="closed")
    assert_outcome(outcome, WORKS)
    assert "#notetype:" in outcome.stdout


# ---- the reading screen opens what it should (real terminal, tmux)


def _open_in_tmux(home: Path, path: Path, shown: str) -> str:
    """Open `path` in a terminal; once `shown` is on screen, q. The last screen."""
    with reader_in_terminal([str(path)], home=home) as terminal:
        screen = terminal.wait_for(lambda text: shown in text or EXITED in text, timeout=TIMEOUT)
        assert shown in screen, screen
        terminal.press("q")
        return terminal.wait_for_exit(timeout=TIMEOUT)


@needs_tmux
@pytest.mark.parametrize(
    ("name", "shown"),
    [
        (name, "Hello world" if name == "no chinese" else "中美")
        for name, row in PATH_TABLE.items()
        if row[3] is TUI
    ],
)
def test_the_reading_screen_opens_what_it_should(
    reader_home: Path, inputs: dict[str, Path], name: str, shown: str
) -> None:
    screen = _open_in_tmux(reader_home, inputs[name], shown)
    assert f"{EXITED}0" in screen and "Traceback" not in screen


@needs_tmux
def test_the_reading_screen_opens_fifty_megabytes(reader_home: Path, fifty_megabytes: Path) -> None:
    screen = _open_in_tmux(reader_home, fifty_megabytes, "中美")
    assert f"{EXITED}0" in screen and "Traceback" not in screen


# ---- broken files of our own: config, dictionary cache, vocabulary database


@needs_tmux
def test_a_broken_config_is_named_defaults_used_and_left_untouched(
    reader_home: Path, tmp_path: Path
) -> None:
    config = reader_home / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    broken = 'pinyin = "marks"\n[keys\n'
    config.write_text(broken, encoding="utf-8")
    text = tmp_path / "short.txt"
    text.write_text("中美關係\n", encoding="utf-8")
    with reader_in_terminal([str(text)], home=reader_home, size=(160, 30)) as terminal:
        # The app opens with the default settings and says what is wrong, and where.
        screen = terminal.wait_for(
            lambda shown: "Config file" in shown and "guān" in shown and "line 2" in shown,
            timeout=TIMEOUT,
        )
        assert "line 2" in screen
        terminal.press("p", "q", pause=0)  # a toggle (normally saved to the config), quit
        screen = terminal.wait_for_exit(timeout=TIMEOUT)
    assert f"{EXITED}0" in screen and "Traceback" not in screen
    assert config.read_text(encoding="utf-8") == broken


def test_a_corrupt_dictionary_index_is_rebuilt(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert_outcome(run(home, "dict", "build"), WORKS)
    (index,) = (home / "cache").glob("*.sqlite3")
    index.write_bytes(bytes(range(256)) * 64)
    outcome = run(home, "lookup", "中文")
    assert_outcome(outcome, WORKS)
    assert "Chinese" in outcome.stdout


@pytest.mark.parametrize(
    "args", [["vocab", "list"], ["vocab", "add", "中文"], ["export", "tsv", "--out", "-"]]
)
def test_a_corrupt_vocabulary_database_is_refused_and_left_untouched(
    reader_home: Path, args: list[str]
) -> None:
    database = reader_home / "data" / "vocab.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    database.write_bytes(b"not a database\n" * 100)
    assert_outcome(run(reader_home, *args), Refused("not a reader vocabulary database"))
    assert database.read_bytes() == b"not a database\n" * 100
