"""Lookup tables that open in about a millisecond and decode only the keys looked up.

The segmenter's lexicon and the pinyin tables hold hundreds of thousands of entries, but the
reading screen's first paragraphs use a few hundred characters. A table file keeps each table's
keys sorted and grouped by their first character (any code point, Extension B included), packs
the groups in order into small blocks and compresses each block on its own. Opening a file
reads its bytes and a small index (each block's first character and where it ends); a block is
decompressed and added to the table's dict the first time a key with one of its first
characters is looked up.

File layout (integers are unsigned 32-bit little-endian unless said otherwise):

    b"reader-tables 1\\n", the table count, then per table:
    five integers (name bytes, entries, blocks, block-start bytes, palette bytes), the name
    (UTF-8), each block's first character (UTF-8), the palette, where each block ends (from the
    first block's start), and the blocks.

A block is raw deflate of the UTF-8 text `key\\n…key\\nvalue\\n…value` (its keys in order, then
their values), or, in a table with a palette, of the key count, the values as 16-bit indexes
into the palette, and `key\\n…key`. A palette (raw deflate of `value\\n…value`, each distinct
value once) is written when values repeat a lot (the lexicon's scores: 6,000 distinct values
for 193,000 words), so each is parsed once and the blocks are smaller. Every key of a first
character is in one block. Written by `pack_tables` (tools/build_*.py), read by `read_tables`.
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
# blocks decode less that is not needed (what the first screen costs) but compress worse.
BLOCK_BYTES = 1024
# Values go to a palette when there are at most this fraction as many distinct ones as entries.
PALETTE_SHARE = 1 / 8
_HEADER = struct.Struct("<5I")
_COUNT = struct.Struct("<I")
_RAW_DEFLATE = -15  # zlib's wbits for a bare stream: no per-block header or checksum
_LITTLE_ENDIAN = sys.byteorder == "little"
if array("I").itemsize != 4 or array("H").itemsize != 2:  # pragma: no cover - true for CPython
    raise ImportError(
        "reader.core.engine.tables needs 4-byte array('I') and 2-byte array('H') items"
    )


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, _RAW_DEFLATE)
    return packer.compress(data) + packer.flush()


def _inflate(data: memoryview) -> bytes:
    return zlib.decompress(data, _RAW_DEFLATE)


def _little_endian(numbers: array[int]) -> array[int]:
    if not _LITTLE_ENDIAN:  # pragma: no cover
        numbers.byteswap()
    return numbers


def pack_tables(tables: Mapping[str, Mapping[str, str]], block_bytes: int = BLOCK_BYTES) -> bytes:
    """The file bytes for `tables` (name -> {key: value}); the same input gives the same bytes.

    Keys must be non-empty; keys and values may not contain a newline.
    """
    parts = [MAGIC, _COUNT.pack(len(tables))]
    parts.extend(_pack_table(name, table, block_bytes) for name, table in tables.items())
    return b"".join(parts)


def _pack_table(name: str, table: Mapping[str, str], block_bytes: int) -> bytes:
    for key, value in table.items():
        if not key or "\n" in key or "\n" in value:
            raise ValueError(f"table {name!r}: cannot store key {key!r} with value {value!r}")
    distinct = sorted(set(table.values()))
    palette_index = (
        {value: index for index, value in enumerate(distinct)}
        if len(distinct) <= min(65536, len(table) * PALETTE_SHARE)
        else None
    )
    grouped: list[list[str]] = []  # the keys of each block
    size = block_bytes  # the first key opens a block
    previous_first = ""
    for key in sorted(table):
        if key[0] != previous_first and size >= block_bytes:
            grouped.append([])
            size = 0
        previous_first = key[0]
        grouped[-1].append(key)
        value_size = 2 if palette_index is not None else len(table[key].encode("utf-8")) + 1
        size += len(key.encode("utf-8")) + 1 + value_size
    blocks: list[bytes] = []
    for keys in grouped:
        keys_text = "\n".join(keys).encode("utf-8")
        if palette_index is None:
            values_text = "\n".join(table[key] for key in keys).encode("utf-8")
            blocks.append(_deflate(keys_text + b"\n" + values_text))
        else:
            indexes = array("H", (palette_index[table[key]] for key in keys))
            raw = _COUNT.pack(len(keys)) + _little_endian(indexes).tobytes() + keys_text
            blocks.append(_deflate(raw))
    ends: list[int] = []
    end = 0
    for block in blocks:
        end += len(block)
        ends.append(end)
    name_bytes = name.encode("utf-8")
    starts = "".join(keys[0][0] for keys in grouped).encode("utf-8")
    palette = _deflate("\n".join(distinct).encode("utf-8")) if palette_index is not None else b""
    counts = (len(name_bytes), len(table), len(blocks), len(starts), len(palette))
    return b"".join(
        [
            _HEADER.pack(*counts),
            name_bytes,
            starts,
            palette,
            _little_endian(array("I", ends)).tobytes(),
            *blocks,
        ]
    )


@dataclass(frozen=True, slots=True, eq=False)
class PackedTable:
    """One table of a file as read: its index, and its palette and blocks still compressed."""

    entries: int
    block_starts: str  # each block's first character, in order
    block_ends: array[int]
    blocks: memoryview
    palette: memoryview | None

    def block_of(self, first: str) -> int | None:
        """The block that holds the keys starting with `first`, if any key can."""
        if len(first) != 1:
            return None
        index = bisect.bisect_right(self.block_starts, first) - 1
        return index if index >= 0 else None

    def block(self, index: int) -> tuple[list[str], list[str] | array[int]]:
        """A block's keys, and their values: strings, or indexes into `palette_values()`."""
        start = self.block_ends[index - 1] if index else 0
        raw = _inflate(self.blocks[start : self.block_ends[index]])
        if self.palette is None:
            lines = raw.decode("utf-8").split("\n")
            count = len(lines) // 2
            return lines[:count], lines[count:]
        (count,) = _COUNT.unpack_from(raw)
        indexes = array("H")
        indexes.frombytes(raw[_COUNT.size : _COUNT.size + 2 * count])
        keys = raw[_COUNT.size + 2 * count :].decode("utf-8").split("\n")
        return keys, _little_endian(indexes)

    def palette_values(self) -> list[str]:
        return _inflate(self.palette).decode("utf-8").split("\n") if self.palette else []


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
        sizes = _HEADER.unpack_from(view, offset)
        name_size, entries, block_count, starts_size, palette_size = sizes
        offset += _HEADER.size
        name = bytes(view[offset : offset + name_size]).decode("utf-8")
        offset += name_size
        block_starts = bytes(view[offset : offset + starts_size]).decode("utf-8")
        offset += starts_size
        palette = view[offset : offset + palette_size] if palette_size else None
        offset += palette_size
        block_ends = array("I")
        block_ends.frombytes(view[offset : offset + 4 * block_count])
        offset += 4 * block_count
        blocks_size = block_ends[-1] if block_count else 0
        blocks = view[offset : offset + blocks_size]
        offset += blocks_size
        if len(block_starts) != block_count or len(blocks) != blocks_size:
            raise ValueError(f"table {name!r} is truncated")
        tables[name] = PackedTable(
            entries, block_starts, _little_endian(block_ends), blocks, palette
        )
    return tables


def read_tables(path: Path) -> dict[str, PackedTable]:
    """The tables of a file written with `pack_tables`, by name (blocks decoded on use)."""
    return unpack_tables(path.read_bytes())


class LazyTable(Mapping[str, V]):
    """A read-only mapping over a `PackedTable`, its values parsed by `parse` (e.g. float).

    The entries live in one dict, `entries`, which gains a block's keys the first time a key
    with one of its first characters is looked up (`meet` does it ahead of lookups in a hot
    loop; `met` holds the characters done). Safe to share between threads: a character is
    marked as met only once its whole block is in `entries`, and a key is looked up only once
    its first character is met, so no reader sees half a block (two threads may both add the
    same block, with equal values).
    """

    def __init__(self, packed: PackedTable, parse: Callable[[str], V]) -> None:
        self._packed = packed
        self._parse = parse
        self.entries: dict[str, V] = {}  # the decoded part of the table
        self.met: set[str] = set()  # first characters whose keys are all in `entries`
        self._decoded: set[int] = set()  # blocks already in `entries`
        self._palette: list[V] | None = None  # parsed on the first block that needs it

    def meet(self, first: str) -> None:
        """Decode the keys that start with `first` into `entries`, if that is still to do."""
        index = self._packed.block_of(first)
        if index is not None and index not in self._decoded:
            keys, values = self._packed.block(index)
            if isinstance(values, array):
                palette = self._palette
                if palette is None:
                    palette = list(map(self._parse, self._packed.palette_values()))
                    self._palette = palette
                self.entries.update(zip(keys, map(palette.__getitem__, values), strict=True))
            else:
                self.entries.update(zip(keys, map(self._parse, values), strict=True))
            self._decoded.add(index)
        self.met.add(first)

    @property
    def decoded_blocks(self) -> int:
        """How many blocks are in `entries` (of `len(packed.block_ends)`)."""
        return len(self._decoded)

    def get(self, key: str, default: V | None = None) -> V | None:  # type: ignore[override]
        first = key[:1]
        if first not in self.met:
            self.meet(first)
        return self.entries.get(key, default)

    def __getitem__(self, key: str) -> V:
        first = key[:1]
        if first not in self.met:
            self.meet(first)
        return self.entries[key]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        first = key[:1]
        if first not in self.met:
            self.meet(first)
        return key in self.entries

    def __iter__(self) -> Iterator[str]:
        for first in self._packed.block_starts:  # every block, through its first character
            if first not in self.met:
                self.meet(first)
        return iter(sorted(self.entries))

    def __len__(self) -> int:
        return self._packed.entries
