"""The known-share chart under the text: one column per paragraph, or, for a long text, one
column per run of paragraphs whose value is the mean over a few paragraphs sampled evenly
from the run (the shares themselves: `reader.core.learner.shares`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text

from reader.core.learner.shares import spark_bar

SAMPLES_PER_COLUMN = 8  # paragraphs averaged for one chart column of a long text


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
    values: Sequence[float | None], current: int, current_style: str | Style = "reverse"
) -> Text:
    """One bar per column (▁ nothing known … █ all known, · not read yet), the column
    `current` drawn in `current_style`."""
    text = Text()
    for column, value in enumerate(values):
        style = current_style if column == current else ""
        if value is None:
            text.append("·", style=style or "dim")
        else:
            text.append(spark_bar(value), style=style)
    return text
