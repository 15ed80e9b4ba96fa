"""Annotate the first screen in a forked child process while Textual starts in the parent.

Loading the segmenter, the pinyin model and the dictionary is mostly Python work, so a thread
would compete with Textual's own start-up for the GIL; a child process runs on the other
core instead. `run_app` forks before Textual is imported (no threads exist yet, so forking
is safe); the child annotates a few paragraphs, writes them as JSON lines to a pipe and
exits; the reading view's worker reads them. Where `os.fork` does not exist, a thread does
the same work.

The child also keeps what it wrote in the cache directory, keyed by the document, the engine's
data and the learner's segmentation rules: reopening a document paints its first screen
without loading any model.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import reader
from reader import paths
from reader.core.files import atomic_write_text
from reader.core.models import AnnotatedParagraph, Document, Token, TokenKind
from reader.core.pipeline import AnnotatedDocument

_ENGINE_DATA = Path(reader.__file__).resolve().parent / "core" / "data"


def encode_paragraph(paragraph: AnnotatedParagraph) -> str:
    tokens = [
        [
            t.text,
            t.start,
            t.end,
            t.kind.value,
            t.simplified,
            t.traditional,
            t.pinyin_numbered,
            t.gloss,
        ]
        for t in paragraph.tokens
    ]
    return json.dumps({"index": paragraph.index, "tokens": tokens}, ensure_ascii=False)


def decode_paragraph(line: str, document: Document) -> AnnotatedParagraph:
    data: dict[str, Any] = json.loads(line)
    tokens = tuple(
        Token(text, start, end, TokenKind(kind), simplified, traditional, tuple(pinyin), gloss)
        for text, start, end, kind, simplified, traditional, pinyin, gloss in data["tokens"]
    )
    return AnnotatedParagraph(document.paragraphs[int(data["index"])], tokens)


class FirstScreenPrefetch:
    """Paragraphs annotated ahead of the app; `results()` yields them as they arrive."""

    def __init__(self, annotated: AnnotatedDocument, indices: Sequence[int]) -> None:
        self.document = annotated.document
        self.indices = tuple(indices)
        self._child: int | None = None
        self._thread_results: list[AnnotatedParagraph] = []
        self._thread: threading.Thread | None = None
        self._cache_path = paths.cache_dir() / "first-screen" / f"{self._cache_key()}.jsonl"
        self._cached = self._read_cache()
        if self._cached is not None:
            return
        if hasattr(os, "fork"):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: annotate, write, leave without running any cleanup
                try:
                    os.close(read_end)
                    lines = []
                    with os.fdopen(write_end, "w", encoding="utf-8") as out:
                        for index in self.indices:
                            lines.append(encode_paragraph(annotated[index]) + "\n")
                            out.write(lines[-1])
                            out.flush()
                    atomic_write_text(self._cache_path, "".join(lines))
                finally:
                    os._exit(0)
            os.close(write_end)
            self._child = pid
            self._pipe = os.fdopen(read_end, "r", encoding="utf-8")
        else:  # pragma: no cover - platforms without fork
            self._thread = threading.Thread(
                target=self._annotate_in_thread, args=(annotated,), daemon=True
            )
            self._thread.start()

    def _cache_key(self) -> str:
        """Everything the first screen's annotation depends on."""
        digest = hashlib.sha256(
            f"{reader.__version__}|{self.document.doc_id}|{self.indices}".encode()
        )
        engine_files = [p for p in sorted(_ENGINE_DATA.rglob("*")) if p.is_file()]
        for path in [*engine_files, paths.bundled_cedict()]:
            with contextlib.suppress(OSError):
                stat = path.stat()
                digest.update(f"|{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        with contextlib.suppress(OSError):
            digest.update(paths.user_dictionary_file().read_bytes())
        return digest.hexdigest()[:32]

    def _read_cache(self) -> list[AnnotatedParagraph] | None:
        """The cached first screen, or None when missing or unreadable (then we annotate)."""
        try:
            lines = self._cache_path.read_text(encoding="utf-8").splitlines()
            paragraphs = [decode_paragraph(line, self.document) for line in lines]
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            return None
        if [p.index for p in paragraphs] != list(self.indices):
            return None
        if any("".join(t.text for t in p.tokens) != p.text for p in paragraphs):
            return None  # not this document's text: never show it
        return paragraphs

    def _annotate_in_thread(self, annotated: AnnotatedDocument) -> None:  # pragma: no cover
        for index in self.indices:
            self._thread_results.append(annotated[index])

    def results(self) -> Iterator[AnnotatedParagraph]:
        """Blocks (reading the pipe releases the GIL) until the child has written each one."""
        if self._cached is not None:
            yield from self._cached
            return
        if self._child is None:  # pragma: no cover - the thread fallback
            if self._thread is not None:
                self._thread.join()
            yield from self._thread_results
            return
        try:
            with self._pipe:
                for line in self._pipe:
                    try:
                        yield decode_paragraph(line, self.document)
                    except (ValueError, KeyError, IndexError, TypeError):
                        return  # a broken line: the view annotates the rest itself
        finally:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._child, 0)
