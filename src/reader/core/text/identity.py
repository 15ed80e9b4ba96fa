"""What identifies a document: its id (the hash of its normalised text, so the same content
opened from another path, in another encoding or split another way is the same document)
and the title shown for it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from reader.core.models import Paragraph, ParagraphKind
from reader.core.text.decode import STDIN_SOURCE, normalise_text


def document_id(text: str) -> str:
    """Stable id of a text's content: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


_TITLE_CHARS = 20


def document_title(paragraphs: tuple[Paragraph, ...], source: str) -> str:
    for paragraph in paragraphs:
        if paragraph.kind is ParagraphKind.HEADING:
            return paragraph.text
    for paragraph in paragraphs:
        text = " ".join(paragraph.text.split())
        if text:
            return text if len(text) <= _TITLE_CHARS else text[:_TITLE_CHARS] + "…"
    if source == STDIN_SOURCE:
        return "stdin"
    return Path(source).name or source
