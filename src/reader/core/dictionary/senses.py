"""The sense that fits: which CC-CEDICT definition of a word its sentence uses.

A word's one-line gloss (the reading screen's status line, `annotate`, `stats`, saved cards) is
one definition of one entry. CC-CEDICT orders neither its entries nor their definitions by how
often they are meant: 在 starts with "to exist", 着 with four "variant of 著" lines, 質量 with
"(physics) mass". The choice here, in order:

1. **The reading in context** picks the entries: 東西 dōngxi is "thing", dōngxī "east and
   west"; 還 huán "to pay back", hái "still". An entry that only points elsewhere ("variant of
   著|着[zhe5]") gives way to the entry it points to.
2. **Rules for frequent words** (`sense_rules.WORD_RULES`) read the neighbours: 在 before a
   verb is the progressive ("他在看書"), before a place "(located) at"; 會 before a skill verb is
   "can", before others "to be likely to"; 想 before a verb "to want", before a person at a
   clause's end "to miss".
3. **What the neighbours suggest of the part of speech**: after a number or 這/那 a character
   is a classifier ("一張桌子"); before 了/着/過 or after 不/會/要 a word is a verb ("to ...");
   after 的 or a classifier it is a noun (not "to ...").
4. **What a learner needs first**: senses that are not "variant of"/"see X" pointers,
   surname-only, "(bound form)" of a character standing alone, or marked archaic, literary,
   dialect or technical ("(physics)", "(math.)"); a "fig." sense over its "lit." one.

Every sense stays in the gloss panel, the chosen one first (`ordered_senses`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from reader.core.dictionary.sense_rules import (
    AFTER_VERBS,
    BEFORE_VERBS,
    PREFERRED,
    WORD_RULES,
    Neighbours,
    counts_next,
    is_place_compound,
)
from reader.core.models import Entry, _is_pointer_definition, normalised_pinyin


@dataclass(frozen=True, slots=True)
class Sense:
    """One definition of one entry."""

    entry: Entry
    index: int

    @property
    def definition(self) -> str:
        return self.entry.definitions[self.index]


def same_reading(entry: Entry, reading: Sequence[str]) -> bool:
    """The entry is read `reading` (numbered syllables; case, ü spellings aside)."""
    return normalised_pinyin(entry.pinyin) == normalised_pinyin(" ".join(reading))


def choose_sense(
    entries: Sequence[Entry], reading: Sequence[str], around: Neighbours, word: str
) -> Sense | None:
    """The sense of `word` (Simplified) its neighbours suggest, among the entries read
    `reading`, else among all entries; None when there is no real definition."""
    candidates = _candidate_senses(tuple(entries), tuple(reading))
    if not candidates:
        return None
    hints = part_of_speech_hints(word, around.before, around.after)
    rule = WORD_RULES.get(word)
    if rule is None and is_place_compound(word + around.after[:1]):
        # 欧方 "the European side", 英军: the place, not 欧 "ohm" or 英 "hero".
        for sense in candidates:
            if sense.entry.pinyin[:1].isupper() and not _SURNAME.match(sense.definition):
                return sense
    if rule is not None:
        wanted = _matching(candidates, rule(around))
        # Counted (一把), a word is a classifier: its rule may say which (把 of things with
        # handles, not "handful"), but no other sense.
        if wanted is not None and (not hints[0] or _CLASSIFIER.match(wanted.definition)):
            return wanted
    return _by_hints(candidates, word, *hints)


def _by_hints(
    candidates: tuple[Sense, ...], word: str, counted: bool, verb: bool, noun: bool
) -> Sense:
    """The sense of a word without a rule (or counted), from what the words next to it
    suggest of its part of speech."""
    if counted:
        # 一張桌子, 三條魚, 一項研究: after a number or 這/那 a character is a classifier.
        for sense in candidates:
            if _CLASSIFIER.match(sense.definition):
                return sense
    preferred = _matching(candidates, PREFERRED.get(word))
    if preferred is not None:
        return preferred
    if len(word) == 2 and word[0] == "中":
        # 中美, 中歐, 中非 in running text are China and another country far more often than
        # Central America, Europe or Africa.
        for sense in candidates:
            if sense.definition.startswith(("China-", "Sino-")):
                return sense
    return _by_penalty(candidates, len(word) == 1, counted, verb, noun)


def surname_sense(entries: Sequence[Entry]) -> Sense | None:
    """The "surname X" sense of a character's entries, if it has one (阮 in 阮宗澤)."""
    for entry in entries:
        for index, definition in enumerate(entry.definitions):
            if _SURNAME.match(definition):
                return Sense(entry, index)
    return None


def _matching(candidates: Sequence[Sense], wanted: str | None) -> Sense | None:
    """The candidate that is `wanted`, else the first starting with it, else containing it."""
    if wanted is None:
        return None
    for matches in (str.__eq__, str.startswith, str.__contains__):
        for sense in candidates:
            if matches(sense.definition, wanted):
                return sense
    return None


def depends_on_context(entries: Sequence[Entry], reading: Sequence[str], word: str) -> bool:
    """Whether the words around can change the sense chosen (a rule reads them, or what they
    suggest of the part of speech would pick another sense); else it is the same wherever the
    word is read this way."""
    if word in WORD_RULES:
        return True
    candidates = _candidate_senses(tuple(entries), tuple(reading))
    if len(candidates) < 2:
        return False
    kinds = {(classifier, verb) for _, classifier, verb in _scores(candidates, len(word) == 1)}
    if len(kinds) == 1:
        return False  # every hint moves every candidate alike
    chosen = {
        _by_hints(candidates, word, counted, verb, noun)
        for counted in ((False, True) if len(word) == 1 else (False,))
        for verb in (False, True)
        for noun in (False, True)
    }
    return len(chosen) > 1


def has_rule(word: str) -> bool:
    """Whether a rule reads the neighbours of `word` (Simplified) to choose its sense."""
    return word in WORD_RULES


def part_of_speech_hints(word: str, before: str, after: str) -> tuple[bool, bool, bool]:
    """What the words just before and after suggest of `word`'s part of speech (counted,
    verb, noun): all that the sense of a word without a rule can depend on."""
    counted = len(word) == 1 and counts_next(before[-1:])
    verb = before in BEFORE_VERBS or after in AFTER_VERBS
    noun = before in ("的", "之") or (bool(before) and before[-1] in "个种项位条张本件")
    return counted, verb, noun


def _by_penalty(
    candidates: tuple[Sense, ...], single: bool, counted: bool, verb: bool, noun: bool
) -> Sense:
    """The candidate with the least penalty for these hints (the first on a tie)."""
    best = candidates[0]
    least = float("inf")
    for sense, (base, classifier, is_verb) in zip(
        candidates, _scores(candidates, single), strict=True
    ):
        penalty = base
        if counted != classifier:
            penalty += 3 if counted else 1.5
        if verb and not is_verb:
            penalty += 1
        if noun and is_verb:
            penalty += 1.5
        if penalty < least:
            best, least = sense, penalty
    return best


def _scores(candidates: tuple[Sense, ...], single: bool) -> tuple[tuple[float, bool, bool], ...]:
    return _by_identity(_scores_of, candidates, single)


def _scores_of(candidates: tuple[Sense, ...], single: bool) -> tuple[tuple[float, bool, bool], ...]:
    """Per candidate: the penalty no neighbour changes, whether it is a classifier, whether
    a verb."""
    return tuple(
        (
            _base_penalty(sense.definition, single)
            # A proper noun's sense (冀 Jì, Hebei) only when no common word's fits as well.
            + (1.5 if sense.entry.pinyin[:1].isupper() else 0),
            _CLASSIFIER.match(sense.definition) is not None,
            sense.definition.startswith(("to ", "(coll.) to ", "(fig.) to ")),
        )
        for sense in candidates
    )


def ordered_senses(entries: Sequence[Entry], chosen: str | None) -> list[tuple[Entry, list[int]]]:
    """Every entry with its definitions' indices, the entry holding the chosen definition
    first and that definition first in it; the others keep CC-CEDICT's order (the gloss
    panel). `chosen` is the gloss as shown, markup rendered or not."""
    from reader.core.dictionary.markup import render

    ordered = [(entry, list(range(len(entry.definitions)))) for entry in entries]
    if chosen is None:
        return ordered
    for position, (entry, indices) in enumerate(ordered):
        for index in indices:
            definition = entry.definitions[index]
            if chosen in (definition, render(definition)):
                indices.remove(index)
                ordered.pop(position)
                return [(entry, [index, *indices]), *ordered]
    return ordered


def _candidate_senses(entries: tuple[Entry, ...], reading: tuple[str, ...]) -> tuple[Sense, ...]:
    """The senses of the entries read `reading` (else of all entries), real ones first."""
    return _by_identity(_senses_read, entries, reading)


# The same tuple (a dictionary's remembered lookup, its candidates) is asked about again and
# again: results are remembered by its identity, as hashing CC-CEDICT entries costs more than
# choosing. The tuple is kept with its result, so its id is never reused while remembered.
_remembered: dict[tuple[object, int, object], tuple[object, object]] = {}
T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A", bound=Hashable)


def _by_identity(compute: Callable[[T, A], R], subject: T, argument: A) -> R:
    key = (compute, id(subject), argument)
    found = _remembered.get(key)
    if found is not None and found[0] is subject:
        return found[1]  # type: ignore[return-value]
    result = compute(subject, argument)
    if len(_remembered) >= 65536:
        _remembered.clear()
    _remembered[key] = (subject, result)
    return result


def _senses_read(entries: tuple[Entry, ...], reading: tuple[str, ...]) -> tuple[Sense, ...]:
    read = [entry for entry in entries if same_reading(entry, reading)] or list(entries)
    senses = [
        Sense(entry, index)
        for entry in read
        for index, definition in enumerate(entry.definitions)
        if _is_sense(definition)
    ]
    real = [sense for sense in senses if not _is_pointer_definition(sense.definition)]
    return tuple(real or senses)


_NOT_SENSES = re.compile(r"^(?:CL:|Taiwan pr\.|also pr\.|pr\. )")


def _is_sense(definition: str) -> bool:
    """Lines that are notes, not senses: measure-word lists, pronunciation notes."""
    return _NOT_SENSES.match(definition) is None


# --- the general preferences -------------------------------------------------------------------

_LABELLED = re.compile(
    r"^\((?:archaic|old|literary|dialect|Cantonese|Tw|slang|physics|math\.|chemistry|botany|"
    r"zoology|medicine|computing|Buddhism|Daoism|Taoism|music|geology|law|sports|linguistics|"
    r"astronomy|biology|electricity|onom\.|loanword|mechanics|grammar|TCM|derog\.|vulgar|"
    r"euphemism|Internet slang|dated|obsolete|Confucianism|military|engineering|geography|"
    r"anatomy|economics|finance|statistics|printing|electronics|photography|phonetics|"
    r"chess|Go|philosophy|psychology|theater|logic|genetics|pharmacology)[^)]*\)"
)
_SURNAME = re.compile(r"^surname \w+$")
_CLASSIFIER = re.compile(r"^(?:classifier|measure word|\(after a number\))")


def _base_penalty(definition: str, single: bool) -> float:
    """What makes a sense less likely wherever the word stands."""
    penalty = 0.0
    if _is_pointer_definition(definition):
        penalty += 6
    if _SURNAME.match(definition):
        penalty += 5
    if single and definition.startswith("(bound form)"):
        penalty += 2
    if definition.startswith("(literary)"):
        penalty += 1  # news and set phrases use them: 冀 "to hope for" in a headline
    elif _LABELLED.match(definition):
        penalty += 2
    if definition.startswith("lit. "):
        penalty += 1
    return penalty
