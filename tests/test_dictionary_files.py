"""The dictionary's compiled files: the lookup index every start needs, and the search tables
built on the first search in a file of their own; both checked, and built again when damaged."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from reader import paths
from reader.core.dictionary import cedict as dictionary
from reader.core.dictionary import compiled
from reader.core.dictionary import index as files
from reader.core.dictionary.cedict import Dictionary
from reader.core.errors import ReaderError
from tests.test_dictionary import SMALL_CEDICT, write_cedict


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    return write_cedict(tmp_path / "src" / "mini.u8.gz", SMALL_CEDICT)


def search_path(opened: Dictionary) -> Path:
    path = opened.info().search_path
    assert path is not None
    return path


def test_the_search_tables_are_built_on_the_first_search_only(tmp_path: Path, source: Path) -> None:
    cache = tmp_path / "cache"
    opened = Dictionary.open(source, cache_dir=cache)
    path = search_path(opened)
    assert not path.exists()  # a start builds the lookup index alone
    assert opened.lookup("中國").gloss == "China"
    assert [hit.entry.traditional for hit in opened.search("country").by_english] == ["國"]
    built_at = path.stat().st_mtime_ns
    reopened = Dictionary.open(source, cache_dir=cache)
    assert [hit.entry.traditional for hit in reopened.search("guo").by_pinyin] == ["國"]
    assert path.stat().st_mtime_ns == built_at  # opened, not built again
    assert sorted(p.name.split("-")[0] for p in cache.glob("*.sqlite3")) == [
        "mini",
        "mini.search",
    ]


@pytest.mark.parametrize("damage", ["garbage", "truncate", "incomplete", "page"])
def test_a_damaged_search_file_is_built_again(tmp_path: Path, source: Path, damage: str) -> None:
    cache = tmp_path / "cache"
    Dictionary.open(source, cache_dir=cache).prepare_search()
    path = search_path(Dictionary.open(source, cache_dir=cache))
    damage_file(path, damage)
    damaged = path.stat().st_ino
    reopened = Dictionary.open(source, cache_dir=cache)
    assert [hit.entry.traditional for hit in reopened.search("country").by_english] == ["國"]
    assert path.stat().st_ino != damaged  # a new file replaced it
    assert files.open_index(path, reopened.info().sha256 or "", files.SEARCH) is not None


def test_a_damaged_page_of_the_lookup_index_is_found_and_built_again(
    tmp_path: Path, source: Path
) -> None:
    cache = tmp_path / "cache"
    index = Dictionary.open(source, cache_dir=cache).info().index_path
    assert index is not None
    damage_file(index, "page")  # same size: only quick_check, run on a changed file, sees it
    damaged = index.stat().st_ino
    reopened = Dictionary.open(source, cache_dir=cache)
    assert index.stat().st_ino != damaged
    assert reopened.lookup("中國").gloss == "China"
    assert reopened.info().entries == 16


def damage_file(path: Path, damage: str) -> None:
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif damage == "incomplete":
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE meta SET value = '0' WHERE key = 'complete'")
        connection.close()
    else:  # a page in the middle overwritten, the size kept
        data = bytearray(path.read_bytes())
        page = 4096
        middle = (len(data) // page // 2) * page
        data[middle : middle + page] = b"\xff" * page
        path.write_bytes(bytes(data))


def test_an_index_of_the_old_layout_with_search_tables_inside_is_removed(
    tmp_path: Path, source: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    old = cache / "mini-0123456789abcdef-v2.sqlite3"
    old.write_bytes(b"an index of schema 2")
    Dictionary.open(source, cache_dir=cache)
    assert not old.exists()


def test_searches_from_many_threads_build_the_tables_once(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = Dictionary.open(source, cache_dir=tmp_path / "cache")
    builds = []
    original = files.build_index

    def counted(*args: object, **kwargs: object) -> None:
        builds.append(args[0])
        original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(files, "build_index", counted)
    found: list[str] = []

    def search() -> None:
        found.append(opened.search("fifth").by_english[0].entry.traditional)

    threads = [threading.Thread(target=search) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == ["戊"] * 8
    assert builds == [search_path(opened)]


def test_a_failed_search_build_is_one_error_and_leaves_nothing(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    opened = Dictionary.open(source, cache_dir=cache)

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(compiled, "populate_search", no_space)
    with pytest.raises(ReaderError, match="could not build the dictionary search tables"):
        opened.search("country")
    assert not search_path(opened).exists()
    assert not list(cache.glob("*.building"))
    assert opened.lookup("中國").gloss == "China"  # lookups go on


def test_dict_build_builds_the_search_tables_when_asked(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(paths, "bundled_cedict", lambda: source)
    monkeypatch.setattr(dictionary, "_default", None)
    described = dictionary.build(force=True)
    assert described.search_path is not None and not described.search_path.exists()
    described = dictionary.build(force=True, search=True)
    assert described.search_path is not None and described.search_path.is_file()
    assert dictionary.search("country").by_english[0].entry.traditional == "國"
