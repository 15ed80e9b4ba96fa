"""The dictionary's two compiled files, opened or built: the lookup index from the CC-CEDICT
source (`reader.core.dictionary.build`), and the search tables from the lookup index's
entries (`reader.core.dictionary.search`). How a file is named, built and checked:
`reader.core.dictionary.index`."""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Callable
from pathlib import Path

from reader.core.dictionary import build as lookup_tables
from reader.core.dictionary import index as files
from reader.core.dictionary.search import EntryRow, populate_search
from reader.core.errors import ReaderError


def open_lookup(
    source: Path, directory: Path, *, force: bool = False
) -> tuple[sqlite3.Connection, Path, str]:
    """A read-only connection to the lookup index of `source` (built first if it is missing,
    stale or damaged, or with `force`), the index's path and the source's SHA-256."""
    directory.mkdir(parents=True, exist_ok=True)
    sha256 = files.source_sha256(source, directory)
    path = files.index_path(directory, source, sha256, files.LOOKUP)
    connection = None if force else files.open_index(path, sha256, files.LOOKUP)
    if connection is None:

        def fill(connection: sqlite3.Connection, on_progress: Callable[[], None]) -> None:
            with gzip.open(source, "rt", encoding="utf-8", errors="replace") as lines:
                lookup_tables.populate(
                    connection, lines, source=str(source), on_progress=on_progress
                )

        connection = _built(
            path,
            fill,
            files.LOOKUP,
            sha256,
            "dictionary index",
            "and the source a gzip CC-CEDICT file",
        )
    return connection, path, sha256


def ready_search_file(lookup: Path, path: Path, sha256: str, *, force: bool = False) -> None:
    """Make sure the search tables' file at `path` is complete and sound for this source:
    built from the lookup index's entries if it is missing, stale or damaged (or `force`)."""
    checked = None if force else files.open_index(path, sha256, files.SEARCH)
    if checked is None:

        def fill(connection: sqlite3.Connection, on_progress: Callable[[], None]) -> None:
            entries = sqlite3.connect(files.file_uri(lookup), uri=True)
            try:
                rows = entry_rows(entries)
            finally:
                entries.close()
            on_progress()
            populate_search(connection, rows, on_progress)

        checked = _built(path, fill, files.SEARCH, sha256, "dictionary search tables", "")
    checked.close()


def _built(
    path: Path, fill: files.Filler, kind: files.IndexKind, sha256: str, what: str, hint: str
) -> sqlite3.Connection:
    """Build a file and open it: a build that fails (a full disk, a source that is no gzip)
    or a file that cannot be read back is one clear error."""
    try:
        files.build_index(path, fill, kind, sha256=sha256)
    except (OSError, sqlite3.Error, EOFError) as error:
        raise ReaderError(
            f"could not build the {what} in {path.parent}: {error}"
            f" (is the cache dir writable{', ' + hint if hint else ''}?)"
        ) from error
    connection = files.open_index(path, sha256, kind)
    if connection is None:
        raise ReaderError(f"the {what} at {path} cannot be read back")
    return connection


def entry_rows(connection: sqlite3.Connection) -> list[EntryRow]:
    """Every entry of a lookup index as (id, traditional, simplified, pinyin, definitions)."""
    return connection.execute(
        "SELECT id, traditional, simplified, pinyin, definitions FROM entries ORDER BY id"
    ).fetchall()
