"""Simplified/Traditional conversion through the official OpenCC binding, character-aligned.

OpenCC converts phrase by phrase, so a phrase may change length (e.g. Taiwan phrase
configs rewrite whole words). Tokens are spans over the original text, so the app needs
conversions where character i of the result belongs to character i of the input:
`to_simplified` and `to_traditional` guarantee that, falling back to character-by-character
conversion for any stretch whose phrase conversion changed length.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

import opencc

from reader.core.errors import ReaderError

CONFIGS: tuple[str, ...] = (
    "hk2s",
    "t2s",
    "s2t",
    "s2hk",
    "s2tw",
    "tw2s",
    "t2hk",
    "t2tw",
    "hk2t",
    "tw2t",
    "s2twp",
    "tw2sp",
    "hk2sp",
    "s2hkp",
    "jp2t",
    "t2jp",
)

# One converter per (thread, config), the one cache of them in the app (script detection and
# the dictionary's variant table use it too): the C++ converter is cheap to build (~ms, s2hk's
# phrase table ~0.1 s) and per-thread instances avoid relying on undocumented thread-safety
# of the binding.
_local = threading.local()

# Conversion never crosses a line, punctuation or a space in practice, so stretches
# without those are the units re-checked for alignment.
_STRETCH = re.compile(r"[^\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20,.;:!?()\"'\-]+")


def converter(config: str) -> opencc.OpenCC:
    """This thread's OpenCC converter for `config` (one of CONFIGS), made on first use."""
    cache: dict[str, opencc.OpenCC] | None = getattr(_local, "converters", None)
    if cache is None:
        cache = {}
        _local.converters = cache
    made = cache.get(config)
    if made is None:
        if config not in CONFIGS:
            raise ReaderError(
                f"unknown conversion config {config!r}; valid configs: {', '.join(CONFIGS)}"
            )
        made = opencc.OpenCC(f"{config}.json")
        cache[config] = made
    return made


def convert_text(text: str, config: str = "hk2s") -> str:
    """Convert `text` with an OpenCC config, line for line (the result has as many lines)."""
    opencc_converter = converter(config)
    lines = text.split("\n")
    return "\n".join(_convert_line(opencc_converter, line) for line in lines)


def _convert_line(converter: opencc.OpenCC, line: str) -> str:
    if not line:
        return line
    if "\x00" in line:
        # OpenCC's C API stops at NUL: convert the pieces between them.
        return "\x00".join(_convert_line(converter, piece) for piece in line.split("\x00"))
    converted: str = converter.convert(line)
    return converted


def convert_aligned(text: str, config: str) -> str:
    """Convert so that the result has the same length as `text`, character i for character i.

    Phrase conversion is kept wherever it preserves length; a stretch whose conversion
    changes length is converted one character at a time instead (and any single
    character whose conversion is not one character is kept as it is).
    """
    if not text:
        return text
    opencc_converter = converter(config)
    whole: str = opencc_converter.convert(text)
    if len(whole) == len(text):
        return whole
    pieces: list[str] = []
    position = 0
    for match in _STRETCH.finditer(text):
        pieces.append(text[position : match.start()])
        stretch = match.group()
        converted: str = opencc_converter.convert(stretch)
        if len(converted) != len(stretch):
            converted = "".join(_convert_char(opencc_converter, char) for char in stretch)
        pieces.append(converted)
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _convert_char(converter: opencc.OpenCC, char: str) -> str:
    converted: str = converter.convert(char)
    return converted if len(converted) == 1 else char


def convert_each(characters: Sequence[str], config: str) -> list[str] | None:
    """Each character converted on its own (one per line, so OpenCC's phrase tables never see
    two together); None in the unlikely case OpenCC did not keep one line per character."""
    converted: list[str] = converter(config).convert("\n".join(characters)).split("\n")
    return converted if len(converted) == len(characters) else None


def to_simplified(text: str) -> str:
    """Hong Kong/Traditional → Simplified (OpenCC hk2s), character-aligned with `text`."""
    return convert_aligned(text, "hk2s")


def to_traditional(text: str) -> str:
    """Simplified → Hong Kong Traditional (OpenCC s2hk), character-aligned with `text`."""
    return convert_aligned(text, "s2hk")
