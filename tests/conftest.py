"""Shared fixtures: every test runs with its own READER_HOME, never the user's real files."""

from __future__ import annotations

from pathlib import Path

import pytest

@pytest.fixture(autouse=True)
def reader_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private READER_HOME per test. The compiled dictionary cache is shared across the
    session (building it once is enough) by pointing each home's cache at one directory."""
    home = tmp_path_factory.mktemp("reader-home")
    shared_cache = _session_cache_dir(tmp_path_factory)
    (home / "cache").symlink_to(shared_cache, target_is_directory=True)
    monkeypatch.setenv("READER_HOME", str(home))
    return home


_SESSION_CACHE: list[Path] = []


def _session_cache_dir(factory: pytest.TempPathFactory) -> Path:
    if not _SESSION_CACHE:
        _SESSION_CACHE.append(factory.mktemp("shared-cache"))
    return _SESSION_CACHE[0]
