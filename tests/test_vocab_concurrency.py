"""The store under real processes: a writer killed by SIGKILL mid-burst; two writers at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reader.core.learner.records import Context, Status, WordForms
from reader.core.learner.vocab import VocabStore

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals"),
]

# Saves words one by one; prints a word only after its transaction has committed.
WRITER = textwrap.dedent(
    """
    import sys
    from reader.core.learner.vocab import Context, Status, VocabStore, WordForms

    path, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = VocabStore(path)
    for number in range(count):
        word = f"{prefix}{number}"
        store.add(
            WordForms(word, word, (), f"definition {number}"),
            status=Status.LEARNING,
            context=Context(f"{word}的句子。", "burst", prefix, number),
        )
        # a second write to the same word, like a status change right after saving
        store.add(WordForms(word, word), context=Context(f"{word}又一句。", "burst", prefix))
        print(word, flush=True)
    store.close()
    """
)


def _start_writer(path: Path, prefix: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), prefix, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def test_sigkill_during_a_burst_of_saves_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "vocab.sqlite3"
    writer = _start_writer(path, "詞", 100_000)
    assert writer.stdout is not None
    committed: list[str] = []
    for line in writer.stdout:
        committed.append(line.strip())
        if len(committed) == 150:
            os.kill(writer.pid, signal.SIGKILL)
            break
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    # lines still in the pipe were committed too
    committed.extend(line.strip() for line in writer.stdout if line.strip())
    writer.stdout.close()
    assert writer.stderr is not None
    writer.stderr.close()

    assert _integrity(path) == "ok"
    with VocabStore(path) as store:
        saved = {item.traditional: item for item in store.items()}
    missing = [word for word in committed if word not in saved]
    assert not missing
    # every committed word is complete: both of its contexts and its status
    for word in committed:
        assert saved[word].status is Status.LEARNING
        assert len(saved[word].contexts) == 2
    # at most the save in flight beyond what was reported
    assert len(saved) - len(committed) <= 1


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "vocab.sqlite3"
    count = 150
    writers = [_start_writer(path, prefix, count) for prefix in ("甲", "乙")]
    # and this process writes to one shared word at the same time
    with VocabStore(path) as store:
        for number in range(40):
            store.add(
                WordForms("共", "共"),
                context=Context(f"共同的第{number}句。", "main", "main"),
            )
    outputs = [writer.communicate(timeout=120) for writer in writers]
    for writer, (_, errors) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, errors

    assert _integrity(path) == "ok"
    with VocabStore(path) as store:
        words = {item.traditional: item for item in store.items()}
    for prefix in ("甲", "乙"):
        for number in range(count):
            word = f"{prefix}{number}"
            assert word in words
            assert len(words[word].contexts) == 2
    assert len(words["共"].contexts) == 40
    assert len(words) == 2 * count + 1
