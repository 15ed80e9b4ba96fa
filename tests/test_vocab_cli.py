"""`reader vocab ...` and `reader export ...` through the real `reader` command."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from reader.core.export.writers import is_our_apkg
from tests.support import reader_command, subprocess_env
from tests.test_export import FakeAnki, fake_anki  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


def run(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*reader_command(), *args],
        env=subprocess_env(home),
        cwd=cwd or home,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def ok(home: Path, *args: str, cwd: Path | None = None) -> str:
    result = run(home, *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


def fails(home: Path, *args: str, match: str) -> str:
    result = run(home, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert match in result.stderr
    return result.stderr


def test_add_list_set_remove(reader_home: Path) -> None:
    added = ok(
        reader_home,
        "vocab",
        "add",
        "關係",
        "--sentence",
        "我們兩國的關係越來越好。",
        "--source",
        "My notes",
    )
    assert added.startswith("added: 關係 (关系)")
    ok(reader_home, "vocab", "add", "银行", "--status", "learning")
    # saving again with another sentence adds a context
    again = ok(reader_home, "vocab", "add", "关系", "--sentence", "這種關係很複雜。")
    assert again.startswith("updated:")

    listed = json.loads(ok(reader_home, "vocab", "list", "--format", "json"))
    assert [item["traditional"] for item in listed] == ["關係", "銀行"]
    relation, bank = listed
    assert relation["simplified"] == "关系"
    assert relation["pinyin_numbered"].startswith("guan1")
    assert relation["pinyin"].startswith("guān")
    assert "relation" in relation["definition"]
    assert relation["status"] == "new"
    assert [c["sentence"] for c in relation["contexts"]] == [
        "我們兩國的關係越來越好。",
        "這種關係很複雜。",
    ]
    assert relation["contexts"][0]["source"] == "My notes"
    assert bank["status"] == "learning" and bank["pinyin_numbered"] == "yin2 hang2"

    tsv = ok(reader_home, "vocab", "list", "--format", "tsv").splitlines()
    assert tsv[0].split("\t")[:5] == [
        "traditional",
        "simplified",
        "pinyin",
        "pinyin_numbered",
        "status",
    ]
    assert tsv[1].split("\t")[:2] == ["關係", "关系"]

    assert ok(reader_home, "vocab", "set", "关系", "known").strip() == "關係: known"
    ok(reader_home, "vocab", "edit", "關係", "--definition", "ties between people")
    ok(reader_home, "vocab", "remove", "銀行")
    final = json.loads(ok(reader_home, "vocab", "list", "--format", "json"))
    assert [(i["traditional"], i["status"], i["definition"]) for i in final] == [
        ("關係", "known", "ties between people")
    ]
    assert (reader_home / "data" / "vocab.sqlite3").is_file()


def test_errors_are_one_line_with_exit_code_2(reader_home: Path) -> None:
    fails(reader_home, "vocab", "set", "沒有", "known", match="not in your vocabulary")
    fails(reader_home, "vocab", "remove", "沒有", match="not in your vocabulary")
    fails(reader_home, "vocab", "add", "hello", match="no Chinese characters")
    bad_status = run(reader_home, "vocab", "add", "水", "--status", "mastered")
    assert bad_status.returncode == 2 and "invalid choice" in bad_status.stderr


def test_foreign_database_file_is_left_untouched(reader_home: Path) -> None:
    path = reader_home / "data" / "vocab.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not a database at all\n", encoding="utf-8")
    stderr = fails(reader_home, "vocab", "add", "水", match="is not a reader vocabulary database")
    assert len(stderr.strip().splitlines()) == 1
    assert path.read_text(encoding="utf-8") == "not a database at all\n"


def test_export_anki_tsv_pleco(reader_home: Path, tmp_path: Path) -> None:
    fails(reader_home, "export", "anki", match="nothing exported")
    ok(reader_home, "vocab", "add", "學習", "--sentence", "我每天都學習中文。")
    ok(reader_home, "vocab", "add", "水", "--status", "ignored")

    ok(reader_home, "export", "anki", cwd=tmp_path)
    package = tmp_path / "reader-vocabulary.apkg"
    assert zipfile.is_zipfile(package) and is_our_apkg(package)
    ok(reader_home, "export", "anki", "--deck", "Chinese::Reader", cwd=tmp_path)  # ours: replaced

    foreign = tmp_path / "notes.apkg"
    foreign.write_text("keep me", encoding="utf-8")
    fails(reader_home, "export", "anki", "--out", str(foreign), match="--force")
    assert foreign.read_text(encoding="utf-8") == "keep me"
    ok(reader_home, "export", "anki", "--out", str(foreign), "--force")
    assert is_our_apkg(foreign)

    tsv = ok(reader_home, "export", "tsv", "--out", "-").splitlines()
    rows = [line for line in tsv if not line.startswith("#")]
    assert len(rows) == 1 and rows[0].split("\t")[1] == "學習"  # ignored words are left out
    everything = ok(reader_home, "export", "tsv", "--out", "-", "--status", "ignored")
    assert "\t水\t" in everything

    pleco = ok(reader_home, "export", "pleco", "--out", "-").splitlines()
    assert len(pleco) == 2 and pleco[1].startswith("学习[學習]\txue2xi2\t")

    ok(reader_home, "export", "tsv", "--since", "2000-01-01", "--out", str(tmp_path / "a.tsv"))
    assert (tmp_path / "a.tsv").read_text(encoding="utf-8").startswith("#separator:tab")
    fails(reader_home, "export", "tsv", "--since", "2999-01-01", match="nothing exported")
    fails(reader_home, "export", "tsv", "--since", "soon", match="YYYY-MM-DD")


def test_export_ankiconnect(reader_home: Path, fake_anki: tuple[FakeAnki, str]) -> None:  # noqa: F811
    anki, url = fake_anki
    ok(reader_home, "vocab", "add", "學習")
    first = ok(reader_home, "export", "ankiconnect", "--url", url)
    assert first.strip() == "Anki: 1 added, 0 updated (created the note type)"
    ok(reader_home, "vocab", "edit", "學習", "--definition", "to learn")
    second = ok(reader_home, "export", "ankiconnect", "--url", url)
    assert second.strip() == "Anki: 0 added, 1 updated"
    (note,) = anki.notes.values()
    assert note["fields"]["Definition"] == "to learn"

    fails(
        reader_home,
        "export",
        "ankiconnect",
        "--url",
        "http://127.0.0.1:9",
        match="Anki is not running",
    )
    fails(reader_home, "export", "ankiconnect", "--url", "http://192.0.2.1:8765", match="loopback")


def test_exports_leave_known_and_ignored_words_out_unless_asked(reader_home: Path) -> None:
    ok(reader_home, "vocab", "add", "學習", "--sentence", "我每天都學習中文。")
    ok(reader_home, "vocab", "add", "銀行", "--status", "learning")
    ok(reader_home, "vocab", "add", "水", "--status", "known")
    ok(reader_home, "vocab", "add", "你好", "--status", "ignored")

    def headwords(*options: str) -> list[str]:
        lines = ok(reader_home, "export", "tsv", "--out", "-", *options).splitlines()
        return sorted(line.split("\t")[1] for line in lines if not line.startswith("#"))

    assert headwords() == ["學習", "銀行"]
    assert headwords("--include-known") == ["學習", "水", "銀行"]
    assert headwords("--status", "ignored") == ["你好"]
    assert headwords("--status", "ignored", "--include-known") == ["你好", "水"]
