"""Sense choice: is the one-line gloss the sense the sentence uses?

Data: `benchmarks/data/senses.tsv`, written for this benchmark (everyday sentences in both
scripts, none from an evaluation set): each case marks a word with 【】 and gives a piece of the
CC-CEDICT definition a learner needs there, which must match exactly one definition of the
word's entries. Each sentence goes through the real pipeline (segmenter, readings, dictionary);
a case is right when the token at the mark is the marked word and its gloss is that definition.
A word the segmenter cut otherwise counts as wrong (and is listed).

The first-sense baseline is the gloss a dictionary gives without context: the first real
definition (not "variant of", "see") of the first entry, in CC-CEDICT's order.

Run: `.venv/bin/python benchmarks/accuracy_senses.py [--show-all]`
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from reader.core.dictionary.cedict import Dictionary, default_dictionary  # noqa: E402
from reader.core.engine.pipeline import Annotator, default_annotator  # noqa: E402
from reader.core.models import Lookup, Paragraph, ParagraphKind, Script  # noqa: E402

CASES = HERE / "data" / "senses.tsv"
OPEN, CLOSE = "【", "】"


@dataclass(frozen=True, slots=True)
class SenseCase:
    sentence: str  # without the marks
    start: int
    end: int
    expected: str  # a piece of the definition that fits

    @property
    def word(self) -> str:
        return self.sentence[self.start : self.end]


def load_cases(path: Path = CASES) -> list[SenseCase]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        marked, expected = line.split("\t")
        start = marked.index(OPEN)
        end = marked.index(CLOSE) - 1
        cases.append(SenseCase(marked.replace(OPEN, "").replace(CLOSE, ""), start, end, expected))
    return cases


def definitions_of(lookup: Lookup) -> list[str]:
    return [
        definition
        for entry in (*lookup.entries, *lookup.references)
        for definition in entry.definitions
    ]


def fitting_definitions(lookup: Lookup, expected: str) -> list[str]:
    """The definitions `expected` names: the one equal to it, else every one containing it."""
    definitions = definitions_of(lookup)
    if expected in definitions:
        return [expected]
    return [definition for definition in definitions if expected in definition]


def is_right(gloss: str | None, expected: str, lookup: Lookup) -> bool:
    """Whether a one-line gloss is the expected definition, its markup rendered or not."""
    from reader.core.dictionary.markup import render

    if gloss is None:
        return False
    (wanted,) = fitting_definitions(lookup, expected)
    return gloss in (wanted, render(wanted), render(wanted, simplified=True))


def _script_of(text: str) -> Script:
    from reader.core.engine.convert import to_simplified

    return Script.SIMPLIFIED if to_simplified(text) == text else Script.TRADITIONAL


def first_sense(lookup: Lookup) -> str | None:
    """The context-free gloss: the first real definition in CC-CEDICT's own order."""
    from reader.core.models import _is_pointer_definition

    for entry in sorted((*lookup.entries, *lookup.references), key=_cedict_order):
        for definition in entry.definitions:
            if not _is_pointer_definition(definition):
                return definition
    return None


def _cedict_order(entry: object) -> int:
    return 0  # sorted() is stable: the entries keep the dictionary's order


def evaluate(
    annotator: Annotator | None = None, dictionary: Dictionary | None = None
) -> dict[str, object]:
    """right, baseline_right, n, problems (bad cases), misses [(case, chosen)]."""
    annotator = annotator or default_annotator()
    dictionary = dictionary or default_dictionary()
    right = baseline_right = 0
    misses: list[tuple[SenseCase, str]] = []
    problems: list[str] = []
    cases = load_cases()
    for case in cases:
        lookup = dictionary.lookup(case.word)
        fitting = fitting_definitions(lookup, case.expected)
        if len(fitting) != 1:
            problems.append(f"{case.word}: {case.expected!r} matches {len(fitting)} definitions")
            continue
        paragraph = Paragraph(0, ParagraphKind.PARAGRAPH, case.sentence)
        annotated = annotator.annotate_paragraph(paragraph, _script_of(case.sentence))
        token = next(t for t in annotated.tokens if t.start <= case.start < t.end)
        baseline = first_sense(lookup) or lookup.gloss or ""
        baseline_right += is_right(baseline, case.expected, lookup)
        if (token.start, token.end) != (case.start, case.end):
            misses.append((case, f"segmented as {token.text}"))
        elif is_right(token.gloss, case.expected, lookup):
            right += 1
        else:
            misses.append((case, token.gloss or ""))
    return {
        "n": len(cases) - len(problems),
        "right": right,
        "baseline_right": baseline_right,
        "misses": misses,
        "problems": problems,
    }


def report(result: dict[str, object]) -> None:
    n = int(result["n"])  # type: ignore[call-overload]
    right = int(result["right"])  # type: ignore[call-overload]
    baseline = int(result["baseline_right"])  # type: ignore[call-overload]
    print(
        f"sense choice ({CASES.name}): {right}/{n} = {right / n:.1%} right"
        f"  (first-sense baseline {baseline}/{n} = {baseline / n:.1%})"
    )
    for problem in result["problems"]:  # type: ignore[attr-defined]
        print(f"    case problem: {problem}")
    for case, chosen in result["misses"]:  # type: ignore[attr-defined]
        print(f"    {case.word} in {case.sentence}  want {case.expected!r}, got {chosen!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    report(evaluate())


if __name__ == "__main__":
    main()
