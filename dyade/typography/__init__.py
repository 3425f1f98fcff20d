"""Typography by language: one module per rule set (`fr`, and `default`
for languages with no rules of their own), used by every writer so that a
text reads the same on the site, in the DOCX and in the PDF.

A rule set gives:
- `QUOTES`: the opening and closing double quotes, spaces included;
- `spacing(text)`: the language's spaces around punctuation, added where
  the author typed an ordinary space or none; text that is not prose
  (addresses, times, code-like `a:b`) is left as typed;
- `clock(hours, minutes)`: a time as the language writes it.

A language is matched by its primary subtag: "fr", "fr-CA" and "fr-BE"
share the French rules.
"""
from __future__ import annotations

import re
from types import ModuleType

from . import default, fr

RULE_SETS: dict[str, ModuleType] = {"fr": fr}


def rules(lang: str) -> ModuleType:
    return RULE_SETS.get(lang.split("-")[0].lower(), default)


def spacing(text: str, lang: str) -> str:
    return rules(lang).spacing(text) if text else text


def quotes(lang: str) -> tuple[str, str]:
    return rules(lang).QUOTES


def plain(text: str, lang: str) -> str:
    """A plain (not Markdown) text as it is printed: curly apostrophes,
    "quoted words" in the language's quotes, and its spacing.  Quotes that
    do not sit as in prose (`read("/etc/x")`, `a="b">`) stay as typed."""
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    opening, closing = quotes(lang)
    text = re.sub(r'(?<![^\s(\[])"(?=\w)([^"\n]*?[\w.!?…])"(?=[\s.,;:!?…)\]]|$)',
                  lambda m: opening + m.group(1) + closing, text)
    return spacing(text, lang)


def uses_spacing(lang: str) -> bool:
    """Whether `lang` changes spaces at all (a writer may skip the work)."""
    return rules(lang) is not default


def space_inlines(inlines: list, lang: str) -> list:
    """A pandoc inline list (see dyade.markdown) with the language's spacing
    applied to each run of text (Str, Space, SoftBreak); runs are separated
    by formatting.  The writers that render pandoc's tree share it."""
    out: list = []
    run: list = []

    def flush(next_exists: bool) -> None:
        if not run:
            return
        text = "".join(n["c"] if n["t"] == "Str" else (" " if n["t"] == "Space" else "\n") for n in run)
        # A neighbouring element (bold, link...) counts as a word for the rules.
        before, after = bool(out), next_exists
        fixed = spacing(("a" if before else "") + text + ("a" if after else ""), lang)
        fixed = fixed[1 if before else 0: len(fixed) - (1 if after else 0)]
        for piece in re.split(r"([ \n]+)", fixed):
            if not piece:
                continue
            if piece.strip(" \n") == "":
                out.append({"t": "SoftBreak"} if "\n" in piece else {"t": "Space"})
            else:
                out.append({"t": "Str", "c": piece})
        run.clear()

    for node in inlines:
        if node.get("t") in ("Str", "Space", "SoftBreak"):
            run.append(node)
        else:
            flush(True)
            out.append(node)
    flush(False)
    return out
