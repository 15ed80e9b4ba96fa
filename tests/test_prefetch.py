"""The first screen is annotated in a child process and cached for the next opening."""

from __future__ import annotations

from pathlib import Path

from reader import paths
from reader.core.loader import load_text
from reader.core.pipeline import Annotator, annotate
from reader.core.segment import Segmenter, UserDictionary
from reader.ui.prefetch import FirstScreenPrefetch

TEXT = "我們今天去公園散步。\n\n天氣很好，大家都很高興。\n\n明天再見。\n"


def _prefetch(marker: str) -> tuple[FirstScreenPrefetch, list[str]]:
    """`marker` makes each test's document (and so its cache entry) its own: the dictionary
    cache directory is shared by the whole test session."""
    document = load_text(TEXT + marker)
    # A segmenter reading THIS test's rules (the process-wide one may be older).
    annotator = Annotator(segmenter=Segmenter(UserDictionary.load()))
    prefetch = FirstScreenPrefetch(annotate(document, annotator), range(2))
    texts = ["|".join(t.text for t in p.tokens) for p in prefetch.results()]
    return prefetch, texts


def test_child_annotates_then_reopening_reads_the_cache(reader_home: Path) -> None:
    first, first_texts = _prefetch("一")
    assert first._child is not None  # annotated by a forked child
    assert first_texts[0].replace("|", "") == "我們今天去公園散步。"
    assert len(first_texts) == 2
    assert first._cache_path.parent == paths.cache_dir() / "first-screen"
    assert first._cache_path.exists()

    second, second_texts = _prefetch("一")
    assert second._child is None  # nothing forked: served from the cache
    assert second_texts == first_texts


def test_a_segmentation_fix_invalidates_the_cache(reader_home: Path) -> None:
    before, _ = _prefetch("二")
    rules = UserDictionary.load()
    rules.add_join("公園散步")
    rules.save()
    again, texts = _prefetch("二")
    assert again._child is not None
    assert again._cache_path != before._cache_path
    assert "公園散步" in texts[0].split("|")


def test_a_cache_for_other_text_is_never_shown(reader_home: Path) -> None:
    first, _ = _prefetch("三")
    cache_file = first._cache_path
    cache_file.write_text(cache_file.read_text("utf-8").replace("公園", "花園"), "utf-8")
    again, texts = _prefetch("三")
    assert again._child is not None
    assert texts[0].replace("|", "") == "我們今天去公園散步。"
