"""The reading screen's part that deals with the learner's words: their statuses (saved with
their sentence, marked new / learning / known / ignored, removed and put back), the
vocabulary and study screens opened from the text, the pre-reading list, and where words
are cut (`x` splits, `m` joins: the learner's segmentation rules).

`ReadingScreen` is this class and the rest of the reading screen (`reading.py`); it is a
base class only to keep one screen's actions in two files of one idea each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work

from reader.core.engine.store import ParagraphStore
from reader.core.errors import ReaderError
from reader.core.learner.shares import token_status
from reader.core.models import Token
from reader.core.text.sentences import sentence_at
from reader.ui.problems import saving
from reader.ui.screens.base import ReaderScreen
from reader.ui.services import Vocabulary
from reader.ui.settings import LiveSettings
from reader.ui.widgets.reading_layout import is_word
from reader.ui.widgets.reading_view import ReadingView

if TYPE_CHECKING:
    from reader.core.dictionary.cedict import Dictionary
    from reader.core.engine.user_dictionary import Rule, UserDictionary
    from reader.core.learner.records import BulkChange, Context, Status, VocabItem
    from reader.core.learner.vocab import VocabStore
    from reader.ui.screens.vocab import VocabJump


class ReadingWords(ReaderScreen[None]):
    """The learner's words in the text: the status map kept in step with the vocabulary."""

    # Set by ReadingScreen.__init__:
    paragraphs: ParagraphStore
    vocabulary: Vocabulary
    live_settings: LiveSettings
    statuses: dict[str, Status]
    """Word form (both scripts) -> status: read once, then kept in step with each change."""

    @property
    def view(self) -> ReadingView:
        return self.query_one(ReadingView)

    def known_words_changed(self) -> None:
        """The statuses changed in place: redraw what shows them (ReadingScreen's)."""
        raise NotImplementedError

    # ---- segmentation fixes ------------------------------------------------------------------

    def _dictionary(self) -> Dictionary:
        return self.paragraphs.annotator.dictionary

    def user_dictionary(self) -> UserDictionary:
        """The rules in use (the segmenter's; loaded from the file on first use)."""
        from reader.core.engine.user_dictionary import UserDictionary

        segmenter = self.paragraphs.annotator.segmenter
        return segmenter.user_dictionary or UserDictionary.load()

    def edit_user_dictionary(self, change: Callable[[UserDictionary], None]) -> str:
        """Apply `change(user_dictionary)` to the rules in use, re-annotate with them, and
        save the change into the rules file (if that fails, the change still holds here).
        Returns where the change went, for the notification."""
        user_dictionary = self.user_dictionary()
        change(user_dictionary)
        where = "for this session only: not saved"
        with saving(self.app):
            user_dictionary.save()  # also takes in the rules another instance saved
            where = "saved to your dictionary"
        # The store keeps annotations under the rules in use (saved or not).
        self.view.reannotate(user_dictionary)
        return where

    def _change_rule(self, word: str, change: Callable[[UserDictionary], None], what: str) -> str:
        """A split or join: made, saved, and undoable (u puts back the rule there was)."""
        before = self.user_dictionary().rule(word)
        where = self.edit_user_dictionary(change)
        self.undo_stack.push(what, lambda: self.restore_rule(word, before, what))
        return where

    def restore_rule(self, word: str, rule: Rule | None, what: str) -> str:
        """Undo of a rule's change or removal: the rule `word` had (None: no rule)."""

        def put_back(user_dictionary: UserDictionary) -> None:
            if rule is None:
                user_dictionary.remove(word)
            else:
                user_dictionary.put(rule)

        where = self.edit_user_dictionary(put_back)
        return f"Took back {what} ({where})."

    def _rule_origin(self) -> str:
        """Where a rule is made: when, the text, the sentence (its line's comment)."""
        from datetime import datetime

        view = self.view
        document = self.paragraphs.document
        text = document.paragraphs[view.paragraph_index].text
        sentence = sentence_at(text, view.cursor_offset)
        made = datetime.now().strftime("%Y-%m-%d %H:%M")
        title = document.title.replace(" · ", " - ")
        in_sentence = "" if sentence.strip() == document.title.strip() else f" · {sentence[:80]}"
        return f"{made} · {title}{in_sentence}"

    def action_split_word(self) -> None:
        token = self.view.cursor_token
        if token is None or not token.is_han or len(token.text) < 2:
            self.notify("Only a word of two or more characters can be split.", severity="warning")
            return
        from reader.core.dictionary.compounds import best_split

        parts = best_split(token.text, self._dictionary().has_word)
        origin = self._rule_origin()
        where = self._change_rule(
            token.text,
            lambda words: words.add_split(token.text, parts, origin=origin),
            f"the split of {token.text}",
        )
        self.notify(f"Split {token.text} → {' · '.join(parts)} ({where}; u takes it back)")

    def _next_word_token(self) -> Token | None:
        view = self.view
        annotated = view.annotated(view.paragraph_index)
        index = view.cursor_token_index
        if annotated is None or index is None or index + 1 >= len(annotated.tokens):
            return None
        following = annotated.tokens[index + 1]
        return following if is_word(following) else None

    def action_join_word(self) -> None:
        token = self.view.cursor_token
        following = self._next_word_token()
        if token is None or following is None or not (token.is_han and following.is_han):
            self.notify("Only two adjacent Chinese words can be joined.", severity="warning")
            return
        joined = token.text + following.text
        origin = self._rule_origin()
        where = self._change_rule(
            joined, lambda words: words.add_join(joined, origin=origin), f"the join of {joined}"
        )
        self.notify(f"Joined {token.text} + {following.text} → {joined} ({where}; u takes it back)")

    def action_rules(self) -> None:
        """The learner's split/join rules, where each was made; removing them (undoable)."""
        from reader.ui.screens.rules import RulesScreen

        self.app.push_screen(RulesScreen(self))

    # ---- vocabulary ------------------------------------------------------------------------------

    def _load_statuses(self) -> None:
        store = self.vocabulary.store
        if store is None:
            self.notify(f"Vocabulary unavailable: {self.vocabulary.error}", severity="error")
            return
        try:
            self.statuses = store.statuses()
        except ReaderError as error:
            self.vocabulary.fail(error)
            self.notify(f"Vocabulary unavailable: {error}", severity="error")
            return
        self.view.status_of = self.status_of
        self.view.restyle()

    def status_of(self, token: Token) -> Status | None:
        """The learner's status of a word as written or in either script (None: never saved)."""
        return token_status(token, self.statuses)

    def _remember(self, item: VocabItem) -> None:
        for form in item.forms:
            self.statuses[form] = item.status

    def _word_under_cursor(self) -> Token | None:
        token = self.view.cursor_token
        if token is None or not token.is_han:
            self.notify("Put the cursor on a Chinese word first.", severity="warning")
            return None
        if not self.view.is_ready(self.view.paragraph_index):
            self.notify("This paragraph is still being read; try again in a moment.")
            return None
        return token

    def _context_of(self, token: Token) -> Context:
        from reader.core.learner.records import Context

        view = self.view
        text = self.paragraphs.document.paragraphs[view.paragraph_index].text
        document = self.paragraphs.document
        return Context(
            sentence_at(text, token.start),
            doc_title=document.title,
            doc_id=document.doc_id,
            paragraph_index=view.paragraph_index,
        )

    def _store_or_warn(self) -> VocabStore | None:
        store = self.vocabulary.store
        if store is None:
            self.notify(f"Vocabulary unavailable: {self.vocabulary.error}", severity="error")
        return store

    def action_save_word(self) -> None:
        """Save the word under the cursor with its sentence and this document as source."""
        from reader.core.learner.describe import describe_token

        token = self._word_under_cursor()
        store = self._store_or_warn()
        if token is None or store is None:
            return
        try:
            item = store.add(describe_token(token), context=self._context_of(token))
        except ReaderError as error:
            self.notify(str(error), severity="error")
            return
        self._remember(item)
        self.known_words_changed()
        self.notify(f"Saved {item.headword} ({item.status.value}).")

    def action_set_status(self, status_name: str) -> None:
        """Give the word under the cursor a status, saving it (with its sentence) if needed."""
        from reader.core.learner.describe import describe_token
        from reader.core.learner.records import Status

        status = Status(status_name)
        token = self._word_under_cursor()
        store = self._store_or_warn()
        if token is None or store is None:
            return
        try:
            if self.status_of(token) is None:
                item = store.add(
                    describe_token(token), status=status, context=self._context_of(token)
                )
            else:
                item = store.set_status(token.traditional, status)
        except ReaderError as error:
            self.notify(str(error), severity="error")
            return
        self._remember(item)
        self.known_words_changed()
        self.notify(f"{item.headword}: {status.value}.")

    def action_forget_word(self) -> None:
        token = self._word_under_cursor()
        store = self._store_or_warn()
        if token is None or store is None:
            return
        if self.status_of(token) is None:
            self.notify(f"{token.text} is not in your vocabulary.", severity="warning")
            return
        try:
            item = store.remove(token.traditional)
        except ReaderError as error:
            self.notify(str(error), severity="error")
            return
        for form in (*item.forms, token.text):
            self.statuses.pop(form, None)
        self.undo_stack.push(f"the removal of {item.headword}", lambda: self._restore(store, item))
        self.known_words_changed()
        self.notify(f"Removed {item.headword} from your vocabulary (u puts it back).")

    def _restore(self, store: VocabStore, item: VocabItem) -> str:
        """Undo a removal: the word exactly as it was (sentences, status, dates)."""
        restored = store.restore(item)
        self._remember(restored)
        self.known_words_changed()
        return f"{restored.headword} is back ({restored.status.value})."

    def action_mark_paragraph_known(self) -> None:
        """Every Han word of the current paragraph not saved yet becomes known (saved ones keep
        their status: what you are learning stays marked)."""
        from reader.core.learner.describe import describe_token
        from reader.core.learner.records import Status

        view = self.view
        store = self._store_or_warn()
        annotated = view.annotated(view.paragraph_index)
        if store is None:
            return
        if annotated is None or not view.is_ready(view.paragraph_index):
            self.notify("This paragraph is still being read; try again in a moment.")
            return
        unmarked: dict[str, Token] = {}
        for token in annotated.tokens:
            if token.is_han and self.status_of(token) is None:
                unmarked.setdefault(token.traditional, token)
        if not unmarked:
            self.notify("Every word of this paragraph is marked already.")
            return
        forms = [describe_token(token) for token in unmarked.values()]
        contexts = {word: self._context_of(token) for word, token in unmarked.items()}
        label = f"paragraph {view.paragraph_index + 1} of {self.paragraphs.document.title}"
        try:
            change = store.apply_bulk_change(label, forms, Status.KNOWN, contexts=contexts)
        except ReaderError as error:
            self.notify(str(error), severity="error")
            return
        for word in forms:
            self.statuses[word.traditional] = self.statuses[word.simplified] = Status.KNOWN
        self.known_words_changed()
        count = _words(change.words)
        self._push_bulk_undo(store, change, f"marking {count} known")
        self.notify(f"Marked {count} known (u takes it back).")

    def _push_bulk_undo(self, store: VocabStore, change: BulkChange, what: str) -> None:
        """`u` takes a bulk change back (as `reader known undo` would, from anywhere)."""
        if change.words:
            self.undo_stack.push(what, lambda: self._undo_bulk_change(store, change, what))

    def _undo_bulk_change(self, store: VocabStore, change: BulkChange, what: str) -> str:
        undone = store.undo_bulk_change(change.id)
        self._reload_statuses()
        if undone is None:
            return f"Nothing to undo: {what} was taken back already."
        kept = f"; {'、'.join(undone.kept)} changed since, kept" if undone.kept else ""
        return f"Took back {what}: {_words(undone.restored)} as before{kept}."

    def action_vocabulary(self) -> None:
        from reader.ui.screens.vocab import VocabScreen

        store = self._store_or_warn()
        if store is None:
            return
        self.app.push_screen(
            VocabScreen(store, self.live_settings, current_doc_id=self.paragraphs.document.doc_id),
            self._vocabulary_closed,
        )

    def action_learn_pre_reading(self) -> None:
        """Add the text's pre-reading list (the unknown words that matter most: frequent here
        and common in the language) to learning. The whole text is read for it, in a thread."""
        store = self._store_or_warn()
        if store is None:
            return
        self.notify("Finding the words that matter most in this text…")
        self._learn_pre_reading(store, dict(self.statuses))

    @work(thread=True, exclusive=True, group="pre-reading", exit_on_error=False)
    def _learn_pre_reading(self, store: VocabStore, statuses: dict[str, Status]) -> None:
        from reader.core.learner.stats import learn_words, store_stats

        paragraphs = self.paragraphs
        document = paragraphs.document
        try:
            # What the reading view's worker has not annotated yet, then the summaries.
            paragraphs.fill(paragraphs.missing())
            stats = store_stats(paragraphs, statuses, with_paragraph_shares=False)
            change = learn_words(
                store, stats.pre_reading, doc_title=document.title, doc_id=document.doc_id
            )
        except ReaderError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        words = [word.text for word in stats.pre_reading]
        self.app.call_from_thread(self._pre_reading_learned, store, change, words)

    def _pre_reading_learned(self, store: VocabStore, change: BulkChange, words: list[str]) -> None:
        self._reload_statuses()
        if not words:
            self.notify("Nothing to pre-learn: you know or are learning every word here.")
            return
        count = _words(change.words)
        self._push_bulk_undo(store, change, f"adding {count} to learning")
        shown = "、".join(words[:8]) + ("…" if len(words) > 8 else "")
        self.notify(
            f"{count} added to learning (u takes it back): {shown}",
            title="Pre-reading list",
            timeout=8,
        )

    def action_study(self) -> None:
        """Review the saved words that are due (the study screen); back here afterwards."""
        from reader.ui.screens.study import StudyScreen

        store = self._store_or_warn()
        if store is None:
            return
        try:
            screen = StudyScreen(store, self.live_settings, annotator=self.paragraphs.annotator)
        except ReaderError as error:  # a damaged study record: said, and reading goes on
            self.notify(str(error), title="Cannot study", severity="error", timeout=12)
            return
        self.app.push_screen(screen, self._study_closed)

    def _study_closed(self, summary: object) -> None:
        del summary  # the study screen showed it already
        self._reload_statuses()

    def _reload_statuses(self) -> None:
        store = self.vocabulary.store
        if store is not None:
            try:
                self.statuses = store.statuses()
            except ReaderError as error:
                self.notify(str(error), severity="error")
        self.known_words_changed()

    def _vocabulary_closed(self, jump: VocabJump | None) -> None:
        """Back from the vocabulary screen: statuses may have changed; maybe jump to a word."""
        self._reload_statuses()
        if jump is not None:
            self.view.set_cursor(jump.paragraph_index, self._offset_of(jump))

    def _offset_of(self, jump: VocabJump) -> int:
        """Where the word of a jump is in its paragraph: in its sentence if that is found."""
        paragraphs = self.paragraphs.document.paragraphs
        if not 0 <= jump.paragraph_index < len(paragraphs):
            return 0
        text = paragraphs[jump.paragraph_index].text
        sentence_start = max(0, text.find(jump.sentence)) if jump.sentence else 0
        found = [
            position for form in jump.forms if (position := text.find(form, sentence_start)) >= 0
        ]
        return min(found) if found else sentence_start


def _words(count: int) -> str:
    return f"{count} word{'s' if count != 1 else ''}"
