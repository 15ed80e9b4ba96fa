"""TSV and Pleco text exports, safe file writing, and AnkiConnect against a local server.

The AnkiConnect peer here is a small HTTP server in this file that implements the documented
API-6 actions we use. The real `anki-connect-server` package needs Python >= 3.12 while this
project runs its tests on 3.11, so the test against it is opt-in: install it in a 3.12 venv
(with httpx) and set READER_TEST_ANKICONNECT_SERVER to its executable.
"""

from __future__ import annotations

import io
import json
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from reader.core.errors import ReaderError
from reader.core.export.anki import FIELD_NAMES, MODEL_NAME, note_guid
from reader.core.export.ankiconnect import AnkiConnect, AnkiConnectError, push_to_anki
from reader.core.export.writers import atomic_path, export_apkg, export_pleco, export_tsv
from reader.core.learner.records import Context, Status, VocabItem, WordForms
from reader.core.learner.vocab import VocabStore

SENTENCE = "這間銀行的利息比較高。"


@pytest.fixture
def items(tmp_path: Path) -> list[VocabItem]:
    with VocabStore(tmp_path / "vocab.sqlite3") as store:
        store.add(
            WordForms("銀行", "银行", ("yin2", "hang2"), "bank\twith a tab"),
            context=Context(SENTENCE, "Savings", "doc"),
        )
        store.add(WordForms("綠", "绿", ("lv4",), "green"), status=Status.KNOWN)
        return store.items()


# ---- TSV


def test_tsv_has_anki_headers_and_one_row_per_note(items: list[VocabItem], tmp_path: Path) -> None:
    target = tmp_path / "words.tsv"
    result = export_tsv(items, target, deck_name="Chinese::Reader")
    text = target.read_text(encoding="utf-8")
    assert result.notes == 2
    lines = text.splitlines()
    headers = [line for line in lines if line.startswith("#")]
    columns = ["GUID", *FIELD_NAMES, "Tags"]
    assert headers == [
        "#separator:tab",
        "#html:true",
        f"#notetype:{MODEL_NAME}",
        "#deck:Chinese::Reader",
        "#guid column:1",
        f"#tags column:{len(columns)}",
        "#columns:" + "\t".join(columns),
    ]
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    assert all(len(row) == len(columns) for row in rows)
    bank = rows[0]
    assert bank[0] == note_guid(items[0])
    assert bank[columns.index("Definition")] == "bank with a tab"
    assert bank[columns.index("Pinyin")] == "yínháng"
    assert "{{c1::銀行}}" in bank[columns.index("SentenceCloze")]
    assert "reader::status::known" in rows[1][-1].split()
    assert rows[1][columns.index("Pinyin")] == "lǜ"


def test_tsv_to_standard_output_writes_no_file(items: list[VocabItem], tmp_path: Path) -> None:
    out = io.StringIO()
    result = export_tsv(items, None, out=out)
    assert result.path is None and out.getvalue().startswith("#separator:tab\n")
    assert list(tmp_path.glob("*.tsv")) == []


# ---- Pleco


def test_pleco_format(items: list[VocabItem], tmp_path: Path) -> None:
    export_pleco(items, tmp_path / "p.txt", deck_name="Week 1")
    assert (tmp_path / "p.txt").read_text(encoding="utf-8").splitlines() == [
        "//Reader/Week 1",
        "银行[銀行]\tyin2hang2\tbank with a tab",
        "绿[綠]\tlv4\tgreen",
    ]


# ---- safe writing


@pytest.mark.parametrize(
    ("writer", "name"),
    [
        (lambda items, path, force: export_tsv(items, path, force=force), "x.tsv"),
        (lambda items, path, force: export_pleco(items, path, force=force), "x.txt"),
        (lambda items, path, force: export_apkg(items, path, force=force), "x.apkg"),
    ],
)
def test_never_overwrites_a_foreign_file_without_force(
    items: list[VocabItem], tmp_path: Path, writer: Any, name: str
) -> None:
    target = tmp_path / name
    target.write_text("my thesis, chapter 3\n", encoding="utf-8")
    with pytest.raises(ReaderError, match=r"not a reader export.*--force"):
        writer(items, target, False)
    assert target.read_text(encoding="utf-8") == "my thesis, chapter 3\n"
    # --force replaces anything; our own export of the same kind is replaced without it
    writer(items, target, True)
    assert target.read_text(encoding="utf-8", errors="replace") != "my thesis, chapter 3\n"
    target.write_bytes(target.read_bytes())  # touch: still our export
    writer(items, target, False)
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_refuses_a_directory(items: list[VocabItem], tmp_path: Path) -> None:
    (tmp_path / "out.tsv").mkdir()
    with pytest.raises(ReaderError, match="is a directory"):
        export_tsv(items, tmp_path / "out.tsv")


def test_apkg_is_not_mistaken_for_tsv(items: list[VocabItem], tmp_path: Path) -> None:
    target = tmp_path / "x.tsv"
    export_apkg(items, target, force=True)  # an .apkg under a .tsv name
    with pytest.raises(ReaderError, match="not a reader export"):
        export_tsv(items, target)


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "kept.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.txt"]


# ---- AnkiConnect


@dataclass
class FakeAnki:
    """The slice of AnkiConnect (API 6) we use, with its duplicate rule (first field)."""

    models: dict[str, list[str]] = field(default_factory=lambda: {"Basic": ["Front", "Back"]})
    decks: set[str] = field(default_factory=lambda: {"Default"})
    notes: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)
    version: int = 6

    def handle(self, request: dict[str, Any]) -> Any:
        action, params = request["action"], request.get("params", {})
        if request.get("version") != 6:
            raise ValueError("unsupported version")
        if action == "version":
            return self.version
        if action == "modelNames":
            return sorted(self.models)
        if action == "createModel":
            if params["modelName"] in self.models:
                raise ValueError("Model name already exists")
            assert params["cardTemplates"] and params["css"]
            self.models[params["modelName"]] = list(params["inOrderFields"])
            return {"id": 1}
        if action == "deckNames":
            return sorted(self.decks)
        if action == "createDeck":
            self.decks.add(params["deck"])
            return 2
        if action == "findNotes":
            return self._find(params["query"])
        if action == "addNote":
            note = params["note"]
            if note["deckName"] not in self.decks:
                raise ValueError(f"deck was not found: {note['deckName']}")
            fields = self.models[note["modelName"]]
            first = note["fields"][fields[0]]
            if any(
                n["model"] == note["modelName"] and n["fields"][fields[0]] == first
                for n in self.notes.values()
            ):
                raise ValueError("cannot create note because it is a duplicate")
            note_id = 1000 + len(self.notes)
            self.notes[note_id] = {
                "model": note["modelName"],
                "deck": note["deckName"],
                "fields": dict(note["fields"]),
                "tags": list(note["tags"]),
            }
            return note_id
        if action == "updateNoteFields":
            self.notes[params["note"]["id"]]["fields"].update(params["note"]["fields"])
            return None
        if action == "updateNoteTags":
            self.notes[params["note"]]["tags"] = list(params["tags"])
            return None
        raise ValueError("unsupported action")

    def _find(self, query: str) -> list[int]:
        terms = re.findall(r'"((?:[^"\\]|\\.)*)"', query)
        wanted = [re.sub(r"\\(.)", r"\1", term).split(":", 1) for term in terms]
        found = []
        for note_id, note in self.notes.items():
            if all(
                (note["model"] == value if key == "note" else note["fields"].get(key) == value)
                for key, value in wanted
            ):
                found.append(note_id)
        return found


@pytest.fixture
def fake_anki() -> Iterator[tuple[FakeAnki, str]]:
    anki = FakeAnki()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            anki.content_types.append(self.headers.get("Content-Type", ""))
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            anki.requests.append(body)
            try:
                answer = {"result": anki.handle(body), "error": None}
            except (ValueError, KeyError) as error:
                answer = {"result": None, "error": str(error)}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield anki, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_push_creates_model_and_deck_adds_then_updates(
    fake_anki: tuple[FakeAnki, str], tmp_path: Path
) -> None:
    anki, url = fake_anki
    client = AnkiConnect(url)
    with VocabStore(tmp_path / "v.sqlite3") as store:
        store.add(WordForms("銀行", "银行", ("yin2", "hang2"), "bank"), context=Context(SENTENCE))
        store.add(WordForms("綠", "绿", ("lv4",), "green"))
        first = push_to_anki(store.items(), client, deck_name="Reader Test")
        assert (first.added, first.updated, first.model_created, first.deck_created) == (
            2,
            0,
            True,
            True,
        )
        assert anki.models[MODEL_NAME] == list(FIELD_NAMES)
        assert len(anki.notes) == 2
        bank = next(n for n in anki.notes.values() if n["fields"]["Traditional"] == "銀行")
        assert bank["deck"] == "Reader Test"
        assert bank["fields"]["Pinyin"] == "yínháng"
        assert "{{c1::銀行}}" in bank["fields"]["SentenceCloze"]
        assert "reader::status::new" in bank["tags"]

        store.set_definition("銀行", "a bank (edited)")
        store.set_status("銀行", Status.KNOWN)
        store.add(WordForms("水", "水", ("shui3",), "water"))
        second = push_to_anki(store.items(), client, deck_name="Reader Test")

    assert (second.added, second.updated, second.model_created, second.deck_created) == (
        1,
        2,
        False,
        False,
    )
    assert len(anki.notes) == 3
    assert bank["fields"]["Definition"] == "a bank (edited)"
    assert "reader::status::known" in bank["tags"]
    assert set(anki.content_types) == {"application/json"}
    assert {request["version"] for request in anki.requests} == {6}


def test_old_ankiconnect_is_reported(
    fake_anki: tuple[FakeAnki, str], items: list[VocabItem]
) -> None:
    anki, url = fake_anki
    anki.version = 5
    with pytest.raises(AnkiConnectError, match="API 5"):
        push_to_anki(items, AnkiConnect(url))


def test_errors_from_anki_are_passed_on(fake_anki: tuple[FakeAnki, str]) -> None:
    _, url = fake_anki
    with pytest.raises(AnkiConnectError, match="unsupported action"):
        AnkiConnect(url).invoke("deleteEverything")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_anki_not_running_is_said_clearly(items: list[VocabItem]) -> None:
    client = AnkiConnect(f"http://127.0.0.1:{_free_port()}", timeout=5)
    with pytest.raises(ReaderError, match="Anki is not running"):
        push_to_anki(items, client)


@pytest.mark.slow
def test_only_loopback_unless_allowed() -> None:
    with pytest.raises(ReaderError, match="--allow-remote"):
        AnkiConnect("http://192.0.2.10:8765")
    assert AnkiConnect("http://192.0.2.10:8765", allow_remote=True).url.endswith(":8765")
    assert AnkiConnect("http://localhost:8765").url
    assert AnkiConnect("http://[::1]:8765").url
    with pytest.raises(ReaderError, match="not an AnkiConnect address"):
        AnkiConnect("ftp://127.0.0.1")


# ---- the real anki-connect-server (the `real_ankiconnect` fixture is in conftest.py)


def test_push_to_real_anki_connect_server(real_ankiconnect: str, tmp_path: Path) -> None:
    client = AnkiConnect(real_ankiconnect)
    with VocabStore(tmp_path / "v.sqlite3") as store:
        store.add(WordForms("銀行", "银行", ("yin2", "hang2"), "bank"), context=Context(SENTENCE))
        first = push_to_anki(store.items(), client)
        store.set_definition("銀行", "a bank (edited)")
        store.add(WordForms("水", "水", ("shui3",), "water"))
        second = push_to_anki(store.items(), client)
    assert (first.added, first.model_created, second.added, second.updated) == (1, True, 1, 1)
    note_ids = client.invoke("findNotes", query=f'"note:{MODEL_NAME}"')
    infos = client.invoke("notesInfo", notes=note_ids)
    definitions = {
        n["fields"]["Traditional"]["value"]: n["fields"]["Definition"]["value"] for n in infos
    }
    assert definitions == {"銀行": "a bank (edited)", "水": "water"}
