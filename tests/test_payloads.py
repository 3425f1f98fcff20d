"""Hostile text is inert in all three outputs.

The tiny programme gets HTML/JavaScript, Markdown, typst and XML payloads in
every kind of free text: its programme name, the organisation's names and
logo description, the coordinator's name and title, the duration, a chapter
title, a guide section body, a form's purpose, who and when, a field's
label, help and placeholder, and interface texts of templates/strings.yml
(one used as it is, one with placeholders, a menu entry); the real CLI
builds it; then the site HTML shows the text escaped and, in headless
Chromium, no script of it runs, no dialog opens and no request leaves the
site; every DOCX part is well-formed XML holding the literal text, and the
PDFs print it literally.  The values with a grammar of their own (ids,
addresses, colours, languages, phone) are refused by `check` instead
(`test_hostile_scalar_is_refused`).  (tests/test_pdf.py checks typst code in
Markdown and in labels on its own.)
"""
from __future__ import annotations

import json
import re
import subprocess
import zipfile
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
# What a dialog or a request to another site would show, had it run.
LIVE = ('<img src="https://evil.example/p.png" onerror="alert(1)"><script>alert(2)</script>'
        '<svg/onload=alert(3)><a href="javascript:alert(4)">x</a><style>@import "https://evil.example/s.css";</style>')
# Free texts of programme.yml, a form and strings.yml, each as typed with the payloads.
ORG = "Org " + LIVE
ORG_SHORT = "O " + LIVE
LOGO_ALT = 'Logo " onerror="alert(5)" ' + LIVE
COORDINATOR = "Coord " + LIVE
COORDINATOR_TITLE = "Title " + LIVE
DURATION = "One year " + LIVE  # the guide's cover capitalises it
WHO = "Who " + LIVE
WHEN = "When " + LIVE
PURPOSE = "Purpose " + LIVE.replace('"', "")
PLACEHOLDER = 'Example " onfocus="alert(6)" ' + LIVE
FORMS_INTRO = "Intro " + LIVE  # strings.yml, used as it is
PREVIEW_NOTE = "Note " + LIVE + " {name} ({email})"  # strings.yml, with placeholders
HOME_LABEL = "Home " + LIVE  # strings.yml, a menu entry
# A Markdown body is Markdown (**bold** is bold), but holds nothing live.
# (javascript: links are refused by check: test_hostile_link_is_refused.)
# An attribute list needs its braces doubled to pass check ({{ is a brace):
# once filled in, it is still shown as typed.
BODY = "\n\n".join([SCRIPT, IMG.replace('"', ""), 'Hover me\n{{: onmouseover="window.__pwned=1" }}',
                    "#set page(width: 1cm) $x$ #read(/etc/passwd)",
                    "]]> <w:p/> <!DOCTYPE d [<!ENTITY e pwned>]>", "Some **bold** text."])
# What of the body every output shows as typed.
BODY_LITERALS = [SCRIPT, IMG.replace('"', ""), "#set page(width: 1cm) $x$ #read(/etc/passwd)",
                 "]]> <w:p/> <!DOCTYPE d [<!ENTITY e pwned>]>"]
SITE_LITERALS = [*BODY_LITERALS, '{: onmouseover="window.__pwned=1" }']


def straight_quotes(text: str) -> str:
    """The site prints "…" in the language's quotes, as the PDF and the DOCX
    do (“…”, « … »): compare the words as typed."""
    return re.sub(r"\s?[»”]", '"', re.sub(r"[«“]\s?", '"', text)).replace("’", "'")
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
    prog = root / "content" / "programme.yml"
    replace_once(prog, "  fr: Programme de mentorat et de coaching\n  en: Mentoring and Coaching Program\n",
                 f"  fr: {yaml_str(PROGRAMME)}\n  en: {yaml_str(PROGRAMME)}\n")
    both = lambda text: f"{{fr: {yaml_str(text)}, en: {yaml_str(text)}}}"
    replace_once(prog, "  name:\n    fr: Réseau francophone des directions d'école\n"
                 "    en: Francophone School Leaders Network\n", f"  name: {both(ORG)}\n")
    replace_once(prog, "  short_name:\n    fr: RFDE\n    en: FSLN\n", f"  short_name: {both(ORG_SHORT)}\n")
    replace_once(prog, "  logo_alt:\n", f"  logo_alt: {both(LOGO_ALT)}\n  logo_alt_bundled:\n")
    text = prog.read_text(encoding="utf-8")
    text = re.sub(r"  logo_alt_bundled:\n(    .*\n)+", "", text)
    text = text.replace("  name: Mireille Gagnon\n", f"  name: {yaml_str(COORDINATOR)}\n")
    text = re.sub(r"  title:\n    fr: Coordonnatrice.*\n    en: .*\n", f"  title: {both(COORDINATOR_TITLE)}\n", text)
    text = re.sub(r"duration:\n  fr: .*\n  en: .*\n", f"duration: {both(DURATION)}\n", text)
    prog.write_text(text, encoding="utf-8")
    strings = root / "templates" / "strings.yml"
    text = strings.read_text(encoding="utf-8")
    for key, value in (("site_forms_intro", FORMS_INTRO), ("site_fill_note", PREVIEW_NOTE),
                       ("home", HOME_LABEL)):
        text, n = re.subn(rf"^{key}: .*$", f"{key}: {both(value)}", text, flags=re.M)
        assert n == 1, key
    strings.write_text(text, encoding="utf-8")
    chapter = root / "content" / "guide" / "01-welcome.yml"
    body = "\n".join("        " + line if line else "" for line in BODY.splitlines())
    replace_once(chapter, "title: {fr: Bienvenue, en: Welcome}", f"title: {{fr: {yaml_str(TITLE)}, en: {yaml_str(TITLE)}}}")
    replace_once(chapter, "      fr: Lisez le guide de {org}.\n", f"      fr: |\n{body}\n")
    replace_once(chapter, "      en: Read the {org} guide.\n", f"      en: |\n{body}\n")
    form = root / "forms" / "1-intake.yml"
    replace_once(form, "    label: {fr: Nom, en: Name}\n",
                 f"    label: {{fr: {yaml_str(LABEL)}, en: {yaml_str(LABEL)}}}\n"
                 f"    help: {{fr: {yaml_str(HELP)}, en: {yaml_str(HELP)}}}\n"
                 f"    placeholder: {both(PLACEHOLDER)}\n")
    replace_once(form, "purpose: {fr: Connaître le mentoré., en: Get to know the mentee.}", f"purpose: {both(PURPOSE)}")
    replace_once(form, "who: {fr: Le mentoré, en: The mentee}", f"who: {both(WHO)}")
    replace_once(form, "when: {fr: Avant le jumelage, en: Before matching}", f"when: {both(WHEN)}")
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
                               ("form", "forms/intake/index.html"), ("forms", "forms/index.html"),
                               ("404", "404.html"), ("chooser", "../index.html")]}


def live_attributes(html: _Html) -> list:
    """Attributes that would run code or load from another site."""
    return [(tag, attr, value) for tag, attr, value in html.attrs
            if (("alert(" in value or "__pwned" in value)
                and (attr.startswith("on") or re.match(r"(?i)javascript:", re.sub(r"[\x00-\x20]", "", value))))
            or (attr in ("src", "href", "srcset", "action", "style", "data", "poster") and "evil.example" in value)]


@pytest.mark.parametrize("lang", LANGS)
def test_site_html_shows_the_payloads_as_text(hostile, lang):
    pages = site_pages(hostile, lang)
    for name, html in pages.items():
        scripts = " ".join(html.scripts)
        assert "__pwned" not in scripts and "alert(" not in scripts, f"{name}: a payload became a script"
        assert not live_attributes(html), f"{name}: live payload attributes {live_attributes(html)}"
        assert ("img", "src", "x") not in html.attrs and "w:p" not in html.tags, f"{name}: a payload became markup"
        assert not [a for t_, a, _ in html.attrs if t_ == "svg" and a == "onload"], f"{name}: a payload became markup"
        text = straight_quotes(" ".join(" ".join(html.text).split()))
        assert PROGRAMME in text, f"{name}: the programme name is not shown as typed"
        if name != "chooser":
            for typed in (ORG, COORDINATOR, COORDINATOR_TITLE, HOME_LABEL):  # footer and menu
                assert typed in text, f"{name}: {typed!r} is not shown as typed"
    assert FORMS_INTRO in straight_quotes(" ".join(" ".join(pages["forms"].text).split()))
    assert LOGO_ALT in [straight_quotes(v) for t_, a, v in pages["home"].attrs if t_ == "img" and a == "alt"]
    chapter = straight_quotes(" ".join(" ".join(pages["chapter"].text).split()))
    assert TITLE in chapter
    for literal in SITE_LITERALS:
        assert literal in chapter, literal
    assert "Some bold text." in chapter  # Markdown still works
    form = straight_quotes(" ".join(" ".join(pages["form"].text).split()))
    assert LABEL in form and HELP in form
    for typed in (WHO, WHEN, PURPOSE, PREVIEW_NOTE.replace("{name}", COORDINATOR).replace("{email}", "mentorat@example.org")):
        assert typed in form, typed
    assert PLACEHOLDER in [straight_quotes(v) for t_, a, v in pages["form"].attrs if a == "placeholder"]


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
    article = straight_quotes(" ".join(page.locator("article").inner_text().split()))
    for literal in SITE_LITERALS:
        assert literal in article, literal
    page.get_by_text("Hover me").hover()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # Search results show the indexed text: it must stay text there too.
    results = search(page, hostile_base, lang, "pwned")
    assert results, "the search finds the page holding the payload"
    assert page.evaluate("typeof window.__pwned") == "undefined"
    found = page.locator(".md-search-result__list")
    assert found.locator("img, script, svg, style, [onerror]").count() == 0, found.inner_html()[:500]
    assert "window.__pwned" in found.inner_text(), "the results show the payload as text"
    assert not errors, errors


@pytest.mark.parametrize("lang", LANGS)
def test_no_dialog_and_no_request_off_the_site(page, hostile_base, lang):
    """Every kind of page, with a listener for dialogs and for requests: no
    payload opens a dialog or loads anything from another site, and the
    payloads are shown as text."""
    dialogs: list[str] = []
    off_site: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: None if request.url.startswith(hostile_base) or request.url.startswith(
        ("data:", "blob:", "about:")) else off_site.append(request.url))
    for path in ("", f"{lang}/", f"{lang}/forms/", f"{lang}/forms/intake/", f"{lang}/guide/welcome/",
                 f"{lang}/downloads/", f"{lang}/404.html"):
        page.goto(f"{hostile_base}{path}", wait_until="networkidle")
        page.mouse.move(300, 300)
        page.wait_for_timeout(100)
        footer = straight_quotes(" ".join(page.locator("footer").inner_text().split())) if page.locator("footer").count() else ""
        if path:
            assert COORDINATOR in footer and ORG in footer, path
    page.goto(f"{hostile_base}{lang}/forms/intake/", wait_until="networkidle")
    article = straight_quotes(" ".join(page.locator("article").inner_text().split()))
    for typed in (WHO, WHEN, PURPOSE, LABEL, HELP):
        assert typed in article, typed
    assert not dialogs, f"a payload opened a dialog: {dialogs}"
    assert not off_site, f"a payload made a request off the site: {off_site}"


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
    # As typed, but for the language's typography (curly quotes, French spaces), as in the PDF.
    from dyade import typography
    assert any(typography.plain(PROGRAMME, lang) in p for p in paragraphs), "the programme name is not printed as typed"
    assert typography.plain(LABEL, lang) in paragraphs and typography.plain(HELP, lang) in paragraphs
    for typed in (COORDINATOR, WHO, WHEN, ORG):
        assert any(typography.plain(typed, lang) in p for p in paragraphs), typed
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
    # A quote placed as in prose is typographic in French (« … »), a long word
    # may be hyphenated at a line end (a soft hyphen); the text is otherwise as typed.
    # The running foot ("Page 2 of 5") may be extracted in the middle of a line.
    straight = lambda text: re.sub(r"Page\d+(of|de)\d+", "", re.sub("[«»“”]", '"', text).replace("\u00ad", ""))
    for typed in (ORG, COORDINATOR, COORDINATOR_TITLE, DURATION):
        assert straight(squash(typed)) in straight(guide), typed
    for typed in (WHO, WHEN):
        assert straight(squash(typed)) in straight(form), typed
    assert "root:x:0:0" not in guide + form  # #read("/etc/passwd") did not run
    for path in (form_pdf, guide_pdf):
        reader = PdfReader(path)
        assert all(float(p.mediabox.width) > 500 for p in reader.pages), f"{path.name}: a page was resized"
        uris = [a.get_object().get("/A", {}).get("/URI", "") for p in reader.pages for a in p.get("/Annots") or []]
        assert not [u for u in uris if "pwned" in str(u)], f"{path.name}: a javascript: link was kept"


# -- ordinary Markdown is kept: tests/test_site_tree.py ----------------------------