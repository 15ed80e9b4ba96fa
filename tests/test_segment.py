"""Segmentation: spans over the original text, token kinds, user rules, must-have words."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.engine.convert import to_simplified
from reader.core.engine.lattice import NAME_WORD, HanLattice, _CharHmm, candidate_features
from reader.core.engine.segment import Segmenter, segment
from reader.core.engine.tables import LazyTable, pack_tables, unpack_tables
from reader.core.engine.user_dictionary import UserDictionary
from reader.core.models import TokenKind
from reader.core.text.han import is_han_char
from tests.support import load_script


@pytest.fixture(autouse=True)
def _temp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_HOME", str(tmp_path))


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def words(segmenter: Segmenter, text: str) -> list[str]:
    return [text[start:end] for start, end, _ in segmenter.segment(text, to_simplified(text))]


def kinds(segmenter: Segmenter, text: str) -> list[tuple[str, TokenKind]]:
    return [(text[s:e], kind) for s, e, kind in segmenter.segment(text, to_simplified(text))]


def assert_covers(text: str, spans: list[tuple[int, int, TokenKind]]) -> None:
    position = 0
    for start, end, _ in spans:
        assert start == position and end > start
        position = end
    assert position == len(text)


def test_is_han_char() -> None:
    for char in "中國〇龜豈\u3400\U00020000\U0002a700\U00031350\uf900\U0002f800":
        assert is_han_char(char), hex(ord(char))
    for char in ["a", "1", "，", "。", "ア", "한", "😀", " ", "", "中國"]:
        assert not is_han_char(char), char


def test_traditional_compounds_stay_whole(segmenter: Segmenter) -> None:
    tokens = words(segmenter, "我們認為中美關係需要穩定，外交部長明天訪問北京。")
    assert "中美關係" in tokens or ("中美" in tokens and "關係" in tokens)
    assert "中美關" not in tokens and "係" not in tokens
    # 外交部長 whole, or 外交 + 部長 (two words a learner looks up); never a lone 長.
    assert "外交部長" in tokens or tokens[tokens.index("外交") + 1] == "部長"
    assert "長" not in tokens


def test_numeral_and_classifier_split_unless_the_dictionary_lists_them(
    segmenter: Segmenter,
) -> None:
    # A number + measure word is compositional (兩/個, 三/隻); 一個 is a CC-CEDICT word
    # ("a; an"), which the learner looks up as one (the treebank convention split it).
    tokens = words(segmenter, "他是一個很好的老師，我有兩個哥哥和三隻貓。")
    assert tokens[2] == "一個"
    assert "兩個" not in tokens and "三隻" not in tokens
    assert "哥哥" in tokens


def test_learner_words_stay_whole(segmenter: Segmenter) -> None:
    tokens = words(segmenter, "我們對未來有信心，明年要去馬來西亞和俄羅斯旅行。")
    for word in ("未來", "信心", "明年", "馬來西亞", "俄羅斯", "旅行"):
        assert word in tokens, tokens


def test_hsk_words_and_proper_nouns_win_over_treebank_splits(segmenter: Segmenter) -> None:
    # UD GSD cuts 作/為, 國務/院, 新華/社 and 明/年; learners look each up as one word.
    tokens = words(segmenter, "作為一名老師，他明年常去國務院和新華社開會，後來移居俄羅斯。")
    for word in ("作為", "明年", "國務院", "新華社", "俄羅斯"):
        assert word in tokens, tokens


def test_unknown_personal_names_stay_whole(segmenter: Segmenter) -> None:
    # Names no dictionary lists: surname + given name, proposed as one word.
    assert "張美華" in words(segmenter, "記者張美華報道，")
    assert "黃志明" in words(segmenter, "發言人黃志明說")
    assert words(segmenter, "他在高處看著王國")[-1] == "王國"  # a word, not 王 + name


def test_surname_before_surnamed_marker_is_not_a_name(segmenter: Segmenter) -> None:
    # 陳姓男子 "a man surnamed Chen": 姓/氏 after a surname do not start a given name.
    tokens = words(segmenter, "警方拘捕一名何姓男子和一名吳姓女子。")
    assert "何姓" not in tokens and "吳姓" not in tokens
    assert tokens[tokens.index("何") + 1] == "姓"


def test_simplified_input_segments_the_same_way(segmenter: Segmenter) -> None:
    traditional = words(segmenter, "我們對未來的經濟發展有信心。")
    simplified = words(segmenter, "我们对未来的经济发展有信心。")
    assert [len(word) for word in traditional] == [len(word) for word in simplified]


def test_lattice_takes_the_best_scoring_path() -> None:
    lattice = HanLattice(
        scores={"研究": -3.0, "研究生": -5.0, "生命": -3.5, "命": -6.0, "研": -8.0, "究": -8.0},
        unknown_char=-12.0,
        weights={},
        classes={},
        surnames=frozenset(),
        hmm=None,
        max_word_length=3,
    )
    assert lattice.cut("研究生命") == ["研究", "生命"]  # -6.5 beats 研究生/命 at -11
    assert lattice.cut("研究生") == ["研究生"]
    assert lattice.cut("研究X") == ["研究", "X"]  # unknown characters stay single


def _name_lattice(
    scores: dict[str, float], given: dict[str, int], everyday: frozenset[str] = frozenset()
) -> HanLattice:
    """A toy lattice whose name candidates (surname 王) all score 3 per feature."""
    classes = {"王": "SURNAME1"}
    weights = {key: 3.0 for key in candidate_features("王小二", NAME_WORD, classes, given)}
    return HanLattice(
        scores=scores,
        unknown_char=-10.0,
        weights=weights,
        classes=classes,
        surnames=frozenset("王"),
        hmm=None,
        max_word_length=2,
        given_names=given,
        everyday_words=everyday,
    )


def test_lattice_proposes_names_after_a_surname() -> None:
    lattice = _name_lattice({"说": -4.0}, GIVEN)
    assert lattice.cut("王小二说") == ["王小二", "说"]
    assert lattice.knows("说") and not lattice.knows("王小二")
    # A character rarer in given names than in running text (说) starts no given name.
    assert lattice.cut("王说") == ["王", "说"]


def test_everyday_words_are_no_given_names() -> None:
    given = {"小": 1, "二": 1, "明": 3, "天": 2}
    lattice = _name_lattice({"明天": -5.0}, given, frozenset({"明天"}))
    assert lattice.cut("王明天") != ["王明天"]
    assert lattice.cut("王小二") == ["王小二"]


GIVEN = {"小": 1, "二": 1}  # toy given-name bands: both characters name-like


def _toy_lattice(cuts: dict[str, tuple[int, ...]]) -> HanLattice:
    classes = {"王": "SURNAME1"}
    weights = {key: 3.0 for key in candidate_features("王小二", NAME_WORD, classes, GIVEN)}
    return HanLattice(
        scores={"更好": -4.0, "更": -6.0, "好": -6.0, "说": -4.0, "好看法": -5.0, "看法": -6.0},
        unknown_char=-10.0,
        weights=weights,
        classes=classes,
        surnames=frozenset("王"),
        hmm=None,
        max_word_length=3,
        dictionary_cuts=cuts,
        given_names=GIVEN,
    )


def test_words_without_a_dictionary_entry_are_cut_into_words_with_one(tmp_path: Path) -> None:
    lattice = _toy_lattice({"更好": (1, 1), "好看法": (1, 2)})
    assert lattice.cut("更好") == ["更好"]  # the lattice itself keeps its word
    assert lattice.dictionary_split("好看法") == ["好", "看法"]
    assert lattice.dictionary_split("看法") is None
    segmenter = Segmenter(UserDictionary(tmp_path / "words.txt"), lattice=lattice)
    assert words(segmenter, "更好") == ["更", "好"]
    assert words(segmenter, "好看法") == ["好", "看法"]
    # Names the lattice proposes are no lexicon words and are never cut.
    assert words(segmenter, "王小二说更好") == ["王小二", "说", "更", "好"]


def test_learner_rules_win_over_dictionary_cuts(tmp_path: Path) -> None:
    dictionary = UserDictionary(tmp_path / "words.txt")
    dictionary.add_join("更好")
    dictionary.add_split("好看法", ["好看", "法"])
    segmenter = Segmenter(dictionary, lattice=_toy_lattice({"更好": (1, 1), "好看法": (1, 2)}))
    assert words(segmenter, "更好") == ["更好"]
    assert words(segmenter, "好看法") == ["好看", "法"]


def test_shipped_model_shows_words_a_learner_can_look_up(segmenter: Segmenter) -> None:
    # jieba lists 更好 and 國優; CC-CEDICT has neither, so the learner gets 更 + 好.
    tokens = words(segmenter, "我覺得這個辦法更好，大家都同意。")
    assert "更好" not in tokens
    assert tokens[tokens.index("更") + 1] == "好"
    assert "辦法" in tokens and "同意" in tokens  # dictionary words stay whole
    assert "張美華" in words(segmenter, "我們的記者張美華更好地說明了情況。")


def test_adverb_or_numeral_with_a_character_is_no_new_word(segmenter: Segmenter) -> None:
    # 更大 and 億件 are compositional: no dictionary lists them, their characters it does.
    assert words(segmenter, "今年的損失比去年更大。")[-3:] == ["更", "大", "。"]
    tokens = words(segmenter, "公司賣出了三億件衣服。")
    assert "件" in tokens and not any("億件" in token for token in tokens)  # 三億 is a numeral
    assert "葛志強" in words(segmenter, "記者葛志強報道。")  # a name stays whole


def test_lattice_hmm_plain_first_classes() -> None:
    # The shipped model has no HMM (`--hmm` in the builder adds one); a two-state toy that
    # reads 更大 as one word shows the rule: no HMM word starts with an adverb.
    floor = -1e9
    hmm = _CharHmm(
        {
            "start": {"B": 0.0, "M": floor, "E": floor, "S": floor},
            "transition": {state: {"B": 0.0, "M": 0.0, "E": 0.0, "S": 0.0} for state in "BMES"},
            "emission": {"B": {"更": 0.0}, "M": {}, "E": {"大": 0.0}, "S": {}},
        }
    )
    assert hmm.cut("更大") == ["更大"]
    lattice = HanLattice(
        scores={"说": -4.0},
        unknown_char=-10.0,
        weights={"oov:2": 30.0},
        classes={"更": "ADV"},
        surnames=frozenset(),
        hmm=hmm,
        max_word_length=2,
        hmm_plain_first=frozenset({"ADV"}),
    )
    assert lattice.cut("更大") == ["更", "大"]
    lattice.hmm_plain_first = frozenset()
    assert lattice.cut("更大") == ["更大"]


# A toy lexicon over a few characters, Extension B included (𠮷 U+20BB7), with words of two to
# five characters sharing their starts, so the decoder's per-start entries are exercised.
_TOY_SCORES = {
    "研": -8.0, "究": -8.0, "生": -7.0, "命": -6.0, "研究": -3.0, "研究生": -5.0,
    "研究生命": -9.5, "研究生命科学": -11.0, "生命": -3.5, "命研": -2.0, "\U00020bb7": -6.0,
    "\U00020bb7野": -4.0, "\U00020bb7野家": -5.5, "野": -7.5, "家": -6.5, "野家研": -4.5,
}  # fmt: skip


def _toy_lattices() -> tuple[HanLattice, HanLattice]:
    """The same model over plain dicts and over packed tables (a block per character)."""
    cuts = {"研究生命": (3, 1), "\U00020bb7野家": (1, 2)}
    plain = HanLattice(
        scores=dict(_TOY_SCORES),
        unknown_char=-12.0,
        weights={},
        classes={},
        surnames=frozenset(),
        hmm=None,
        max_word_length=6,
        dictionary_cuts=cuts,
    )
    packed = unpack_tables(
        pack_tables(
            {
                "scores": {word: str(score) for word, score in _TOY_SCORES.items()},
                "prefixes": {start: str(size) for start, size in plain.prefix_lengths.items()},
                "cuts": {word: ",".join(map(str, sizes)) for word, sizes in cuts.items()},
            },
            block_bytes=1,
        )
    )
    over_tables = HanLattice(
        scores=LazyTable(packed["scores"], float),
        unknown_char=-12.0,
        weights={},
        classes={},
        surnames=frozenset(),
        hmm=None,
        max_word_length=6,
        prefix_lengths=LazyTable(packed["prefixes"], int),
        dictionary_cuts=LazyTable(packed["cuts"], lambda text: tuple(map(int, text.split(",")))),
    )
    return plain, over_tables


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("研究生命科学野家\U00020bb7中")), max_size=14))
def test_lattice_over_a_packed_lexicon_cuts_like_over_a_dict(text: str) -> None:
    over_dict, over_table = _toy_lattices()
    assert over_table.cut(text) == over_dict.cut(text)
    for size in range(1, len(text) + 1):
        word = text[:size]
        assert over_table.knows(word) == over_dict.knows(word)
        assert over_table.dictionary_split(word) == over_dict.dictionary_split(word)


def test_packed_lexicon_answers_before_any_cut() -> None:
    _, over_table = _toy_lattices()  # a fresh lattice has decoded nothing yet
    assert over_table.knows("研究生") and not over_table.knows("研究科")
    _, over_table = _toy_lattices()
    assert over_table.dictionary_split("\U00020bb7野家") == ["\U00020bb7", "野家"]


def test_lattice_over_a_packed_lexicon_finds_long_words() -> None:
    _, over_table = _toy_lattices()
    assert over_table.cut("研究生命科学") == ["研究生命科学"]
    assert over_table.cut("\U00020bb7野家研究") == ["\U00020bb7野家", "研究"]
    assert over_table.cut("中研") == ["中", "研"]
    assert over_table.dictionary_split("研究生命") == ["研究生", "命"]


def test_shipped_lexicon_decodes_only_what_a_sentence_needs() -> None:
    lattice = HanLattice.load()
    scores, cuts = lattice.scores, lattice.dictionary_cuts
    assert isinstance(scores, LazyTable) and isinstance(cuts, LazyTable)
    assert scores.decoded_blocks == 0 and cuts.decoded_blocks == 0
    blocks = len(scores._packed.block_ends)
    text = "我们对未来的经济发展有信心"
    assert lattice.cut(text)[:2] == ["我们", "对"]
    # At most a block per character of the sentence, of the lexicon's ~1,400.
    assert 0 < scores.decoded_blocks <= len(set(text)) < blocks / 50


def test_token_kinds(segmenter: Segmenter) -> None:
    text = "他花了2,200元買iPhone 15，增長22.5%……真的嗎？😀"
    got = kinds(segmenter, text)
    assert ("2,200", TokenKind.NUMBER) in got
    assert ("22.5", TokenKind.NUMBER) in got
    assert ("iPhone", TokenKind.LATIN) in got
    assert (" ", TokenKind.SPACE) in got
    assert ("，", TokenKind.PUNCT) in got
    assert ("%", TokenKind.PUNCT) in got
    assert ("……", TokenKind.PUNCT) in got
    assert ("？", TokenKind.PUNCT) in got
    assert ("😀", TokenKind.OTHER) in got
    assert all(kind is TokenKind.HAN for word, kind in got if is_han_char(word[0]))


def test_each_punctuation_mark_is_its_own_token(segmenter: Segmenter) -> None:
    got = words(segmenter, "「好」。！")
    assert got == ["「", "好", "」", "。", "！"]


def test_comma_list_of_numbers_is_not_one_number(segmenter: Segmenter) -> None:
    got = words(segmenter, "1,2,3")
    assert got == ["1", ",", "2", ",", "3"]


def test_segment_without_simplified_argument() -> None:
    text = "香港的經濟發展"
    spans = segment(text)
    assert_covers(text, spans)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("中美關係外交部長的了是說1,.5 aZé，。……——😀\n\t　"))))
def test_spans_cover_any_text(text: str) -> None:
    assert_covers(text, segment(text, to_simplified(text)))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_spans_cover_arbitrary_unicode(text: str) -> None:
    assert_covers(text, segment(text))


# --- user dictionary -----------------------------------------------------------------------


def test_user_dictionary_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    dictionary = UserDictionary.load(path)
    assert not dictionary and dictionary.ignored_lines == 0
    dictionary.add_join("外交部長")
    dictionary.add_split("中美關係", ["中美", "關係"])
    dictionary.save()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#")
    loaded = UserDictionary.load(path)
    assert loaded.joins == ("外交部長",)
    assert loaded.splits == {"中美關係": ("中美", "關係")}
    loaded.remove("外交部長")
    assert loaded.joins == ()


def test_user_dictionary_ignores_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text(
        "# comment\njoin 好學生\nsplit 天下 天 地\nfrobnicate x\njoin\njoin 好\nsplit 天氣 天 氣\n",
        encoding="utf-8",
    )
    loaded = UserDictionary.load(path)
    assert loaded.joins == ("好學生",)
    assert loaded.splits == {"天氣": ("天", "氣")}
    assert loaded.ignored_lines == 4


def test_user_dictionary_rejects_parts_that_do_not_spell_the_word() -> None:
    dictionary = UserDictionary()
    with pytest.raises(ValueError):
        dictionary.add_split("天氣", ["天", "地"])


def test_user_dictionary_default_path_is_under_reader_home(tmp_path: Path) -> None:
    dictionary = UserDictionary.load()
    dictionary.add_join("新詞語")
    dictionary.save()
    assert (tmp_path / "data" / "user_words.txt").exists()


def test_join_and_split_rules_apply(tmp_path: Path) -> None:
    dictionary = UserDictionary(tmp_path / "words.txt")
    text = "明天的天氣很好，我們去公園散步。"
    base = words(Segmenter(dictionary), text)
    assert "天氣" in base and "公園" in base
    dictionary.add_join("天氣很好")
    dictionary.add_split("公園", ["公", "園"])
    got = words(Segmenter(dictionary), text)
    assert "天氣很好" in got
    assert "公" in got and "園" in got and "公園" not in got
    assert "".join(got) == text


def test_rules_match_simplified_form_too(tmp_path: Path) -> None:
    dictionary = UserDictionary(tmp_path / "words.txt")
    dictionary.add_join("经济发展")  # written in Simplified, applied to Traditional text
    dictionary.add_split("国际", ["国", "际"])
    got = words(Segmenter(dictionary), "香港經濟發展與國際")
    assert "經濟發展" in got
    assert got[-2:] == ["國", "際"]


def test_join_across_a_bad_boundary_keeps_every_character(tmp_path: Path) -> None:
    dictionary = UserDictionary(tmp_path / "words.txt")
    dictionary.add_join("天天")  # straddles 今天 / 天氣
    text = "今天天氣"
    got = words(Segmenter(dictionary), text)
    assert "天天" in got
    assert "".join(got) == text


def test_reload_user_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    segmenter = Segmenter(UserDictionary.load(path))
    assert "公園" in words(segmenter, "公園")
    writer = UserDictionary.load(path)
    writer.add_split("公園", ["公", "園"])
    writer.save()
    segmenter.reload_user_dictionary()
    assert words(segmenter, "公園") == ["公", "園"]


# --- the accuracy benchmark's scoring ------------------------------------------------------


def test_benchmark_scores_word_spans(tmp_path: Path) -> None:
    conllu = tmp_path / "tiny.conllu"
    conllu.write_text(
        "# text = 我愛北京。\n1\t我\n2\t愛\n3\t北京\n4\t。\n\n"
        "# text = 今天\n1-2\t今天\n1\t今\n2\t天\n2.1\t空\n\n",
        encoding="utf-8",
    )
    benchmark = load_script("benchmarks/accuracy_segmentation.py")
    sentences = list(benchmark.read_conllu(conllu))
    assert [s.words for s in sentences] == [("我", "愛", "北京", "。"), ("今", "天")]

    def cutter(text: str) -> list[str]:
        return {"我愛北京。": ["我愛", "北京", "。"]}.get(text, [text])

    result = benchmark.evaluate("tiny", conllu, cutter, lambda word: word != "北京")
    # 6 gold words (the range 1-2 and the empty node 2.1 are not words); predicted 我愛 北京 。
    # and 今天: 2 of 4 right.
    assert result["gold_words"] == 6
    assert result["precision"] == pytest.approx(2 / 4)
    assert result["recall"] == pytest.approx(2 / 6)
    assert result["oov_words"] == 1 and result["oov_recall"] == 1.0


def test_default_user_dictionary_follows_reader_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    segmenter = Segmenter(UserDictionary.load())
    other_home = tmp_path / "other"
    monkeypatch.setenv("READER_HOME", str(other_home))
    rules = UserDictionary.load()
    rules.add_split("公園", ["公", "園"])
    rules.save()
    segmenter.reload_user_dictionary()
    assert words(segmenter, "公園") == ["公", "園"]


@pytest.mark.parametrize(
    ("text", "token", "kind"),
    [
        (
            "詳情見https://www.example.com/news?id=12&lang=zh。",
            "https://www.example.com/news?id=12&lang=zh",
            TokenKind.LATIN,
        ),
        ("請瀏覽www.example.org.hk，謝謝", "www.example.org.hk", TokenKind.LATIN),
        ("來信請寄chan.tai-man@example.com.hk。", "chan.tai-man@example.com.hk", TokenKind.LATIN),
        ("COVID-19疫情持續", "COVID-19", TokenKind.LATIN),
        ("門票HK$1,234.50一張", "HK$1,234.50", TokenKind.NUMBER),
        ("我在7-Eleven買了一瓶水", "7-Eleven", TokenKind.LATIN),
        ("他買了新的iPhone15。", "iPhone15", TokenKind.LATIN),
        ("人口有2,200萬", "2,200", TokenKind.NUMBER),
    ],
)
def test_a_non_han_run_is_one_token(
    segmenter: Segmenter, text: str, token: str, kind: TokenKind
) -> None:
    spans = {text[start:end]: found for start, end, found in segmenter.segment(text)}
    assert spans.get(token) is kind, list(spans)


def test_a_latin_word_joins_its_han_neighbour_where_the_dictionary_lists_the_whole(
    segmenter: Segmenter,
) -> None:
    text = "他穿着T恤去唱卡拉OK。"
    spans = [(text[start:end], kind) for start, end, kind in segmenter.segment(text)]
    assert ("T恤", TokenKind.HAN) in spans and ("卡拉OK", TokenKind.HAN) in spans
    # Where CC-CEDICT has no whole word, the Latin word stays itself.
    text = "我的iPhone壞了"
    assert ("iPhone", TokenKind.LATIN) in [
        (text[start:end], kind) for start, end, kind in segmenter.segment(text)
    ]


def test_rules_keep_where_they_were_made_as_their_lines_comment(tmp_path: Path) -> None:
    from reader.core.engine.user_dictionary import Rule

    path = tmp_path / "user_words.txt"
    path.write_text("# mine\nsplit 中美關係 中美 關係 # by hand, a note\njoin 散步\n", "utf-8")
    words = UserDictionary.load(path)
    assert words.rules() == [
        Rule("散步", None, ""),
        Rule("中美關係", ("中美", "關係"), "by hand, a note"),
    ]
    words.add_join("天氣", origin="2026-12-05 14:20 · 新聞\n · 今天天氣很好。")
    words.remove("散步")
    words.save()
    text = path.read_text("utf-8")
    assert text == (
        "# mine\nsplit 中美關係 中美 關係 # by hand, a note\n"
        "join 天氣  # 2026-12-05 14:20 · 新聞 · 今天天氣很好。\n"
    )
    again = UserDictionary.load(path)
    assert again.rule("天氣") == Rule("天氣", None, "2026-12-05 14:20 · 新聞 · 今天天氣很好。")
    assert again.ignored_lines == 0 and again.splits == {"中美關係": ("中美", "關係")}
    again.put(Rule("散步", None, "back"))
    assert again.rule("散步") == Rule("散步", None, "back")
