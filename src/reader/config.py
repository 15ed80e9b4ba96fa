"""The learner's settings: display toggles remembered between sessions, and key remapping.

Stored as TOML in `paths.config_file()`:

    [display]
    pinyin = "all"            # all | unknown | off
    script = "original"       # original | simplified | both
    tone_colours = "standard" # standard | pleco | off
    pinyin_style = "marks"    # marks | numbers | zhuyin
    view = "continuous"       # continuous | focus
    theme = "nord"            # any Textual theme (command palette: Change theme)

    [keys]
    # binding id = "key[,key...]"; ids are listed on the help screen (? or F1)
    "reading.next_paragraph" = "j,down"

Only the standard library is imported here: the app reads this before Textual starts.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from reader import paths
from reader.core.errors import ReaderError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


class PinyinDisplay(str, Enum):
    """Which words show pinyin above them: all, only words not yet known (never saved, new or
    learning), or none."""

    ALL = "all"
    UNKNOWN = "unknown"
    OFF = "off"


class ScriptDisplay(str, Enum):
    """Which script the hanzi row shows; BOTH adds a Simplified row under the original."""

    ORIGINAL = "original"
    SIMPLIFIED = "simplified"
    BOTH = "both"


class ToneColours(str, Enum):
    """Tone colour scheme: STANDARD = 1 red, 2 orange, 3 green, 4 blue (as Zhongwen);
    PLECO = 1 red, 2 green, 3 blue, 4 purple; neutral tone grey in both."""

    STANDARD = "standard"
    PLECO = "pleco"
    OFF = "off"


class PinyinNotation(str, Enum):
    """How syllables are written; the values match `reader.core.pinyin.PinyinStyle`."""

    MARKS = "marks"
    NUMBERS = "numbers"
    ZHUYIN = "zhuyin"


class ViewMode(str, Enum):
    """CONTINUOUS scrolls through the whole text; FOCUS shows one paragraph, centred."""

    CONTINUOUS = "continuous"
    FOCUS = "focus"


DEFAULT_THEME = "nord"  # calm colours for a long read

EnumT = TypeVar("EnumT", bound=Enum)


def next_value(value: EnumT) -> EnumT:
    """The member after `value` in declaration order, wrapping round (toggles are cycles)."""
    members = list(type(value))
    return members[(members.index(value) + 1) % len(members)]


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the learner can set; defaults suit a first session."""

    pinyin: PinyinDisplay = PinyinDisplay.ALL
    """Pinyin above every word, only above words not marked known (or ignored), or none."""
    script: ScriptDisplay = ScriptDisplay.ORIGINAL
    """Hanzi as written, converted to Simplified, or both (Simplified on a line under)."""
    tone_colours: ToneColours = ToneColours.STANDARD
    """Colour of each syllable by its tone."""
    pinyin_style: PinyinNotation = PinyinNotation.MARKS
    """Tone marks (zhōng), tone numbers (zhong1) or zhuyin (ㄓㄨㄥ)."""
    view: ViewMode = ViewMode.CONTINUOUS
    """Continuous scrolling or one paragraph at a time."""
    theme: str = DEFAULT_THEME
    """A Textual theme name (pick one with "Change theme" in the command palette)."""
    keys: tuple[tuple[str, str], ...] = field(default=())
    """Key remapping: (binding id, "key[,key...]") pairs from the [keys] table."""

    @property
    def keymap(self) -> dict[str, str]:
        return dict(self.keys)


_DISPLAY_FIELDS: dict[str, type[Enum]] = {
    "pinyin": PinyinDisplay,
    "script": ScriptDisplay,
    "tone_colours": ToneColours,
    "pinyin_style": PinyinNotation,
    "view": ViewMode,
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
            return data
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ReaderError(
            f"cannot read the config file {path}: {error} (fix it or delete it)"
        ) from error


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings; a missing file gives the defaults, an unknown value keeps its default.

    Raises ReaderError (one line) when the file is not valid TOML.
    """
    data = _read_toml(path or paths.config_file())
    display = data.get("display", {})
    values: dict[str, Any] = {}
    if isinstance(display, Mapping):
        for name, enum_type in _DISPLAY_FIELDS.items():
            raw = display.get(name)
            try:
                values[name] = enum_type(raw)
            except ValueError:
                continue
    if isinstance(display, Mapping) and isinstance(display.get("theme"), str):
        values["theme"] = display["theme"]
    keys = data.get("keys", {})
    if isinstance(keys, Mapping):
        values["keys"] = tuple(
            (str(binding_id), str(key_list))
            for binding_id, key_list in keys.items()
            if isinstance(key_list, str) and key_list.strip()
        )
    return Settings(**values)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def dump_settings(settings: Settings) -> str:
    lines = ["# reader settings; the display toggles are saved whenever you change them", ""]
    lines.append("[display]")
    for name in _DISPLAY_FIELDS:
        lines.append(f"{name} = {_toml_string(getattr(settings, name).value)}")
    lines.append(f"theme = {_toml_string(settings.theme)}")
    lines.append("")
    lines.append("[keys]")
    lines.append('# binding id = "key[,key...]", e.g. "reading.next_paragraph" = "j,down"')
    for binding_id, key_list in settings.keys:
        lines.append(f"{_toml_string(binding_id)} = {_toml_string(key_list)}")
    return "\n".join(lines) + "\n"


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically (a crash never leaves half a file)."""
    target = path or paths.config_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".config-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(dump_settings(settings))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
