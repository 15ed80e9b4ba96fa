"""reader.core is usable without a terminal: none of its modules may pull in textual or rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import reader.core

CORE_MODULES = sorted(
    info.name for info in pkgutil.walk_packages(reader.core.__path__, prefix="reader.core.")
)


def test_core_has_modules() -> None:
    assert "reader.core.engine.pipeline" in CORE_MODULES
    assert "reader.core.learner.vocab" in CORE_MODULES
    assert "reader.core.models" in CORE_MODULES


@pytest.mark.slow
@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_ui(module: str) -> None:
    probe = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in ('textual', 'rich') if m in sys.modules); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"


@pytest.mark.slow
def test_importing_reader_does_not_import_textual() -> None:
    probe = "import sys, reader, reader.cli.main; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.slow
def test_the_reading_screen_draws_pinyin_without_loading_the_engine() -> None:
    """The parent process paints while a child loads the engine: it must not load it too."""
    probe = (
        "import sys\n"
        "from reader.core.engine.syllables import PinyinStyle\n"
        "from reader.ui.reader_app import ReaderApp\n"
        "from reader.ui.screens.reading import ReadingScreen\n"
        "from reader.ui.widgets.reading_layout import display_word\n"
        "assert display_word(('xi1', 'an1'), PinyinStyle.MARKS) == (('xī', 1), (\"'ān\", 1))\n"
        "engine = ('reader.core.engine.pinyin', 'reader.core.engine.segment',"
        " 'reader.core.dictionary.cedict')\n"
        "print(','.join(m for m in engine if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
