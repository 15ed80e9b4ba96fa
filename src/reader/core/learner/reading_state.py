"""Where the learner was in each document: paragraph and word, keyed by the document's content.

`Document.doc_id` is derived from the normalised text, so the same text opened from another
path (or from stdin) finds its place again, and an edited text starts fresh. Positions live in
one small JSON file in the data directory, written atomically.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from reader import paths
from reader.core.files import atomic_write_text

MAX_REMEMBERED_DOCUMENTS = 500


@dataclass(frozen=True, slots=True)
class ReadingPosition:
    """A paragraph index and a character offset inside it (the word under the cursor)."""

    paragraph: int
    offset: int = 0


class ReadingStateStore:
    """Positions by doc_id. Reads once, writes the whole file on each `save` (it is small)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_dir() / "reading_state.json"
        self._lock = threading.Lock()
        self._positions: dict[str, dict[str, int | float]] | None = None

    def _load(self) -> dict[str, dict[str, int | float]]:
        if self._positions is None:
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raw = {}
            self._positions = raw if isinstance(raw, dict) else {}
        return self._positions

    def get(self, doc_id: str) -> ReadingPosition | None:
        with self._lock:
            entry = self._load().get(doc_id)
        if not isinstance(entry, dict):
            return None
        try:
            return ReadingPosition(int(entry["paragraph"]), int(entry.get("offset", 0)))
        except (KeyError, TypeError, ValueError):
            return None

    def save(self, doc_id: str, position: ReadingPosition) -> None:
        with self._lock:
            positions = self._load()
            positions[doc_id] = {
                "paragraph": position.paragraph,
                "offset": position.offset,
                "updated": time.time(),
            }
            if len(positions) > MAX_REMEMBERED_DOCUMENTS:
                oldest = sorted(positions, key=lambda key: float(positions[key].get("updated", 0)))
                for key in oldest[: len(positions) - MAX_REMEMBERED_DOCUMENTS]:
                    del positions[key]
            self._write(positions)

    def _write(self, positions: dict[str, dict[str, int | float]]) -> None:
        atomic_write_text(self.path, json.dumps(positions, ensure_ascii=False, indent=0))
