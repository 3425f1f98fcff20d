"""Names as participants type them: the same person written "Alex Tremblay",
"alex  tremblay" or "Alex TREMBLAY" is one person; "Alex Trembley" may be,
and only a person can say.  `collect` groups returned forms by `key` and
reports `near_matches` for the coordinator to confirm, never merging them."""
from __future__ import annotations

import difflib
import unicodedata

# How alike two names must be (difflib's ratio) to be worth a question.
NEAR = 0.85


def key(name: str) -> str:
    """The name with case, accents, punctuation and spacing set aside."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def display(name: str) -> str:
    return " ".join(name.split())


def most_written(names) -> dict[str, str]:
    """{key: the spelling written most often (the first in order on a tie)}
    of the names given, empty ones left out."""
    counts: dict[str, dict[str, int]] = {}
    for name in names:
        k = key(name)
        if k:
            spellings = counts.setdefault(k, {})
            spellings[display(name)] = spellings.get(display(name), 0) + 1
    return {k: max(sorted(v), key=v.get) for k, v in counts.items()}


def near_matches(names: dict[str, str]) -> list[tuple[str, str]]:
    """Pairs of keys of `names` ({key: as written}) that are probably one
    person misspelt: close in spelling, or the same words in another order."""
    keys = sorted(names)
    pairs = []
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if abs(len(a) - len(b)) > max(3, len(a) // 4):
                continue
            if sorted(a.split()) == sorted(b.split()):
                pairs.append((a, b))
                continue
            matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if matcher.real_quick_ratio() >= NEAR and matcher.quick_ratio() >= NEAR and matcher.ratio() >= NEAR:
                pairs.append((a, b))
    return pairs
