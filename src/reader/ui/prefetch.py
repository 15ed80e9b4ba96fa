"""Annotate the first screen in a forked child process while Textual starts in the parent.

Loading the segmenter, the pinyin model and the dictionary is mostly Python work, so a thread
would compete with Textual's own start-up for the GIL; a child process runs on the other
core instead. `run_app` forks before Textual is imported (no threads exist yet, so forking
is safe); the child annotates a few paragraphs, writes them as JSON lines to a pipe and
exits; the reading view's worker reads them. Where `os.fork` does not exist, a thread does
the same work.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from reader.core.models import AnnotatedParagraph, Document, Token, TokenKind
from reader.core.pipeline import AnnotatedDocument


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
        if hasattr(os, "fork"):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: annotate, write, leave without running any cleanup
                try:
                    os.close(read_end)
                    with os.fdopen(write_end, "w", encoding="utf-8") as out:
                        for index in self.indices:
                            out.write(encode_paragraph(annotated[index]) + "\n")
                            out.flush()
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

    def _annotate_in_thread(self, annotated: AnnotatedDocument) -> None:  # pragma: no cover
        for index in self.indices:
            self._thread_results.append(annotated[index])

    def results(self) -> Iterator[AnnotatedParagraph]:
        """Blocks (reading the pipe releases the GIL) until the child has written each one."""
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
