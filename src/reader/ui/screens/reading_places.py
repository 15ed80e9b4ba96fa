"""The reading screen's ways out to the rest of a reader's life: the dictionary (`d`), the
table of contents (`i`), and what the library (`o`, the app's action) is told about the text
read now (its % known and new words) and asks of it afterwards (statuses to read again).

`ReadingScreen` is this class, `ReadingWords` and the rest of the reading screen
(`reading.py`); a base class only to keep one screen's actions in files of one idea each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.core.models import ParagraphKind, Section
from reader.ui.screens.reading_words import ReadingWords

if TYPE_CHECKING:
    from reader.core.learner.library import DocumentSummary


class ReadingPlaces(ReadingWords):
    """The dictionary and contents screens opened from the text, and the library's figures."""

    def action_dictionary(self) -> None:
        """The dictionary screen; back here with the statuses read again if a word was saved."""
        from reader.ui.screens.dictionary import DictionaryScreen

        screen = DictionaryScreen(self._dictionary, self.vocabulary, self.live_settings)
        self.app.push_screen(screen, self._dictionary_closed)

    def _dictionary_closed(self, saved: bool | None) -> None:
        if saved:
            self.known_words_reloaded()

    def known_words_reloaded(self, result: object = None) -> None:
        """Statuses may have changed elsewhere (a bulk change in the library, a word saved in
        the dictionary): read them again and redraw."""
        del result
        self._reload_statuses()

    def contents(self) -> tuple[Section, ...]:
        """The text's table of contents: an EPUB's own, else its headings."""
        document = self.paragraphs.document
        if document.contents:
            return document.contents
        return tuple(
            Section(paragraph.text.strip(), paragraph.index, max(1, paragraph.heading_level))
            for paragraph in document.paragraphs
            if paragraph.kind is ParagraphKind.HEADING
        )

    def action_contents(self) -> None:
        from reader.ui.screens.contents import ContentsScreen

        sections = self.contents()
        if not sections:
            self.notify("This text has no chapters or headings to list.", severity="warning")
            return
        screen = ContentsScreen(sections, self.view.paragraph_index)
        self.app.push_screen(screen, self._chapter_chosen)

    def _chapter_chosen(self, paragraph_index: int | None) -> None:
        if paragraph_index is None:
            return
        if paragraph_index >= self.view.paragraph_count:
            self.notify("That chapter is still being read; try again in a moment.")
            return
        self.view.set_cursor(paragraph_index, 0)

    def library_summary(self) -> DocumentSummary | None:
        """The text's figures for the library (% known, new words) from the paragraphs
        annotated so far; None without a vocabulary."""
        from reader.core.learner.library import summarise_store

        if not self.vocabulary.available or not self.paragraphs.annotated_count:
            return None
        return summarise_store(self.paragraphs, self.statuses)
