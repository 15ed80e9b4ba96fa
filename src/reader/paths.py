"""Every config, data and cache path in one place.

`READER_HOME`, when set, redirects all of them below one directory, so tests and
checks never touch the user's real files. Directories are created on first use.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from reader.core.errors import ReaderError

APP_NAME = "reader"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _home_override() -> Path | None:
    home = os.environ.get("READER_HOME")
    return Path(home).expanduser() if home else None


def _ensure(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # READER_HOME is a file, a read-only folder...
        reason = error.strerror or error.__class__.__name__
        raise ReaderError(
            f"cannot create the folder {path} ({reason}); check its parent, or set READER_HOME "
            "to a writable folder"
        ) from None
    return path


def config_dir() -> Path:
    home = _home_override()
    return _ensure(home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME)))


def data_dir() -> Path:
    home = _home_override()
    return _ensure(home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME)))


def cache_dir() -> Path:
    home = _home_override()
    return _ensure(home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME)))


def config_file() -> Path:
    return config_dir() / "config.toml"


def user_dictionary_file() -> Path:
    """Segmentation overrides the learner made (split / join), one rule per line."""
    return data_dir() / "user_words.txt"


def screenshots_dir() -> Path:
    """Where the command palette's "Screenshot" saves its SVG files."""
    return _ensure(data_dir() / "screenshots")


def _bundled(name: str) -> Path:
    """A folder shipped with the project: inside the wheel, or at the repository root
    for an editable install / source checkout."""
    inside_wheel = _PACKAGE_DIR / "_bundled" / name
    if inside_wheel.is_dir():
        return inside_wheel
    return _PACKAGE_DIR.parent.parent / name


def bundled_cedict() -> Path:
    return _bundled("dictionaries") / "cedict_ts.u8.gz"


def dictionaries_dir() -> Path:
    return _bundled("dictionaries")


def seed_document() -> Path:
    """The default document: the bundled Hong Kong newspaper article."""
    return sorted(_bundled("seeds").glob("*.txt"))[0]
