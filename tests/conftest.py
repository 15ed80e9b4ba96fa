"""Shared fixtures: every test runs with its own READER_HOME, never the user's real files."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache directory for the whole run, so the compiled dictionary is built once."""
    return tmp_path_factory.mktemp("shared-cache")


def make_home(factory: pytest.TempPathFactory, shared_cache: Path) -> Path:
    home = factory.mktemp("reader-home")
    (home / "cache").symlink_to(shared_cache, target_is_directory=True)
    return home


@pytest.fixture(autouse=True)
def reader_home(
    tmp_path_factory: pytest.TempPathFactory,
    shared_cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A private READER_HOME per test (config and data fresh, dictionary cache shared)."""
    home = make_home(tmp_path_factory, shared_cache_dir)
    monkeypatch.setenv("READER_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def fresh_notices() -> None:
    """Problems reported once per process (`reader.core.notices`): once per test here."""
    from reader.core import notices

    notices.forget()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---- the real anki-connect-server (opt-in: it needs Python >= 3.12, the suite runs on 3.11;
# .ci/run installs it and sets READER_TEST_ANKICONNECT_SERVER)


@pytest.fixture
def real_ankiconnect(tmp_path: Path) -> Iterator[str]:
    """Start `anki-connect-server api` when READER_TEST_ANKICONNECT_SERVER names its executable
    (installed in a Python 3.12 venv with httpx beside it), else skip."""
    from reader.core.errors import ReaderError
    from reader.core.export.ankiconnect import AnkiConnect

    executable = os.environ.get("READER_TEST_ANKICONNECT_SERVER")
    if not executable:
        pytest.skip("set READER_TEST_ANKICONNECT_SERVER to run against anki-connect-server")
    port = free_port()
    environment = dict(
        os.environ,
        ANKICONNECT_COLLECTION_PATH=str(tmp_path / "collection.anki2"),
        ANKICONNECT_PORT=str(port),
    )
    server = subprocess.Popen(
        [executable, "api"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):  # it takes ~8 s to start
            try:
                if AnkiConnect(url, timeout=2).invoke("version") == 6:
                    break
            except ReaderError:
                time.sleep(0.25)
        else:
            pytest.fail("anki-connect-server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
