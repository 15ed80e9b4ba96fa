"""Word segmentation as spans over the ORIGINAL text.

The Han stretches are segmented in their Simplified form (`to_simplified`, character-aligned),
because the segmenter's word statistics are Simplified: on Traditional text it splits
中美關/係 and 外交部/長. Spans found on the Simplified text are valid on the original text
because both have the same length. Everything else (numbers, Latin words, punctuation,
spaces, emoji) is classified by character class, so the spans cover every character.

The learner's fixes (`UserDictionary`) are applied after the base segmentation.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reader import paths
from reader.core.convert import to_simplified
from reader.core.models import TokenKind

Span = tuple[int, int, TokenKind]

# --- character classes -------------------------------------------------------------------

# CJK Unified Ideographs (base, Ext A–I), compatibility ideographs (and supplement), 〇.
_HAN_RANGES = (
    "\u3007"
    "\u3400-\u4dbf"
    "\u4e00-\u9fff"
    "\uf900-\ufaff"
    "\U00020000-\U000323af"  # Ext B–H and the compatibility supplement (2F800–2FA1F)
)
_HAN_CLASS = f"[{_HAN_RANGES}]"
_HAN_CHAR = re.compile(_HAN_CLASS)


def is_han_char(ch: str) -> bool:
    """True for one Han character (any CJK ideograph block, compatibility ideographs, 〇)."""
    return len(ch) == 1 and _HAN_CHAR.match(ch) is not None


_DIGIT = "[0-9\uff10-\uff19]"
_LETTER = (
    "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"
    "\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]"
)
_MARK = "[\u0300-\u036f]"
_TOKEN_PATTERN = re.compile(
    rf"(?P<han>{_HAN_CLASS}+)"
    # 2,200 and 22.5: a comma only before exactly three digits, a point only before digits.
    rf"|(?P<number>{_DIGIT}+(?:,{_DIGIT}{{3}}(?!{_DIGIT})|[.\uff0e]{_DIGIT}+)*)"
    rf"|(?P<latin>{_LETTER}(?:{_LETTER}|{_MARK}|['’\-](?={_LETTER}))*)"
    r"|(?P<space>\s+)"
    r"|(?P<run>([…⋯—－\-~～.·])\6+)"  # …… —— stay one token
    r"|(?P<char>.)",
    re.DOTALL,
)


def _is_emoji_like(ch: str) -> bool:
    code = ord(ch)
    return (
        code >= 0x1F000
        or 0x2600 <= code <= 0x27BF
        or code in (0x200D, 0xFE0F, 0xFE0E)
        or 0x1F3FB <= code <= 0x1F3FF
    )


@lru_cache(maxsize=4096)
def _char_kind(ch: str) -> TokenKind:
    category = unicodedata.category(ch)
    if _is_emoji_like(ch):
        return TokenKind.OTHER
    if category[0] in "PS":
        return TokenKind.PUNCT
    return TokenKind.OTHER


# --- user dictionary ---------------------------------------------------------------------

_USER_DICTIONARY_HEADER = """\
# reader user dictionary: your segmentation fixes, one rule per line.
#   join WORD            always keep WORD as one token
#   split WORD PART ...  always split WORD into these parts (they must spell WORD)
# Words match in their original or Simplified form. Lines starting with # are comments.
"""


class UserDictionary:
    """The learner's segmentation fixes, stored as a small human-readable text file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._joins: dict[str, None] = {}  # dicts keep insertion order for a stable file
        self._splits: dict[str, tuple[str, ...]] = {}
        self.ignored_lines = 0

    @classmethod
    def load(cls, path: Path | None = None) -> UserDictionary:
        """Read the file (default: the data dir's); a missing file is an empty dictionary.

        Lines that are not a valid rule are skipped and counted in `ignored_lines`.
        """
        dictionary = cls(path if path is not None else paths.user_dictionary_file())
        assert dictionary.path is not None
        try:
            text = dictionary.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return dictionary
        except (OSError, UnicodeDecodeError):
            dictionary.ignored_lines += 1
            return dictionary
        for line in text.splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if not dictionary._parse_rule(stripped.split()):
                dictionary.ignored_lines += 1
        return dictionary

    def _parse_rule(self, fields: list[str]) -> bool:
        command, arguments = fields[0].lower(), fields[1:]
        try:
            if command == "join" and len(arguments) == 1:
                self.add_join(arguments[0])
            elif command == "split" and len(arguments) >= 3:
                self.add_split(arguments[0], arguments[1:])
            else:
                return False
        except ValueError:
            return False
        return True

    @property
    def joins(self) -> tuple[str, ...]:
        return tuple(self._joins)

    @property
    def splits(self) -> dict[str, tuple[str, ...]]:
        return dict(self._splits)

    def add_join(self, word: str) -> None:
        """Always keep `word` as one token (replaces a split rule for the same word)."""
        word = word.strip()
        if len(word) < 2 or any(ch.isspace() for ch in word):
            raise ValueError(f"cannot join {word!r}: need two or more non-space characters")
        self._splits.pop(word, None)
        self._joins[word] = None

    def add_split(self, word: str, parts: Sequence[str]) -> None:
        """Always split `word` into `parts` (replaces a join rule for the same word)."""
        word = word.strip()
        clean_parts = tuple(part for part in parts if part)
        if len(clean_parts) < 2 or "".join(clean_parts) != word:
            raise ValueError(f"cannot split {word!r} into {list(parts)!r}: parts must spell it")
        if any(ch.isspace() for ch in word):
            raise ValueError(f"cannot split {word!r}: words have no spaces")
        self._joins.pop(word, None)
        self._splits[word] = clean_parts

    def remove(self, word: str) -> None:
        """Forget any rule for `word` (no error if there is none)."""
        self._joins.pop(word, None)
        self._splits.pop(word, None)

    def save(self) -> None:
        """Write the file atomically (temp file + os.replace)."""
        path = self.path if self.path is not None else paths.user_dictionary_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [_USER_DICTIONARY_HEADER]
        lines.extend(f"join {word}\n" for word in self._joins)
        lines.extend(f"split {word} {' '.join(parts)}\n" for word, parts in self._splits.items())
        descriptor, temp_name = tempfile.mkstemp(prefix=".user_words.", dir=path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
                handle.writelines(lines)
            os.replace(temp_name, path)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def __bool__(self) -> bool:
        return bool(self._joins or self._splits)


# --- Han segmentation engines --------------------------------------------------------------


def _rjieba_engine() -> tuple[Callable[[str], list[str]], Callable[[str], bool]]:
    import rjieba

    jieba = rjieba.Jieba()

    def cut(text: str) -> list[str]:
        words: list[str] = jieba.cut(text, hmm=True)
        return words

    return cut, jieba.has_word


# --- the segmenter ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rules:
    """User rules compiled for matching: every word under its original and Simplified key."""

    joins: frozenset[str]
    longest_join: int
    splits: dict[str, tuple[str, ...]]


class Segmenter:
    """Splits text into word spans: `segment(original, simplified)` → [(start, end, kind)]."""

    def __init__(self, user_dictionary: UserDictionary | None = None) -> None:
        self._cut, self._has_word = _rjieba_engine()
        self._user_dictionary = user_dictionary
        self._rules = self._compile_rules(user_dictionary)

    @staticmethod
    def _compile_rules(user_dictionary: UserDictionary | None) -> _Rules:
        if not user_dictionary:
            return _Rules(frozenset(), 0, {})
        joins: set[str] = set()
        for word in user_dictionary.joins:
            joins.update((word, to_simplified(word)))
        splits: dict[str, tuple[str, ...]] = {}
        for word, parts in user_dictionary.splits.items():
            splits[word] = parts
            simplified = to_simplified(word)
            splits.setdefault(simplified, tuple(_cut_like(simplified, parts)))
        return _Rules(frozenset(joins), max((len(w) for w in joins), default=0), splits)

    def reload_user_dictionary(self) -> None:
        """Re-read the user dictionary from its file (after the learner edited it)."""
        path = self._user_dictionary.path if self._user_dictionary is not None else None
        self._user_dictionary = UserDictionary.load(path)
        self._rules = self._compile_rules(self._user_dictionary)

    def knows_word(self, word: str) -> bool:
        """True when `word` (either script) is in the segmenter's word list."""
        return bool(self._has_word(to_simplified(word)))

    @property
    def user_dictionary(self) -> UserDictionary | None:
        return self._user_dictionary

    def segment(self, original: str, simplified: str | None = None) -> list[Span]:
        """Spans [start, end) covering all of `original`, in order, with their kind.

        `simplified` is `to_simplified(original)` (same length); Han words are found on it.
        """
        if simplified is None or len(simplified) != len(original):
            simplified = to_simplified(original)
            if len(simplified) != len(original):  # cannot happen with convert_aligned
                simplified = original
        spans: list[Span] = []
        for match in _TOKEN_PATTERN.finditer(original):
            group = match.lastgroup
            start, end = match.span()
            if group == "han":
                position = start
                for word in self._cut(simplified[start:end]):
                    spans.append((position, position + len(word), TokenKind.HAN))
                    position += len(word)
            elif group == "number":
                spans.append((start, end, TokenKind.NUMBER))
            elif group == "latin":
                spans.append((start, end, TokenKind.LATIN))
            elif group == "space":
                spans.append((start, end, TokenKind.SPACE))
            elif group == "run":
                spans.append((start, end, TokenKind.PUNCT))
            else:
                kind = _char_kind(original[start])
                if kind is TokenKind.OTHER and spans and spans[-1][2] is TokenKind.OTHER:
                    spans[-1] = (spans[-1][0], end, kind)  # emoji sequences stay together
                else:
                    spans.append((start, end, kind))
        if self._rules.joins or self._rules.splits:
            spans = self._apply_rules(original, simplified, spans)
        return spans

    def _apply_rules(self, original: str, simplified: str, spans: list[Span]) -> list[Span]:
        rules = self._rules
        if rules.joins:
            spans = _apply_joins(original, simplified, spans, rules)
        if rules.splits:
            result: list[Span] = []
            for start, end, kind in spans:
                parts = rules.splits.get(original[start:end]) or rules.splits.get(
                    simplified[start:end]
                )
                if parts is None:
                    result.append((start, end, kind))
                    continue
                position = start
                for part in parts:
                    result.append(
                        (
                            position,
                            position + len(part),
                            _kind_of(original, position, position + len(part), kind),
                        )
                    )
                    position += len(part)
            spans = result
        return spans


def _cut_like(text: str, parts: Iterable[str]) -> list[str]:
    """Cut `text` at the same lengths as `parts`."""
    pieces: list[str] = []
    position = 0
    for part in parts:
        pieces.append(text[position : position + len(part)])
        position += len(part)
    return pieces


def _kind_of(original: str, start: int, end: int, fallback: TokenKind) -> TokenKind:
    if any(is_han_char(ch) for ch in original[start:end]):
        return TokenKind.HAN
    return fallback


def _apply_joins(original: str, simplified: str, spans: list[Span], rules: _Rules) -> list[Span]:
    """Make every occurrence of a join word one token, leftmost-longest, non-overlapping.

    Tokens cut by an occurrence's edge keep their remaining characters as their own tokens,
    so no character is lost or duplicated.
    """
    occurrences: list[tuple[int, int]] = []
    position = 0
    length = len(original)
    while position < length:
        found = 0
        for size in range(min(rules.longest_join, length - position), 1, -1):
            end = position + size
            if original[position:end] in rules.joins or simplified[position:end] in rules.joins:
                found = size
                break
        if found:
            occurrences.append((position, position + found))
            position += found
        else:
            position += 1
    if not occurrences:
        return spans
    boundaries = {start for start, _, _ in spans} | {length}
    kinds = {start: kind for start, _, kind in spans}
    for start, end in occurrences:
        boundaries -= set(range(start + 1, end))
        boundaries |= {start, end}
    ordered = sorted(boundaries)
    result: list[Span] = []
    last_kind = TokenKind.OTHER
    for start, end in itertools.pairwise(ordered):
        last_kind = kinds.get(start, last_kind)
        result.append((start, end, _kind_of(original, start, end, last_kind)))
    return result


_default_segmenter: Segmenter | None = None
_default_lock = threading.Lock()


def default_segmenter() -> Segmenter:
    """The shared segmenter with the learner's user dictionary, built on first use."""
    global _default_segmenter
    with _default_lock:
        if _default_segmenter is None:
            _default_segmenter = Segmenter(UserDictionary.load())
        return _default_segmenter


def segment(original: str, simplified: str | None = None) -> list[Span]:
    """Segment with the default segmenter (see `Segmenter.segment`)."""
    return default_segmenter().segment(original, simplified)
