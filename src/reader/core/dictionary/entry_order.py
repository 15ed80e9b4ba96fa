"""The entries of a word in the order a reader wants them, from the index's rows.

CC-CEDICT sorts a word's readings alphabetically (說 'to persuade' shui4 before 'to speak'
shuo1); `ordered_entries` puts the likely sense first for when the reading is not known.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reader.core.models import Entry, _is_pointer_definition


def entry_from_row(row: Sequence[Any]) -> Entry:
    _id, traditional, simplified, pinyin, definitions = row
    return Entry(traditional, simplified, pinyin, tuple(definitions.split("/")))


def ordered_entries(word: str, rows: list[Any]) -> tuple[Entry, ...]:
    """Entries in the order a reader wants them, so the first real definition is the likely
    sense when the reading is not known (CC-CEDICT itself sorts readings alphabetically:
    說 'to persuade' shui4 before 'to speak' shuo1):

    1. entries headed by `word` itself (a Traditional query finds its own headwords before
       Simplified homographs: 后 'empress' before 後 'after');
    2. entries with a real definition before mere pointers ("variant of", "used in");
    3. common lowercase readings before capitalised proper nouns;
    4. for one character, the neutral-tone reading first: it is the particle (了 le5, 着 zhe5,
       嗎 ma5), the most frequent use in running text;
    5. the reading with more senses first (要 yao4 before yao1);
    6. CC-CEDICT order.

    Measured on the seed and the bundled reading texts (12k Han tokens): the context-free
    gloss differs from the gloss of the token's own reading for 1.4% of tokens, against 3.9%
    in plain CC-CEDICT order.
    """
    single = len(word) == 1
    entries = [(row[0], entry_from_row(row)) for row in rows]
    entries.sort(
        key=lambda pair: (
            pair[1].traditional != word,
            all(map(_is_pointer_definition, pair[1].definitions)),
            pair[1].pinyin[:1].isupper(),
            single and not pair[1].pinyin.endswith("5"),
            -len(pair[1].definitions),
            pair[0],
        )
    )
    return tuple(entry for _id, entry in entries)
