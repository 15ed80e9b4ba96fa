"""The gaps an afternoon of attacks found (issue 13), each through the real `reader` command.

A refusal is one line on stderr and exit code 2 (`assert_outcome` of test_bad_input); what
should work exits 0. Files of the learner's are checked byte for byte afterwards. The
two-instance cases run two real processes editing the same files at once.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.support import SEED, reader_command, subprocess_env
from tests.terminal import EXITED, needs_tmux, reader_in_terminal
from tests.test_bad_input import (
    WORKS,
    Outcome,
    Refused,
    _unreadable_prefix,
    assert_outcome,
    run,
)

BAD = os.fsdecode(b"\xff\xfe")  # bytes that are not UTF-8, as Python hands them over


@pytest.fixture
def saved_word(reader_home: Path) -> Path:
    assert_outcome(run(reader_home, "vocab", "add", "中文"), WORKS)
    return reader_home


# ---- arguments: text that is not UTF-8, dates, deck names, usage mistakes

ARGUMENT_TABLE: list[tuple[list[str], Refused | None]] = [
    (["vocab", "add", "中" + BAD], Refused("WORD is not valid UTF-8")),
    (["vocab", "set", "中" + BAD, "known"], Refused("WORD is not valid UTF-8")),
    (["vocab", "remove", BAD], Refused("WORD is not valid UTF-8")),
    (["vocab", "edit", "中文", "--definition", BAD], Refused("--definition is not valid")),
    (["vocab", "add", "中文", "--sentence", "我" + BAD], Refused("--sentence is not valid")),
    (["vocab", "add", "中文", "--source", BAD], Refused("--source is not valid")),
    (["vocab", "add", "中文", "--definition", BAD], Refused("--definition is not valid")),
    (["export", "tsv", "--out", "-", "--deck", BAD], Refused("--deck is not valid")),
    (["lookup", BAD], Refused("QUERY is not valid UTF-8")),
    (["export", "tsv", "--out", "-", "--deck", "a\n#notetype:x"], Refused("line break")),
    (["export", "anki", "--deck", "a\rb"], Refused("line break")),
    (["export", "tsv", "--out", "-", "--since", "9999-12-31T23:00-05:00"], Refused("the date")),
    (["export", "tsv", "--out", "-", "--since", "0001-01-01T00:00+05:00"], Refused("the date")),
    (["export", "tsv", "--out", "-", "--since", "yesterday"], Refused("the date")),
    (["vocab", "set", "中文", "bogus"], Refused("invalid choice")),
    (["vocab"], Refused("required")),
    (["annotate"], Refused("required")),
    (["frobnicate"], Refused("not a command")),
    (["export", "tsv", "--out", "-", "--since", "2000-01-01"], WORKS),
]


@pytest.mark.parametrize(("args", "expected"), ARGUMENT_TABLE, ids=repr)
def test_arguments(saved_word: Path, args: list[str], expected: Refused | None) -> None:
    assert_outcome(run(saved_word, *args), expected)


def test_a_path_that_is_not_utf8_still_opens(reader_home: Path, tmp_path: Path) -> None:
    path = Path(os.fsdecode(bytes(tmp_path) + b"/\xff text.txt"))
    path.write_text("中美關係。\n", encoding="utf-8")
    outcome = run(reader_home, "annotate", str(path), "--format", "jsonl")
    assert_outcome(outcome, WORKS)
    assert json.loads(outcome.stdout)["text"] == "中美關係。"


# ---- control characters never reach the terminal raw


@pytest.mark.parametrize(
    "args",
    [["lookup", "\x1b[31m中文"], ["annotate", "FILE"], ["annotate", "FILE", "--format", "tsv"]],
    ids=["lookup", "annotate-text", "annotate-tsv"],
)
def test_control_characters_are_shown_not_sent(
    reader_home: Path, tmp_path: Path, args: list[str]
) -> None:
    text = tmp_path / "escape.txt"
    text.write_text("中文\x1b[2J課本\x07。\n", encoding="utf-8")
    outcome = run(reader_home, *[str(text) if arg == "FILE" else arg for arg in args])
    assert_outcome(outcome, WORKS)
    assert "\x1b" not in outcome.stdout and "\x07" not in outcome.stdout
    assert "␛" in outcome.stdout


# ---- input: NUL bytes past the first 64 KB


@pytest.mark.parametrize("size", [200_000, 5_000_000], ids=["whole", "read-in-parts"])
@pytest.mark.parametrize("command", ["stats", "json", "convert"])
def test_nul_bytes_after_the_sample_are_binary(
    reader_home: Path, tmp_path: Path, command: str, size: int
) -> None:
    seed = SEED.read_bytes()
    path = tmp_path / "tail.txt"
    path.write_bytes(seed * (size // len(seed) + 1) + b"\x00\x00\x00tail")
    args = {
        "stats": ["stats", str(path)],
        "json": ["annotate", str(path), "--format", "json"],
        "convert": ["convert", str(path)],
    }[command]
    outcome = run(reader_home, *args)
    assert outcome.returncode == 2 and "binary" in outcome.stderr, outcome.stderr
    assert "Traceback" not in outcome.stderr


# ---- the dictionary index


def test_a_failed_run_on_a_fresh_cache_says_one_line(tmp_path: Path) -> None:
    """The index is built on first use; a bad input found meanwhile is still one line."""
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    assert_outcome(run(tmp_path / "fresh", "annotate", str(binary)), Refused("binary"))


def test_a_damaged_index_of_the_same_size_is_noticed_and_rebuilt(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert_outcome(run(home, "lookup", "中文"), WORKS)
    (index,) = (home / "cache").glob("*.sqlite3")
    size = index.stat().st_size
    with index.open("r+b") as damaged:
        for offset in range(50 * 4096, size - 8192, 7 * 4096):
            damaged.seek(offset)
            damaged.write(os.urandom(4096))
    assert index.stat().st_size == size
    outcome = run(home, "lookup", "中文")
    assert_outcome(outcome, WORKS)
    assert "Chinese" in outcome.stdout
    check = sqlite3.connect(index)
    assert check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    check.close()


# ---- the vocabulary database


def test_an_unreadable_timestamp_does_not_stop_the_list(saved_word: Path) -> None:
    database = sqlite3.connect(saved_word / "data" / "vocab.sqlite3")
    database.execute("UPDATE words SET created_at = 'last Tuesday', updated_at = '2024-13-45'")
    database.commit()
    database.close()
    for args in (["vocab", "list"], ["vocab", "list", "--format", "json"]):
        outcome = run(saved_word, *args)
        assert_outcome(outcome, WORKS)
        assert "中文" in outcome.stdout
    assert_outcome(run(saved_word, "export", "tsv", "--out", "-"), WORKS)


def test_a_variant_spelling_finds_the_word_saved_under_another(reader_home: Path) -> None:
    added = run(reader_home, "vocab", "add", "很難說")
    assert_outcome(added, WORKS)
    assert "很難説" in added.stdout  # CC-CEDICT's spelling
    assert_outcome(run(reader_home, "vocab", "set", "很難說", "known"), WORKS)
    assert_outcome(run(reader_home, "vocab", "edit", "很難說", "--definition", "hard"), WORKS)
    assert_outcome(run(reader_home, "vocab", "remove", "很難說"), WORKS)


def test_a_read_only_home_still_lists_and_exports(saved_word: Path) -> None:
    prefix = _unreadable_prefix()  # as root: without the capability to write anything
    data = saved_word / "data"
    for path in (data / "vocab.sqlite3", data):
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        listed = run(saved_word, "vocab", "list", prefix=prefix)
        assert_outcome(listed, WORKS)
        assert "中文" in listed.stdout
        assert_outcome(run(saved_word, "export", "tsv", "--out", "-", prefix=prefix), WORKS)
        refused = run(saved_word, "vocab", "add", "水", prefix=prefix)
        assert_outcome(refused, Refused("read-only"))
    finally:
        data.chmod(0o755)


def test_a_read_only_home_with_no_vocabulary_yet_lists_nothing(tmp_path: Path) -> None:
    prefix = _unreadable_prefix()
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    (home / "data").chmod(0o555)
    try:
        listed = run(home, "vocab", "list", prefix=prefix)
        assert_outcome(listed, WORKS)
        assert listed.stdout.strip() == ""
        assert not (home / "data" / "vocab.sqlite3").exists()
    finally:
        (home / "data").chmod(0o755)


# ---- --out: never makes folders; the overwrite check reads one bounded member


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


OUT_TABLE: list[tuple[str, Callable[[Path], Path], Refused | None]] = [
    ("broken zip", lambda d: _write(d / "x.apkg", b"PK\x03\x04" + b"\x00" * 200), "not ours"),
    ("truncated zip", lambda d: _truncated_zip(d / "x.apkg"), "not ours"),
    ("no collection", lambda d: _zip(d / "x.apkg", {"media": b"{}"}), "not ours"),
    (
        "collection not sqlite",
        lambda d: _zip(d / "x.apkg", {"collection.anki2": b"not sqlite" * 100}),
        "not ours",
    ),
    ("missing folder", lambda d: d / "no such folder" / "x.apkg", Refused("does not exist")),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated_zip(path: Path) -> Path:
    _zip(path, {"collection.anki2": b"SQLite format 3\x00" + b"\x00" * 50_000})
    path.write_bytes(path.read_bytes()[:-30])
    return path


@pytest.mark.parametrize(
    ("make", "expected"), [pytest.param(m, e, id=name) for name, m, e in OUT_TABLE]
)
def test_export_anki_out(
    saved_word: Path, tmp_path: Path, make: Callable[[Path], Path], expected: object
) -> None:
    target = make(tmp_path)
    before = target.read_bytes() if target.exists() else None
    outcome = run(saved_word, "export", "anki", "--out", str(target))
    if expected == "not ours":
        expected = Refused("not a reader export")
    assert_outcome(outcome, expected if isinstance(expected, Refused) else None)
    if before is not None:
        assert target.read_bytes() == before
    assert not target.parent.exists() or target.parent.is_dir()


def test_a_zip_bomb_at_out_is_not_unpacked(saved_word: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.apkg"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("collection.anki2", "w", force_zip64=True) as member,
    ):
        for _ in range(520):  # 520 MB of zeros, ~0.5 MB packed
            member.write(b"\x00" * (1 << 20))
    outcome = run(saved_word, "export", "anki", "--out", str(bomb))
    assert_outcome(outcome, Refused("not a reader export"))


# ---- AnkiConnect that answers oddly


@pytest.fixture
def odd_anki() -> Iterator[tuple[dict[str, bytes], str]]:
    """An HTTP server that answers each action with the raw bytes given for it (a normal
    AnkiConnect answer otherwise); b"HUGE" streams 200 MB."""
    replies: dict[str, bytes] = {}
    normal = {"version": 6, "modelNames": ["Reader Chinese Vocabulary"], "deckNames": []}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            action = request["action"]
            body = replies.get(action)
            if body is None:
                body = json.dumps({"result": normal.get(action), "error": None}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if body == b"HUGE":
                self.send_header("Content-Length", str(200 << 20))
                self.end_headers()
                try:
                    for _ in range(200):
                        self.wfile.write(b" " * (1 << 20))
                except OSError:
                    pass  # the client stopped reading: what we want
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield replies, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


ODD_REPLIES: list[tuple[str, bytes, str]] = [
    ("version", b"\xff\xfe not utf-8", "does not answer like AnkiConnect"),
    ("version", b"[" * 100_000, "does not answer like AnkiConnect"),
    ("version", b'{"result": "6", "error": null}', "not a int"),
    ("modelNames", b'{"result": null, "error": null}', "not a list"),
    ("deckNames", b'{"result": [1, 2], "error": null}', "not a list of str"),
    ("findNotes", b'{"result": {"1": 2}, "error": null}', "not a list of int"),
    ("version", b"HUGE", "more than 16 MB"),
    ("version", b'{"result": 6, "error": "bad\\u001b[2Jthing"}', "refused version"),
]


@pytest.mark.parametrize(("action", "body", "needle"), ODD_REPLIES, ids=repr)
def test_odd_ankiconnect_replies(
    saved_word: Path, odd_anki: tuple[dict[str, bytes], str], action: str, body: bytes, needle: str
) -> None:
    replies, url = odd_anki
    replies[action] = body
    outcome = run(saved_word, "export", "ankiconnect", "--url", url)
    assert_outcome(outcome, Refused(needle))
    assert "\x1b" not in outcome.stderr


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://127.0.0.1:99999", "http://127.0.0.1:8765/ x", "http://a\nb/"]
)
def test_malformed_ankiconnect_urls(saved_word: Path, url: str) -> None:
    assert_outcome(
        run(saved_word, "export", "ankiconnect", "--url", url),
        Refused("not an AnkiConnect address"),
    )


# ---- the learner's rules file: not UTF-8 is said once, and never written over


def test_rules_that_are_not_utf8_are_reported_once_and_kept(reader_home: Path) -> None:
    rules = reader_home / "data" / "user_words.txt"
    rules.parent.mkdir(parents=True, exist_ok=True)
    content = b"# mine\njoin \xe4\xb8\xad\xe7\xbe\x8e\njoin \xff\xfe\n"
    rules.write_bytes(content)
    outcome = _annotate_text(reader_home, "中美關係很好。中美。")
    assert outcome.returncode == 0
    warnings = [line for line in outcome.stderr.splitlines() if "not UTF-8" in line]
    assert len(warnings) == 1 and str(rules) in warnings[0]
    tokens = [t["text"] for t in json.loads(outcome.stdout.splitlines()[0])["tokens"]]
    assert "中美" in tokens  # the rules that could be read are used
    assert rules.read_bytes() == content


def _annotate_text(home: Path, text: str) -> Outcome:
    result = subprocess.run(
        [*reader_command(), "annotate", "-", "--format", "jsonl"],
        input=text.encode(),
        capture_output=True,
        env=subprocess_env(home),
        timeout=60,
    )
    return Outcome(result.returncode, result.stdout.decode(), result.stderr.decode())


# ---- two instances at once: nothing either saved is lost

TWO_WRITERS = """
import sys
from pathlib import Path
kind, who, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "positions":
    from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
    store = ReadingStateStore()
    for number in range(rounds):
        store.save(f"doc-{who}", ReadingPosition(number, number))
        store.save(f"doc-{who}-{number}", ReadingPosition(1, 0))
elif kind == "settings":
    from dataclasses import replace
    from reader.config import PinyinDisplay, ScriptDisplay, Settings, next_value, save_settings
    settings = Settings()
    for _ in range(rounds):
        field = "pinyin" if who == "a" else "script"
        changed = replace(settings, **{field: next_value(getattr(settings, field))})
        save_settings(changed, previous=settings)
        settings = changed
    print(getattr(settings, "pinyin" if who == "a" else "script").value)
else:
    from reader.core.engine.user_dictionary import UserDictionary
    rules = UserDictionary.load()
    for number in range(rounds):
        rules.add_join(f"{who}詞{number}")
        rules.save()
"""


def _two_processes(home: Path, kind: str, rounds: int) -> list[str]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", TWO_WRITERS, kind, who, str(rounds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=subprocess_env(home),
        )
        for who in ("a", "b")
    ]
    outputs = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()
        outputs.append(stdout.decode().strip())
    return outputs


def test_two_instances_keep_each_others_positions(reader_home: Path) -> None:
    _two_processes(reader_home, "positions", 60)
    from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore

    store = ReadingStateStore()
    for who in ("a", "b"):
        assert store.get(f"doc-{who}") == ReadingPosition(59, 59)
        assert all(store.get(f"doc-{who}-{n}") == ReadingPosition(1, 0) for n in range(60))


def test_two_instances_keep_each_others_settings(reader_home: Path) -> None:
    config = reader_home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('# my comment\n[display]\ntheme = "nord"  # calm\n', encoding="utf-8")
    pinyin, script = _two_processes(reader_home, "settings", 31)
    from reader.config import read_settings

    settings, problems = read_settings()
    assert problems == ()
    assert (settings.pinyin.value, settings.script.value) == (pinyin, script)
    text = config.read_text(encoding="utf-8")
    assert text.startswith('# my comment\n[display]\ntheme = "nord"  # calm\n')


def test_two_instances_keep_each_others_rules(reader_home: Path) -> None:
    rules = reader_home / "data" / "user_words.txt"
    rules.parent.mkdir(parents=True)
    rules.write_text("# my own note\nthis line is not a rule\njoin 中美\n", encoding="utf-8")
    _two_processes(reader_home, "rules", 25)
    from reader.core.engine.user_dictionary import UserDictionary

    joins = set(UserDictionary.load().joins)
    assert joins == {"中美"} | {f"{who}詞{n}" for who in "ab" for n in range(25)}
    assert rules.read_text(encoding="utf-8").startswith(
        "# my own note\nthis line is not a rule\njoin 中美\n"
    )


# ---- the reading screen on a read-only data and config folder (a real terminal)


@needs_tmux
@pytest.mark.parametrize("vocabulary", ["a saved word", "none yet"])
def test_the_reading_screen_on_a_read_only_home_keeps_reading(
    saved_word: Path, tmp_path: Path, vocabulary: str
) -> None:
    prefix = _unreadable_prefix()
    if vocabulary == "none yet":
        (saved_word / "data" / "vocab.sqlite3").unlink()
    text = tmp_path / "short.txt"
    text.write_text("中美關係很好。\n\n第二段話。\n", encoding="utf-8")
    folders = [saved_word / "data", saved_word / "config"]
    (saved_word / "config").mkdir(exist_ok=True)
    for folder in folders:
        folder.chmod(0o555)
    try:
        with reader_in_terminal([str(text)], home=saved_word, prefix=prefix) as terminal:
            terminal.wait_for(lambda shown: "guān" in shown or EXITED in shown)
            # A move, a toggle, a split: each saves.
            terminal.press("j", "p", "k", "l", "x", pause=0)
            screen = terminal.wait_for("could not be saved")
            assert "Traceback" not in screen
            terminal.press("q")
            screen = terminal.wait_for_exit()
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert f"{EXITED}0" in screen and "Traceback" not in screen
    assert "could not be saved" in screen  # said again on stderr when the app ends
    assert not (saved_word / "config" / "config.toml").exists()
