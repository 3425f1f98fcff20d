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
