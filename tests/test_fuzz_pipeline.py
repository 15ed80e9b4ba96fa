"""Invariants of loading, annotating, converting and laying out ANY text, fuzzed (hypothesis).

Texts mix every kind of character a real file can hold: Han characters from every block
(Extension B+ like 𠀀𪚥, compatibility ideographs like 豈), full-width and half-width forms,
emoji and ZWJ sequences, combining marks, right-to-left text, control characters and every
kind of line break. Lone surrogates are left out: no decoder produces them, so no file can.

Runs are derandomized and keep no example database, so the suite is deterministic.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.engine.convert import CONFIGS, convert_text
from reader.core.engine.pipeline import default_annotator
from reader.core.engine.store import annotate
from reader.core.engine.syllables import format_word
from reader.core.engine.words import UNKNOWN_SYLLABLE
from reader.core.learner.stats import document_stats, format_stats_text, stats_to_json
from reader.core.models import AnnotatedParagraph, Paragraph, ParagraphKind, Script, TokenKind
from reader.core.text.han import is_han_char
from reader.core.text.interlinear import cell_width, interlinear_lines
from reader.core.text.layout import item_for_token, pack
from reader.core.text.loader import load_text

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=120)

# Pieces a real text may contain, chosen to hit every branch of the tokenizer and converter.
INTERESTING = [
    # Han: common, polyphones, Traditional/Simplified pairs, Ext A, Ext B-I, compatibility.
    *"中國关係行長了得為发發髮乾後后著着臺台說话〇",
    "\u3400",
    "𠀀",
    "𪚥",
    "\U0002b740",  # Ext D
    "\U0002ceb0",  # Ext F
    "\U00030000",  # Ext G
    "\U00031350",  # Ext H
    "\U0002ebf0",  # Ext I
    "豈",
    "兀",
    "\U0002f800",  # compatibility supplement
    "⺀",  # CJK radical, not an ideograph
    "⼀",  # Kangxi radical
    # full-width and half-width forms
    *"ＡＢｚ０１９，。！？：；（）「」『』《》　",
    *"ｶﾀﾅﾟ￠￡",
    # numbers and Latin
    "1,000",
    "22.5",
    "abc",
    "Zoë",
    "e\u0301",
    "don't",
    # punctuation runs
    "……",
    "——",
    "--",
    "...",
    # emoji, ZWJ sequences, flags, skin tones, variation selectors
    "😀",
    "👨\u200d👩\u200d👧",
    "🇭🇰",
    "👍🏽",
    "❤\ufe0f",
    "\u200d",
    "\ufe0f",
    # combining marks alone or on Han
    "\u0301",
    "中\u0301",
    "\u20dd",
    # right-to-left
    "مرحبا",
    "שלום",
    "\u202e",
    "\u200f",
    # controls, breaks and odd spaces
    *"\x00\x01\x08\x1b\x7f\x85\u2028\u2029\ufeff\u00a0\t\v\f",
    "\r",
    "\n",
    "\r\n",
    "\n\n",
    " ",
    # markup the loader understands
    "# ",
    "## ",
    "**",
    "●",
    "網上圖片",
]

texts = st.lists(
    st.one_of(
        st.sampled_from(INTERESTING),
        st.characters(exclude_categories=("Cs",)),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x20000, max_codepoint=0x323AF),
    ),
    max_size=40,
).map("".join)

# A capital first letter starts a proper noun or a part of a name (Wang2 Yi4).
SYLLABLE = re.compile(r"[a-zA-Z][a-zü]*[1-5]")


def assert_annotation_invariants(annotated: AnnotatedParagraph) -> None:
    text = annotated.text
    tokens = annotated.tokens
    assert "".join(token.text for token in tokens) == text
    position = 0
    for token in tokens:
        assert token.start == position, (text, token)
        assert token.end > token.start
        assert text[token.start : token.end] == token.text
        assert len(token.simplified) == len(token.text) == len(token.traditional)
        position = token.end
        if token.kind is TokenKind.HAN:
            assert all(is_han_char(char) for char in token.text), token
            assert len(token.pinyin_numbered) == len(token.text), token
            for syllable in token.pinyin_numbered:
                assert syllable == UNKNOWN_SYLLABLE or SYLLABLE.fullmatch(syllable), token
            # The space-joined reading (CLI, vocabulary store) splits back one per character.
            assert len(" ".join(token.pinyin_numbered).split(" ")) == len(token.text)
            assert token.gloss
            # Full tones differ from the standard reading only by giving neutral tones back.
            if token.full_tones:
                assert len(token.full_tones) == len(token.pinyin_numbered), token
                for said, full in zip(token.pinyin_numbered, token.full_tones, strict=True):
                    assert said == full or (said.endswith("5") and said[:-1] == full[:-1])
        else:
            assert not any(is_han_char(char) for char in token.text), token
            assert token.pinyin_numbered == ()
            assert token.simplified == token.text == token.traditional
    assert position == len(text)


@FUZZ
@given(text=texts, script=st.sampled_from(list(Script)))
def test_annotating_any_paragraph_keeps_every_invariant(text: str, script: Script) -> None:
    paragraph = Paragraph(index=0, kind=ParagraphKind.PARAGRAPH, text=text)
    annotated = default_annotator().annotate_paragraph(paragraph, script)
    assert annotated.paragraph is paragraph
    assert_annotation_invariants(annotated)


@FUZZ
@given(text=st.text(max_size=60))
def test_annotating_arbitrary_unicode_keeps_every_invariant(text: str) -> None:
    paragraph = Paragraph(index=0, kind=ParagraphKind.PARAGRAPH, text=text)
    assert_annotation_invariants(default_annotator().annotate_paragraph(paragraph, Script.UNKNOWN))


def _han_counts(text: str) -> Counter[str]:
    return Counter(char for char in text if is_han_char(char))


@FUZZ
@given(
    text=st.lists(texts, max_size=4).map("\n".join),
    split=st.sampled_from(["blocks", "lines"]),
)
def test_load_then_annotate_any_text(text: str, split: str) -> None:
    document = load_text(text, split=split)  # type: ignore[arg-type]
    assert [p.index for p in document.paragraphs] == list(range(len(document.paragraphs)))
    # Loading drops only markup and whitespace: every Han character is still there, once.
    assert _han_counts("".join(p.text for p in document.paragraphs)) == _han_counts(text)
    for paragraph in document.paragraphs:
        assert "\r" not in paragraph.text
    for annotated in annotate(document):
        assert_annotation_invariants(annotated)
        for line in interlinear_lines(annotated, width=40):
            assert "\n" not in line


@FUZZ
@given(text=st.lists(texts, max_size=4).map("\n\n".join))
def test_stats_of_any_text(text: str) -> None:
    document = load_text(text)
    annotated = list(annotate(document))
    stats = document_stats(annotated, {}, pre_reading_size=5)
    han_words = [t for p in annotated for t in p.tokens if t.is_han]
    assert stats.tokens <= len(han_words)
    assert stats.distinct_words == len(stats.words)
    assert len(stats.pre_reading) <= 5
    assert json.dumps(stats_to_json(stats), ensure_ascii=False)
    assert isinstance(format_stats_text(stats, title=document.title), str)


@FUZZ
@given(text=texts, config=st.sampled_from(CONFIGS))
def test_conversion_never_changes_the_number_of_lines(text: str, config: str) -> None:
    converted = convert_text(text, config)
    assert converted.count("\n") == text.count("\n")


def test_conversion_keeps_the_text_after_a_nul_character() -> None:
    # OpenCC's C API stops at NUL: the text after it must not vanish.
    assert convert_text("漢\x00字體\n後") == "汉\x00字体\n后"


def test_a_han_character_without_any_known_reading_still_has_one_syllable() -> None:
    # U+2EBF0 (Extension I) is in no reading table.
    paragraph = Paragraph(index=0, kind=ParagraphKind.PARAGRAPH, text="中\U0002ebf0文")
    annotated = default_annotator().annotate_paragraph(paragraph, Script.UNKNOWN)
    syllables = [s for token in annotated.tokens for s in token.pinyin_numbered]
    assert len(syllables) == 3
    assert UNKNOWN_SYLLABLE in syllables
    assert all(syllables)


# ---- layout: no token lost or duplicated at any width


def _placed_indices(annotated: AnnotatedParagraph, max_width: int) -> tuple[list[int], set[int]]:
    tokens = annotated.tokens
    items = tuple(
        item_for_token(
            token, max(cell_width(token.text), cell_width(format_word(token.pinyin_numbered)))
        )
        for token in tokens
    )
    lines = pack(items, max_width)
    assert lines, "an empty paragraph is one empty line"
    placed = [column.index for line in lines for column in line.columns]
    for line in lines:
        # A line is never wider than asked, unless one column alone is wider.
        assert line.width <= max_width or len(line.columns) == 1, (max_width, line)
        if line.columns:
            assert not items[line.columns[0].index].collapsible
            assert not items[line.columns[-1].index].collapsible
    droppable = {index for index, item in enumerate(items) if item.collapsible}
    return placed, droppable


@settings(derandomize=True, database=None, deadline=None, max_examples=40)
@given(text=texts)
def test_layout_never_loses_or_duplicates_a_token_at_any_width(text: str) -> None:
    paragraph = Paragraph(index=0, kind=ParagraphKind.PARAGRAPH, text=text)
    annotated = default_annotator().annotate_paragraph(paragraph, Script.UNKNOWN)
    for max_width in range(1, 301):
        placed, droppable = _placed_indices(annotated, max_width)
        assert placed == sorted(set(placed)), "in order, each at most once"
        missing = set(range(len(annotated.tokens))) - set(placed)
        # Only whitespace may be left out (at line edges, or a line break itself).
        assert missing <= droppable, (max_width, [annotated.tokens[i] for i in missing])


@pytest.mark.parametrize("max_width", [1, 2, 3, 7, 80, 300])
def test_layout_of_the_fuzz_pieces_in_one_paragraph(max_width: int) -> None:
    text = "".join(INTERESTING)
    paragraph = Paragraph(index=0, kind=ParagraphKind.PARAGRAPH, text=text)
    annotated = default_annotator().annotate_paragraph(paragraph, Script.UNKNOWN)
    assert_annotation_invariants(annotated)
    placed, droppable = _placed_indices(annotated, max_width)
    assert placed == sorted(set(placed))
    assert set(range(len(annotated.tokens))) - set(placed) <= droppable
