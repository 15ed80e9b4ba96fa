"""A split or join (`x`/`m` on the reading screen) makes a store of its own; every paragraph
the change cannot touch is carried over from the old one instead of annotated again."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.engine.pipeline import Annotator
from reader.core.engine.segment import Segmenter
from reader.core.engine.store import ParagraphStore
from reader.core.engine.user_dictionary import UserDictionary
from reader.core.models import AnnotatedParagraph, Document
from reader.core.text.loader import load_text

PARAGRAPHS = [
    "我們今天去公園散步。",
    "中國的朋友明天來香港。",
    "天氣很好，大家都很高興。",
    "他說中國菜很好吃。",
    "明天再見。",
    "我想去北京看看。",
    "中國人民很熱情。",
    "香港的夜景很美。",
]


def _annotated_anew(document: Document, rules: UserDictionary) -> list[AnnotatedParagraph]:
    annotator = Annotator(segmenter=Segmenter(rules))
    return [annotator.annotate_paragraph(p, document.script) for p in document.paragraphs]


@pytest.mark.parametrize(
    ("change", "touched"),
    [
        (lambda rules: rules.add_split("中國", ["中", "國"]), {1, 3, 6}),
        (lambda rules: rules.add_join("公園散步"), {0}),
        # Rules match the Simplified form of a Traditional text too: 很好 is 很好 in both.
        (lambda rules: rules.add_join("很好"), {2, 3}),
    ],
)
def test_a_split_or_join_carries_over_every_paragraph_it_cannot_touch(
    reader_home: Path, tmp_path: Path, change: object, touched: set[int]
) -> None:
    document = load_text("\n\n".join(PARAGRAPHS) + "\n")
    rules = UserDictionary.load()
    store = ParagraphStore(document, Annotator(segmenter=Segmenter(rules)), folder=tmp_path)
    store.fill(store.missing(), jobs=1)
    before = store.path

    change(rules)  # type: ignore[operator]
    store.rules_changed(rules)
    assert store.path != before and store.annotated_count == 0

    carried = store.carry_over()
    assert sorted(carried) == [i for i in range(len(PARAGRAPHS)) if i not in touched]
    made_before = store.annotations_made
    store.fill(store.missing(), jobs=1)
    assert store.annotations_made - made_before == len(touched)  # only those annotated again
    assert store.complete
    # Carried or made again, every paragraph is what the new rules make of it.
    assert [store[i] for i in range(len(store))] == _annotated_anew(document, rules)
    reopened = ParagraphStore(document, Annotator(segmenter=Segmenter(rules)), folder=tmp_path)
    assert reopened.complete and reopened.path == store.path
    fresh = ParagraphStore(document, Annotator(segmenter=Segmenter(rules)), folder=tmp_path / "x")
    fresh.fill(fresh.missing(), jobs=1)
    by_form = {fresh.form(i): c for i, c in fresh.form_counts().items()}
    assert {reopened.form(i): c for i, c in reopened.form_counts().items()} == by_form


def test_nothing_is_carried_twice_or_when_the_rules_are_the_same(
    reader_home: Path, tmp_path: Path
) -> None:
    document = load_text("\n\n".join(PARAGRAPHS) + "\n")
    rules = UserDictionary.load()
    store = ParagraphStore(document, Annotator(segmenter=Segmenter(rules)), folder=tmp_path)
    store.fill(store.missing(), jobs=1)
    store.rules_changed(rules)  # the same rules: the same store
    assert store.complete and store.carry_over() == []
    rules.add_join("很好")
    store.rules_changed(rules)
    assert len(store.carry_over()) == len(PARAGRAPHS) - 2
    assert store.carry_over() == []
