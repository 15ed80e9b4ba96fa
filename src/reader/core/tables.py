"""Lookup tables that open in about a millisecond and decode only the keys looked up.

The segmenter's lexicon and the pinyin tables hold hundreds of thousands of entries, but the
reading screen's first paragraphs use a few hundred characters. A table file keeps each table's
keys sorted and grouped by their first character (any code point, Extension B included), packs
the groups in order into blocks of about a kilobyte and compresses each block on its own.
Opening a file reads its bytes and a small index (each block's first character and where it
ends); a block is decompressed and split into its keys and values the first time a key in it
is looked up, then kept and searched by bisection.

File layout (integers are unsigned 32-bit little-endian):

    b"reader-tables 1\\n", the table count, then per table:
    four integers (name bytes, entries, blocks, block-start bytes), the name (UTF-8), each
    block's first character (UTF-8), where each block ends (from the first block's start),
    and the blocks.

A block is raw deflate of the UTF-8 text `key\\n…key\\nvalue\\n…value`: its keys in order, then
their values. Every key of a first character is in one block. Written by `pack_tables`
(tools/build_*.py), read by `read_tables`.
"""

from __future__ import annotations

import bisect
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

V = TypeVar("V")

MAGIC = b"reader-tables 1\n"
# A block closes at the first new first character once its text has this many bytes. Smaller
# blocks decode less that is not needed but compress worse: at 1 KiB the shipped tables are
# ~20% larger than one gzip stream, and the first screen decodes ~150 KB of text.
BLOCK_BYTES = 1024
_HEADER = struct.Struct("<4I")
_COUNT = struct.Struct("<I")
_RAW_DEFLATE = -15  # zlib's wbits for a bare stream: no per-block header or checksum
if array("I").itemsize != 4:  # pragma: no cover - 4 wherever CPython runs
    raise ImportError("reader.core.tables needs 4-byte array('I') items")


def pack_tables(tables: Mapping[str, Mapping[str, str]], block_bytes: int = BLOCK_BYTES) -> bytes:
    """The file bytes for `tables` (name -> {key: value}); the same input gives the same bytes.

    Keys must be non-empty; keys and values may not contain a newline.
    """
    parts = [MAGIC, _COUNT.pack(len(tables))]
    parts.extend(_pack_table(name, table, block_bytes) for name, table in tables.items())
    return b"".join(parts)


def _pack_table(name: str, table: Mapping[str, str], block_bytes: int) -> bytes:
    grouped: list[list[str]] = []  # the keys of each block
    size = block_bytes  # the first key opens a block
    previous_first = ""
    for key in sorted(table):
        value = table[key]
        if not key or "\n" in key or "\n" in value:
            raise ValueError(f"table {name!r}: cannot store key {key!r} with value {value!r}")
        if key[0] != previous_first and size >= block_bytes:
            grouped.append([])
            size = 0
        previous_first = key[0]
        grouped[-1].append(key)
        size += len(key.encode("utf-8")) + len(value.encode("utf-8")) + 2
    blocks: list[bytes] = []
    for keys in grouped:
        text = "\n".join([*keys, *(table[key] for key in keys)]).encode("utf-8")
        packer = zlib.compressobj(9, zlib.DEFLATED, _RAW_DEFLATE)
        blocks.append(packer.compress(text) + packer.flush())
    ends: list[int] = []
    end = 0
    for block in blocks:
        end += len(block)
        ends.append(end)
    name_bytes = name.encode("utf-8")
    starts = "".join(keys[0][0] for keys in grouped).encode("utf-8")
    return b"".join(
        [
            _HEADER.pack(len(name_bytes), len(table), len(blocks), len(starts)),
            name_bytes,
            starts,
            struct.pack(f"<{len(ends)}I", *ends),
            *blocks,
        ]
    )


@dataclass(frozen=True, slots=True, eq=False)
class PackedTable:
    """One table of a file as read: its index, and its blocks still compressed."""

    entries: int
    block_starts: str  # each block's first character, in order
    block_ends: array[int]
    blocks: memoryview

    def block_of(self, first: str) -> int | None:
        """The block that holds the keys starting with `first`, if any key can."""
        if len(first) != 1:
            return None
        index = bisect.bisect_right(self.block_starts, first) - 1
        return index if index >= 0 else None

    def block_text(self, index: int) -> str:
        start = self.block_ends[index - 1] if index else 0
        raw = zlib.decompress(self.blocks[start : self.block_ends[index]], _RAW_DEFLATE)
        return raw.decode("utf-8")


def unpack_tables(data: bytes) -> dict[str, PackedTable]:
    """The tables in the bytes of a table file, by name; only their index is read."""
    if not data.startswith(MAGIC):
        raise ValueError("not a reader table file")
    view = memoryview(data)
    offset = len(MAGIC)
    (count,) = _COUNT.unpack_from(view, offset)
    offset += _COUNT.size
    tables: dict[str, PackedTable] = {}
    for _ in range(count):
        name_size, entries, block_count, starts_size = _HEADER.unpack_from(view, offset)
        offset += _HEADER.size
        name = bytes(view[offset : offset + name_size]).decode("utf-8")
        offset += name_size
        block_starts = bytes(view[offset : offset + starts_size]).decode("utf-8")
        offset += starts_size
        block_ends = array("I")
        block_ends.frombytes(view[offset : offset + 4 * block_count])
        if sys.byteorder == "big":  # pragma: no cover
            block_ends.byteswap()
        offset += 4 * block_count
        blocks_size = block_ends[-1] if block_count else 0
        blocks = view[offset : offset + blocks_size]
        offset += blocks_size
        if len(block_starts) != block_count or len(blocks) != blocks_size:
            raise ValueError(f"table {name!r} is truncated")
        tables[name] = PackedTable(entries, block_starts, block_ends, blocks)
    return tables


def read_tables(path: Path) -> dict[str, PackedTable]:
    """The tables of a file written with `pack_tables`, by name (blocks decoded on use)."""
    return unpack_tables(path.read_bytes())


_NO_LINES: tuple[list[str], int] = ([], 0)  # the block of a character before every block


class LazyTable(Mapping[str, V]):
    """A read-only mapping over a `PackedTable`; a value is parsed by `parse` when looked up.

    A block is decompressed and split into its sorted keys and values on the first lookup of a
    key in it, and searched by bisection from then on. Splitting is all the decoding there is,
    which keeps the first lookups of a fresh process cheap; callers cache what they look up
    often. Safe to share between threads: a block is decoded completely and then published
    with one assignment, so a reader sees no block or a whole one (two threads may both decode
    the same block; either result is kept).
    """

    def __init__(self, packed: PackedTable, parse: Callable[[str], V]) -> None:
        self._packed = packed
        self._parse = parse
        # Per block once decoded: its lines (keys, then values) and its key count.
        self._blocks: list[tuple[list[str], int] | None] = [None] * len(packed.block_ends)
        self._block_by_first: dict[str, tuple[list[str], int]] = {}  # first character -> block

    def _block_of(self, first: str) -> tuple[list[str], int]:
        block = self._block_by_first.get(first)
        if block is None:
            index = self._packed.block_of(first)
            block = _NO_LINES if index is None else self._block(index)
            self._block_by_first[first] = block
        return block

    def _block(self, index: int) -> tuple[list[str], int]:
        block = self._blocks[index]
        if block is None:
            lines = self._packed.block_text(index).split("\n")
            block = (lines, len(lines) // 2)
            self._blocks[index] = block
        return block

    @property
    def decoded_blocks(self) -> int:
        """How many blocks have been decoded so far (of `len(packed.block_ends)`)."""
        return sum(block is not None for block in self._blocks)

    def get(self, key: str, default: V | None = None) -> V | None:  # type: ignore[override]
        lines, count = self._block_of(key[:1])
        position = bisect.bisect_left(lines, key, 0, count)
        if position < count and lines[position] == key:
            return self._parse(lines[count + position])
        return default

    def __getitem__(self, key: str) -> V:
        lines, count = self._block_of(key[:1])
        position = bisect.bisect_left(lines, key, 0, count)
        if position < count and lines[position] == key:
            return self._parse(lines[count + position])
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        lines, count = self._block_of(key[:1])
        position = bisect.bisect_left(lines, key, 0, count)
        return position < count and lines[position] == key

    def with_prefix(self, prefix: str) -> list[tuple[str, V]]:
        """The entries whose key starts with `prefix` (not empty), in key order."""
        if not prefix:
            raise ValueError("the prefix must not be empty")
        lines, count = self._block_of(prefix[0])
        size = len(prefix)
        start = bisect.bisect_left(lines, prefix, 0, count)
        end = bisect.bisect_right(lines, prefix, start, count, key=lambda line: line[:size])
        parse = self._parse
        return [(lines[index], parse(lines[count + index])) for index in range(start, end)]

    def __iter__(self) -> Iterator[str]:
        for index in range(len(self._blocks)):
            lines, count = self._block(index)
            yield from lines[:count]

    def __len__(self) -> int:
        return self._packed.entries
