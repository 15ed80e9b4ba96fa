"""The first screen is annotated in a child process and cached for the next opening."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from reader import paths
from reader.core.engine.pipeline import Annotator
from reader.core.engine.segment import Segmenter
from reader.core.engine.store import ParagraphStore, annotate
from reader.core.engine.user_dictionary import UserDictionary
from reader.core.engine.warmup import FirstScreenPrefetch
from reader.core.models import AnnotatedParagraph, Paragraph, Script
from reader.core.text.loader import load_text
from tests.support import LexiconAnnotator

TEXT = "我們今天去公園散步。\n\n天氣很好，大家都很高興。\n\n明天再見。\n"


def _prefetch(marker: str) -> tuple[FirstScreenPrefetch, list[str], ParagraphStore]:
    """`marker` makes each test's document (and so its store) its own: the cache directory
    is shared by the whole test session. What arrives goes into the store, as the view does."""
    document = load_text(TEXT + marker)
    # A segmenter reading THIS test's rules (the process-wide one may be older).
    annotator = Annotator(segmenter=Segmenter(UserDictionary.load()))
    store = annotate(document, annotator)
    prefetch = FirstScreenPrefetch(store, range(2))
    received = list(prefetch.results())
    store.put(received)
    return prefetch, ["|".join(t.text for t in p.tokens) for p in received], store


def test_child_annotates_then_reopening_reads_the_store(reader_home: Path) -> None:
    first, first_texts, store = _prefetch("一")
    assert first._child is not None  # annotated by a forked child
    assert first_texts[0].replace("|", "") == "我們今天去公園散步。"
    assert len(first_texts) == 2
    assert store.path is not None and store.path.parent == paths.cache_dir() / "paragraphs"
    assert store.path.exists()

    second, second_texts, _ = _prefetch("一")
    assert second._child is None  # nothing forked: served from the store
    assert second_texts == first_texts


def test_the_store_gives_back_every_reading_the_display_needs(reader_home: Path) -> None:
    """Standard readings, capitals and full tones (for the full-tones display) survive the
    disk: a reopened document shows what a fresh annotation would."""
    document = load_text("我的朋友王先生喜歡東西嗎？\n")
    annotator = Annotator(segmenter=Segmenter(UserDictionary.load()))
    fresh = annotate(document, annotator)
    made = fresh.make(0)
    assert any(token.full_tones for token in made.tokens)  # 朋友 péngyou / péngyǒu
    fresh.put([made])
    fresh.close()
    reopened = annotate(document, annotator)
    stored = reopened.get(0)
    assert stored is not None
    assert stored.tokens == made.tokens


def test_a_segmentation_fix_makes_another_store(reader_home: Path) -> None:
    _, _, before = _prefetch("二")
    rules = UserDictionary.load()
    rules.add_join("公園散步")
    rules.save()
    again, texts, store = _prefetch("二")
    assert again._child is not None
    assert store.path != before.path
    assert "公園散步" in texts[0].split("|")


def test_a_store_row_for_other_text_is_never_shown(reader_home: Path) -> None:
    _, _, store = _prefetch("三")
    assert store.path is not None
    store.close()
    with sqlite3.connect(store.path) as connection:
        connection.execute("UPDATE forms SET text = '花園' WHERE text = '公園'")
    again, texts, _ = _prefetch("三")
    assert again._child is not None
    assert texts[0].replace("|", "") == "我們今天去公園散步。"


# ---- the rest waits for the prefetched screen to be drawn ------------------------------------


class _RecordingAnnotator(Annotator):
    """Notes when the app first annotates a paragraph itself (its models would load then)."""

    def __init__(self, inner: Annotator) -> None:
        super().__init__()
        self.inner = inner
        self.first_call: float | None = None

    def annotate_paragraph(self, paragraph: Paragraph, script: Script) -> AnnotatedParagraph:
        if self.first_call is None:
            self.first_call = time.perf_counter()
        return self.inner.annotate_paragraph(paragraph, script)


async def test_the_app_annotates_the_rest_only_after_the_prefetched_rows_are_drawn(
    reader_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading the models holds the GIL for ~0.3 s: started before the prefetched screen is
    on the terminal, it delays the first paint (a refresh callback alone ran too early)."""
    from reader.ui.reader_app import ReaderApp
    from reader.ui.widgets import annotation_feed, reading_view

    drawn: list[float] = []
    render_row = reading_view.render_row

    def recording_render_row(layout: Any, *args: Any, **options: Any) -> Any:
        if not layout.provisional and not drawn:
            drawn.append(time.perf_counter())
        return render_row(layout, *args, **options)

    monkeypatch.setattr(reading_view, "render_row", recording_render_row)
    # Long enough that only a drawn row, never the timeout, lets the worker go on.
    monkeypatch.setattr(annotation_feed, "PREFETCH_PAINT_WAIT", 60.0)
    text = "\n\n".join(f"第{n}段：我們今天去公園散步，天氣很好。" for n in range(12)) + "四"
    document = load_text(text)
    lexicon = LexiconAnnotator({"我們": "wo3 men5", "今天": "jin1 tian1", "公園": "gong1 yuan2"})
    prefetch = FirstScreenPrefetch(annotate(document, lexicon), range(2))
    recording = _RecordingAnnotator(lexicon)
    app = ReaderApp(
        document,
        paragraphs=annotate(document, recording),
        prefetch=prefetch,
        save_settings_on_change=False,
    )
    # Too small to read in: the text is hidden, so nothing prefetched is drawn yet.
    async with app.run_test(size=(30, 8)) as pilot:
        await pilot.pause()
        await asyncio.sleep(0.4)
        assert recording.first_call is None  # still waiting for the prefetched rows
        await pilot.resize_terminal(100, 40)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert prefetch._child is not None  # the first two came from the child
    assert drawn and recording.first_call is not None
    assert recording.first_call > drawn[0]


# ---- the engine warmed up in a child forked before the text is read -------------------------


def _children() -> set[int]:
    """This process's live child processes (Linux)."""
    pid = os.getpid()
    listed = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return {int(child) for child in listed.split()}


def test_a_warm_child_annotates_what_it_is_sent_and_caches_it(reader_home: Path) -> None:
    from reader.core.engine.warmup import EngineWarmup

    document = load_text(TEXT + "五")
    warmup = EngineWarmup()
    assert warmup.pid in _children()
    prefetch = FirstScreenPrefetch(annotate(document), range(1, 3), warmup)
    assert prefetch._child == warmup.pid
    received = list(prefetch.results())
    assert [p.index for p in received] == [1, 2]
    here = annotate(document)  # the same annotation made in this process
    assert [p.tokens for p in received] == [here.make(1).tokens, here.make(2).tokens]
    assert warmup.pid not in _children()  # reaped
    here.put(received)  # as the reading view does
    again = FirstScreenPrefetch(annotate(document), range(1, 3), EngineWarmup())
    assert again._cached is not None and [p.tokens for p in again.results()] == [
        p.tokens for p in received
    ]


def test_a_warm_child_not_needed_is_stopped(reader_home: Path, tmp_path: Path) -> None:
    from reader.core.engine.warmup import EngineWarmup
    from reader.core.errors import InputError
    from reader.ui.app import run_app

    warmup = EngineWarmup()
    child = warmup.pid
    warmup.cancel()
    assert warmup.pid is None and child not in _children()
    before = _children()
    with pytest.raises(InputError):
        run_app(str(tmp_path / "missing.txt"))
    assert _children() <= before  # the child forked for it is gone


def test_the_view_can_take_what_has_arrived_and_the_worker_the_rest(reader_home: Path) -> None:
    """`take_ready` (the view, as it mounts) and `results` (its worker) share the paragraphs:
    each arrives exactly once, in order."""
    document = load_text(TEXT + "六")
    waited = FirstScreenPrefetch(annotate(document), range(3))
    taken = waited.take_ready(30.0)  # the child writes all three well within this
    assert [p.index for p in taken] == [0, 1, 2]
    assert list(waited.results()) == []
    assert waited._child not in _children()  # reaped once the pipe closed
    annotate(document).put(taken)  # as the reading view does

    cached = FirstScreenPrefetch(annotate(document), range(3))
    assert cached._cached is not None
    assert [p.tokens for p in cached.take_ready(0.0)] == [p.tokens for p in taken]
    assert list(cached.results()) == []

    rules = UserDictionary.load()
    rules.add_join("今天去")  # a new cache key: annotated by a child again
    rules.save()
    hurried = FirstScreenPrefetch(annotate(document), range(3))
    first = hurried.take_ready(0.0)  # likely nothing yet; whatever came is not given twice
    rest = list(hurried.results())
    assert [p.index for p in first + rest] == [0, 1, 2]
