"""The learner's settings: display toggles remembered between sessions, and key remapping.

Stored as TOML in `paths.config_file()`:

    [display]
    pinyin = "all"            # all | unknown | off
    script = "original"       # original | traditional | simplified | both
    tone_colours = "standard" # standard | pleco | off
    pinyin_style = "marks"    # marks | numbers | zhuyin
    view = "continuous"       # continuous | focus
    tones = "standard"        # standard (péngyou, neutral tones) | full (péngyǒu, Taiwan-style)
    tone_changes = "off"      # off | on (一 不 and third-tone sandhi: yí gè, bú shì, níhǎo)
    theme = "nord"            # any Textual theme (command palette: Change theme)

    [keys]
    # binding id = "key[,key...]"; ids are listed on the help screen (? or F1)
    "reading.next_paragraph" = "j,down"

Only the standard library is imported to read it (the app reads it before Textual starts);
saving edits the file with tomlkit, so the learner's comments and order survive.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from reader import paths
from reader.core.engine.syllables import PinyinStyle
from reader.core.errors import StorageError
from reader.core.files import edit_locked, too_deep

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
    """Which script the hanzi row shows: as written, converted to Traditional or Simplified;
    BOTH adds the other script's form under the original where it differs."""

    ORIGINAL = "original"
    TRADITIONAL = "traditional"
    SIMPLIFIED = "simplified"
    BOTH = "both"


class ToneColours(str, Enum):
    """Tone colour scheme: STANDARD = 1 red, 2 orange, 3 green, 4 blue (as Zhongwen);
    PLECO = 1 red, 2 green, 3 blue, 4 purple; neutral tone grey in both."""

    STANDARD = "standard"
    PLECO = "pleco"
    OFF = "off"


class ToneStyle(str, Enum):
    """Which tones a reading shows: STANDARD = the mainland standard learners are taught, neutral
    tones included (péngyou, dōngxi, rènshi); FULL = every syllable with its own tone, as
    Taiwan-style citation writes it (péngyǒu, dōngxī, rènshì); particles (了 的 嗎) stay
    neutral in both."""

    STANDARD = "standard"
    FULL = "full"


class ToneChanges(str, Enum):
    """Whether readings show tone changes as spoken: 一 and 不 before another syllable (yí gè,
    yìqǐ, bú shì) and a third tone before another (nǐhǎo said níhǎo). OFF shows each syllable's
    own tone, as dictionaries do."""

    OFF = "off"
    ON = "on"


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
    """Hanzi as written, converted to Traditional or to Simplified, or both (the other
    script's form on a line under, where it differs)."""
    tone_colours: ToneColours = ToneColours.STANDARD
    """Colour of each syllable by its tone."""
    pinyin_style: PinyinStyle = PinyinStyle.MARKS
    """Tone marks (zhōng), tone numbers (zhong1) or zhuyin (ㄓㄨㄥ)."""
    view: ViewMode = ViewMode.CONTINUOUS
    """Continuous scrolling or one paragraph at a time."""
    tones: ToneStyle = ToneStyle.STANDARD
    """The mainland standard's neutral tones (péngyou) or every syllable's full tone (péngyǒu)."""
    tone_changes: ToneChanges = ToneChanges.OFF
    """Show tone changes as spoken (一 不 and third-tone sandhi), or each syllable's own tone."""
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
    "pinyin_style": PinyinStyle,
    "view": ViewMode,
    "tones": ToneStyle,
    "tone_changes": ToneChanges,
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


def line_of(text: str, key: str, table: str | None = None) -> int | None:
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
        text = target.read_text(encoding="utf-8-sig")  # a byte-order mark is no problem
    except FileNotFoundError:
        return Settings(), ()
    except (OSError, UnicodeDecodeError) as error:
        return Settings(), (ConfigProblem(target, None, f"cannot be read ({error})"),)
    if too_deep(text):
        message = "nested too deeply to be a reader config; using the default settings"
        return Settings(), (ConfigProblem(target, None, message),)
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
                ConfigProblem(target, line_of(text, name), f"unknown setting '{name}' (ignored)")
            )
    display = data.get("display", {})
    if isinstance(display, Mapping):
        for name, raw in display.items():
            line = line_of(text, name, "display")
            if name == "theme":
                if isinstance(raw, str) and raw.strip():
                    values["theme"] = raw.strip()
                else:
                    message = f"theme = {raw!r} is not a theme name (ignored)"
                    problems.append(ConfigProblem(target, line, message))
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
                        line_of(text, str(binding_id), "keys"),
                        f"keys for '{binding_id}' must be a string like \"j,down\" (ignored)",
                    )
                )
        values["keys"] = tuple(remapped)
    return Settings(**values), tuple(problems)


def load_settings(path: Path | None = None) -> Settings:
    """The settings, defaults wherever the file cannot be used (see `read_settings`); each
    problem is said once (`reader.core.notices`: a command prints it as a warning)."""
    from reader.core import notices

    settings, problems = read_settings(path)
    for problem in problems:
        notices.report(f"config file {problem}; the default is used")
    return settings


def config_text(path: Path) -> str:
    """The config file's text, to say where a problem is ("" if it cannot be read)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""


def unknown_theme_problems(
    settings: Settings, known_themes: Iterable[str], path: Path | None = None
) -> tuple[ConfigProblem, ...]:
    """The theme named in the file, when no such theme exists (the default is used)."""
    if settings.theme in set(known_themes):
        return ()
    target = path or paths.config_file()
    text = config_text(target)
    message = f"there is no theme '{settings.theme}' (using {DEFAULT_THEME}; Ctrl+P lists them)"
    return (ConfigProblem(target, line_of(text, "theme", "display"), message),)


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def dump_settings(settings: Settings) -> str:
    """A whole config file for `settings` (what a first save writes; later saves edit it)."""
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


def changed_fields(before: Settings, after: Settings) -> tuple[str, ...]:
    """The names of the settings that differ (what a save writes)."""
    return tuple(name for name in _SAVED_FIELDS if getattr(before, name) != getattr(after, name))


_SAVED_FIELDS = (*_DISPLAY_FIELDS, "theme", "keys")
_BOM = "\ufeff"


def save_settings(
    settings: Settings, path: Path | None = None, *, previous: Settings | None = None
) -> None:
    """Save `settings` by editing the config file in place (tomlkit: the learner's comments,
    order and other keys stay as they are).

    Only what changed since `previous` is written (every setting when it is None), under the
    lock instances share and into the file as it is now, so two instances never undo each
    other's changes. A file that is not valid TOML (or whose [display]/[keys] is not a
    table) is never written over. Raises StorageError when the settings cannot be saved.
    """
    target = path or paths.config_file()
    names = _SAVED_FIELDS if previous is None else changed_fields(previous, settings)
    if not names:
        return

    def edit(current: bytes | None) -> bytes:
        import tomlkit
        from tomlkit.exceptions import TOMLKitError

        text = dump_settings(Settings()) if current is None else _decode(current, target)
        bom = text.startswith(_BOM)
        try:
            if too_deep(text):
                raise ValueError("nested too deeply")
            document = tomlkit.parse(text.removeprefix(_BOM))
            display = _table(document, "display")
            for name in names:
                if name == "keys":
                    keys = _table(document, "keys")
                    dropped = [b for b, _ in previous.keys] if previous is not None else []
                    for binding_id in dropped:
                        if binding_id in keys and binding_id not in settings.keymap:
                            del keys[binding_id]
                    for binding_id, key_list in settings.keys:
                        keys[binding_id] = key_list
                elif name == "theme":
                    display["theme"] = settings.theme
                else:
                    display[name] = getattr(settings, name).value
        except (TOMLKitError, ValueError) as error:
            raise StorageError(
                f"{target} cannot be edited ({error}); your settings are not saved until "
                "it is fixed"
            ) from None
        return ((_BOM if bom else "") + tomlkit.dumps(document)).encode("utf-8")

    edit_locked(target, edit, "your settings")


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StorageError(
            f"{path} is not UTF-8 (byte {error.start}); your settings are not saved until it "
            "is fixed"
        ) from None


def _table(document: Any, name: str) -> Any:
    """The [name] table of a tomlkit document, added at the end if missing."""
    import tomlkit

    if name not in document:
        document.add(name, tomlkit.table())
    table = document[name]
    if not isinstance(table, Mapping):
        raise ValueError(f"'{name}' is not a table")
    return table
