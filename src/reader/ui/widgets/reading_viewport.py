"""Where the reading view's paragraphs sit in its rows, and the cursor's line kept in view.

Each paragraph is laid out for the width and the display options when it comes near the
screen (`layout_of`, an LRU of layouts); every other paragraph has an estimated height until
then, so the first screen of a long book costs no more than a short article's. Heights give
each paragraph's first row (`_starts`); when they change, the paragraph at the top of the
viewport stays where it is (`_anchor`), and the cursor's line is scrolled into view.

`ReadingView` is this class with annotation, drawing and navigation (`reading_view.py`); a
base class only to keep one widget's code in files of one idea each, as the reading screen's.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.config import Settings, ViewMode
from reader.core.engine.store import ParagraphStore
from reader.core.models import AnnotatedParagraph, ParagraphKind
from reader.ui.settings import LiveSettings
from reader.ui.widgets.reading_layout import (
    DisplayOptions,
    ParagraphLayout,
    height_estimator,
    layout_paragraph,
    provisional_paragraph,
    row_kinds,
    word_at,
)

GUTTER_WIDTH = 2  # the current-paragraph bar and a space
RIGHT_MARGIN = 1
MAX_TEXT_WIDTH = 104  # long lines tire the eye; wider terminals get margins instead
FOCUS_TEXT_WIDTH = 76
EXACT_LAYOUT_CHAR_LIMIT = 60_000  # up to this, every height becomes exact after first paint
EXACT_LAYOUT_DELAY = 1.0  # seconds after the first paint
FIRST_SCREEN_SPAN = 14  # paragraphs laid out at once around the top of the screen
LAYOUTS_KEPT = 512  # paragraph layouts kept for drawing (the rest are made again when seen)


class ReadingViewport(ScrollView):
    """The paragraphs of a store laid out in a scrolling view, a current paragraph and a
    cursor offset in it (`ReadingView` moves them)."""

    def __init__(
        self,
        store: ParagraphStore,
        settings: LiveSettings | None,
        *,
        paragraph_index: int,
        offset: int,
        name: str | None,
        id: str | None,
        classes: str | None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        # The annotated paragraphs are the store's (memory LRU over the disk cache): the view
        # keeps only layouts of what it draws, and the heights of the rest.
        self.store = store
        self.settings = settings or LiveSettings(save=False)  # the app's settings object
        self._options: tuple[Settings, DisplayOptions] | None = None  # derived, not a copy
        count = len(store)
        self._layouts: LRUCache[int, ParagraphLayout] = LRUCache(LAYOUTS_KEPT)
        self._exact: set[int] = set()  # paragraphs whose height is laid out, not estimated
        self._total_chars = sum(len(p.text) for p in store.document.paragraphs)
        self._heights: list[int] = []
        self._starts: list[int] = []
        self._layout_width = 0
        self._focus_top = 0
        # Each strip with the layout it was drawn from (a layout made again gets new strips).
        self._strips: LRUCache[tuple[object, ...], tuple[ParagraphLayout, Strip]] = LRUCache(1024)
        self.paragraph_index = max(0, min(paragraph_index, count - 1)) if count else 0
        self.cursor_offset = offset

    # ---- the text as shown ---------------------------------------------------------------------

    @property
    def paragraph_count(self) -> int:
        return len(self.store)

    def shown_paragraph(self, index: int) -> AnnotatedParagraph:
        annotated = self.store.shown(index)
        if annotated is not None:
            return annotated
        return provisional_paragraph(self.store.document.paragraphs[index])

    @property
    def cursor_token_index(self) -> int | None:
        """Index of the word under the cursor in the current paragraph (None: no words).

        Until the paragraph's annotation arrives the cursor moves over its raw characters.
        """
        if not self.paragraph_count:
            return None
        return word_at(self.shown_paragraph(self.paragraph_index).tokens, self.cursor_offset)

    @property
    def options(self) -> DisplayOptions:
        """What the settings say about how the text looks (worked out once per change)."""
        current = self.settings.current
        if self._options is None or self._options[0] is not current:
            self._options = (current, DisplayOptions.from_settings(current))
        return self._options[1]

    # ---- layout --------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        if self._content_width != self._layout_width:
            self._relayout()
        elif self.options.view is ViewMode.FOCUS:
            self._recompute_starts()  # the vertical centring depends on the height

    @property
    def _content_width(self) -> int:
        return self.scrollable_content_region.width

    @property
    def text_width(self) -> int:
        """Cells available to the text of a line (margins and gutter excluded)."""
        available = self._content_width - GUTTER_WIDTH - RIGHT_MARGIN
        cap = FOCUS_TEXT_WIDTH if self.options.view is ViewMode.FOCUS else MAX_TEXT_WIDTH
        return max(8, min(cap, available))

    @property
    def _left_margin(self) -> int:
        spare = self._content_width - GUTTER_WIDTH - RIGHT_MARGIN - self.text_width
        return max(0, spare // 2)

    def _space_before(self, index: int) -> int:
        if self.options.view is ViewMode.FOCUS or index == 0:
            return 0
        return 1 if self.store.document.paragraphs[index].kind is ParagraphKind.HEADING else 0

    def layout_of(self, index: int) -> ParagraphLayout:
        layout = self._layouts.get(index)
        if layout is None:
            annotated = self.store.shown(index)
            layout = layout_paragraph(
                annotated or provisional_paragraph(self.store.document.paragraphs[index]),
                self.text_width,
                self.options,
                self.store.document.script,
                provisional=annotated is None,
                space_before=self._space_before(index),
            )
            self._layouts[index] = layout
        return layout

    @property
    def _paragraph_gap(self) -> int:
        """Blank rows after a paragraph: more than the space between its own lines."""
        return 2 if len(row_kinds(self.options)) > 1 else 1

    def _estimated_heights(self, indices: range) -> list[int]:
        estimate = height_estimator(self.text_width, self.options)
        gap = self._paragraph_gap
        paragraphs = self.store.document.paragraphs
        spaced = self.options.view is not ViewMode.FOCUS  # as `_space_before`, inlined: a
        heading = ParagraphKind.HEADING  # book has ~100,000 paragraphs
        return [
            estimate(paragraph) + gap + (1 if spaced and index and paragraph.kind is heading else 0)
            for index, paragraph in zip(
                indices, paragraphs[indices.start : indices.stop], strict=True
            )
        ]

    def _relayout(self) -> None:
        """Lay out again for a new width or new options, keeping the current paragraph in view.

        Only the paragraphs around the viewport and the cursor are laid out now; the others
        get an estimated height until they come into view (`_settle`), so the first screen
        of a long book costs no more than the first screen of a short article.
        """
        if not self.paragraph_count or self._content_width <= 0:
            return
        # The first layout starts at the current paragraph (a resumed position): at the top.
        anchor = self._anchor() if self._starts else (self.paragraph_index, 0)
        self._layouts.clear()
        self._exact.clear()
        self._strips.clear()
        self._layout_width = self._content_width
        self._heights = self._estimated_heights(range(self.paragraph_count))
        self._recompute_starts()
        around = {self.paragraph_index, anchor[0] if anchor else 0}
        self._settle(
            {i for centre in around for i in range(centre - 2, centre + FIRST_SCREEN_SPAN)},
            anchor,
            force=True,
        )
        if self._total_chars <= EXACT_LAYOUT_CHAR_LIMIT:
            # A short text gets exact heights everywhere soon after the first paint, so
            # the scrollbar and long jumps are exact too.
            self.set_timer(EXACT_LAYOUT_DELAY, self._settle_everything)

    def _settle_everything(self) -> None:
        if self._total_chars <= EXACT_LAYOUT_CHAR_LIMIT:  # the text may have grown since
            self._settle(range(self.paragraph_count))

    def _settle(
        self,
        indices: Iterable[int],
        anchor: tuple[int, int] | None = None,
        *,
        force: bool = False,
    ) -> None:
        """Give `indices` their exact heights, keeping the anchor paragraph where it is."""
        if len(self._heights) != self.paragraph_count:
            return  # not laid out yet: the first `_relayout` does it
        if anchor is None:
            anchor = self._anchor()
        changed = False
        for index in indices:
            if not 0 <= index < self.paragraph_count or index in self._exact:
                continue
            height = self.layout_of(index).height + self._paragraph_gap
            self._exact.add(index)
            if height != self._heights[index]:
                self._heights[index] = height
                changed = True
        if changed or force:
            self._strips.clear()
            self._recompute_starts()
            self._restore_anchor(anchor)
            self.refresh()

    def _recompute_starts(self) -> None:
        starts = []
        total = 0
        for height in self._heights:
            starts.append(total)
            total += height
        self._starts = starts
        if self.options.view is ViewMode.FOCUS:
            layout = self.layout_of(self.paragraph_index)
            view_height = self.scrollable_content_region.height
            self._focus_top = max(1, (view_height - layout.height) // 2)
            total = self._focus_top + layout.height + 1
        self.virtual_size = Size(self._content_width, total)

    # ---- where the viewport is -----------------------------------------------------------------

    def _anchor(self) -> tuple[int, int] | None:
        """The paragraph at the top of the viewport and how far into it we are scrolled."""
        if self.options.view is ViewMode.FOCUS or not self._starts:
            return None
        top = round(self.scroll_y)
        index = max(0, bisect_right(self._starts, top) - 1)
        return index, top - self._starts[index]

    def _restore_anchor(self, anchor: tuple[int, int] | None) -> None:
        if anchor is None:
            if self.options.view is ViewMode.FOCUS:
                self.scroll_to(y=0, animate=False)
            return
        index, offset = anchor
        if index < len(self._starts):
            self.scroll_to(y=self._starts[index] + offset, animate=False)
        self._ensure_cursor_visible()

    def _visible_paragraph_range(self) -> tuple[int, int]:
        if self.options.view is ViewMode.FOCUS or not self._starts:
            return self.paragraph_index, self.paragraph_index
        top = round(self.scroll_y)
        bottom = top + max(1, self.scrollable_content_region.height)
        first = max(0, bisect_right(self._starts, top) - 1)
        last = max(first, bisect_right(self._starts, bottom) - 1)
        return first, min(last, self.paragraph_count - 1)

    def _settle_visible_heights(self) -> None:
        """Replace estimated heights by exact ones for the paragraphs now on screen."""
        first, last = self._visible_paragraph_range()
        if any(i not in self._exact for i in range(first, last + 1)):
            self.call_later(self._settle, range(first, last + 1))

    def _locate_row(self, row: int) -> tuple[int, int] | None:
        """(paragraph index, row inside its layout) for a virtual row, or None for spacing."""
        if not self._starts:
            return None
        if self.options.view is ViewMode.FOCUS:
            local = row - self._focus_top
            layout = self.layout_of(self.paragraph_index)
            return (self.paragraph_index, local) if 0 <= local < layout.height else None
        index = bisect_right(self._starts, row) - 1
        if index < 0:
            return None
        local = row - self._starts[index]
        if local >= self.layout_of(index).height:
            return None
        return index, local

    # ---- the cursor's rows ---------------------------------------------------------------------

    def _row_range_of_cursor(self) -> tuple[int, int]:
        """Virtual rows [start, end) of the cursor's line (or the paragraph if unknown)."""
        index = self.paragraph_index
        layout = self.layout_of(index)
        start = self._focus_top if self.options.view is ViewMode.FOCUS else self._starts[index]
        token = self.cursor_token_index
        line = layout.token_line.get(token) if token is not None else None
        if line is None:
            return start, start + layout.height
        rows = layout.rows_of_line(line)
        return start + rows[0], start + rows[-1] + 1

    def _refresh_paragraph_rows(self, index: int) -> None:
        if self.options.view is ViewMode.FOCUS or index >= len(self._starts):
            self.refresh()
            return
        self.refresh_lines(self._starts[index], self._heights[index])

    def _refresh_cursor_line(self) -> None:
        start, end = self._row_range_of_cursor()
        self.refresh_lines(start, end - start)

    def _ensure_cursor_visible(self, paragraph_changed: bool = False) -> None:
        if self.options.view is ViewMode.FOCUS or not self._starts:
            return
        view_height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        index = self.paragraph_index
        para_start = self._starts[index]
        para_end = para_start + self.layout_of(index).height
        line_start, line_end = self._row_range_of_cursor()
        target = top
        # A paragraph not wholly in view is put at the top (j, a resumed position): at the
        # bottom edge only its first lines would show, the rest under the panel.
        fits = para_end - para_start <= view_height
        if fits and paragraph_changed and (para_start < top or para_end > top + view_height):
            target = para_start
        if line_start < target:
            target = max(0, line_start - 1)
        elif line_end > target + view_height:
            target = line_end - view_height + 1
        if target != top:
            self.scroll_to(y=target, animate=False)

    def keep_cursor_in_view(self) -> None:
        """Scroll so the cursor's paragraph (or at least its line) is in view: after the
        view got shorter (the gloss panel opened under it, the terminal shrank)."""
        self._ensure_cursor_visible(paragraph_changed=True)
