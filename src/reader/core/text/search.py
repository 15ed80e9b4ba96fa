"""Finding text in a document: by Traditional or Simplified characters, or by toneless pinyin.

Pure functions (no Textual), so they are tested without a terminal. Pinyin matches whole
syllables ("guanxi" and "guan" find 關係, "uanxi" does not, "zhe" finds 這 but not 正
zheng); tones given as numbers or marks must agree ("zhe4" finds 這 zhè, not 着 zhe).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reader.core.engine.syllables import split_numbered, tone_mark_position, toneless
from reader.core.models import AnnotatedParagraph, Paragraph

if TYPE_CHECKING:
    from reader.core.dictionary.search import PinyinQuery

_PINYIN_QUERY = re.compile(r"^[a-zü:' 0-9\u0300-\u036f]+$")


@dataclass(frozen=True, slots=True, order=True)
class SearchHit:
    paragraph: int
    offset: int  # character offset of the match in the paragraph's original text


def is_pinyin_query(query: str) -> bool:
    decomposed = unicodedata.normalize("NFD", query.strip().lower())
    return bool(decomposed) and _PINYIN_QUERY.match(decomposed) is not None


def find_hits(
    query: str,
    paragraphs: Sequence[Paragraph],
    annotated: Callable[[int], AnnotatedParagraph | None],
    to_simplified: Callable[[str], str] | None = None,
) -> list[SearchHit]:
    """Every place the query occurs, in reading order.

    `annotated(i)` gives paragraph i's tokens when known: pinyin and Simplified matching
    need them; characters in the original text are always searched.
    """
    query = query.strip()
    if not query:
        return []
    hits: set[SearchHit] = set()
    if is_pinyin_query(query):
        # The dictionary's query parser: not imported before the reading screen's first paint.
        from reader.core.dictionary.search import parse_pinyin_query

        wanted = parse_pinyin_query(query)
        if wanted is None:
            return []
        for paragraph in paragraphs:
            tokens = annotated(paragraph.index)
            if tokens is not None:
                hits.update(_pinyin_hits(wanted, tokens))
    forms = {query}
    if to_simplified is not None:
        forms.add(to_simplified(query))
    for paragraph in paragraphs:
        texts = [paragraph.text]
        tokens = annotated(paragraph.index)
        if tokens is not None:
            texts.append("".join(token.simplified for token in tokens.tokens))
            texts.append("".join(token.traditional for token in tokens.tokens))
        for text in texts:
            for form in forms:
                start = text.find(form)
                while start != -1:
                    hits.add(SearchHit(paragraph.index, start))
                    start = text.find(form, start + 1)
    return sorted(hits)


def _pinyin_hits(wanted: PinyinQuery, paragraph: AnnotatedParagraph) -> list[SearchHit]:
    """Where the query's letters run over whole syllables (start and end at a syllable
    boundary: "zhe" is not the start of zheng), each tone it gives agreeing."""
    letters: list[str] = []
    boundaries: dict[int, int] = {}  # position in the joined syllables -> character offset
    ends: set[int] = set()
    tones: dict[int, int] = {}  # position of a syllable's marked vowel -> its tone
    umlauts: set[int] = set()
    position = 0
    for token in paragraph.tokens:
        if not token.is_han:
            letters.append("\x00")  # matches never run across punctuation or Latin
            position += 1
            continue
        for index, numbered in enumerate(token.pinyin_numbered):
            parts = split_numbered(numbered)
            body, tone = parts if parts is not None else (toneless(numbered), 0)
            boundaries[position] = token.start + index
            marked = tone_mark_position(body) if tone else None
            if marked is not None:
                tones[position + marked] = tone
            umlauts.update(position + i for i, char in enumerate(body) if char == "ü")
            letters.append(body.replace("ü", "u"))
            position += len(body)
            ends.add(position)
    joined = "".join(letters)
    hits = []
    start = joined.find(wanted.letters)
    while start != -1:
        if (
            start in boundaries
            and start + len(wanted.letters) in ends
            and all(start + i in umlauts for i in wanted.umlauts)
            and all(tones.get(start + i) == tone for i, tone in wanted.tones.items())
        ):
            hits.append(SearchHit(paragraph.index, boundaries[start]))
        start = joined.find(wanted.letters, start + 1)
    return hits


def next_hit(hits: Sequence[SearchHit], current: SearchHit, direction: int) -> SearchHit | None:
    """The first hit after (direction 1) or before (-1) `current`, wrapping round."""
    if not hits:
        return None
    if direction > 0:
        later = [hit for hit in hits if hit > current]
        return later[0] if later else hits[0]
    earlier = [hit for hit in hits if hit < current]
    return earlier[-1] if earlier else hits[-1]
