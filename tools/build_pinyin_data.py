"""Build the compact reading tables that `reader.core.engine.reading_tables` loads at run time.

Run from the repository root after changing a source:

    .venv/bin/python tools/build_pinyin_data.py

Sources (all installed or bundled; nothing is downloaded):
- pypinyin's character and phrase tables (MIT, mozillazg/python-pinyin): the readings of every
  character, and the phrases whose reading the character defaults would get wrong;
- g2pM's character table `digest_cedict.pkl` (Apache-2.0): the readings its polyphone model can
  choose between, for a character written in Simplified;
- CC-CEDICT (`dictionaries/cedict_ts.u8.gz`, CC BY-SA 4.0, MDBG): word readings by Traditional
  and Simplified headword;
- wordfreq 3.1.1's Chinese list (`../shared/data/freq/large_zh.tsv`, data CC BY-SA 4.0): which
  words are common (marked `*` before their readings).

Writes `src/reader/core/data/pinyin_chars.table` (table `chars`: char -> `candidates;other
readings`) and `src/reader/core/data/pinyin_words.table` (table `words`: word ->
`reading|reading...`, syllables separated by spaces, `*` first for a common word), in the
`reader.core.engine.tables` format. A word is kept only when it has a polyphonic character: for the
others the character table already gives the answer.
"""

from __future__ import annotations

import gzip
import pickle
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from reader.core.engine.reading_tables import normalise_cedict_pinyin  # noqa: E402
from reader.core.engine.syllables import is_numbered_syllable, marks_to_numbered  # noqa: E402
from reader.core.engine.tables import pack_tables  # noqa: E402

OUT_DIR = REPO_ROOT / "src" / "reader" / "core" / "data"
CEDICT = REPO_ROOT / "dictionaries" / "cedict_ts.u8.gz"
WORDFREQ = REPO_ROOT.parent / "shared" / "data" / "freq" / "large_zh.tsv"
# Words at least this frequent (Zipf scale: 3 = once per million words) are marked common: the
# reader then trusts their dictionary reading over the polyphone model, which is often sure and
# wrong outside its training corpus (头发 fā, 着手 zhe). See `reader.core.engine.pinyin`.
COMMON_ZIPF = 3.0
COMMON_MARK = "*"

# 一 and 不 change tone before another syllable (tone sandhi). pypinyin's phrase table writes
# that surface tone; the reader shows the dictionary (citation) tone, as CC-CEDICT does.
_CITATION_ONLY = {"一": "yi1", "不": "bu4"}


def load_g2pm_candidates() -> dict[str, list[str]]:
    import g2pM

    # Trusted package data shipped inside the installed g2pM wheel (never user data).
    with open(Path(g2pM.__file__).parent / "digest_cedict.pkl", "rb") as handle:
        digest: dict[str, list[str]] = pickle.load(handle)
    return {
        char: [syllable.replace("u:", "v") for syllable in readings]
        for char, readings in digest.items()
        if len(char) == 1 and all(is_numbered_syllable(r.replace("u:", "v")) for r in readings)
    }


def build_chars() -> dict[str, tuple[list[str], list[str]]]:
    from pypinyin.pinyin_dict import pinyin_dict

    g2pm = load_g2pm_candidates()
    table: dict[str, tuple[list[str], list[str]]] = {}
    for codepoint, readings in pinyin_dict.items():
        char = chr(codepoint)
        every = []
        for marked in readings.split(","):
            numbered = marks_to_numbered(marked)
            if is_numbered_syllable(numbered) and numbered not in every:
                every.append(numbered)
        if not every:
            continue
        candidates = g2pm.get(char) or every
        for reading in candidates:
            if reading not in every:
                every.append(reading)
        table[char] = (list(candidates), every)
    for char, candidates in g2pm.items():
        if char not in table and unicodedata.category(char) == "Lo":
            table[char] = (list(candidates), list(candidates))
    table.update(build_pairs())
    return table


def build_pairs() -> dict[str, tuple[list[str], list[str]]]:
    """Traditional + Simplified character pairs (key '幹干') with CC-CEDICT's readings for that
    pair: 幹→干 is only gàn, 乾→干 only gān, 髮→发 only fà, 著→着 not zhù."""
    pairs: dict[str, list[str]] = defaultdict(list)
    with gzip.open(CEDICT, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or "[" not in line:
                continue
            heads, _, rest = line.partition(" [")
            traditional, _, simplified = heads.partition(" ")
            if len(traditional) != 1 or len(simplified) != 1 or traditional == simplified:
                continue
            syllables = normalise_cedict_pinyin(rest.partition("]")[0])
            known = pairs[traditional + simplified]
            if len(syllables) == 1 and is_numbered_syllable(syllables[0]):
                known.extend(syllable for syllable in syllables if syllable not in known)
    return {pair: (readings, []) for pair, readings in pairs.items()}


def _has_polyphone(simplified: str, chars: dict[str, tuple[list[str], list[str]]]) -> bool:
    """The reader consults a word only for its polyphonic characters (in Simplified)."""
    return any(char in chars and len(chars[char][0]) > 1 for char in simplified)


def _undo_sandhi(word: str, syllables: list[str]) -> list[str]:
    undone = []
    for char, syllable in zip(word, syllables, strict=True):
        citation = _CITATION_ONLY.get(char)
        same_syllable = citation is not None and syllable[:-1] == citation[:-1]
        undone.append(citation if citation and same_syllable else syllable)
    return undone


def _simplified(word: str, simplified_of: dict[str, str]) -> str:
    """The Simplified form: CC-CEDICT's, else OpenCC's (pypinyin also lists 甚麼-style keys)."""
    from reader.core.engine.convert import to_simplified

    return simplified_of.get(word) or to_simplified(word)


def load_common_words() -> set[str]:
    """Simplified words at or above COMMON_ZIPF in the wordfreq list (absent list: none)."""
    common: set[str] = set()
    if not WORDFREQ.exists():
        print(f"warning: {WORDFREQ} not found; no word is marked common", file=sys.stderr)
        return common
    with open(WORDFREQ, encoding="utf-8") as handle:
        next(handle)  # header: word, zipf, freq
        for line in handle:
            word, zipf, _ = line.rstrip("\n").split("\t")
            if float(zipf) >= COMMON_ZIPF:
                common.add(word)
    return common


def build_words(
    chars: dict[str, tuple[list[str], list[str]]],
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Word -> readings, and word -> its Simplified form."""
    from pypinyin.phrases_dict import phrases_dict

    words: dict[str, list[str]] = defaultdict(list)
    standard: dict[str, str] = {}
    for phrase, readings in phrases_dict.items():
        if len(phrase) < 2 or any(len(options) != 1 for options in readings):
            continue
        syllables = [marks_to_numbered(options[0]) for options in readings]
        if len(syllables) != len(phrase) or not all(map(is_numbered_syllable, syllables)):
            continue
        standard[phrase] = " ".join(_undo_sandhi(phrase, syllables))

    cedict: dict[str, list[str]] = defaultdict(list)
    simplified_of: dict[str, str] = {}
    with gzip.open(CEDICT, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or "[" not in line:
                continue
            heads, _, rest = line.partition(" [")
            traditional, _, simplified = heads.partition(" ")
            syllables = normalise_cedict_pinyin(rest.partition("]")[0])
            if len(traditional) < 2 or len(syllables) != len(traditional):
                continue
            if not all(map(is_numbered_syllable, syllables)):
                continue
            reading = " ".join(_undo_sandhi(simplified, list(syllables)))
            for key in {traditional, simplified}:
                if reading not in cedict[key]:
                    cedict[key].append(reading)
            simplified_of[traditional] = simplified
            simplified_of[simplified] = simplified

    # Where the two dictionaries disagree (运转 zhuàn / zhuǎn, 塞内加尔 sāi / sài) both readings
    # are kept and the polyphone model chooses between them in context.
    for key, reading in standard.items():
        words[key] = [reading]
    for key, readings in cedict.items():
        via_standard = standard.get(simplified_of.get(key, key))
        words[key] = [via_standard] if via_standard else []
        words[key].extend(reading for reading in readings if reading not in words[key])
    kept = {
        key: readings
        for key, readings in words.items()
        if _has_polyphone(_simplified(key, simplified_of), chars)
    }
    return kept, simplified_of


def write_table(path: Path, name: str, table: dict[str, str]) -> None:
    """`table` as the one table `name` of a `reader.core.engine.tables` file (an unchanged build
    gives an unchanged file). See `reader.core.engine.pinyin`."""
    path.write_bytes(pack_tables({name: table}))


def main() -> None:
    chars = build_chars()
    words, simplified_of = build_words(chars)
    common = load_common_words()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    char_table = {}
    for char, (candidates, every) in chars.items():
        others = [reading for reading in every if reading not in candidates]
        char_table[char] = f"{' '.join(candidates)};{' '.join(others)}"
    write_table(OUT_DIR / "pinyin_chars.table", "chars", char_table)
    word_table = {
        word: (COMMON_MARK if _simplified(word, simplified_of) in common else "")
        + "|".join(readings)
        for word, readings in words.items()
    }
    write_table(OUT_DIR / "pinyin_words.table", "words", word_table)
    print(f"{len(chars)} characters, {len(words)} words -> {OUT_DIR}")


if __name__ == "__main__":
    main()
