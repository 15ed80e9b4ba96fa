"""Dictionary entries and search results as a learner reads them in the CLI's text and JSON
output: pinyin as dictionaries write it (Zhōngguó), CC-CEDICT's markup written out
(`CL:個|个[ge4]` → "measure word 個 gè"), every entry with all its definitions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reader.core.engine.syllables import PinyinStyle
from reader.core.models import Entry, Lookup, _is_pointer_definition, normalised_pinyin

if TYPE_CHECKING:  # (the gloss panel uses this module before the first paint: not the search)
    from reader.core.dictionary.search import SearchHit, SearchResults

# ---- lookups


def entry_pinyin(entry: Entry, style: PinyinStyle = PinyinStyle.MARKS) -> str:
    """An entry's reading as dictionaries write it, its capitals kept (中日關係 Zhōng Rì
    guānxì, Xī'ān, lǜ for CC-CEDICT's lu:4)."""
    from reader.core.engine.syllables import format_word

    return format_word(entry.pinyin.replace("u:", "ü").split(), style)


def gloss_for_reading(result: Lookup, pinyin_numbered: str) -> str | None:
    """The first real definition of an entry read `pinyin_numbered` ("zhong4", "yan2 zhe5";
    'v' or 'u:' for ü), so 重 in 重開 is glossed "to repeat", not "heavy".
    Falls back to `result.gloss` when no entry has that reading."""
    wanted = normalised_pinyin(pinyin_numbered)
    matching = [
        entry
        for entry in (*result.entries, *result.references)
        if normalised_pinyin(entry.pinyin) == wanted
    ]
    # Lowercase (common-word) readings before capitalised proper nouns.
    matching.sort(key=lambda entry: entry.pinyin[:1].isupper())
    for entry in matching:
        for definition in entry.definitions:
            if not _is_pointer_definition(definition):
                return definition
    return result.gloss


def format_lookup_text(result: Lookup, indent: str = "") -> str:
    """A readable rendering: every entry with all its definitions, then references or the
    breakdown."""
    lines: list[str] = []
    if not result.found and not result.breakdown:
        return f"{indent}{result.query}: no entry"
    if result.via:
        lines.append(f"{indent}{result.query} (found as {result.via})")
    for entry in result.entries:
        lines.extend(_format_entry(entry, indent))
    if result.references:
        lines.append(f"{indent}  see:")
        for entry in result.references:
            lines.extend(_format_entry(entry, indent + "    "))
    if result.breakdown:
        lines.append(f"{indent}{result.query}: no entry; made of")
        for part in result.breakdown:
            lines.append(format_lookup_text(part, indent + "  "))
    return "\n".join(lines)


def _format_entry(entry: Entry, indent: str) -> list[str]:
    """An entry as a learner reads it: its pinyin as dictionaries write it (Zhōngguó), its
    definitions with their markup written out (`CL:個|个[ge4]` → "measure word 個 gè")."""
    from reader.core.dictionary.markup import render

    headword = (
        entry.traditional
        if entry.traditional == entry.simplified
        else f"{entry.traditional} ({entry.simplified})"
    )
    pinyin = entry_pinyin(entry)
    lines = [f"{indent}{headword} {pinyin} [{entry.pinyin}]"]
    lines.extend(
        f"{indent}  {number}. {render(definition)}"
        for number, definition in enumerate(entry.definitions, start=1)
    )
    return lines


def lookup_to_json(result: Lookup) -> dict[str, Any]:
    """A JSON-ready dict of a lookup (the CLI's `--format json`)."""
    return {
        "query": result.query,
        "found": result.found,
        "via": result.via,
        "gloss": result.gloss,
        "entries": [_entry_to_json(entry) for entry in result.entries],
        "references": [_entry_to_json(entry) for entry in result.references],
        "breakdown": [lookup_to_json(part) for part in result.breakdown],
    }


def _entry_to_json(entry: Entry) -> dict[str, Any]:
    return {
        "traditional": entry.traditional,
        "simplified": entry.simplified,
        "pinyin": entry.pinyin,
        "definitions": list(entry.definitions),
    }


# ---- search results


def format_results_text(results: SearchResults) -> str:
    """One line per word: headword, pinyin, its first definitions; a heading per kind."""
    if not results.found:
        return f"{results.query.strip()}: nothing found (try pinyin like xingdong, or English)"
    lines: list[str] = []
    for title, hits in (
        ("by hanzi", results.by_hanzi),
        ("by pinyin", results.by_pinyin),
        ("by English", results.by_english),
    ):
        if not hits:
            continue
        if lines:
            lines.append("")
        lines.append(f"{results.query.strip()} — {title}:")
        lines.extend(_hit_line(hit) for hit in hits)
    return "\n".join(lines)


def _hit_line(hit: SearchHit) -> str:
    from reader.core.engine.syllables import PinyinStyle, format_syllable

    entry = hit.entry
    headword = (
        entry.traditional
        if entry.traditional == entry.simplified
        else f"{entry.traditional} ({entry.simplified})"
    )
    pinyin = " ".join(format_syllable(s, PinyinStyle.MARKS) for s in entry.pinyin.split())
    meaning = "; ".join(entry.definitions[:3])
    return f"  {headword} [{pinyin}] {meaning}"


def results_to_json(results: SearchResults) -> dict[str, Any]:
    def hits(found: tuple[SearchHit, ...]) -> list[dict[str, Any]]:
        return [
            {
                "traditional": hit.entry.traditional,
                "simplified": hit.entry.simplified,
                "pinyin": hit.entry.pinyin,
                "definitions": list(hit.entry.definitions),
                "match": ("exact", "phrase", "words")[min(hit.tier, 2)],
            }
            for hit in found
        ]

    return {
        "query": results.query,
        "by_hanzi": hits(results.by_hanzi),
        "by_pinyin": hits(results.by_pinyin),
        "by_english": hits(results.by_english),
    }
