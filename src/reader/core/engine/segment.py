"""Word segmentation as spans over the ORIGINAL text.

The Han stretches are segmented in their Simplified form (`to_simplified`, character-aligned),
because the segmenter's word statistics are Simplified: on Traditional text it splits
中美關/係 and 外交部/長. Spans found on the Simplified text are valid on the original text
because both have the same length. Everything else (numbers, Latin words, punctuation,
spaces, emoji) is classified by character class, so the spans cover every character.

The tokens are the words a learner looks up (issue 11): CC-CEDICT entries in either script,
HSK words and names stay whole (因此, 委员会, 一会儿), compositional strings are split (两/个,
他/的/书, 人口/密度). The model learned that convention from treebank text converted to it
(tools/build_segmentation_model.py). Lexicon words no learner list has (jieba's 更好, 最大)
are shown as the CC-CEDICT words that spell them (`HanLattice.dictionary_split`), names and
numbers excepted, so the learner can look every piece up. The learner's fixes
(`UserDictionary`) are applied after the base segmentation and win over that.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from reader import paths
from reader.core.dictionary.senses import ABBREVIATED_NAMES
from reader.core.engine.convert import to_simplified
from reader.core.engine.tables import LazyTable, read_tables
from reader.core.errors import StorageError
from reader.core.files import edit_locked
from reader.core.models import TokenKind
from reader.core.text.han import HAN_CLASS, is_han_char

if TYPE_CHECKING:
    from reader.core.dictionary.cedict import Dictionary

Span = tuple[int, int, TokenKind]
V = TypeVar("V")

# --- character classes -------------------------------------------------------------------

_HAN_CLASS = f"[{HAN_CLASS}]"  # what Han is: reader.core.text.han
_DIGIT = "[0-9\uff10-\uff19]"
_LETTER = (
    "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"
    "\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]"
)
_MARK = "[\u0300-\u036f]"
# 2,200 and 22.5: a comma only before exactly three digits, a point only before digits; a
# currency before it (HK$1,234.50, US$5, €3) belongs to the amount.
_NUMBER = (
    rf"(?:[A-Z]{{1,3}}\$|[$€£¥￥])?{_DIGIT}+(?:,{_DIGIT}{{3}}(?!{_DIGIT})|[.\uff0e]{_DIGIT}+)*"
)
_LETTERS = rf"{_LETTER}(?:{_LETTER}|{_MARK})*"
# Issue 15: a non-Han run is one token, never broken inside: letters and numbers side by side
# or joined by a hyphen, apostrophe, point, slash or ampersand (COVID-19, 7-Eleven, iPhone15,
# don't, km/h, AT&T); URLs and e-mail addresses whole, a closing . , ) after them left out.
_NON_HAN_UNIT = rf"(?:{_NUMBER}|{_LETTERS})"
_TOKEN_PATTERN = re.compile(
    rf"(?P<han>{_HAN_CLASS}+)"
    r"|(?P<url>(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[!-~]*[A-Za-z0-9/#=_~%&+\-])"
    r"|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    rf"|(?P<latin>{_NON_HAN_UNIT}(?:[-–'’./&]?{_NON_HAN_UNIT})*)"
    r"|(?P<space>\s+)"
    r"|(?P<run>(?P<repeated>[…⋯—－\-~～.·])(?P=repeated)+)"  # …… —— stay one token
    r"|(?P<char>.)",
    re.DOTALL,
)
# An amount (digits, maybe a currency first) is a number; anything else with letters a word.
_AMOUNT = re.compile(rf"{_NUMBER}")


def _is_emoji_like(ch: str) -> bool:
    code = ord(ch)
    return (
        code >= 0x1F000
        or 0x2600 <= code <= 0x27BF
        or code in (0x200D, 0xFE0F, 0xFE0E)
        or 0x1F3FB <= code <= 0x1F3FF
    )


@lru_cache(maxsize=4096)
def _char_kind(ch: str) -> TokenKind:
    category = unicodedata.category(ch)
    if _is_emoji_like(ch):
        return TokenKind.OTHER
    if category[0] in "PS":
        return TokenKind.PUNCT
    return TokenKind.OTHER


# --- user dictionary ---------------------------------------------------------------------

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


# --- Han segmentation engine ------------------------------------------------------------

_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LEXICON_FILE = _DATA_DIR / "segment_lexicon.table"
MODEL_FILE = _DATA_DIR / "segment_model.json"

# Kinds of out-of-lexicon word candidates the lattice may use.
# After a surname these say "surnamed" (陈姓男子, 李氏家族): the surname is not a name's start.
_NOT_GIVEN_NAME = frozenset("姓氏")
HMM_WORD = "hmm"  # proposed by the character HMM over a run of single characters
NAME_WORD = "name"  # a surname followed by one or two single characters
# Classes (the lattice's) of the characters that count with a measure word: 一家, 这面.
# Conjunctions and prepositions before a place + 方 (和|美方, 对|美方), Simplified.
_LINKING_CHARACTERS = frozenset("和与及同跟对向由在让被把给为")
_COUNTING_CLASSES = frozenset(("NUM", "DEM"))


def candidate_features(
    word: str, kind: str, classes: Mapping[str, str], given_names: Mapping[str, int]
) -> list[str]:
    """Feature keys of an out-of-lexicon candidate word (shared with the model builder).

    `classes` maps a character to its grammatical class (NEG, NUM, PART…) and a surname to
    SURNAME1 (the most common) or SURNAME2; `given_names` maps a character to a band of how
    much likelier it is in a given name than in running text (missing: -3).
    """
    size = min(len(word), 4)
    first, last = classes.get(word[0], "-"), classes.get(word[-1], "-")
    if kind == NAME_WORD:
        middle = classes.get(word[1], "-")
        given = min(given_names.get(char, -3) for char in word[1:])
        return [
            f"name:{size}:{first}",
            f"name_last:{last}",
            f"name_mid:{middle}",
            f"name_given:{size}:{given}",
        ]
    return [f"oov:{size}", f"oov_first:{first}", f"oov_last:{last}"]


def character_classes(classes: dict[str, str], surnames: dict[str, str]) -> dict[str, str]:
    """char -> class name; a surname that is also a function character keeps its class."""
    result = {char: name for name, chars in surnames.items() for char in chars}
    result.update({char: name for name, chars in classes.items() for char in chars})
    return result


class HanLattice:
    """Max-score word lattice over Simplified Han text.

    Every lexicon word has one score (log probability plus learned adjustments, compiled by
    tools/build_segmentation_model.py). Out-of-lexicon candidates (`candidates`: surname +
    given name wherever a surname stands; with an HMM, its words over runs of single
    characters) are scored by learned feature weights, and one pass picks the best path over
    all of them. No context features: a word's score does not depend on its neighbours, which
    keeps decoding a tight loop (boundary-context features were tried and gained nothing
    held-out; see benchmarks/RESULTS.md).
    """

    def __init__(
        self,
        scores: Mapping[str, float],
        unknown_char: float,
        weights: dict[str, float],
        classes: dict[str, str],
        surnames: frozenset[str],
        hmm: _CharHmm | None,
        max_word_length: int,
        prefix_lengths: Mapping[str, int] | None = None,
        given_names: Mapping[str, int] | None = None,
        everyday_words: frozenset[str] = frozenset(),
        dictionary_cuts: Mapping[str, tuple[int, ...]] | None = None,
        hmm_plain_first: frozenset[str] = frozenset(),
    ) -> None:
        self.given_names = given_names if given_names is not None else {}
        # Two-character everyday words (HSK), which are no given names: 向中国, 项基本.
        self.everyday_words = everyday_words
        # Lexicon words CC-CEDICT lacks -> lengths of the CC-CEDICT words to show instead.
        self.dictionary_cuts = dictionary_cuts if dictionary_cuts is not None else {}
        # Classes (ADV, NUM, NEG…) of first characters after which the HMM proposes no word:
        # 更大, 亿件 are compositional and no dictionary lists them; the characters are.
        self.hmm_plain_first = hmm_plain_first
        self.scores = scores
        self.unknown_char = unknown_char
        self.weights = weights
        self.classes = classes
        self.surnames = surnames
        self.hmm = hmm
        self.max_word_length = max_word_length
        # For each two-character start of a 3+ character word, the length of the longest one.
        if prefix_lengths is None:
            longest: dict[str, int] = {}
            for word in scores:
                if len(word) > 2 and longest.get(word[:2], 0) < len(word):
                    longest[word[:2]] = len(word)
            prefix_lengths = longest
        self.prefix_lengths = prefix_lengths
        # Lookups read plain dicts: a lexicon table's `entries`, which gain a character's words
        # the first time the lattice meets the character (`_meet`); other mappings are read as
        # they are (the model builder's live scores change while it trains).
        mappings = (scores, self.prefix_lengths, self.dictionary_cuts)
        self._tables = [mapping for mapping in mappings if isinstance(mapping, LazyTable)]
        self._scores_met = _entries(scores)
        self._prefixes_met = _entries(prefix_lengths)
        self._cuts_met = _entries(self.dictionary_cuts)
        self._met: set[str] = set()  # characters whose words are in the dicts above

    @classmethod
    def load(cls, lexicon: Path = LEXICON_FILE, model: Path = MODEL_FILE) -> HanLattice:
        """The shipped model. Its lexicon (`reader.core.engine.tables`: word -> score, two-character
        start -> longest word length, word -> dictionary cut) is decoded a block at a time as
        the lattice meets the characters, so loading is cheap."""
        tables = read_tables(lexicon)
        data = json.loads(model.read_text(encoding="utf-8"))
        hmm_data = data.get("hmm")
        return cls(
            scores=LazyTable(tables["scores"], float),
            unknown_char=float(data["unknown_char"]),
            weights={key: float(value) for key, value in data["weights"].items()},
            classes=character_classes(data["classes"], data["surnames"]),
            surnames=frozenset("".join(data["surnames"].values())),
            hmm=_CharHmm(hmm_data) if hmm_data else None,
            max_word_length=int(data["max_word_length"]),
            prefix_lengths=LazyTable(tables["prefixes"], int),
            given_names={
                char: int(band)
                for band, chars in data.get("given_names", {}).items()
                for char in chars
            },
            everyday_words=frozenset(re.findall("..", data.get("everyday_words", ""))),
            dictionary_cuts=LazyTable(tables["cuts"], _lengths),
            hmm_plain_first=frozenset(data.get("hmm_plain_first", ())),
        )

    def knows(self, word: str) -> bool:
        if word[:1] not in self._met:
            self._meet(word[:1])
        return word in self._scores_met

    def dictionary_split(self, word: str) -> list[str] | None:
        """`word` as the CC-CEDICT words a learner can look up, when it is a lexicon word
        CC-CEDICT lacks and the model builder chose to cut it (jieba's 最大, 做好); else None.

        Only lexicon words are cut: out-of-lexicon words (surname + given name, HMM words)
        are names and new words no dictionary lists.
        """
        if word[:1] not in self._met:
            self._meet(word[:1])
        lengths = self._cuts_met.get(word)
        if lengths is None:
            return None
        parts: list[str] = []
        position = 0
        for length in lengths:
            parts.append(word[position : position + length])
            position += length
        return parts

    def cut(self, text: str) -> list[str]:
        """The best words of `text`, out-of-lexicon candidates (`candidates`) included."""
        return self._best_path(text, self.candidates(text))

    def _meet(self, first: str) -> None:
        """Make the words starting with `first` available to the decoder's dicts."""
        for table in self._tables:
            table.meet(first)
        self._met.add(first)  # only once they are all there: another thread may be decoding

    def _candidate_score(self, word: str, kind: str) -> float:
        weights = self.weights
        features = candidate_features(word, kind, self.classes, self.given_names)
        return sum(weights.get(key, 0.0) for key in features)

    def _best_path(self, text: str, extra: dict[int, list[tuple[int, float, str]]]) -> list[str]:
        """Forward max-score path; words longer than two characters are tried only as far as
        some lexicon word shares their first two characters (`prefix_lengths`)."""
        scores = self._scores_met
        prefix_lengths = self._prefixes_met
        met = self._met
        unknown = self.unknown_char
        size = len(text)
        best = [-math.inf] * (size + 1)
        best[0] = 0.0
        back = [0] * (size + 1)
        for start in range(size):
            here = best[start]
            for candidate_start, score, _kind in extra.get(start, ()):
                value = best[candidate_start] + score
                if value > here:
                    here = value
                    back[start] = candidate_start
            best[start] = here
            first = text[start]
            if first not in met:
                self._meet(first)
            value = here + scores.get(first, unknown)
            if value > best[start + 1]:
                best[start + 1] = value
                back[start + 1] = start
            if start + 2 > size:
                continue
            pair = text[start : start + 2]
            pair_score = scores.get(pair)
            if pair_score is not None and here + pair_score > best[start + 2]:
                best[start + 2] = here + pair_score
                back[start + 2] = start
            longest = prefix_lengths.get(pair)
            if longest is None:
                continue
            for end in range(start + 3, min(size, start + longest) + 1):
                word_score = scores.get(text[start:end])
                if word_score is not None and here + word_score > best[end]:
                    best[end] = here + word_score
                    back[end] = start
        for candidate_start, score, _kind in extra.get(size, ()):
            value = best[candidate_start] + score
            if value > best[size]:
                best[size] = value
                back[size] = candidate_start
        words: list[str] = []
        end = size
        while end > 0:
            start = back[end]
            words.append(text[start:end])
            end = start
        words.reverse()
        return words

    def candidates(self, text: str) -> dict[int, list[tuple[int, float, str]]]:
        """Out-of-lexicon words keyed by end offset: surname + given name wherever a surname
        stands (names whose given name is a word, 葛志强, stay whole too), and with the HMM,
        its words over each run of 2+ single characters the lexicon's best path leaves."""
        extra: dict[int, list[tuple[int, float, str]]] = {}
        self._name_candidates(text, extra)
        if self.hmm is None:
            return extra
        position = 0
        run_start = -1
        for word in [*self._best_path(text, extra), "  "]:  # the sentinel closes the last run
            if len(word) == 1:
                if run_start < 0:
                    run_start = position
            else:
                if run_start >= 0 and position - run_start >= 2:
                    self._hmm_candidates(text, run_start, position, extra)
                run_start = -1
            position += len(word)
        return extra

    def _surnamed(self, word: str) -> bool:
        """True for 陈姓…/李氏…: a surname said as a surname, not the start of a word."""
        return word[0] in self.surnames and word[1] in _NOT_GIVEN_NAME

    def _hmm_candidates(
        self, text: str, start: int, end: int, extra: dict[int, list[tuple[int, float, str]]]
    ) -> None:
        assert self.hmm is not None
        position = start
        for word in self.hmm.cut(text[start:end]):
            word_end = position + len(word)
            if (
                len(word) > 1
                and not self.knows(word)
                and not self._surnamed(word)
                and self.classes.get(word[0]) not in self.hmm_plain_first
            ):
                score = self._candidate_score(word, HMM_WORD)
                extra.setdefault(word_end, []).append((position, score, HMM_WORD))
            position = word_end

    def _name_candidates(self, text: str, extra: dict[int, list[tuple[int, float, str]]]) -> None:
        surnames = self.surnames
        end = len(text)
        for position in range(end - 1):
            if text[position] not in surnames or self._surnamed(text[position:]):
                continue
            for length in (2, 3):
                word_end = position + length
                if word_end > end or not self._given_name(text[position + 1 : word_end]):
                    break
                score = self._candidate_score(text[position:word_end], NAME_WORD)
                extra.setdefault(word_end, []).append((position, score, NAME_WORD))

    def _given_name(self, text: str) -> bool:
        """Whether `text` can be a given name: not an everyday word (4 of CC-CEDICT's 645
        people have one: 向中国, 项基本 are no names), and no character rarer in given names
        than in running text (band < 0: 向有). A one-character given name needs evidence
        (a band >= 0: 欧方, 华援 are no names); in a two-character one, a character CC-CEDICT's
        few people never use is allowed (陈淑芬, 梁君彦)."""
        if text in self.everyday_words:
            return False
        missing = 0 if len(text) > 1 else -3
        given_names = self.given_names
        return all(given_names.get(char, missing) >= 0 for char in text)


def _entries(mapping: Mapping[str, V]) -> Mapping[str, V]:
    return mapping.entries if isinstance(mapping, LazyTable) else mapping


def _lengths(value: str) -> tuple[int, ...]:
    """ "1,2" -> (1, 2): the piece lengths of a dictionary cut."""
    return tuple(int(length) for length in value.split(","))


class _CharHmm:
    """A 4-state (B M E S) character HMM for words outside the lexicon (jieba's finalseg)."""

    _PREVIOUS: ClassVar[dict[str, str]] = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
    _FLOOR = -3.14e100

    def __init__(self, data: dict[str, Any]) -> None:
        self.start: dict[str, float] = data["start"]
        self.transition: dict[str, dict[str, float]] = data["transition"]
        self.emission: dict[str, dict[str, float]] = data["emission"]

    def cut(self, text: str) -> list[str]:
        floor = self._FLOOR
        emission = self.emission
        transition = self.transition
        previous_states = self._PREVIOUS
        probability = {
            state: self.start.get(state, floor) + emission[state].get(text[0], floor)
            for state in "BMES"
        }
        paths = {state: state for state in "BMES"}
        for char in text[1:]:
            new_probability: dict[str, float] = {}
            new_paths: dict[str, str] = {}
            for state in "BMES":
                emit = emission[state].get(char, floor)
                best_value, best_previous = max(
                    (probability[prev] + transition[prev].get(state, floor) + emit, prev)
                    for prev in previous_states[state]
                )
                new_probability[state] = best_value
                new_paths[state] = paths[best_previous] + state
            probability, paths = new_probability, new_paths
        last = max("ES", key=lambda state: probability[state])
        words: list[str] = []
        begin = 0
        for index, state in enumerate(paths[last]):
            if state == "B":
                begin = index
            elif state == "E":
                words.append(text[begin : index + 1])
            elif state == "S":
                words.append(text[index])
        done = sum(map(len, words))
        if done < len(text):
            words.append(text[done:])
        return words


# --- the segmenter ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rules:
    """User rules compiled for matching: every word under its original and Simplified key."""

    joins: frozenset[str]
    longest_join: int
    splits: dict[str, tuple[str, ...]]


class Segmenter:
    """Splits text into word spans: `segment(original, simplified)` → [(start, end, kind)]."""

    def __init__(
        self,
        user_dictionary: UserDictionary | None = None,
        lattice: HanLattice | None = None,
        dictionary: Dictionary | None = None,
    ) -> None:
        # `lattice`: another compiled model (the model builder evaluates candidates with it).
        self._lattice = lattice if lattice is not None else _shared_lattice()
        # CC-CEDICT, for the measure words a noun takes (`_counted_apart`); loaded when needed.
        self._dictionary = dictionary
        self._user_dictionary = user_dictionary
        self._rules = self._compile_rules(user_dictionary)
        # Short Han runs (names, set phrases) recur all through a text.
        self._cut = lru_cache(maxsize=16384)(self._cut_words)

    @staticmethod
    def _compile_rules(user_dictionary: UserDictionary | None) -> _Rules:
        if not user_dictionary:
            return _Rules(frozenset(), 0, {})
        joins: set[str] = set()
        for word in user_dictionary.joins:
            joins.update((word, to_simplified(word)))
        splits: dict[str, tuple[str, ...]] = {}
        for word, parts in user_dictionary.splits.items():
            splits[word] = parts
            simplified = to_simplified(word)
            splits.setdefault(simplified, tuple(_cut_like(simplified, parts)))
        return _Rules(frozenset(joins), max((len(w) for w in joins), default=0), splits)

    def reload_user_dictionary(self, user_dictionary: UserDictionary | None = None) -> None:
        """Use `user_dictionary` (one the learner just changed), or re-read the file (after
        the learner edited it). A segmenter made without one reads the data dir's file."""
        if user_dictionary is None:
            current = self._user_dictionary
            path = current.path if current is not None and not current.default_location else None
            user_dictionary = UserDictionary.load(path)
        self._user_dictionary = user_dictionary
        self._rules = self._compile_rules(user_dictionary)
        self._cut.cache_clear()  # cached cuts depend on the split rules

    def _cut_words(self, text: str) -> list[str]:
        """The lattice's words, each lexicon word CC-CEDICT lacks cut into CC-CEDICT words
        (so the learner can look every piece up) unless the learner has a split rule for it
        (theirs wins; join rules are applied after and win anyway)."""
        lattice = self._lattice
        splits = self._rules.splits
        words: list[str] = []
        for word in lattice.cut(text):
            parts = None if word in splits else lattice.dictionary_split(word)
            if parts is None:
                words.append(word)
            else:
                words.extend(parts)
        return self._counted_apart(words)

    def _counted_apart(self, words: list[str]) -> list[str]:
        """Join a place's one-character name and 方 "side" (美方, 欧方), and split a numeral
        or demonstrative + measure word (一家, 一面) before a noun that this measure word
        counts (CC-CEDICT's `CL:` of the noun: 饭馆 CL:家, 镜子 CL:面).

        There the pair is a composition, glossed by its parts (一|家|饭馆 "classifier for
        businesses", not 一家 "the whole family"; 一|面|镜子, not "one side"). Pairs whose
        CC-CEDICT reading has the measure word neutral (一个 yī ge, 这个 zhè ge, 那个) are the
        determiners a learner is taught as words and stay whole.
        """
        classes = self._lattice.classes
        result: list[str] = []
        for index, word in enumerate(words):
            if (
                len(word) == 2
                and classes.get(word[0]) in _COUNTING_CLASSES
                and index + 1 < len(words)
                and self._counts(word, words[index + 1])
            ):
                result.extend(word)
            elif word == "方" and result and result[-1] in ABBREVIATED_NAMES:
                # 美方, 欧方 "the American/European side" are one word, as CC-CEDICT's 中方
                # and 日方 are (a learner reads Ōufāng, not ōu "ohm" + fāng).
                result[-1] += word
            elif (
                word == "方"
                and result
                and len(result[-1]) == 2
                and result[-1][0] in _LINKING_CHARACTERS
                and result[-1][1] in ABBREVIATED_NAMES
            ):
                # 中方和美方, 对美方: the side after "and", "towards" (not 和美 "harmonious").
                previous = result.pop()
                result.extend((previous[0], previous[1] + word))
            else:
                result.append(word)
        return result

    def _counts(self, pair: str, noun: str) -> bool:
        """Whether `pair` (numeral + measure word) counts `noun` as a composition."""
        from reader.core.dictionary.markup import measure_words

        dictionary = self._cedict()
        if any(entry.pinyin.endswith("5") for entry in dictionary.entries(pair)):
            return False
        counted_by = measure_words(
            definition for entry in dictionary.entries(noun) for definition in entry.definitions
        )
        return pair[1] in counted_by

    def knows_word(self, word: str) -> bool:
        """True when `word` (either script) is in the segmenter's word list."""
        return self._lattice.knows(to_simplified(word))

    @property
    def user_dictionary(self) -> UserDictionary | None:
        return self._user_dictionary

    def segment(self, original: str, simplified: str | None = None) -> list[Span]:
        """Spans [start, end) covering all of `original`, in order, with their kind.

        `simplified` is `to_simplified(original)` (same length); Han words are found on it.
        """
        if simplified is None or len(simplified) != len(original):
            simplified = to_simplified(original)
            if len(simplified) != len(original):  # cannot happen with convert_aligned
                simplified = original
        spans: list[Span] = []
        for match in _TOKEN_PATTERN.finditer(original):
            group = match.lastgroup
            start, end = match.span()
            if group == "han":
                position = start
                for word in self._cut(simplified[start:end]):
                    spans.append((position, position + len(word), TokenKind.HAN))
                    position += len(word)
            elif group == "latin":
                amount = _AMOUNT.fullmatch(original, start, end) is not None
                spans.append((start, end, TokenKind.NUMBER if amount else TokenKind.LATIN))
            elif group in ("url", "email"):
                spans.append((start, end, TokenKind.LATIN))
            elif group == "space":
                spans.append((start, end, TokenKind.SPACE))
            elif group == "run":
                spans.append((start, end, TokenKind.PUNCT))
            else:
                kind = _char_kind(original[start])
                if kind is TokenKind.OTHER and spans and spans[-1][2] is TokenKind.OTHER:
                    spans[-1] = (spans[-1][0], end, kind)  # emoji sequences stay together
                else:
                    spans.append((start, end, kind))
        if any(kind is TokenKind.LATIN for _, _, kind in spans):
            spans = self._mixed_words(original, spans)
        if self._rules.joins or self._rules.splits:
            spans = self._apply_rules(original, simplified, spans)
        return spans

    def _mixed_words(self, original: str, spans: list[Span]) -> list[Span]:
        """Join a Latin word and the Han word(s) right beside it where CC-CEDICT lists the
        whole (T恤, 卡拉OK, 哆啦A夢): one token, glossed as one word."""
        result = list(spans)
        index = 0
        while index < len(result):
            if result[index][2] is not TokenKind.LATIN:
                index += 1
                continue
            first = index - 1 if index and result[index - 1][2] is TokenKind.HAN else index
            last = (
                index + 1
                if index + 1 < len(result) and result[index + 1][2] is TokenKind.HAN
                else index
            )
            for low, high in ((first, last), (first, index), (index, last)):
                if low == high:
                    continue
                start, end = result[low][0], result[high][1]
                if self._dictionary_has(original[start:end]):
                    result[low : high + 1] = [(start, end, TokenKind.HAN)]
                    index = low
                    break
            index += 1
        return result

    def _dictionary_has(self, word: str) -> bool:
        return bool(self._cedict().entries(word))

    def _cedict(self) -> Dictionary:
        if self._dictionary is None:
            from reader.core.dictionary.cedict import default_dictionary

            self._dictionary = default_dictionary()
        return self._dictionary

    def _apply_rules(self, original: str, simplified: str, spans: list[Span]) -> list[Span]:
        rules = self._rules
        if rules.joins:
            spans = _apply_joins(original, simplified, spans, rules)
        if rules.splits:
            result: list[Span] = []
            for start, end, kind in spans:
                parts = rules.splits.get(original[start:end]) or rules.splits.get(
                    simplified[start:end]
                )
                if parts is None:
                    result.append((start, end, kind))
                    continue
                position = start
                for part in parts:
                    result.append(
                        (
                            position,
                            position + len(part),
                            _kind_of(original, position, position + len(part), kind),
                        )
                    )
                    position += len(part)
            spans = result
        return spans


def _cut_like(text: str, parts: Iterable[str]) -> list[str]:
    """Cut `text` at the same lengths as `parts`."""
    pieces: list[str] = []
    position = 0
    for part in parts:
        pieces.append(text[position : position + len(part)])
        position += len(part)
    return pieces


def _kind_of(original: str, start: int, end: int, fallback: TokenKind) -> TokenKind:
    if any(is_han_char(ch) for ch in original[start:end]):
        return TokenKind.HAN
    return fallback


def _apply_joins(original: str, simplified: str, spans: list[Span], rules: _Rules) -> list[Span]:
    """Make every occurrence of a join word one token, leftmost-longest, non-overlapping.

    Tokens cut by an occurrence's edge keep their remaining characters as their own tokens,
    so no character is lost or duplicated.
    """
    occurrences: list[tuple[int, int]] = []
    position = 0
    length = len(original)
    while position < length:
        found = 0
        for size in range(min(rules.longest_join, length - position), 1, -1):
            end = position + size
            if original[position:end] in rules.joins or simplified[position:end] in rules.joins:
                found = size
                break
        if found:
            occurrences.append((position, position + found))
            position += found
        else:
            position += 1
    if not occurrences:
        return spans
    boundaries = {start for start, _, _ in spans} | {length}
    kinds = {start: kind for start, _, kind in spans}
    for start, end in occurrences:
        boundaries -= set(range(start + 1, end))
        boundaries |= {start, end}
    ordered = sorted(boundaries)
    result: list[Span] = []
    last_kind = TokenKind.OTHER
    for start, end in itertools.pairwise(ordered):
        last_kind = kinds.get(start, last_kind)
        result.append((start, end, _kind_of(original, start, end, last_kind)))
    return result


_lattice: HanLattice | None = None
_lattice_lock = threading.Lock()


def _shared_lattice() -> HanLattice:
    """The compiled word lattice, loaded once and shared by every Segmenter (it is read-only)."""
    global _lattice
    with _lattice_lock:
        if _lattice is None:
            _lattice = HanLattice.load()
        return _lattice


_default_segmenter: Segmenter | None = None
_default_lock = threading.Lock()


def default_segmenter() -> Segmenter:
    """The shared segmenter with the learner's user dictionary, built on first use."""
    global _default_segmenter
    with _default_lock:
        if _default_segmenter is None:
            _default_segmenter = Segmenter(UserDictionary.load())
        return _default_segmenter


def segment(original: str, simplified: str | None = None) -> list[Span]:
    """Segment with the default segmenter (see `Segmenter.segment`)."""
    return default_segmenter().segment(original, simplified)


def common_surnames() -> frozenset[str]:
    """The common surnames (Simplified) after which the lattice proposes personal names.

    Read-only, for the reading rules: a new word starting with one is read as a name."""
    return _shared_lattice().surnames
