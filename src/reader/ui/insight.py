"""How much of the text the learner knows, kept up to date cheaply for any length of text.

`KnownTally` counts each distinct word of the annotated paragraphs once (with its number of
occurrences), so the document's known share after a status change costs one pass over the
distinct words, not over the text; paragraphs are added (or replaced, after re-annotation)
as they arrive (`ReadingView.ParagraphsAnnotated`). The chart has one column per paragraph,
or, for a long text, one column per run of paragraphs whose value is the mean over a few
paragraphs sampled evenly from the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from rich.text import Text

from reader.core.learner.stats import (
    SPARK_BARS,
    KnownShare,
    counted_tokens,
    paragraph_known_share,
    token_status,
)
from reader.core.learner.vocab import Status
from reader.core.models import AnnotatedParagraph, Token

SAMPLES_PER_COLUMN = 8  # paragraphs averaged for one chart column of a long text

Statuses = Mapping[str, Status]


class KnownTally:
    """Distinct words of the annotated paragraphs with their counts (one token kept each)."""

    def __init__(self) -> None:
        self._paragraphs: dict[int, AnnotatedParagraph] = {}
        self._counts: dict[str, int] = {}
        self._tokens: dict[str, Token] = {}

    @property
    def annotated(self) -> int:
        return len(self._paragraphs)

    def sync(
        self, indices: Iterable[int], annotated: Callable[[int], AnnotatedParagraph | None]
    ) -> bool:
        """Take in paragraphs as `annotated(i)` returns them now (None: not annotated), in
        place of what they were; True if any of them arrived or changed."""
        changed = False
        for index in indices:
            paragraph = annotated(index)
            old = self._paragraphs.get(index)
            if paragraph is old:
                continue
            if old is not None:
                self._count(old, -1)
                del self._paragraphs[index]
            if paragraph is not None:
                self._count(paragraph, 1)
                self._paragraphs[index] = paragraph
            changed = True
        return changed

    def _count(self, paragraph: AnnotatedParagraph, sign: int) -> None:
        for token in counted_tokens(paragraph):
            count = self._counts.get(token.text, 0) + sign
            if count > 0:
                self._counts[token.text] = count
                self._tokens.setdefault(token.text, token)
            else:
                self._counts.pop(token.text, None)
                self._tokens.pop(token.text, None)

    def document_share(self, statuses: Statuses) -> KnownShare:
        """As `reader.core.learner.stats.known_share` over the annotated paragraphs."""
        tokens = known_tokens = words = known_words = 0
        for text, count in self._counts.items():
            status = token_status(self._tokens[text], statuses)
            if status is Status.IGNORED:
                continue
            known = status is Status.KNOWN
            tokens += count
            words += 1
            if known:
                known_tokens += count
                known_words += 1
        return KnownShare(tokens, known_tokens, words, known_words)

    def paragraph_share(self, index: int, statuses: Statuses) -> float | None:
        paragraph = self._paragraphs.get(index)
        return paragraph_known_share(paragraph, statuses) if paragraph is not None else None


def chart_runs(count: int, width: int) -> list[range]:
    """The paragraphs of each chart column: one each, or even runs when they do not fit."""
    columns = max(1, min(width, count))
    return [
        range(
            column * count // columns,
            max(column * count // columns + 1, (column + 1) * count // columns),
        )
        for column in range(columns)
    ]


def column_value(
    run: range, share: Callable[[int], float | None], samples: int = SAMPLES_PER_COLUMN
) -> float | None:
    """Mean known share of a few paragraphs spread evenly over `run` (None: none ready)."""
    step = max(1, len(run) // samples)
    values = [value for index in run[::step] if (value := share(index)) is not None]
    return sum(values) / len(values) if values else None


def known_chart(
    values: Sequence[float | None], current: int, current_style: str = "reverse"
) -> Text:
    """One bar per column (▁ nothing known … █ all known, · not read yet), the column
    `current` drawn in `current_style`."""
    top = len(SPARK_BARS) - 1
    text = Text()
    for column, value in enumerate(values):
        style = current_style if column == current else ""
        if value is None:
            text.append("·", style=style or "dim")
        else:
            text.append(SPARK_BARS[round(min(1.0, max(0.0, value)) * top)], style=style)
    return text
