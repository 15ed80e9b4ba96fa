"""Bucketed lookup tables (reader.core.engine.tables): round trips, laziness, threads, bad files."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.engine import tables
from reader.core.engine.tables import (
    LazyTable,
    PackedTable,
    pack_tables,
    read_tables,
    unpack_tables,
)

# Extension B (U+20000…) first characters sort after every BMP character; 𠮷 is U+20BB7.
WORDS = {
    "中": "zhong1",
    "中国": "zhong1 guo2",
    "中国人": "zhong1 guo2 ren2",
    "中文": "zhong1 wen2",
    "乾": "gan1",
    "乾坤": "qian2 kun1",
    "人": "ren2",
    "\U00020000": "he1",
    "\U00020bb7": "ji2",
    "\U00020bb7野家": "ji2 ye3 jia1",
    "\U0002a6d6\U00020000": "",  # an empty value is a value
    "z": "latin",
}


def open_table(entries: dict[str, str], block_bytes: int = 1) -> LazyTable[str]:
    """`entries` packed alone (block_bytes=1: every first character in its own block)."""
    return LazyTable(unpack_tables(pack_tables({"t": entries}, block_bytes))["t"], str)


def test_round_trip_keeps_every_entry_in_key_order() -> None:
    table = open_table(WORDS)
    assert len(table) == len(WORDS)
    assert list(table) == sorted(WORDS)
    assert dict(table.items()) == WORDS
    for key, value in WORDS.items():
        assert table[key] == value and table.get(key) == value and key in table


def test_several_tables_in_one_file_each_with_its_parser(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.table"
    path.write_bytes(
        pack_tables({"scores": {"中国": "-5.25", "中": "-7.00"}, "cuts": {"更好": "1,1"}})
    )
    packed = read_tables(path)
    assert list(packed) == ["scores", "cuts"]
    scores = LazyTable(packed["scores"], float)
    assert scores["中国"] == -5.25 and scores.get("中") == -7.0
    cuts = LazyTable(packed["cuts"], lambda value: tuple(map(int, value.split(","))))
    assert cuts["更好"] == (1, 1) and cuts.get("中国") is None


def test_keys_starting_with_non_bmp_characters() -> None:
    for block_bytes in (1, 10_000):  # a block per character, and one block for all
        table = open_table(WORDS, block_bytes)
        assert table["\U00020bb7"] == "ji2"
        assert table["\U00020bb7野家"] == "ji2 ye3 jia1"
        assert table["\U00020000"] == "he1"
        assert table["\U0002a6d6\U00020000"] == ""
        assert "\U00020bb8" not in table and table.get("\U00020bb7野") is None
        assert list(table) == sorted(WORDS)


def test_missing_keys() -> None:
    table = open_table(WORDS)
    for key in ["中美", "丁", "A", "\U00031350", "中国人民", "国", "", "\U0010ffff"]:
        assert key not in table
        assert table.get(key) is None
        assert table.get(key, "default") == "default"
        with pytest.raises(KeyError):
            table[key]
    assert 42 not in table


def test_empty_table() -> None:
    table = open_table({})
    assert len(table) == 0 and list(table) == []
    assert table.get("中") is None and "中" not in table
    assert table.decoded_blocks == 0


def test_repeated_values_are_stored_once_and_parsed_once() -> None:
    scores = {chr(0x4E00 + index) + "子": f"-{index % 5}.25" for index in range(200)}
    packed = unpack_tables(pack_tables({"scores": scores}, block_bytes=64))["scores"]
    assert packed.palette is not None  # 5 distinct values for 200 entries
    assert unpack_tables(pack_tables({"t": WORDS}))["t"].palette is None  # all distinct
    parsed: list[str] = []

    def parse(text: str) -> float:
        parsed.append(text)
        return float(text)

    table = LazyTable(packed, parse)
    assert {key: table[key] for key in table} == {key: float(v) for key, v in scores.items()}
    assert sorted(parsed) == sorted(set(scores.values()))
    assert table["一子"] is table["丅子"]  # -0.25 both: one float object


def test_only_looked_up_blocks_are_decoded() -> None:
    entries = {chr(0x4E00 + index) + "子": str(index) for index in range(200)}
    table = open_table(entries, block_bytes=64)
    blocks = len(table._packed.block_ends)
    assert blocks > 20
    assert table.decoded_blocks == 0
    assert len(table) == 200 and table.decoded_blocks == 0  # counts come from the index
    assert table["丁子"] == "1"
    assert table.decoded_blocks == 1 and "丁" in table.met
    assert table.get("一子") == "0" and table.decoded_blocks == 1  # the same block
    assert table.get("丁丁") is None and table.decoded_blocks == 1
    assert table.get("A") is None and table.decoded_blocks == 1  # before every block
    assert len(table.entries) < 20
    assert table[chr(0x4E00 + 199) + "子"] == "199"
    assert table.decoded_blocks == 2
    table.meet("丁")  # already met: nothing more to decode
    assert table.decoded_blocks == 2
    assert list(table) == sorted(entries)
    assert table.decoded_blocks == blocks and table.entries == entries


def test_a_block_decoded_by_two_threads_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both threads must be inside the decoding of the same block together: if a character
    # were marked as met before its keys were in, the second thread would not decode (the
    # barrier breaks) and would miss the keys.
    table = open_table(WORDS)
    both_decoding = threading.Barrier(2, timeout=10)
    decode = PackedTable.block

    def block_together(packed: PackedTable, index: int) -> tuple[list[str], Any]:
        both_decoding.wait()
        return decode(packed, index)

    monkeypatch.setattr(PackedTable, "block", block_together)
    results: dict[str, list[str | None]] = {}

    def look_up(name: str) -> None:
        results[name] = [table.get(key) for key in ("中国人", "中文", "中美", "中")]

    threads = [threading.Thread(target=look_up, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not both_decoding.broken
    expected = [WORDS["中国人"], WORDS["中文"], None, WORDS["中"]]
    assert results == {"a": expected, "b": expected}
    monkeypatch.setattr(PackedTable, "block", decode)
    assert dict(table.items()) == WORDS


def _look_up_from_threads(table: LazyTable[float], entries: dict[str, str]) -> list[str]:
    """The keys 8 threads, started together, found with a wrong value."""
    failures: list[str] = []
    start = threading.Barrier(8)

    def look_up_all() -> None:
        start.wait()
        failures.extend(k for k, v in entries.items() if table.get(k) != float(v))

    threads = [threading.Thread(target=look_up_all) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_many_threads_share_a_fresh_table() -> None:
    entries = {chr(0x4E00 + i) + chr(0x4E00 + i * 7 % 500): f"-{i % 9}.5" for i in range(500)}
    for block_bytes in (16, 128):
        packed = unpack_tables(pack_tables({"t": entries}, block_bytes))["t"]
        assert _look_up_from_threads(LazyTable(packed, float), entries) == []


def test_packing_is_reproducible_and_ignores_insertion_order() -> None:
    forward = pack_tables({"t": WORDS})
    backward = pack_tables({"t": dict(reversed(list(WORDS.items())))})
    assert forward == backward == pack_tables({"t": WORDS})


@pytest.mark.parametrize(
    "entries", [{"": "x"}, {"中\n国": "x"}, {"中国": "zhong1\nguo2"}], ids=["empty", "nl", "nl2"]
)
def test_keys_and_values_that_cannot_be_stored_are_refused(entries: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="cannot store"):
        pack_tables({"t": entries})


def test_bad_files_are_refused() -> None:
    with pytest.raises(ValueError, match="not a reader table file"):
        unpack_tables(b"\x1f\x8b gzip, the old format")
    data = pack_tables({"t": WORDS})
    with pytest.raises(ValueError, match="truncated"):
        unpack_tables(data[:-3])


def test_a_block_closes_after_block_bytes_at_a_new_first_character() -> None:
    entries = {chr(0x4E00 + index) + "子": f"x{index:019}" for index in range(300)}
    packed = unpack_tables(pack_tables({"t": entries}))["t"]
    keys, values = packed.block(0)
    size = sum(len(text.encode()) + 1 for text in [*keys, *values])
    assert tables.BLOCK_BYTES <= size < 2 * tables.BLOCK_BYTES
    assert keys[0] == "一子" and len(keys) < len(entries)


_KEY = st.text(
    alphabet=st.sampled_from("中国人文乾坤一丁子aZ\U00020000\U00020bb7\U0002a6d6\U00031350"),
    min_size=1,
    max_size=5,
)
_VALUE = st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    # Values from a short list make palettes; arbitrary ones are stored inline.
    entries=st.dictionaries(_KEY, st.one_of(_VALUE, st.sampled_from(["-1.5", "2", ""]))),
    block_bytes=st.sampled_from([1, 16, 200, 100_000]),
    probes=st.lists(_KEY, max_size=10),
)
def test_any_table_round_trips(
    entries: dict[str, str], block_bytes: int, probes: list[str]
) -> None:
    table = open_table(entries, block_bytes)
    for probe in probes:
        assert table.get(probe) == entries.get(probe)
        assert (probe in table) == (probe in entries)
    assert list(table) == sorted(entries) and len(table) == len(entries)
    assert {key: table[key] for key in table} == entries
