"""French (France, Canada, Belgium, Switzerland): a no-break space before
the colon and inside « guillemets », a narrow no-break space before ; ! ?
(the widths of the Office québécois de la langue française and of the
Imprimerie nationale where they agree)."""
from __future__ import annotations

import re

NBSP = "\u00a0"
NNBSP = "\u202f"
QUOTES = ("«" + NBSP, NBSP + "»")


def spacing(text: str) -> str:
    """Spaces the author typed before : ; ! ? and inside guillemets become
    the right no-break spaces.  None is added where the author typed none,
    but inside guillemets (only French uses them): an English title in a
    French text ("Mentoring at Work: …", "Why Not?"), a web address, a time
    (10:30) or code-like text (`&e;`) stays as typed."""
    text = re.sub(r"(?<=\S)[ \u00a0\u202f\t]+(?=:(?:\s|$))", NBSP, text)
    text = re.sub(r"(?<=\S)[ \u00a0\u202f\t]+(?=[;!?]+(?:\s|$|[)\]»”’.,…*_]))", NNBSP, text)
    text = re.sub(r"«[ \u00a0\u202f\t]*(?=\S)", "«" + NBSP, text)
    text = re.sub(r"(?<=[^\s«])[ \u00a0\u202f\t]*»", NBSP + "»", text)
    return text


def clock(hours: int, minutes: int) -> str:
    """A time of day or a duration on a clock: "1 h 30"."""
    return f"{hours}{NBSP}h{NBSP}{minutes:02d}"
