"""CC-CEDICT layer: the compiled index, lookups, variants, references, breakdowns."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader import paths
from reader.core.dictionary import build as lookup_tables
from reader.core.dictionary import cedict as dictionary
from reader.core.dictionary import index as files
from reader.core.dictionary.cedict import Dictionary
from reader.core.dictionary.formatting import format_lookup_text, gloss_for_reading, lookup_to_json
from reader.core.errors import ReaderError

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_f2ec13676ab21b41.txt"

# A few hand-written lines in CC-CEDICT's format (CRLF, header, comments) for unit tests.
SMALL_CEDICT = [
    "# a comment\r\n",
    "#! entries=9\r\n",
    "#! date=2001-02-03T04:05:06Z\r\n",
    "中 中 [Zhong1] /China/Chinese/surname Zhong/\r\n",
    "中 中 [zhong1] /within/among/in/\r\n",
    "國 国 [guo2] /country/nation/\r\n",
    "中國 中国 [Zhong1 guo2] /China/\r\n",
    "后 后 [hou4] /empress/queen/\r\n",
    "後 后 [hou4] /back/behind/after/\r\n",
    "乾 干 [gan1] /dry/\r\n",
    "甲 甲 [jia3] /first/\r\n",
    "this line is not an entry\r\n",
    "甲乙丙 甲乙丙 [jia3 yi3 bing3] /A, B and C/\r\n",
    "乙丙丁戊 乙丙丁戊 [yi3 bing3 ding1 wu4] /B to E/\r\n",
    "丁 丁 [ding1] /fourth/\r\n",
    "戊 戊 [wu4] /fifth/\r\n",
    "子 子 [zi3] /see 丑[chou3]/\r\n",
    "丑 丑 [chou3] /see 子[zi3]/\r\n",
    "牀 床 [chuang2] /variant of 床[chuang2]/\r\n",
    "床 床 [chuang2] /bed/\r\n",
    "空 空 [kong1] ///\r\n",
]


def write_cedict(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as stream:
        stream.writelines(lines)
    return path


@pytest.fixture(scope="module")
def cedict(tmp_path_factory: pytest.TempPathFactory) -> Dictionary:
    """The bundled CC-CEDICT, compiled once for this module into its own cache dir."""
    return Dictionary.open(cache_dir=tmp_path_factory.mktemp("dictionary-cache"))


@pytest.fixture(scope="module")
def small() -> Dictionary:
    return Dictionary.from_lines(SMALL_CEDICT)


# ---- the bundled dictionary


def test_info_describes_the_bundled_source(cedict: Dictionary) -> None:
    info = cedict.info()
    assert info.source == paths.bundled_cedict()
    assert info.entries == 124_728  # the `#! entries=` header of the 2026-07-31 release
    assert info.date is not None and info.date.startswith("2026-07-31")
    assert info.sha256 == hashlib.sha256(paths.bundled_cedict().read_bytes()).hexdigest()
    assert info.index_path is not None and info.index_path.is_file()
    assert info.sha256[:16] in info.index_path.name


def test_traditional_and_simplified_keys_find_the_same_entry(cedict: Dictionary) -> None:
    by_traditional = cedict.lookup("關係")
    by_simplified = cedict.lookup("关系")
    entry = by_traditional.entries[0]
    assert by_simplified.entries[0] == entry  # before the 關系 "variant of" entry
    assert (entry.traditional, entry.simplified, entry.pinyin) == ("關係", "关系", "guan1 xi5")
    assert "relationship" in entry.definitions
    assert by_traditional.via is None


def test_entries_carry_every_reading_and_definition(cedict: Dictionary) -> None:
    entries = cedict.entries("重")
    assert {entry.pinyin for entry in entries} >= {"chong2", "zhong4"}
    heavy = next(entry for entry in entries if entry.pinyin == "zhong4")
    assert "heavy" in heavy.definitions and len(heavy.definitions) > 1


def test_readings_of_a_polyphone(cedict: Dictionary) -> None:
    readings = cedict.readings("重")
    assert "chong2" in readings and "zhong4" in readings
    assert len(readings) == len(set(readings))
    assert cedict.readings("中美關係") == ()


def test_hong_kong_zhe_falls_back_to_the_cedict_key(cedict: Dictionary) -> None:
    result = cedict.lookup("沿着")
    assert result.found
    assert result.entries[0].traditional == "沿著"
    assert result.entries[0].pinyin == "yan2 zhe5"
    assert cedict.has_word("沿着") and cedict.has_word("本着")


@pytest.mark.parametrize(
    ("written", "key"),
    [("爲了", "為了"), ("綫上", "線上"), ("衞生", "衛生"), ("麪包", "麵包"), ("峯會", "峰會")],
)
def test_variant_spellings_resolve_through_the_variant_table(
    cedict: Dictionary, written: str, key: str
) -> None:
    assert cedict.entries(written) == ()  # no direct entry ...
    result = cedict.lookup(written)
    assert result.via == key  # ... but one through the variant spelling
    assert result.entries == cedict.entries(key)
    assert cedict.has_word(written)


def test_variant_of_brings_the_target_definitions(cedict: Dictionary) -> None:
    result = cedict.lookup("爲")
    assert all(entry.traditional == "爲" for entry in result.entries)
    assert {entry.traditional for entry in result.references} == {"為"}
    assert result.gloss is not None and not result.gloss.startswith("variant of")


def test_see_brings_the_target_entry(cedict: Dictionary) -> None:
    result = cedict.lookup("一命歸天")
    assert result.entries[0].definitions == ("see 一命嗚呼|一命呜呼[yi1 ming4 wu1 hu1]",)
    assert [entry.traditional for entry in result.references] == ["一命嗚呼"]
    assert result.gloss == result.references[0].definitions[0]


def test_used_in_is_a_pointer_only_when_nothing_else_defines_the_word(cedict: Dictionary) -> None:
    # 個 ge3 is only "used in 自個兒"; the gloss comes from 個 ge4 and 自個兒 is not dragged in.
    ge = cedict.lookup("個")
    assert ge.gloss is not None and not ge.gloss.startswith("used in")
    assert ge.entries[0].pinyin == "ge4"
    assert ge.references == ()
    # 蝴 has no meaning of its own: the word it is used in is brought in.
    hu = cedict.lookup("蝴")
    assert [entry.traditional for entry in hu.references] == ["蝴蝶"]
    assert hu.gloss == "butterfly"


def test_compound_without_entry_breaks_down_into_longest_words(cedict: Dictionary) -> None:
    result = cedict.lookup("中美關係")
    assert not result.found
    assert [part.query for part in result.breakdown] == ["中美", "關係"]
    assert all(part.found for part in result.breakdown)
    assert result.gloss is not None
    assert result.gloss.startswith("中美: ") and " + 關係: " in result.gloss
    assert not cedict.has_word("中美關係")


def test_breakdown_keeps_non_han_runs_whole(cedict: Dictionary) -> None:
    result = cedict.lookup("iPhone手機很好")
    assert [part.query for part in result.breakdown] == ["iPhone", "手機", "很", "好"]


def test_non_han_text_has_no_gloss(cedict: Dictionary) -> None:
    for text in ("hello", "", " ", "2026"):
        result = cedict.lookup(text)
        assert not result.found and result.breakdown == () and result.gloss is None


def test_every_han_character_of_the_seed_resolves(cedict: Dictionary) -> None:
    characters = {c for c in SEED.read_text("utf-8") if "\u4e00" <= c <= "\u9fff"}
    assert len(characters) > 500
    unresolved = sorted(c for c in characters if not cedict.lookup(c).found)
    assert unresolved == []
    assert all(cedict.lookup(character).gloss for character in characters)


def test_every_han_word_of_the_seed_gets_a_gloss(cedict: Dictionary) -> None:
    from reader.core.engine.segment import segment
    from reader.core.models import TokenKind

    text = SEED.read_text("utf-8")
    words = {text[start:end] for start, end, kind in segment(text) if kind is TokenKind.HAN}
    assert len(words) > 300
    without_gloss = sorted(word for word in words if not cedict.lookup(word).gloss)
    assert without_gloss == []


def test_gloss_for_reading_picks_the_entry_with_that_reading(cedict: Dictionary) -> None:
    result = cedict.lookup("重")
    assert gloss_for_reading(result, "zhong4") == "heavy"
    assert gloss_for_reading(result, "chong2") == "to repeat"
    assert gloss_for_reading(cedict.lookup("着"), "zhe5") == (
        "aspect particle indicating action in progress or ongoing state"
    )
    assert gloss_for_reading(result, "xyz9") == result.gloss


def test_lookup_many_equals_one_by_one(cedict: Dictionary) -> None:
    index = cedict.info().index_path
    assert index is not None
    fresh = Dictionary.open(cache_dir=index.parent)
    words = ["中國", "沿着", "中美關係", "爲了", "", "hello", "中國", "一命歸天", "\ud800"]
    assert fresh.lookup_many(words) == tuple(cedict.lookup(word) for word in words)


def test_words_lists_every_entry(cedict: Dictionary) -> None:
    words = list(cedict.words())
    assert len(words) == cedict.info().entries
    assert ("中國", "中国") in words


def test_lookups_from_many_threads_agree(cedict: Dictionary) -> None:
    queries = ["中國", "沿着", "中美關係", "爲", "重", "一命歸天", "綫上"] * 20
    expected = {query: cedict.lookup(query) for query in set(queries)}
    index = cedict.info().index_path
    assert index is not None
    fresh = Dictionary.open(cache_dir=index.parent)  # nothing cached yet: threads hit SQLite
    results: list[bool] = []

    def work() -> None:
        results.extend(fresh.lookup(query) == expected[query] for query in queries)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6 * len(queries) and all(results)


def test_the_index_is_opened_read_only(cedict: Dictionary) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        cedict._connection.execute("DELETE FROM entries")


@settings(max_examples=200, deadline=None)
@given(word=st.text(max_size=20))
def test_lookup_never_raises(small: Dictionary, word: str) -> None:
    result = small.lookup(word)
    assert result.query == word
    assert isinstance(lookup_to_json(result), dict)
    assert isinstance(format_lookup_text(result), str)


@settings(max_examples=60, deadline=None)
@given(word=st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), max_size=30))
def test_real_lookup_never_raises_and_breaks_down_fully(cedict: Dictionary, word: str) -> None:
    result = cedict.lookup(word)
    assert result.query == word
    if result.breakdown:
        assert "".join(part.query for part in result.breakdown) == word
        assert all(part.breakdown == () for part in result.breakdown)


# ---- from_lines


def test_from_lines_parses_entries_and_header(small: Dictionary) -> None:
    info = small.info()
    assert info.entries == 16  # the malformed line and the entry without definitions are skipped
    assert info.date == "2001-02-03T04:05:06Z"
    assert info.source is None and info.index_path is None
    assert small.lookup("空").found is False


def test_from_lines_orders_own_headwords_and_common_readings_first(small: Dictionary) -> None:
    assert [entry.pinyin for entry in small.entries("中")] == ["zhong1", "Zhong1"]
    # A Traditional query finds its own headword before the Simplified homograph...
    assert small.lookup("后").gloss == "empress"
    assert [entry.traditional for entry in small.entries("后")] == ["后", "後"]
    # ... and a Simplified-only key finds the Traditional entry.
    assert small.lookup("干").entries[0].traditional == "乾"


def test_without_a_reading_the_likely_sense_comes_first() -> None:
    readings = Dictionary.from_lines(
        [
            "說 说 [shui4] /to persuade/\n",
            "說 说 [shuo1] /to speak/to say/\n",
            "了 了 [le5] /(completed action marker)/\n",
            "了 了 [liao3] /to finish/to understand/\n",
            "瞭 了 [liao3] /(of eyesight) clear/\n",
        ]
    )
    assert readings.lookup("說").gloss == "to speak"  # more senses first
    assert readings.lookup("了").gloss == "(completed action marker)"  # the particle first
    assert readings.readings("了") == ("le5", "liao3")
    assert gloss_for_reading(readings.lookup("說"), "shui4") == "to persuade"


def test_breakdown_prefers_fewest_pieces_over_greedy_longest(small: Dictionary) -> None:
    # Greedy longest-first would give 甲乙丙 + 丁 + 戊 (three pieces).
    result = small.lookup("甲乙丙丁戊")
    assert [part.query for part in result.breakdown] == ["甲", "乙丙丁戊"]


def test_breakdown_prefers_the_longer_first_piece_on_a_tie(small: Dictionary) -> None:
    result = small.lookup("中國後")
    assert [part.query for part in result.breakdown] == ["中國", "後"]


def test_a_compounds_parts_are_cut_as_a_breakdown_is(small: Dictionary) -> None:
    from reader.core.dictionary.compounds import best_split, dictionary_parts, fewest_pieces

    # The gloss panel's parts of a word (never the word itself): the same fewest pieces.
    assert dictionary_parts("甲乙丙丁戊", small.has_word) == ["甲", "乙丙丁戊"]
    assert dictionary_parts("中國後", small.has_word) == ["中國", "後"]
    assert dictionary_parts("中國", small.has_word) == ["中", "國"]
    assert fewest_pieces(3, []) == [(0, 1), (1, 2), (2, 3)]
    assert fewest_pieces(4, [(0, 2), (0, 3), (2, 4)]) == [(0, 3), (3, 4)]  # the longer first
    # x: always in two, both halves words where possible.
    assert best_split("甲乙丙丁戊", small.has_word) == ["甲", "乙丙丁戊"]


def test_references_are_one_level_deep_without_cycles(small: Dictionary) -> None:
    result = small.lookup("子")
    assert [entry.traditional for entry in result.references] == ["丑"]
    assert small.lookup("丑").references[0].traditional == "子"


def test_variant_of_character_in_a_small_dictionary(small: Dictionary) -> None:
    result = small.lookup("牀")
    assert [entry.traditional for entry in result.references] == ["床"]
    assert result.gloss == "bed"


def test_lookup_to_json_is_serialisable(small: Dictionary) -> None:
    data = lookup_to_json(small.lookup("中國後"))
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["found"] is False
    assert [part["query"] for part in data["breakdown"]] == ["中國", "後"]
    assert data["breakdown"][0]["entries"][0]["definitions"] == ["China"]


def test_format_lookup_text_shows_entries_and_breakdown(small: Dictionary) -> None:
    text = format_lookup_text(small.lookup("中國後"))
    assert "中國 (中国) Zhōngguó [Zhong1 guo2]" in text
    assert "no entry; made of" in text
    assert format_lookup_text(small.lookup("xyz")) == "xyz: no entry"


# ---- the cache file


def test_reopening_uses_the_cache_without_rebuilding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_cedict(tmp_path / "src" / "mini.u8.gz", SMALL_CEDICT)
    first = Dictionary.open(source, cache_dir=tmp_path / "cache")
    index = first.info().index_path
    assert index is not None
    built_at = index.stat().st_mtime_ns
    second = Dictionary.open(source, cache_dir=tmp_path / "cache")
    assert second.info().index_path == index
    assert index.stat().st_mtime_ns == built_at
    assert second.lookup("中國").found
    assert capsys.readouterr().err == ""  # a fast build prints nothing
    assert not list((tmp_path / "cache").glob("*.building"))


def test_a_different_source_rebuilds(tmp_path: Path) -> None:
    source = write_cedict(tmp_path / "src" / "mini.u8.gz", SMALL_CEDICT)
    old = Dictionary.open(source, cache_dir=tmp_path / "cache")
    assert not old.lookup("貓").found
    write_cedict(source, [*SMALL_CEDICT, "貓 猫 [mao1] /cat/\r\n"])
    new = Dictionary.open(source, cache_dir=tmp_path / "cache")
    assert new.info().sha256 != old.info().sha256
    assert new.info().index_path != old.info().index_path
    assert new.lookup("貓").gloss == "cat"
    old_index = old.info().index_path
    assert old_index is not None and not old_index.exists()  # the stale index is removed


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncate", "incomplete"],
)
def test_a_corrupt_cache_is_rebuilt(tmp_path: Path, damage: str) -> None:
    source = write_cedict(tmp_path / "src" / "mini.u8.gz", SMALL_CEDICT)
    index = Dictionary.open(source, cache_dir=tmp_path / "cache").info().index_path
    assert index is not None
    if damage == "garbage":
        index.write_bytes(b"this is not a database" * 100)
    elif damage == "truncate":
        data = index.read_bytes()
        index.write_bytes(data[: len(data) // 2])
    else:
        with sqlite3.connect(index) as connection:
            connection.execute("UPDATE meta SET value = '0' WHERE key = 'complete'")
        connection.close()
    reopened = Dictionary.open(source, cache_dir=tmp_path / "cache")
    assert reopened.lookup("中國").gloss == "China"
    assert reopened.info().entries == 16


@pytest.mark.slow
def test_two_processes_building_at_once_both_succeed(tmp_path: Path) -> None:
    source = write_cedict(tmp_path / "src" / "mini.u8.gz", SMALL_CEDICT)
    cache = tmp_path / "cache"
    script = (
        "import sys; from pathlib import Path;"
        "from reader.core.dictionary.cedict import Dictionary;"
        "d = Dictionary.open(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]));"
        "print(d.lookup('中國').gloss)"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(source), str(cache)],
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs == ["China\n", "China\n"]
    assert len(list(cache.glob("*.sqlite3"))) == 1
    assert not list(cache.glob("*.building"))


def test_a_failed_build_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_cedict(tmp_path / "src" / "mini.u8.gz", SMALL_CEDICT)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(lookup_tables, "populate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Dictionary.open(source, cache_dir=tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.building"))
    assert not list((tmp_path / "cache").glob("*.sqlite3"))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_a_slow_build_says_so_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    monkeypatch.setattr(files, "_BUILD_NOTICE_AFTER_S", -1.0)
    stderr = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    source = write_cedict(tmp_path / "src" / "mini.u8.gz", SMALL_CEDICT)
    Dictionary.open(source, cache_dir=tmp_path / "cache")
    err = stderr.getvalue()
    assert err.count("Building dictionary index") == (1 if terminal else 0)
    assert err.count("Dictionary index ready") == (1 if terminal else 0)


def test_a_failed_build_takes_its_notice_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "_BUILD_NOTICE_AFTER_S", -1.0)
    stderr = _Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    source = write_cedict(tmp_path / "src" / "mini.u8.gz", SMALL_CEDICT)

    def fails_half_way(*args: object, on_progress: Callable[[], None], **kwargs: object) -> None:
        on_progress()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(lookup_tables, "populate", fails_half_way)
    with pytest.raises(ReaderError, match="could not build"):
        Dictionary.open(source, cache_dir=tmp_path / "cache")
    assert stderr.getvalue() == "Building dictionary index (first run)…\r\x1b[2K"  # erased


def test_a_missing_source_is_a_reader_error(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="not found"):
        Dictionary.open(tmp_path / "missing.u8.gz", cache_dir=tmp_path / "cache")


def test_a_source_that_is_not_gzip_is_a_reader_error(tmp_path: Path) -> None:
    source = tmp_path / "plain.u8.gz"
    source.write_text("中 中 [zhong1] /middle/\n", encoding="utf-8")
    with pytest.raises(ReaderError, match="could not build"):
        Dictionary.open(source, cache_dir=tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.building"))


# ---- module functions over the default dictionary


def test_module_functions_use_the_default_dictionary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READER_HOME", str(tmp_path / "home"))
    source = write_cedict(tmp_path / "src" / "mini.u8.gz", SMALL_CEDICT)
    monkeypatch.setattr(paths, "bundled_cedict", lambda: source)
    monkeypatch.setattr(dictionary, "_default", None)
    assert dictionary.lookup("中國").gloss == "China"
    described = dictionary.info()
    assert described.index_path is not None
    assert described.index_path.parent == tmp_path / "home" / "cache"
    before = described.index_path.stat().st_ino
    rebuilt = dictionary.build(force=True)
    assert rebuilt.index_path == described.index_path
    assert rebuilt.index_path.stat().st_ino != before  # a new file replaced the old one
    assert dictionary.default_dictionary().info() == rebuilt


def test_a_word_under_another_traditional_spelling_is_found_by_its_simplified_key(
    cedict: Dictionary,
) -> None:
    # CC-CEDICT keys the newspaper 文彙報; Hong Kong writes 文匯報 (both 文汇报).
    result = cedict.lookup("文匯報")
    assert result.found and result.via == "文汇报"
    assert "newspaper" in (result.gloss or "")
    assert cedict.has_word("文匯報")
    assert not cedict.lookup("中美關係").found  # no entry under any key: a breakdown


def test_an_entrys_pinyin_keeps_its_capitals_wherever_it_is_shown() -> None:
    from reader.core.dictionary.formatting import entry_pinyin
    from reader.core.engine.syllables import PinyinStyle
    from reader.core.models import Entry
    from reader.ui.screens.dictionary import hit_label

    relations = Entry("中日關係", "中日关系", "Zhong1 Ri4 guan1 xi4", ("Sino-Japanese relations",))
    # (Where the name ends inside one entry is not marked: Rì and guān are not spaced.)
    assert entry_pinyin(relations).startswith("Zhōng Rì")
    assert entry_pinyin(relations, PinyinStyle.NUMBERS).startswith("Zhong1 Ri4")
    assert "Zhōng Rì" in hit_label(relations).plain
    assert entry_pinyin(Entry("綠", "绿", "lu:4", ("green",))) == "lǜ"
