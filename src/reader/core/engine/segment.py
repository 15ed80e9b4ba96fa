"""Word segmentation as spans over the ORIGINAL text.

The Han stretches are segmented in their Simplified form (`to_simplified`, character-aligned),
because the segmenter's word statistics are Simplified: on Traditional text it splits
中美關/係 and 外交部/長. Spans found on the Simplified text are valid on the original text
because both have the same length. Everything else (numbers, Latin words, punctuation,
spaces, emoji) is classified by character class, so the spans cover every character.

The tokens are the words a learner looks up (issue 11): CC-CEDICT entries in either script,
HSK words and names stay whole (因此, 委员会, 一会儿), compositional strings are split (两/个,
他/的/书, 人口/密度). The model learned that convention from treebank text converted to it
(tools/build_segmentation_model.py). Lexicon words no learner list has (jieba's 更好, 最大)
are shown as the CC-CEDICT words that spell them (`HanLattice.dictionary_split`), names and
numbers excepted, so the learner can look every piece up. The learner's fixes
(`UserDictionary`) are applied after the base segmentation and win over that.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from reader.core.dictionary.sense_rules import ABBREVIATED_NAMES
from reader.core.engine.convert import to_simplified
from reader.core.engine.lattice import HanLattice, shared_lattice
from reader.core.engine.scanning import AMOUNT, TOKEN_PATTERN, char_kind
from reader.core.engine.user_dictionary import UserDictionary
from reader.core.models import TokenKind
from reader.core.text.han import is_han_char

if TYPE_CHECKING:
    from reader.core.dictionary.cedict import Dictionary

Span = tuple[int, int, TokenKind]

# Classes (the lattice's) of the characters that count with a measure word: 一家, 这面.
# Conjunctions and prepositions before a place + 方 (和|美方, 对|美方), Simplified.
_LINKING_CHARACTERS = frozenset("和与及同跟对向由在让被把给为")
_COUNTING_CLASSES = frozenset(("NUM", "DEM"))


@dataclass(frozen=True, slots=True)
class _Rules:
    """User rules compiled for matching: every word under its original and Simplified key."""

    joins: frozenset[str]
    longest_join: int
    splits: dict[str, tuple[str, ...]]


class Segmenter:
    """Splits text into word spans: `segment(original, simplified)` → [(start, end, kind)]."""

    def __init__(
        self,
        user_dictionary: UserDictionary | None = None,
        lattice: HanLattice | None = None,
        dictionary: Dictionary | None = None,
    ) -> None:
        # `lattice`: another compiled model (the model builder evaluates candidates with it).
        self._lattice = lattice if lattice is not None else shared_lattice()
        # CC-CEDICT, for the measure words a noun takes (`_counted_apart`); loaded when needed.
        self._dictionary = dictionary
        self._user_dictionary = user_dictionary
        self._rules = self._compile_rules(user_dictionary)
        # Short Han runs (names, set phrases) recur all through a text.
        self._cut = lru_cache(maxsize=16384)(self._cut_words)

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

    def reload_user_dictionary(self, user_dictionary: UserDictionary | None = None) -> None:
        """Use `user_dictionary` (one the learner just changed), or re-read the file (after
        the learner edited it). A segmenter made without one reads the data dir's file."""
        if user_dictionary is None:
            current = self._user_dictionary
            path = current.path if current is not None and not current.default_location else None
            user_dictionary = UserDictionary.load(path)
        self._user_dictionary = user_dictionary
        self._rules = self._compile_rules(user_dictionary)
        self._cut.cache_clear()  # cached cuts depend on the split rules

    def _cut_words(self, text: str) -> list[str]:
        """The lattice's words, each lexicon word CC-CEDICT lacks cut into CC-CEDICT words
        (so the learner can look every piece up) unless the learner has a split rule for it
        (theirs wins; join rules are applied after and win anyway)."""
        lattice = self._lattice
        splits = self._rules.splits
        words: list[str] = []
        for word in lattice.cut(text):
            parts = None if word in splits else lattice.dictionary_split(word)
            if parts is None:
                words.append(word)
            else:
                words.extend(parts)
        return self._counted_apart(words)

    def _counted_apart(self, words: list[str]) -> list[str]:
        """Join a place's one-character name and 方 "side" (美方, 欧方), and split a numeral
        or demonstrative + measure word (一家, 一面) before a noun that this measure word
        counts (CC-CEDICT's `CL:` of the noun: 饭馆 CL:家, 镜子 CL:面).

        There the pair is a composition, glossed by its parts (一|家|饭馆 "classifier for
        businesses", not 一家 "the whole family"; 一|面|镜子, not "one side"). Pairs whose
        CC-CEDICT reading has the measure word neutral (一个 yī ge, 这个 zhè ge, 那个) are the
        determiners a learner is taught as words and stay whole.
        """
        classes = self._lattice.classes
        result: list[str] = []
        for index, word in enumerate(words):
            if (
                len(word) == 2
                and classes.get(word[0]) in _COUNTING_CLASSES
                and index + 1 < len(words)
                and self._counts(word, words[index + 1])
            ):
                result.extend(word)
            elif word == "方" and result and result[-1] in ABBREVIATED_NAMES:
                # 美方, 欧方 "the American/European side" are one word, as CC-CEDICT's 中方
                # and 日方 are (a learner reads Ōufāng, not ōu "ohm" + fāng).
                result[-1] += word
            elif (
                word == "方"
                and result
                and len(result[-1]) == 2
                and result[-1][0] in _LINKING_CHARACTERS
                and result[-1][1] in ABBREVIATED_NAMES
            ):
                # 中方和美方, 对美方: the side after "and", "towards" (not 和美 "harmonious").
                previous = result.pop()
                result.extend((previous[0], previous[1] + word))
            else:
                result.append(word)
        return result

    def _counts(self, pair: str, noun: str) -> bool:
        """Whether `pair` (numeral + measure word) counts `noun` as a composition."""
        from reader.core.dictionary.markup import measure_words

        dictionary = self._cedict()
        if any(entry.pinyin.endswith("5") for entry in dictionary.entries(pair)):
            return False
        counted_by = measure_words(
            definition for entry in dictionary.entries(noun) for definition in entry.definitions
        )
        return pair[1] in counted_by

    def knows_word(self, word: str) -> bool:
        """True when `word` (either script) is in the segmenter's word list."""
        return self._lattice.knows(to_simplified(word))

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
        for match in TOKEN_PATTERN.finditer(original):
            group = match.lastgroup
            start, end = match.span()
            if group == "han":
                position = start
                for word in self._cut(simplified[start:end]):
                    spans.append((position, position + len(word), TokenKind.HAN))
                    position += len(word)
            elif group == "latin":
                amount = AMOUNT.fullmatch(original, start, end) is not None
                spans.append((start, end, TokenKind.NUMBER if amount else TokenKind.LATIN))
            elif group in ("url", "email"):
                spans.append((start, end, TokenKind.LATIN))
            elif group == "space":
                spans.append((start, end, TokenKind.SPACE))
            elif group == "run":
                spans.append((start, end, TokenKind.PUNCT))
            else:
                kind = char_kind(original[start])
                if kind is TokenKind.OTHER and spans and spans[-1][2] is TokenKind.OTHER:
                    spans[-1] = (spans[-1][0], end, kind)  # emoji sequences stay together
                else:
                    spans.append((start, end, kind))
        if any(kind is TokenKind.LATIN for _, _, kind in spans):
            spans = self._mixed_words(original, spans)
        if self._rules.joins or self._rules.splits:
            spans = self._apply_rules(original, simplified, spans)
        return spans

    def _mixed_words(self, original: str, spans: list[Span]) -> list[Span]:
        """Join a Latin word and the Han word(s) right beside it where CC-CEDICT lists the
        whole (T恤, 卡拉OK, 哆啦A夢): one token, glossed as one word."""
        result = list(spans)
        index = 0
        while index < len(result):
            if result[index][2] is not TokenKind.LATIN:
                index += 1
                continue
            first = index - 1 if index and result[index - 1][2] is TokenKind.HAN else index
            last = (
                index + 1
                if index + 1 < len(result) and result[index + 1][2] is TokenKind.HAN
                else index
            )
            for low, high in ((first, last), (first, index), (index, last)):
                if low == high:
                    continue
                start, end = result[low][0], result[high][1]
                if self._dictionary_has(original[start:end]):
                    result[low : high + 1] = [(start, end, TokenKind.HAN)]
                    index = low
                    break
            index += 1
        return result

    def _dictionary_has(self, word: str) -> bool:
        return bool(self._cedict().entries(word))

    def _cedict(self) -> Dictionary:
        if self._dictionary is None:
            from reader.core.dictionary.cedict import default_dictionary

            self._dictionary = default_dictionary()
        return self._dictionary

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
