"""The sense that fits, CC-CEDICT markup written out, and where a learner reads them (one-line
gloss, cards, annotate). Sentences are written for these tests, apart from the benchmark's.
"""

from __future__ import annotations

import pytest

from reader.core.dictionary.markup import render
from reader.core.dictionary.sense_rules import Neighbours
from reader.core.dictionary.senses import choose_sense, ordered_senses
from reader.core.engine.pipeline import Annotator, default_annotator
from reader.core.learner.describe import describe_word
from reader.core.models import Entry
from tests.support import SEED, annotate_sentence


@pytest.fixture(scope="module")
def annotator() -> Annotator:
    return default_annotator()


def gloss(annotator: Annotator, text: str, word: str) -> str:
    tokens = annotate_sentence(annotator, text)
    found = [t for t in tokens.tokens if t.text == word]
    assert found, [t.text for t in tokens.tokens]
    assert found[0].gloss is not None
    return found[0].gloss


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # the neighbours suggest a verb, a place, a classifier ...
        ("我們在學校見面。", "在", "(of sb or sth) to be (located) at"),
        ("他們在吃飯。", "在", "(used before a verb to indicate an action in progress)"),
        ("他给了我一张票。", "给", "to give"),
        ("桌上有一张地图。", "张", "classifier for flat objects, sheet"),
        ("這次我們一起去。", "次", "classifier for enumerated events: time"),
        (
            "山上有一條小河。",
            "條",
            "classifier for long thin things (ribbon, river, road, trousers etc)",
        ),
        ("明天會下雪嗎？", "會", "to be likely to; to be sure to"),
        ("她會游泳。", "會", "can; to have the skill; to know how to"),
        ("我想喝水。", "想", "to desire; to want (to)"),
        # the reading picks the entries
        ("你還我書吧。", "還", "to pay back"),
        ("我還在等你。", "還", "still"),
        ("我們家有很多東西。", "東西", "thing"),
        # senses a learner needs first
        ("這種布的質量很好。", "質量", "quality (i.e. degree of excellence)"),
        ("我正看着書。", "着", "aspect particle indicating action in progress or ongoing state"),
        ("中美兩國的貿易很多。", "中美", "China-US"),
    ],
)
def test_the_sense_that_fits(annotator: Annotator, text: str, word: str, expected: str) -> None:
    assert gloss(annotator, text, word).startswith(expected)


def test_a_word_without_an_entry_is_glossed_part_by_part(annotator: Annotator) -> None:
    # 葛 is read Gě here, so its part of the gloss is the surname, not the plant.
    assert gloss(annotator, "記者葛沖報道。", "葛沖").startswith("葛: surname Ge + 沖: ")


@pytest.mark.parametrize(
    ("definition", "traditional", "simplified"),
    [
        ("CL:個|个[ge4],件[jian4]", "measure word 個 gè, 件 jiàn", "measure word 个 gè, 件 jiàn"),
        ("road (CL:條|条[tiao2])", "road (measure word 條 tiáo)", "road (measure word 条 tiáo)"),
        ("see 拼音[pin1 yin1]", "see 拼音 pīnyīn", "see 拼音 pīnyīn"),
        ("variant of 著|着[zhe5]", "variant of 著 zhe", "variant of 着 zhe"),
        ("also pr. [qi3lai2]", "also pr. qǐlái", "also pr. qǐlái"),
        ("abbr. for 西安[Xi1 an1]", "abbr. for 西安 Xī'ān", "abbr. for 西安 Xī'ān"),
        ("to sleep; to go to bed", "to sleep; to go to bed", "to sleep; to go to bed"),
    ],
)
def test_markup_is_written_out(definition: str, traditional: str, simplified: str) -> None:
    assert render(definition) == traditional
    assert render(definition, simplified=True) == simplified


def test_the_chosen_sense_comes_first_and_every_sense_stays() -> None:
    entries = (
        Entry("著", "着", "zhao2", ("to touch", "to feel")),
        Entry("著", "着", "zhe5", ("aspect particle indicating action in progress",)),
    )
    chosen = choose_sense(entries, ("zhe5",), Neighbours(before="坐"), "着")
    assert chosen is not None and chosen.definition.startswith("aspect particle")
    ordered = ordered_senses(entries, chosen.definition)
    assert [entry.pinyin for entry, _ in ordered] == ["zhe5", "zhao2"]
    assert sum(len(indices) for _, indices in ordered) == 3


def test_variant_and_surname_senses_come_last() -> None:
    entries = (
        Entry("方", "方", "Fang1", ("surname Fang",)),
        Entry("着", "着", "zhe5", ("variant of 著|着[zhe5]",)),
        Entry("著", "着", "zhe5", ("aspect particle",)),
    )
    chosen = choose_sense(entries[1:], ("zhe5",), Neighbours(), "着")
    assert chosen is not None and chosen.definition == "aspect particle"
    only_surname = choose_sense(entries[:1], ("fang1",), Neighbours(), "方")
    assert only_surname is not None and only_surname.definition == "surname Fang"


def test_cards_save_the_sense_chosen_first_with_markup_written_out() -> None:
    saved = describe_word(
        "在", pinyin_numbered=("zai4",), sense="(of sb or sth) to be (located) at"
    )
    assert saved.definition.startswith("(of sb or sth) to be (located) at; to exist")
    dictionary_order = describe_word("東西")
    assert dictionary_order.definition.startswith("thing")
    assert "[" not in describe_word("個").definition


def test_the_seed_glosses_carry_no_markup(annotator: Annotator) -> None:
    from reader.core.engine.store import annotate
    from reader.core.text.loader import load_path

    glosses = [
        token.gloss
        for paragraph in annotate(load_path(SEED), annotator)
        for token in paragraph.tokens
        if token.gloss
    ]
    assert glosses and not any("[" in text or "CL:" in text or "|" in text for text in glosses)


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # "(particle) used in questions" is a sense, not a pointer like "used in 鑰匙".
        ("我今天很忙，你呢？", "呢", "what about...?"),
        # Counted, 把 is the classifier of things with handles (its rule), not "handful".
        ("桌子上有一把刀。", "把", "classifier for things with handles"),
        ("我們樓下有一家書店。", "家", "classifier for families or businesses"),
    ],
)
def test_rules_and_counting_choose_the_sense(
    annotator: Annotator, text: str, word: str, expected: str
) -> None:
    assert expected in gloss(annotator, text, word)


def test_no_letter_of_a_latin_word_is_looked_up_as_a_character(annotator: Annotator) -> None:
    from reader.ui.widgets.gloss_panel import build_gloss

    tokens = annotate_sentence(annotator, "我的iPhone壞了，買了一件T恤。").tokens
    by_text = {token.text: token for token in tokens}
    iphone = build_gloss(by_text["iPhone"], annotator.dictionary)
    assert iphone.characters == () and iphone.parts == ()
    tshirt = build_gloss(by_text["T恤"], annotator.dictionary)
    assert [info.character for info in tshirt.characters] == ["恤"]
    assert by_text["T恤"].gloss == "(loanword) T-shirt"
