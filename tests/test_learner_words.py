"""The learner's convention (issue 11): a token is a word a learner looks up.

Every sentence here was written for these tests (none comes from an evaluation set). Each
class of the convention has its test: dictionary words whole, overlapping ambiguities
resolved by context, compositional strings split, names whole, the learner's rules winning.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.engine.convert import to_simplified
from reader.core.engine.segment import Segmenter
from reader.core.engine.user_dictionary import UserDictionary
from tests.support import load_script

HSK = Path(__file__).resolve().parent.parent / "src" / "reader" / "core" / "data" / "hsk"


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def words(segmenter: Segmenter, text: str) -> list[str]:
    return [text[start:end] for start, end, _ in segmenter.segment(text, to_simplified(text))]


def assert_in_a_row(segmenter: Segmenter, text: str, pieces: list[str]) -> None:
    """`pieces` are tokens of `text`, one after the other."""
    joined = "|".join(words(segmenter, text))
    assert f"|{'|'.join(pieces)}|" in f"|{joined}|", joined


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ("因此我們決定明天再去圖書館。", ["因此", "圖書館"]),
        ("你為什麼不給男朋友打電話？", ["為什麼", "男朋友", "打電話"]),
        ("別開玩笑了，我們一會兒去電影院。", ["開玩笑", "一會兒", "電影院"]),
        ("沒關係，不客氣。", ["沒關係", "不客氣"]),
        ("委員會主席成為了聯合國的代表。", ["委員會", "成為", "聯合國"]),
        ("這種價值觀推動了國家的現代化。", ["價值觀", "現代化"]),
        ("外交部發言人說，兩國領導人近年來多次見面。", ["外交部", "發言人", "領導人", "近年來"]),
        ("這個做法不得人心，時不我待，我們要改。", ["不得人心", "時不我待"]),
        ("接著他著急地跑了。", ["接著", "著急"]),  # OpenCC keeps 著; CC-CEDICT writes 着
        ("因此我们决定明天再去图书馆。", ["因此", "图书馆"]),  # Simplified text alike
    ],
)
def test_dictionary_words_stay_whole(segmenter: Segmenter, text: str, whole: list[str]) -> None:
    tokens = words(segmenter, text)
    for word in whole:
        assert word in tokens, tokens


def test_hsk_words_on_their_own_are_one_token(segmenter: Segmenter) -> None:
    # Issue 11: HSK 1-4 words of 2+ characters, both scripts, each on its own: >= 99.5%.
    forms: set[str] = set()
    for line in (HSK / "hsk30.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        simplified, traditional, level = line.split("\t")
        if level in ("1", "2", "3", "4"):
            forms.update(form for form in (simplified, traditional) if len(form) > 1)
    in_pieces = [form for form in sorted(forms) if len(words(segmenter, form)) != 1]
    assert len(in_pieces) <= 0.005 * len(forms), in_pieces


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 天然|氣管|道 would make a "windpipe" of the gas pipeline.
        ("這條天然氣管道已經開始輸氣。", ["天然氣", "管道"]),
        # ...|中國|家用|得 would make "China" and "home-use" of developing countries.
        ("很多發展中國家用得上這種疫苗。", ["國家", "用得上", "這種"]),
        # 更深 is "late at night"; here 更 qualifies 深層次.
        ("兩國要在更深層次上合作。", ["更", "深層次", "上"]),
        ("他從小學會了游泳。", ["從小", "學會"]),
        ("結婚的和尚未結婚的人都來了。", ["和", "尚未"]),
        ("把手機放在桌子上。", ["把", "手機"]),
        ("他的確認真工作。", ["的確", "認真"]),
        ("美國會通過這個法案。", ["美國", "會", "通過"]),
    ],
)
def test_overlapping_ambiguities_are_resolved_by_context(
    segmenter: Segmenter, text: str, expected: list[str]
) -> None:
    assert_in_a_row(segmenter, text, expected)


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        (
            "我昨天買了三本書和五支筆。",
            ["三", "本", "書", "和", "五", "支", "筆"],
        ),  # number + measure
        ("我借了他的書。", ["他", "的", "書"]),  # a 的-phrase
        ("我們去吃蘋果吧。", ["吃", "蘋果"]),  # a verb and its ordinary object
        ("這是我見過最大的魚。", ["最", "大", "的"]),  # jieba's 最大: no dictionary lists it
        ("這座城市的人口密度很高。", ["人口", "密度"]),  # a phrase of two dictionary words
        ("今年的損失比去年更大。", ["更", "大"]),
    ],
)
def test_compositional_strings_are_split(
    segmenter: Segmenter, text: str, pieces: list[str]
) -> None:
    assert_in_a_row(segmenter, text, pieces)


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        # CC-CEDICT lists 我去 "(slang) what the...!", 我等 "(archaic) we", 他用 "other use",
        # 他杀 "homicide", 我靠 "crap!", 他信 "Thaksin", 那是 "(coll.) of course": a pronoun
        # and a verb are a subject and its predicate here.
        ("我去學校上課。", ["我", "去", "學校"]),
        ("我去過很多地方。", ["我", "去", "過"]),
        ("我去看看就回来。", ["我", "去", "看看"]),
        ("我等你一會兒。", ["我", "等", "你"]),
        ("你等我一下好嗎？", ["你", "等", "我"]),
        ("他用筷子吃麵條。", ["他", "用", "筷子"]),
        ("他杀了一条鱼。", ["他", "杀", "了"]),
        ("我靠自己找到了工作。", ["我", "靠", "自己"]),
        ("他信了我說的話。", ["他", "信", "了"]),
        ("那是你的手機嗎？", ["那", "是", "你"]),
        # Entries that read a function character otherwise: 都会 dūhuì "metropolis", 中的
        # zhòngdì "to hit the target", 到了 dàoliǎo "at last", 打的 dǎdī "to take a taxi".
        ("他們都會來參加。", ["都", "會", "來"]),
        ("書中的故事很有意思。", ["書", "中", "的", "故事"]),
        ("我们到了车站就给你打电话。", ["到", "了", "车站"]),
        ("你打的電話我沒接到。", ["打", "的", "電話"]),
    ],
)
def test_function_words_are_not_joined_into_an_unrelated_entry(
    segmenter: Segmenter, text: str, pieces: list[str]
) -> None:
    assert_in_a_row(segmenter, text, pieces)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("我們是好朋友。", "我們"),
        ("你好，我叫小明。", "你好"),
        ("哪怕下雨我也去。", "哪怕"),  # HSK 4
        ("我国经济发展很快。", "我国"),
        ("這個地方很安靜。", "這個"),
        ("我說得不好，你再說一遍。", "一遍"),
    ],
)
def test_pronoun_and_function_words_that_are_words_stay_whole(
    segmenter: Segmenter, text: str, word: str
) -> None:
    assert word in words(segmenter, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("記者張美華報道，", "張美華"),  # surname + given name no dictionary lists
        ("發言人黃志明說", "黃志明"),
        ("記者葛志強報道。", "葛志強"),  # a given name that is a lexicon word (志強)
        ("校長王毅表示", "王毅"),
        ("他明年要去馬來西亞。", "馬來西亞"),
        ("北京大學和新華社合作。", "北京大學"),  # a name made of words stays whole
    ],
)
def test_names_stay_whole(segmenter: Segmenter, text: str, name: str) -> None:
    assert name in words(segmenter, text)


@pytest.mark.parametrize(
    "text",
    [
        "政府向有需要的家庭提供援助。",  # 向 is a surname, 向有 no name
        "我們願與歐方加強合作。",  # 歐方 "the European side", not Mr Ou Fang
        "我們向中國提供幫助。",  # 中國 is no given name
    ],
)
def test_surname_characters_before_everyday_words_are_no_names(
    segmenter: Segmenter, text: str
) -> None:
    tokens = words(segmenter, text)
    assert not any(token[0] in "向歐" and len(token) > 1 and token != "歐方" for token in tokens)
    assert "向有" not in tokens and "向中國" not in tokens


def test_the_learners_rules_win(tmp_path: Path) -> None:
    text = "這座城市的人口密度很高，我有一個問題。"
    rules = UserDictionary(tmp_path / "words.txt")
    plain = words(Segmenter(rules), text)
    assert "人口" in plain and "一個" in plain
    rules.add_join("人口密度")  # a dictionary phrase the model splits
    rules.add_split("一個", ["一", "個"])  # a dictionary word the model keeps
    rules.add_join("最大")  # a word no dictionary lists, which the model shows cut
    ruled = Segmenter(rules)
    tokens = words(ruled, text)
    assert "人口密度" in tokens
    assert tokens[tokens.index("一") + 1] == "個"
    assert "最大" in words(ruled, "這是我見過最大的魚。")
    assert "".join(tokens) == text


# --- the convention the model learns (tools/build_segmentation_model.py) --------------------


@pytest.fixture(scope="module")
def builder():  # type: ignore[no-untyped-def]
    return load_script("tools/build_segmentation_model.py")


def _learner(builder):  # type: ignore[no-untyped-def]
    cedict = {
        "因此", "委员", "委员会", "人口", "密度", "人口密度", "发展中", "国家", "中国",
        "发展中国家", "北京", "大学", "北京大学", "截然", "不同", "截然不同", "最",
    }  # fmt: skip
    return builder.LearnerWords(
        cedict=cedict,
        hsk={"大学"},
        names={"北京大学"},
        idioms={"截然不同"},
    )


@pytest.mark.parametrize(
    ("gold", "expected"),
    [
        # Gold words that spell a dictionary word are joined, the fewest words winning.
        (["因", "此", "委员", "会"], ["因此", "委员会"]),
        (["发展", "中", "国家"], ["发展中", "国家"]),  # 发展中 + 国家 is a phrase of words
        # A phrase of 2+-character words stays split unless a name, HSK word or idiom.
        (["人口", "密度"], ["人口", "密度"]),
        (["北京", "大学"], ["北京大学"]),
        (["截然", "不同"], ["截然不同"]),
    ],
)
def test_gold_words_are_joined_into_learner_words(
    builder, gold: list[str], expected: list[str]
) -> None:  # type: ignore[no-untyped-def]
    learner = _learner(builder)
    assert builder.learner_convention([(w, "NOUN") for w in gold], learner) == expected


def test_words_no_dictionary_lists_are_cut_unless_names_or_numbers(builder) -> None:  # type: ignore[no-untyped-def]
    learner = _learner(builder)
    gold = [("最大", "ADJ"), ("王小二", "PROPN"), ("三十", "NUM")]
    assert builder.learner_convention(gold, learner) == ["最", "大", "王小二", "三十"]
    # The lattice's own units keep them whole (the segmenter shows 最大 cut).
    assert builder.learner_convention(gold, learner, split_unlisted=False)[0] == "最大"


def _cedict(builder, lines: list[str]):  # type: ignore[no-untyped-def]
    """A Cedict of CC-CEDICT lines "simplified [syllables] /sense/sense/"."""
    cedict = builder.Cedict(set(), set(), {}, {})
    for line in lines:
        word, rest = line.split(" ", 1)
        reading, _, glosses = rest.partition("] ")
        senses = [sense for sense in glosses.strip("/").split("/") if sense]
        cedict.words.add(word)
        cedict.entries.setdefault(word, []).append((reading.lstrip("[").split(), senses))
    return cedict


def test_compositions_are_told_by_the_dictionary_entries(builder) -> None:  # type: ignore[no-untyped-def]
    cedict = _cedict(
        builder,
        [
            "我去 [wo3 qu4] /(slang) what the ...!; oh my god!/",
            "去 [qu4] /to go; to go to (a place)/",
            "我们 [wo3 men5] /we; us/",
            "们 [men5] /plural marker for pronouns/",
            "你好 [ni3 hao3] /hello; hi/",
            "好 [hao3] /good/(after a personal pronoun) hello/",
            "好 [hao4] /to be fond of/",
            "那是 [na4 shi5] /(coll.) of course/naturally/",
            "是 [shi4] /to be (followed by substantives only)/correct; right/",
            "都会 [du1 hui4] /city/metropolis/",
            "并不 [bing4 bu4] /not at all; by no means/",
            "中的 [zhong4 di4] /to hit the target/",
            "糟了 [zao1 le5] /gosh!/oh no!/",
            "爹地 [die1 di4] /daddy (loanword)/",
            "哪怕 [na3 pa4] /even; even if/",
            "怕 [pa4] /to be afraid; to fear/",
        ],
    )
    hsk = {"我们": "1", "哪怕": "4", "都会": "7-9"}
    kinds = {word: builder.composition_kind(word, cedict, hsk, set()) for word in cedict.entries}
    assert kinds["我去"] == kinds["那是"] == "subject + predicate"  # shì5 is shì
    assert kinds["都会"] == kinds["中的"] == "function character read otherwise"  # dū, dì
    assert kinds["糟了"] == "register-marked"
    for word in ("我们", "你好", "并不", "爹地", "哪怕", "去"):  # 你好: hǎo is no verb
        assert kinds[word] is None, word
    # A word jieba's corpus counts as a word is no composition of the last two kinds.
    assert builder.composition_kind("中的", cedict, hsk, {"中的"}) is None


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        # A numeral or demonstrative + measure word before a noun it counts is a composition,
        # though CC-CEDICT lists the pair with another sense (一家 "the whole family").
        ("我們樓下有一家書店。", ["一", "家", "書店"]),
        ("他送給我一面國旗。", ["一", "面", "國旗"]),
        ("這家公司很大。", ["這", "家", "公司"]),
        # The determiners a learner is taught as words stay whole before their noun.
        ("我想問一個問題。", ["一個", "問題"]),
        ("這個地方很安靜。", ["這個", "地方"]),
        # Not before a noun the measure word counts, the pair is the dictionary's word.
        ("她一面唱歌一面跳舞。", ["一面", "唱歌", "一面"]),
        ("我們一家都喜歡看書。", ["我們", "一家", "都"]),
    ],
)
def test_a_measure_word_before_its_noun_is_counted_apart(
    segmenter: Segmenter, text: str, pieces: list[str]
) -> None:
    assert_in_a_row(segmenter, text, pieces)


@pytest.mark.parametrize("text", ["歐方希望盡快恢復談判。", "英方拒絕了這個要求。"])
def test_a_place_and_its_side_are_one_word(segmenter: Segmenter, text: str) -> None:
    assert words(segmenter, text)[0] == text[:2]


def test_a_side_after_and_or_towards_is_one_word(segmenter: Segmenter) -> None:
    assert_in_a_row(segmenter, "中方和美方昨天見了面。", ["中方", "和", "美方"])
    assert_in_a_row(segmenter, "他們對美方很不滿。", ["對", "美方"])
    assert_in_a_row(segmenter, "一個和美的家庭", ["和美", "的"])
