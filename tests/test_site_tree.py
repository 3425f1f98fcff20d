"""The website's Markdown is written from pandoc's tree of each text
(dyade.writers.site_tree), then read by Python-Markdown with the site's
extensions: structure comes through, and nothing an author types becomes
markup Dyade did not write."""
from __future__ import annotations

import re

import markdown as python_markdown
import pytest

from dyade import markdown
from dyade.writers import site_tree

# mkdocs.yml's markdown_extensions, which the site is built with.
EXTENSIONS = ["admonition", "attr_list", "def_list", "md_in_html", "tables", "toc", "pymdownx.details",
              "pymdownx.superfences"]


def site_html(text: str, lang: str = "en", page: str = "guide/roles.md", top: int = 3) -> str:
    tree = markdown.parse([(lang, text)])[0]
    return python_markdown.markdown(site_tree.render(tree, lang, page, top), extensions=EXTENSIONS)


def test_structure_comes_through():
    html = site_html("# Title\n\nSome **bold**, *italic* and `co*de`.\n\n- one\n- two\n\n1. first\n2. second\n\n"
                     "> quoted\n\n```\n<b>kept</b> as typed\n```\n")
    assert "<h3" in html and "Title</h3>" in html  # the highest heading becomes level 3
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html and "<code>co*de</code>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html and "<ol>\n<li>first</li>\n<li>second</li>" in html
    assert "<blockquote>" in html and "&lt;b&gt;kept&lt;/b&gt; as typed" in html


def test_headings_are_shifted_to_the_level_the_page_gives():
    html = site_html("## A\n\ntext\n\n### B\n", top=3)
    assert "A</h3>" in html and "B</h4>" in html


def test_links_to_items_become_relative_page_links():
    html = site_html("See [the plan](form:learning-plan), [a part](chapter:roles#dyad) and "
                     "[the site](https://example.org/?a=1&b=2).", page="guide/roles.md")
    assert '<a href="../forms/learning-plan.md">the plan</a>' in html
    assert '<a href="roles.md#dyad">a part</a>' in html
    assert '<a href="https://example.org/?a=1&amp;b=2">the site</a>' in html


def test_french_typography_and_quotes_as_in_the_pdf():
    html = site_html('Une question ? Oui : "bien" ; l\'école !', lang="fr")
    assert "question\u202f? Oui\u00a0: «\u00a0bien\u00a0»\u202f; l’école\u202f!" in html


def test_a_phrase_in_another_language_gets_only_its_lang_attribute():
    html = site_html("Voir [*On Dialogue*]{lang=en} ici", lang="fr")
    assert '<span lang="en"><em>On Dialogue</em></span>' in html
    assert "&lt;b onclick" in site_html("[<b onclick=x>y</b>]{lang=en}")


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "text {: onclick=\"alert(1)\" }", "!!! note \"t\"\n\n    boom", "??? question \"q\"\n\n    a",
    "Term\n\n:   definition", "| a | b |\n|---|---|\n| 1 | 2 |", "<div markdown=\"1\">*x*</div>",
    "[x]{lang=en onclick=alert(1)}", "<!-- hidden -->", "&lt;script&gt;", "\\<b>x\\</b>",
])
def test_nothing_typed_becomes_markup(text):
    html = site_html(text).replace('<div class="highlight">', "")  # an indented line is code: Dyade's block
    for tag in ("<script", "<img", "<div", "javascript:", "<dl", "<details", 'class="admonition', "<b>",
                "<!-- hidden"):
        assert tag not in html, (text, html)
    assert not re.search(r"<[^>]*onclick", html), (text, html)
    assert "<table" not in html or text.startswith("|")  # a pipe table is one Markdown writes too


def test_a_block_never_starts_what_the_author_did_not_write():
    # "1986. A year…" is a paragraph, not a list; "- x" escaped by the author stays text.
    assert "<ol" not in site_html("1986\\. A year to remember.")
    assert "<ul" not in site_html("\\- not a list")
    assert "<h" not in site_html("\\# not a heading")
