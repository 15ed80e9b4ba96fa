"""Bucketed lookup tables (reader.core.tables): round trips, laziness, threads, bad files."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import tables
from reader.core.tables import LazyTable, PackedTable, pack_tables, read_tables, unpack_tables

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
        assert table.with_prefix("\U00020bb7") == [
            ("\U00020bb7", "ji2"),
            ("\U00020bb7野家", "ji2 ye3 jia1"),
        ]
        assert "\U00020bb8" not in table and table.get("\U00020bb7野") is None


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
    assert table.with_prefix("中") == []


def test_with_prefix_finds_exactly_the_keys_that_start_with_it() -> None:
    table = open_table(WORDS, block_bytes=10_000)
    assert [key for key, _ in table.with_prefix("中国")] == ["中国", "中国人"]
    assert [key for key, _ in table.with_prefix("中")] == ["中", "中国", "中国人", "中文"]
    assert table.with_prefix("中美") == [] and table.with_prefix("丁") == []
    with pytest.raises(ValueError, match="empty"):
        table.with_prefix("")


def test_only_looked_up_blocks_are_decoded() -> None:
    entries = {chr(0x4E00 + index) + "子": str(index) for index in range(200)}
    table = open_table(entries, block_bytes=64)
    blocks = len(table._packed.block_ends)
    assert blocks > 20
    assert table.decoded_blocks == 0
    assert len(table) == 200 and table.decoded_blocks == 0  # counts come from the index
    assert table["丁子"] == "1"
    assert table.decoded_blocks == 1
    assert table.get("一子") == "0" and table.decoded_blocks == 1  # the same block
    assert table.get("丁丁") is None and table.decoded_blocks == 1
    assert table.get("A") is None and table.decoded_blocks == 1  # before every block
    assert table[chr(0x4E00 + 199) + "子"] == "199"
    assert table.decoded_blocks == 2
    assert list(table) == sorted(entries)
    assert table.decoded_blocks == blocks


def test_a_block_decoded_by_two_threads_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both threads must be inside the decoding of the same block together: if a half-built
    # block were published first, the second thread would not decode and the barrier breaks.
    table = open_table(WORDS)
    both_decoding = threading.Barrier(2, timeout=10)
    decode = PackedTable.block_text

    def block_text_together(packed: PackedTable, index: int) -> str:
        both_decoding.wait()
        return decode(packed, index)

    monkeypatch.setattr(PackedTable, "block_text", block_text_together)
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
    monkeypatch.setattr(PackedTable, "block_text", decode)
    assert dict(table.items()) == WORDS


def test_many_threads_share_a_fresh_table() -> None:
    entries = {
        chr(0x4E00 + index) + chr(0x4E00 + index * 7 % 500): str(index) for index in range(500)
    }
    table = open_table(entries, block_bytes=128)
    failures: list[str] = []
    start = threading.Barrier(8)

    def look_up_all() -> None:
        start.wait()
        failures.extend(key for key, value in entries.items() if table.get(key) != value)

    threads = [threading.Thread(target=look_up_all) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


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


def test_the_block_size_bounds_what_one_lookup_decodes() -> None:
    entries = {chr(0x4E00 + index) + "子": "x" * 20 for index in range(300)}
    small = open_table(entries, block_bytes=tables.BLOCK_BYTES)
    assert small["一子"] == "x" * 20
    lines, count = small._block(0)
    # A block closes at the first new character after BLOCK_BYTES of text.
    assert (
        tables.BLOCK_BYTES <= sum(len(line.encode()) + 1 for line in lines) < 2 * tables.BLOCK_BYTES
    )
    assert count < len(entries)


_KEY = st.text(
    alphabet=st.sampled_from("中国人文乾坤一丁子aZ\U00020000\U00020bb7\U0002a6d6\U00031350"),
    min_size=1,
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(
    entries=st.dictionaries(_KEY, st.text(st.characters(blacklist_characters="\n"), max_size=6)),
    block_bytes=st.sampled_from([1, 16, 200, 100_000]),
    probes=st.lists(_KEY, max_size=10),
)
def test_any_table_round_trips(
    entries: dict[str, str], block_bytes: int, probes: list[str]
) -> None:
    table = open_table(entries, block_bytes)
    for probe in probes:
        assert table.get(probe) == entries.get(probe)
        assert table.with_prefix(probe) == sorted(
            (key, value) for key, value in entries.items() if key.startswith(probe)
        )
    assert list(table) == sorted(entries) and len(table) == len(entries)
    assert {key: table[key] for key in table} == entries
