"""One set of typographic rules per language, the same in every output."""
from __future__ import annotations

import pytest

from dyade import document, typography

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize("raw, expected", [
    ("Bonjour : oui ; non ! Quoi ?", f"Bonjour{NBSP}: oui{NNBSP}; non{NNBSP}! Quoi{NNBSP}?"),
    ("« Bonjour »", f"«{NBSP}Bonjour{NBSP}»"),
    ("«Bonjour»", f"«{NBSP}Bonjour{NBSP}»"),
    # None is added where none was typed: English titles, code-like text.
    ("Attention!", "Attention!"),
    ("Why Not? and &e;", "Why Not? and &e;"),
    ("Quoi\u00a0?", f"Quoi{NNBSP}?"),
    ("Mentoring at Work: Developmental Relationships", "Mentoring at Work: Developmental Relationships"),
    ("à 10:30 ou 9 h 15", "à 10:30 ou 9 h 15"),
    ("https://example.org/a?b=1#x:y", "https://example.org/a?b=1#x:y"),
    ("mailto:x@example.org", "mailto:x@example.org"),
    ("C'est dit", "C'est dit"),
])
def test_french_spacing(raw, expected):
    assert typography.spacing(raw, "fr") == expected
    assert typography.spacing(raw, "fr-CA") == expected  # every French shares the rules


@pytest.mark.parametrize("raw", ["Bonjour : oui ; non ! Quoi ?", "« Bonjour »", "Attention!", "à 10:30"])
def test_every_writer_spaces_a_text_alike(raw):
    for lang in ("fr", "en", "es"):
        expected = typography.spacing(raw, lang)
        doc = document.Document(None, lang, {})  # what every writer prints a plain text with
        assert doc.spaced(raw) == expected
        assert doc.plain(raw) == typography.plain(raw, lang) == expected  # no quotes or apostrophes in these


def test_languages_without_rules_keep_their_spaces():
    assert typography.spacing("Note : oui !", "en") == "Note : oui !"
    assert typography.quotes("en") == ("“", "”") and typography.quotes("fr") == (f"«{NBSP}", f"{NBSP}»")
    assert typography.rules("fr").clock(1, 5) == f"1{NBSP}h{NBSP}05" and typography.rules("en").clock(1, 5) == "1:05"
