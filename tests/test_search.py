"""Dictionary search over the bundled CC-CEDICT: hanzi, pinyin with or without tones, English."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from reader.core.dictionary.cedict import Dictionary
from reader.core.dictionary.search import parse_pinyin_query, pinyin_key, sense_key
from tests.support import reader_command, subprocess_env


@pytest.fixture(scope="module")
def dictionary(shared_cache_dir: Path) -> Dictionary:
    return Dictionary.open(cache_dir=shared_cache_dir)


def first(hits: tuple[object, ...]) -> str:
    return hits[0].entry.traditional  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "query", ["xingdong", "xing2dong4", "xíngdòng", "xing dong", "xing2 dong4", "XingDong"]
)
def test_pinyin_with_or_without_tones_finds_the_word_first(
    dictionary: Dictionary, query: str
) -> None:
    assert first(dictionary.search(query).by_pinyin) == "行動"


def test_tones_given_must_match_and_the_rest_are_free(dictionary: Dictionary) -> None:
    words = [hit.entry.traditional for hit in dictionary.search("ma3", limit=50).by_pinyin]
    assert "馬" in words and "媽" not in words
    partial = dictionary.search("xing2dong", limit=50).by_pinyin
    assert all(hit.entry.pinyin.lower().startswith("xing2") for hit in partial)
    neutral = [hit.entry.traditional for hit in dictionary.search("ma5").by_pinyin]
    assert neutral[0] == "嗎"


def test_u_umlaut_spellings(dictionary: Dictionary) -> None:
    for query in ("lv4", "lü4", "lu:4"):
        hits = dictionary.search(query, limit=30).by_pinyin
        assert "綠" in [h.entry.traditional for h in hits]
        assert all("u:" in h.entry.pinyin.lower() for h in hits), query
    # A plain u also finds the ü words (learners often type it so), after nothing else.
    assert "女" in [h.entry.traditional for h in dictionary.search("nu3", limit=30).by_pinyin]


def test_prefixes_follow_the_whole_word(dictionary: Dictionary) -> None:
    hits = dictionary.search("xingdong", limit=5).by_pinyin
    assert hits[0].tier == 0 and all(h.tier == 1 for h in hits[1:])
    assert all(h.entry.pinyin.lower().startswith("xing2 dong4") for h in hits)


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("relation", "關係"),
        ("relations", "關係"),
        ("water", "水"),
        ("to eat", "吃"),
        ("eat", "吃"),
        ("computer", "電腦"),
        ("happy", "快樂"),
        ("you", "你"),
        ("bank", "銀行"),
    ],
)
def test_english_finds_the_common_word_first(dictionary: Dictionary, query: str, word: str) -> None:
    results = dictionary.search(query)
    assert first(results.by_english) == word


def test_english_matches_are_grouped_by_how_well_they_match(dictionary: Dictionary) -> None:
    hits = dictionary.search("relation", limit=20).by_english
    tiers = [hit.tier for hit in hits]
    assert tiers == sorted(tiers) and tiers[0] == 0
    # A main meaning (the entry's first definition) before a later one, then by frequency:
    # 戚誼's first definition is "relation", 聯繫's third.
    assert [h.entry.traditional for h in hits[:3]] == ["關係", "戚誼", "聯繫"]
    # Pointers ("see X") and classifiers ("CL:個") are not meanings to match.
    for hit in dictionary.search("see", limit=50).by_english:
        meanings = [d for d in hit.entry.definitions if not d.lower().startswith("see ")]
        assert any("see" in d.lower() for d in meanings), hit.entry
    assert not dictionary.search("CL").by_english


def test_an_english_word_is_not_read_as_the_start_of_pinyin(dictionary: Dictionary) -> None:
    assert dictionary.search("bank").by_pinyin == ()
    assert first(dictionary.search("you").by_pinyin) == "有"  # real pinyin stays


def test_hanzi_finds_the_word_then_words_starting_with_it(dictionary: Dictionary) -> None:
    hits = dictionary.search("關係", limit=10).by_hanzi
    assert hits[0].entry.traditional == "關係" and hits[0].tier == 0
    assert all(h.entry.traditional.startswith("關係") for h in hits)
    simplified = dictionary.search("关系", limit=5).by_hanzi
    assert simplified[0].entry.simplified == "关系"


def test_nothing_found_and_odd_queries(dictionary: Dictionary) -> None:
    assert not dictionary.search("").found
    assert not dictionary.search("zzzqqq").found
    # FTS syntax is not passed through: this is a search for the English word "or".
    assert first(dictionary.search('"*) OR (').by_english) == first(
        dictionary.search("or").by_english
    )
    assert not dictionary.search("\ud800").found
    assert dictionary.search("one's own").by_english  # an apostrophe is part of a word


def test_keys() -> None:
    assert pinyin_key(["xing2", "dong4"]) == ("xingdong", "xingdong", "1:2,5:4")
    assert pinyin_key(["lu:4"]) == ("lu", "lv", "1:4")
    parsed = parse_pinyin_query("xíng dòng")
    assert parsed is not None and parsed.letters == "xingdong" and parsed.tones == {1: 2, 5: 4}
    assert parse_pinyin_query("relation!") is None
    assert sense_key("to go (somewhere)") == "go"
    assert sense_key("relations") == "relation" and sense_key("news") == "news"


def test_cli_lookup_searches_english_and_pinyin(reader_home: Path) -> None:
    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*reader_command(), "lookup", *arguments],
            capture_output=True,
            text=True,
            env=subprocess_env(reader_home),
            timeout=300,
        )

    relation = run("relation")
    assert relation.returncode == 0
    assert relation.stdout.splitlines()[1].startswith("  關係 (关系)")
    xingdong = run("xingdong")
    assert xingdong.stdout.splitlines()[1].startswith("  行動 (行动) [xíng dòng]")
    spaced = run("xíng", "dòng", "--format", "json")
    assert json.loads(spaced.stdout)["by_pinyin"][0]["traditional"] == "行動"
    # A Chinese word still gets every entry, as before.
    exact = run("關係")
    assert exact.stdout.startswith("關係 (关系) guānxi [guan1 xi5]")
    nothing = run("zzzqqq")
    assert nothing.returncode == 0 and "nothing found" in nothing.stdout
