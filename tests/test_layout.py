"""Line packing for interlinear text: pure, no terminal needed."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from reader.core.models import Token, TokenKind
from reader.core.text.layout import (
    LayoutItem,
    PackedLine,
    is_no_line_end,
    is_no_line_start,
    item_for_token,
    pack,
)

WORD = LayoutItem(width=4)
COMMA = LayoutItem(width=2, no_line_start=True)
OPEN_QUOTE = LayoutItem(width=2, no_line_end=True)
SPACE = LayoutItem(width=1, collapsible=True)
BREAK = LayoutItem(width=0, collapsible=True, hard_break=True)


def indices(lines: tuple[PackedLine, ...]) -> list[list[int]]:
    return [[column.index for column in line.columns] for line in lines]


def test_words_are_separated_by_the_gap_and_punctuation_hugs_its_word() -> None:
    (line,) = pack((WORD, WORD, COMMA), 40, gap=1)
    assert [(c.x, c.width) for c in line.columns] == [(0, 4), (5, 4), (9, 2)]
    assert line.width == 11


def test_lines_never_exceed_the_width_and_words_are_never_split() -> None:
    lines = pack((WORD,) * 5, 9, gap=1)
    assert indices(lines) == [[0, 1], [2, 3], [4]]
    assert all(line.width <= 9 for line in lines)


def test_closing_punctuation_does_not_start_a_line_when_avoidable() -> None:
    # Two words fit (4 + 1 + 4 = 9) but the comma would then start the next line, so the
    # second word travels with its comma instead.
    lines = pack((WORD, WORD, COMMA, WORD), 9, gap=1)
    assert indices(lines) == [[0], [1, 2], [3]]


def test_opening_punctuation_does_not_end_a_line() -> None:
    lines = pack((WORD, WORD, OPEN_QUOTE, WORD), 11, gap=1)
    assert indices(lines) == [[0, 1], [2, 3]]


def test_a_glued_group_wider_than_the_line_is_broken_only_then() -> None:
    lines = pack((WORD, COMMA, COMMA, COMMA), 6, gap=1)
    assert indices(lines) == [[0, 1], [2, 3]]


def test_hard_break_ends_the_line_and_spaces_collapse_at_edges() -> None:
    lines = pack((WORD, SPACE, BREAK, SPACE, WORD), 40, gap=1)
    assert indices(lines) == [[0], [4]]


def test_space_in_the_middle_is_kept_without_extra_gaps() -> None:
    (line,) = pack((WORD, SPACE, WORD), 40, gap=1)
    assert [(c.index, c.x) for c in line.columns] == [(0, 0), (1, 4), (2, 5)]


def test_an_empty_paragraph_is_one_empty_line() -> None:
    assert pack((), 10) == (PackedLine(columns=()),)


def test_a_column_wider_than_the_line_gets_a_line_of_its_own() -> None:
    lines = pack((WORD, LayoutItem(width=30), WORD), 10, gap=1)
    assert indices(lines) == [[0], [1], [2]]


def test_punctuation_classes() -> None:
    assert is_no_line_start("，") and is_no_line_start("。") and is_no_line_start("」")
    assert is_no_line_start("、") and not is_no_line_start("「")
    assert is_no_line_end("「") and is_no_line_end("《") and not is_no_line_end("」")


def test_item_for_token_reads_the_token_kind() -> None:
    comma = Token("，", 2, 3, TokenKind.PUNCT, "，", "，")
    newline = Token("  \n", 3, 6, TokenKind.SPACE, "  \n", "  \n")
    word = Token("今天", 0, 2, TokenKind.HAN, "今天", "今天", ("jin1", "tian1"))
    assert item_for_token(comma, 2).no_line_start
    assert item_for_token(newline, 0).hard_break
    assert item_for_token(word, 9) == LayoutItem(width=9)


items_strategy = st.lists(
    st.builds(
        LayoutItem,
        width=st.integers(1, 12),
        no_line_start=st.booleans(),
        no_line_end=st.booleans(),
        collapsible=st.just(False),
    ),
    max_size=40,
)


@given(items=items_strategy, width=st.integers(12, 80))
def test_every_item_is_placed_once_in_order_and_fits(items: list[LayoutItem], width: int) -> None:
    lines = pack(tuple(items), width, gap=1)
    placed = [index for line in indices(lines) for index in line]
    assert placed == list(range(len(items)))
    assert all(line.width <= width for line in lines)
    for line in lines:
        xs = [(c.x, c.x + c.width) for c in line.columns]
        assert all(end <= next_start for (_, end), (next_start, _) in pairwise(xs))


def test_a_url_is_one_column_never_broken_inside() -> None:
    from reader.core.engine.segment import segment
    from reader.core.text.interlinear import cell_width

    text = "更多資料見https://www.example.com/a/long/path?page=2，或電郵info@example.com查詢。"
    tokens = [
        Token(text[start:end], start, end, kind, text[start:end], text[start:end])
        for start, end, kind in segment(text)
    ]
    items = tuple(item_for_token(token, cell_width(token.text)) for token in tokens)
    lines = pack(items, 44, gap=1)
    columns = [tokens[column.index].text for line in lines for column in line.columns]
    assert "https://www.example.com/a/long/path?page=2" in columns
    assert "info@example.com" in columns
    assert all(line.width <= 44 for line in lines)
