"""Saving and exporting any word, definition and sentence, fuzzed (hypothesis).

Whatever the learner saved (odd characters, tabs and line breaks in an edited definition or
a sentence, emoji, right-to-left text), the store gives it back unchanged and every export
keeps its shape: one TSV row per note with the same number of columns, one Pleco line per
word, an .apkg that is a valid zip holding the collection.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.export.anki import FIELD_NAMES, build_notes, build_package
from reader.core.export.writers import pleco_text, tsv_text, write_package
from reader.core.learner.describe import describe_word
from reader.core.learner.records import Context, WordForms
from reader.core.learner.vocab import VocabStore
from tests.test_fuzz_pipeline import INTERESTING

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF) | st.sampled_from(
    ["𠀀", "𪚥", "豈", "\U0002ebf0", "〇"]
)
words = st.lists(han, min_size=1, max_size=4).map("".join)
free_text = st.lists(
    st.sampled_from(INTERESTING) | st.characters(exclude_categories=("Cs",)), max_size=25
).map("".join)


@FUZZ
@given(word=words, definition=free_text, sentence=free_text, title=free_text)
def test_any_saved_word_round_trips_and_exports_keep_their_shape(
    tmp_path_factory: pytest.TempPathFactory,
    word: str,
    definition: str,
    sentence: str,
    title: str,
) -> None:
    folder = tmp_path_factory.mktemp("fuzz-export")
    forms = describe_word(word)
    assert forms.traditional and forms.simplified
    with VocabStore(folder / "vocab.sqlite3") as store:
        store.add(forms, context=Context(sentence=word + sentence, doc_title=title))
        item = store.set_definition(forms.traditional, definition)
        items = store.items()
    assert [saved.traditional for saved in items] == [forms.traditional]
    # The store trims the whitespace around a definition and a sentence, nothing else.
    assert item.definition == definition.strip()
    assert item.contexts[0].sentence == (word + sentence).strip()
    assert item.contexts[0].doc_title == title

    notes = build_notes(items)
    tsv = tsv_text(notes)
    assert "\r" not in tsv  # Anki's CSV reader ends a row at CR too
    tsv_lines = tsv.split("\n")[:-1]
    rows = [line for line in tsv_lines if not line.startswith("#")]
    assert len(rows) == 1, tsv_lines
    # GUID, the fields and the tags: no tab or line break inside a cell breaks a row.
    assert len(rows[0].split("\t")) == len(FIELD_NAMES) + 2, rows[0]

    pleco_lines = pleco_text(items).split("\n")
    assert pleco_lines[-1] == ""
    assert len(pleco_lines) == 3, pleco_lines  # the category, one card, the final newline
    assert len(pleco_lines[1].split("\t")) == 3

    package = folder / "deck.apkg"
    write_package(build_package(notes), package, timestamp=1_700_000_000)
    with zipfile.ZipFile(package) as archive:
        assert archive.testzip() is None
        assert "collection.anki2" in archive.namelist()


def test_a_definition_with_tabs_and_line_breaks_stays_one_row(tmp_path: Path) -> None:
    with VocabStore(tmp_path / "vocab.sqlite3") as store:
        store.add(
            WordForms("中文", "中文", ("zhong1", "wen2"), "Chinese\tlanguage\r\nwritten\rby hand")
        )
        items = store.items()
    rows = [line for line in tsv_text(build_notes(items)).split("\n")[:-1] if line[:1] != "#"]
    assert len(rows) == 1
    assert len(rows[0].split("\t")) == len(FIELD_NAMES) + 2
    assert "Chinese language<br>written<br>by hand" in rows[0]
