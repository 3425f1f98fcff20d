"""Small helpers that word the reader's messages."""
from __future__ import annotations

import difflib
import unicodedata


def char_name(char: str) -> str:
    return f"{unicodedata.name(char, 'character').lower()} (U+{ord(char):04X})"


def suggest(word, choices, prefix: str = "; did you mean") -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"{prefix} {close[0]!r}?" if close else ""


def show(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut short when it is long."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


