"""The learner's segmentation fixes (`data/user_words.txt`): join and split rules.

The file is the learner's: it is edited line by line under a lock, never regenerated
(`UserDictionary.save`). The segmenter applies the rules after its own segmentation
(`reader.core.engine.segment`), and they win over it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader import paths
from reader.core.errors import StorageError
from reader.core.files import edit_locked

_USER_DICTIONARY_HEADER = """\
# reader user dictionary: your segmentation fixes, one rule per line.
#   join WORD            always keep WORD as one token
#   split WORD PART ...  always split WORD into these parts (they must spell WORD)
# Words match in their original or Simplified form. Lines starting with # are comments;
# a comment after a rule says where it was made (the app writes it; the rules screen shows it).
"""
_BOM = "\ufeff"
_WHAT = "your split/join rules"


@dataclass(frozen=True, slots=True)
class Rule:
    """One of the learner's rules: keep `word` whole (`parts` None) or split it into `parts`."""

    word: str
    parts: tuple[str, ...] | None
    origin: str = ""
    """Where and when it was made ("2026-12-05 14:20 · title · sentence"): its line's comment."""

    @property
    def line(self) -> str:
        rule = (
            f"join {self.word}"
            if self.parts is None
            else f"split {self.word} {' '.join(self.parts)}"
        )
        return f"{rule}  # {self.origin}" if self.origin else rule


class UserDictionary:
    """The learner's segmentation fixes, kept in a small text file they may edit too.

    Changes (`add_join`, `add_split`, `remove`) apply in memory at once; `save` edits the
    file in place under the lock instances share: the file is read again, only the lines of
    the words changed here are replaced or added, and every other line (comments, lines this
    version does not understand, another instance's rules) stays byte for byte.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._joins: dict[str, None] = {}  # dicts keep insertion order
        self._splits: dict[str, tuple[str, ...]] = {}
        self._origins: dict[str, str] = {}  # word -> where its rule was made
        # Changed here since the file was read: word -> its rule line, or None (removed).
        self._edits: dict[str, str | None] = {}
        self.ignored_lines = 0
        # Why the file could not be read; then it is never written over.
        self.problem: str | None = None
        # Loaded from paths.user_dictionary_file(): reloading looks the location up again.
        self.default_location = False

    @classmethod
    def load(cls, path: Path | None = None) -> UserDictionary:
        """Read the file (default: the data dir's); a missing file is an empty dictionary.

        Lines that are not a valid rule are skipped and counted in `ignored_lines`. A file
        that cannot be read or is not UTF-8 gives the rules that can be read, sets `problem`
        and is reported once (`reader.core.notices`); `save` then refuses to touch it.
        """
        from reader.core import notices

        dictionary = cls(path if path is not None else paths.user_dictionary_file())
        dictionary.default_location = path is None
        file = dictionary.path
        assert file is not None
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            return dictionary
        except OSError as error:
            dictionary.problem = f"cannot be read ({error.strerror or error})"
            data = b""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            dictionary.problem = f"is not UTF-8 (a bad byte at offset {error.start})"
            text = data.decode("utf-8", errors="replace")
        dictionary._read_rules(text)
        if dictionary.problem is not None:
            notices.report(
                f"{file} {dictionary.problem}: the rules that could be read are used, and "
                "new splits and joins are not saved until it is fixed"
            )
        return dictionary

    @classmethod
    def from_text(cls, text: str) -> UserDictionary:
        """The rules a file with this text holds (not tied to any file)."""
        dictionary = cls()
        dictionary._read_rules(text)
        return dictionary

    def _read_rules(self, text: str) -> None:
        self._joins.clear()
        self._splits.clear()
        self._origins.clear()
        self.ignored_lines = 0
        for line in text.removeprefix(_BOM).splitlines():
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            rule = _parse_rule(stripped)
            if rule is None:
                self.ignored_lines += 1
            elif rule[1] is None:
                self._set_join(rule[0])
            else:
                self._set_split(rule[0], rule[1])
            if rule is not None:
                self._origins[rule[0]] = _comment_of(stripped)

    def rules(self) -> list[Rule]:
        """Every rule, in the file's order (joins, then splits), with where it was made."""
        return [rule for word in (*self._joins, *self._splits) if (rule := self.rule(word))]

    def rule(self, word: str) -> Rule | None:
        """The rule for `word` now (None: the segmenter decides)."""
        word = word.strip()
        origin = self._origins.get(word, "")
        if word in self._joins:
            return Rule(word, None, origin)
        if word in self._splits:
            return Rule(word, self._splits[word], origin)
        return None

    def put(self, rule: Rule) -> None:
        """Make `rule` the rule for its word (what undoing a change or a removal puts back)."""
        if rule.parts is None:
            self.add_join(rule.word, origin=rule.origin)
        else:
            self.add_split(rule.word, rule.parts, origin=rule.origin)

    @property
    def joins(self) -> tuple[str, ...]:
        return tuple(self._joins)

    @property
    def splits(self) -> dict[str, tuple[str, ...]]:
        return dict(self._splits)

    def add_join(self, word: str, *, origin: str = "") -> None:
        """Always keep `word` as one token (replaces a split rule for the same word);
        `origin` says where it was made (kept as the line's comment)."""
        word = self._set_join(word)
        self._edits[word] = self._noted(Rule(word, None, _one_line(origin)))

    def add_split(self, word: str, parts: Sequence[str], *, origin: str = "") -> None:
        """Always split `word` into `parts` (replaces a join rule for the same word)."""
        word, clean_parts = self._set_split(word, parts)
        self._edits[word] = self._noted(Rule(word, clean_parts, _one_line(origin)))

    def _noted(self, rule: Rule) -> str:
        self._origins[rule.word] = rule.origin
        return rule.line

    def remove(self, word: str) -> None:
        """Forget any rule for `word` (no error if there is none)."""
        word = word.strip()
        self._joins.pop(word, None)
        self._splits.pop(word, None)
        self._origins.pop(word, None)
        self._edits[word] = None

    def _set_join(self, word: str) -> str:
        word = word.strip()
        if len(word) < 2 or any(ch.isspace() for ch in word):
            raise ValueError(f"cannot join {word!r}: need two or more non-space characters")
        self._splits.pop(word, None)
        self._joins[word] = None
        return word

    def _set_split(self, word: str, parts: Sequence[str]) -> tuple[str, tuple[str, ...]]:
        word = word.strip()
        clean_parts = tuple(part for part in parts if part)
        if len(clean_parts) < 2 or "".join(clean_parts) != word:
            raise ValueError(f"cannot split {word!r} into {list(parts)!r}: parts must spell it")
        if any(ch.isspace() for ch in word):
            raise ValueError(f"cannot split {word!r}: words have no spaces")
        self._joins.pop(word, None)
        self._splits[word] = clean_parts
        return word, clean_parts

    def save(self) -> None:
        """Write the changes made here into the file (see the class); afterwards this holds
        the file's rules, another instance's included. Raises StorageError when the file
        cannot be written, or cannot be read and so must not be written over."""
        file = self.path if self.path is not None else paths.user_dictionary_file()
        if self.problem is not None:
            raise StorageError(f"{file} {self.problem}; {_WHAT} are not saved until it is fixed")
        edits = dict(self._edits)
        saved: list[str] = []

        def edit(current: bytes | None) -> bytes:
            try:
                text = _USER_DICTIONARY_HEADER if current is None else current.decode("utf-8")
            except UnicodeDecodeError as error:
                raise StorageError(
                    f"{file} is not UTF-8 (a bad byte at offset {error.start}); {_WHAT} are "
                    "not saved until it is fixed"
                ) from None
            saved.append(_edited_rules(text, edits))
            return saved[0].encode("utf-8")

        edit_locked(file, edit, _WHAT)
        self._edits.clear()
        self._read_rules(saved[0])

    def unsaved_fingerprint(self) -> bytes:
        """The changes made here and not yet in the file (empty when everything is saved)."""
        return "\n".join(
            f"{word}={rule}" for word, rule in sorted(self._edits.items(), key=str)
        ).encode()

    def __bool__(self) -> bool:
        return bool(self._joins or self._splits)


def _comment_of(line: str) -> str:
    """The comment after a rule ("join 中美關係  # made in …" -> "made in …")."""
    _, mark, comment = line.partition(" #")
    return comment.strip() if mark else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _parse_rule(line: str) -> tuple[str, tuple[str, ...] | None] | None:
    """(word, parts) of a split rule, (word, None) of a join rule, None if not a valid rule.
    A comment after the rule (" # …") is not part of it."""
    if "\ufffd" in line:  # a byte that was not UTF-8: never guess what the rule meant
        return None
    fields = line.partition(" #")[0].split()
    if not fields:
        return None
    command, arguments = fields[0].lower(), fields[1:]
    probe = UserDictionary()
    try:
        if command == "join" and len(arguments) == 1:
            return probe._set_join(arguments[0]), None
        if command == "split" and len(arguments) >= 3:
            return probe._set_split(arguments[0], arguments[1:])
    except ValueError:
        return None
    return None


def _edited_rules(text: str, edits: Mapping[str, str | None]) -> str:
    """`text` with the rule lines of each edited word replaced by its new rule (at the
    first of them; the others dropped) or removed; rules for new words are appended. Every
    other line is kept byte for byte, line ends included."""
    bom = _BOM if text.startswith(_BOM) else ""
    lines = text.removeprefix(_BOM).splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    kept: list[str] = []
    written: set[str] = set()
    for line in lines:
        stripped = line.strip()
        rule = _parse_rule(stripped) if stripped and not stripped.startswith("#") else None
        if rule is None or rule[0] not in edits:
            kept.append(line)
            continue
        new_rule = edits[rule[0]]
        if new_rule is not None and rule[0] not in written:
            kept.append(new_rule + (line[len(line.rstrip("\r\n")) :] or newline))
            written.add(rule[0])
    added = [rule for word, rule in edits.items() if rule is not None and word not in written]
    if added and kept and not kept[-1].endswith(("\n", "\r")):
        kept[-1] += newline
    kept.extend(rule + newline for rule in added)
    return bom + "".join(kept)
