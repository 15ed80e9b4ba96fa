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
5. g2pM's BiLSTM polyphone model (`polyphone_model`: trained on the CPP corpus; its weights,
   exported from its wheel into data/g2pm/, run batched in NumPy, ±12 characters around each
   character) chooses among the candidates where nothing above decided. A word's proposal is
   final for a common word (Zipf ≥ 3) and for 了得地着都为行长重; for a rarer word (names, terms)
   the model may overrule it when at least 99.9% sure. Chosen on CPP dev (see
   MODEL_OVERRIDES_WORD_AT).

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
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from reader.core.engine.polyphone_model import ModelQuery, PolyphoneModel
from reader.core.engine.reading_context import ReadingContext
from reader.core.engine.reading_tables import ReadingTables, WordReadings
from reader.core.engine.syllables import tone_of
from reader.core.text.han import is_han_char
from reader.core.text.sentences import ELLIPSES, SENTENCE_ENDS

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


# --- the reader ------------------------------------------------------------------------------

# The model's window stops at a sentence's end (not at an ellipsis: see ELLIPSES) or a line.
_SENTENCE_END = re.compile(f"[{re.escape(''.join(sorted(SENTENCE_ENDS - ELLIPSES)))}\n]+")
# Characters whose reading inside any dictionary word, common or rare, is final: the model is
# unreliable on them outside its corpus (it reads 孩子长大了 cháng, 探长 cháng) and on CPP dev
# it never rightly overrode a word for them.
_WORD_FINAL_CHARS = frozenset("了得地着都为行长重")
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
        context = ReadingContext(
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
        context: ReadingContext,
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


@lru_cache(maxsize=1)
def default_reader() -> PinyinReader:
    """The process-wide reader (its tables and model load on first use)."""
    return PinyinReader()
