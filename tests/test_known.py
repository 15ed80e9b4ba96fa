"""Known words from day one: HSK levels, word lists, Pleco TXT/XML, Anki packages (made with
genanki and exported by the real `anki` package), a running Anki; dry runs and one-step undo."""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import genanki
import pytest

from reader.core.errors import InputError, ReaderError
from reader.core.learner import known
from reader.core.learner.records import Status, WordForms
from reader.core.learner.vocab import VocabStore
from reader.core.learner.word_sources import SourceWord, read_source
from tests.support import SEED, reader_command, subprocess_env


@pytest.fixture
def store(tmp_path: Path) -> Iterator[VocabStore]:
    with VocabStore(tmp_path / "vocab.sqlite3") as opened:
        yield opened


def run_reader(home: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*reader_command(), *arguments],
        capture_output=True,
        text=True,
        env=subprocess_env(home),
        timeout=300,
    )


# ---- HSK


def test_hsk_levels_accumulate_and_7_to_9_is_one_band() -> None:
    one, three = known.hsk_words(1), known.hsk_words(3)
    assert 0 < len(one) < len(three)
    assert {w.simplified for w in one} <= {w.simplified for w in three}
    assert len(known.hsk_words(7)) == len(known.hsk_words(9))
    assert any(w.simplified == "关系" and w.traditional == "關係" for w in three)
    assert known.hsk_words(2, "2025") and all(
        w.traditional is None for w in known.hsk_words(2, "2025")
    )
    with pytest.raises(ReaderError, match="from 1 to 9"):
        known.hsk_words(10)


def test_marking_hsk_known_leaves_the_learners_own_statuses_alone(store: VocabStore) -> None:
    store.add(WordForms("關係", "关系", ("guan1", "xi4"), "relation"), status=Status.LEARNING)
    store.add(WordForms("朋友", "朋友", ("peng2", "you5"), "friend"), status=Status.KNOWN)
    plan = known.plan_hsk(store, 3)
    assert [kept.word for kept in plan.kept] == ["關係"]
    assert plan.already_known == 1
    assert plan.words == len(plan.to_save) + 2
    change = known.apply_plan(store, plan)
    assert change is not None and change.words == len(plan.to_save)
    statuses = store.statuses()
    assert statuses["关系"] is Status.LEARNING  # not clobbered
    assert statuses["我们"] is Status.KNOWN and statuses["我們"] is Status.KNOWN
    saved = store.require("我們")
    assert saved.pinyin_numbered == ("wo3", "men5") and saved.definition


def test_overwrite_marks_saved_words_known_and_undo_gives_their_status_back(
    store: VocabStore,
) -> None:
    store.add(WordForms("關係", "关系", ("guan1", "xi4"), "relation"), status=Status.LEARNING)
    before = store.require("關係")
    plan = known.plan_hsk(store, 3, overwrite=True)
    assert [forms.traditional for forms in plan.to_change] == ["關係"] and not plan.kept
    known.apply_plan(store, plan)
    assert store.require("關係").status is Status.KNOWN
    undone = known.undo_last(store)
    assert undone is not None and undone.restored == plan.changes and not undone.kept
    after = store.require("關係")
    assert (after.status, after.updated_at) == (Status.LEARNING, before.updated_at)
    assert len(store) == 1  # the words the change saved are gone again
    assert known.undo_last(store) is None


def test_undo_leaves_words_changed_since_and_goes_back_one_change_at_a_time(
    store: VocabStore,
) -> None:
    known.apply_plan(store, known.plan_hsk(store, 1))
    count_after_one = len(store)
    known.apply_plan(store, known.plan_hsk(store, 2))
    store.set_status("我們", Status.LEARNING)  # an HSK 1 word, saved by the first change
    second = known.undo_last(store)
    assert second is not None and second.change.label == "HSK 1-2 (2021 list)"
    assert len(store) == count_after_one
    first = known.undo_last(store)
    assert first is not None and first.kept == ("我們",)
    assert store.require("我們").status is Status.LEARNING and len(store) == 1
    history = store.bulk_changes(include_undone=True)
    assert [c.undone_at is not None for c in history] == [True, True]


def test_a_dry_run_plan_writes_nothing(store: VocabStore) -> None:
    plan = known.plan_hsk(store, 3)
    assert plan.changes > 2000 and len(store) == 0 and store.bulk_changes() == []


def test_either_script_finds_the_saved_word(store: VocabStore) -> None:
    store.add(WordForms("關係", "关系", ("guan1", "xi4"), "relation"), status=Status.NEW)
    plan = known.plan_known(store, "list", [SourceWord("关系"), SourceWord("關係")])
    assert plan.words == 2 and [k.word for k in plan.kept] == ["關係"] and not plan.to_save


# ---- word lists and Pleco


def test_a_word_list_in_either_script_with_comments_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("# my words\n你好\n關係\thello\nhello\n\n银行, bank\n", encoding="utf-8")
    source = read_source(str(path))
    assert [w.text for w in source.words] == ["你好", "關係", "银行"]
    assert source.skipped == 1
    csv = tmp_path / "words.csv"
    csv.write_text("english,hanzi\nbank,銀行\nwater,水\n", encoding="utf-8")
    assert [w.text for w in read_source(str(csv), field_name="hanzi").words] == ["銀行", "水"]
    by_number = read_source(str(csv), field_name="2")
    assert [w.text for w in by_number.words] == ["銀行", "水"] and by_number.skipped == 1
    with pytest.raises(ReaderError, match="no column 'pinyin'"):
        read_source(str(csv), field_name="pinyin")


def test_pleco_txt_export(tmp_path: Path) -> None:
    path = tmp_path / "pleco.txt"
    path.write_text(
        "//Reader/HSK\n关系[關係]\tguan1xi4\trelation\n水\tshui3\twater\n"
        "//Reader/Other\n银行[銀行]\tyin2hang2\tbank\n",
        encoding="utf-8",
    )
    source = read_source(str(path))
    assert source.words == (
        SourceWord("關係", "关系", "關係"),
        SourceWord("水"),
        SourceWord("銀行", "银行", "銀行"),
    )
    assert "Pleco" in source.label


PLECO_XML = """<?xml version="1.0" encoding="UTF-8"?>
<plecoflash formatversion="2" creator="Pleco User 1234" generator="Pleco 2.0" platform="iOS"
 created="1700000000">
<categories><category name="HSK"/></categories>
<cards>
<card language="chinese" created="1700000000" modified="1700000000">
<entry><headword charset="sc">关系</headword><headword charset="tc">關係</headword>
<pron type="hypy" tones="numbers">guan1xi4</pron><defn>relation</defn></entry>
<catassign category="HSK"/></card>
<card language="chinese"><entry><headword charset="sc">银行</headword>
<headword charset="tc">銀行</headword><pron type="hypy" tones="numbers">yin2hang2</pron>
<defn>bank</defn></entry></card>
<card language="chinese"><entry><headword charset="sc">hello</headword></entry></card>
</cards>
</plecoflash>
"""


def test_pleco_xml_export(tmp_path: Path) -> None:
    path = tmp_path / "flash.xml"
    path.write_text(PLECO_XML, encoding="utf-8")
    source = read_source(str(path))
    assert source.words == (SourceWord("關係", "关系", "關係"), SourceWord("銀行", "银行", "銀行"))
    assert source.skipped == 1


def test_bad_pleco_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "flash.xml"
    path.write_text("<plecoflash><cards><card>", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable Pleco XML"):
        read_source(str(path))
    path.write_text("<other/>", encoding="utf-8")
    with pytest.raises(InputError, match="not a Pleco flashcard export"):
        read_source(str(path))


# ---- Anki packages


def genanki_package(path: Path, words: list[str]) -> Path:
    model = genanki.Model(
        1607392319,
        "Chinese (test)",
        fields=[{"name": "English"}, {"name": "Hanzi"}, {"name": "Pinyin"}],
        templates=[{"name": "Card 1", "qfmt": "{{English}}", "afmt": "{{Hanzi}}"}],
    )
    deck = genanki.Deck(2059400110, "Chinese::HSK")
    for number, word in enumerate(words):
        fields = [f"meaning {number}", f"<b>{word}</b>&nbsp;[sound:{number}.mp3]", "pin1"]
        deck.add_note(genanki.Note(model=model, fields=fields))
    genanki.Package(deck).write_to_file(str(path))
    return path


def test_a_genanki_deck_finds_the_hanzi_field_and_takes_every_note_with_cards_all(
    tmp_path: Path,
) -> None:
    path = genanki_package(tmp_path / "deck.apkg", ["你好", "關係", "银行"])
    source = read_source(str(path), cards="all")
    assert [w.text for w in source.words] == ["你好", "關係", "银行"]
    assert "field Hanzi" in source.label
    unstudied = read_source(str(path))  # mature cards only: none in a fresh deck
    assert unstudied.words == () and "0 of the 3 notes" in unstudied.notes[0]
    with pytest.raises(ReaderError, match="no field 'Word'"):
        read_source(str(path), field_name="Word", cards="all")
    assert [w.text for w in read_source(str(path), field_name="hanzi", cards="all").words]


def real_anki_export(folder: Path, *, new_format: bool, collection: bool = False) -> Path:
    """Notes in a real Anki collection (two decks), some cards made mature, exported by the
    `anki` package itself (new-format .apkg/.colpkg, or legacy)."""
    from anki.collection import Collection, DeckIdLimit, ExportAnkiPackageOptions

    home = Path(tempfile.mkdtemp(dir=folder))
    col = Collection(str(home / "collection.anki2"))
    basic = col.models.by_name("Basic")
    assert basic is not None
    chinese = col.decks.id("Chinese")
    other = col.decks.id("Other")
    assert chinese is not None and other is not None
    for word, deck in (("行動", chinese), ("關係", chinese), ("朋友", chinese), ("水", other)):
        note = col.new_note(basic)
        note["Front"] = word
        note["Back"] = "meaning"
        col.add_note(note, deck)
    for card_id in col.find_cards("Front:行動 or Front:水"):  # mature
        card = col.get_card(card_id)
        card.type, card.queue, card.ivl, card.due = 2, 2, 30, 10
        col.update_card(card)
    for card_id in col.find_cards("Front:關係"):  # studied, still young
        card = col.get_card(card_id)
        card.type, card.queue, card.ivl, card.due = 2, 2, 3, 10
        col.update_card(card)
    if collection:
        target = folder / ("new.colpkg" if new_format else "old.colpkg")
        col.export_collection_package(str(target), include_media=False, legacy=not new_format)
        return target
    target = folder / ("new.apkg" if new_format else "old.apkg")
    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=False, with_media=False, legacy=not new_format
    )
    col.export_anki_package(out_path=str(target), options=options, limit=DeckIdLimit(chinese))
    col.close()
    return target


@pytest.mark.parametrize("new_format", [True, False])
def test_a_package_exported_by_real_anki_is_read_by_its_cards(
    tmp_path: Path, new_format: bool
) -> None:
    path = real_anki_export(tmp_path, new_format=new_format)
    assert [w.text for w in read_source(str(path)).words] == ["行動"]
    assert [w.text for w in read_source(str(path), cards="reviewed").words] == ["行動", "關係"]
    assert [w.text for w in read_source(str(path), cards="all").words] == ["行動", "關係", "朋友"]


def test_a_collection_package_and_its_decks(tmp_path: Path) -> None:
    path = real_anki_export(tmp_path, new_format=True, collection=True)
    assert [w.text for w in read_source(str(path)).words] == ["行動", "水"]
    assert [w.text for w in read_source(str(path), deck="other").words] == ["水"]
    with pytest.raises(ReaderError, match="no deck named 'Nope'"):
        read_source(str(path), deck="Nope")


def test_a_damaged_package_is_refused(tmp_path: Path) -> None:
    good = genanki_package(tmp_path / "deck.apkg", ["你好"])
    cut = tmp_path / "cut.apkg"
    cut.write_bytes(good.read_bytes()[:200])
    with pytest.raises(InputError, match="not a readable Anki package"):
        read_source(str(cut))


# ---- the real command


def test_cli_known_add_hsk_then_stats_shows_the_known_share(reader_home: Path) -> None:
    before = json.loads(run_reader(reader_home, "stats", str(SEED), "--format", "json").stdout)
    dry = run_reader(reader_home, "known", "add", "--hsk", "3", "--dry-run")
    assert dry.returncode == 0 and "would save as known" in dry.stdout
    assert "dry run: nothing changed" in dry.stdout
    added = run_reader(reader_home, "known", "add", "--hsk", "3")
    assert added.returncode == 0 and "known; undo with `reader known undo`" in added.stdout
    after_run = run_reader(reader_home, "stats", str(SEED), "--format", "json")
    after = json.loads(after_run.stdout)
    share_before = _known_share(before)
    share_after = _known_share(after)
    assert share_before == 0 and share_after > 0.3
    text = run_reader(reader_home, "stats", str(SEED)).stdout
    known_line = next(line for line in text.splitlines() if line.startswith("known:"))
    assert "0.0%" not in known_line
    undone = run_reader(reader_home, "known", "undo")
    assert undone.returncode == 0 and "undid: HSK 1-3 (2021 list)" in undone.stdout
    again = json.loads(run_reader(reader_home, "stats", str(SEED), "--format", "json").stdout)
    assert _known_share(again) == 0
    assert "no bulk change to undo" in run_reader(reader_home, "known", "undo").stdout


def _known_share(stats: dict[str, object]) -> float:
    share = stats["known"]
    assert isinstance(share, dict)
    return float(share["percent_by_tokens"]) / 100


def test_cli_known_import_dry_run_then_import(tmp_path: Path, reader_home: Path) -> None:
    deck = genanki_package(tmp_path / "deck.apkg", ["你好", "關係", "银行"])
    run_reader(reader_home, "vocab", "add", "關係", "--status", "learning")
    dry = run_reader(reader_home, "known", "import", str(deck), "--cards", "all", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would save as known: 2" in dry.stdout
    assert "left as you saved them: 1 (關係 (learning))" in dry.stdout
    done = run_reader(reader_home, "known", "import", str(deck), "--cards", "all")
    assert "marked 2 words known" in done.stdout
    listed = run_reader(reader_home, "vocab", "list", "--format", "json").stdout
    statuses = {row["traditional"]: row["status"] for row in json.loads(listed)}
    assert statuses == {"關係": "learning", "你好": "known", "銀行": "known"}
    history = run_reader(reader_home, "known", "history").stdout
    assert "deck.apkg, field Hanzi (all cards)" in history


@pytest.mark.parametrize(
    "arguments",
    [
        ["known", "add", "--hsk", "12"],
        ["known", "import", "missing.txt"],
        ["known", "import", "{cut}"],
        ["known", "import", "{deck}", "--field", "Nope", "--cards", "all"],
        ["known", "import", "ankiconnect", "--url", "http://127.0.0.1:9"],
    ],
)
def test_cli_known_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, reader_home: Path, arguments: list[str]
) -> None:
    deck = genanki_package(tmp_path / "deck.apkg", ["你好"])
    cut = tmp_path / "cut.apkg"
    cut.write_bytes(deck.read_bytes()[:100])
    filled = [a.format(cut=cut, deck=deck) for a in arguments]
    run = run_reader(reader_home, *filled)
    assert run.returncode == 2, run.stdout
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("reader: ")


# ---- a running Anki (the real anki-connect-server, as tests/test_export.py starts it)


def test_import_from_a_running_anki(real_ankiconnect: str, reader_home: Path) -> None:
    ankiconnect_url = real_ankiconnect
    from reader.core.export.ankiconnect import AnkiConnect

    client = AnkiConnect(ankiconnect_url)
    client.invoke("createDeck", deck="Chinese")
    for word in ("行動", "關係"):
        client.invoke(
            "addNote",
            note={
                "deckName": "Chinese",
                "modelName": "Basic",
                "fields": {"Front": f"<div>{word}</div>", "Back": "meaning"},
            },
        )
    run = run_reader(
        reader_home, "known", "import", "ankiconnect", "--url", ankiconnect_url, "--cards", "all"
    )
    assert run.returncode == 0, run.stderr
    assert "field Front" in run.stdout and "marked 2 words known" in run.stdout
    mature = run_reader(reader_home, "known", "import", "ankiconnect", "--url", ankiconnect_url)
    assert "0 of the 2 notes have mature cards" in mature.stdout
