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
import unicodedata

from .. import markdown as markdown_source
from .. import model as m
from .. import safety
from .. import typography as typography_rules

REF_KINDS = ("chapter", "form", "annex", "workshop", "glossary", "flashcards", "home")
# `](kind:…)` inside a Markdown link.
MD_LINK_RE = re.compile(r"\]\(((?:%s):[^)\s]*)\)" % "|".join(REF_KINDS))
HEADING_RE = re.compile(r"^(#{1,6})(?=[ \t])", re.M)
FENCE_RE = re.compile(r"^(```|~~~)", re.M)


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


def ref_title(model: m.Model, ref: str, lang: str) -> str:
    """What a link to `ref` is called, e.g. "Form 3 – Learning plan"."""
    kind, _, rest = ref.partition(":")
    ident, _, anchor = rest.partition("#")
    if kind == "home":
        return model.ui("home", lang)
    if kind == "flashcards":
        return model.flashcards.title[lang] if model.flashcards else model.ui("flashcards", lang)
    item = model.find(kind, ident)
    if kind == "form":
        return numbered(model, "form", item, lang)
    if kind == "annex":
        return numbered(model, "annex", item, lang)
    if kind == "glossary":
        return item.term[lang]
    if kind == "chapter" and anchor:
        section = next(s for s in item.sections if s.id == anchor)
        return f"{item.title[lang]} – {section.title[lang]}"
    return item.title[lang]


def numbered(model: m.Model, kind: str, item, lang: str) -> str:
    return f"{model.ui(kind, lang)} {item.number} – {item.title[lang]}"


# -- text -------------------------------------------------------------------

def typography(text: str, lang: str) -> str:
    """The language's spacing (see dyade.typography)."""
    return typography_rules.spacing(text, lang)


def html_text(text: str) -> str:
    """Plain text made safe to place in HTML, in text or in a "quoted" attribute."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def escape_inline(text: str) -> str:
    """Plain text made safe to place inside a Markdown line (heading, table
    cell, link text): Markdown punctuation is escaped."""
    text = re.sub(r"([\\`*_\[\]{}|])", r"\\\1", text)
    return text.replace("<", "&lt;")


def shift_headings(text: str, top: int) -> str:
    """Move the headings of a Markdown body so the highest one is level `top`
    (the page decides where the body sits in its outline)."""
    if FENCE_RE.search(text):
        return text  # code blocks may hold lines starting with '#'
    levels = [len(match.group(1)) for match in HEADING_RE.finditer(text)]
    if not levels:
        return text
    delta = top - min(levels)
    if delta == 0:
        return text
    return HEADING_RE.sub(lambda match: "#" * max(1, min(6, len(match.group(1)) + delta)), text)


def convert_links(text: str, page: str) -> str:
    """`[words](form:ID)` → `[words](../forms/ID.md)`, relative to `page`;
    inside code (`[words](form:ID)` between backticks, a fenced block) the
    text stays as typed."""
    code = markdown_source.code_ranges(text)
    return MD_LINK_RE.sub(lambda match: match.group(0) if markdown_source.in_code(code, match.start())
                          or _escaped_opening(text, match.start()) else f"]({ref_link(match.group(1), page)})", text)


def _escaped(text: str, i: int) -> bool:
    backslashes = len(text[:i]) - len(text[:i].rstrip("\\"))
    return backslashes % 2 == 1


def _escaped_opening(text: str, close: int) -> bool:
    """Whether the `[` that the `]` at `close` closes is written `\\[`: then
    no Markdown reader makes a link of it (pandoc, which `check` and the
    documents read, neither), and the text stays as typed."""
    depth = 0
    for i in range(close - 1, -1, -1):
        if text[i] not in "[]" or _escaped(text, i) and text[i] == "]":
            continue
        if text[i] == "]":
            depth += 1
        elif depth:
            depth -= 1
        else:
            return _escaped(text, i)
    return False


def markdown(text: str, lang: str, page: str, top: int = 3) -> str:
    """A Markdown body of the model, ready to be placed in `page`."""
    return shift_headings(convert_links(typography(inert(text.strip()), lang), page), top)


# -- author Markdown made inert --------------------------------------------------
# Markdown lets raw HTML, any link target and (with attr_list) any attribute
# through.  An author's text may hold none of them live: HTML shows as the
# characters typed (even inside `code`, where an escape cannot be told from
# HTML without parsing Markdown exactly as the site does), and so does a link
# whose scheme is not one of these.

SAFE_SCHEMES = ("http", "https", "mailto", "tel", *REF_KINDS)
_AUTOLINK_RE = re.compile(r"<(?:https?://|mailto:)[^<>\s]*>", re.I)
_INLINE_TARGET_RE = re.compile(r"\]\(\s*(<[^<>\n]*>|&lt;[^\s)]*|[^\s)]*)")
_REF_DEFINITION_RE = re.compile(r"^( {0,3})(\[[^\]\n]+\]:[ \t]*(\S+))", re.M)
_ATTR_LIST_RE = re.compile(r"\{(?=[^{}\n]*=)")
# "#set" at the start of a line: a heading for Python-Markdown, text for
# pandoc (the PDFs) and the DOCX writer; text everywhere.
_HASH_WORD_RE = re.compile(r"^( {0,3})(?=#+[^\s#])", re.M)
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)
# [words]{lang=en}: the one attribute an author may write, pandoc's span
# with a language (check refuses a tag that is not one).
_LANG_SPAN_RE = re.compile(r"\[((?:[^\[\]\n]|\n(?![ \t]*\n))+)\]\{lang=(" + safety.LANG_TAG.pattern + r")\}")  # within a paragraph
_SPAN_MARKS = re.compile("[\ue000-\ue002]")


def unsafe_target(target: str) -> bool:
    """A link target with a scheme that may run code (javascript:, data:…);
    browsers ignore entities, spaces and control characters inside it."""
    plain = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(target)).lstrip("<")
    match = _SCHEME_RE.match(plain)
    return bool(match) and match.group(1).lower() not in SAFE_SCHEMES


def inert(text: str) -> str:
    """Author Markdown without live HTML, dangerous links or attributes;
    a phrase marked `[words]{lang=en}` becomes `<span lang="en">words</span>`."""
    # Language spans are set aside as private-use marks, then written as
    # HTML once every other < and { is made text (not in a text that holds
    # such marks itself, nor inside code).
    tags: list[str] = []
    if not _SPAN_MARKS.search(text):
        code = markdown_source.code_ranges(text)

        def mark(match: re.Match) -> str:
            if markdown_source.in_code(code, match.start()):
                return match.group(0)
            tags.append(match.group(2))
            return f"\ue000{len(tags) - 1}\ue001{match.group(1)}\ue002"
        text = _LANG_SPAN_RE.sub(mark, text)
    text = _inert(text)
    if tags:
        # Raw: the tag matched safety.LANG_TAG (letters, digits, hyphens).
        text = re.sub("\ue000(\\d+)\ue001", lambda match: f'<span lang="{tags[int(match.group(1))]}">', text)
        text = text.replace("\ue002", "</span>")
    return text


def _inert(text: str) -> str:
    # <https://…> and <mailto:…> stay links; every other < is a character.
    links = _AUTOLINK_RE.findall(text)
    parts = _AUTOLINK_RE.split(text)
    text = "".join(part.replace("<", "&lt;") + (links[i] if i < len(links) else "") for i, part in enumerate(parts))
    # [words](javascript:…) and [id]: javascript:… are shown as typed.
    text = _INLINE_TARGET_RE.sub(lambda m: "\\](" + m.group(1) if unsafe_target(m.group(1)) else m.group(0), text)
    text = _REF_DEFINITION_RE.sub(lambda m: m.group(1) + "\\" + m.group(2) if unsafe_target(m.group(3)) else m.group(0),
                                  text)
    # {: onclick="…"} and other key=value attributes too.
    text = _ATTR_LIST_RE.sub(r"\\{", text)
    return _HASH_WORD_RE.sub(r"\1\\", text)


def indent(text: str, spaces: int = 4) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def one_line(text: str) -> str:
    """A short Markdown text made to fit in a table cell."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "<br><br>".join(paragraphs)


def sort_key(text: str) -> str:
    """Dictionary order that ignores accents and case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def curly_quotes(text: str) -> str:
    """Straight double quotes → “curly” ones (a details title is quoted)."""
    return re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text).replace('"', "\u201d")
