"""Readings in context: one numbered pinyin syllable per Han character, and its display forms.

How a character gets its reading (`PinyinReader.readings`, for a whole paragraph):

1. Its candidates: the readings the character can have when written in Simplified
   (`data/pinyin_chars.table`), narrowed by the original Traditional character where that
   says more (髮 fà / 發 fā are both 发; 乾 gān / 幹 gàn are both 干). One candidate: done.
2. Its word. A segmenter word the word table knows (`data/pinyin_words.table`: pypinyin's
   standard phrase readings and CC-CEDICT's; both kept where they disagree) proposes the
   reading; for a long unknown word, its longest known part does (和平相處 → 相處).
3. Context rules, for a character standing alone (为 得 地 都 了 应 弄 ...; 很长, 不重): the
   model is sure and wrong on these in everyday syntax (为人民服务 wéi, 慢慢地 dì).
4. A lone character the segmenter split off a common word (視/為, 秘書/長) takes that word's
   reading.
5. g2pM's BiLSTM polyphone model (trained on the CPP corpus; its weights, exported from its
   wheel into data/g2pm/, run here batched in NumPy, ±12 characters around each character)
   chooses among the candidates where nothing above decided. A word's proposal is final for a
   common word (Zipf ≥ 3) and for 了得地着都为行长重; for a rarer word (names, terms) the model
   may overrule it when at least 99.9% sure. Chosen on CPP dev (see MODEL_OVERRIDES_WORD_AT).

Readings are numbered syllables: letters, 'v' for ü, tone 1-5 (5 = neutral): "zhong1", "lv4",
"le5". Tones are the standard (Putonghua) citation tones, as in the CPP corpus and learner
dictionaries: 關係 is guān xì (CC-CEDICT's xi5 is not a candidate of 系). A neutral tone shows
only where it is one of the character's own readings (了 le, 的 de, 桌子 zi); 一 and 不 keep
their citation tones (yī, bù): tone sandhi is not applied.

Nothing is read or imported until the first call that needs it: the tables load on first use,
NumPy and the model on the first character the model must decide (`warm_up` does both now).
"""

from __future__ import annotations

import bisect
import json
import math
import os
import re
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader.core.engine.syllables import UNKNOWN_READING, split_numbered, tone_of
from reader.core.engine.tables import LazyTable, read_tables
from reader.core.text.han import is_han_char
from reader.core.text.sentences import ELLIPSES, SENTENCE_ENDS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CHARS_FILE = _DATA_DIR / "pinyin_chars.table"
WORDS_FILE = _DATA_DIR / "pinyin_words.table"
G2PM_DIR = _DATA_DIR / "g2pm"


def normalise_cedict_pinyin(cedict: str) -> tuple[str, ...]:
    """CC-CEDICT's pinyin field as numbered syllables: 'zhong1 guo2' -> ('zhong1', 'guo2'),
    'Lu:4' -> ('lv4',). Syllables are lowercased with 'v' for ü; the placeholder 'xx5' (no known
    reading) is dropped; other items (letters in 'A A zhi4', '·', ',') are kept as written."""
    normalised = []
    for item in cedict.split():
        parts = split_numbered(item)
        if parts is not None:
            normalised.append(parts[0].replace("ü", "v") + str(parts[1]))
        elif item.lower() != UNKNOWN_READING + "5":
            normalised.append(item)
    return tuple(normalised)


# --- tone sandhi (display only) --------------------------------------------------------------

_NUMERALS = frozenset("〇零一二三四五六七八九十百千万萬亿億两兩0123456789")


def surface_tones(
    text: str, readings: Sequence[str | None], words: Sequence[tuple[int, int]]
) -> list[str | None]:
    """The tones as spoken, for learners who ask to see them; the readings stay as they are.

    不 before a fourth tone is bú (不是 búshì); 一 is yí before a fourth tone and yì before the
    others (一个 yígè, 一起 yìqǐ) but stays yī when counted or ordinal (第一, 十一, 一月, 一二三)
    or at the end of a word; of two third tones in one word the first is said as a second
    (你好 níhǎo). Numbered syllables in, numbered syllables out, aligned with `text`.
    """
    surface = list(readings)
    for start, end in words:
        for index in range(start, end):
            reading = readings[index]
            following = readings[index + 1] if index + 1 < end else None
            if reading is None or following is None:
                continue
            char, tone, next_tone = text[index], tone_of(reading), tone_of(following)
            if char == "不" and reading == "bu4" and next_tone == 4:
                surface[index] = "bu2"
            elif char == "一" and reading == "yi1" and not _counted_yi(text, index):
                surface[index] = "yi2" if next_tone == 4 else "yi4" if next_tone != 5 else reading
            elif tone == 3 and next_tone == 3:
                surface[index] = reading[:-1] + "2"
    return surface


def _counted_yi(text: str, index: int) -> bool:
    before = text[index - 1 : index]
    after = text[index + 1 : index + 2]
    return before == "第" or before in _NUMERALS or after in _NUMERALS or after in "月号號日"


# --- reading tables --------------------------------------------------------------------------


class ReadingTables:
    """The character and word reading tables (built by `tools/build_pinyin_data.py`).

    Values stay the raw strings of the files and are split on use; the shipped tables
    (`reader.core.engine.tables`) decode a few keys at a time as they are looked up, so loading is
    cheap.
    """

    def __init__(self, chars: Mapping[str, str], words: Mapping[str, str]) -> None:
        self._chars = chars  # char -> "candidates;other readings", syllables space-separated
        self._words = words  # word -> "reading|reading", syllables space-separated

    @classmethod
    def load(cls, chars_file: Path = CHARS_FILE, words_file: Path = WORDS_FILE) -> ReadingTables:
        return cls(
            LazyTable(read_tables(chars_file)["chars"], str),
            LazyTable(read_tables(words_file)["words"], str),
        )

    @classmethod
    def from_entries(
        cls,
        chars: dict[str, tuple[Sequence[str], Sequence[str]]],
        words: dict[str, Sequence[str]],
    ) -> ReadingTables:
        """Small tables for tests: {char: (candidates, other readings)}, {word: readings}."""
        return cls(
            {char: f"{' '.join(c)};{' '.join(o)}" for char, (c, o) in chars.items()},
            {word: "|".join(readings) for word, readings in words.items()},
        )

    @lru_cache(maxsize=8192)  # noqa: B019 - one long-lived instance per process
    def _char(self, char: str) -> tuple[tuple[str, ...], frozenset[str]]:
        found = self._chars.get(char)
        if found is None and len(char) == 1:
            # A compatibility ideograph (U+F900 豈) reads as the unified character it stands for.
            found = self._chars.get(unicodedata.normalize("NFKC", char))
        candidates, _, others = (found or ";").partition(";")
        first = tuple(candidates.split())
        return first, frozenset((*first, *others.split()))

    @lru_cache(maxsize=16384)  # noqa: B019 - one long-lived instance per process
    def candidates(self, original: str, simplified: str) -> tuple[str, ...]:
        """The readings of a character, narrowed by its original form where that tells more."""
        known = self._char(simplified)[0] or self._char(original)[0]
        if original == simplified and original in _TRADITIONAL_ALSO:
            # Traditional text writes the particle 着 as 著, which Simplification keeps.
            also = self._char(_TRADITIONAL_ALSO[original])[0]
            known = known + tuple(reading for reading in also if reading not in known)
        if original != simplified:
            # The pair's own readings (CC-CEDICT, e.g. 幹→干 gàn), else all of the original's.
            every_original = self._char(original + simplified)[1] or self._char(original)[1]
            narrowed = tuple(reading for reading in known if reading in every_original)
            if narrowed:
                return narrowed
        return known

    @lru_cache(maxsize=65536)  # noqa: B019 - one long-lived instance per process
    def word_readings(self, original: str, simplified: str) -> WordReadings:
        """The readings of a word of two or more characters (by either form); empty if unknown."""
        found = self._words.get(original) or self._words.get(simplified)
        if not found:
            return _NO_WORD
        readings = tuple(found.lstrip(_COMMON_MARK).split("|"))
        # An erhua word (空兒 kòngr, 一塊兒) is everyday speech, never a name or a term, however
        # rare in writing: its reading is as final as a common word's.
        common = found.startswith(_COMMON_MARK) or any(r.endswith(" r5") for r in readings)
        return WordReadings(readings, common)


# A character that, in Traditional text, is also another one whose form Simplification keeps
# apart: 著 is zhù (著名, to write) in both scripts, and in Traditional also the particle and
# verb that Simplified writes 着 (看著 kànzhe, 睡著 shuìzháo, 著陸 zhuólù).
_TRADITIONAL_ALSO = {"著": "着"}


class WordReadings(NamedTuple):
    readings: tuple[str, ...]  # each a space-separated syllable string, one per character
    common: bool  # a frequent word: its dictionary reading is trusted over the model


_NO_WORD = WordReadings((), False)
_COMMON_MARK = "*"


# --- the polyphone model ---------------------------------------------------------------------

_G2PM_BOS = "시"  # g2pM's sentence markers (its training used these characters)
_G2PM_EOS = "끝"
_G2PM_UNK = "<UNK>"
# The model's window stops at a sentence's end (not at an ellipsis: see ELLIPSES) or a line.
_SENTENCE_END = re.compile(f"[{re.escape(''.join(sorted(SENTENCE_ENDS - ELLIPSES)))}\n]+")
# Characters whose reading inside any dictionary word, common or rare, is final: the model is
# unreliable on them outside its corpus (it reads 孩子长大了 cháng, 探长 cháng) and on CPP dev
# it never rightly overrode a word for them.
_WORD_FINAL_CHARS = frozenset("了得地着都为行长重")
_BATCH = 512  # model queries per batch (rows are cheap; steps are what costs)
# The model reads this many characters either side of the one it decides (within its
# sentence). CPP dev accuracy of the model alone is the same from ±6 to whole sentences; the
# reader's is 98.04% at ±8, 98.05% at ±12, 98.03% at ±16, and each step costs time.
_WINDOW = 12
# The reading a dictionary word gives is final for common words. For rarer words (names, terms)
# the model's reading replaces it when the model gives that at least this probability among the
# candidates. On CPP dev: model alone 97.36%, dictionary always first 97.58%, this 97.88%, and
# 97.93% letting the model override common words too; but CPP dev is the model's own domain,
# and on everyday text it is often sure and wrong (头发 fā at 0.99998, 着手 zhe at 0.9999999).
MODEL_OVERRIDES_WORD_AT = 0.999


@dataclass(frozen=True, slots=True)
class ModelQuery:
    """One character for the model to decide: its context, where it is, what it may be."""

    text: str  # Simplified text around the character
    position: int  # the character's index in `text`
    candidates: tuple[str, ...]


class PolyphoneModel:
    """g2pM's one-layer BiLSTM (64-d embeddings, 2 x 32 hidden, two dense layers), batched.

    The forward and backward LSTMs run as one 64-unit recurrence over a block-diagonal matrix,
    and the embedding x input weights are folded into one table per direction at load time.
    """

    def __init__(self) -> None:
        if "numpy" not in sys.modules:
            # The matrices are tiny (64 x 256): BLAS worker threads only add hand-over cost,
            # and on a busy two-core machine they made the model three times slower.
            os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
            os.environ.setdefault("OMP_NUM_THREADS", "1")
        import numpy as np

        # g2pM's weights and labels, exported from its wheel by tools/export_g2pm_weights.py
        # (Apache-2.0, see data/g2pm/LICENSE): g2pM itself is not needed at run time.
        labels = json.loads((G2PM_DIR / "labels.json").read_text(encoding="utf-8"))
        self._np = np
        self.char_ids: dict[str, int] = {char: i for i, char in enumerate(labels["chars"])}
        self.class_ids: dict[str, int] = {
            label.replace("u:", "v"): index for index, label in enumerate(labels["classes"])
        }
        with np.load(G2PM_DIR / "weights.npz", allow_pickle=False) as archive:
            weights = {name: archive[name] for name in archive.files}
        hidden = weights["lstm.weight_hh_l0"].shape[1]
        embeddings = weights["embedding.weight"].astype(np.float32)
        vocabulary = embeddings.shape[0]
        # Gate columns interleaved per direction: [i_f i_b | f_f f_b | g_f g_b | o_f o_b].
        self._inputs_forward = np.zeros((vocabulary, 8 * hidden), dtype=np.float32)
        self._inputs_backward = np.zeros((vocabulary, 8 * hidden), dtype=np.float32)
        self._recurrent = np.zeros((2 * hidden, 8 * hidden), dtype=np.float32)
        for direction, suffix, table in (
            (0, "", self._inputs_forward),
            (1, "_reverse", self._inputs_backward),
        ):
            projected = embeddings @ weights[f"lstm.weight_ih_l0{suffix}"].T
            projected += weights[f"lstm.bias_ih_l0{suffix}"] + weights[f"lstm.bias_hh_l0{suffix}"]
            recurrent = weights[f"lstm.weight_hh_l0{suffix}"]
            for gate in range(4):
                source = slice(gate * hidden, (gate + 1) * hidden)
                target = slice((2 * gate + direction) * hidden, (2 * gate + direction + 1) * hidden)
                table[:, target] = projected[:, source]
                rows = slice(direction * hidden, (direction + 1) * hidden)
                self._recurrent[rows, target] = recurrent[source].T
        # Halve the sigmoid gates' weights so one tanh serves all four gates (see the loop).
        for table in (self._inputs_forward, self._inputs_backward, self._recurrent):
            table[:, : 4 * hidden] *= 0.5
            table[:, 6 * hidden :] *= 0.5
        self._hidden = hidden
        self._dense_weight = weights["logit_layer.0.weight"].T.astype(np.float32)
        self._dense_bias = weights["logit_layer.0.bias"].astype(np.float32)
        self._out_weight = weights["logit_layer.2.weight"].T.astype(np.float32)
        self._out_bias = weights["logit_layer.2.bias"].astype(np.float32)

    def _encode(self, text: str) -> list[int]:
        unknown = self.char_ids[_G2PM_UNK]
        ids = [self.char_ids.get(char, unknown) for char in text]
        return [self.char_ids[_G2PM_BOS], *ids, self.char_ids[_G2PM_EOS]]

    def _target_states(
        self, sequences: list[list[int]], positions: list[int]
    ) -> npt.NDArray[np.float32]:
        """[rows, 2*hidden]: the forward and backward states at each row's position.

        The forward pass only needs the steps up to the position and the backward pass only
        those from the end back to it, so the loop stops at the longer of the two.
        """
        np = self._np
        rows = len(sequences)
        lengths = [len(sequence) for sequence in sequences]
        steps = max(max(p + 1, n - p) for p, n in zip(positions, lengths, strict=True))
        forward_ids = np.zeros((rows, steps), dtype=np.int64)
        backward_ids = np.zeros((rows, steps), dtype=np.int64)
        for row, sequence in enumerate(sequences):
            forward_ids[row, : min(steps, len(sequence))] = sequence[:steps]
            backward_ids[row, : min(steps, len(sequence))] = sequence[::-1][:steps]
        inputs = self._inputs_forward[forward_ids] + self._inputs_backward[backward_ids]
        size = 2 * self._hidden
        # Every step's arrays are made once and written in place: for the few rows of one
        # paragraph, making arrays costs more than the arithmetic.
        state = np.zeros((rows, size), dtype=np.float32)
        cell = np.zeros_like(state)
        scratch = np.empty_like(state)
        gates = np.empty((rows, 4 * size), dtype=np.float32)
        sigmoid = np.empty_like(gates)
        input_gate, forget_gate = sigmoid[:, :size], sigmoid[:, size : 2 * size]
        output_gate, candidate = sigmoid[:, 3 * size :], gates[:, 2 * size : 3 * size]
        outputs = np.empty((rows, steps, size), dtype=np.float32)
        recurrent = self._recurrent
        for step in range(steps):
            np.matmul(state, recurrent, out=gates)
            gates += inputs[:, step]
            # One tanh for all four gates: sigmoid(x) = (1 + tanh(x / 2)) / 2, and the sigmoid
            # gates' weights were halved at load time.
            np.tanh(gates, out=gates)
            np.multiply(gates, 0.5, out=sigmoid)
            sigmoid += 0.5
            cell *= forget_gate
            np.multiply(input_gate, candidate, out=scratch)
            cell += scratch
            np.tanh(cell, out=scratch)
            np.multiply(output_gate, scratch, out=state)
            outputs[:, step] = state
        row_index = np.arange(rows)
        hidden = self._hidden
        forward = outputs[row_index, positions, :hidden]
        backward_steps = [n - 1 - p for p, n in zip(positions, lengths, strict=True)]
        backward = outputs[row_index, backward_steps, hidden:]
        return np.concatenate([forward, backward], axis=1)  # type: ignore[no-any-return]

    def choose(self, queries: Sequence[ModelQuery]) -> list[tuple[str, float]]:
        """For each query: the best of its candidates, and its probability among them."""
        np = self._np
        chosen: list[tuple[str, float]] = []
        for start in range(0, len(queries), _BATCH):
            batch = queries[start : start + _BATCH]
            sequences = [self._encode(query.text) for query in batch]
            positions = [query.position + 1 for query in batch]  # +1 for the BOS marker
            states = self._target_states(sequences, positions)
            dense = np.maximum(states @ self._dense_weight + self._dense_bias, 0.0)
            # Only the candidates' output columns are needed (a few of the 876 classes).
            columns = sorted(
                {
                    self.class_ids[c]
                    for query in batch
                    for c in query.candidates
                    if c in self.class_ids
                }
            )
            if not columns:
                chosen.extend((query.candidates[0], 0.0) for query in batch)
                continue
            logits = (dense @ self._out_weight[:, columns] + self._out_bias[columns]).tolist()
            column_of = {class_id: index for index, class_id in enumerate(columns)}
            chosen.extend(
                self._best(row, query.candidates, column_of)
                for row, query in zip(logits, batch, strict=True)
            )
        return chosen

    def _best(
        self, logits: list[float], candidates: tuple[str, ...], column_of: dict[int, int]
    ) -> tuple[str, float]:
        ids = self.class_ids
        scored = [(logits[column_of[ids[c]]], c) for c in candidates if c in ids]
        if not scored:
            return candidates[0], 0.0
        top = max(scored)[0]
        total = sum(math.exp(score - top) for score, _ in scored)
        best = max(scored)[1]
        return best, 1.0 / total


# --- the reader ------------------------------------------------------------------------------

Item = tuple[str, str, Sequence[tuple[int, int]]]
Span = tuple[int, int]


class PinyinReader:
    """Pinyin in context for whole paragraphs. Thread-safe; tables and model load lazily."""

    def __init__(self, tables: ReadingTables | None = None) -> None:
        self._tables = tables
        self._model: PolyphoneModel | None = None
        self._lock = threading.Lock()

    @property
    def tables(self) -> ReadingTables:
        with self._lock:
            if self._tables is None:
                self._tables = ReadingTables.load()
            return self._tables

    @property
    def model(self) -> PolyphoneModel:
        with self._lock:
            if self._model is None:
                self._model = PolyphoneModel()
            return self._model

    def warm_up(self) -> None:
        """Load the tables and the model now (e.g. in a worker while the first screen paints),
        so the first paragraph is as fast as the rest."""
        self.readings("重新開始", "重新开始", [(0, 2), (2, 4)])
        self.model.choose([ModelQuery("重要", 0, ("zhong4", "chong2"))])

    def readings(
        self, original: str, simplified: str, words: Sequence[tuple[int, int]]
    ) -> list[str | None]:
        """One numbered syllable per Han character of `original`, None for everything else.

        `simplified` is `original` in Simplified, character-aligned (same length); `words` are
        the segmenter's word spans [start, end). Pass whole paragraphs: the model reads context.
        """
        return self.readings_many([(original, simplified, words)])[0]

    def readings_many(self, items: Sequence[Item]) -> list[list[str | None]]:
        """`readings` for many paragraphs, with one batched model run for all of them."""
        results: list[list[str | None]] = []
        queries: list[ModelQuery] = []
        owners: list[tuple[int, int, str | None]] = []  # (item, index, the word's proposal)
        for item_index, (original, simplified, words) in enumerate(items):
            if len(simplified) != len(original):
                raise ValueError("`simplified` must be character-aligned with `original`")
            result, open_positions = self._settle(original, simplified, words)
            results.append(result)
            for index, query in _model_queries(simplified, open_positions):
                queries.append(query)
                owners.append((item_index, index, open_positions[index].proposal))
        if queries:
            chosen = self.model.choose(queries)
            for (item_index, index, proposal), (best, probability) in zip(
                owners, chosen, strict=True
            ):
                sure = proposal is None or probability >= MODEL_OVERRIDES_WORD_AT
                results[item_index][index] = best if sure else proposal
        return results

    def _settle(
        self, original: str, simplified: str, words: Sequence[tuple[int, int]]
    ) -> tuple[list[str | None], dict[int, _Open]]:
        """Readings the tables decide, and the polyphonic positions left to the model."""
        tables = self.tables
        result: list[str | None] = [None] * len(original)
        open_positions: dict[int, _Open] = {}
        spans = _tiling(words, len(original))
        context = _Context(
            simplified, spans, lambda word: bool(tables.word_readings(word, word).readings)
        )
        plan_of = self._plan
        for span_index, (start, end) in enumerate(spans):
            plan = plan_of(original[start:end], simplified[start:end])
            if plan.readings is not None:
                result[start:end] = plan.readings
                continue
            for index, step in enumerate(plan.steps, start):
                if isinstance(step, _Open):
                    result[index] = step.proposal or step.candidates[0]  # until the model speaks
                    open_positions[index] = step
                elif isinstance(step, _InContext):
                    self._settle_in_context(
                        original,
                        step.candidates,
                        context,
                        span_index,
                        index,
                        result,
                        open_positions,
                    )
                else:
                    result[index] = step
        return result, open_positions

    def _settle_in_context(
        self,
        original: str,
        candidates: tuple[str, ...],
        context: _Context,
        span_index: int,
        index: int,
        result: list[str | None],
        open_positions: dict[int, _Open],
    ) -> None:
        """A polyphone its word does not decide: by the context rules, for a character on its
        own by the word it makes with a neighbour, else by the model."""
        by_rule = context.reading(span_index, index)
        if by_rule is not None and by_rule in candidates:
            result[index] = by_rule
            return
        start, end = context.spans[span_index]
        allowed: set[str] = set()
        common = False
        if end - start == 1:
            allowed, common = self._allowed_by_neighbour(
                original, context.text, index, context.neighbours(span_index)
            )
        narrowed = tuple(c for c in candidates if c in allowed) or _by_letters(candidates, allowed)
        if len(narrowed) == 1 and (common or context.text[index] in _WORD_FINAL_CHARS):
            result[index] = narrowed[0]
            return
        proposal = narrowed[0] if len(narrowed) == 1 else None
        if len(narrowed) > 1:
            candidates = narrowed
        result[index] = proposal or candidates[0]  # until the model has spoken
        open_positions[index] = _Open(candidates, proposal)

    @lru_cache(maxsize=65536)  # noqa: B019 - one long-lived instance per process
    def _plan(self, original: str, simplified: str) -> _Plan:
        """What a word's characters read wherever the word stands (`_Plan`): a word's
        readings decide most of them, so this is worked out once per word."""
        tables = self.tables
        length = len(original)
        steps: list[str | _Open | _InContext | None] = []
        word: WordReadings | None = None  # looked up when first needed
        for offset, char in enumerate(original):
            if not ("\u4e00" <= char <= "\u9fff" or is_han_char(char)):
                steps.append(None)
                continue
            candidates = tables.candidates(char, simplified[offset])
            if len(candidates) <= 1:
                steps.append(candidates[0] if candidates else None)
                continue
            if length == 1:
                steps.append(_InContext(candidates))
                continue
            if word is None:
                word = tables.word_readings(original, simplified)
            allowed = _allowed_by_words(word.readings, offset, length)
            common = word.common
            if not allowed and length > 2:
                allowed, common = self._allowed_by_part(original, simplified, 0, length, offset)
            if not allowed:
                steps.append(_InContext(candidates))
                continue
            narrowed = tuple(c for c in candidates if c in allowed) or _by_letters(
                candidates, allowed
            )
            if len(narrowed) == 1 and (common or simplified[offset] in _WORD_FINAL_CHARS):
                steps.append(narrowed[0])
                continue
            proposal = narrowed[0] if len(narrowed) == 1 else None
            steps.append(_Open(narrowed if len(narrowed) > 1 else candidates, proposal))
        readings = [step for step in steps if step is None or isinstance(step, str)]
        return _Plan(tuple(steps), tuple(readings) if len(readings) == length else None)

    def _allowed_by_neighbour(
        self, original: str, simplified: str, index: int, neighbours: tuple[Span, Span]
    ) -> tuple[set[str], bool]:
        """For a character the segmenter left on its own (視/為, 為/此, 秘書/長), the readings
        allowed by the common word it makes with the whole word before or after it, when
        exactly one side makes one."""
        found: list[set[str]] = []
        (before_start, _), (_, after_end) = neighbours
        for start, end in ((before_start, index + 1), (index, after_end)):
            if end - start < 2 or not all(map(is_han_char, original[start:end])):
                continue
            joined = self.tables.word_readings(original[start:end], simplified[start:end])
            if joined.common:
                allowed = _allowed_by_words(joined.readings, index - start, end - start)
                if allowed:
                    found.append(allowed)
        if len(found) == 1:
            return found[0], True
        return set(), False

    def _allowed_by_part(
        self, original: str, simplified: str, start: int, end: int, index: int
    ) -> tuple[set[str], bool]:
        """For a long word the table does not know (和平相處), the readings its longest known
        part around `index` allows (相處), and whether that part is common."""
        for length in range(end - start - 1, 1, -1):
            for part_start in range(max(start, index - length + 1), min(index, end - length) + 1):
                part_end = part_start + length
                part = self.tables.word_readings(
                    original[part_start:part_end], simplified[part_start:part_end]
                )
                allowed = _allowed_by_words(part.readings, index - part_start, length)
                if allowed:
                    return allowed, part.common
        return set(), False


def _tiling(words: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The word spans, each character of the text in exactly one (a segmenter's spans are
    that already): spans outside the text or empty are dropped rather than trusted, and a
    character no span covers is a word of its own."""
    position = 0
    for start, end in words:
        if start != position or end <= start:
            break
        position = end
    else:
        if position == length:
            return list(words)
    covered = [False] * length
    clipped = [(max(0, start), min(length, end)) for start, end in words]
    spans = [(start, end) for start, end in clipped if start < end]
    for start, end in spans:
        covered[start:end] = [True] * (end - start)
    spans.extend((index, index + 1) for index, done in enumerate(covered) if not done)
    spans.sort()
    return spans


@dataclass(frozen=True, slots=True)
class _Open:
    """A polyphonic position: its candidates, and the one its word proposes (if exactly one)."""

    candidates: tuple[str, ...]
    proposal: str | None


@dataclass(frozen=True, slots=True)
class _InContext:
    """A polyphone its word leaves open: the context rules, the neighbours or the model
    decide among its candidates."""

    candidates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    """A word's characters as its word decides them: a reading (None for a character that is
    not Han or has none), an open position for the model, or one for the context; and the
    readings alone when every character is decided."""

    steps: tuple[str | _Open | _InContext | None, ...]
    readings: tuple[str | None, ...] | None


def _by_letters(candidates: tuple[str, ...], allowed: set[str]) -> tuple[str, ...]:
    """The candidates with the letters of a neutral syllable the word allows, when no
    candidate is that syllable itself: 暖和 nuǎnhuo allows huò and huó of 和, not hé."""
    letters = {syllable[:-1] for syllable in allowed if syllable.endswith("5")}
    return tuple(c for c in candidates if c[:-1] in letters) if letters else ()


def _allowed_by_words(word_readings: tuple[str, ...], offset: int, length: int) -> set[str]:
    allowed = set()
    for reading in word_readings:
        syllables = reading.split()
        if len(syllables) == length:
            allowed.add(syllables[offset])
    return allowed


def _model_queries(text: str, open_positions: dict[int, _Open]) -> Iterator[tuple[int, ModelQuery]]:
    """A query per open position: the text `_WINDOW` characters either side of it, cut at the
    ends of its sentence (the model was trained on sentences)."""
    if not open_positions:
        return
    bounds = [0, *(match.end() for match in _SENTENCE_END.finditer(text)), len(text)]
    for index in sorted(open_positions):
        sentence = bisect.bisect_right(bounds, index) - 1
        start = max(bounds[sentence], index - _WINDOW)
        end = min(bounds[sentence + 1], index + _WINDOW + 1)
        yield index, ModelQuery(text[start:end], index - start, open_positions[index].candidates)


# --- context rules ---------------------------------------------------------------------------
# For a few function characters the model (trained on encyclopedia sentences) is sure and
# wrong in everyday syntax: 为 is wéi even in 为人民服务, 地 is dì in 慢慢地走, 得 is dé in
# 跑得很快. These rules read the neighbouring words (in Simplified) and decide only the clear
# cases; they run only where no dictionary word settled the character. Everything else is
# left to the model.


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_CLAUSE_BREAKS = frozenset("，。；：！？,.;:!?\n「『（(“《")
_PRONOUNS = _word_set("我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们 大家 自己 人们 谁 别人")
# Adverbs and auxiliaries that may stand between a clause start (or its subject) and 为.
_PRE_VERBAL = _word_set(
    """也 还 都 又 更 将 要 就 才 已 曾 正 均 并 而 再 只 专 特 先 各 共同 一起 一同 继续 不断
    是否 还要 也要 都要 特别 依法 专程 亲自 另外 还是 又要 再次 一再
    愿 愿意 能 能够 可 可以 应 应该 应当 会 专门 积极 努力 主动 率先 始终 一直 仍 仍然 首先
    同时 此外 而且 并且 特地 特意 一定 必须 需要 想 希望 不仅 不但 只是 正在 已经 曾经 从而
    以便 先后 纷纷 各自 分别 全力 进一步 更加 真正 切实 长期 坚持 致力 致力于 不惜 甘愿 乐于"""
)
# Verbs that follow 为 wèi (in order to ...), never 为 wéi (to be / as).
_PURPOSE_VERBS = _word_set(
    """保护 解决 实现 争取 纪念 庆祝 方便 配合 应对 促进 推动 维护 保障 满足 支持 避免 防止
    确保 加强 提高 打造 迎接 筹备 准备 寻找 帮助 服务 减少 改善 保持 完成 构建"""
)
_DEGREE_PREFIXES = (
    "很", "非常", "十分", "特别", "相当", "越来越", "太", "更", "挺", "真", "这么", "那么",
    "多么", "极", "格外", "比较", "较", "有点", "有些", "不太", "不够",
)  # fmt: skip
_DEGREE_BEFORE_ADJECTIVE = ("很", "太", "更", "最", "挺", "较", "真", "好", "多", "这么", "那么")
_OBTAIN_AFTER = _word_set("了 过 着 到 出 知 分 奖 益 意 失 势 手 罪 病 票")
_PLACE_AFTER = frozenset("上下里中面区方带图址点位球表处段层盘势形貌理质震铁道主产名域块价租")
_AFTER_DOU = _word_set(
    """是 有 在 不 没 没有 很 非常 要 会 能 可以 将 被 把 给 得 应该 需要 必须 一样 知道 认为
    觉得 喜欢 希望 表示 同意 来 去 说 做 用 没法 无法 不能 不会 不是 已 已经 曾 曾经 还 也 并"""
)
# Function characters whose other readings live only inside words (目的 dì, 了解 liǎo, 附和
# hè, 参与 yù, 胡同 tòng, 上声 shǎng, 大夫 dài, 更新 gēng, 要求 yāo, 供给 jǐ): standing alone
# they have one reading, and the model need not run for them.
_LONE_READINGS = {
    "的": "de5", "了": "le5", "和": "he2", "与": "yu3", "同": "tong2", "上": "shang4",
    "大": "da4", "更": "geng4", "把": "ba3", "给": "gei3", "要": "yao4", "呢": "ne5", "吗": "ma5",
    "没": "mei2",
}  # fmt: skip
# An adjective reading after a degree word (很 太 最 ...).
_ADJECTIVE_READINGS = {"长": "chang2", "重": "zhong4", "好": "hao3", "难": "nan2", "干": "gan1"}
# At the end of a clause: the particle 啦, and 好 as a result (弄好, 做好).
_CLAUSE_FINAL_READINGS = {"啦": "la5", "好": "hao3"}
# Sentence-final particles whose other readings are a bar (吧 bā) or interjections (啊 ā á).
_FINAL_PARTICLES = {"吧": "ba5", "啊": "a5", "呀": "ya5", "嘛": "ma5", "哦": "o5"}
# What 還 + a person gives back (還你錢, 還他一本書); what 重 + a verb does again (重說);
# what 長 is followed by when it is to grow (長了, 長大).
_RETURNED = frozenset("钱书东西一两几些这那本笔个")
_DONE_AGAIN = frozenset("说做写读来演播建修考拍装选画印排组学试申返讲唱听看")
_GROWN = _word_set("了 大 高 出 满 得 成 胖 个子 出来 起来")
_BY_NEXT_WORD = frozenset(("还", "重", "长", "中"))
# Verbs whose reading the next character tells (outside the words that settle them: 刨子 bào,
# 撒謊 sā, 粘性 nián, 挨打 ái, 寶藏 zàng, 盛大 shèng): to dig (刨出, 刨坑), to sprinkle
# or scatter (撒上, 撒在), to stick (粘在), to be next to (挨着, 挨近), to hide (藏在), to
# ladle (盛飯).
_BY_NEXT_CHARACTER = {
    "刨": ("pao2", "出坑土地根开塌"),
    "撒": ("sa3", "上在下满落到入遍"),
    "粘": ("zhan1", "在住上到满"),
    "挨": ("ai1", "着近肩家"),
    "藏": ("cang2", "在于着起"),
    "盛": ("cheng2", "饭汤菜粥"),
}
# Readings the character before tells: next to (紧挨), what is kept (所藏), a rank (参将, 副将),
# a place counted (一处, 几处).
_BY_PREVIOUS_CHARACTER = {
    "挨": ("ai1", "紧"),
    "藏": ("cang2", "所"),
    "将": ("jiang4", "参副偏裨"),
    "处": ("chu4", "一两几数"),
}
# Lanes (弄 lòng) named in addresses and places: 118弄, 百福弄社區.
_LANE_AFTER = ("社区", "小区", "村", "口", "堂")
_WITH_YI = frozenset(("以", "以此", "以其", "以之"))


class _Context:
    """The words around a position, for the context rules."""

    def __init__(
        self, simplified: str, spans: list[tuple[int, int]], is_word: Callable[[str], bool]
    ) -> None:
        self.text = simplified
        self.spans = spans
        self.is_word = is_word  # whether the word table knows a (Simplified) word

    def word(self, span_index: int) -> str:
        if 0 <= span_index < len(self.spans):
            start, end = self.spans[span_index]
            return self.text[start:end]
        return ""

    def neighbours(self, span_index: int) -> tuple[Span, Span]:
        """The spans just before and after span `span_index` (empty at the ends)."""
        start, end = self.spans[span_index]
        before = self.spans[span_index - 1] if span_index > 0 else (start, start)
        after = self.spans[span_index + 1] if span_index + 1 < len(self.spans) else (end, end)
        return before, after

    def clause_before(self, span_index: int) -> list[str]:
        """The words from the clause start up to (not including) span `span_index`."""
        words: list[str] = []
        for previous in range(span_index - 1, -1, -1):
            word = self.word(previous)
            if any(char in _CLAUSE_BREAKS for char in word):
                break
            if word.strip():
                words.append(word)
        words.reverse()
        return words

    def next_word(self, span_index: int) -> str:
        word = self.word(span_index + 1)
        return "" if any(char in _CLAUSE_BREAKS for char in word) else word.strip()

    def reading(self, span_index: int, index: int) -> str | None:
        char = self.text[index]
        word = self.word(span_index)
        negated = self.text[index - 1 : index] == "不" and char in "长重"  # 不重 实用性
        if char in _ADJECTIVE_READINGS and (negated or self._after_degree_word(index)):
            return _ADJECTIVE_READINGS[char]  # 很长 cháng, 很重 zhòng, 太好 hǎo
        if word == "为":
            return self._wei(span_index)
        if word == "得":
            return self._de_obtain_or_particle(span_index)
        if word == "地":
            return self._de_or_di(span_index)
        if word == "都":
            return self._dou(span_index)
        if char == "应":
            return self._ying(index)
        if word == "了" and self.text[index - 1 : index] == "不":
            return "liao3"  # potential complement: 走不了, 忘不了
        if word in ("着", "著"):
            return self._zhe(span_index)
        if word in _BY_NEXT_WORD:
            return self._by_next_word(word, span_index)
        if word == "弄":
            # lòng is a lane, numbered in addresses or naming a place (118弄, 百福弄社區);
            # otherwise nòng, to do / to handle.
            lane = (
                self.text[index - 1 : index].isdigit() or self.next_word(span_index) in _LANE_AFTER
            )
            return "long4" if lane else "nong4"
        by_characters = self._by_characters(char, word, index)
        if by_characters is not None:
            return by_characters
        if word in _CLAUSE_FINAL_READINGS and self.next_word(span_index) == "":
            return _CLAUSE_FINAL_READINGS[word]  # 你給我啦！ 弄好。
        if word in _FINAL_PARTICLES and self.next_word(span_index) == "":
            # 走吧。 好啊！ but not an interjection opening its clause (啊，是你).
            return _FINAL_PARTICLES[word] if self.clause_before(span_index) else None
        return _LONE_READINGS.get(word)

    def _by_characters(self, char: str, word: str, index: int) -> str | None:
        """A reading the characters next to this one tell (`_BY_NEXT_CHARACTER` ...); 鎬 as a
        word of its own is a pick (gǎo; in names it is hào: 陳鎬); a lone 盡 is jìn, all of it
        (盡得其傳), but jǐn in 盡着 and 盡先."""
        following = self.text[index + 1 : index + 2]
        previous = self.text[index - 1 : index]
        if char in _BY_NEXT_CHARACTER and following:
            reading, after = _BY_NEXT_CHARACTER[char]
            if following in after:
                return reading
        if char in _BY_PREVIOUS_CHARACTER and previous:
            reading, before = _BY_PREVIOUS_CHARACTER[char]
            if previous in before:
                return reading
        if word == "镐":
            return "gao3"
        if char == "尽":
            return "jin3" if following in ("着", "先") else "jin4"
        return None

    def _wei(self, span_index: int) -> str | None:
        before = self.clause_before(span_index)
        after = self.next_word(span_index)
        if before and self.is_word(before[-1] + "为"):
            return None  # a word the segmenter split (作/为, 互/为): the word table decides
        if any(word in _WITH_YI for word in before):
            return "wei2"  # 以 X 为 Y: take X as Y
        if after[:1].isdigit():
            return "wei2"  # 面积为 100 平方公里
        if after in _PRONOUNS or after in _PURPOSE_VERBS or after.startswith(("何", "什么")):
            return "wei4"  # for someone, in order to, why: 为她设置, 为保护女儿, 为何
        subject_seen = False
        for word in before:
            if word in _PRE_VERBAL:
                continue
            if word in _PRONOUNS and not subject_seen:
                subject_seen = True
                continue
            return None
        return "wei4" if after else None  # clause-initial 为 + object: for, in order to

    def _de_obtain_or_particle(self, span_index: int) -> str | None:
        before = self.clause_before(span_index)
        after = self.next_word(span_index)
        if not before or not after or not is_han_char(before[-1][-1]):
            return None
        negated = after.startswith("不") and not after.startswith(("不到", "不了", "不偿"))
        if after.startswith(_DEGREE_PREFIXES) or negated:
            return "de5"  # complement: 跑得很快, 说得不对 (but 得不到 dé: to fail to get)
        if before[-1] in _PRONOUNS and is_han_char(after[0]) and after[0] not in _OBTAIN_AFTER:
            return "dei3"  # must: 我得走了
        return None

    def _de_or_di(self, span_index: int) -> str | None:
        before = self.clause_before(span_index)
        after = self.next_word(span_index)
        if not before or not after or not is_han_char(after[0]):
            return None
        previous = before[-1]
        doubled = (len(previous) == 2 and previous[0] == previous[1]) or (
            len(previous) == 4 and previous[0] == previous[1] and previous[2] == previous[3]
        )
        if doubled:
            return "de5"  # 慢慢地走, 高高兴兴地
        if len(previous) >= 2 and is_han_char(previous[-1]) and after[0] not in _PLACE_AFTER:
            return "de5"  # adverbial: 积极地参与
        return None

    def _by_next_word(self, word: str, span_index: int) -> str | None:
        """还 重 长 中, by the word after them."""
        after = self.next_word(span_index)
        if word == "还" and after in _PRONOUNS and self.next_word(span_index + 1)[:1] in _RETURNED:
            return "huan2"  # 還你錢, 還他一本書: to give back
        if word == "重" and after[:1] in _DONE_AGAIN and len(after) == 1:
            return "chong2"  # 重說一遍, 重做: again
        if word == "长" and after in _GROWN:
            return "zhang3"  # 長了, 長大, 長得: to grow
        if word == "中" and after == "了":
            return "zhong4"  # 中了一槍, 中了獎: to be hit, to win
        return None

    def _zhe(self, span_index: int) -> str | None:
        """着 (著 in Traditional text) after a verb: zháo after 不 or 得 (找不着, 睡得着),
        otherwise the aspect particle zhe (看着, 開著). After a subject, 著 is zhù, to write
        (他著有三本書); 着 there is left to the model."""
        before = self.clause_before(span_index)
        if before and before[-1] in _PRONOUNS:
            return "zhu4" if self.word(span_index) == "著" else None
        if not before or not is_han_char(before[-1][-1]):
            return None
        if before[-1][-1] in "不得":
            return "zhao2"
        return "zhe5"

    def _dou(self, span_index: int) -> str | None:
        after = self.next_word(span_index)
        if after in _PRE_VERBAL or after in _AFTER_DOU:
            return "dou1"  # the adverb: 两国都将, 大家都是
        return None

    def _after_degree_word(self, index: int) -> bool:
        before = self.text[max(0, index - 2) : index]
        return before.endswith(_DEGREE_BEFORE_ADJECTIVE) or before in ("非常", "特别", "比较")

    def _ying(self, index: int) -> str | None:
        following = self.text[index + 1 : index + 2]
        return "ying1" if following and is_han_char(following) else None  # modal: 应是, 而应


@lru_cache(maxsize=1)
def default_reader() -> PinyinReader:
    """The process-wide reader (its tables and model load on first use)."""
    return PinyinReader()
