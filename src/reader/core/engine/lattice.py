"""The Han word lattice: the compiled segmentation model and its best path.

`HanLattice` scores every lexicon word and the out-of-lexicon candidates (names after a
surname; with the character HMM, new words over runs of single characters) and picks the
best path over Simplified Han text. The model is compiled by tools/build_segmentation_model.py.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from reader.core.engine.tables import LazyTable, read_tables

V = TypeVar("V")

_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LEXICON_FILE = _DATA_DIR / "segment_lexicon.table"
MODEL_FILE = _DATA_DIR / "segment_model.json"

# Kinds of out-of-lexicon word candidates the lattice may use.
# After a surname these say "surnamed" (陈姓男子, 李氏家族): the surname is not a name's start.
_NOT_GIVEN_NAME = frozenset("姓氏")
HMM_WORD = "hmm"  # proposed by the character HMM over a run of single characters
NAME_WORD = "name"  # a surname followed by one or two single characters


def candidate_features(
    word: str, kind: str, classes: Mapping[str, str], given_names: Mapping[str, int]
) -> list[str]:
    """Feature keys of an out-of-lexicon candidate word (shared with the model builder).

    `classes` maps a character to its grammatical class (NEG, NUM, PART…) and a surname to
    SURNAME1 (the most common) or SURNAME2; `given_names` maps a character to a band of how
    much likelier it is in a given name than in running text (missing: -3).
    """
    size = min(len(word), 4)
    first, last = classes.get(word[0], "-"), classes.get(word[-1], "-")
    if kind == NAME_WORD:
        middle = classes.get(word[1], "-")
        given = min(given_names.get(char, -3) for char in word[1:])
        return [
            f"name:{size}:{first}",
            f"name_last:{last}",
            f"name_mid:{middle}",
            f"name_given:{size}:{given}",
        ]
    return [f"oov:{size}", f"oov_first:{first}", f"oov_last:{last}"]


def character_classes(classes: dict[str, str], surnames: dict[str, str]) -> dict[str, str]:
    """char -> class name; a surname that is also a function character keeps its class."""
    result = {char: name for name, chars in surnames.items() for char in chars}
    result.update({char: name for name, chars in classes.items() for char in chars})
    return result


class HanLattice:
    """Max-score word lattice over Simplified Han text.

    Every lexicon word has one score (log probability plus learned adjustments, compiled by
    tools/build_segmentation_model.py). Out-of-lexicon candidates (`candidates`: surname +
    given name wherever a surname stands; with an HMM, its words over runs of single
    characters) are scored by learned feature weights, and one pass picks the best path over
    all of them. No context features: a word's score does not depend on its neighbours, which
    keeps decoding a tight loop (boundary-context features were tried and gained nothing
    held-out; see benchmarks/RESULTS.md).
    """

    def __init__(
        self,
        scores: Mapping[str, float],
        unknown_char: float,
        weights: dict[str, float],
        classes: dict[str, str],
        surnames: frozenset[str],
        hmm: _CharHmm | None,
        max_word_length: int,
        prefix_lengths: Mapping[str, int] | None = None,
        given_names: Mapping[str, int] | None = None,
        everyday_words: frozenset[str] = frozenset(),
        dictionary_cuts: Mapping[str, tuple[int, ...]] | None = None,
        hmm_plain_first: frozenset[str] = frozenset(),
    ) -> None:
        self.given_names = given_names if given_names is not None else {}
        # Two-character everyday words (HSK), which are no given names: 向中国, 项基本.
        self.everyday_words = everyday_words
        # Lexicon words CC-CEDICT lacks -> lengths of the CC-CEDICT words to show instead.
        self.dictionary_cuts = dictionary_cuts if dictionary_cuts is not None else {}
        # Classes (ADV, NUM, NEG…) of first characters after which the HMM proposes no word:
        # 更大, 亿件 are compositional and no dictionary lists them; the characters are.
        self.hmm_plain_first = hmm_plain_first
        self.scores = scores
        self.unknown_char = unknown_char
        self.weights = weights
        self.classes = classes
        self.surnames = surnames
        self.hmm = hmm
        self.max_word_length = max_word_length
        # For each two-character start of a 3+ character word, the length of the longest one.
        if prefix_lengths is None:
            longest: dict[str, int] = {}
            for word in scores:
                if len(word) > 2 and longest.get(word[:2], 0) < len(word):
                    longest[word[:2]] = len(word)
            prefix_lengths = longest
        self.prefix_lengths = prefix_lengths
        # Lookups read plain dicts: a lexicon table's `entries`, which gain a character's words
        # the first time the lattice meets the character (`_meet`); other mappings are read as
        # they are (the model builder's live scores change while it trains).
        mappings = (scores, self.prefix_lengths, self.dictionary_cuts)
        self._tables = [mapping for mapping in mappings if isinstance(mapping, LazyTable)]
        self._scores_met = _entries(scores)
        self._prefixes_met = _entries(prefix_lengths)
        self._cuts_met = _entries(self.dictionary_cuts)
        self._met: set[str] = set()  # characters whose words are in the dicts above

    @classmethod
    def load(cls, lexicon: Path = LEXICON_FILE, model: Path = MODEL_FILE) -> HanLattice:
        """The shipped model. Its lexicon (`reader.core.engine.tables`: word -> score, two-character
        start -> longest word length, word -> dictionary cut) is decoded a block at a time as
        the lattice meets the characters, so loading is cheap."""
        tables = read_tables(lexicon)
        data = json.loads(model.read_text(encoding="utf-8"))
        hmm_data = data.get("hmm")
        return cls(
            scores=LazyTable(tables["scores"], float),
            unknown_char=float(data["unknown_char"]),
            weights={key: float(value) for key, value in data["weights"].items()},
            classes=character_classes(data["classes"], data["surnames"]),
            surnames=frozenset("".join(data["surnames"].values())),
            hmm=_CharHmm(hmm_data) if hmm_data else None,
            max_word_length=int(data["max_word_length"]),
            prefix_lengths=LazyTable(tables["prefixes"], int),
            given_names={
                char: int(band)
                for band, chars in data.get("given_names", {}).items()
                for char in chars
            },
            everyday_words=frozenset(re.findall("..", data.get("everyday_words", ""))),
            dictionary_cuts=LazyTable(tables["cuts"], _lengths),
            hmm_plain_first=frozenset(data.get("hmm_plain_first", ())),
        )

    def knows(self, word: str) -> bool:
        if word[:1] not in self._met:
            self._meet(word[:1])
        return word in self._scores_met

    def dictionary_split(self, word: str) -> list[str] | None:
        """`word` as the CC-CEDICT words a learner can look up, when it is a lexicon word
        CC-CEDICT lacks and the model builder chose to cut it (jieba's 最大, 做好); else None.

        Only lexicon words are cut: out-of-lexicon words (surname + given name, HMM words)
        are names and new words no dictionary lists.
        """
        if word[:1] not in self._met:
            self._meet(word[:1])
        lengths = self._cuts_met.get(word)
        if lengths is None:
            return None
        parts: list[str] = []
        position = 0
        for length in lengths:
            parts.append(word[position : position + length])
            position += length
        return parts

    def cut(self, text: str) -> list[str]:
        """The best words of `text`, out-of-lexicon candidates (`candidates`) included."""
        return self._best_path(text, self.candidates(text))

    def _meet(self, first: str) -> None:
        """Make the words starting with `first` available to the decoder's dicts."""
        for table in self._tables:
            table.meet(first)
        self._met.add(first)  # only once they are all there: another thread may be decoding

    def _candidate_score(self, word: str, kind: str) -> float:
        weights = self.weights
        features = candidate_features(word, kind, self.classes, self.given_names)
        return sum(weights.get(key, 0.0) for key in features)

    def _best_path(self, text: str, extra: dict[int, list[tuple[int, float, str]]]) -> list[str]:
        """Forward max-score path; words longer than two characters are tried only as far as
        some lexicon word shares their first two characters (`prefix_lengths`)."""
        scores = self._scores_met
        prefix_lengths = self._prefixes_met
        met = self._met
        unknown = self.unknown_char
        size = len(text)
        best = [-math.inf] * (size + 1)
        best[0] = 0.0
        back = [0] * (size + 1)
        for start in range(size):
            here = best[start]
            for candidate_start, score, _kind in extra.get(start, ()):
                value = best[candidate_start] + score
                if value > here:
                    here = value
                    back[start] = candidate_start
            best[start] = here
            first = text[start]
            if first not in met:
                self._meet(first)
            value = here + scores.get(first, unknown)
            if value > best[start + 1]:
                best[start + 1] = value
                back[start + 1] = start
            if start + 2 > size:
                continue
            pair = text[start : start + 2]
            pair_score = scores.get(pair)
            if pair_score is not None and here + pair_score > best[start + 2]:
                best[start + 2] = here + pair_score
                back[start + 2] = start
            longest = prefix_lengths.get(pair)
            if longest is None:
                continue
            for end in range(start + 3, min(size, start + longest) + 1):
                word_score = scores.get(text[start:end])
                if word_score is not None and here + word_score > best[end]:
                    best[end] = here + word_score
                    back[end] = start
        for candidate_start, score, _kind in extra.get(size, ()):
            value = best[candidate_start] + score
            if value > best[size]:
                best[size] = value
                back[size] = candidate_start
        words: list[str] = []
        end = size
        while end > 0:
            start = back[end]
            words.append(text[start:end])
            end = start
        words.reverse()
        return words

    def candidates(self, text: str) -> dict[int, list[tuple[int, float, str]]]:
        """Out-of-lexicon words keyed by end offset: surname + given name wherever a surname
        stands (names whose given name is a word, 葛志强, stay whole too), and with the HMM,
        its words over each run of 2+ single characters the lexicon's best path leaves."""
        extra: dict[int, list[tuple[int, float, str]]] = {}
        self._name_candidates(text, extra)
        if self.hmm is None:
            return extra
        position = 0
        run_start = -1
        for word in [*self._best_path(text, extra), "  "]:  # the sentinel closes the last run
            if len(word) == 1:
                if run_start < 0:
                    run_start = position
            else:
                if run_start >= 0 and position - run_start >= 2:
                    self._hmm_candidates(text, run_start, position, extra)
                run_start = -1
            position += len(word)
        return extra

    def _surnamed(self, word: str) -> bool:
        """True for 陈姓…/李氏…: a surname said as a surname, not the start of a word."""
        return word[0] in self.surnames and word[1] in _NOT_GIVEN_NAME

    def _hmm_candidates(
        self, text: str, start: int, end: int, extra: dict[int, list[tuple[int, float, str]]]
    ) -> None:
        assert self.hmm is not None
        position = start
        for word in self.hmm.cut(text[start:end]):
            word_end = position + len(word)
            if (
                len(word) > 1
                and not self.knows(word)
                and not self._surnamed(word)
                and self.classes.get(word[0]) not in self.hmm_plain_first
            ):
                score = self._candidate_score(word, HMM_WORD)
                extra.setdefault(word_end, []).append((position, score, HMM_WORD))
            position = word_end

    def _name_candidates(self, text: str, extra: dict[int, list[tuple[int, float, str]]]) -> None:
        surnames = self.surnames
        end = len(text)
        for position in range(end - 1):
            if text[position] not in surnames or self._surnamed(text[position:]):
                continue
            for length in (2, 3):
                word_end = position + length
                if word_end > end or not self._given_name(text[position + 1 : word_end]):
                    break
                score = self._candidate_score(text[position:word_end], NAME_WORD)
                extra.setdefault(word_end, []).append((position, score, NAME_WORD))

    def _given_name(self, text: str) -> bool:
        """Whether `text` can be a given name: not an everyday word (4 of CC-CEDICT's 645
        people have one: 向中国, 项基本 are no names), and no character rarer in given names
        than in running text (band < 0: 向有). A one-character given name needs evidence
        (a band >= 0: 欧方, 华援 are no names); in a two-character one, a character CC-CEDICT's
        few people never use is allowed (陈淑芬, 梁君彦)."""
        if text in self.everyday_words:
            return False
        missing = 0 if len(text) > 1 else -3
        given_names = self.given_names
        return all(given_names.get(char, missing) >= 0 for char in text)


def _entries(mapping: Mapping[str, V]) -> Mapping[str, V]:
    return mapping.entries if isinstance(mapping, LazyTable) else mapping


def _lengths(value: str) -> tuple[int, ...]:
    """ "1,2" -> (1, 2): the piece lengths of a dictionary cut."""
    return tuple(int(length) for length in value.split(","))


class _CharHmm:
    """A 4-state (B M E S) character HMM for words outside the lexicon (jieba's finalseg)."""

    _PREVIOUS: ClassVar[dict[str, str]] = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
    _FLOOR = -3.14e100

    def __init__(self, data: dict[str, Any]) -> None:
        self.start: dict[str, float] = data["start"]
        self.transition: dict[str, dict[str, float]] = data["transition"]
        self.emission: dict[str, dict[str, float]] = data["emission"]

    def cut(self, text: str) -> list[str]:
        floor = self._FLOOR
        emission = self.emission
        transition = self.transition
        previous_states = self._PREVIOUS
        probability = {
            state: self.start.get(state, floor) + emission[state].get(text[0], floor)
            for state in "BMES"
        }
        paths = {state: state for state in "BMES"}
        for char in text[1:]:
            new_probability: dict[str, float] = {}
            new_paths: dict[str, str] = {}
            for state in "BMES":
                emit = emission[state].get(char, floor)
                best_value, best_previous = max(
                    (probability[prev] + transition[prev].get(state, floor) + emit, prev)
                    for prev in previous_states[state]
                )
                new_probability[state] = best_value
                new_paths[state] = paths[best_previous] + state
            probability, paths = new_probability, new_paths
        last = max("ES", key=lambda state: probability[state])
        words: list[str] = []
        begin = 0
        for index, state in enumerate(paths[last]):
            if state == "B":
                begin = index
            elif state == "E":
                words.append(text[begin : index + 1])
            elif state == "S":
                words.append(text[index])
        done = sum(map(len, words))
        if done < len(text):
            words.append(text[done:])
        return words


_lattice: HanLattice | None = None
_lattice_lock = threading.Lock()


def shared_lattice() -> HanLattice:
    """The compiled word lattice, loaded once and shared by every Segmenter (it is read-only)."""
    global _lattice
    with _lattice_lock:
        if _lattice is None:
            _lattice = HanLattice.load()
        return _lattice


def common_surnames() -> frozenset[str]:
    """The common surnames (Simplified) after which the lattice proposes personal names.

    Read-only, for the reading rules: a new word starting with one is read as a name."""
    return shared_lattice().surnames
