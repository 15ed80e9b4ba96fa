"""Build the word-segmentation model shipped in src/reader/core/data/.

Writes `segment_lexicon.table` (every lexicon word with one compiled score, the longest word
per two-character start, and the dictionary cuts; `reader.core.engine.tables` format)
and `segment_model.json` (weights of name candidates, character classes, surnames,
given-name bands, everyday words) for `reader.core.engine.lattice.HanLattice`.

Sources (see src/reader/core/data/README.md for licences):
- jieba 0.42 `dict.txt` (MIT): words, counts and part-of-speech tags (Simplified);
- CC-CEDICT (dictionaries/cedict_ts.u8.gz, CC BY-SA 4.0): which words a learner can look up,
  which are names and idioms, and which characters are surnames;
- HSK 3.0 (src/reader/core/data/hsk/hsk30.tsv, MIT): the words a learner studies;
- wordfreq (../shared/data/freq/large_zh.tsv): the frequency of words jieba lacks;
- UD_Chinese-GSD dev (../shared/data/eval/segmentation, CC BY-SA 4.0): 500 segmented sentences;
- with `--hmm`, jieba's `finalseg` HMM tables (not in the shipped model).

The convention is the learner's (issue 11): a token is a word a learner looks up. The GSD
gold is converted to it (`learner_convention`): adjacent gold words that together spell a
CC-CEDICT or HSK word are joined (因/此, 委员/会, 博物/馆, 发展/中 -> 发展中), unless the
result is a phrase of 2+-character dictionary words (人口/密度, 军事/行动: each part has a
gloss that fits) that is neither a name, an HSK word nor an idiom. Training on the treebank
as it is splits 因/此 and 委员/会; joining every dictionary word too (`--convention
dictionary`) merges 人口密度-like phrases the treebanks split (held-out exact 87%).

How: a word's score starts as jieba's log probability. A structured averaged perceptron then
learns adjustments from features of the word (length, frequency band, jieba tag, the
grammatical class of its first and last characters — negation, numeral, particle… —, whether
CC-CEDICT and HSK list it, the word itself; a single character only by its class) by decoding
the converted sentences with the very lattice the app uses, in four orders whose weights are
averaged (`--orders`). After training, HSK words and the training sentences' own words are
raised to win over their own split, CC-CEDICT proper nouns by at most 30 (`--protect`).

Compositions (`composition_kind`): CC-CEDICT entries spelled by everyday function words whose
sense is another (我去 "(slang) what the...!", 他用 "other use", 都会 dūhuì "metropolis", 中的
zhòngdì "to hit the target", 知道了 "Got it!") are left out of the lexicon, so neither the
conversion nor the lattice joins them: the learned lattice joins any lexicon word nothing
else claims, and these would be joined wherever a pronoun meets a verb (我去|学校).

Words a learner cannot look up: jieba lists ~100,000 words neither CC-CEDICT nor HSK has
(更好, 最大). They stay in the lattice as units, and the lexicon's `cuts` table gives, for
each, the fewest CC-CEDICT words that spell it, which the segmenter shows instead — except
names and numerals (jieba tags nr/ns/nt/nz/m: 杜鲁门, 四百万). What OpenCC makes of a
Traditional headword (接著, 著急) is a lexicon word beside the Simplified one (接着).

Personal names: GSD has few Chinese names, so the name-candidate weights are then fitted
alone (`calibrate_names`), with CC-CEDICT's people hidden from the lexicon as positive
examples and the GSD sentences as negative ones (李家超, 张美华 stay whole). The segmenter
proposes a name only where each given-name character is at least as common in names as in
text and the given name is no everyday (HSK) word (向有, 欧方, 向中国 are no names).

Every setting was chosen by `tools/tune_segmentation.py`: two-fold cross-validation on GSD
dev, never a test set (benchmarks/RESULTS.md has the table).

Run: `.venv/bin/python tools/build_segmentation_model.py` (about 30 s). Output is
deterministic for the same inputs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pypinyin import lazy_pinyin

from reader.core.engine.convert import to_simplified
from reader.core.engine.lattice import (
    HMM_WORD,
    LEXICON_FILE,
    MODEL_FILE,
    NAME_WORD,
    HanLattice,
    _CharHmm,
    candidate_features,
    character_classes,
)
from reader.core.engine.tables import pack_tables

REPO_ROOT = Path(__file__).resolve().parent.parent
LEXICON_BLOCK_BYTES = 128
CEDICT = REPO_ROOT / "dictionaries" / "cedict_ts.u8.gz"
GSD_DEV = (
    REPO_ROOT.parent
    / "shared"
    / "data"
    / "eval"
    / "segmentation"
    / "UD_Chinese-GSD"
    / "zh_gsd-ud-dev.conllu"
)

# Closed grammatical classes of characters (Simplified). Whether a lexicon word starts or ends
# with one of these is what tells a lexicalised word (不同, 这样) from a phrase jieba keeps
# whole (不是, 一个, 坐下); the perceptron learns how much each pattern matters.
CHARACTER_CLASSES: dict[str, str] = {
    "NEG": "不没未别非无莫勿",
    "PRON": "我你您他她它咱",
    "DEM": "这那哪此该每各某本",
    "NUM": "一二三四五六七八九十百千万亿两零〇几半第",
    "AUX": "要会能可应得必须愿敢",
    "ADV": "就也都还又再才只便却很太最更已曾正将总并亦仍",
    "PART": "了吧吗呢啊呀啦的地着过么",
    "DIR": "下上来去到出起回进开走住好完掉见给在",
    "PREP": "于为与以从向对把被由",
}
CLASS_OF = character_classes(CHARACTER_CLASSES, {})  # character -> its class
# Common Chinese surnames (Simplified), by how often they occur: a personal name the lexicon
# lacks is proposed as surname + one or two characters (王毅, 陈奕迅).
SURNAMES: dict[str, str] = {
    "SURNAME1": "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧肖田董袁潘"
    "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤",
    "SURNAME2": "向常温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包宁尚"
    "符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍华喻祁蒲滕屈饶艾尤穆卓缪简"
    "项麦褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁巫寇桑郎甄丛仲虞敖"
    "巩佘池邝",
}
# An HMM word starting with one of these classes (更大, 亿件, 愿同) is compositional: no
# dictionary lists it, and not proposing it cost no held-out F1 (tools/tune_segmentation.py).
HMM_PLAIN_FIRST = ("ADV", "AUX", "DEM", "NEG", "NUM", "PART", "PREP")
# Tags of the words jieba lacks, added from CC-CEDICT and HSK (`load_lexicon`). They get no
# tag feature: it would only say "jieba lacks this word", and learned as a bonus it made
# rare words (年中, 国都) win over common ones they overlap (年|中国, 两国|都).
ADDED_TAGS = ("cedict", "hsk")
MAX_WORD_LENGTH = 10  # longer lexicon entries are rare idioms; capping keeps decoding fast
UNKNOWN_BASE = -20.0  # base log probability of a character missing from the lexicon
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007]+")


def jieba_hmm() -> _CharHmm:
    """jieba's character HMM (`finalseg`), which proposes words no lexicon lists (`--hmm`)."""
    from jieba.finalseg.prob_emit import P as emission
    from jieba.finalseg.prob_start import P as start
    from jieba.finalseg.prob_trans import P as transition

    return _CharHmm({"start": start, "transition": transition, "emission": emission})


def load_jieba(keep: set[str], min_count: int) -> tuple[dict[str, float], dict[str, str]]:
    """jieba's words as log probabilities; rare words (count < min_count) only if in `keep`."""
    counts: dict[str, int] = {}
    tags: dict[str, str] = {}
    import jieba  # the tools extra; imported here so tests can use the rest of this module

    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) < 2 or len(fields[0]) > MAX_WORD_LENGTH:
                continue
            if int(fields[1]) < min_count and len(fields[0]) > 1 and fields[0] not in keep:
                continue
            counts[fields[0]] = int(fields[1])
            tags[fields[0]] = fields[2] if len(fields) > 2 else "x"
    total = math.log(sum(counts.values()))
    base = {word: math.log(count) - total for word, count in counts.items() if count > 0}
    return base, tags


HSK = REPO_ROOT / "src" / "reader" / "core" / "data" / "hsk" / "hsk30.tsv"
WORDFREQ = REPO_ROOT.parent / "shared" / "data" / "freq" / "large_zh.tsv"


def load_zipf() -> dict[str, float]:
    zipf: dict[str, float] = {}
    with WORDFREQ.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            word, value, _ = line.rstrip("\n").split("\t")
            zipf[word] = float(value)
    return zipf


def add_words(base: dict[str, float], tags: dict[str, str], words: set[str], tag: str) -> int:
    """Add words jieba lacks, with wordfreq's frequency (or jieba's rarest) as probability."""
    frequencies: dict[str, float] = {}
    with WORDFREQ.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            word, _, frequency = line.rstrip("\n").split("\t")
            frequencies[word] = float(frequency)
    floor = min(base.values())
    added = 0
    for word in words:
        if word in base or not 2 <= len(word) <= MAX_WORD_LENGTH or not HAN_RUN.fullmatch(word):
            continue
        frequency = frequencies.get(word)
        base[word] = max(math.log(frequency), floor) if frequency else floor
        tags[word] = tag
        added += 1
    return added


def load_hsk() -> dict[str, str]:
    """HSK 3.0 words, Simplified, and as `to_simplified` writes their Traditional form -> level
    ("1" to "6", or "7-9" for the advanced band)."""
    levels: dict[str, str] = {}
    with HSK.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                simplified, traditional, level = line.rstrip("\n").split("\t")[:3]
                for form in (simplified, to_simplified(traditional)):
                    levels.setdefault(form, level)
    return levels


PERSON = re.compile(r"\((c\. )?\d{3,4}-")  # "(1953-)", "(c. 1600-1650)": a person's dates


def load_people() -> list[str]:
    """Simplified names of CC-CEDICT's people (entries with life dates) with a common surname."""
    surnames = "".join(SURNAMES.values())
    people: list[str] = []
    with gzip.open(CEDICT, "rt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ", 2)
            if len(parts) < 3 or not 2 <= len(parts[1]) <= 3 or parts[1][0] not in surnames:
                continue
            if parts[2][:2].isupper() and PERSON.search(parts[2]):
                people.append(parts[1])
    return sorted(set(people))


def given_name_bands(people: list[str], base: dict[str, float]) -> dict[str, int]:
    """How much likelier each character is in a given name than in running text, as a band:
    log ratio of its share of given-name characters to its word probability, -2 to 4."""
    counts: defaultdict[str, int] = defaultdict(int)
    for name in people:
        for char in name[1:]:
            counts[char] += 1
    total = sum(counts.values())
    return {
        char: max(-2, min(4, round(math.log(count / total) - base.get(char, UNKNOWN_BASE))))
        for char, count in counts.items()
        if count >= 2
    }


@dataclass
class Cedict:
    """What the builder reads from CC-CEDICT, all Simplified: headwords, the multi-character
    proper nouns among them, the aliases (what `to_simplified` makes of a Traditional headword
    where that is not the Simplified one: OpenCC keeps 著 in 接著, CC-CEDICT writes 接着;
    alias -> Simplified; aliases count as headwords, the segmenter meets them in converted
    Traditional text), and each headword's entries as (syllables, senses)."""

    words: set[str]
    proper: set[str]
    aliases: dict[str, str]
    entries: dict[str, list[tuple[list[str], list[str]]]]


def load_cedict() -> Cedict:
    cedict = Cedict(set(), set(), {}, defaultdict(list))
    with gzip.open(CEDICT, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) < 3:
                continue
            forms = [parts[1]]
            alias = to_simplified(parts[0])
            if alias != parts[1] and len(alias) > 1:
                cedict.aliases.setdefault(alias, parts[1])
                forms.append(alias)
            cedict.words.update(forms)
            if len(parts[1]) > 1 and parts[2][:2].isupper() and parts[2][1].isalpha():
                cedict.proper.update(forms)  # the reading is capitalised: a name or place
            reading, _, glosses = parts[2].partition("] ")
            senses = [sense.strip() for sense in glosses.strip("/").split("/") if sense.strip()]
            entry = (reading.lstrip("[").lower().split(), senses)
            for form in forms:
                cedict.entries[form].append(entry)
    return cedict


# --- compositions: CC-CEDICT entries that running text almost always means as their parts ---
#
# The learned lattice joins any lexicon word whose characters no other word claims (a single
# character scores far below any word), so an entry spelled by everyday function words is
# joined wherever they meet, with a gloss and reading that fit nowhere: 我去|学校 "(slang)
# what the...!", 他们|都会|来 "metropolis" dūhuì. These entries are left out of the lexicon
# (`composition_kind`); CC-CEDICT still glosses them where the learner joins them.

# A personal pronoun, or a demonstrative that stands as a subject (这/那/哪 "this/that/which").
SUBJECT_CHARACTERS = CHARACTER_CLASSES["PRON"] + "这那哪"
# Classes of function characters (not numerals or direction/result verbs, which are content).
FUNCTION_CLASSES = ("NEG", "PRON", "DEM", "AUX", "ADV", "PART", "PREP")
# The syllable of each particle as a particle (pypinyin's everyday reading is another: 地 dì).
PARTICLE_SYLLABLES = {"了": "le", "的": "de", "地": "de", "得": "de", "着": "zhe", "著": "zhe"}
PARTICLE_SYLLABLES |= {"么": "me", "呢": "ne"}
# CC-CEDICT's register labels at the start of a sense: "(slang) what the ...!", "(archaic) we".
REGISTER_LABEL = re.compile(
    r"^\([^)]*\b(?:slang|vulgar|taboo|archaic|literary|dialect|coll|old|interjection|"
    r"euphemism)\b[^)]*\)",
    re.IGNORECASE,
)
# HSK levels a learner is taught by (the advanced band 7-9 is not graded).
GRADED_LEVELS = ("1", "2", "3", "4", "5", "6")


def composition_kind(
    word: str, cedict: Cedict, hsk: dict[str, str], corpus: set[str]
) -> str | None:
    """Why running text means CC-CEDICT's `word` as its parts, or None if it is a word.

    HSK words are words (the learner's syllabus decides), except in the advanced band 7-9
    for the second kind; `corpus` = the words jieba's corpus counts (Simplified).
    - subject + predicate: a pronoun (or 这/那/哪) and a character the entry reads as one of
      its verbs (我去 "(slang) what the...!", 我等 "(archaic) we", 他用, 他杀, 那是, 这就):
      a clause, not a word;
    - function character read otherwise: an entry of function characters, or a character and
      a particle, that reads one of them as something else (都会 dū huì "metropolis", not
      dōu huì; 中的 zhòngdì "to hit the target"; 明了, 到了 liǎo) and the corpus never
      counted as a word: the learner would get the wrong reading too;
    - register-marked: every sense slang, archaic, dialect… or an exclamation, starting with a
      function character or ending with a particle, not in the corpus (知道了 "Got it!",
      糟了, 我勒个去).
    """
    entries = cedict.entries.get(word)
    if len(word) < 2 or not entries:
        return None
    simplified = cedict.aliases.get(word, word)
    level = hsk.get(word) or hsk.get(simplified)
    if level in GRADED_LEVELS:
        return None
    counted = word in corpus or simplified in corpus
    classes = [CLASS_OF.get(char) for char in word]
    function = [kind in FUNCTION_CLASSES for kind in classes]
    if (
        not counted
        and (all(function) or (len(word) == 2 and word[1] in PARTICLE_SYLLABLES))
        and not any("loanword" in sense for _, senses in entries for sense in senses)  # 爹地
        and all(
            len(syllables) == len(word)
            and any(
                is_function and syllable.rstrip("012345") != _function_syllable(char)
                for char, syllable, is_function in zip(word, syllables, function, strict=True)
            )
            for syllables, _ in entries
        )
    ):
        return "function character read otherwise"
    if level is not None:
        return None
    if len(word) == 2 and word[0] in SUBJECT_CHARACTERS:
        read_as = [syllables[1] for syllables, _ in entries if len(syllables) == 2]
        if any(
            _verbal(senses)
            for reading, senses in cedict.entries.get(word[1], ())
            if len(reading) == 1 and any(_same_syllable(reading[0], other) for other in read_as)
        ):
            return "subject + predicate"
    if (
        not counted
        and (function[0] or classes[-1] == "PART")
        and all(_marked(sense) for _, senses in entries for sense in senses)
    ):
        return "register-marked"
    return None


def _function_syllable(char: str) -> str:
    """A function character's syllable as a function word, without tone (都 dou, 了 le)."""
    if char in PARTICLE_SYLLABLES:
        return PARTICLE_SYLLABLES[char]
    return str(lazy_pinyin(char)[0])


def _same_syllable(alone: str, in_word: str) -> bool:
    """A character's reading on its own against its reading in a word, where the word's
    neutral tone stands for any (那是 [na4 shi5]: 是 is [shi4] on its own)."""
    return alone == in_word or (in_word.endswith("5") and alone[:-1] == in_word[:-1])


def _verbal(senses: list[str]) -> bool:
    """Whether a character's senses (for one reading) include a verb of its own: "to go",
    "to be (followed by substantives only)", not "(bound form) to resemble"."""
    return any(
        gloss.strip().startswith("to ")
        for sense in senses
        if not sense.startswith("(")  # a labelled use: bound form, vulgar, literary…
        for gloss in sense.split(";")
    )


def _marked(sense: str) -> bool:
    """A sense CC-CEDICT labels as slang, archaic, dialect… or that is an exclamation."""
    return REGISTER_LABEL.match(sense) is not None or sense.rstrip().endswith("!")


@dataclass
class Lexicon:
    """The segmenter's words with their log probabilities and jieba tags, and the word lists
    the model learns from (all Simplified, aliases of Traditional forms included), without
    the compositions (`composition_kind`: word -> why), which the lattice does not offer."""

    base: dict[str, float]
    tags: dict[str, str]
    cedict: set[str]
    names: set[str]
    hsk: set[str]
    compositions: dict[str, str]


def load_lexicon(min_count: int = 0, cedict_words: bool = True) -> Lexicon:
    """jieba's words, plus the CC-CEDICT and HSK words it lacks (with wordfreq's frequency),
    plus the aliases of Traditional forms (with their Simplified word's), less compositions."""
    cedict = load_cedict()
    levels = load_hsk()
    hsk = set(levels)
    base, tags = load_jieba(cedict.words | hsk, min_count)
    corpus = set(base)
    if cedict_words:
        added = add_words(base, tags, cedict.words - cedict.aliases.keys(), "cedict")
        print(f"added {added} CC-CEDICT words")
    print(f"added {add_words(base, tags, hsk - cedict.aliases.keys(), 'hsk')} HSK words")
    print(f"added {add_aliases(base, tags, cedict.aliases)} aliases of Traditional forms")
    compositions: dict[str, str] = {}
    for word in list(base):
        kind = composition_kind(word, cedict, levels, corpus)
        if kind is not None:
            compositions[word] = kind
            del base[word]
            tags.pop(word, None)
    kinds = Counter(compositions.values())
    print(f"left out compositions: {', '.join(f'{n} {kind}' for kind, n in kinds.items())}")
    words = cedict.words - compositions.keys()
    return Lexicon(
        base,
        tags,
        words,
        cedict.proper & words,
        hsk - compositions.keys(),
        compositions,
    )


def add_aliases(base: dict[str, float], tags: dict[str, str], aliases: dict[str, str]) -> int:
    """Give each alias (接著) its Simplified word's probability and tag (接着)."""
    added = 0
    for alias, word in sorted(aliases.items()):
        if alias not in base and word in base and len(alias) <= MAX_WORD_LENGTH:
            base[alias] = base[word]
            tags[alias] = tags.get(word, "x")
            added += 1
    return added


def load_idioms(tags: dict[str, str]) -> set[str]:
    """Idioms: CC-CEDICT entries glossed "(idiom)" and jieba's words tagged i (成语). Their
    meaning is more than their words' (截然不同, 不得人心). jieba's l (习用语) is not taken:
    it is mostly compositional terms (高等教育, 信息技术)."""
    phrases = {word for word, tag in tags.items() if tag == "i"}
    with gzip.open(CEDICT, "rt", encoding="utf-8") as handle:
        for line in handle:
            if "(idiom)" in line and not line.startswith("#"):
                phrases.add(line.split(" ", 2)[1])
    return phrases


# Universal POS tags of gold words kept whole whatever the dictionaries say: names, numbers
# and foreign words are looked up (or read) as one.
WHOLE_TAGS = ("PROPN", "NUM", "X")


class LearnerWords:
    """What a learner looks up as one word: CC-CEDICT headwords and HSK words (Simplified),
    with the names and idioms among them (see `learner_convention`)."""

    def __init__(self, cedict: set[str], hsk: set[str], names: set[str], idioms: set[str]):
        self.cedict = cedict
        self.hsk = hsk
        self.words = cedict | hsk
        self.names = names
        self.idioms = idioms
        self.split_phrases = True  # False: every dictionary word is joined (--convention)

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> LearnerWords:
        return cls(lexicon.cedict, lexicon.hsk, lexicon.names, load_idioms(lexicon.tags))

    def fewest_words(self, word: str) -> list[str]:
        """`word` as the fewest dictionary words (single characters included) that spell it;
        among equals, the leftmost-longest."""
        size = len(word)
        best: list[tuple[int, int]] = [(0, 0)] + [(size + 1, 0)] * size
        for end in range(1, size + 1):
            for start in range(end):
                if end - start == 1 or word[start:end] in self.words:
                    best[end] = min(best[end], (best[start][0] + 1, start))
        pieces: list[str] = []
        end = size
        while end > 0:
            start = best[end][1]
            pieces.append(word[start:end])
            end = start
        return pieces[::-1]

    def joins(self, parts: list[str]) -> bool:
        """Whether these adjacent words are one learner word: a dictionary word, unless it is
        a phrase of words (`phrase_of_words`: 人口密度, 军事行动) that is neither a name, an
        HSK word nor an idiom."""
        joined = "".join(parts)
        if joined not in self.words:
            return False
        if not self.split_phrases or joined in self.names or joined in self.hsk:
            return True
        return joined in self.idioms or not self.phrase_of_words(joined)

    def phrase_of_words(self, word: str) -> bool:
        """Whether `word` is spelled by two or more dictionary words of 2+ characters each
        (人口 + 密度, 教育 + 委员会; not 委员 + 会): each has a gloss that fits, so the
        whole is a compositional phrase, however the dictionary lists it."""
        size = len(word)
        spelled = [True] + [False] * size
        for end in range(2, size + 1):
            spelled[end] = any(
                spelled[start] and word[start:end] in self.words
                for start in range(0, end - 1)
                if end - start < size
            )
        return spelled[size]


def learner_convention(
    gold: list[tuple[str, str]], learner: LearnerWords, split_unlisted: bool = True
) -> list[str]:
    """A sentence's gold words (Simplified, with their Universal POS tag) in the learner's
    convention. A gold word no dictionary lists is shown as the fewest dictionary words that
    spell it (最大 -> 最/大, 也是 -> 也/是) unless it is a name, a number or foreign
    (`WHOLE_TAGS`). Then adjacent words that together are one learner word
    (`LearnerWords.joins`) are joined, the fewest words winning (博物/馆 -> 博物馆, 因/此 ->
    因此, 发展/中/国家 -> 发展中国家); every other gold boundary stays."""
    words: list[str] = []
    for word, tag in gold:
        if (
            not split_unlisted
            or len(word) < 2
            or word in learner.words
            or tag in WHOLE_TAGS
            or not HAN_RUN.fullmatch(word)
        ):
            words.append(word)
        else:
            words.extend(learner.fewest_words(word))
    size = len(words)
    fewest = [0] + [size + 1] * size
    back = [0] * (size + 1)
    for end in range(1, size + 1):
        for start in range(end - 1, max(end - MAX_WORD_LENGTH, 0) - 1, -1):
            if fewest[start] + 1 >= fewest[end]:
                continue
            if end - start == 1 or learner.joins(words[start:end]):
                fewest[end] = fewest[start] + 1
                back[end] = start
    result: list[str] = []
    end = size
    while end > 0:
        result.append("".join(words[back[end] : end]))
        end = back[end]
    return result[::-1]


def read_gold(
    path: Path, learner: LearnerWords | None = None, split_unlisted: bool = True
) -> Iterator[tuple[str, list[str]]]:
    """(Simplified Han run, its gold words) for every Han run of every sentence; with
    `learner`, the gold words in the learner's convention (`learner_convention`)."""
    words: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line and line[0].isdigit():
                columns = line.split("\t")
                if columns[0].isdigit():
                    tag = columns[3] if len(columns) > 3 else "_"
                    words.append(("".join(columns[1].split()), tag))
            elif not line and words:
                yield from _han_runs(words, learner, split_unlisted)
                words = []
    if words:
        yield from _han_runs(words, learner, split_unlisted)


def _han_runs(
    gold: list[tuple[str, str]], learner: LearnerWords | None, split_unlisted: bool
) -> Iterator[tuple[str, list[str]]]:
    # The whole sentence is converted, as the segmenter converts a paragraph (OpenCC picks a
    # character's form by the phrase around it); the conversion keeps every length.
    simplified = to_simplified("".join(word for word, _ in gold))
    position = 0
    converted = []
    for word, tag in gold:
        converted.append((simplified[position : position + len(word)], tag))
        position += len(word)
    if learner is None:
        words = [word for word, _ in converted]
    else:
        words = learner_convention(converted, learner, split_unlisted)
    text = "".join(words)
    boundaries: set[int] = set()
    position = 0
    for word in words:
        position += len(word)
        boundaries.add(position)
    for match in HAN_RUN.finditer(text):
        start, end = match.span()
        pieces = []
        piece_start = start
        for index in range(start + 1, end + 1):
            if index in boundaries or index == end:
                pieces.append(text[piece_start:index])
                piece_start = index
        yield text[start:end], pieces


class Model:
    """Averaged structured perceptron over the app's own lattice."""

    def __init__(
        self,
        base: dict[str, float],
        tags: dict[str, str],
        cedict: set[str],
        given_names: dict[str, int],
        hmm: _CharHmm | None = None,
    ) -> None:
        self.base = base
        self.tags = tags
        self.cedict = cedict
        # Words a learner can look up (CC-CEDICT, HSK): never cut by `dictionary_cuts`.
        self.learner_words = cedict
        self.general_up_to = 4  # longest words that get length/frequency/tag features
        self.classes = character_classes(CHARACTER_CLASSES, SURNAMES)
        self.grammar = CLASS_OF
        self.all_class_features = True
        # Optional word-list features whose weights the perceptron learns (see --features):
        # wordfreq Zipf band (modern usage, spoken included) and HSK membership.
        self.zipf: dict[str, float] = {}
        self.hsk: set[str] = set()
        self.weights: defaultdict[str, float] = defaultdict(float)
        self._sums: defaultdict[str, float] = defaultdict(float)
        self._step = 1
        self._features: dict[str, list[str]] = {}
        self.lattice = HanLattice(
            scores=_LiveScores(self),
            unknown_char=UNKNOWN_BASE,
            weights=self.weights,
            classes=self.classes,
            surnames=frozenset("".join(SURNAMES.values())),
            hmm=hmm,
            max_word_length=MAX_WORD_LENGTH,
            given_names=given_names,
        )

    def word_features(self, word: str) -> list[str]:
        cached = self._features.get(word)
        if cached is not None:
            return cached
        size = min(len(word), 4)
        if word not in self.base:
            features = ["unknown_char", f"char:{word}"]
        else:
            features = []
            if size <= self.general_up_to:
                features += [
                    f"len:{size}",
                    f"band:{size}:{int(self.base[word])}",
                    f"cedict:{size}:{word in self.cedict}",
                ]
                tag = self.tags.get(word, "x")
                if tag not in ADDED_TAGS:
                    features.append(f"tag:{tag}:{size}")
                if self.zipf:
                    features.append(f"zipf:{size}:{int(self.zipf.get(word, 0.0))}")
                if self.hsk:
                    features.append(f"hsk:{size}:{word in self.hsk}")
            # A character in the lexicon gets no weight of its own: it would learn how often the
            # treebank leaves the character alone (不 joins the verb after it there), which
            # then decides overlapping words by habit, not evidence (不知|道 for 不|知道).
            # Held-out crossing 0.124 -> 0.114, cut apart 0.60% -> 0.50%.
            if len(word) == 1:
                features.append(f"alone:{self.grammar.get(word, '-')}")
            else:
                first = self.grammar.get(word[0], "-")
                last = self.grammar.get(word[-1], "-")
                features.append(f"word:{word}")
                if self.all_class_features or first != "-" or last != "-":
                    features += [
                        f"first_class:{first}:{size}",
                        f"last_class:{last}:{size}",
                        f"classes:{first}:{last}:{size}",
                    ]
        self._features[word] = features
        return features

    def item_features(self, word: str, kind: str) -> list[str]:
        if kind == "lexicon":
            return self.word_features(word)
        return candidate_features(word, kind, self.classes, self.lattice.given_names)

    def unknown_score(self) -> float:
        """The score of a character the lexicon lacks (before its own `char:` weight)."""
        return UNKNOWN_BASE + self.weights.get("unknown_char", 0.0)

    def score(self, word: str) -> float:
        base = self.base.get(word, UNKNOWN_BASE)
        weights = self.weights
        return base + sum(weights.get(key, 0.0) for key in self.word_features(word))

    def _kinds(self, text: str) -> dict[tuple[int, int], str]:
        """The best-scoring candidate kind of each out-of-lexicon span the lattice offers."""
        kinds: dict[tuple[int, int], tuple[float, str]] = {}
        for end, entries in self.lattice.candidates(text).items():
            for start, score, kind in entries:
                if (start, end) not in kinds or score > kinds[(start, end)][0]:
                    kinds[(start, end)] = (score, kind)
        return {span: kind for span, (_, kind) in kinds.items()}

    def _items(
        self, words: list[str], kinds: dict[tuple[int, int], str], reachable_only: bool
    ) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        position = 0
        for word in words:
            span = (position, position + len(word))
            position += len(word)
            if len(word) == 1 or word in self.base:
                items.append((word, "lexicon"))
            elif span in kinds:
                items.append((word, kinds[span]))
            elif reachable_only:  # the lattice cannot produce it: aim for its characters
                items.extend((char, "lexicon") for char in word)
            else:
                items.append((word, HMM_WORD))
        return items

    def _update(self, items: list[tuple[str, str]], sign: float) -> None:
        for word, kind in items:
            for key in self.item_features(word, kind):
                self.weights[key] += sign
                self._sums[key] += sign * self._step

    def train(self, data: list[tuple[str, list[str]]], epochs: int, seed: int = 0) -> None:
        shuffler = random.Random(seed)
        for _ in range(epochs):
            shuffler.shuffle(data)
            for text, gold in data:
                kinds = self._kinds(text)
                predicted = self.lattice.cut(text)
                oracle = self._items(gold, kinds, reachable_only=True)
                if predicted != [word for word, _ in oracle]:
                    self._update(oracle, 1.0)
                    self._update(self._items(predicted, kinds, reachable_only=False), -1.0)
                self._step += 1
        # Averaged weights generalise better than the last ones.
        for key in list(self.weights):
            self.weights[key] -= self._sums[key] / self._step

    def train_averaged(self, data: list[tuple[str, list[str]]], epochs: int, runs: int) -> None:
        """`train` from scratch with `runs` orders of the sentences, then average the weights:
        one order's ties decide close calls between overlapping words at random."""
        totals: defaultdict[str, float] = defaultdict(float)
        for seed in range(runs):
            self.weights.clear()
            self._sums.clear()
            self._step = 1
            self.train(list(data), epochs, seed)
            for key, value in self.weights.items():
                totals[key] += value / runs
        self.weights.clear()
        self.weights.update(totals)

    def calibrate_names(
        self, people: list[str], data: list[tuple[str, list[str]]], epochs: int, seed: int = 1
    ) -> None:
        """Fit the name-candidate weights alone, with every other weight frozen.

        UD GSD has few Chinese personal names, so its sentences alone teach that surname +
        given name candidates are wrong. Here CC-CEDICT's people, hidden from the lexicon,
        are the positive examples (a name alone, and followed by 说) and the training
        sentences the negative ones.
        """
        hidden = {name: self.base.pop(name) for name in people if name in self.base}
        self._features.clear()
        examples = [(name, [name]) for name in people]
        examples += [(name + "说", [name, "说"]) for name in people]
        examples += data
        shuffler = random.Random(seed)
        sums: defaultdict[str, float] = defaultdict(float)
        steps = 0
        for _ in range(epochs):
            shuffler.shuffle(examples)
            for text, gold in examples:
                kinds = self._kinds(text)
                predicted = self.lattice.cut(text)
                oracle = self._items(gold, kinds, reachable_only=True)
                if predicted != [word for word, _ in oracle]:
                    for items, sign in (
                        (oracle, 1.0),
                        (self._items(predicted, kinds, reachable_only=False), -1.0),
                    ):
                        for word, kind in items:
                            if kind == NAME_WORD:
                                for key in self.item_features(word, kind):
                                    self.weights[key] += sign
                steps += 1
                for key, value in self.weights.items():
                    if key.startswith("name"):
                        sums[key] += value
        for key, total in sums.items():
            self.weights[key] = total / steps
        self.base.update(hidden)
        self._features.clear()


class _LiveScores:
    """Lexicon scores computed from the current weights, for the lattice during training."""

    def __init__(self, model: Model) -> None:
        self._model = model

    def get(self, word: str, default: float | None = None) -> float | None:
        if word in self._model.base or len(word) == 1:
            return self._model.score(word)
        return default

    def __contains__(self, word: object) -> bool:
        return word in self._model.base

    def __getitem__(self, word: str) -> float:
        return self._model.score(word)

    def __iter__(self) -> Iterator[str]:
        return iter(self._model.base)

    def __len__(self) -> int:
        return len(self._model.base)


def best_split_score(word: str, scores: dict[str, float], unknown: float) -> float:
    """The best score of `word`'s span cut into at least two pieces."""
    size = len(word)
    best = [0.0] + [-math.inf] * size
    for end in range(1, size + 1):
        for start in range(end):
            if start == 0 and end == size:
                continue
            piece = scores.get(word[start:end])
            if piece is None:
                if end - start > 1:
                    continue
                piece = unknown
            best[end] = max(best[end], best[start] + piece)
    return best[size]


def protect_learner_words(
    model: Model, protected: set[str], margin: float, max_raise: float
) -> int:
    """Make each protected lexicon word score `margin` above its best split.

    The UD conventions cut some words a learner looks up as one (未来, 马来西亚, 外交部长);
    a protected word is kept whole unless its neighbours make a better path.
    """
    unknown = model.unknown_score()
    scores = {word: model.score(word) for word in model.base}
    raised = 0
    for word in sorted(protected, key=len):
        if len(word) < 2 or word not in scores:
            continue
        floor = best_split_score(word, scores, unknown) + margin
        if scores[word] < floor <= scores[word] + max_raise:
            model.weights[f"word:{word}"] += floor - scores[word]
            scores[word] = floor
            raised += 1
    return raised


def dominated_words(model: Model) -> set[str]:
    """Words the lattice can never choose: their characters have a better path of their own.

    If a word's span scores higher split than whole, any path through the word improves by
    taking the split instead, so dropping the word changes no first-pass result. About half
    of jieba's entries go, which halves the start-up cost of loading the lexicon.
    """
    unknown = model.unknown_score()
    scores = {word: model.score(word) for word in model.base}
    return {
        word
        for word, whole in scores.items()
        if len(word) > 1 and best_split_score(word, scores, unknown) > whole
    }


# jieba tags of names, places, organisations, other proper nouns and numerals: such a word
# cut into characters (杜鲁门, 四百万) is no easier to look up than whole.
_UNCUT_TAGS = ("nr", "ns", "nt", "nz", "m", "eng")


def dictionary_cuts(model: Model, scores: dict[str, float]) -> dict[str, tuple[int, ...]]:
    """Lexicon words no learner list has (jieba's 最大, 做好, 天会) -> lengths of the fewest
    CC-CEDICT words that spell them, which the segmenter shows instead so every token can be
    looked up. They stay in the lattice as units (a path through 天会 is not one through
    明天); names and numerals are left whole (jieba tags nr/ns/nt/nz/m: 杜鲁门, 四百万 are no
    easier in pieces). Every single character counts as a dictionary word; ties go to the
    higher-scoring cut.
    """
    unknown = model.unknown_score()
    cedict = model.cedict
    cuts: dict[str, tuple[int, ...]] = {}
    for word in scores:
        size = len(word)
        tag = model.tags.get(word, "x")
        if size < 2 or word in model.learner_words or tag.startswith(_UNCUT_TAGS):
            continue
        # best[end] = (pieces, -score) of the best cut of word[:end]; smaller is better.
        best: list[tuple[int, float]] = [(0, 0.0)] + [(size + 1, 0.0)] * size
        back = [0] * (size + 1)
        for end in range(1, size + 1):
            for start in range(end):
                piece = word[start:end]
                if end - start > 1 and (piece not in cedict or piece == word):
                    continue
                pieces, negative = best[start]
                value = (pieces + 1, negative - scores.get(piece, unknown * len(piece)))
                if value < best[end]:
                    best[end] = value
                    back[end] = start
        if best[size][0] > size:
            continue
        lengths: list[int] = []
        end = size
        while end > 0:
            lengths.append(end - back[end])
            end = back[end]
        cuts[word] = tuple(reversed(lengths))
    return cuts


def write_model(model: Model, lexicon_path: Path, model_path: Path) -> None:
    scores: dict[str, str] = {}  # two decimals, as the lexicon stores them
    dominated = dominated_words(model)
    for word in model.base:
        if word not in dominated:
            scores[word] = f"{model.score(word):.2f}"
    # Characters the lexicon lacks but training gave a weight of their own.
    for key in model.weights:
        if key.startswith("char:") and key[5:] not in model.base:
            scores[key[5:]] = f"{model.score(key[5:]):.2f}"
    longest: dict[str, int] = {}
    for word in scores:
        if len(word) > 2 and longest.get(word[:2], 0) < len(word):
            longest[word[:2]] = len(word)
    written = {word: float(score) for word, score in scores.items()}
    cuts = dictionary_cuts(model, written)
    lexicon_path.write_bytes(
        pack_tables(
            {
                "scores": scores,
                "prefixes": {prefix: str(length) for prefix, length in longest.items()},
                "cuts": {word: ",".join(map(str, lengths)) for word, lengths in cuts.items()},
            },
            # Small blocks: the first screen decodes every word of its characters and little
            # else (~25 ms in all with 128-byte blocks, ~31 ms with 1 KiB; 10% larger file).
            block_bytes=LEXICON_BLOCK_BYTES,
        )
    )
    candidate_prefixes = ("name", "oov")
    hmm = model.lattice.hmm
    data = {
        "about": "compiled by tools/build_segmentation_model.py; see data/README.md",
        "unknown_char": round(model.unknown_score(), 4),
        "max_word_length": MAX_WORD_LENGTH,
        "weights": {
            key: round(value, 4)
            for key, value in sorted(model.weights.items())
            if key.startswith(candidate_prefixes) and value
        },
        "classes": CHARACTER_CLASSES,
        "hmm_plain_first": list(HMM_PLAIN_FIRST),
        "surnames": SURNAMES,
        "everyday_words": "".join(sorted(model.lattice.everyday_words)),
        "given_names": {
            str(band): "".join(sorted(c for c, b in model.lattice.given_names.items() if b == band))
            for band in sorted(set(model.lattice.given_names.values()))
        },
        "hmm": None
        if hmm is None
        else {
            "start": hmm.start,
            "transition": hmm.transition,
            "emission": {
                state: {char: round(value, 3) for char, value in sorted(table.items())}
                for state, table in hmm.emission.items()
            },
        },
    }
    model_path.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--epochs", type=int, default=16)
    parser.add_argument(
        "--min-count", type=int, default=0, help="drop rarer jieba words unless CC-CEDICT has them"
    )
    parser.add_argument(
        "--protect",
        default="hsk,names:30,train",
        help="word lists kept whole, each as NAME or NAME:MAX_RAISE (raise no word's score by "
        "more than that): hsk (HSK 3.0), names (CC-CEDICT proper nouns), cedict3, cedict4",
    )
    parser.add_argument("--margin", type=float, default=1.0)
    parser.add_argument("--name-epochs", type=int, default=4)
    parser.add_argument(
        "--no-cedict-words", action="store_true", help="do not add CC-CEDICT words to jieba's"
    )
    parser.add_argument(
        "--general-up-to",
        type=int,
        default=4,
        help="longest words whose length, frequency band and tag get learned weights",
    )
    parser.add_argument(
        "--features",
        default="hsk",
        help="extra learned word features, comma-separated: hsk (HSK 3.0 membership), zipf "
        "(wordfreq band); chosen on held-out GSD dev with tools/tune_segmentation.py",
    )
    parser.add_argument(
        "--convention",
        choices=("learner", "dictionary", "treebank"),
        default="learner",
        help="the words the model learns: the learner's convention (`learner_convention`), "
        "the same with phrases of words joined too (dictionary), or the treebank's as they are",
    )
    parser.add_argument(
        "--orders",
        type=int,
        default=4,
        help="train on this many orders of the sentences and average the weights",
    )
    parser.add_argument(
        "--hmm", action="store_true", help="let the character HMM propose unknown words"
    )
    parser.add_argument("--train", type=Path, default=GSD_DEV, help="CoNLL-U training file")
    parser.add_argument("--lexicon", type=Path, default=LEXICON_FILE)
    parser.add_argument("--model", type=Path, default=MODEL_FILE)
    arguments = parser.parse_args(argv)
    lexicon = load_lexicon(arguments.min_count, not arguments.no_cedict_words)
    base, tags, cedict, proper_nouns = lexicon.base, lexicon.tags, lexicon.cedict, lexicon.names
    learner = LearnerWords.from_lexicon(lexicon)
    learner.split_phrases = arguments.convention != "dictionary"
    # The lattice's own units: jieba's words no learner list has stay whole here (最大); the
    # segmenter shows them cut (`dictionary_cuts`).
    data = list(
        read_gold(
            arguments.train,
            None if arguments.convention == "treebank" else learner,
            split_unlisted=False,
        )
    )
    people = load_people()
    hmm = jieba_hmm() if arguments.hmm else None
    model = Model(base, tags, cedict, given_name_bands(people, base), hmm)
    model.lattice.everyday_words = frozenset(
        word for word in lexicon.hsk if len(word) == 2 and HAN_RUN.fullmatch(word)
    )
    model.learner_words = learner.words
    model.general_up_to = arguments.general_up_to
    model.all_class_features = arguments.general_up_to > 0
    zipf = load_zipf()
    if "zipf" in arguments.features:
        model.zipf = {word: value for word, value in zipf.items() if word in base}
    if "hsk" in arguments.features:
        model.hsk = lexicon.hsk
    model.train_averaged(data, arguments.epochs, arguments.orders)
    if arguments.name_epochs:
        model.calibrate_names(people, data, arguments.name_epochs)
    lists = {
        "hsk": lambda: lexicon.hsk,
        "names": lambda: proper_nouns,
        "cedict3": lambda: {word for word in cedict if len(word) >= 3},
        "cedict4": lambda: {word for word in cedict if len(word) >= 4},
        "common4": lambda: {w for w in cedict if len(w) >= 4 and zipf.get(w, 0.0) >= 3.5},
        "common3": lambda: {w for w in cedict if len(w) == 3 and zipf.get(w, 0.0) >= 4.0},
        # Gold words of the training sentences: the averaged weights may still split a few.
        "train": lambda: {word for _, gold in data for word in gold if len(word) > 1},
    }
    raised = 0
    for item in filter(None, arguments.protect.split(",")):
        name, _, limit = item.partition(":")
        if name in lists:
            max_raise = float(limit) if limit else math.inf
            raised += protect_learner_words(model, lists[name](), arguments.margin, max_raise)
    print(f"raised {raised} protected words")
    write_model(model, arguments.lexicon, arguments.model)
    print(
        f"{len(base)} lexicon words, {len(model.weights)} features, "
        f"trained on {len(data)} runs; wrote {arguments.lexicon} and {arguments.model}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
