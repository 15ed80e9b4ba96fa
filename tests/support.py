"""Helpers shared by the tests: where things are, and how to run the real `reader` command."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reader.core.engine.convert import to_simplified
from reader.core.engine.pipeline import Annotator
from reader.core.models import (
    AnnotatedParagraph,
    Paragraph,
    ParagraphKind,
    Script,
    Token,
    TokenKind,
)
from reader.core.text.han import is_han_char

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED = REPO_ROOT / "seeds" / "000_f2ec13676ab21b41.txt"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def load_script(relative: str) -> Any:
    """Import a script of benchmarks/ or tools/ (not a package) as a module."""
    path = REPO_ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def reader_command() -> list[str]:
    """The real installed `reader` console script (next to this Python)."""
    candidate = Path(sys.executable).parent / "reader"
    if candidate.exists():
        return [str(candidate)]
    found = shutil.which("reader")
    if found:
        return [found]
    return [sys.executable, "-m", "reader"]


def subprocess_env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["READER_HOME"] = str(home)
    env.update(extra)
    return env


class LexiconAnnotator(Annotator):
    """A stand-in annotator for UI tests: greedy longest match over a small lexicon
    (word -> "pin1 yin1"), so pictures and positions do not move when the real segmenter or
    pinyin model improves. Words longer than `longest` are never formed."""

    def __init__(
        self, lexicon: dict[str, str], longest: int = 3, glosses: dict[str, str] | None = None
    ) -> None:
        """`glosses`: word -> the one-line gloss its tokens carry (none by default)."""
        super().__init__()
        self.lexicon = lexicon
        self.longest = longest
        self.glosses = glosses or {}

    def warm_up(self) -> None:
        """Nothing to load: the lexicon is in memory."""

    def annotate_many(
        self, paragraphs: Sequence[Paragraph], script: Script
    ) -> list[AnnotatedParagraph]:
        """The store's batched path reads by the lexicon too."""
        return [self.annotate_paragraph(paragraph, script) for paragraph in paragraphs]

    def annotate_paragraph(self, paragraph: Paragraph, script: Script) -> AnnotatedParagraph:
        text = paragraph.text
        simplified = to_simplified(text)
        tokens: list[Token] = []
        position = 0
        while position < len(text):
            if is_han_char(text[position]):
                length = next(
                    n
                    for n in range(self.longest, 0, -1)
                    if text[position : position + n] in self.lexicon or n == 1
                )
                end = position + length
                word = text[position:end]
                pinyin = tuple(self.lexicon.get(word, "").split()) or ("",) * length
                tokens.append(
                    Token(
                        word,
                        position,
                        end,
                        TokenKind.HAN,
                        simplified[position:end],
                        word,
                        pinyin,
                        self.glosses.get(word),
                    )
                )
            else:
                match = _NON_HAN.match(text, position)
                assert match is not None
                end = match.end()
                kind = TokenKind.SPACE if match.group().isspace() else TokenKind.PUNCT
                tokens.append(
                    Token(match.group(), position, end, kind, match.group(), match.group())
                )
            position = end
        return AnnotatedParagraph(paragraph, tuple(tokens))


_NON_HAN = re.compile(r"\s+|.", re.DOTALL)


def annotate_sentence(annotator: Annotator, text: str) -> AnnotatedParagraph:
    """A sentence through an annotator as one paragraph, in the script it is written in."""
    script = Script.SIMPLIFIED if to_simplified(text) == text else Script.TRADITIONAL
    return annotator.annotate_paragraph(Paragraph(0, ParagraphKind.PARAGRAPH, text), script)
