"""Reading statistics: known share (paragraph and document), HSK levels from both lists,
frequency bands, the pre-reading list, and `reader stats` through the real command.

The core tests build paragraphs by hand (tokens chosen here), so every number is checkable
without the segmenter; the command tests use a small text of our own whose segmentation is
plain (checked first, so a segmenter change shows up as such).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from reader.core.learner.records import Status
from reader.core.learner.shares import (
    known_share,
    paragraph_known_share,
    paragraph_shares,
    sparkline,
)
from reader.core.learner.stats import (
    NOT_LISTED,
    document_stats,
    format_stats_text,
    pre_reading_list,
    stats_to_json,
)
from reader.core.learner.word_facts import (
    RARE_BAND,
    frequency_band,
    hsk_2021_level,
    hsk_2025_level,
    word_frequency,
)
from reader.core.models import AnnotatedParagraph, Paragraph, ParagraphKind, Token, TokenKind
from tests.support import reader_command, subprocess_env


def han(text: str, simplified: str | None = None, pinyin: tuple[str, ...] = ()) -> Token:
    return Token(
        text,
        0,
        len(text),
        TokenKind.HAN,
        simplified=simplified or text,
        traditional=text,
        pinyin_numbered=pinyin,
        gloss=f"gloss of {text}",
    )


def other(text: str, kind: TokenKind = TokenKind.PUNCT) -> Token:
    return Token(text, 0, len(text), kind, simplified=text, traditional=text)


def paragraph(index: int, *tokens: Token) -> AnnotatedParagraph:
    text = "".join(token.text for token in tokens)
    return AnnotatedParagraph(Paragraph(index, ParagraphKind.PARAGRAPH, text), tokens)


# Paragraph 0: 我們 學習 中文 。 2026 我們   Paragraph 1: 關係 很 好 ！   Paragraph 2: 。
FIRST = paragraph(
    0,
    han("我們", "我们"),
    han("學習", "学习"),
    han("中文"),
    other("。"),
    other("2026", TokenKind.NUMBER),
    han("我們", "我们"),
)
SECOND = paragraph(1, han("關係", "关系"), han("很"), han("好"), other("！"))
PUNCTUATION_ONLY = paragraph(2, other("。"))
STATUSES = {
    "我們": Status.KNOWN,
    "我们": Status.KNOWN,
    "学习": Status.LEARNING,  # found through the Simplified form
    "很": Status.IGNORED,
    "好": Status.NEW,
}


def test_paragraph_known_share_counts_han_tokens_only() -> None:
    # 我們 ×2 known of 4 Han tokens (the number and punctuation do not count)
    assert paragraph_known_share(FIRST, STATUSES) == pytest.approx(2 / 4)
    # 很 is ignored: left out, so 0 known of 關係 and 好
    assert paragraph_known_share(SECOND, STATUSES) == 0.0
    assert paragraph_known_share(PUNCTUATION_ONLY, STATUSES) == 1.0
    assert paragraph_shares([FIRST, SECOND, PUNCTUATION_ONLY], STATUSES) == (0.5, 0.0, 1.0)


def test_document_share_by_tokens_and_by_distinct_words() -> None:
    share = known_share([FIRST, SECOND], STATUSES)
    # tokens: 我們 學習 中文 我們 關係 好 (很 ignored) = 6, known 2
    # distinct: 我們 學習 中文 關係 好 = 5, known 1
    assert (share.tokens, share.known_tokens, share.words, share.known_words) == (6, 2, 5, 1)
    assert share.by_tokens == pytest.approx(1 / 3)
    assert share.by_words == pytest.approx(1 / 5)
    assert known_share([], {}).by_tokens == 1.0


def test_hsk_levels_from_both_lists_and_frequency_bands() -> None:
    assert hsk_2021_level("關係", "关系") == "3"
    assert hsk_2025_level("关系") == "3"
    assert hsk_2025_level("關係") is None  # the 2025 list is Simplified only
    assert hsk_2021_level("一一", "一一") != hsk_2025_level("一一") == "6"
    assert hsk_2021_level("不是詞兒", "不是词儿") is None
    top = word_frequency("的")
    assert top is not None and top.rank == 1 and top.zipf > 7
    relation = word_frequency("关系")
    assert relation is not None and 1 < relation.rank <= 1000
    assert frequency_band(relation) == "top 1k"
    assert frequency_band(None) == RARE_BAND


def test_document_stats_buckets_and_pre_reading() -> None:
    stats = document_stats([FIRST, SECOND], STATUSES)
    assert (stats.tokens, stats.distinct_words, stats.learning_words) == (7, 6, 1)
    by_level = {bucket.label: (bucket.words, bucket.tokens) for bucket in stats.hsk_2021}
    assert sum(words for words, _ in by_level.values()) == 6
    assert by_level["1"] == (5, 6)  # 我們×2 學習 中文 很 好
    assert by_level["3"] == (1, 1)  # 關係
    assert by_level[NOT_LISTED] == (0, 0)
    assert sum(bucket.tokens for bucket in stats.frequency_bands) == 7
    # unknown: 中文, 關係 (never saved) and 好 (new); not 學習 (learning), 很 (ignored)
    assert {word.text for word in stats.pre_reading} == {"中文", "關係", "好"}
    assert stats.paragraph_shares == (0.5, 0.0)


def test_pre_reading_weighs_count_in_text_and_commonness() -> None:
    rare_but_repeated = paragraph(0, *[han("葛沖")] * 5)  # a name: not in the frequency list
    common_once = paragraph(1, han("關係", "关系"))
    words = document_stats([rare_but_repeated, common_once], {}).words
    ranked = pre_reading_list(words)
    relation = word_frequency("关系")
    assert relation is not None
    # 5 * (1 + 0) = 5 against 1 * (1 + zipf 5.7): the common word first
    assert [word.text for word in ranked] == ["關係", "葛沖"]
    assert ranked[0].importance == pytest.approx(1 + relation.zipf)
    assert pre_reading_list(words, size=1) == ranked[:1]


def test_first_sentence_and_sparkline() -> None:
    words = {word.text: word for word in document_stats([FIRST, SECOND], STATUSES).words}
    assert words["我們"].sentence == "我們學習中文。"
    assert words["關係"].sentence == "關係很好！"
    assert (words["我們"].count, words["關係"].first_paragraph) == (2, 1)
    assert sparkline([0.0, 0.5, 1.0, 0.99]) == "▁▅██"
    assert sparkline([]) == ""


@pytest.mark.slow
def test_json_and_text_reports() -> None:
    stats = document_stats([FIRST, SECOND], STATUSES)
    body = stats_to_json(stats)
    assert body["known"]["percent_by_tokens"] == 33.3
    assert body["known"]["percent_by_distinct_words"] == 20.0
    assert body["paragraph_known_percent"] == [50.0, 0.0]
    json.dumps(body)  # serialisable
    text = format_stats_text(stats, title="樣本")
    assert text.splitlines()[0] == "樣本"
    assert "33.3% of tokens (2/6)" in text and "20.0% of distinct words (1/5)" in text


# ---- through the real `reader` command

SAMPLE = "# 測試\n\n我們學習中文。我們喜歡中文！\n\n新聞很好。\n"


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*reader_command(), *args],
        capture_output=True,
        text=True,
        env=subprocess_env(home),
        timeout=120,
    )


@pytest.fixture(scope="module")
def sample_home(tmp_path_factory: pytest.TempPathFactory, shared_cache_dir: Path) -> Path:
    from tests.conftest import make_home

    home = make_home(tmp_path_factory, shared_cache_dir)
    (home / "sample.txt").write_text(SAMPLE, encoding="utf-8")
    return home


def test_sample_segments_as_expected(sample_home: Path) -> None:
    result = run(sample_home, "annotate", str(sample_home / "sample.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    words = [
        token["text"]
        for paragraph in json.loads(result.stdout)["paragraphs"]
        for token in paragraph["tokens"]
        if token["is_han"]
    ]
    assert words == ["測試", "我們", "學習", "中文", "我們", "喜歡", "中文", "新聞", "很", "好"]


def test_reader_stats_without_vocabulary(reader_home: Path) -> None:
    (reader_home / "sample.txt").write_text(SAMPLE, encoding="utf-8")
    result = run(reader_home, "stats", str(reader_home / "sample.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert (body["tokens"], body["distinct_words"]) == (10, 8)
    assert body["known"]["percent_by_tokens"] == 0.0
    assert len(body["pre_reading"]) == 8
    assert not (reader_home / "data" / "vocab.sqlite3").exists()  # stats never creates it


def test_reader_stats_with_statuses(sample_home: Path) -> None:
    for word, status in (
        ("我們", "known"),
        ("很", "known"),
        ("中文", "learning"),
        ("新聞", "ignored"),
    ):
        added = run(sample_home, "vocab", "add", word, "--status", status)
        assert added.returncode == 0, added.stderr
    result = run(sample_home, "stats", str(sample_home / "sample.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    # 10 tokens, 新聞 ignored -> 9 counted; known: 我們 ×2 + 很 = 3 -> 33.3%
    # 8 distinct, 新聞 ignored -> 7 counted; known: 我們, 很 = 2 -> 28.6%
    assert body["known"] == {
        "tokens": 3,
        "distinct_words": 2,
        "counted_tokens": 9,
        "counted_distinct_words": 7,
        "percent_by_tokens": 33.3,
        "percent_by_distinct_words": 28.6,
    }
    assert body["learning_words"] == 1
    # heading 測試: 0/1; 我們 ×2 known of 6; 新聞 ignored, 很 known of 2
    assert body["paragraph_known_percent"] == [0.0, 33.3, 50.0]
    assert body["hsk_2021"]["1"] == {"words": 6, "tokens": 8}
    assert body["hsk_2021"]["2"] == {"words": 1, "tokens": 1}  # 新聞
    assert body["hsk_2021"]["4"] == {"words": 1, "tokens": 1}  # 測試
    assert body["hsk_2025"]["3"] == {"words": 1, "tokens": 1}  # 新闻
    assert body["hsk_2025"]["5"] == {"words": 1, "tokens": 1}  # 测试
    # unknown words, each once: ordered by how common they are (好 #55 ... 測試 #1,582)
    assert [word["word"] for word in body["pre_reading"]] == ["好", "喜歡", "學習", "測試"]
    assert body["pre_reading"][0]["frequency_band"] == "top 1k"

    text = run(sample_home, "stats", str(sample_home / "sample.txt"), "--top", "2")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == "測試"
    assert "33.3% of tokens (3/9), 28.6% of distinct words (2/7)" in text.stdout
    assert "pre-reading: the 2 unknown words that matter most" in lines
    assert lines[-2].split()[0] == "好" and lines[-1].split()[0] == "喜歡"

    # --learn: the pre-reading words become learning, each with its own sentence
    learned = run(sample_home, "stats", str(sample_home / "sample.txt"), "--top", "2", "--learn")
    assert learned.returncode == 0, learned.stderr
    assert "2 words saved as learning" in learned.stderr
    listing = run(sample_home, "vocab", "list", "--format", "json")
    saved = {item["traditional"]: item for item in json.loads(listing.stdout)}
    assert saved["好"]["status"] == saved["喜歡"]["status"] == "learning"
    assert saved["好"]["contexts"][0]["sentence"] == "新聞很好。"
    assert saved["喜歡"]["contexts"][0]["sentence"] == "我們喜歡中文！"
    assert saved["喜歡"]["contexts"][0]["source"] == "測試"
    assert "測試" not in saved  # only the two asked for


def test_reader_stats_bad_input_is_one_line(sample_home: Path) -> None:
    result = run(sample_home, "stats", str(sample_home / "missing.txt"))
    assert result.returncode == 2
    assert result.stderr.startswith("reader: ") and len(result.stderr.splitlines()) == 1
