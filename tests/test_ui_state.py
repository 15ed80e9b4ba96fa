"""Settings file, reading positions and search: the reading screen's state, without a terminal."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from reader import paths
from reader.config import (
    PinyinDisplay,
    ScriptDisplay,
    Settings,
    ToneColours,
    ViewMode,
    load_settings,
    next_value,
    save_settings,
)
from reader.core.engine.syllables import PinyinStyle
from reader.core.errors import StorageError
from reader.core.learner.reading_state import ReadingPosition, ReadingStateStore
from reader.core.models import AnnotatedParagraph, Paragraph, ParagraphKind, Token, TokenKind
from reader.core.text.search import (
    SearchHit,
    find_hits,
    is_pinyin_query,
    next_hit,
)

# ---- settings ------------------------------------------------------------------------------


def test_missing_config_gives_defaults() -> None:
    assert load_settings() == Settings()


def test_settings_round_trip_through_the_toml_file() -> None:
    settings = Settings(
        pinyin=PinyinDisplay.OFF,
        script=ScriptDisplay.BOTH,
        tone_colours=ToneColours.PLECO,
        pinyin_style=PinyinStyle.ZHUYIN,
        view=ViewMode.FOCUS,
        keys=(("reading.next_paragraph", "j,ctrl+n"),),
    )
    save_settings(settings)
    assert paths.config_file().exists()
    assert load_settings() == settings
    assert load_settings().keymap == {"reading.next_paragraph": "j,ctrl+n"}


def test_unknown_values_keep_their_default_and_bad_toml_gives_the_defaults() -> None:
    paths.config_file().write_text('[display]\npinyin = "sometimes"\nscript = "both"\n')
    settings = load_settings()
    assert settings.pinyin is PinyinDisplay.ALL and settings.script is ScriptDisplay.BOTH
    paths.config_file().write_text("[display\n")
    assert load_settings() == Settings()  # tests/test_config.py checks what is reported


def test_toggles_are_cycles_that_wrap() -> None:
    assert next_value(ToneColours.STANDARD) is ToneColours.PLECO
    assert next_value(ToneColours.OFF) is ToneColours.STANDARD
    assert next_value(PinyinDisplay.OFF) is PinyinDisplay.ALL


# ---- reading positions ---------------------------------------------------------------------


def test_positions_are_kept_per_document_and_survive_a_new_store(reader_home: Path) -> None:
    store = ReadingStateStore()
    assert store.get("doc-a") is None
    store.save("doc-a", ReadingPosition(4, 12))
    store.save("doc-b", ReadingPosition(1, 0))
    again = ReadingStateStore()
    assert again.get("doc-a") == ReadingPosition(4, 12)
    assert again.get("doc-b") == ReadingPosition(1, 0)
    assert str(again.path).startswith(str(reader_home))


@pytest.mark.parametrize(
    "text", ["{not json", "[1, 2]", "[" * 100_000 + "]" * 100_000, '{"a": ' * 600 + "1" + "}" * 600]
)
def test_a_position_file_that_cannot_be_parsed_is_read_as_empty_and_never_overwritten(
    text: str,
) -> None:
    store = ReadingStateStore()
    store.path.write_text(text)
    assert store.get("doc-a") is None
    with pytest.raises(StorageError, match="not saved until it is fixed or removed"):
        store.save("doc-a", ReadingPosition(2, 3))
    assert store.path.read_text() == text


def test_malformed_position_entries_are_skipped_and_kept() -> None:
    store = ReadingStateStore()
    entries = {
        "text": {"paragraph": "3"},
        "float": {"paragraph": 1e999, "offset": 0},
        "negative": {"paragraph": -5},
        "bool": {"paragraph": True},
        "list": [1, 2],
        "updated": {"paragraph": 1, "updated": "yesterday"},
        "good": {"paragraph": 4, "offset": 2, "updated": 1.0},
    }
    raw = json.dumps(entries).replace("1e+999", "1e999")
    store.path.write_text(raw)
    for doc_id in entries:
        expected = ReadingPosition(4, 2) if doc_id == "good" else None
        expected = ReadingPosition(1, 0) if doc_id == "updated" else expected
        assert store.get(doc_id) == expected, doc_id
    store.save("new", ReadingPosition(7, 1))
    saved = json.loads(store.path.read_text())
    assert saved["new"]["paragraph"] == 7
    assert saved["list"] == [1, 2] and saved["text"] == {"paragraph": "3"}


# ---- search --------------------------------------------------------------------------------


def _han(text: str, start: int, simplified: str, *pinyin: str) -> Token:
    return Token(text, start, start + len(text), TokenKind.HAN, simplified, text, pinyin)


def _punct(text: str, start: int) -> Token:
    return Token(text, start, start + len(text), TokenKind.PUNCT, text, text)


PARAGRAPH = Paragraph(0, ParagraphKind.PARAGRAPH, "學習漢語，說話。")
ANNOTATED = AnnotatedParagraph(
    PARAGRAPH,
    (
        _han("學習", 0, "学习", "xue2", "xi2"),
        _han("漢語", 2, "汉语", "han4", "yu3"),
        _punct("，", 4),
        _han("說話", 5, "说话", "shuo1", "hua4"),
        _punct("。", 7),
    ),
)


def _find(query: str) -> list[SearchHit]:
    return find_hits(query, [PARAGRAPH], lambda index: ANNOTATED)


def test_search_by_characters_in_either_script() -> None:
    assert _find("漢語") == [SearchHit(0, 2)]
    assert _find("汉语") == [SearchHit(0, 2)]
    assert _find("說") == [SearchHit(0, 5)]


def test_search_by_toneless_pinyin_starts_at_a_syllable_and_crosses_words() -> None:
    assert _find("hanyu") == [SearchHit(0, 2)]
    assert _find("xixi") == []  # no match across … xi | han …
    assert _find("xihanyu") == [SearchHit(0, 1)]  # across two words
    assert _find("Hàn yǔ") == [SearchHit(0, 2)]
    assert _find("anyu") == []  # not at a syllable boundary
    assert _find("yushuo") == []  # punctuation stops a match


TONES_PARAGRAPH = Paragraph(1, ParagraphKind.PARAGRAPH, "這正是着綠")
TONES_ANNOTATED = AnnotatedParagraph(
    TONES_PARAGRAPH,
    (
        _han("這", 0, "这", "zhe4"),
        _han("正是", 1, "正是", "zheng4", "shi4"),
        _han("着", 3, "着", "zhe5"),
        _han("綠", 4, "绿", "lu:4"),
    ),
)


def _find_tones(query: str) -> list[SearchHit]:
    return find_hits(query, [TONES_PARAGRAPH], lambda index: TONES_ANNOTATED)


def test_pinyin_search_matches_whole_syllables_and_honours_tones() -> None:
    assert _find_tones("zhe") == [SearchHit(1, 0), SearchHit(1, 3)]  # not zheng
    assert _find_tones("zhe4") == [SearchHit(1, 0)]  # 這 zhè, not 着 zhe
    assert _find_tones("zhè") == [SearchHit(1, 0)]
    assert _find_tones("zhe5") == [SearchHit(1, 3)]
    assert _find_tones("zheng") == [SearchHit(1, 1)]
    assert _find_tones("zheng4shi") == [SearchHit(1, 1)]
    assert _find_tones("zheng3") == []
    assert _find_tones("lv4") == _find_tones("lü") == [SearchHit(1, 4)]
    assert _find("han4yu") == [SearchHit(0, 2)] and _find("han2yu") == []


def test_pinyin_queries_are_recognised_and_normalised() -> None:
    assert is_pinyin_query("guanxi") and is_pinyin_query("Guān xì") and is_pinyin_query("lü4")
    assert not is_pinyin_query("關係")


def test_next_hit_wraps_round() -> None:
    hits = [SearchHit(0, 2), SearchHit(3, 0)]
    assert next_hit(hits, SearchHit(0, 2), 1) == SearchHit(3, 0)
    assert next_hit(hits, SearchHit(3, 0), 1) == SearchHit(0, 2)
    assert next_hit(hits, SearchHit(0, 2), -1) == SearchHit(3, 0)
    assert next_hit([], SearchHit(0, 0), 1) is None


# ---- run_app refuses bad input before the app starts -----------------------------------------


def test_run_app_raises_input_errors_before_starting(tmp_path: Path) -> None:
    from reader.core.errors import InputError
    from reader.ui.app import run_app

    with pytest.raises(InputError, match=r"missing\.txt"):
        run_app(str(tmp_path / "missing.txt"))
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(InputError, match="no text to read"):
        run_app(str(empty))
    assert gc.isenabled()  # collection paused for start-up is resumed when start-up fails


def test_resuming_collection_freezes_the_start_up_objects() -> None:
    from reader.ui.reader_app import resume_garbage_collection

    frozen = gc.get_freeze_count()
    resume_garbage_collection()  # never paused: nothing to do
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    gc.disable()
    try:
        resume_garbage_collection()
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()
        gc.enable()
