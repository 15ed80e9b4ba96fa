"""Readings as a learner is taught them, through the real pipeline (segmenter, reading engine,
CC-CEDICT): neutral tones, words with two readings, particles, names, the full-tones and
tone-change displays, and pinyin written as dictionaries write it.

Every sentence here is written for these tests (none comes from an evaluation set).
"""

from __future__ import annotations

import pytest

from reader.core.engine.pipeline import Annotator, default_annotator
from reader.core.engine.syllables import PinyinStyle, format_word, word_pieces
from reader.core.engine.tones import shown_readings
from tests.support import annotate_sentence


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return default_annotator()


def syllables_of(
    annotator: Annotator, text: str, chars: str, occurrence: int = 0, *, full_tones: bool = False
) -> tuple[str, ...]:
    """The numbered syllables of `chars` (their `occurrence`-th place in `text`), from whatever
    token holds them: these tests are about readings, not about where a word ends (好朋友 and
    找不着 are CC-CEDICT words; 朋友 and 着 read the same inside them)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(chars, start + 1)
    by_position: dict[int, str] = {}
    for t in annotate_sentence(annotator, text).tokens:
        syllables = (t.full_tones or t.pinyin_numbered) if full_tones else t.pinyin_numbered
        by_position.update(zip(range(t.start, t.end), syllables, strict=False))
    return tuple(by_position[position] for position in range(start, start + len(chars)))


def reading(annotator: Annotator, text: str, chars: str, occurrence: int = 0) -> str:
    return format_word(syllables_of(annotator, text, chars, occurrence))


# --- neutral tones ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("我爸爸是老師。", "爸爸", "bàba"),
        ("媽媽在做飯。", "媽媽", "māma"),
        ("他是我的好朋友。", "朋友", "péngyou"),
        ("我很喜歡這本書。", "喜歡", "xǐhuan"),
        ("謝謝你的幫助。", "謝謝", "xièxie"),
        ("這件衣服很漂亮。", "衣服", "yīfu"),
        ("我認識他很多年了。", "認識", "rènshi"),
        ("你明白我的意思嗎？", "明白", "míngbai"),
        ("我們休息一下吧。", "休息", "xiūxi"),
        ("请你告诉我。", "告诉", "gàosu"),
        ("这个地方很安静。", "地方", "dìfang"),
        ("中美關係很重要。", "關係", "guānxi"),
        ("對不起，我來晚了。", "對不起", "duìbuqǐ"),
    ],
)
def test_words_read_with_the_neutral_tone_learners_are_taught(
    annotator: Annotator, text: str, word: str, expected: str
) -> None:
    assert reading(annotator, text, word) == expected


def test_full_tones_give_each_neutral_tone_back(annotator: Annotator) -> None:
    assert syllables_of(annotator, "他是我的好朋友。", "朋友", full_tones=True) == ("peng2", "you3")
    particle = [t for t in annotate_sentence(annotator, "你去嗎？").tokens if t.text == "嗎"]
    assert particle[0].pinyin_numbered == ("ma5",) and particle[0].full_tones == ()


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("你買了什麼東西？", "東西", "dōngxi"),
        ("這條路是東西走向的。", "東西", "dōngxī"),
        ("這家的北京菜很地道。", "地道", "dìdao"),
        ("他們挖了一條地道。", "地道", "dìdào"),
        ("你太大意了。", "大意", "dàyi"),
        ("這篇文章的大意是什麼？", "大意", "dàyì"),
        ("我兄弟明天來。", "兄弟", "xiōngdi"),
        ("他們兄弟兩人都是醫生。", "兄弟", "xiōngdì"),
        ("中央和地方要一起努力。", "地方", "dìfāng"),
        ("你今天很有精神。", "精神", "jīngshen"),
    ],
)
def test_context_decides_between_two_readings(
    annotator: Annotator, text: str, word: str, expected: str
) -> None:
    assert reading(annotator, text, word) == expected


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("我們一起去看電影吧。", "吧", "ba"),
        ("你是學生嗎？", "嗎", "ma"),
        ("我很好，你呢？", "呢", "ne"),
        ("今天天氣真好啊！", "啊", "a"),
        ("我吃了飯。", "了", "le"),
        ("她坐着看電視。", "着", "zhe"),
        ("門一直開著。", "著", "zhe"),
        ("我去過北京。", "過", "guo"),
        ("這是我的書。", "的", "de"),
        ("他慢慢地走了。", "地", "de"),
        ("他跑得很快。", "得", "de"),
    ],
)
def test_particles_are_neutral(annotator: Annotator, text: str, word: str, expected: str) -> None:
    assert reading(annotator, text, word) == expected


def test_particle_characters_keep_their_other_uses(annotator: Annotator) -> None:
    assert reading(annotator, "他過了馬路。", "過") == "guò"  # to cross
    assert reading(annotator, "我們跳過這一題。", "跳過") == "tiàoguò"
    assert reading(annotator, "我找不着他。", "着") == "zháo"
    assert reading(annotator, "他著了三本小說。", "著") == "zhù"  # wrote


def test_a_word_and_its_negation_and_erhua(annotator: Annotator) -> None:
    sentence = annotate_sentence(annotator, "你去不去？")
    assert [format_word(t.pinyin_numbered) for t in sentence.tokens if t.is_han] == [
        "nǐ",
        "qù",
        "bu",
        "qù",
    ]
    # 有空兒 is one CC-CEDICT word: the erhua form of 有空, read as its stem is (kòng, not kōng).
    assert reading(annotator, "你有空兒嗎？", "空兒") == "kòngr"
    assert reading(annotator, "我有空儿。", "空儿") == "kòngr"


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("今天外面很暖和。", "暖和", "nuǎnhuo"),  # 和's huo, though no candidate is neutral
        ("你明天有空兒嗎？", "空兒", "kòngr"),  # an erhua word's reading is final
        ("我沒空儿。", "空儿", "kòngr"),
        ("學校的西南邊有一個公園。", "邊", "bian"),  # a direction, then 邊: as 東邊 dōngbian
        ("他是她同父同母的兄弟。", "兄弟", "xiōngdì"),  # a brother, as CC-CEDICT writes it
    ],
)
def test_everyday_words_read_as_dictionaries_write_them(
    annotator: Annotator, text: str, word: str, expected: str
) -> None:
    assert reading(annotator, text, word) == expected


def test_a_lone_er_after_a_bound_form_is_no_erhua(annotator: Annotator) -> None:
    # 瑚 is only "used in 珊瑚": 瑚兒 is a name (Hú'ér); after a word, 兒 is its r.
    assert reading(annotator, "瑚兒的妻子是一位醫生。", "兒") == "ér"
    assert reading(annotator, "我想吃一碗麵條兒。", "兒") == "r"


@pytest.mark.parametrize("text", ["基本上", "看上去", "說不定", "说不定"])
def test_a_cut_dictionary_word_reads_as_that_word_the_first_time(text: str) -> None:
    # A new annotator has remembered nothing: the first time a word is read counts too.
    fresh = Annotator()
    expected = {"基本上": "jīběnshang", "看上去": "kànshangqu"}.get(text, "shuōbudìng")
    tokens = annotate_sentence(fresh, text).tokens
    assert format_word([s for t in tokens for s in t.pinyin_numbered]) == expected


# --- names -----------------------------------------------------------------------------------


def test_a_name_reads_the_same_everywhere(annotator: Annotator) -> None:
    sentences = [
        "記者葛沖報道。",
        "葛沖表示，兩國關係很重要。",
        "據葛沖說，會議明天開始。",
        "這是葛沖第一次來香港。",
    ]
    readings = {reading(annotator, sentence, "葛沖") for sentence in sentences}
    assert readings == {"Gě Chōng"}  # the surname's own reading, capitals as in dictionaries


def test_names_are_read_in_their_sentence(annotator: Annotator) -> None:
    # A given name is read with its sentence around it, not on its own: the model then knows
    # it is a name (游酢 Yóu Zuò, a Song scholar; 酢 alone is cù, vinegar).
    assert reading(annotator, "北宋學者游酢在這裡講學。", "游酢").endswith("zuò")
    # 任 rèn "to take up a post" before its object is not the surname Rén.
    assert reading(annotator, "2001年任武鋼集團副總經理。", "任武鋼").startswith("rèn")


def test_dictionary_names_and_places(annotator: Annotator) -> None:
    assert reading(annotator, "王毅在北京會見了客人。", "王毅") == "Wáng Yì"
    assert reading(annotator, "王毅在北京會見了客人。", "北京") == "Běijīng"
    assert reading(annotator, "我明年想去西安。", "西安") == "Xī'ān"


# --- how pinyin is written -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("syllables", "marks", "numbers", "zhuyin"),
    [
        (("xi1", "an1"), "xī'ān", "xi1an1", "ㄒㄧ ㄢ"),
        (("Xi1", "an1"), "Xī'ān", "Xi1an1", "ㄒㄧ ㄢ"),
        (("Wang2", "Yi4"), "Wáng Yì", "Wang2 Yi4", "ㄨㄤˊ ㄧˋ"),
        (("peng2", "you5"), "péngyou", "peng2you5", "ㄆㄥˊ ˙ㄧㄡ"),
        (("nv3", "er2"), "nǚ'ér", "nv3er2", "ㄋㄩˇ ㄦˊ"),
        (("na3", "r5"), "nǎr", "na3r5", "ㄋㄚˇㄦ"),
        (("zhong1", "ou1"), "zhōng'ōu", "zhong1ou1", "ㄓㄨㄥ ㄡ"),
    ],
)
def test_words_are_written_as_dictionaries_write_them(
    syllables: tuple[str, ...], marks: str, numbers: str, zhuyin: str
) -> None:
    assert format_word(syllables, PinyinStyle.MARKS) == marks
    assert format_word(syllables, PinyinStyle.NUMBERS) == numbers
    assert format_word(syllables, PinyinStyle.ZHUYIN) == zhuyin
    # The reading screen colours each syllable: its pieces join into the word.
    assert "".join(word_pieces(syllables, PinyinStyle.MARKS)) == marks


# --- display transforms ----------------------------------------------------------------------


def shown_readings_of(
    annotator: Annotator, text: str, *, full_tones: bool = False, tone_changes: bool = False
) -> list[tuple[str, ...]]:
    """The displayed syllables of each Han token of `text`."""
    paragraph = annotate_sentence(annotator, text)
    readings = shown_readings(paragraph.tokens, full_tones=full_tones, tone_changes=tone_changes)
    return [reading for reading, t in zip(readings, paragraph.tokens, strict=True) if t.is_han]


def shown(annotator: Annotator, text: str, *, tone_changes: bool = False) -> list[str]:
    """The displayed words of the Han tokens of `text`."""
    readings = shown_readings_of(annotator, text, tone_changes=tone_changes)
    return [format_word(reading) for reading in readings]


def shown_syllables(
    annotator: Annotator, text: str, *, full_tones: bool = False, tone_changes: bool = False
) -> list[str]:
    """The displayed syllable of each Han character of `text`, whatever the words are."""
    readings = shown_readings_of(annotator, text, full_tones=full_tones, tone_changes=tone_changes)
    return [format_word((syllable,)) for reading in readings for syllable in reading]


def test_tone_changes_are_shown_only_when_asked(annotator: Annotator) -> None:
    text = "我不是一個人去。"
    assert shown_syllables(annotator, text) == ["wǒ", "bù", "shì", "yī", "gè", "rén", "qù"]
    assert shown_syllables(annotator, text, tone_changes=True) == [
        *("wǒ", "bú", "shì", "yí", "gè", "rén", "qù")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一起去", ["yìqǐ", "qù"]),
        ("第一天", ["dìyī", "tiān"]),
        ("你好", ["níhǎo"]),
        ("不對", ["búduì"]),
        ("統一", ["tǒngyī"]),
    ],
)
def test_tone_change_rules(annotator: Annotator, text: str, expected: list[str]) -> None:
    assert shown(annotator, text, tone_changes=True) == expected


def test_full_tones_and_tone_changes_together(annotator: Annotator) -> None:
    text = "他是我的好朋友。"
    full = shown_syllables(annotator, text, full_tones=True)
    assert full == ["tā", "shì", "wǒ", "de", "hǎo", "péng", "yǒu"]
    assert shown_syllables(annotator, text) == ["tā", "shì", "wǒ", "de", "hǎo", "péng", "you"]
    paragraph = annotate_sentence(annotator, text)
    # The display never changes the annotation: the same tokens serve every setting.
    shown_readings(paragraph.tokens, full_tones=True, tone_changes=True)
    assert syllables_of(annotator, text, "朋友") == ("peng2", "you5")


def test_a_dictionary_word_reads_as_the_dictionary_where_the_engine_had_no_choice(
    annotator: Annotator,
) -> None:
    # 鑰 alone is yuè and 匙 chí in the reading tables; the word is yàoshi.
    assert syllables_of(annotator, "我找不到家裡的鑰匙了。", "鑰匙") == ("yao4", "shi5")
    assert syllables_of(annotator, "钥匙放在桌子上。", "钥匙") == ("yao4", "shi5")


def test_a_name_is_capitalised_when_its_surname_reads_as_an_everyday_word(
    annotator: Annotator,
) -> None:
    # 阮 is ruǎn (a lute) and Ruǎn (a surname): read so in a name, it is the surname.
    tokens = annotate_sentence(annotator, "記者阮志明昨天報道了這件事。").tokens
    (name,) = [token for token in tokens if token.text == "阮志明"]
    assert name.pinyin_numbered == ("Ruan3", "Zhi4", "ming2")
    assert name.gloss is not None and name.gloss.startswith("阮: surname Ruan")


def test_a_place_and_its_side_read_as_one_word(annotator: Annotator) -> None:
    tokens = annotate_sentence(annotator, "歐方希望盡快恢復談判。").tokens
    assert tokens[0].text == "歐方"
    assert tokens[0].pinyin_numbered == ("Ou1", "fang1")
    assert tokens[0].gloss is not None and "Europe" in tokens[0].gloss
    assert "side" in tokens[0].gloss
    assert format_word(tokens[0].pinyin_numbered, PinyinStyle.MARKS) == "Ōufāng"
