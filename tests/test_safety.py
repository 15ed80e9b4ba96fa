"""Safety: no user data is unpickled or evaluated, AnkiConnect talks only to the address the
user gave (loopback unless allowed: no proxy, no redirect), and the commands write only under
the data/config/cache folders and the export path the user names."""

from __future__ import annotations

import ast
import json
import os
import pickle
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from reader.core.errors import ReaderError
from reader.core.export.ankiconnect import AnkiConnect, AnkiConnectError
from tests.support import REPO_ROOT, SEED, reader_command
from tests.terminal import EXITED, needs_tmux, reader_in_terminal

pytestmark = pytest.mark.slow

SOURCE = REPO_ROOT / "src" / "reader"

# ---- nothing from the user is unpickled or evaluated

DANGEROUS_CALLS = {
    ("pickle", "load"),
    ("pickle", "loads"),
    ("marshal", "load"),
    ("marshal", "loads"),
    ("yaml", "load"),
    ("shelve", "open"),
    ("np", "load"),
    ("numpy", "load"),
}
DANGEROUS_BUILTINS = {"eval", "exec", "compile", "__import__"}


def _dangerous_calls() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = None
            if isinstance(function, ast.Name) and function.id in DANGEROUS_BUILTINS:
                name = function.id
            elif (
                isinstance(function, ast.Attribute)
                and isinstance(function.value, ast.Name)
                and (function.value.id, function.attr) in DANGEROUS_CALLS
            ):
                name = f"{function.value.id}.{function.attr}"
            if name:
                found.append((str(path.relative_to(SOURCE)), node.lineno, name))
    return found


def test_nothing_is_unpickled() -> None:
    """The pinyin model's weights are plain arrays (data/g2pm/weights.npz): the one np.load
    refuses pickles, and nothing else could unpickle or evaluate anything."""
    calls = _dangerous_calls()
    assert [(path, name) for path, _, name in calls] == [
        ("core/engine/polyphone_model.py", "np.load")
    ]
    tree = ast.parse(
        (SOURCE / "core" / "engine" / "polyphone_model.py").read_text(encoding="utf-8")
    )
    (load,) = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "load"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "np"
    ]
    keywords = {keyword.arg: keyword.value for keyword in load.keywords}
    assert isinstance(keywords["allow_pickle"], ast.Constant)
    assert keywords["allow_pickle"].value is False


def test_the_pinyin_model_loads_without_pickle_or_g2pm(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from reader.core.engine.polyphone_model import PolyphoneModel

    opened: list[object] = []

    def recording_load(handle: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(handle)
        raise AssertionError("unpickled")

    monkeypatch.setattr(pickle, "load", recording_load)
    monkeypatch.setitem(sys.modules, "g2pM", None)  # importing it would fail
    model = PolyphoneModel()
    assert not opened
    assert len(model.char_ids) == 5398 and len(model.class_ids) == 876


# ---- AnkiConnect: loopback only, no proxy, no redirect


class _Recorder:
    def __init__(self) -> None:
        self.requests: list[str] = []


def _serve(respond: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[tuple[_Recorder, str]]:
    recorder = _Recorder()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            recorder.requests.append(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            respond(self)

        do_GET = _handle
        do_POST = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _answer_version(handler: BaseHTTPRequestHandler) -> None:
    data = json.dumps({"result": 6, "error": None}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


@pytest.fixture
def anki() -> Iterator[tuple[_Recorder, str]]:
    yield from _serve(_answer_version)


@pytest.fixture
def elsewhere() -> Iterator[tuple[_Recorder, str]]:
    """Stands for a proxy or a redirect target: it must never be asked anything."""
    yield from _serve(_answer_version)


def test_a_proxy_in_the_environment_is_not_used_for_loopback(
    anki: tuple[_Recorder, str],
    elsewhere: tuple[_Recorder, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    anki_requests, url = anki
    proxy_requests, proxy = elsewhere
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.setenv(name, proxy)
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert AnkiConnect(url).invoke("version") == 6
    assert len(anki_requests.requests) == 1
    assert proxy_requests.requests == []


def test_a_redirect_is_not_followed(elsewhere: tuple[_Recorder, str]) -> None:
    target_requests, target = elsewhere

    def redirect(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", target + "/stolen")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    for _, url in _serve(redirect):
        with pytest.raises(AnkiConnectError, match="HTTP 302"):
            AnkiConnect(url).invoke("version")
    assert target_requests.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765@192.0.2.1/",  # user info that looks like a host
        "http://127.0.0.1.nip.io:8765",
        "http://localhost.example.com:8765",
        "http://0.0.0.0:8765",
        "http://[::ffff:192.0.2.1]:8765",
        "http://192.0.2.1:8765#@127.0.0.1",
    ],
)
def test_addresses_that_only_look_local_are_refused(url: str) -> None:
    with pytest.raises(ReaderError, match="--allow-remote"):
        AnkiConnect(url)


@pytest.mark.parametrize("url", ["http://127.0.0.2:8765", "http://localhost:8765", "http://[::1]"])
def test_loopback_addresses_are_accepted(url: str) -> None:
    assert AnkiConnect(url).url == url


# ---- nothing is written outside READER_HOME and the export path


def _files(root: Path) -> set[Path]:
    return {path.relative_to(root) for path in root.rglob("*")}


def test_commands_write_only_their_folders_and_the_export(tmp_path: Path) -> None:
    """HOME, XDG folders, the working folder and the input's folder stay exactly as they were."""
    home = tmp_path / "reader-home"
    user_home = tmp_path / "user-home"
    work = tmp_path / "work"
    texts = tmp_path / "texts"
    for folder in (user_home, work, texts):
        folder.mkdir()
    text = texts / "article.txt"
    shutil.copy(SEED, text)
    export = tmp_path / "exports" / "words.tsv"
    export.parent.mkdir()  # --out never makes folders
    env = {
        "PATH": os.environ.get("PATH", ""),
        "READER_HOME": str(home),
        "HOME": str(user_home),
        "XDG_CONFIG_HOME": str(user_home / ".config"),
        "XDG_DATA_HOME": str(user_home / ".local" / "share"),
        "XDG_CACHE_HOME": str(user_home / ".cache"),
        "TMPDIR": str(tmp_path / "tmp"),
    }
    (tmp_path / "tmp").mkdir()
    before = {root: _files(root) for root in (user_home, work, texts)}
    commands = [
        ["annotate", str(text), "--format", "jsonl"],
        ["annotate", str(text), "--format", "json"],
        ["convert", str(text)],
        ["stats", str(text), "--learn"],
        ["vocab", "add", "中文", "--sentence", "我學中文。"],
        ["vocab", "list"],
        ["lookup", "中文"],
        ["export", "tsv", "--out", str(export)],
        ["export", "anki", "--out", str(export.with_suffix(".apkg"))],
        ["export", "pleco", "--out", str(export.with_name("pleco.txt"))],
    ]
    for command in commands:
        result = subprocess.run(
            [*reader_command(), *command],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
        )
        assert result.returncode == 0, (command, result.stderr.decode())
    for root, files in before.items():
        assert _files(root) == files, root
    assert {path.name for path in export.parent.iterdir()} == {
        "words.tsv",
        "words.apkg",
        "pleco.txt",
    }
    assert _files(tmp_path / "tmp") == set(), "temporary files are cleaned up"
    written = {path.parts[0] for path in _files(home)}
    assert written <= {"config", "data", "cache"}, written


@needs_tmux
def test_the_reading_screen_writes_only_under_reader_home(tmp_path: Path) -> None:
    home = tmp_path / "reader-home"
    work = tmp_path / "work"
    user_home = tmp_path / "user-home"
    work.mkdir()
    user_home.mkdir()
    elsewhere = {
        "HOME": str(user_home),
        "XDG_CONFIG_HOME": f"{user_home}/.config",
        "XDG_DATA_HOME": f"{user_home}/.local/share",
        "XDG_CACHE_HOME": f"{user_home}/.cache",
    }
    with reader_in_terminal([str(SEED)], home=home, cwd=work, env=elsewhere) as terminal:
        assert "中美" in terminal.wait_for("中美")
        terminal.press("j", "j", "q", pause=0.2)  # move (the position is saved), then quit
        assert f"{EXITED}0" in terminal.wait_for_exit()
    assert _files(work) == set()
    assert _files(user_home) == set()
    assert {path.parts[0] for path in _files(home)} <= {"config", "data", "cache"}
