"""Markdown helpers of the site writer: where each item's page lives, how a
cross-reference (`form:ID`, `chapter:ID#SECTION`…) becomes a relative link,
and the small text transformations every page needs.

Nothing here knows about mkdocs: another engine reading Markdown pages with
relative `.md` links could use the same pages.
"""
from __future__ import annotations

import html
import posixpath
import re


REF_KINDS = ("chapter", "form", "annex", "workshop", "glossary", "flashcards", "home")


# -- where pages live (the same paths in every language) ----------------------

HOME = "index.md"
GUIDE_INDEX = "guide/index.md"
FORMS_INDEX = "forms/index.md"
ANNEXES_INDEX = "annexes/index.md"
WORKSHOPS_INDEX = "workshops/index.md"
FLASHCARDS = "flashcards.md"
GLOSSARY = "glossary.md"
DOWNLOADS = "downloads.md"
DOWNLOADS_DIR = "downloads"


def chapter_page(ident: str) -> str:
    return f"guide/{ident}.md"


def form_page(ident: str) -> str:
    return f"forms/{ident}.md"


def annex_page(ident: str) -> str:
    return f"annexes/{ident}.md"


def workshop_page(ident: str, facilitator: bool = False) -> str:
    return f"workshops/{ident}/{'facilitator' if facilitator else 'index'}.md"


def download_path(output_path: str) -> str:
    """Where a file of dist/<lang>/ is published inside the language's site."""
    return f"{DOWNLOADS_DIR}/{output_path}"


def ref_target(ref: str) -> tuple[str, str]:
    """(page path, anchor) of a reference `kind:ID` or `kind:ID#SECTION`."""
    kind, _, rest = ref.partition(":")
    ident, _, anchor = rest.partition("#")
    if kind == "home":
        return HOME, anchor
    if kind == "flashcards":
        return FLASHCARDS, anchor
    if kind == "glossary":
        return GLOSSARY, ident
    if kind == "chapter":
        return chapter_page(ident), anchor
    if kind == "form":
        return form_page(ident), anchor
    if kind == "annex":
        return annex_page(ident), anchor
    if kind == "workshop":
        return workshop_page(ident), anchor
    raise ValueError(f"unknown reference kind in {ref!r}")


def relative(target: str, page: str) -> str:
    """The link from `page` to `target` (both relative to the site root)."""
    path, hash_, anchor = target.partition("#")
    if path == page:
        rel = posixpath.basename(page)
    else:
        rel = posixpath.relpath(path, posixpath.dirname(page) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def ref_link(ref: str, page: str) -> str:
    path, anchor = ref_target(ref)
    return relative(path + (f"#{anchor}" if anchor else ""), page)


# -- text -------------------------------------------------------------------

def html_text(text: str) -> str:
    """Plain text made safe to place in HTML, in text or in a "quoted" attribute."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def escape_inline(text: str) -> str:
    """Plain text made safe to place inside a Markdown line (heading, table
    cell, link text): Markdown punctuation is escaped."""
    text = re.sub(r"([\\`*_\[\]{}|])", r"\\\1", text)
    return text.replace("<", "&lt;")


def indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def one_line(text: str) -> str:
    """A short Markdown text made to fit in a table cell."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "<br><br>".join(paragraphs)


def curly_quotes(text: str) -> str:
    """Straight double quotes → “curly” ones (a details title is quoted)."""
    return re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text).replace('"', "\u201d")
