"""Languages without rules of their own (English among them): curly
double quotes, spaces as typed."""
from __future__ import annotations

QUOTES = ("“", "”")


def spacing(text: str) -> str:
    return text


def clock(hours: int, minutes: int) -> str:
    """A time of day or a duration on a clock: "1:30"."""
    return f"{hours}:{minutes:02d}"
