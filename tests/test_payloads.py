"""Hostile text is inert in all three outputs.

The tiny programme gets HTML/JavaScript, Markdown, typst and XML payloads in
its programme name, a chapter title, a guide section body and a form field's
label and help; the real CLI builds it; then the site HTML shows the text
escaped and no script of it runs in headless Chromium, every DOCX part is
well-formed XML holding the literal text, and the PDFs print it literally.
(tests/test_pdf.py checks typst code in Markdown and in labels on its own.)
"""
from __future__ import annotations

import json
import re
import subprocess
import zipfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from conftest import run_dyade
from sitetools import serve_dir
from test_check import make_tiny
from test_site_browser import search

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
TYPST = '#set page(width: 1cm) #read("/etc/passwd") $x$ *bold*'
XML = ']]> <w:p/> &amp; <!DOCTYPE d [<!ENTITY e "pwned">]> &e;'
MARKDOWN = "_it_ [a link](https://example.org) `code` # not a heading"
# Plain texts (names, titles, labels) must come out exactly as typed.
PLAIN = f"{SCRIPT} {IMG} {TYPST} {XML} {MARKDOWN}"
PROGRAMME = "Prog " + PLAIN
TITLE = "Welcome </title><script>window.__pwned=2</script>"
LABEL = "Name " + PLAIN
HELP = "Help " + PLAIN
# A Markdown body is Markdown (**bold** is bold), but holds nothing live.
JS_LINKS = ("[click me](javascript:window.__pwned=1)",
            "[x](JaVaScRiPt:window.__pwned=1) [y](jav&#97;script:window.__pwned=1) [z](<javascript:window.__pwned=1>)")
BODY = "\n\n".join([SCRIPT, IMG.replace('"', ""), *JS_LINKS, "[r][evil]", "[evil]: javascript:window.__pwned=1",
                    'Hover me\n{: onmouseover="window.__pwned=1" }', "#set page(width: 1cm) $x$ #read(/etc/passwd)",
                    "]]> <w:p/> <!DOCTYPE d [<!ENTITY e pwned>]>", "Some **bold** text."])
# What of the body every output shows as typed; a javascript: link shows as
# typed on the site, as its words without a link in the PDF.
BODY_LITERALS = [SCRIPT, IMG.replace('"', ""), "#set page(width: 1cm) $x$ #read(/etc/passwd)",
                 "]]> <w:p/> <!DOCTYPE d [<!ENTITY e pwned>]>"]
SITE_LITERALS = [*BODY_LITERALS, *map(unescape, JS_LINKS), '{: onmouseover="window.__pwned=1" }']
LANGS = ("fr", "en")


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = make_tiny(tmp_path_factory.mktemp("payloads") / "tiny")
    replace_once(root / "content" / "programme.yml",
                 "  fr: Programme de mentorat et de coaching\n  en: Mentoring and Coaching Programme\n",
                 f"  fr: {yaml_str(PROGRAMME)}\n  en: {yaml_str(PROGRAMME)}\n")
    chapter = root / "content" / "guide" / "01-welcome.yml"
    body = "\n".join("        " + line if line else "" for line in BODY.splitlines())
    replace_once(chapter, "title: {fr: Bienvenue, en: Welcome}", f"title: {{fr: {yaml_str(TITLE)}, en: {yaml_str(TITLE)}}}")
    replace_once(chapter, "      fr: Lisez le guide de {org}.\n", f"      fr: |\n{body}\n")
    replace_once(chapter, "      en: Read the {org} guide.\n", f"      en: |\n{body}\n")
    form = root / "forms" / "1-intake.yml"
    replace_once(form, "    label: {fr: Nom, en: Name}\n",
                 f"    label: {{fr: {yaml_str(LABEL)}, en: {yaml_str(LABEL)}}}\n"
                 f"    help: {{fr: {yaml_str(HELP)}, en: {yaml_str(HELP)}}}\n")
    result = run_dyade(root, timeout=600)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    return root


# -- site ------------------------------------------------------------------------

class _Html(HTMLParser):
    """The visible text of a page, its scripts and its attributes."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.tags: set[str] = set()
        self.stack: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.tags.add(tag)
        self.attrs.extend((tag, name, value or "") for name, value in attrs)

    def handle_endtag(self, tag):
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]

    def handle_data(self, data):
        (self.scripts if self.stack and self.stack[-1] == "script" else self.text).append(data)


def site_pages(root: Path, lang: str) -> dict[str, _Html]:
    site = root / "site" / lang
    return {name: _Html((site / path).read_text(encoding="utf-8"))
            for name, path in [("home", "index.html"), ("chapter", "guide/welcome/index.html"),
                               ("form", "forms/intake/index.html")]}


@pytest.mark.parametrize("lang", LANGS)
def test_site_html_shows_the_payloads_as_text(hostile, lang):
    pages = site_pages(hostile, lang)
    for name, html in pages.items():
        scripts = " ".join(html.scripts)
        assert "__pwned" not in scripts, f"{name}: a payload became a script"
        live = [(tag, attr, value) for tag, attr, value in html.attrs if "__pwned" in value and (
                attr.startswith("on") or re.match(r"(?i)javascript:", re.sub(r"[\x00-\x20]", "", value)))]
        assert not live, f"{name}: live payload attributes {live}"
        assert ("img", "src", "x") not in html.attrs and "w:p" not in html.tags, f"{name}: a payload became markup"
        text = " ".join(" ".join(html.text).split())
        assert PROGRAMME in text, f"{name}: the programme name is not shown as typed"
    chapter = " ".join(" ".join(pages["chapter"].text).split())
    assert TITLE in chapter
    for literal in SITE_LITERALS:
        assert literal in chapter, literal
    assert "Some bold text." in chapter  # Markdown still works
    form = " ".join(" ".join(pages["form"].text).split())
    assert LABEL in form and HELP in form


@pytest.fixture(scope="module")
def hostile_base(hostile):
    with serve_dir(hostile / "site") as url:
        yield url


@pytest.mark.parametrize("lang", LANGS)
def test_no_payload_runs_in_the_browser(page, hostile_base, lang):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path in ("", "guide/welcome/", "forms/intake/"):
        page.goto(f"{hostile_base}{lang}/{path}", wait_until="networkidle")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("script:not([src])", has_text="__pwned").count() == 0, path
        assert page.locator("[onerror], [onmouseover], [href^='javascript:' i]").count() == 0, path
        assert PROGRAMME in " ".join(page.locator("header").inner_text().split()), path
    page.goto(f"{hostile_base}{lang}/guide/welcome/", wait_until="networkidle")
    assert page.evaluate("document.title").startswith(TITLE), "the page title is not the chapter title as typed"
    article = " ".join(page.locator("article").inner_text().split())
    for literal in SITE_LITERALS:
        assert literal in article, literal
    page.get_by_text("Hover me").hover()
    page.get_by_text("[click me](javascript:window.__pwned=1)").click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # Search results show the indexed text: it must stay text there too.
    results = search(page, hostile_base, lang, "pwned")
    assert results, "the search finds the page holding the payload"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not errors, errors


# -- DOCX ------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize("lang", LANGS)
def test_docx_stays_valid_and_holds_the_literal_text(hostile, lang):
    path = hostile / "dist" / lang / "forms" / "intake.docx"
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist() if name.endswith((".xml", ".rels"))}
    paragraphs = []
    for name, data in parts.items():
        assert b"<!DOCTYPE" not in data and b"<!ENTITY" not in data, f"{name}: a payload became markup"
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        for p in root.iter(f"{W}p"):  # each line of each paragraph (a field's help shares its label's paragraph)
            paragraphs += "".join("\n" if t.tag == f"{W}br" else t.text or "" for t in p.iter(f"{W}t", f"{W}br")).split("\n")
    assert any(PROGRAMME in p for p in paragraphs), "the programme name is not printed as typed"
    assert LABEL in paragraphs and HELP in paragraphs
    # Word's own reader agrees, and the label is the content control's title.
    document = docx.Document(str(path))
    aliases = [a.get(f"{W}val") for a in document.element.body.iter(f"{W}alias")]
    assert LABEL in aliases
    assert document.core_properties.subject.startswith("Prog <script>")  # cut to Word's 255 characters


# -- PDF -------------------------------------------------------------------------

def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_prints_the_payloads_literally(hostile, lang):
    form_pdf, guide_pdf = hostile / "dist" / lang / "forms" / "intake.pdf", hostile / "dist" / lang / "guide.pdf"
    form, guide = squash(pdf_text(form_pdf)), squash(pdf_text(guide_pdf))
    for text in (PROGRAMME, LABEL, HELP):
        assert squash(text) in form, text
    assert squash(TITLE) in guide
    for literal in BODY_LITERALS:
        assert squash(literal) in guide, literal
    assert "clickme" in guide
    assert "root:x:0:0" not in guide + form  # #read("/etc/passwd") did not run
    for path in (form_pdf, guide_pdf):
        reader = PdfReader(path)
        assert all(float(p.mediabox.width) > 500 for p in reader.pages), f"{path.name}: a page was resized"
        uris = [a.get_object().get("/A", {}).get("/URI", "") for p in reader.pages for a in p.get("/Annots") or []]
        assert not [u for u in uris if "pwned" in str(u)], f"{path.name}: a javascript: link was kept"


# -- what inert() keeps ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "See [the plan](form:learning-plan), [a section](chapter:roles#dyad) and [the site](https://example.org/?a=1&b=2).",
    "Write to <mailto:x@example.org> or see <https://example.org>; call [us](tel:+16135550147).",
    "## A heading {#an-id}\n\n- a list\n- [ref][r]\n\n[r]: https://example.org",
    "**bold**, _italic_, `code`, 1 < 2 is shown as typed",
])
def test_inert_keeps_ordinary_markdown(text):
    from dyade.writers.site_markdown import inert
    assert inert(text) == text.replace("1 < 2", "1 &lt; 2")
