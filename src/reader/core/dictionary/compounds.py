"""Splitting a word into dictionary words: where the learner's `x` cuts it."""

from __future__ import annotations

from collections.abc import Callable


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
