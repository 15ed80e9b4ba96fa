"""Display transforms of a paragraph's readings: full tones, and tone changes as spoken.

The annotation is one thing: each token carries its standard (mainland) reading, neutral tones
included, and, where they differ, its full tones (`Token.full_tones`). What a learner chooses
to see is worked out from those at display time, so switching either option never annotates
again and every cache of annotations stays valid:

- **full tones** (Taiwan-style citation): péngyǒu, dōngxī, rènshì for péngyou, dōngxi, rènshi;
  particles with no tone of their own (了 的 嗎 吧 呢 着) stay neutral.
- **tone changes** (sandhi), as a learner hears them: 不 before a fourth tone is bú (不是
  búshì, 不對 búduì); 一 is yí before a fourth tone and yì before the others (一個 yígè, 一起
  yìqǐ, 一天 yìtiān), but stays yī when counted or ordinal (第一, 十一, 一月, 一九九七) and at the
  end of a word (統一); of two third tones in one word the first is said as a second (你好
  níhǎo, 展覽館 zhánlǎnguǎn). 一 and 不 look across word boundaries (一/個, 不/去); a third tone
  only inside its word, since across words it depends on phrasing.

Numbered syllables in, numbered syllables out; only the standard library and the syllables
module are imported, so the reading screen can use it without loading the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from reader.core.engine.syllables import split_numbered
from reader.core.models import Token

# After or before one of these, 一 is a number being counted or an ordinal (十一, 一二三, 第一).
_NUMERALS = frozenset("〇零一二三四五六七八九十百千万萬亿億两兩0123456789０１２３４５６７８９")
# After 一, these make a date or a number (一月 January, 一號 the first), not a count.
_DATE_AFTER_YI = frozenset("月号號日")


def shown_readings(
    tokens: Sequence[Token], *, full_tones: bool = False, tone_changes: bool = False
) -> list[tuple[str, ...]]:
    """The numbered syllables each token shows (an empty tuple for a non-Han token): its
    standard reading, or its full tones, with the tone changes applied if asked for."""
    chosen = [
        (token.full_tones or token.pinyin_numbered) if full_tones else token.pinyin_numbered
        for token in tokens
    ]
    if not tone_changes:
        return [tuple(syllables) for syllables in chosen]
    return _with_tone_changes(tokens, chosen)


def _with_tone_changes(
    tokens: Sequence[Token], chosen: Sequence[tuple[str, ...]]
) -> list[tuple[str, ...]]:
    shown = [list(syllables) for syllables in chosen]
    for token_index, token in enumerate(tokens):
        syllables = shown[token_index]
        if not token.is_han or len(syllables) != len(token.text):
            continue
        for offset, syllable in enumerate(syllables):
            following = _following(tokens, chosen, token_index, offset)
            if following is not None:
                spoken = _spoken(token, offset, syllable, following)
                if spoken is not None:
                    syllables[offset] = spoken
    return [tuple(syllables) for syllables in shown]


class _Next(NamedTuple):
    """The syllable after one being said: its character, tone (the full tone under a
    neutral one), whether it is neutral, and whether it is in the same word."""

    char: str
    tone: int
    neutral: bool
    same_word: bool


def _following(
    tokens: Sequence[Token], chosen: Sequence[tuple[str, ...]], token_index: int, offset: int
) -> _Next | None:
    """The next syllable, in this word or the next one (None after anything but a Han word)."""
    token = tokens[token_index]
    index, position, same_word = token_index, offset + 1, True
    if position >= len(chosen[token_index]):
        index, position, same_word = token_index + 1, 0, False
        if index >= len(tokens) or not tokens[index].is_han:
            return None
        token = tokens[index]
    syllables = chosen[index]
    if len(syllables) != len(token.text):
        return None
    said = split_numbered(syllables[position])
    full = split_numbered((token.full_tones or token.pinyin_numbered)[position])
    if said is None or full is None:
        return None
    tone = full[1] if said[1] == 5 else said[1]
    return _Next(token.simplified[position], tone, said[1] == 5, same_word)


def _spoken(token: Token, offset: int, syllable: str, following: _Next) -> str | None:
    """The syllable as said before `following`, or None when it does not change."""
    parts = split_numbered(syllable)
    if parts is None:
        return None
    letters, tone = parts
    char = token.simplified[offset]
    if char == "不" and letters == "bu" and tone == 4:
        return _retoned(syllable, 2) if following.tone == 4 else None
    if char == "一" and letters == "yi" and tone == 1:
        if _counted_yi(token, offset, following.char) or following.tone == 5:
            return None
        return _retoned(syllable, 2 if following.tone == 4 else 4)
    # Two third tones in a word: the first rises; also before a neutral tone that is a third
    # tone underneath (小姐 xiáojie, 哪裡 náli), but not in a doubled word (姐姐, 奶奶).
    doubled = following.neutral and following.char == char
    if tone == 3 and following.same_word and following.tone == 3 and not doubled:
        return _retoned(syllable, 2)
    return None


def _counted_yi(token: Token, offset: int, next_char: str) -> bool:
    text = token.simplified
    before = text[offset - 1 : offset]
    last_of_word = offset == len(text) - 1 and len(text) > 1
    return (
        last_of_word
        or before == "第"
        or before in _NUMERALS
        or next_char in _NUMERALS
        or next_char in _DATE_AFTER_YI
    )


def _retoned(syllable: str, tone: int) -> str:
    return syllable[:-1] + str(tone)
