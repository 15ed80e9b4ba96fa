"""Control characters: what must never reach Anki, Pleco or a terminal as they are.

A U+001F in a field is Anki's field separator (the whole .apkg is refused); an ESC echoed
to a terminal starts an escape sequence. Text can carry them from anywhere (a pasted
definition, a sentence from a file), so every export cleans its fields and every text
output shows them as visible symbols.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL, except tab, line feed and carriage return (fields and outputs
# handle line breaks themselves); noncharacters, which Anki and Pleco cannot store.
_EXPORT_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_field(text: str) -> str:
    """`text` without the control characters an exported field must not hold."""
    return _EXPORT_UNSAFE.sub("", text)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (Unicode's Control Pictures)
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}"  # C1 controls have no pictures


def visible_controls(text: str) -> str:
    """`text` with control characters (tab and line feed excepted) shown as symbols, safe to
    print on a terminal: ESC becomes ␛."""
    return _TERMINAL_UNSAFE.sub(_picture, text)
