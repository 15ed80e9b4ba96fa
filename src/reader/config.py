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

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from reader import paths
from reader.core.files import atomic_write_text

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
    """How syllables are written; the values match `reader.core.engine.pinyin.PinyinStyle`."""

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


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """Something in the config file that was not used, and where it is."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        # The line first: a long path wraps in a notification, "line N" stays together.
        where = f"line {self.line} of {self.path}" if self.line else str(self.path)
        return f"{where}: {self.message}"


_TOML_ERROR_LINE = re.compile(r"\(at line (\d+)")


def _line_of(text: str, key: str, table: str | None = None) -> int | None:
    """The 1-based line where `key` is set (inside `[table]` when given), or `[key]` is opened."""
    in_table = table is None
    key_pattern = re.compile(rf'^\s*["\']?{re.escape(key)}["\']?\s*=')
    table_pattern = re.compile(rf'^\s*\[\s*["\']?{re.escape(table or key)}["\']?\s*\]')
    for number, line in enumerate(text.splitlines(), start=1):
        if table is None and table_pattern.match(line):
            return number
        if table is not None and line.lstrip().startswith("["):
            in_table = bool(table_pattern.match(line))
        elif in_table and key_pattern.match(line):
            return number
    return None


def read_settings(path: Path | None = None) -> tuple[Settings, tuple[ConfigProblem, ...]]:
    """The settings, and every problem met reading them.

    A missing file gives the defaults. Anything unusable — a file that is not valid TOML, an
    unknown table or key, a value out of range — keeps its default and is reported with its
    line, so the learner can fix the file; nothing here ever writes it.
    """
    target = path or paths.config_file()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), ()
    except (OSError, UnicodeDecodeError) as error:
        return Settings(), (ConfigProblem(target, None, f"cannot be read ({error})"),)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = _TOML_ERROR_LINE.search(str(error))
        line = int(found.group(1)) if found else None
        reason = _TOML_ERROR_LINE.split(str(error))[0].strip()
        message = f"not valid TOML ({reason}); using the default settings"
        return Settings(), (ConfigProblem(target, line, message),)

    problems: list[ConfigProblem] = []
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in ("display", "keys") or not isinstance(value, Mapping):
            problems.append(
                ConfigProblem(target, _line_of(text, name), f"unknown setting '{name}' (ignored)")
            )
    display = data.get("display", {})
    if isinstance(display, Mapping):
        for name, raw in display.items():
            line = _line_of(text, name, "display")
            if name == "theme" and isinstance(raw, str):
                values["theme"] = raw
            elif name not in _DISPLAY_FIELDS:
                problems.append(ConfigProblem(target, line, f"unknown setting '{name}' (ignored)"))
            else:
                enum_type = _DISPLAY_FIELDS[name]
                try:
                    values[name] = enum_type(raw)
                except ValueError:
                    allowed = " | ".join(member.value for member in enum_type)
                    problems.append(
                        ConfigProblem(target, line, f"{name} = {raw!r} is not one of {allowed}")
                    )
    keys = data.get("keys", {})
    if isinstance(keys, Mapping):
        remapped = []
        for binding_id, key_list in keys.items():
            if isinstance(key_list, str) and key_list.strip():
                remapped.append((str(binding_id), key_list))
            else:
                problems.append(
                    ConfigProblem(
                        target,
                        _line_of(text, str(binding_id), "keys"),
                        f"keys for '{binding_id}' must be a string like \"j,down\" (ignored)",
                    )
                )
        values["keys"] = tuple(remapped)
    return Settings(**values), tuple(problems)


def load_settings(path: Path | None = None) -> Settings:
    """The settings, defaults wherever the file cannot be used (see `read_settings`)."""
    return read_settings(path)[0]


def unknown_binding_problems(
    settings: Settings, known_ids: set[str], path: Path | None = None
) -> tuple[ConfigProblem, ...]:
    """Remapped binding ids that no screen has (a typo would otherwise do nothing, silently)."""
    target = path or paths.config_file()
    unknown = [binding_id for binding_id, _ in settings.keys if binding_id not in known_ids]
    if not unknown:
        return ()
    try:
        text = target.read_text(encoding="utf-8")
    except OSError:
        text = ""
    return tuple(
        ConfigProblem(
            target,
            _line_of(text, binding_id, "keys"),
            f"no action has the id '{binding_id}' (ignored; the help screen lists the ids)",
        )
        for binding_id in unknown
    )


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


def save_settings(settings: Settings, path: Path | None = None) -> bool:
    """Write the settings atomically (a crash never leaves half a file).

    A file with problems (see `read_settings`) is the learner's to fix: it is left as it is
    and False is returned, so a toggle never wipes out what they wrote.
    """
    target = path or paths.config_file()
    if read_settings(target)[1]:
        return False
    atomic_write_text(target, dump_settings(settings))
    return True
