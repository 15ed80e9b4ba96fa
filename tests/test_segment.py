"""Segmentation: spans over the original text, token kinds, user rules, must-have words."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.convert import to_simplified
from reader.core.models import TokenKind
from reader.core.segment import Segmenter, UserDictionary, is_han_char, segment


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
    assert "外交部長" in tokens or ("外交部" in tokens and "長" in tokens)
    assert "部長" not in tokens or "外交" in tokens


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
