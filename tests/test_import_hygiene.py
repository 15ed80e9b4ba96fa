"""Every module imports on its own, in a fresh interpreter (so no import works only because
another module was imported first); reader.core is usable without a terminal: none of its
modules may pull in textual or rich. (Cycles: test_import_graph.py.)"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import reader

# reader.__main__ runs the command (`python -m reader`): importing it is running it.
ALL_MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(reader.__path__, prefix="reader.")
    if info.name != "reader.__main__"
)
CORE_MODULES = [module for module in ALL_MODULES if module.startswith("reader.core.")]


def test_core_has_modules() -> None:
    assert "reader.core.engine.pipeline" in CORE_MODULES
    assert "reader.core.learner.vocab" in CORE_MODULES
    assert "reader.core.models" in CORE_MODULES


@pytest.mark.slow
@pytest.mark.parametrize("module", ALL_MODULES)
def test_each_module_imports_alone_and_core_imports_no_ui(module: str) -> None:
    probe = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in ('textual', 'rich') if m in sys.modules); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} does not import alone:\n{result.stderr}"
    if module in CORE_MODULES:
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
        " 'reader.core.engine.lattice', 'reader.core.engine.polyphone_model',"
        " 'reader.core.dictionary.cedict')\n"
        "print(','.join(m for m in engine if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
