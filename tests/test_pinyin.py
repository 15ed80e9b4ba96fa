"""Pinyin: syllable formats, and readings in context through the real tables, model and segmenter.

Sentences here are written for these tests (none is taken from an evaluation set).
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.engine.convert import to_simplified
from reader.core.engine.pinyin import (
    _WINDOW,
    PinyinReader,
    _model_queries,
    _Open,
    default_reader,
    surface_tones,
)
from reader.core.engine.polyphone_model import ModelQuery
from reader.core.engine.reading_tables import ReadingTables, normalise_cedict_pinyin
from reader.core.engine.segment import segment
from reader.core.engine.syllables import (
    PinyinStyle,
    format_syllable,
    is_numbered_syllable,
    tone_of,
)
from reader.core.engine.tables import LazyTable, pack_tables
from reader.core.text.han import is_han_char
from reader.core.text.loader import load_path
from tests.support import SEED

NUMBERED = re.compile(r"^[a-z]+[1-5]$")


# --- formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numbered", "marks"),
    [
        ("zhong1", "zhōng"),
        ("guo2", "guó"),
        ("hao3", "hǎo"),  # a takes the mark
        ("mei2", "méi"),  # e takes the mark
        ("lve4", "lüè"),  # e before ü
        ("gou3", "gǒu"),  # ou -> o
        ("liu2", "liú"),  # iu -> the last vowel
        ("gui4", "guì"),  # ui -> the last vowel
        ("lv4", "lǜ"),
        ("nv3", "nǚ"),
        ("lu:4", "lǜ"),  # CC-CEDICT's spelling
        ("lü4", "lǜ"),
        ("xiong2", "xióng"),
        ("er2", "ér"),
        ("shi4", "shì"),
        ("le5", "le"),  # neutral tone: no mark
        ("n2", "ń"),  # syllabic nasal (嗯)
        ("Zhong1", "Zhōng"),  # a capital starts a proper noun
    ],
)
def test_marks(numbered: str, marks: str) -> None:
    assert format_syllable(numbered, PinyinStyle.MARKS) == marks


@pytest.mark.parametrize(
    ("numbered", "expected"),
    [("zhong1", "zhong1"), ("lü4", "lv4"), ("lu:4", "lv4"), ("le5", "le5"), ("NV3", "Nv3")],
)
def test_numbers(numbered: str, expected: str) -> None:
    assert format_syllable(numbered, PinyinStyle.NUMBERS) == expected


@pytest.mark.parametrize(
    ("numbered", "zhuyin"),
    [
        ("zhong1", "ㄓㄨㄥ"),
        ("lv4", "ㄌㄩˋ"),
        ("le5", "˙ㄌㄜ"),
        ("shi4", "ㄕˋ"),  # zhi chi shi ri zi ci si have no final
        ("zi3", "ㄗˇ"),
        ("ri4", "ㄖˋ"),
        ("yi1", "ㄧ"),
        ("ya2", "ㄧㄚˊ"),
        ("you3", "ㄧㄡˇ"),
        ("yu2", "ㄩˊ"),
        ("yue4", "ㄩㄝˋ"),
        ("yuan2", "ㄩㄢˊ"),
        ("yong3", "ㄩㄥˇ"),
        ("wu3", "ㄨˇ"),
        ("wei4", "ㄨㄟˋ"),
        ("weng1", "ㄨㄥ"),
        ("xue2", "ㄒㄩㄝˊ"),  # u after j q x is ü
        ("jun1", "ㄐㄩㄣ"),
        ("qu4", "ㄑㄩˋ"),
        ("jiu3", "ㄐㄧㄡˇ"),  # iu = iou
        ("gui4", "ㄍㄨㄟˋ"),  # ui = uei
        ("lun2", "ㄌㄨㄣˊ"),  # un = uen
        ("xiong2", "ㄒㄩㄥˊ"),
        ("er2", "ㄦˊ"),
        ("r5", "˙ㄦ"),  # erhua
        ("ming2", "ㄇㄧㄥˊ"),
    ],
)
def test_zhuyin(numbered: str, zhuyin: str) -> None:
    assert format_syllable(numbered, PinyinStyle.ZHUYIN) == zhuyin


@pytest.mark.parametrize("text", ["A", "·", ",", "xx5", "", "abc"])
def test_text_that_is_not_a_syllable_comes_back_unchanged(text: str) -> None:
    for style in PinyinStyle:
        assert format_syllable(text, style) == text


def test_tone_of_and_the_pinyin_normalisers() -> None:
    from reader.core.engine.syllables import marks_to_numbered, toneless
    from reader.core.models import normalised_pinyin

    assert [tone_of(s) for s in ("zhong1", "guo2", "hao3", "lv4", "le5")] == [1, 2, 3, 4, 5]
    assert tone_of("A") == 5
    assert [toneless(s) for s in ("lv4", "lu:4", "Zhong1", "Guān xì", "Lǜ shī")] == [
        "lv",
        "lv",
        "zhong",
        "guanxi",
        "lvshi",
    ]
    assert normalised_pinyin(" Lu:4 XING2 lü4 ") == "lv4 xing2 lv4"
    assert [marks_to_numbered(s) for s in ("zhōng", "lǜ", "de", "Xī")] == [
        "zhong1",
        "lv4",
        "de5",
        "xi1",
    ]
    assert not is_numbered_syllable("xx5")
    assert is_numbered_syllable("lu:4")


def test_normalise_cedict_pinyin() -> None:
    assert normalise_cedict_pinyin("zhong1 guo2") == ("zhong1", "guo2")
    assert normalise_cedict_pinyin("Lu:4 shi1") == ("lv4", "shi1")
    assert normalise_cedict_pinyin("lu:4") == ("lv4",)
    assert normalise_cedict_pinyin("xx5") == ()
    assert normalise_cedict_pinyin("A A zhi4") == ("A", "A", "zhi4")
    assert normalise_cedict_pinyin("  ") == ()


@given(
    st.sampled_from("bpmfdtnlgkhjqxzcsrwy"),
    st.sampled_from(["a", "e", "ai", "ei", "ao", "ou", "an", "ang", "ong", "i", "u", "ua", "uo"]),
    st.integers(min_value=1, max_value=4),
)
def test_marks_keep_the_letters_and_put_exactly_one_mark(
    initial: str, final: str, tone: int
) -> None:
    marked = format_syllable(f"{initial}{final}{tone}", PinyinStyle.MARKS)
    decomposed = unicodedata.normalize("NFD", marked)
    marks = [char for char in decomposed if unicodedata.combining(char)]
    assert len(marks) == 1
    assert "".join(char for char in decomposed if not unicodedata.combining(char)) == (
        initial + final
    )


@pytest.mark.parametrize(
    ("text", "words", "readings", "surface"),
    [
        ("不是", [(0, 2)], ["bu4", "shi4"], ["bu2", "shi4"]),
        ("不好", [(0, 2)], ["bu4", "hao3"], ["bu4", "hao3"]),
        ("一個", [(0, 2)], ["yi1", "ge4"], ["yi2", "ge4"]),
        ("一起", [(0, 2)], ["yi1", "qi3"], ["yi4", "qi3"]),
        ("第一次", [(0, 3)], ["di4", "yi1", "ci4"], ["di4", "yi1", "ci4"]),
        ("十一月", [(0, 3)], ["shi2", "yi1", "yue4"], ["shi2", "yi1", "yue4"]),
        ("統一", [(0, 2)], ["tong3", "yi1"], ["tong3", "yi1"]),
        ("你好", [(0, 2)], ["ni3", "hao3"], ["ni2", "hao3"]),
        ("我 好", [(0, 1), (1, 2), (2, 3)], ["wo3", None, "hao3"], ["wo3", None, "hao3"]),
    ],
)
def test_surface_tones(
    text: str, words: list[tuple[int, int]], readings: list[str | None], surface: list[str | None]
) -> None:
    assert surface_tones(text, readings, words) == surface


# --- readings in context ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def reader() -> PinyinReader:
    return default_reader()


def read(reader: PinyinReader, text: str) -> list[str | None]:
    simplified = to_simplified(text)
    words = [(start, end) for start, end, _ in segment(text, simplified)]
    return reader.readings(text, simplified, words)


def reading_at(reader: PinyinReader, text: str, char: str, occurrence: int = 0) -> str | None:
    positions = [index for index, found in enumerate(text) if found == char]
    return read(reader, text)[positions[occurrence]]


def test_one_numbered_syllable_per_han_character_and_none_elsewhere(reader: PinyinReader) -> None:
    text = "他在2021年說：「OK，我們明天見！」😀 女兒綠色。"
    readings = read(reader, text)
    assert len(readings) == len(text)
    for char, reading in zip(text, readings, strict=True):
        if is_han_char(char):
            assert reading is not None and NUMBERED.match(reading), (char, reading)
        else:
            assert reading is None, (char, reading)
    assert reading_at(reader, text, "女") == "nv3"  # v for ü
    assert reading_at(reader, text, "綠") == "lv4"


def test_compatibility_ideographs_read_as_their_unified_character(reader: PinyinReader) -> None:
    assert reader.readings("\uf9d1", "\uf9d1", [(0, 1)]) == ["liu4"]  # 六 (U+F9D1)


def test_empty_and_non_chinese_text(reader: PinyinReader) -> None:
    assert reader.readings("", "", []) == []
    assert reader.readings("abc 123", "abc 123", [(0, 3), (3, 4), (4, 7)]) == [None] * 7


def test_words_may_be_missing_or_partial(reader: PinyinReader) -> None:
    text = "我們一起去銀行"
    simplified = to_simplified(text)
    assert reader.readings(text, simplified, []) == reader.readings(text, simplified, [(0, 2)])
    assert reader.readings(text, simplified, [])[-1] in ("hang2", "xing2")


def test_bad_word_spans_are_ignored(reader: PinyinReader) -> None:
    text = "銀行很近"
    good = reader.readings(text, to_simplified(text), [(0, 2), (2, 3), (3, 4)])
    bad = reader.readings(text, to_simplified(text), [(0, 2), (3, 2), (-5, 0), (3, 99)])
    assert bad == good


def test_misaligned_simplified_is_an_error(reader: PinyinReader) -> None:
    with pytest.raises(ValueError, match="aligned"):
        reader.readings("中國", "中", [(0, 2)])


def test_readings_many_matches_one_by_one(reader: PinyinReader) -> None:
    texts = ["他為人民服務。", "頭髮長了，該剪了。", "", "銀行在前面，我們一起走着去。"]
    items = []
    for text in texts:
        simplified = to_simplified(text)
        items.append((text, simplified, [(s, e) for s, e, _ in segment(text, simplified)]))
    assert reader.readings_many(items) == [reader.readings(*item) for item in items]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from("中国為了的得地着长重行都a1，。 \n😀髮乾"), max_size=40))
def test_any_text_gives_one_item_per_character(text: str) -> None:
    reader = default_reader()
    simplified = to_simplified(text)
    words = [(start, end) for start, end, _ in segment(text, simplified)]
    readings = reader.readings(text, simplified, words)
    assert len(readings) == len(text)
    assert all(
        (reading is None) != is_han_char(char) for char, reading in zip(text, readings, strict=True)
    )


def test_traditional_characters_that_simplified_merged(reader: PinyinReader) -> None:
    assert reading_at(reader, "她的頭髮很長。", "髮") == "fa4"
    assert reading_at(reader, "他發現了一個問題。", "發") == "fa1"
    assert reading_at(reader, "衣服已經乾了。", "乾") == "gan1"
    assert reading_at(reader, "你在幹甚麼？", "幹") == "gan4"


def test_tables_narrow_by_the_original_character() -> None:
    tables = ReadingTables.from_entries(
        {"发": (("fa1", "fa4"), ()), "髮": (("fa4",), ("fa3",)), "發": (("fa1",), ("bo1",))},
        {"头发": ("tou2 fa4",)},
    )
    assert tables.candidates("髮", "发") == ("fa4",)
    assert tables.candidates("發", "发") == ("fa1",)
    assert tables.candidates("发", "发") == ("fa1", "fa4")
    assert tables.word_readings("頭髮", "头发").readings == ("tou2 fa4",)
    assert tables.word_readings("沒有", "没有").readings == ()


def test_tables_load_from_table_files(tmp_path: Path) -> None:
    chars_file, words_file = tmp_path / "chars.table", tmp_path / "words.table"
    chars = {"发": "fa1 fa4;", "髮": "fa4;fa3", "\U00020bb7": "ji2;", "長": "chang2 zhang3;"}
    chars_file.write_bytes(pack_tables({"chars": chars}))
    words_file.write_bytes(pack_tables({"words": {"头发": "*tou2 fa4", "長大": "zhang3 da4"}}))
    tables = ReadingTables.load(chars_file, words_file)
    assert tables.candidates("髮", "发") == ("fa4",)
    assert tables.candidates("\U00020bb7", "\U00020bb7") == ("ji2",)
    assert tables.candidates("中", "中") == ()
    assert tables.word_readings("頭髮", "头发") == (("tou2 fa4",), True)
    assert tables.word_readings("長大", "长大").readings == ("zhang3 da4",)
    assert tables.word_readings("长城", "长城").readings == ()


def test_shipped_tables_decode_only_what_is_looked_up() -> None:
    tables = ReadingTables.load()
    chars, words = tables._chars, tables._words
    assert isinstance(chars, LazyTable) and isinstance(words, LazyTable)
    assert chars.decoded_blocks == 0 and words.decoded_blocks == 0
    assert tables.candidates("長", "长") == ("zhang3", "chang2")
    assert tables.word_readings("長大", "长大").readings == ("zhang3 da4",)
    assert chars.decoded_blocks <= 2 and words.decoded_blocks <= 2
    assert len(chars._packed.block_ends) > 100 and len(words._packed.block_ends) > 100


def test_model_queries_stay_inside_the_sentence_and_the_window() -> None:
    text = "甲" * 40 + "。重" + "乙" * 40
    open_positions = {41: _Open(("zhong4", "chong2"), None)}
    [(index, query)] = list(_model_queries(text, open_positions))
    assert index == 41
    assert query.text.startswith("重")  # cut at the full stop before it
    assert len(query.text) == _WINDOW + 1  # the character and the window after it
    assert query.text[query.position] == "重"


def test_model_prefers_context(reader: PinyinReader) -> None:
    music, happy = reader.model.choose(
        [
            ModelQuery("他喜欢听音乐", 5, ("le4", "yue4")),
            ModelQuery("大家都很快乐", 5, ("le4", "yue4")),
        ]
    )
    assert (music[0], happy[0]) == ("yue4", "le4")
    assert 0.5 < music[1] <= 1.0


def test_warm_up_loads_everything() -> None:
    fresh = PinyinReader()
    fresh.warm_up()
    assert fresh._model is not None and fresh._tables is not None


def test_model_chooses_where_the_dictionaries_disagree(reader: PinyinReader) -> None:
    # pypinyin's phrase table has 运转 yùnzhuàn, CC-CEDICT yùnzhuǎn: both are kept.
    assert reader.tables.word_readings("運轉", "运转").readings == ("yun4 zhuan4", "yun4 zhuan3")
    assert reading_at(reader, "工廠的機器一直正常運轉。", "轉") == "zhuan3"


# --- the seed article ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_readings(reader: PinyinReader) -> tuple[str, list[str | None]]:
    """The whole seed, paragraph by paragraph as the app reads it, joined with newlines."""
    texts, readings = [], []
    for paragraph in load_path(SEED).paragraphs:
        texts.append(paragraph.text)
        readings.extend([*read(reader, paragraph.text), None])
    return "\n".join(texts) + "\n", readings


SEED_EXPECTED = [
    # (text around the character, offset of the character in it, reading)
    ("重拾", 0, "chong2"),
    ("重開", 0, "chong2"),
    ("重回", 0, "chong2"),
    ("重啟", 0, "chong2"),
    ("相處", 1, "chu3"),
    ("處理", 0, "chu3"),
    ("率先", 0, "shuai4"),
    ("作為", 1, "wei2"),
    ("視為", 1, "wei2"),
    ("為解決", 0, "wei4"),
    ("挑起", 0, "tiao3"),
    pytest.param(
        "兩國都將",
        2,
        "dou1",
        # Issue 11's segmenter reads 兩|國都|將 (國都 "capital" is a CC-CEDICT word): an
        # overlapping ambiguity the word model does not resolve; reported, not hidden.
        marks=pytest.mark.xfail(strict=True, reason="segmentation 兩|國都|將"),
    ),
    ("沿着", 1, "zhe5"),
    ("參與", 1, "yu4"),
    ("偏差", 1, "cha1"),
    ("關係", 1, "xi4"),
    ("外交部長", 3, "zhang3"),
    ("為此", 0, "wei4"),
    ("着力", 0, "zhuo2"),
    ("應當", 0, "ying1"),
    ("應對", 0, "ying4"),
    ("重要", 0, "zhong4"),
    ("角色", 0, "jue2"),
    ("以此為契機", 2, "wei2"),
    ("為全球抗疫", 0, "wei4"),
    ("也為低迷", 1, "wei4"),
    ("繼續為大國", 2, "wei4"),
    ("採取了", 2, "le5"),
    ("本着", 1, "zhe5"),
    ("地區", 0, "di4"),
]


@pytest.mark.parametrize(("context", "offset", "expected"), SEED_EXPECTED)
def test_seed_readings(
    seed_readings: tuple[str, list[str | None]], context: str, offset: int, expected: str
) -> None:
    text, readings = seed_readings
    found = [match.start() + offset for match in re.finditer(re.escape(context), text)]
    assert found, f"{context} is not in the seed"
    assert [readings[index] for index in found] == [expected] * len(found)


def test_seed_every_han_character_has_a_reading(
    seed_readings: tuple[str, list[str | None]],
) -> None:
    text, readings = seed_readings
    missing = [
        char
        for char, reading in zip(text, readings, strict=True)
        if is_han_char(char) and not reading
    ]
    assert missing == []


# --- regression sentences, one group per error class fixed ----------------------------------

REGRESSIONS = [
    # 了 le / liǎo
    ("我終於明白了。", "了", 0, "le5"),
    ("我們要了解這個問題。", "了", 0, "liao3"),
    ("這件事我真的受不了。", "了", 0, "liao3"),
    # 得 de / dé / děi
    ("他跑得很快。", "得", 0, "de5"),
    ("她說得不對。", "得", 0, "de5"),
    ("我得走了，明天見。", "得", 0, "dei3"),
    ("她得到了獎勵。", "得", 0, "de2"),
    # 地 de / dì
    ("他慢慢地走回家。", "地", 0, "de5"),
    ("同學們積極地參與討論。", "地", 0, "de5"),
    ("這塊地很大。", "地", 0, "di4"),
    ("地球是圓的。", "地", 0, "di4"),
    # 着 zhe / zháo / zhuó
    ("他看着我笑。", "着", 0, "zhe5"),
    ("孩子睡着了。", "着", 0, "zhao2"),
    ("別着急，慢慢來。", "着", 0, "zhao2"),
    ("我們要着手解決這個問題。", "着", 0, "zhuo2"),
    ("政府着力推動改革。", "着", 0, "zhuo2"),
    # 都 dōu / dū
    ("我們都是學生。", "都", 0, "dou1"),
    ("北京是中國的首都。", "都", 0, "du1"),
    ("他去成都旅行。", "都", 0, "du1"),
    ("兩家公司都將參加。", "都", 0, "dou1"),
    # 为 wèi / wéi
    ("他為人民服務。", "為", 0, "wei4"),
    ("我們也為他高興。", "為", 0, "wei4"),
    ("為了孩子，她甚麼都願意做。", "為", 0, "wei4"),
    ("他們為此付出了很多。", "為", 0, "wei4"),
    ("他被選為班長。", "為", 0, "wei2"),
    ("他們以合作為基礎。", "為", 0, "wei2"),
    ("這個城市的面積為100平方公里。", "為", 0, "wei2"),
    ("大家把他視為朋友。", "為", 0, "wei2"),
    # 行 xíng / háng
    ("他明天不行。", "行", 0, "xing2"),
    ("他在銀行工作。", "行", 0, "hang2"),
    ("這個行業發展很快。", "行", 0, "hang2"),
    # 长 cháng / zhǎng
    ("這條河很長。", "長", 0, "chang2"),
    ("孩子長大了。", "長", 0, "zhang3"),
    ("校長來了。", "長", 0, "zhang3"),
    ("探長正在調查這件案子。", "長", 0, "zhang3"),  # a rare word: still final for 長
    # 重 zhòng / chóng
    ("這個箱子很重。", "重", 0, "zhong4"),
    ("請你重新說一遍。", "重", 0, "chong2"),
    ("他們決定重建學校。", "重", 0, "chong2"),
    ("我們將隆重慶祝國慶。", "重", 0, "zhong4"),
    # 处 chǔ / chù
    ("這個問題很難處理。", "處", 0, "chu3"),
    ("他去了辦事處。", "處", 0, "chu4"),
    ("鄰居們和睦相處。", "處", 0, "chu3"),
    ("兩國和平共處。", "處", 0, "chu3"),
    # 率 lǜ / shuài
    ("今年的增長率很高。", "率", 0, "lv4"),
    ("他率領隊伍出發。", "率", 0, "shuai4"),
    ("他的態度很坦率。", "率", 0, "shuai4"),
    # 差 chā / chà / chāi
    ("兩者的差別不大。", "差", 0, "cha1"),
    ("他的成績很差。", "差", 0, "cha4"),
    ("他明天去北京出差。", "差", 0, "chai1"),
    # 应 yīng / yìng
    ("我們應當互相幫助。", "應", 0, "ying1"),
    ("他答應了。", "應", 0, "ying4"),
    ("美國應汲取教訓。", "應", 0, "ying1"),
    ("你們為何不早點說？", "為", 0, "wei4"),
    ("公司特別為她設置了一個房間。", "為", 0, "wei4"),
    ("他們為保護孩子搬了家。", "為", 0, "wei4"),
    ("這座建築原為一所中學。", "為", 0, "wei2"),
    ("兩國互為發展機遇。", "為", 0, "wei2"),
    ("這座房子曾經作為他們的家。", "為", 0, "wei2"),
    ("他把這裏視為他的家。", "為", 0, "wei2"),
    # 没 méi / mò, 弄 nòng / lòng, 啦 la, 重 and 好 as adjectives
    ("我沒時間。", "沒", 0, "mei2"),
    ("你不要弄了！", "弄", 0, "nong4"),
    ("他住在上海118弄。", "弄", 0, "long4"),
    ("快點給我啦！", "啦", 0, "la5"),
    ("這個箱子很重啊！", "重", 0, "zhong4"),
    ("他比較注重外表而不重內涵。", "重", 1, "zhong4"),
    ("你快點弄好。", "好", 0, "hao3"),
    # 甚麼 (Hong Kong spelling of 什麼) is common even though CC-CEDICT has no entry for it
    ("你在做甚麼？", "甚", 0, "shen2"),
    # a word the segmenter split, read from the word table: 秘書長 zhǎng
    ("聯合國秘書長今天到訪。", "長", 0, "zhang3"),
    # verbs whose next or previous character tells their reading
    ("農民在田裏刨出一個瓦罐。", "刨", 0, "pao2"),
    ("木匠用刨子刨木頭。", "刨", 1, "bao4"),
    ("她把鹽撒在湯裏。", "撒", 0, "sa3"),
    ("漁民撒網捕魚。", "撒", 0, "sa1"),
    ("把郵票粘在信封上。", "粘", 0, "zhan1"),
    ("兩棟房子緊挨着。", "挨", 0, "ai1"),
    ("他昨天挨了罵。", "挨", 0, "ai2"),
    ("小貓藏在床底下。", "藏", 0, "cang2"),
    ("這是博物館所藏的古畫。", "藏", 0, "cang2"),
    ("媽媽給客人盛湯。", "盛", 0, "cheng2"),
    ("他後來升為參將。", "將", 0, "jiang4"),
    ("村後有一處溫泉。", "處", 0, "chu4"),
    ("他扛着一把鐵鎬上山。", "鎬", 0, "gao3"),
    ("他盡得師父真傳。", "盡", 0, "jin4"),
    ("他來得較晚。", "得", 0, "de5"),
    ("她住在長樂弄社區。", "弄", 0, "long4"),
    # 发 fā / fà in a common word the model misreads
    ("我剪了頭髮。", "髮", 0, "fa4"),
    ("我剪了头发。", "发", 0, "fa4"),
]


@pytest.mark.parametrize(("text", "char", "occurrence", "expected"), REGRESSIONS)
def test_regressions(
    reader: PinyinReader, text: str, char: str, occurrence: int, expected: str
) -> None:
    assert reading_at(reader, text, char, occurrence) == expected


# --- laziness --------------------------------------------------------------------------------


@pytest.mark.slow
def test_import_loads_no_model_or_pypinyin() -> None:
    probe = (
        "import sys, reader.core.engine.pinyin; "
        "print(','.join(m for m in ('numpy', 'g2pM', 'pypinyin') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
