"""Readings as a learner is taught them: the mainland standard over the syllables read in context.

The reading engine (`reader.core.engine.pinyin`) reads each character in context with its
citation tone, as the CPP corpus and most polyphone data write it: 朋友 péng yǒu, 關係 guān xì.
A learner is taught the mainland standard that CC-CEDICT, the HSK lists, textbooks, Pleco and
Du Chinese write: neutral tones (péngyou, guānxi, dōngxi), particles in their particle use
(去過 qùguo), names as dictionaries write them (Wáng Yì). This step turns the first into the
second, one word at a time, with the words around it:

1. **A dictionary word** takes the CC-CEDICT reading that agrees with the syllables read in
   context: the same letters, and the same tone or a neutral one (péngyǒu → péngyou; the erhua
   兒 of 哪兒 is its 'r'). Its capitals come too (Běijīng, Wáng Yì). Where two readings agree
   (東西 dōngxi "thing" / dōngxī "east and west", 地道, 大意, 精神, 人家, 地方, 起來 ...), the
   words around decide (`neutral_tones.CONTEXT_RULES`), else the reading a learner meets
   first: the one `DEFAULT_READINGS` names, else the lowercase one with the most senses (a
   neutral one on a tie: 故事 gùshi "story" over gùshì "old practice").
2. **A proper noun** with one reading in the dictionary always reads that way, whatever the
   context made of its characters: a name reads the same everywhere in a document.
3. **Particles**: 過 after a verb is the aspect particle, guo (去過, 看過); 不 and 一 between a
   word and itself (去不去, 看一看) are neutral; a lone 兒 after a word is its erhua r (面條兒),
   a lone 邊 after a direction the neutral bian of 東邊, 裡邊 (`neutral_tones`). 了 的 嗎 吧 呢
   啊 着 地 得 are settled by the reading engine's own context rules.

Anything else keeps the syllables read in context. Citation tones stay available as the
token's full tones (`reader.core.engine.tones` shows them on request).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reader.core.dictionary.sense_rules import is_place_compound
from reader.core.engine.neutral_tones import CONTEXT_RULES, ERHUA, particle_reading
from reader.core.engine.syllables import is_capitalised, split_numbered
from reader.core.engine.words_in_context import (
    EntriesOf,
    WordInContext,
    WordsInContext,
    first_sense_is_verb,
    word_set,
)
from reader.core.models import Entry, _is_pointer_definition


@dataclass(frozen=True, slots=True)
class _Reading:
    """One CC-CEDICT reading of a word: lowercase numbered syllables and their capitals."""

    syllables: tuple[str, ...]
    capitals: tuple[bool, ...]
    senses: int  # real definitions (not "see X", "variant of X") under this reading

    @property
    def proper(self) -> bool:
        return any(self.capitals)

    def written(self) -> tuple[str, ...]:
        return tuple(
            syllable[:1].upper() + syllable[1:] if capital else syllable
            for syllable, capital in zip(self.syllables, self.capitals, strict=True)
        )


# Words with two readings that agree with the syllables read, where the one with more senses is
# not the one a learner meets first (女人 nǚrén "woman", not nǚren "wife").
DEFAULT_READINGS = {
    "女人": "nv3 ren2",
    "老公": "lao3 gong1",
    "说道": "shuo1 dao4",
    "开通": "kai1 tong1",
    "人家": "ren2 jia5",
    # CC-CEDICT's 起來 qi5 lai5 is "after a verb", but its own 站起來, 看起來, 好起來 write
    # qi3 lai5, as the HSK list does (起來 qǐlai).
    "起来": "qi3 lai5",
}

# Function characters: a word with one after its first character is not a name (向更高).
_NOT_IN_GIVEN_NAMES = frozenset(
    "的了在是有和也都就更最很不没这那个们说要会能把被给对向从到为与及或但而"
)

# Readings CC-CEDICT lacks of words whose other reading it has (XHC 7th ed. gives both).
EXTRA_READINGS = {"兄弟": "xiong1 di5"}


def standard_readings(
    words: Sequence[WordInContext], entries_of: EntriesOf | None = None
) -> list[tuple[str, ...]]:
    """The standard reading of each word of a paragraph (an empty tuple for non-Han tokens).

    `entries_of(word)` gives the dictionary entries of a word made of several tokens; with it,
    a dictionary word the segmenter cut (了/不/起, 說/不定, 基本/上) reads as that word."""
    paragraph = WordsInContext(words, entries_of)
    readings = [reading_of(paragraph, index) for index in range(len(words))]
    readings_of_cut_words(paragraph, readings)
    return readings


def reading_of(paragraph: WordsInContext, index: int) -> tuple[str, ...]:
    """The standard reading of one word (an empty tuple for a non-Han token)."""
    return _standard(paragraph, index) if paragraph.words[index].is_han else ()


def readings_of_cut_words(paragraph: WordsInContext, readings: list[tuple[str, ...]]) -> set[int]:
    """Give the tokens of each dictionary word the segmenter cut that word's reading (in
    place); the indices of the tokens changed."""
    changed: set[int] = set()
    if paragraph.entries_of is None:
        return changed
    words = paragraph.words
    for first, syllables in _spanning_words(words, paragraph.entries_of):
        for index, word in enumerate(words[first:], start=first):
            if not syllables:
                break
            readings[index] = syllables[: len(word.simplified)]
            syllables = syllables[len(word.simplified) :]
            changed.add(index)
    return changed


# Tokens a cut dictionary word is looked for around: the 不 and 得 of 了不起, 來得及, 說不定;
# the 一 of 看一看; a lone direction or place ending (基本/上, 看/上去, 想/起來).
_SPAN_TRIGGERS = word_set("""不 得 一 上 下 里 来 去 起 过""")
_SPAN_STARTS = ("不", "得", "上", "下", "起", "来", "去", "过")


def _spanning_words(
    words: Sequence[WordInContext], entries_of: EntriesOf
) -> list[tuple[int, tuple[str, ...]]]:
    """(first token, reading) for each dictionary word spanning two or three whole tokens
    around a trigger, with one reading in the dictionary; the longest wins."""
    found: list[tuple[int, tuple[str, ...]]] = []
    taken = -1
    for index, word in enumerate(words):
        if not word.is_han or word.simplified[0] not in _SPAN_FIRST:
            continue
        if not (
            word.simplified in _SPAN_TRIGGERS
            or (len(word.simplified) == 2 and word.simplified.startswith(_SPAN_STARTS))
        ):
            continue
        for first, last in ((index - 1, index + 1), (index - 1, index), (index, index + 1)):
            if first <= taken or first < 0 or last >= len(words):
                continue
            group = words[first : last + 1]
            if not all(member.is_han for member in group):
                continue
            text = "".join(member.simplified for member in group)
            if len(text) > 4:
                continue
            reading = _one_reading(entries_of, text)
            if reading is not None:
                found.append((first, reading))
                taken = last
                break
    return found


_SPAN_FIRST = frozenset("".join(_SPAN_TRIGGERS) + "".join(_SPAN_STARTS))
_one_readings: dict[tuple[EntriesOf, str], tuple[str, ...] | None] = {}


def _one_reading(entries_of: EntriesOf, text: str) -> tuple[str, ...] | None:
    """A word's only lowercase reading in the dictionary, None if it has none or several
    (remembered: the triggers recur on every page)."""
    key = (entries_of, text)
    if key not in _one_readings:
        if len(_one_readings) >= 65536:
            _one_readings.clear()
        readings = {
            reading.written()
            for reading in _readings(tuple(entries_of(text)))
            if not reading.proper and len(reading.syllables) == len(text)
        }
        _one_readings[key] = readings.pop() if len(readings) == 1 else None
    return _one_readings[key]


def full_tones(standard: Sequence[str], citation: Sequence[str]) -> tuple[str, ...]:
    """The standard reading with each neutral tone given back the tone its character was read
    with in context (péngyou → péngyǒu, 去過 qùguo → qùguò); () when nothing changes. A name
    the dictionary read otherwise keeps the dictionary's reading; a particle read neutral in
    context (了 le, 吧 ba) has no other tone and stays neutral."""
    if len(standard) != len(citation):
        return ()
    full = []
    for said, cited in zip(standard, citation, strict=True):
        if said.endswith("5") and not cited.endswith("5") and said[:-1].lower() == cited[:-1]:
            full.append(said[:-1] + cited[-1])
        else:
            full.append(said)
    return () if full == list(standard) else tuple(full)


def _standard(paragraph: WordsInContext, index: int) -> tuple[str, ...]:
    word = paragraph.words[index]
    citation = word.citation
    before = paragraph.before(index)
    text = word.simplified
    negation = len(text) == 2 and text[0] == "不" and citation[0] == "bu4"
    if negation and before is not None and before.simplified[-1] == text[1]:
        return ("bu5", *citation[1:])  # 是/不是, 好/不好: a word, then its negation
    if len(text) == 1:
        # A character's neutral reading is another morpheme (the particle 吧 ba, not a weak
        # bā): the reading engine chose between them in context; only particles change here.
        return particle_reading(paragraph, index) or citation
    readings = _readings(word.entries)
    extra = EXTRA_READINGS.get(word.simplified)
    if extra is not None:
        readings += (_Reading(tuple(extra.split()), (False,) * len(word.simplified), 1),)
    proper = [reading for reading in readings if reading.proper]
    only_one_name = len(proper) == len(readings) and len({r.syllables for r in proper}) == 1
    if proper and only_one_name and len(proper[0].syllables) == len(citation):
        return proper[0].written()  # a name: the same reading wherever it stands
    agreeing = [reading for reading in readings if _agrees(reading.syllables, citation)]
    if not agreeing:
        only = {reading.syllables for reading in readings if len(reading.syllables) == len(text)}
        if len(only) == 1 and not proper:
            (syllables,) = only
            if _engine_could_not(text, syllables, citation):
                return syllables
        return _without_entry(paragraph, index)
    if len({reading.syllables for reading in agreeing}) > 1:
        chosen = _by_context(paragraph, index, agreeing) or _by_default(word, agreeing)
    else:
        chosen = _lowercase_first(agreeing)[0]
    return chosen.written()


def _engine_could_not(text: str, dictionary: tuple[str, ...], citation: tuple[str, ...]) -> bool:
    """Whether a dictionary word's only reading differs from the one read just where the
    reading engine had a single candidate for the character (鑰匙 yàoshi: its tables know 鑰
    only as yuè, 匙 as chí): there the engine had no choice to make, so the word's reading
    wins. Where the engine chose among candidates (上調 diào/tiáo), its choice stands."""
    from reader.core.engine.pinyin import default_reader

    tables = default_reader().tables
    differs = False
    for char, said, read in zip(text, dictionary, citation, strict=True):
        if said[:-1] != read[:-1]:
            if len(tables.candidates(char, char)) != 1:
                return False
            differs = True
    return differs


def _without_entry(paragraph: WordsInContext, index: int) -> tuple[str, ...]:
    """A word no dictionary reading agrees with keeps what was read, but for a closing 兒
    after a dictionary word, which is the erhua r (塊兒 kuàir, 玩兒 wánr), and a name whose
    surname has a reading of its own (葛沖 Gě Chōng, not gé chōng)."""
    word = paragraph.words[index]
    syllables = list(word.citation)
    text = word.simplified
    if len(text) > 1 and text.endswith("儿") and syllables[-1].startswith("er"):
        stem = paragraph.entries_of(text[:-1]) if paragraph.entries_of is not None else ()
        if paragraph.entries_of is None or stem:  # 我和瑚/兒 has no word before its 兒
            syllables[-1] = ERHUA
    surname = _surname_reading(paragraph, word)
    if surname is not None and split_numbered(syllables[1]) is not None:
        syllables[0] = surname
        syllables[1] = syllables[1][:1].upper() + syllables[1][1:]
    return tuple(syllables)


def _surname_reading(paragraph: WordsInContext, word: WordInContext) -> str | None:
    """For a word no dictionary knows that looks like a name (two or three characters, a
    common surname first, no function character after it), the reading its first character
    has as a surname (葛 Ge3, 肖 Xiao1: CC-CEDICT's capitalised "surname" entry, a reading none
    of its other entries has or the one read in context: 阮 Ruan3; the character standing for
    no other name and its everyday reading no verb), capitalised; None otherwise."""
    text = word.simplified
    if not word.name_like or paragraph.entries_of is None:
        return None
    if any(char in _NOT_IN_GIVEN_NAMES for char in text[1:]) or is_place_compound(text):
        return None  # 向更高; 欧方 is the European side, not Ōu Fāng
    entries = paragraph.entries_of(text[0])
    surnames = {
        entry.pinyin
        for entry in entries
        if is_capitalised(entry.pinyin) and any(d.startswith("surname ") for d in entry.definitions)
    }
    other_names = [
        entry
        for entry in entries
        if is_capitalised(entry.pinyin)
        and not any(d.startswith("surname ") for d in entry.definitions)
    ]
    others = {entry.pinyin.lower() for entry in entries if not is_capitalised(entry.pinyin)}
    if len(surnames) != 1 or other_names:  # 華 is also China (Huá): not only a surname
        return None
    everyday = [entry for entry in entries if not is_capitalised(entry.pinyin)]
    if first_sense_is_verb(everyday):
        # 任 rèn "to take up a post" before its object (1995年任武鋼集團副總經理) looks like
        # a name as often as it is one: the reading in context decides.
        return None
    reading = surnames.pop()
    parts = split_numbered(reading)
    if parts is None:
        return None
    written = parts[0][:1].upper() + parts[0][1:].replace("ü", "v") + str(parts[1])
    if reading.lower() in others and written.lower() != word.citation[0]:
        # The surname's reading is an everyday word's too (曾 zēng, 柏 bǎi): only where the
        # character was read so in context is it the surname (阮 Ruǎn in 阮宗澤).
        return None
    return written


def _agrees(dictionary: tuple[str, ...], citation: tuple[str, ...]) -> bool:
    """The dictionary reading is the one read, save neutral tones (and an erhua 'r')."""
    if len(dictionary) != len(citation):
        return False
    for said, cited in zip(dictionary, citation, strict=True):
        if said == cited:
            continue
        if said == ERHUA and cited.startswith("er"):
            continue
        if not said.endswith("5") or said[:-1] != cited[:-1]:
            return False
    return True


def _lowercase_first(readings: Sequence[_Reading]) -> list[_Reading]:
    return sorted(readings, key=lambda reading: reading.proper)


def _by_default(word: WordInContext, readings: Sequence[_Reading]) -> _Reading:
    named = DEFAULT_READINGS.get(word.simplified)
    for reading in readings:
        if named is not None and " ".join(reading.syllables) == named:
            return reading
    # Lowercase first, then the most senses; on a tie, the reading with a neutral tone.
    return min(
        readings,
        key=lambda r: (r.proper, -r.senses, not any(s.endswith("5") for s in r.syllables)),
    )


def _readings(entries: tuple[Entry, ...]) -> tuple[_Reading, ...]:
    """The word's distinct readings, in the order its entries come."""
    found: dict[tuple[tuple[str, ...], tuple[bool, ...]], int] = {}
    for entry in entries:
        syllables: list[str] = []
        capitals: list[bool] = []
        for item in entry.pinyin.split():
            parts = split_numbered(item)
            if parts is None:
                break
            syllables.append(parts[0].replace("ü", "v") + str(parts[1]))
            capitals.append(is_capitalised(item))
        else:
            key = (tuple(syllables), tuple(capitals))
            real = sum(not _is_pointer_definition(d) for d in entry.definitions)
            found[key] = found.get(key, 0) + real
    return tuple(
        _Reading(syllables, capitals, senses) for (syllables, capitals), senses in found.items()
    )


def _by_context(
    paragraph: WordsInContext, index: int, readings: Sequence[_Reading]
) -> _Reading | None:
    rule = CONTEXT_RULES.get(paragraph.words[index].simplified)
    if rule is None:
        return None
    wanted = rule(paragraph, index)
    if wanted is None:
        return None
    for reading in readings:
        if " ".join(reading.syllables) == wanted:
            return reading
    return None
