"""Where the learner was in each document: paragraph and word, keyed by the document's content.

`Document.doc_id` is derived from the normalised text, so the same text opened from another
path (or from stdin) finds its place again, and an edited text starts fresh. Positions live in
one small JSON file in the data directory.

Two instances may read at once: each save takes the lock they share, re-reads the file and
changes only its own document's entry (`reader.core.files.edit_locked`), so one never undoes
the other's place. Entries this version does not understand are kept as they are; a file that
is not JSON is never written over (saving raises StorageError until it is fixed or removed).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader import paths
from reader.core.errors import StorageError
from reader.core.files import edit_locked, too_deep

MAX_REMEMBERED_DOCUMENTS = 500
STATE_FILE_NAME = "reading_state.json"


@dataclass(frozen=True, slots=True)
class ReadingPosition:
    """A paragraph index and a character offset inside it (the word under the cursor)."""

    paragraph: int
    offset: int = 0


def _parse(data: bytes, path: Path) -> dict[str, Any]:
    """The positions file as a dict; StorageError when it is not one (too deep, not JSON)."""
    try:
        text = data.decode("utf-8-sig")
        if not text.strip():
            return {}  # an empty file holds no positions yet
        if too_deep(text):
            raise ValueError("nested too deeply")
        parsed = json.loads(text)
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise StorageError(
            f"{path} is not a reading-position file ({error}); reading positions are not "
            "saved until it is fixed or removed"
        ) from None
    if not isinstance(parsed, dict):
        raise StorageError(
            f"{path} is not a reading-position file (not a JSON object); reading positions "
            "are not saved until it is fixed or removed"
        )
    return parsed


def _position(entry: object) -> ReadingPosition | None:
    """The position an entry holds, or None when it is malformed (wrong types, negative):
    a bad entry is skipped, never a reason to stop reading."""
    if not isinstance(entry, dict):
        return None
    paragraph, offset = entry.get("paragraph"), entry.get("offset", 0)
    if not (_is_count(paragraph) and _is_count(offset)):
        return None
    assert isinstance(paragraph, int) and isinstance(offset, int)
    return ReadingPosition(paragraph, offset)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _updated(entry: object) -> float:
    value = entry.get("updated") if isinstance(entry, dict) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return 0.0  # malformed entries are the first to go when the file is full


class ReadingStateStore:
    """Positions by doc_id, read from the file when asked, written one entry at a time."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_dir() / STATE_FILE_NAME

    def get(self, doc_id: str) -> ReadingPosition | None:
        """The saved position, or None (never saved, or the file or entry is unreadable)."""
        return _position(self._entries().get(doc_id))

    def positions(self) -> dict[str, ReadingPosition]:
        """Every saved position by document id, the file read once (bad entries left out)."""
        return {
            doc_id: position
            for doc_id, entry in self._entries().items()
            if (position := _position(entry)) is not None
        }

    def _entries(self) -> dict[str, Any]:
        try:
            return _parse(self.path.read_bytes(), self.path)
        except (OSError, StorageError):
            return {}

    def save(self, doc_id: str, position: ReadingPosition) -> None:
        """Record `position` for `doc_id`, keeping every other document's entry as it is in
        the file now. Raises StorageError when it cannot be saved."""

        def edit(current: bytes | None) -> bytes:
            positions = _parse(current, self.path) if current is not None else {}
            positions[doc_id] = {
                "paragraph": position.paragraph,
                "offset": position.offset,
                "updated": time.time(),
            }
            if len(positions) > MAX_REMEMBERED_DOCUMENTS:
                oldest = sorted(positions, key=lambda key: _updated(positions[key]))
                for key in oldest[: len(positions) - MAX_REMEMBERED_DOCUMENTS]:
                    del positions[key]
            return json.dumps(positions, ensure_ascii=False, indent=0).encode("utf-8")

        edit_locked(self.path, edit, "your reading position")
