"""Shared fixtures: every test runs with its own READER_HOME, never the user's real files."""

from __future__ import annotations

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
