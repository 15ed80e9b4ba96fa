"""The headless CLI, driven through the real `reader` command in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.engine.syllables import format_word
from tests.conftest import make_home
from tests.support import SEED, reader_command, subprocess_env


def run_reader(
    home: Path, *args: str, stdin: bytes | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*reader_command(), *args],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=subprocess_env(home),
        timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def seed_jsonl(
    tmp_path_factory: pytest.TempPathFactory, shared_cache_dir: Path
) -> list[dict[str, object]]:
    home = make_home(tmp_path_factory, shared_cache_dir)
    result = run_reader(home, "annotate", str(SEED), "--format", "jsonl")
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_annotate_jsonl_shape(seed_jsonl: list[dict[str, object]]) -> None:
    first = seed_jsonl[0]
    assert first["index"] == 0
    assert first["kind"] == "heading"
    assert first["text"] == "王毅：中美關係有望打開希望之窗"
    kinds = {p["kind"] for p in seed_jsonl}
    assert kinds == {"heading", "paragraph", "caption"}
    assert [p["index"] for p in seed_jsonl] == list(range(len(seed_jsonl)))


def test_annotate_tokens_rejoin_and_fields(seed_jsonl: list[dict[str, object]]) -> None:
    for paragraph in seed_jsonl:
        tokens = paragraph["tokens"]
        assert isinstance(tokens, list)
        assert "".join(t["text"] for t in tokens) == paragraph["text"]
        for token in tokens:
            text = paragraph["text"]
            assert isinstance(text, str)
            assert text[token["start"] : token["end"]] == token["text"]
            assert len(token["simplified"]) == len(token["text"])
            if token["is_han"]:
                syllables = token["pinyin_numbered"].split(" ")
                assert len(syllables) == len(token["text"])
                assert all(s[-1] in "12345" for s in syllables)
                assert token["pinyin"] == format_word(syllables)
                assert token["gloss"]
            else:
                assert token["pinyin"] is None
                assert token["pinyin_numbered"] is None
                assert token["gloss"] is None


def _reading_of(seed_jsonl: list[dict[str, object]], word: str) -> str:
    for paragraph in seed_jsonl:
        for token in paragraph["tokens"]:  # type: ignore[attr-defined]
            if token["text"] == word:
                return str(token["pinyin"])
    raise AssertionError(f"{word} is not a token of the seed")


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        ("關係", "guānxi"),  # the mainland standard's neutral tone, as CC-CEDICT writes it
        ("處理", "chǔlǐ"),
        ("重開", "chóngkāi"),
        ("王毅", "Wáng Yì"),  # a name: capitals, a space between surname and given name
        ("中歐", "Zhōng Ōu"),  # China-Europe (two proper names); Central Europe is Zhōng'ōu
        ("葛沖", "Gě Chōng"),  # a name no dictionary has: the surname's own reading
    ],
)
def test_annotate_readings_in_context(
    seed_jsonl: list[dict[str, object]], word: str, reading: str
) -> None:
    assert _reading_of(seed_jsonl, word) == reading


def test_annotate_simplified_and_traditional(seed_jsonl: list[dict[str, object]]) -> None:
    heading_tokens = seed_jsonl[0]["tokens"]
    by_text = {t["text"]: t for t in heading_tokens}  # type: ignore[attr-defined]
    # 中美關係 may be one word or 中美 + 關係, never 中美關 + 係.
    word = "中美關係" if "中美關係" in by_text else "關係"
    assert by_text[word]["simplified"] == word.replace("關係", "关系")
    assert by_text[word]["traditional"] == word


def test_annotate_json_is_one_document(reader_home: Path, tmp_path: Path) -> None:
    result = run_reader(reader_home, "annotate", str(SEED), "--format", "json")
    document = json.loads(result.stdout)
    assert document["script"] == "traditional"
    assert document["paragraphs"][0]["kind"] == "heading"


def test_annotate_text_is_interlinear(reader_home: Path, tmp_path: Path) -> None:
    result = run_reader(reader_home, "annotate", str(SEED), "--format", "text")
    lines = result.stdout.splitlines()
    assert any("zhōng" in line for line in lines)
    pinyin_row = next(i for i, line in enumerate(lines) if "Wáng" in line)
    hanzi_line = lines[pinyin_row + 1]
    # The reading sits over its word: same starting cell (a hanzi is two cells wide).
    before_wang = lines[pinyin_row].index("Wáng")
    before_char = hanzi_line.index("王")
    assert before_wang == sum(2 if ord(c) > 0x2E80 else 1 for c in hanzi_line[:before_char])


def test_annotate_tsv(reader_home: Path, tmp_path: Path) -> None:
    result = run_reader(reader_home, "annotate", str(SEED), "--format", "tsv")
    header, *rows = result.stdout.splitlines()
    assert header.split("\t")[:4] == ["paragraph", "start", "end", "text"]
    assert any(row.split("\t")[3:5] == ["處理", "处理"] for row in rows)


def test_annotate_stdin_simplified_lines(reader_home: Path, tmp_path: Path) -> None:
    text = "我们重新开始。\n\n他处理了问题。\n"
    result = run_reader(
        reader_home, "annotate", "-", "--split", "lines", "--format", "jsonl", stdin=text.encode()
    )
    paragraphs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["text"] for p in paragraphs] == ["我们重新开始。", "", "他处理了问题。"]
    first = {t["text"]: t for t in paragraphs[0]["tokens"]}
    assert first["我们"]["traditional"] == "我們"


def test_convert_line_for_line(reader_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("中美關係\n\n沿着正確方向\n", encoding="utf-8")
    result = run_reader(reader_home, "convert", str(source), "--config", "hk2s")
    assert result.stdout.splitlines() == ["中美关系", "", "沿着正确方向"]


def test_convert_bad_config(reader_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("中文\n", encoding="utf-8")
    result = run_reader(reader_home, "convert", str(source), "--config", "nope", check=False)
    assert result.returncode == 2
    assert "hk2s" in result.stderr
    assert "Traceback" not in result.stderr


def test_lookup_json_and_text(reader_home: Path, tmp_path: Path) -> None:
    result = run_reader(reader_home, "lookup", "處理", "--format", "json")
    body = json.loads(result.stdout)
    assert "chu3 li3" in json.dumps(body, ensure_ascii=False)
    text = run_reader(reader_home, "lookup", "中美關係").stdout
    assert "中美" in text and "關係" in text and "relations" in text


def test_dict_info_and_build(reader_home: Path, tmp_path: Path) -> None:
    info = run_reader(reader_home, "dict", "info").stdout
    assert "2026-07-31" in info
    assert "124" in info  # entry count 124,7xx
    build = run_reader(reader_home, "dict", "build").stdout
    assert ".sqlite" in build or ".db" in build


@pytest.mark.parametrize(
    ("make_input", "needle"),
    [
        (lambda d: d / "missing.txt", "missing.txt"),
        (lambda d: d, "directory"),
    ],
)
def test_bad_paths_exit_2_without_traceback(
    reader_home: Path, tmp_path: Path, make_input, needle: str
) -> None:  # type: ignore[no-untyped-def]
    result = run_reader(reader_home, "annotate", str(make_input(tmp_path)), check=False)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_binary_input_exit_2(reader_home: Path, tmp_path: Path) -> None:
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    result = run_reader(reader_home, "annotate", str(binary), check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_traceback(reader_home: Path, tmp_path: Path) -> None:
    result = run_reader(
        reader_home, "--debug", "annotate", str(tmp_path / "missing.txt"), check=False
    )
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_empty_and_non_chinese_are_not_errors(reader_home: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert run_reader(reader_home, "annotate", str(empty), "--format", "jsonl").stdout == ""
    english = tmp_path / "english.txt"
    english.write_text("Hello world.\n", encoding="utf-8")
    out = run_reader(reader_home, "annotate", str(english), "--format", "jsonl").stdout
    paragraph = json.loads(out.splitlines()[0])
    assert all(not t["is_han"] for t in paragraph["tokens"])


@pytest.mark.slow
def test_python_dash_m_reader(reader_home: Path, tmp_path: Path) -> None:
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "reader", "--version"],
        capture_output=True,
        text=True,
        env=subprocess_env(reader_home),
        check=True,
    )
    assert result.stdout.startswith("reader ")


def test_the_command_list_is_the_parsers() -> None:
    """`main` tells a command from a path to read by `COMMANDS`, without building the parser."""
    import argparse

    from reader.cli.main import COMMANDS, build_parser

    subparsers = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(subparsers) == 1
    assert set(subparsers[0].choices) == COMMANDS


def test_only_the_given_commands_group_is_built_and_imported() -> None:
    """`reader PATH` builds no subcommand parser and imports no command module (the first
    paint does not wait for them); `reader annotate ...` builds only its own group."""
    import argparse

    probe = (
        "import sys\n"
        "from reader.cli.main import build_parser\n"
        "groups = ('annotate', 'lookup', 'vocab', 'study', 'known', 'library', 'app')\n"
        "print(sorted(g for g in groups if f'reader.cli.{g}' in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr

    from reader.cli.main import build_parser

    (subparsers,) = [
        a for a in build_parser(["convert"])._actions if isinstance(a, argparse._SubParsersAction)
    ]
    assert set(subparsers.choices) == {"annotate", "convert"}
