"""Splitting a word into dictionary words: the one place for it.

- `best_split`: where the learner's `x` cuts a word in two;
- `fewest_pieces` / `dictionary_parts`: a word as the fewest dictionary words, which is how a
  word without an entry is broken down (`Dictionary.lookup`) and how the gloss panel shows
  the parts of a compound (中華人民共和國 → 中華人民 · 共和國).

The lexicon's own cuts of words CC-CEDICT lacks are made when the data is built
(`tools/build_segmentation_model.py`, the fewest pieces too, ties broken by the lattice's
scores).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

LONGEST_PART = 8  # characters: a part of a compound longer than this is never looked for


def best_split(word: str, is_word: Callable[[str], bool]) -> list[str]:
    """Where to split a word in two: both halves dictionary words if possible, then the most
    balanced cut; a two-character word splits into its characters."""
    if len(word) <= 2:
        return list(word)
    cuts = range(1, len(word))

    def score(cut: int) -> tuple[int, int]:
        known = sum(1 for part in (word[:cut], word[cut:]) if len(part) == 1 or is_word(part))
        return known, -abs(len(word) - 2 * cut)

    cut = max(cuts, key=score)
    return [word[:cut], word[cut:]]


def fewest_pieces(length: int, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """[0, length) cut into the fewest pieces, each one of `spans` ([start, end)) or a single
    position; among equally few, the longer first piece (then the longer next, and so on)."""
    ends_from: dict[int, list[int]] = {}
    for start, end in spans:
        ends_from.setdefault(start, []).append(end)
    # best[start] = (pieces needed for [start, length), end of the first of them)
    best: list[tuple[int, int]] = [(0, length)] * (length + 1)
    for start in range(length - 1, -1, -1):
        choices = sorted({start + 1, *ends_from.get(start, ())}, reverse=True)
        # Longest first, so among equally few pieces the longer first piece wins.
        best[start] = min(((1 + best[end][0], end) for end in choices), key=lambda c: c[0])
    pieces: list[tuple[int, int]] = []
    position = 0
    while position < length:
        pieces.append((position, best[position][1]))
        position = best[position][1]
    return pieces


def dictionary_parts(word: str, is_word: Callable[[str], bool]) -> list[str]:
    """`word` as the fewest dictionary words (single characters always count), never the
    word itself: 中美關係 → 中美 · 關係; a two-character word gives its characters."""
    length = len(word)
    spans = [
        (start, end)
        for start in range(length)
        for end in range(start + 2, min(length, start + LONGEST_PART) + 1)
        if (start, end) != (0, length) and is_word(word[start:end])
    ]
    return [word[start:end] for start, end in fewest_pieces(length, spans)]
