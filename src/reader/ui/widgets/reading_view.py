"""The interlinear text: a Line-API ScrollView that packs word columns itself.

Each paragraph is laid out once per (width, display options) with `reader.core.text.layout.pack`:
a word column is as wide as the wider of its hanzi, its pinyin and its second-script form.
`render_line` turns one row of one paragraph into a Strip, cached in an LRU keyed by the
row and by whether the cursor is on it, so a cursor move refreshes only the rows it touches.

Paragraphs are annotated in a thread worker, the ones on screen first; until then a
paragraph shows its raw characters (no pinyin yet), so the first screen paints before the
segmenter, the pinyin model and the dictionary have loaded.

Where each paragraph sits in the rows (layouts, heights, the anchor while they change, the
cursor's line kept in view) is the base class's (`reading_viewport.ReadingViewport`); the
rows are drawn by `reading_rows`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.message import Message
from textual.strip import Strip
from textual.worker import get_current_worker

from reader.config import (
    Settings,
    ViewMode,
)
from reader.core.engine.store import ParagraphStore
from reader.core.engine.warmup import FirstScreenPrefetch
from reader.core.models import (
    AnnotatedParagraph,
    ParagraphKind,
    Token,
)
from reader.core.tone_colours import SCHEMES, colour_rules
from reader.ui.settings import LiveSettings
from reader.ui.widgets.annotation_feed import AnnotationFeed
from reader.ui.widgets.reading_layout import (
    CAPTION_INDENT,
    is_word,
    word_at,
)
from reader.ui.widgets.reading_rows import Palette, RowLook, render_row, resolve_palette
from reader.ui.widgets.reading_viewport import FIRST_SCREEN_SPAN, GUTTER_WIDTH, ReadingViewport

if TYPE_CHECKING:
    from reader.core.engine.user_dictionary import UserDictionary

# Seconds the view may wait, as it mounts, for the first screen's annotations from the child.
PREFETCH_MOUNT_WAIT = 0.15


# ---- the widget ----------------------------------------------------------------------------


class ReadingView(ReadingViewport, can_focus=True, inherit_bindings=False):
    """Paragraphs with pinyin above each word, a current paragraph and a word cursor.

    It has no bindings of its own (the scrolling keys of ScrollView are not inherited): the
    reading screen binds every key, in one place.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reading-view--text",
        "reading-view--pinyin",
        "reading-view--second",
        "reading-view--heading",
        "reading-view--caption",
        "reading-view--cursor",
        "reading-view--gutter",
        "reading-view--pending",
        "reading-view--rule",
        *(f"reading-view--{scheme}-{tone}" for scheme in SCHEMES for tone in range(1, 6)),
    }

    DEFAULT_CSS = """
    ReadingView {
        overflow-x: hidden;
        overflow-y: scroll;  /* a scrollbar from the start: the width never jumps by one */
        scrollbar-size-vertical: 1;
    }
    ReadingView > .reading-view--pinyin { color: $text-muted; }
    ReadingView > .reading-view--second { color: $text-muted; }
    ReadingView > .reading-view--heading { color: $primary; text-style: bold; }
    ReadingView > .reading-view--caption { color: $text-muted; text-style: italic; }
    ReadingView > .reading-view--cursor { text-style: bold; }  /* colours: see `palette` */
    ReadingView > .reading-view--gutter { color: $accent; }
    ReadingView > .reading-view--pending { color: $text-disabled; }
    ReadingView > .reading-view--rule { color: $primary 50%; }
    """ + colour_rules(lambda scheme, tone: f"ReadingView > .reading-view--{scheme}-{tone}")

    @dataclass
    class CursorMoved(Message):
        """The current paragraph or word changed (also after re-annotation)."""

        view: ReadingView
        paragraph_index: int
        token: Token | None

        @property
        def control(self) -> ReadingView:
            return self.view

    @dataclass
    class ParagraphsAnnotated(Message):
        """These paragraphs got their (new) annotation: for listeners such as the known-word
        counts of the reading screen."""

        view: ReadingView
        indices: tuple[int, ...]

        @property
        def control(self) -> ReadingView:
            return self.view

    class Annotated(Message):
        """Posted by the annotation worker: these paragraphs are in the store now."""

        def __init__(self, indices: list[int], generation: int) -> None:
            super().__init__()
            self.indices = indices
            self.generation = generation

    def __init__(
        self,
        store: ParagraphStore,
        settings: LiveSettings | None = None,
        *,
        paragraph_index: int = 0,
        offset: int = 0,
        prefetch: FirstScreenPrefetch | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(
            store,
            settings,
            paragraph_index=paragraph_index,
            offset=offset,
            name=name,
            id=id,
            classes=classes,
        )
        self._palette: Palette | None = None
        self.feed = AnnotationFeed(store)  # what the annotation worker does, and in which order
        self.annotation_error: Exception | None = None
        self.prefetch = prefetch  # the first screen, annotated in a child process
        # A word's study status for `token_style` (set by the vocabulary layer; call
        # `restyle()` after it changes).
        self.status_of: Callable[[Token], object | None] | None = None
        self._annotated_paint_pending = False

    # ---- public state --------------------------------------------------------------------

    def annotated(self, index: int) -> AnnotatedParagraph | None:
        """The real annotation of a paragraph, if it has arrived (possibly from before the
        rules changed)."""
        return self.store.shown(index)

    def is_ready(self, index: int) -> bool:
        return self.store.is_annotated(index)

    @property
    def cursor_token(self) -> Token | None:
        index = self.cursor_token_index
        if index is None:
            return None
        return self.shown_paragraph(self.paragraph_index).tokens[index]

    # ---- lifecycle -----------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()  # type: ignore[no-untyped-call]
        self._shown_options = self.options  # what the layout was made for
        self._unsubscribe = self.settings.subscribe(self._settings_changed)
        if self.prefetch is not None:
            # Waiting a moment here lets the first paint show the words with their pinyin
            # (the child is usually a little ahead of the app's start-up); a paint of the
            # raw characters first, then of the words, costs longer.
            self.store.put(self.prefetch.take_ready(PREFETCH_MOUNT_WAIT))
        self._update_priority()
        self._annotate()

    def on_unmount(self) -> None:
        self._unsubscribe()

    def notify_style_update(self) -> None:
        """The theme or the CSS changed: resolve the component styles again and redraw."""
        super().notify_style_update()
        self._palette = None
        self._strips.clear()
        self.refresh()

    # ---- annotation worker -----------------------------------------------------------------

    def _update_priority(self) -> None:
        """Paragraphs to annotate first: the current one, then those around the viewport."""
        if not self.paragraph_count:
            return
        first, last = self._visible_paragraph_range()
        current = self.paragraph_index
        ahead = range(max(0, first - 2), min(self.paragraph_count, last + 6))
        self.feed.priority = (current, *(index for index in ahead if index != current))

    @work(
        thread=True,
        exclusive=True,
        group="annotate",
        name="annotate paragraphs",
        exit_on_error=False,
    )
    def _annotate(self) -> None:
        prefetch, self.prefetch = self.prefetch, None
        try:
            self.feed.run(get_current_worker(), prefetch, self._deliver, self._announce)
        except Exception as error:  # the raw text stays readable; say why pinyin is missing
            self.app.call_from_thread(self._annotation_failed, error)

    def _deliver(self, paragraphs: list[AnnotatedParagraph], generation: int) -> None:
        """Keep what the worker made in the store (one transaction), then tell the UI."""
        self.store.put(paragraphs, generation)
        self.post_message(self.Annotated([p.index for p in paragraphs], generation))

    def _announce(self, indices: list[int], generation: int) -> None:
        """Tell the UI that these paragraphs are in the store (put there by the whole-book
        workers, or carried over after a split or join)."""
        self.post_message(self.Annotated(indices, generation))

    def wait_for_annotated_paint(self, timeout: float) -> None:
        """Block (a worker) until words with their pinyin are on the terminal (see
        `AnnotationFeed.wait_for_annotated_paint`)."""
        self.feed.wait_for_annotated_paint(timeout)

    def _annotation_failed(self, error: Exception) -> None:
        self.annotation_error = error
        self.notify(
            f"Could not annotate the text: {error}", title="No pinyin", severity="error", timeout=10
        )

    def on_reading_view_annotated(self, message: ReadingView.Annotated) -> None:
        message.stop()
        if message.generation != self.store.generation:
            return
        changed = [index for index in message.indices if 0 <= index < self.paragraph_count]
        if changed:
            self._paragraphs_changed(changed)
            self.post_message(self.ParagraphsAnnotated(self, tuple(changed)))
        feed = self.feed
        if not feed.screen_ready.is_set() and all(self.is_ready(i) for i in feed.priority):
            self.call_after_refresh(feed.screen_ready.set)

    def document_grew(self, old_count: int) -> None:
        """The rest of a long text has been made (`old_count` paragraphs were shown): its
        paragraphs join the ones on show."""
        count = self.paragraph_count
        if count <= old_count:
            return
        self._total_chars = sum(len(p.text) for p in self.store.document.paragraphs)
        if len(self._heights) == old_count and self._layout_width:
            self._heights.extend(self._estimated_heights(range(old_count, count)))
            self._recompute_starts()
            self.refresh()
        self._update_priority()
        self._annotate()  # a worker that had finished the first part would not see the rest

    def reannotate(self, user_dictionary: UserDictionary | None = None) -> None:
        """Annotate every paragraph again (after a user-dictionary change: the rules now in
        use, or re-read from their file); old ones stay on screen until their replacement
        arrives."""
        self.store.rules_changed(user_dictionary)
        self._strips.clear()
        self._update_priority()
        self._annotate()

    # ---- layout ----------------------------------------------------------------------------

    def _paragraphs_changed(self, indices: Iterable[int]) -> None:
        indices = list(indices)
        was_exact = {index for index in indices if index in self._exact}
        for index in indices:
            self._layouts.discard(index)
            self._exact.discard(index)
        first, last = self._visible_paragraph_range()
        visible = range(first - 2, last + 3)
        # Paragraphs never looked at keep their estimated height until they come into view.
        self._settle([i for i in indices if i in visible or i in was_exact], force=True)
        if self.paragraph_index in indices:
            self._snap_cursor_to_word()
            self._post_cursor()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._update_priority()
            self._settle_visible_heights()

    # ---- rendering -------------------------------------------------------------------------

    @property
    def palette(self) -> Palette:
        if self._palette is None:
            self._palette = resolve_palette(
                self.get_component_rich_style,
                self.rich_style,
                self.app.theme_variables,
                no_color=self.app.no_color,
            )
        return self._palette

    def render_line(self, y: int) -> Strip:
        width = self._content_width
        if self._layout_width != width:
            self._relayout()
        located = self._locate_row(round(self.scroll_y) + y)
        if located is None:
            return Strip.blank(width, self.rich_style)
        index, local = located
        layout = self.layout_of(index)
        line, kind = layout.rows[local]
        is_current = index == self.paragraph_index
        cursor = self.cursor_token_index if is_current else None
        if cursor is not None and layout.token_line.get(cursor) != line:
            cursor = None
        key = (index, local, is_current, cursor)
        cached = self._strips.get(key)
        if cached is not None and cached[0] is layout:
            strip = cached[1]
        else:
            look = RowLook(self.palette, self.options, self.status_of, self._left_margin)
            strip = render_row(
                layout,
                line,
                kind,
                is_current=is_current,
                cursor=cursor,
                width=width,
                look=look,
            )
            self._strips[key] = (layout, strip)
        if not layout.provisional and not self._annotated_paint_pending:
            # Rows are rendered and handed to the terminal in one synchronous step, so a
            # callback queued now runs after this screen has gone out.
            self._annotated_paint_pending = True
            self.call_later(self.feed.annotated_paint.set)
        return strip

    def restyle(self) -> None:
        """Draw every row again (after word statuses or the theme changed)."""
        self._strips.clear()
        self.refresh()

    def visible_text(self) -> str:
        """The text currently on screen, row by row (tests and debugging)."""
        height = self.scrollable_content_region.height
        return "\n".join(self.render_line(y).text.rstrip() for y in range(height))

    # ---- cursor and navigation ---------------------------------------------------------------

    def _post_cursor(self) -> None:
        self.post_message(self.CursorMoved(self, self.paragraph_index, self.cursor_token))

    def _snap_cursor_to_word(self) -> None:
        annotated = self.store.shown(self.paragraph_index)
        if annotated is None:
            return  # keep the offset: the real words will arrive
        index = word_at(annotated.tokens, self.cursor_offset)
        if index is not None:
            self.cursor_offset = annotated.tokens[index].start

    def set_cursor(self, paragraph_index: int, offset: int = 0) -> None:
        """Put the cursor on a paragraph and a character offset (snapped to a word)."""
        if not self.paragraph_count:
            return
        paragraph_index = max(0, min(paragraph_index, self.paragraph_count - 1))
        old_index = self.paragraph_index
        old_rows = self._row_range_of_cursor() if self._starts else None
        self.paragraph_index = paragraph_index
        self.cursor_offset = offset
        self._snap_cursor_to_word()
        if old_index != paragraph_index and self._starts:
            # A long jump (G, a search hit) lands on exact heights, not estimates.
            self._settle(range(paragraph_index - 2, paragraph_index + FIRST_SCREEN_SPAN))
        if self.options.view is ViewMode.FOCUS:
            if old_index != paragraph_index:
                self._recompute_starts()
                self.scroll_to(y=0, animate=False)
            self.refresh()
        elif self._starts:
            if old_index != paragraph_index:
                self._refresh_paragraph_rows(old_index)
                self._refresh_paragraph_rows(paragraph_index)
            else:
                if old_rows is not None:
                    self.refresh_lines(old_rows[0], old_rows[1] - old_rows[0])
                self._refresh_cursor_line()
            self._ensure_cursor_visible(paragraph_changed=old_index != paragraph_index)
        self._update_priority()
        self._post_cursor()

    def move_paragraph(self, delta: int) -> None:
        self.set_cursor(self.paragraph_index + delta, 0)

    def go_first(self) -> None:
        self.set_cursor(0, 0)

    def go_last(self) -> None:
        self.set_cursor(self.paragraph_count - 1, 0)

    def page(self, direction: int) -> None:
        """A screenful down/up in continuous mode; a paragraph in focus mode."""
        if self.options.view is ViewMode.FOCUS or not self._starts:
            self.move_paragraph(direction)
            return
        view_height = self.scrollable_content_region.height
        target_row = max(0, round(self.scroll_y) + direction * max(1, view_height - 2))
        target_row = min(target_row, max(0, self.virtual_size.height - view_height))
        self.scroll_to(y=target_row, animate=False)
        index = max(0, bisect_right(self._starts, target_row) - 1)
        if self._starts[index] < target_row and index + 1 < self.paragraph_count:
            index += 1
        if index == self.paragraph_index:
            index = max(0, min(self.paragraph_count - 1, index + direction))
        self.set_cursor(index, 0)

    def move_word(self, delta: int) -> None:
        """Next/previous word, across paragraph boundaries; punctuation is skipped."""
        index = self.paragraph_index
        annotated = self.shown_paragraph(index)
        words = [i for i, token in enumerate(annotated.tokens) if is_word(token)]
        current = self.cursor_token_index
        if current is not None and current in words:
            position = words.index(current) + delta
            if 0 <= position < len(words):
                self.set_cursor(index, annotated.tokens[words[position]].start)
                return
        target = index + delta
        while 0 <= target < self.paragraph_count:
            target_paragraph = self.shown_paragraph(target)
            target_words = [token for token in target_paragraph.tokens if is_word(token)]
            if target_words:
                chosen = target_words[0] if delta > 0 else target_words[-1]
                self.set_cursor(target, chosen.start)
                return
            target += delta

    def _settings_changed(self, settings: Settings) -> None:
        """Listener of the settings object: lay out again if the text looks different."""
        old, self._shown_options = self._shown_options, self.options
        if self._shown_options == old:
            return
        view_changed = self._shown_options.view != old.view
        options = self._shown_options
        self._relayout()
        if view_changed and options.view is ViewMode.CONTINUOUS:
            self.scroll_to(y=self._starts[self.paragraph_index], animate=False)
        self._ensure_cursor_visible(paragraph_changed=True)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.call_after_refresh(self.follow_scroll)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.call_after_refresh(self.follow_scroll)

    def follow_scroll(self) -> None:
        """After the wheel scrolled the current paragraph out of view, the first paragraph
        that starts on screen becomes current (so j/k go on from what you are looking at)."""
        if self.options.view is ViewMode.FOCUS or not self._starts:
            return
        top = round(self.scroll_y)
        bottom = top + self.scrollable_content_region.height
        start = self._starts[self.paragraph_index]
        end = start + self._heights[self.paragraph_index]
        if end > top and start < bottom:
            return  # still (partly) on screen
        first, last = self._visible_paragraph_range()
        target = first if self._starts[first] >= top or first == last else first + 1
        self.set_cursor(target, 0)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        located = self._locate_row(round(self.scroll_y) + offset.y)
        if located is None:
            return
        index, local = located
        layout = self.layout_of(index)
        line, _ = layout.rows[local]
        if line < 0:
            return
        indent = CAPTION_INDENT if layout.paragraph.kind is ParagraphKind.CAPTION else 0
        x = offset.x - GUTTER_WIDTH - self._left_margin - indent
        for placed in layout.lines[line].columns:
            token = layout.paragraph.tokens[placed.index]
            if placed.x <= x < placed.x + placed.width and is_word(token):
                self.set_cursor(index, token.start)
                return
