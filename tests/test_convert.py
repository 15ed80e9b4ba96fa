"""OpenCC conversion: configs, line-for-line conversion, character alignment, conformance."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.engine.convert import (
    CONFIGS,
    convert_aligned,
    convert_text,
    to_simplified,
    to_traditional,
)
from reader.core.errors import ReaderError
from tests.support import load_script

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _temp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READER_HOME", str(tmp_path))


def test_hk2s_converts_phrases() -> None:
    assert convert_text("中美關係將會沿着正確方向發展") == "中美关系将会沿着正确方向发展"


def test_convert_text_keeps_line_count() -> None:
    text = "第一行\n\n後來的第三行\r\n最後\n"
    result = convert_text(text, "hk2s")
    assert result.count("\n") == text.count("\n")
    assert result.split("\n")[1] == ""
    assert result.split("\n")[2].startswith("后来")


def test_bad_config_lists_valid_ones() -> None:
    with pytest.raises(ReaderError) as raised:
        convert_text("你好", "x2y")
    message = str(raised.value)
    assert "x2y" in message
    assert all(config in message for config in ("hk2s", "s2t", "t2s"))


def test_all_configs_load() -> None:
    for config in CONFIGS:
        assert isinstance(convert_text("漢字", config), str)


def test_to_traditional_uses_hong_kong_forms() -> None:
    assert to_traditional("关系发展") == "關係發展"
    assert to_traditional("为了") in ("為了", "爲了")


def test_phrase_that_changes_length_is_converted_per_character() -> None:
    # s2twp rewrites whole words (软件 → 軟體 is fine, 互联网 → 網際網路 changes length).
    source = "我们的互联网软件"
    aligned = convert_aligned(source, "s2twp")
    assert len(aligned) == len(source)
    assert aligned.startswith("我們的")
    assert convert_text(source, "s2twp") != aligned  # the plain conversion does change length


@pytest.mark.parametrize(
    "text",
    [
        "中美關係在外交部長的推動下重回正軌。",
        "他說：「2,200人參與了這項調查，佔22.5%。」",
        "😀 emoji 與 English words mixed\n第二行",
        "",
        "髮型和頭髮，乾燥的乾隆年間",
    ],
)
def test_to_simplified_is_character_aligned(text: str) -> None:
    simplified = to_simplified(text)
    assert len(simplified) == len(text)
    for original_char, simplified_char in zip(text, simplified, strict=True):
        if not original_char.strip() or original_char.isascii():
            assert simplified_char == original_char


def test_converters_work_in_threads() -> None:
    results: list[str] = []

    def work() -> None:
        results.append(to_simplified("國際關係"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["国际关系"] * 4


def test_opencc_conformance_hk2s_and_t2s() -> None:
    benchmark = load_script("benchmarks/accuracy_opencc.py")
    assert benchmark.TESTCASES.exists(), f"OpenCC test cases missing: {benchmark.TESTCASES}"
    result = benchmark.evaluate()
    by_config = result["by_config"]
    for config in ("hk2s", "t2s"):
        passed, total = by_config[config]
        assert total > 0
        assert passed == total, [f for f in result["failures"] if f[1] == config]
    assert result["total"] == 543


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("這裡发發髮乾干幹後后著着為为於于臺台鬱郁互联网軟體软件，。 a1\n😀")
        ),
        max_size=30,
    )
)
def test_aligned_conversions_keep_length_for_any_text(text: str) -> None:
    assert len(to_simplified(text)) == len(text)
    assert len(to_traditional(text)) == len(text)
    assert len(convert_aligned(text, "s2twp")) == len(text)
