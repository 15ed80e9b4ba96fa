"""The words of a paragraph as the learner-reading and sense rules see them, with their
neighbours in the clause.

`WordsInContext` works out, once per paragraph, what the words around each word are: the word
just before and after it in its clause, whether the clause is a question, whether a 一 came
before; `neighbours` hands that to the sense rules (`reader.core.dictionary.senses`), and the
standard reading (`reader.core.engine.standard`) reads the same facts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reader.core.dictionary.sense_rules import Neighbours
from reader.core.models import Entry, _is_pointer_definition
from reader.core.text.sentences import ELLIPSES, QUESTION_MARKS, SENTENCE_ENDS


@dataclass(frozen=True, slots=True)
class WordInContext:
    """One token of a paragraph as these rules see it."""

    simplified: str  # the token in Simplified ("" never: non-Han tokens keep their text)
    citation: tuple[str, ...]  # syllables read in context, citation tones; () for non-Han
    entries: tuple[Entry, ...]  # its CC-CEDICT entries, then those they point to
    is_han: bool
    name_like: bool = False  # no entry, two or three characters, a common surname first
    verb_like: bool = False  # its first real sense is a verb (`first_sense_is_verb`)


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that end the subject part of a clause or modify a verb: after them a directional word
# (起來, 出來, 過去) is a verb of its own, not a complement (他起來了, 都出來了).
NOT_VERBS = word_set(
    """我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们 大家 自己 人 谁 这 那
    都 也 就 还 又 才 再 已经 已 快 马上 立刻 早 刚 刚才 一起 一同 终于
    又要 要 会 能 想 没 没有 不"""
)
_STATEMENT_ENDS = SENTENCE_ENDS - QUESTION_MARKS - ELLIPSES  # a question goes on across …
_CLAUSE_BREAKS = frozenset("，。；：！？,.;:!?\n「」『』（）()“”《》、…")

EntriesOf = Callable[[str], Sequence[Entry]]


class WordsInContext:
    """The words of a paragraph, with their clause neighbours."""

    def __init__(self, words: Sequence[WordInContext], entries_of: EntriesOf | None = None) -> None:
        self.words = words
        self.entries_of = entries_of
        self._questions: list[bool] | None = None
        self._clause_starts: list[int] | None = None
        self._near: list[tuple[str, str]] | None = None
        self._following: list[int] = []
        self._yi_before: list[bool] = []

    def next_to(self, index: int) -> tuple[str, str]:
        """The words just before and after word `index` in its clause ("" past its edges)."""
        self._prepare()
        assert self._near is not None
        return self._near[index]

    def _prepare(self) -> None:
        """The per-word facts `signature` reads, in one pass each way."""
        if self._near is not None:
            return
        words = self.words
        count = len(words)
        near = [("", "")] * count
        clause_starts = [0] * count
        yi_before = [False] * count
        before, start, yi = "", 0, False
        for index, word in enumerate(words):
            clause_starts[index] = start
            yi_before[index] = yi
            if word.is_han:
                near[index] = (before, "")
                before = word.simplified
                yi = yi or before == "一"
            else:
                if word.simplified.strip():
                    before = ""
                if not _CLAUSE_BREAKS.isdisjoint(word.simplified):
                    start, yi = index + 1, False
        questions = [False] * count
        following = [count] * count
        after, question, upcoming = "", False, count
        for index in range(count - 1, -1, -1):
            word = words[index]
            following[index] = upcoming
            if word.is_han:
                near[index] = (near[index][0], after)
                after = word.simplified
                upcoming = index
            elif word.simplified.strip():
                after = ""
                if not QUESTION_MARKS.isdisjoint(word.simplified):
                    question = True
                elif not _STATEMENT_ENDS.isdisjoint(word.simplified):
                    question = False
            questions[index] = question
        self._near, self._clause_starts, self._yi_before = near, clause_starts, yi_before
        self._questions, self._following = questions, following

    def signature(self, index: int) -> tuple[str, str, str, bool, bool, bool]:
        """Everything `neighbours(index)` is made from, cheaply: a word whose reading or
        sense these facts decide reads the same wherever they are the same."""
        self._prepare()
        assert self._near is not None and self._questions is not None
        assert self._clause_starts is not None
        before, after = self._near[index]
        following = self._following[index]
        after_next = self._near[following][1] if after and following < len(self.words) else ""
        opens = self._clause_starts[index] == index
        return (before, after, after_next, opens, self._yi_before[index], self._questions[index])

    def neighbours(self, index: int) -> Neighbours:
        """What the words around word `index` suggest, for choosing its sense."""
        self._prepare()
        before_word = self.before(index)
        after_word = self.after(index)
        before, after, after_next, opens_clause, yi_before, question = self.signature(index)
        return Neighbours(
            before=before,
            after=after,
            after_next=after_next,
            before_is_verb=before_word is not None and looks_like_verb(before_word),
            after_is_verb=after_word is not None and looks_like_verb(after_word),
            opens_clause=opens_clause,
            yi_before=yi_before,
            question=question,
        )

    def before(self, index: int) -> WordInContext | None:
        """The word just before, in the same clause (None at its start)."""
        for previous in range(index - 1, -1, -1):
            word = self.words[previous]
            if word.is_han:
                return word
            if not _CLAUSE_BREAKS.isdisjoint(word.simplified):
                return None
            if word.simplified.strip():
                return None
        return None

    def after(self, index: int) -> WordInContext | None:
        """The word just after, in the same clause (None at its end)."""
        for following in range(index + 1, len(self.words)):
            word = self.words[following]
            if word.is_han:
                return word
            if word.simplified.strip():
                return None
        return None


def looks_like_verb(word: WordInContext) -> bool:
    """Whether the word looks like a verb to its neighbours (no tagger: its first sense)."""
    return word.verb_like and word.simplified not in NOT_VERBS


def first_sense_is_verb(entries: Sequence[Entry]) -> bool:
    """Whether a word's first real sense is a verb ("to ..."), what a neighbour can tell of
    its part of speech without a tagger."""
    for entry in entries:
        for definition in entry.definitions:
            if not _is_pointer_definition(definition):
                return definition.startswith(("to ", "(coll.) to "))
    return False
