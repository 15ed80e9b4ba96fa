"""The vocabulary store: saving, statuses, contexts, undo, and what it does with bad files."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader import paths
from reader.core.errors import ReaderError
from reader.core.learner.describe import describe_word, reading_in_sentence
from reader.core.learner.records import Context, Status, WordForms
from reader.core.learner.times import parse_since
from reader.core.learner.vocab import VocabStore
from reader.core.learner.vocab_database import APPLICATION_ID, SCHEMA_VERSION, default_vocab_path
from reader.core.learner.word_facts import hsk_2021_level

RELATION = WordForms("關係", "关系", ("guan1", "xi5"), "relation; connection")
BANK = WordForms("銀行", "银行", ("yin2", "hang2"), "bank")
WATER = WordForms("水", "水", ("shui3",), "water")


@pytest.fixture
def store(tmp_path: Path) -> VocabStore:
    opened = VocabStore(tmp_path / "vocab.sqlite3")
    yield opened
    opened.close()


def test_default_path_is_under_reader_home(reader_home: Path) -> None:
    assert default_vocab_path() == paths.data_dir() / "vocab.sqlite3"
    assert str(default_vocab_path()).startswith(str(reader_home))


def test_add_and_get_by_either_script(store: VocabStore) -> None:
    saved = store.add(RELATION, context=Context("我們的關係很好。", "A story", "doc1", 3))
    assert saved.status is Status.NEW
    assert saved.pinyin_numbered == ("guan1", "xi5")
    assert store.get("關係") == saved
    assert store.get("关系") == saved
    assert store.get("沒有") is None
    (context,) = saved.contexts
    assert (context.sentence, context.doc_title, context.doc_id, context.paragraph_index) == (
        "我們的關係很好。",
        "A story",
        "doc1",
        3,
    )
    assert context.added_at is not None


def test_saving_again_adds_contexts_once_and_keeps_definition(store: VocabStore) -> None:
    store.add(RELATION, context=Context("一句。", "T", "d1", 0))
    store.set_definition("關係", "my own words")
    again = store.add(
        WordForms("關係", "关系", ("guan1", "xi4"), "dictionary text"),
        context=Context("二句。", "T", "d1", 1),
    )
    store.add(RELATION, context=Context("二句。", "T", "d1", 1))  # same sentence: no duplicate
    final = store.require("關係")
    assert again.definition == "my own words"
    assert [c.sentence for c in final.contexts] == ["一句。", "二句。"]
    assert len(store) == 1


def test_status_changes_and_status_map(store: VocabStore) -> None:
    store.add(RELATION)
    store.add(BANK, status=Status.LEARNING)
    assert store.set_status("关系", Status.KNOWN).status is Status.KNOWN
    assert store.statuses() == {
        "關係": Status.KNOWN,
        "关系": Status.KNOWN,
        "銀行": Status.LEARNING,
        "银行": Status.LEARNING,
    }
    # saving again without a status keeps it; with a status sets it
    assert store.add(BANK).status is Status.LEARNING
    assert store.add(BANK, status=Status.IGNORED).status is Status.IGNORED


def test_set_many_marks_new_and_existing_words(store: VocabStore) -> None:
    store.add(RELATION, status=Status.LEARNING)
    store.add(BANK, status=Status.KNOWN)
    changed = store.set_many([RELATION, BANK, WATER], Status.KNOWN)
    assert changed == 2  # 關係 changed, 水 added, 銀行 already known
    assert {item.traditional: item.status for item in store.items()} == {
        "關係": Status.KNOWN,
        "銀行": Status.KNOWN,
        "水": Status.KNOWN,
    }


def test_remove_and_restore_is_an_exact_undo(store: VocabStore) -> None:
    store.add(RELATION, status=Status.LEARNING, context=Context("一句。", "T", "d", 2))
    store.add(RELATION, context=Context("二句。", "T", "d", 5))
    before = store.require("關係")
    removed = store.remove("关系")
    assert removed == before
    assert store.get("關係") is None
    restored = store.restore(removed)
    assert (restored.traditional, restored.status, restored.contexts, restored.created_at) == (
        before.traditional,
        before.status,
        before.contexts,
        before.created_at,
    )
    with pytest.raises(ReaderError, match="already"):
        store.restore(removed)


def test_unknown_words_are_errors_the_user_can_read(store: VocabStore) -> None:
    with pytest.raises(ReaderError, match="not in your vocabulary"):
        store.set_status("沒有", Status.KNOWN)
    with pytest.raises(ReaderError, match="not in your vocabulary"):
        store.remove("沒有")


def test_ambiguous_simplified_form_asks_for_traditional(store: VocabStore) -> None:
    store.add(WordForms("頭髮", "头发", ("tou2", "fa5"), "hair"))
    store.add(WordForms("頭發", "头发", ("tou2", "fa1"), "(made-up second form)"))
    with pytest.raises(ReaderError, match="ambiguous"):
        store.get("头发")
    assert store.require("頭髮").definition == "hair"


def test_items_filters_by_status_time_and_document(store: VocabStore) -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    store.add(RELATION, now=start, context=Context("一句。", "T", "doc-a"))
    store.add(BANK, now=start + timedelta(days=10), status=Status.KNOWN)
    store.add(WATER, now=start + timedelta(days=20), context=Context("水。", "U", "doc-b"))
    assert [i.traditional for i in store.items()] == ["關係", "銀行", "水"]
    assert [i.traditional for i in store.items(statuses=[Status.KNOWN])] == ["銀行"]
    since = start + timedelta(days=5)
    assert [i.traditional for i in store.items(since=since)] == ["銀行", "水"]
    assert [i.traditional for i in store.items(doc_id="doc-b")] == ["水"]


def test_changes_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    with VocabStore(path) as first:
        first.add(RELATION, context=Context("一句。"))
        first.set_status("關係", Status.LEARNING)
    with VocabStore(path) as second:
        item = second.require("關係")
    assert item.status is Status.LEARNING
    assert item.contexts[0].sentence == "一句。"


def test_new_database_is_marked_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    VocabStore(path).close()
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        connection.close()


def _unchanged_after_open(path: Path, match: str) -> None:
    before = path.read_bytes()
    with pytest.raises(ReaderError, match=match):
        VocabStore(path)
    assert path.read_bytes() == before


def test_text_file_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "vocab.sqlite3"
    path.write_text("these are my notes, not a database\n" * 50)
    _unchanged_after_open(path, "is not a reader vocabulary database.*left untouched")


def test_foreign_sqlite_database_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "vocab.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.execute("INSERT INTO recipes VALUES ('dumplings')")
    connection.commit()
    connection.close()
    _unchanged_after_open(path, "is not a reader vocabulary database")


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "vocab.sqlite3"
    VocabStore(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    _unchanged_after_open(path, "newer version")


def test_damaged_database_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "vocab.sqlite3"
    with VocabStore(path) as store:
        for number in range(300):
            store.add(WordForms(f"字{number}", f"字{number}", (), "x" * 200))
    # Overwrite the middle of the file (table pages), keeping the header valid.
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xff" * 8192
    path.write_bytes(bytes(data))
    _unchanged_after_open(path, "left untouched")


def test_directory_in_the_way_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "vocab.sqlite3"
    path.mkdir()
    with pytest.raises(ReaderError, match="not a file"):
        VocabStore(path)


def test_status_parse_gives_a_clear_message() -> None:
    assert Status.parse(" Known ") is Status.KNOWN
    with pytest.raises(ReaderError, match="new, learning, known, ignored"):
        Status.parse("mastered")


def test_parse_since_accepts_dates_and_times() -> None:
    assert parse_since("2026-03-01T08:00:00Z") == datetime(2026, 3, 1, 8, tzinfo=timezone.utc)
    day = parse_since("2026-03-01")
    assert day.tzinfo is not None and abs(day - datetime(2026, 3, 1, tzinfo=timezone.utc)) < (
        timedelta(days=1)
    )
    with pytest.raises(ReaderError, match="YYYY-MM-DD"):
        parse_since("last week")


def test_hsk_levels_by_either_script() -> None:
    assert hsk_2021_level("關係") == hsk_2021_level("关系") is not None
    assert hsk_2021_level("我") == "1"
    assert hsk_2021_level("不是一個詞語喔") is None


# ---- describing words with the real dictionary


def test_describe_traditional_word_from_dictionary() -> None:
    forms = describe_word("關係")
    assert (forms.traditional, forms.simplified) == ("關係", "关系")
    assert forms.pinyin_numbered[0] == "guan1"
    assert "relation" in forms.definition


def test_describe_simplified_word_finds_traditional_form() -> None:
    forms = describe_word("银行")
    assert (forms.traditional, forms.simplified) == ("銀行", "银行")
    assert forms.pinyin_numbered == ("yin2", "hang2")
    assert "bank" in forms.definition


def test_reading_from_context_picks_the_matching_entry() -> None:
    # 長 is zhang3 (chief) or chang2 (long); the reading decides which definitions are kept.
    chief = describe_word("長", pinyin_numbered=("zhang3",))
    long = describe_word("長", pinyin_numbered=("chang2",))
    assert chief.pinyin_numbered == ("zhang3",)
    assert long.pinyin_numbered == ("chang2",)
    assert "long" in long.definition
    assert chief.definition != long.definition


def test_reading_in_sentence_uses_the_annotator() -> None:
    assert reading_in_sentence("銀行", "我明天去銀行開戶口。") == ("yin2", "hang2")
    # 長 inside a longer token: its own syllable is taken from the token's reading
    assert reading_in_sentence("长", "我們要長期合作。") == ("chang2",)
    assert reading_in_sentence("長", "校長來了。") == ("zhang3",)
    assert reading_in_sentence("銀行", "這句話沒有那個詞。") == ()


def test_describe_word_without_entry_uses_breakdown() -> None:
    forms = describe_word("關係銀行")
    assert forms.traditional == "關係銀行"
    assert forms.simplified == "关系银行"
    assert forms.pinyin_numbered == ("guan1", "xi5", "yin2", "hang2")
    assert "關係:" in forms.definition and "銀行:" in forms.definition
