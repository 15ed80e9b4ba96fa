"""Compiled dictionary files in the cache directory: named, built, opened and checked.

Two kinds of file are compiled from the bundled CC-CEDICT (`IndexKind`): the lookup index every
start needs (`cedict-<sha>-v3.sqlite3`, `reader.core.dictionary.build`), and the search tables
(`cedict.search-<sha>-v1.sqlite3`, `reader.core.dictionary.search`), built on the first
search. Each file is named after the source's SHA-256 and its kind's schema, so a new
dictionary or layout gets a new file and the old one is removed. Every file is

- built atomically: a temporary file in the same directory, fsynced, then `os.replace`, so a
  kill or two processes building at once never leave a half-built file behind;
- opened read-only and only when complete (its `meta` says so, for this source and schema)
  and whole (its pages fill the file);
- checked with `PRAGMA quick_check` when it changed since it was last found good (a disk
  error, another program): a damaged file is built again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from reader.core.files import atomic_write_text

_BUILD_NOTICE_AFTER_S = 0.5
_MMAP_BYTES = 64 << 20  # the lookup index is ~15 MB, the search tables ~20 MB


@dataclass(frozen=True, slots=True)
class IndexKind:
    """One kind of compiled file."""

    suffix: str  # after the source's name in the file name: "" or ".search"
    schema: int  # bumped when the file's layout or the way it is derived changes
    notice: str  # what a slow build says it is doing
    ready: str  # and when it is done


# 3: the search tables moved to a file of their own (they were in the lookup index in 2).
LOOKUP = IndexKind("", 3, "Building dictionary index (first run)…", "Dictionary index ready")
SEARCH = IndexKind(
    ".search", 1, "Building dictionary search (first search)…", "Dictionary search ready"
)

# Fills a new file's tables (and its `meta` rows but `complete`), calling the callback now and
# then so a slow build can say so.
Filler = Callable[[sqlite3.Connection, Callable[[], None]], None]


def index_path(directory: Path, source: Path, sha256: str, kind: IndexKind) -> Path:
    return directory / f"{_source_prefix(source)}{kind.suffix}-{sha256[:16]}-v{kind.schema}.sqlite3"


def _source_prefix(source: Path) -> str:
    return re.sub(r"[^\w-]", "_", source.name.split(".")[0]) or "dictionary"


def source_sha256(source: Path, directory: Path) -> str:
    """The source's SHA-256, remembered next to the index by (path, size, mtime, inode) so a
    normal start does not re-read 4 MB."""
    status = source.stat()
    stamp = f"{source.resolve()}\t{status.st_size}\t{status.st_mtime_ns}\t{status.st_ino}"
    stamp_file = directory / f"{_source_prefix(source)}.sha256"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        remembered_stamp, _, remembered_sha = stamp_file.read_text("utf-8").rpartition("\t")
        if remembered_stamp == stamp and len(remembered_sha) == 64:
            return remembered_sha
    digest = hashlib.sha256()
    with source.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    sha256 = digest.hexdigest()
    with contextlib.suppress(OSError):
        atomic_write_text(stamp_file, f"{stamp}\t{sha256}")
    return sha256


def read_meta(connection: sqlite3.Connection, schema: str = "main") -> dict[str, str]:
    return dict(connection.execute(f"SELECT key, value FROM {schema}.meta").fetchall())


def write_meta(connection: sqlite3.Connection, meta: dict[str, str]) -> None:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"
    )
    connection.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())


def file_uri(path: Path) -> str:
    """The read-only URI of a file, for `connect` and `ATTACH`."""
    return f"{path.resolve().as_uri()}?mode=ro"


def open_index(path: Path, sha256: str, kind: IndexKind) -> sqlite3.Connection | None:
    """A read-only connection to a complete file of this kind built from `sha256`; None when
    the file is missing, from another source or schema, truncated, damaged or not a
    database."""
    if not path.is_file():
        return None
    connection: sqlite3.Connection | None = None
    try:
        connection = sqlite3.connect(file_uri(path), uri=True, check_same_thread=False)
        meta = read_meta(connection)
        (page_count,) = connection.execute("PRAGMA page_count").fetchone()
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
        if (
            meta.get("complete") != "1"
            or meta.get("schema") != str(kind.schema)
            or meta.get("sha256") != sha256
            or page_count * page_size != path.stat().st_size
            or not _checked_since_changed(connection, path)
        ):
            connection.close()
            return None
        # Read pages straight from the OS page cache instead of copying them into SQLite's
        # own 2 MB cache: a fresh connection is as fast as a warm one.
        connection.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
        return connection
    except (sqlite3.Error, OSError, KeyError, ValueError):
        if connection is not None:
            connection.close()
        return None


def attach(connection: sqlite3.Connection, path: Path, name: str) -> None:
    """Attach a checked file to a connection (read-only), under `name`."""
    connection.execute("ATTACH DATABASE ? AS " + name, (file_uri(path),))
    connection.execute(f"PRAGMA {name}.mmap_size = {_MMAP_BYTES}")


def _file_stamp(path: Path) -> str:
    status = path.stat()
    return f"{path.name}\t{status.st_size}\t{status.st_mtime_ns}\t{status.st_ino}"


def _checked_stamp_file(path: Path) -> Path:
    """One stamp per kind of file: `cedict_ts.checked`, `cedict_ts.search.checked`."""
    return path.with_name(f"{path.name.split('-')[0]}.checked")


def _remember_checked(path: Path) -> None:
    """The file as it is now is known good (just built, or just checked)."""
    with contextlib.suppress(OSError):  # a read-only cache: it is checked at each open
        atomic_write_text(_checked_stamp_file(path), _file_stamp(path))


def _checked_since_changed(connection: sqlite3.Connection, path: Path) -> bool:
    """False when the file changed since it was last found good and SQLite finds it damaged:
    every table, whatever tables a version has. `PRAGMA quick_check` reads the whole file
    (~25 ms for 15 MB), so it runs only then."""
    stamp = _file_stamp(path)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if _checked_stamp_file(path).read_text(encoding="utf-8") == stamp:
            return True
    if [row[0] for row in connection.execute("PRAGMA quick_check")] != ["ok"]:
        return False
    _remember_checked(path)
    return True


def build_index(
    path: Path, fill: Filler, kind: IndexKind, *, sha256: str, progress: TextIO | None = None
) -> None:
    """Compile a file of this kind into `path` atomically; `fill` makes its tables, then its
    `meta` says for which source and schema, and that it is complete."""
    stream = progress if progress is not None else sys.stderr
    notice = _SlowBuildNotice(stream, time.perf_counter(), kind)
    _remove_stale_temporaries(path.parent)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f"{path.stem}-", suffix=".building"
    )
    os.close(descriptor)
    try:
        connection = sqlite3.connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            fill(connection, notice.check)
            write_meta(connection, {"schema": str(kind.schema), "sha256": sha256, "complete": "1"})
            connection.commit()
        finally:
            connection.close()
        with open(temporary, "rb") as built:
            os.fsync(built.fileno())
        os.replace(temporary, path)
        _remember_checked(path)
    except BaseException:
        notice.abandon()
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _remove_other_versions(path)
    notice.finish()


class _SlowBuildNotice:
    """Says on a terminal's stderr that a file is being built, once the build has taken
    longer than half a second: a fast build, a script or a pipe (whose reader wants one
    line if something fails) hears nothing. A build that fails takes the notice back, so
    the error is the only line left."""

    def __init__(self, stream: TextIO, started: float, kind: IndexKind) -> None:
        self._stream = stream
        self._started = started
        self._kind = kind
        self._shown = False
        try:
            self._enabled = stream.isatty()
        except (AttributeError, ValueError):  # no fileno, or closed
            self._enabled = False

    def check(self) -> None:
        waited = time.perf_counter() - self._started
        if self._enabled and not self._shown and waited > _BUILD_NOTICE_AFTER_S:
            self._shown = True
            self._stream.write(self._kind.notice)
            self._stream.flush()

    def finish(self) -> None:
        if self._shown:
            elapsed = time.perf_counter() - self._started
            self._stream.write(f"\r\x1b[2K{self._kind.ready} ({elapsed:.1f} s).\n")
            self._stream.flush()

    def abandon(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[2K")  # erase the notice: the error says what happened
            self._stream.flush()


def _remove_stale_temporaries(directory: Path) -> None:
    """Builds killed half-way leave a .building file; remove those older than an hour (a
    younger one may belong to a build running in another process)."""
    horizon = time.time() - 3600
    for leftover in directory.glob("*.building"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < horizon:
                leftover.unlink()


def _remove_other_versions(path: Path) -> None:
    """A file of the same kind for an older dictionary or schema is never opened again."""
    prefix = path.name.split("-")[0]
    for other in path.parent.glob(f"{prefix}-*.sqlite3"):
        if other != path:
            with contextlib.suppress(OSError):
                other.unlink()
