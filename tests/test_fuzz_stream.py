"""`stream_path` (book-length input, read in chunks) gives the paragraphs `load_path` gives.

Tiny head and chunk sizes put chunk boundaries everywhere: inside multi-byte characters,
between the CR and LF of a CRLF, inside a BOM-less UTF-16 pair, inside a paragraph.
"""

from __future__ import annotations

import codecs
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.engine.convert import convert_text
from reader.core.errors import InputError
from reader.core.text import script
from reader.core.text.decode import read_text
from reader.core.text.loader import (
    SplitMode,
    _lines_lazily,
    load_path,
    open_path,
    stream_lines,
    stream_path,
)
from tests.support import SEED

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=120)

PIECES = [
    *"中國關係，。！「」a1 ",
    "𠀀",
    "😀",
    "\r",
    "\n",
    "\r\n",
    "\n\n",
    "# 標題",
    "**粗體**",
    "● 圖片說明",
    "網上圖片",
    "沒有句號的一行字比二十個字還要長得多得多得多得多",
    "\u3000",
    "\ufeff",
]
texts = st.lists(st.sampled_from(PIECES), max_size=50).map("".join)


def streamed(path: Path, split: SplitMode, head_bytes: int, chunk_bytes: int) -> list[object]:
    stream = stream_path(path, split, head_bytes=head_bytes, chunk_bytes=chunk_bytes)
    return list(stream.paragraphs)


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:  # 𠀀, emoji and the BOM are not in Big5
        return False
    return True


@FUZZ
@given(
    text=texts,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5hkscs"]),
    split=st.sampled_from(["blocks", "lines"]),
    head_bytes=st.integers(1, 64),
    chunk_bytes=st.integers(1, 16),
)
def test_streamed_paragraphs_are_the_loaded_paragraphs(
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
    encoding: str,
    split: SplitMode,
    head_bytes: int,
    chunk_bytes: int,
) -> None:
    data = "".join(char for char in text if _encodable(char, encoding)).encode(encoding)
    path = tmp_path_factory.mktemp("stream") / "text.txt"
    path.write_bytes(data)
    try:
        expected = list(load_path(path, split).paragraphs)
    except InputError:
        return  # undecodable as a whole (a few characters of legacy bytes): not compared
    if encoding in ("gb18030", "big5hkscs"):
        # A legacy encoding is guessed from the head, which is megabytes in real use; a few
        # bytes cannot tell GB18030 from Big5 (國 in Big5 is 瓣 in GB18030). The long-file
        # tests below stream legacy encodings from a real head.
        head_bytes = len(data) + 1
    assert streamed(path, split, head_bytes, chunk_bytes) == expected


@FUZZ
@given(text=texts, head_bytes=st.integers(1, 64), chunk_bytes=st.integers(1, 16))
def test_streamed_lines_are_the_read_lines(
    tmp_path_factory: pytest.TempPathFactory, text: str, head_bytes: int, chunk_bytes: int
) -> None:
    path = tmp_path_factory.mktemp("lines") / "text.txt"
    path.write_bytes(text.encode("utf-8"))
    lines = stream_lines(path, head_bytes=head_bytes, chunk_bytes=chunk_bytes)
    assert list(lines) == read_text(path).split("\n")


@pytest.mark.slow
def test_convert_streams_the_same_text_as_converting_it_whole(
    reader_home: Path, tmp_path: Path
) -> None:
    from tests.support import reader_command, subprocess_env

    for name, content in [
        ("seed", SEED.read_bytes()),
        ("empty", b""),
        ("crlf", b"\xe5\xbe\x8c\r\n\r\n"),
    ]:
        path = tmp_path / f"{name}.txt"
        path.write_bytes(content)
        result = subprocess.run(
            [*reader_command(), "convert", str(path)],
            capture_output=True,
            env=subprocess_env(reader_home),
            timeout=120,
            check=True,
        )
        assert result.stdout.decode() == convert_text(read_text(path)), name


def test_a_long_seed_streams_like_it_loads(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(SEED.read_text(encoding="utf-8") * 5, encoding="utf-8")
    for split in ("blocks", "lines"):
        stream = stream_path(path, split, head_bytes=4096, chunk_bytes=1000)
        document = load_path(path, split)
        assert stream.script is document.script
        assert list(stream.paragraphs) == list(document.paragraphs)


def test_a_long_big5_file_streams_like_it_loads(tmp_path: Path) -> None:
    path = tmp_path / "big5.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("big5hkscs", "replace") * 3)
    stream = stream_path(path, head_bytes=8192, chunk_bytes=777)
    assert list(stream.paragraphs) == list(load_path(path).paragraphs)


def test_bytes_that_stop_decoding_after_the_head_name_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    good = "中文。\n".encode() * 100
    path.write_bytes(good + b"\xff\xfe\xfd" + good)
    stream = stream_path(path, head_bytes=64, chunk_bytes=50)
    with pytest.raises(InputError, match=f"offset {len(good)}"):
        list(stream.paragraphs)


def test_a_nul_after_the_head_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "late-nul.txt"
    path.write_bytes("中文。\n".encode() * 100 + b"\x00" * 10)
    with pytest.raises(InputError, match="binary"):
        list(stream_path(path, head_bytes=64, chunk_bytes=50).paragraphs)


@pytest.mark.parametrize(
    ("make_path", "message"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
    ],
)
def test_opening_problems_are_raised_before_iterating(
    tmp_path: Path, make_path, message: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=message):
        stream_path(make_path(tmp_path))


def test_stdin_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    data = codecs.BOM_UTF8 + "第一段。\r\n\r\n第二段。\r\n".encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    stream = stream_path("-", head_bytes=5, chunk_bytes=3)
    assert stream.source == "-"
    assert [p.text for p in stream.paragraphs] == ["第一段。", "第二段。"]


def test_closed_stdin_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(InputError, match="stdin"):
        stream_path("-")


byte_strings = st.one_of(
    st.binary(max_size=200),
    st.lists(
        st.sampled_from(
            [
                codecs.BOM_UTF8,
                codecs.BOM_UTF16_LE,
                codecs.BOM_UTF32_LE,
                "中文。".encode(),
                "中文。".encode("gb18030"),
                "中文。".encode("big5hkscs"),
                "中文".encode("utf-16-le"),
                b"\r\n",
                b"\n",
                b"\x00",
                b"\xff",
                b"\x80",
                b"abc ",
            ]
        ),
        max_size=30,
    ).map(b"".join),
)


@FUZZ
@given(data=byte_strings)
def test_any_bytes_load_or_raise_input_error_and_stream_alike(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("bytes") / "input.bin"
    path.write_bytes(data)
    try:
        expected: list[object] | str = list(load_path(path).paragraphs)
    except InputError as error:
        assert "\n" not in str(error)
        expected = "refused"
    try:
        got: list[object] | str = list(stream_path(path).paragraphs)
    except InputError:
        got = "refused"
    assert got == expected


@pytest.mark.slow
@pytest.mark.parametrize("content", ["seed", "", "Hello.\n"])
def test_annotate_json_is_written_as_it_goes_and_equals_one_dump(
    reader_home: Path, tmp_path: Path, content: str
) -> None:
    from reader.cli.annotate import document_header_json, paragraph_to_json
    from reader.core.engine.store import annotate
    from tests.support import reader_command, subprocess_env

    path = tmp_path / "text.txt"
    path.write_bytes(SEED.read_bytes() if content == "seed" else content.encode())
    document = load_path(path)
    body = document_header_json(document)
    body["paragraphs"] = [paragraph_to_json(p) for p in annotate(document)]
    result = subprocess.run(
        [*reader_command(), "annotate", str(path), "--format", "json"],
        capture_output=True,
        env=subprocess_env(reader_home),
        timeout=120,
        check=True,
    )
    assert result.stdout.decode() == json.dumps(body, ensure_ascii=False, indent=1) + "\n"


# ---- the reading screen's progressive open ---------------------------------------------------


@FUZZ
@given(
    text=texts,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
    split=st.sampled_from(["blocks", "lines"]),
    first=st.integers(0, 8),
    line_chunk_chars=st.integers(1, 12),
)
def test_opened_text_gives_the_loaded_document_a_part_at_a_time(
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
    encoding: str,
    split: SplitMode,
    first: int,
    line_chunk_chars: int,
) -> None:
    data = "".join(char for char in text if _encodable(char, encoding)).encode(encoding)
    path = tmp_path_factory.mktemp("open") / "text.txt"
    path.write_bytes(data)
    try:
        expected = load_path(path, split)
    except InputError:
        with pytest.raises(InputError):
            open_path(path, split)
        return
    opened = open_path(path, split, progressive_chars=0, line_chunk_chars=line_chunk_chars)
    opened.read_until(first)
    head = opened.document
    # The id and script are the whole text's from the start; the first part is a prefix.
    assert (head.doc_id, head.script, head.source) == (
        expected.doc_id,
        expected.script,
        expected.source,
    )
    assert head.paragraphs == expected.paragraphs[: len(head.paragraphs)]
    assert len(head.paragraphs) == min(first, len(expected.paragraphs))
    assert opened.finish() == expected
    assert opened.complete and opened.document == expected


@FUZZ
@given(text=st.text(alphabet="中a\n\r", max_size=30), chunk=st.integers(1, 8))
def test_lines_made_lazily_are_the_lines_of_the_text(text: str, chunk: int) -> None:
    assert list(_lines_lazily(text, chunk)) == text.split("\n")


def test_a_short_text_opens_whole_and_a_long_one_in_parts(tmp_path: Path) -> None:
    seed = open_path(SEED)
    assert seed.complete and seed.document == load_path(SEED)
    book = tmp_path / "book.txt"
    book.write_text("\n\n".join([SEED.read_text(encoding="utf-8")] * 40), encoding="utf-8")
    opened = open_path(book)
    assert not opened.complete
    opened.read_until(10)
    assert len(opened.document.paragraphs) == 10
    assert opened.finish() == load_path(book)


# Only plain UTF-8 takes the head-first path (no CR, no BOM), and only past a newline in the
# head: newlines are frequent here so that most examples take it.
_PLAIN_PIECES = [piece for piece in PIECES if "\r" not in piece and "\ufeff" not in piece]
plain_texts = st.lists(
    st.sampled_from([*_PLAIN_PIECES, "\n", "\n", "\n"]), min_size=10, max_size=60
).map("".join)


@FUZZ
@given(
    text=plain_texts,
    head_bytes=st.integers(4, 48),
    first=st.integers(0, 8),
    line_chunk_chars=st.integers(1, 12),
)
def test_a_long_utf8_text_decoded_from_its_head_is_the_loaded_document(
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
    head_bytes: int,
    first: int,
    line_chunk_chars: int,
) -> None:
    """The head-first path (long plain UTF-8), made to happen on small texts: a tiny head,
    and a script sample of one character so short heads can hold it."""
    path = tmp_path_factory.mktemp("head") / "text.txt"
    path.write_bytes(text.encode("utf-8"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(script, "SCRIPT_SAMPLE_HAN", 1)
        try:
            expected = load_path(path)
        except InputError:
            return
        opened = open_path(
            path,
            progressive_chars=0,
            line_chunk_chars=line_chunk_chars,
            head_bytes=head_bytes,
        )
        opened.read_until(first)
        head = opened.document
        assert (head.doc_id, head.script) == (expected.doc_id, expected.script)
        assert head.paragraphs == expected.paragraphs[: len(head.paragraphs)]
        assert opened.finish() == expected


def test_a_long_text_whose_rest_is_not_utf8_says_where(tmp_path: Path) -> None:
    head = ("我們今天去公園散步，天氣很好。\n" * 2000).encode("utf-8")
    path = tmp_path / "mixed.txt"
    path.write_bytes(head + "後面是另一種編碼。\n".encode("gb18030") * 100)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(script, "SCRIPT_SAMPLE_HAN", 100)
        opened = open_path(path, progressive_chars=0, head_bytes=len(head) // 3)
    opened.read_until(10)
    assert len(opened.document.paragraphs) == 10
    with pytest.raises(InputError, match=rf"offset {len(head)} are not UTF-8 like the start"):
        opened.finish()


def test_a_zero_width_space_starting_the_rest_is_text_not_a_bom(tmp_path: Path) -> None:
    """U+FEFF is dropped only at the start of a file: the rest's first line keeps it."""
    head = "我們今天去公園散步，天氣很好。\n" * 50
    path = tmp_path / "feff.txt"
    path.write_text(head + "\ufeff明天再見。\n" * 400, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(script, "SCRIPT_SAMPLE_HAN", 10)
        opened = open_path(path, progressive_chars=0, head_bytes=len(head.encode("utf-8")))
        assert opened.finish() == load_path(path)
