"""Anki export judged by Anki itself: the .apkg (and the TSV) imported into a real collection."""

from __future__ import annotations

import html
import time
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

anki_collection = pytest.importorskip("anki.collection")
from anki.import_export_pb2 import (  # noqa: E402
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
)

from reader.core.export.anki import (  # noqa: E402
    CLOZE_MODEL_ID,
    CLOZE_MODEL_NAME,
    DEFAULT_DECK_NAME,
    FIELD_NAMES,
    MODEL_ID,
    MODEL_NAME,
    CardOptions,
    build_note,
    deck_id,
    hanzi_html,
    note_guid,
    note_model,
)
from reader.core.export.writers import export_apkg, export_tsv, is_our_apkg  # noqa: E402
from reader.core.learner.records import Context, Status, VocabItem, WordForms  # noqa: E402
from reader.core.learner.vocab import VocabStore  # noqa: E402
from reader.core.text.controls import clean_field  # noqa: E402

Collection = anki_collection.Collection

# Sentences written for these tests.
RELATION_SENTENCE = "我們兩家公司的關係一直很好。"
BANK_SENTENCE = "她每天早上先去銀行，然後才上班。"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[VocabStore]:
    with VocabStore(tmp_path / "vocab.sqlite3") as opened:
        opened.add(
            WordForms("關係", "关系", ("guan1", "xi5"), "relation; relationship"),
            context=Context(RELATION_SENTENCE, "Company news", "doc-1", 4),
        )
        opened.add(
            WordForms("銀行", "银行", ("yin2", "hang2"), "bank"),
            status=Status.LEARNING,
            context=Context(BANK_SENTENCE, "A diary", "doc-2", 0),
        )
        opened.add(WordForms("水", "水", ("shui3",), "water"))
        yield opened


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[anki_collection.Collection]:
    (tmp_path / "anki").mkdir()
    opened = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield opened
    opened.close()


def _import_apkg(collection: anki_collection.Collection, package: Path) -> None:
    collection.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions())
    )


def _notes_by_headword(collection: anki_collection.Collection) -> dict[str, Any]:
    notes = [collection.get_note(note_id) for note_id in collection.find_notes("")]
    return {note["Traditional"]: note for note in notes}


def test_apkg_imports_into_anki_with_fields_cards_and_css(
    store: VocabStore, collection: anki_collection.Collection, tmp_path: Path
) -> None:
    package = tmp_path / "out" / "vocab.apkg"
    package.parent.mkdir()
    result = export_apkg(store.items(), package)
    assert result.notes == 3 and package.is_file()
    assert not [p for p in package.parent.iterdir() if p.name != "vocab.apkg"]  # no temp left

    _import_apkg(collection, package)
    assert collection.note_count() == 3
    assert collection.card_count() == 6  # read + recall per word

    model = collection.models.by_name(MODEL_NAME)
    assert model is not None and model["id"] == MODEL_ID
    assert [field["name"] for field in model["flds"]] == list(FIELD_NAMES)
    assert len(model["tmpls"]) == 2
    for tone in range(1, 6):
        assert f".tone{tone}" in model["css"]
    assert DEFAULT_DECK_NAME in [deck.name for deck in collection.decks.all_names_and_ids()]

    notes = _notes_by_headword(collection)
    relation = notes["關係"]
    assert relation["Simplified"] == "关系"
    assert relation["Pinyin"] == "guānxi"
    assert relation["PinyinNumbered"] == "guan1 xi5"
    assert relation["Hanzi"].startswith(
        '<span class="tones-standard"><span class="tone1">關</span><span class="tone5">係</span>'
    )
    assert relation["Definition"] == "relation; relationship"
    assert '<b class="word">關係</b>' in relation["Sentence"]
    assert relation["SentenceCloze"] == RELATION_SENTENCE.replace("關係", "{{c1::關係}}")
    # the sentence reads in context (the pipeline's reading), the word in bold
    assert '<b class="word">guānx' in relation["SentencePinyin"]
    assert relation["SentencePinyin"].startswith("wǒmen ")
    assert relation["Source"] == "Company news"
    assert "reader::status::new" in relation.tags
    assert any(tag.startswith("HSK::") for tag in relation.tags)
    assert any(tag.startswith("HSK2025::") for tag in relation.tags)
    assert "reader::frequency::top_1k" in relation.tags
    assert "reader::source::Company_news" in relation.tags

    bank = notes["銀行"]
    assert bank["Pinyin"] == "yínháng"
    assert "reader::status::learning" in bank.tags
    assert "{{c1::銀行}}" in bank["SentenceCloze"]

    water = notes["水"]  # saved without a sentence
    assert water["Sentence"] == water["SentenceCloze"] == water["SentencePinyin"] == ""

    card = collection.get_card(collection.find_cards("Traditional:水 card:1")[0])
    question = card.question()
    assert 'class="tone3"' in question and "水" in question
    recall = collection.get_card(collection.find_cards("Traditional:關係 card:2")[0])
    assert "relation; relationship" in recall.question()
    assert "recall-front" in recall.question()  # the word is blanked in the front's sentence


def test_export_after_edit_updates_notes_instead_of_duplicating(
    store: VocabStore, collection: anki_collection.Collection, tmp_path: Path
) -> None:
    first = tmp_path / "first.apkg"
    export_apkg(store.items(), first, timestamp=time.time() - 3600)
    _import_apkg(collection, first)
    assert collection.note_count() == 3

    store.set_definition("關係", "connection (my words)")
    store.set_status("關係", Status.KNOWN)
    store.add(WordForms("學習", "学习", ("xue2", "xi2"), "to study"))
    second = tmp_path / "first.apkg"  # the same file: it is ours, so it may be replaced
    export_apkg(store.items(), second)
    _import_apkg(collection, second)

    assert collection.note_count() == 4  # three updated + one new, no duplicates
    assert collection.card_count() == 8
    notes = _notes_by_headword(collection)
    assert notes["關係"]["Definition"] == "connection (my words)"
    assert "reader::status::known" in notes["關係"].tags
    assert notes["學習"]["Simplified"] == "学习"


def test_tsv_import_updates_notes_by_guid(
    store: VocabStore, collection: anki_collection.Collection, tmp_path: Path
) -> None:
    _import_apkg(collection, export_apkg(store.items(), tmp_path / "v.apkg").path or Path())
    store.set_definition("銀行", "bank (edited for the TSV)")
    tsv = tmp_path / "v.tsv"
    export_tsv(store.items(), tsv)

    metadata = collection.get_csv_metadata(str(tsv), None)
    assert metadata.global_notetype.id == MODEL_ID
    collection.import_csv(ImportCsvRequest(path=str(tsv), metadata=metadata))

    assert collection.note_count() == 3
    assert _notes_by_headword(collection)["銀行"]["Definition"] == "bank (edited for the TSV)"


def _item(definition: str, status: Status = Status.NEW) -> VocabItem:
    moment = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return VocabItem(1, "關係", "关系", ("guan1", "xi5"), definition, status, (), moment, moment)


def test_ids_are_fixed_and_guid_depends_on_the_headword_only() -> None:
    assert note_model().model_id == MODEL_ID
    assert deck_id("My deck") == deck_id("My deck") != deck_id("Other deck")
    assert 0 < deck_id("My deck") < 2**31
    assert note_guid(_item("one")) == note_guid(_item("two", Status.KNOWN))
    edited = build_note(_item("two"))
    assert edited.guid == build_note(_item("one")).guid
    assert edited.fields.definition == "two"


def test_hanzi_html_colours_by_tone_and_escapes() -> None:
    assert hanzi_html("你好", ("ni3", "hao3")) == (
        '<span class="tone3">你</span><span class="tone3">好</span>'
    )
    assert hanzi_html("<b>", ("a1",)) == "&lt;b&gt;"  # no alignment: escaped, uncoloured


# ---- any text at all: Anki accepts every exported package


@settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    definition=st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    sentence=st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    source=st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
)
def test_any_unicode_in_the_fields_imports_into_anki(
    tmp_path_factory: pytest.TempPathFactory, definition: str, sentence: str, source: str
) -> None:
    folder = tmp_path_factory.mktemp("any-unicode")
    with VocabStore(folder / "vocab.sqlite3") as store:
        store.add(
            WordForms("中文", "中文", ("zhong1", "wen2"), definition),
            context=Context("中文" + sentence, source, "doc", 0),
        )
        (item,) = store.items()
        package = export_apkg([item], folder / "deck.apkg").path
    assert package is not None
    (folder / "anki").mkdir()
    collection = Collection(str(folder / "anki" / "collection.anki2"))
    try:
        _import_apkg(collection, package)  # a U+001F made Anki refuse the whole package
        assert collection.note_count() == 1
        (note,) = _notes_by_headword(collection).values()
        assert note["Definition"] == _visible(html.escape(item.definition))
        assert note["Source"] == _visible(html.escape(item.contexts[0].doc_title))
    finally:
        collection.close()


def _visible(text: str) -> str:
    """What a field shows: its text without control characters, in Anki's normal form."""
    return unicodedata.normalize("NFC", clean_field(text))


def test_cards_and_screens_take_their_tone_colours_from_one_table() -> None:
    from reader.core.export.anki import CSS
    from reader.core.tone_colours import TONE_COLOURS
    from reader.ui.widgets.reading_view import ReadingView
    from reader.ui.widgets.study_card import CardView

    for scheme, colours in TONE_COLOURS.items():
        for tone, colour in colours.items():
            assert f".tones-{scheme} .tone{tone} {{ color: {colour}; }}" in CSS
    for scheme, colours in TONE_COLOURS.items():
        for tone, colour in colours.items():
            rule = f".reading-view--{scheme}-{tone} {{ color: {colour}; }}"
            assert rule in ReadingView.DEFAULT_CSS
            assert f".card-view--{scheme}-{tone} {{ color: {colour}; }}" in CardView.DEFAULT_CSS


# ---- what each card shows, the cloze card, tone colours, the study schedule (issue 15)


def _field_values(note: Any) -> dict[str, str]:
    return {name: note[name] for name in FIELD_NAMES if note[name]}


def test_each_side_of_each_card_shows_each_field_once(
    store: VocabStore, collection: anki_collection.Collection, tmp_path: Path
) -> None:
    package = export_apkg(store.items(), tmp_path / "v.apkg", options=CardOptions(cloze=True)).path
    _import_apkg(collection, package or Path())
    cards = [collection.get_card(card_id) for card_id in collection.find_cards("Traditional:關係")]
    assert sorted(card.template()["name"] for card in cards) == [
        "Cloze (sentence → word)",
        "Read (hanzi → meaning)",
        "Recall (meaning → hanzi)",
    ]
    for card in cards:
        fields = _field_values(card.note())
        for side, shown in (("front", card.question()), ("back", card.answer())):
            for name in ("Definition", "Hanzi", "Source"):
                count = shown.count(fields[name])
                assert count <= 1, f"{card.template()['name']} {side}: {name} shown {count}×"
            assert shown.count('class="pinyin"') <= 1
        assert fields["Definition"] in card.answer()


def test_cloze_cards_are_an_option_and_blank_the_word_in_its_sentence(
    store: VocabStore, collection: anki_collection.Collection, tmp_path: Path
) -> None:
    plain = export_apkg(store.items(), tmp_path / "plain.apkg").path
    _import_apkg(collection, plain or Path())
    assert collection.models.by_name(CLOZE_MODEL_NAME) is None  # off by default
    assert collection.card_count() == 6

    with_cloze = export_apkg(
        store.items(), tmp_path / "cloze.apkg", options=CardOptions(cloze=True)
    )
    assert is_our_apkg(with_cloze.path or Path())
    _import_apkg(collection, with_cloze.path or Path())
    # one cloze note per word saved with a sentence (水 has none); the others updated
    assert collection.note_count() == 3 + 2
    assert collection.card_count() == 6 + 2
    cloze_model = collection.models.by_name(CLOZE_MODEL_NAME)
    assert cloze_model is not None and cloze_model["id"] == CLOZE_MODEL_ID
    (card_id,) = collection.find_cards(f'"note:{CLOZE_MODEL_NAME}" Traditional:關係')
    card = collection.get_card(card_id)
    question = card.question()
    assert "關係" not in question.split("<style>")[0].split("</style>")[-1].replace("關係</", "")
    assert "[...]" in question and "我們兩家公司的" in question
    answer = card.answer()
    assert 'class="cloze"' in answer and ">關係</span>" in answer and "[...]" not in answer


def test_card_tone_colours_follow_the_apps_scheme(
    store: VocabStore, collection: anki_collection.Collection, tmp_path: Path
) -> None:
    from reader.core.export.anki import CSS
    from reader.core.tone_colours import TONE_COLOURS

    for scheme, colours in TONE_COLOURS.items():
        for tone, colour in colours.items():
            assert f".tones-{scheme} .tone{tone} {{ color: {colour}; }}" in CSS
    items = store.items()
    default = build_note(items[0])
    assert default.fields.hanzi.startswith('<span class="tones-standard">')
    package = export_apkg(items, tmp_path / "p.apkg", options=CardOptions(tone_colours="pleco"))
    _import_apkg(collection, package.path or Path())
    card = collection.get_card(collection.find_cards("Traditional:銀行 card:1")[0])
    assert '<span class="tones-pleco"><span class="tone2">銀' in card.question()
    off = build_note(items[0], options=CardOptions(tone_colours="off")).fields.hanzi
    assert off.startswith('<span class="tones-off">') and ".tones-off" not in CSS


def test_the_apps_study_schedule_carries_into_anki_and_reimport_still_updates(
    store: VocabStore, collection: anki_collection.Collection, tmp_path: Path
) -> None:
    import fsrs

    from reader.core.export.schedule import studied_cards
    from reader.core.learner.records import Direction
    from reader.core.learner.study import Grade, StudySession

    moments = iter(datetime.now(timezone.utc) - timedelta(days=days) for days in (30, 20, 20))
    clock_now = {"moment": next(moments)}
    session = StudySession(
        store,
        directions=(Direction.READ,),
        scheduler=fsrs.Scheduler(enable_fuzzing=False),
        clock=lambda: clock_now["moment"],
        zone=timezone.utc,
    )
    card = session.current
    assert card is not None and card.item.traditional == "關係"
    session.grade(Grade.GOOD)  # learning step
    clock_now["moment"] = next(moments)
    session.reload()
    while session.current is not None and session.current.item.traditional != "關係":
        session.skip()
    session.grade(Grade.EASY)  # into review, weeks ahead
    states = store.card_states()
    relation_id = store.require("關係").id
    app_card = states[(relation_id, Direction.READ)]
    assert app_card.state == 2 and app_card.stability is not None

    package = tmp_path / "s.apkg"
    export_apkg(store.items(), package, studied=studied_cards(store), timestamp=time.time() - 60)
    collection.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
    )
    read = collection.get_card(collection.find_cards("Traditional:關係 card:1")[0])
    assert read.type == 2 and read.queue == 2 and read.reps == 2
    assert read.memory_state is not None
    assert abs(read.memory_state.stability - app_card.stability) < 0.01
    assert abs(read.memory_state.difficulty - (app_card.difficulty or 0)) < 0.01
    days_left = (app_card.due - datetime.now(timezone.utc)).total_seconds() / 86_400
    assert abs((read.due - collection.sched.today) - days_left) <= 1
    log = collection.db.all(f"SELECT ease, type FROM revlog WHERE cid = {read.id} ORDER BY id")
    assert log == [[3, 0], [4, 0]]  # Good then Easy, both while learning
    recall = collection.get_card(collection.find_cards("Traditional:關係 card:2")[0])
    assert recall.type == 0  # never studied in the app that way: new in Anki too
    assert collection.get_card(collection.find_cards("Traditional:水 card:1")[0]).type == 0

    store.set_definition("關係", "ties (edited)")
    export_apkg(store.items(), package, studied=studied_cards(store))
    _import_apkg(collection, package)
    assert collection.note_count() == 3
    assert _notes_by_headword(collection)["關係"]["Definition"] == "ties (edited)"
