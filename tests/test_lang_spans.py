"""Phrases in another language, marked `[words]{lang=en}` (pandoc's
bracketed span): `<span lang>` on the site, typst's text(lang) in the PDF
(hyphenation, spacing) and a Span with its /Lang in the PDF's structure,
the run language (w:lang) in the DOCX; check refuses a tag that is not a
BCP 47 language tag; no other attribute reaches an output."""
from __future__ import annotations

import ctypes
import html
import re
import subprocess
import zipfile

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from conftest import run_dyade
from dyade import markdown, safety
from dyade.writers import pdf
from dyade.writers import site_tree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_reading_lists_mark_their_foreign_titles(built):
    fr = (built / "site" / "fr" / "annexes" / "reading" / "index.html").read_text(encoding="utf-8")
    en = (built / "site" / "en" / "annexes" / "reading" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<span lang="en"><em>The Reflective Practitioner: How Professionals\s+Think in Action</em></span>', fr)
    assert len(re.findall(r'<span lang="en">', fr)) == 14
    assert '<span lang="fr"><em>Les Aventures de Télémaque</em></span>' in en
    assert "{lang=" not in fr + en


def test_site_writes_only_the_lang_attribute():
    def site(text):
        return site_tree.render(markdown.parse([("fr", text)])[0], "fr", "index.md")

    assert site("Voir [*On Dialogue*]{lang=en} ici") == 'Voir <span lang="en">*On Dialogue*</span> ici'
    assert site("[Schon]{lang=de-CH-1996}").startswith('<span lang="de-CH-1996">')
    # the words stay text; nothing else becomes markup
    assert site("[<b onclick=x>y</b>]{lang=en}") == '<span lang="en">&lt;b onclick=x&gt;y&lt;/b&gt;</span>'
    for text in ("[x]{lang=en onclick=alert(1)}", "[x]{lang=\"en\" .c}", "[x]{lang=en\"><script>}",
                 "`[x]{lang=en}`", "[x]{lang=not_a_tag}"):
        assert "<span" not in site(text), text


def test_typst_gets_the_language_of_the_phrase():
    tree = markdown.parse([("fr", "Lire [*Coaching for Performance*: GROW]{lang=en-GB} d'abord.")])[0]
    inlines = pdf._transform_inlines(tree[0]["c"], "fr")  # noqa: SLF001 — the writer's own transformation
    raw = [n["c"][1] for n in inlines if n["t"] == "RawInline"]
    assert raw == ['#phrase("en-GB", "en", "GB")[', "];"]
    # inside, English spacing: no French space before the colon
    words = "".join(markdown.plain_text([n]) for n in inlines if n["t"] != "RawInline")
    assert ": GROW" in words and "\u202f:" not in words.split("GROW")[0]


def test_pdf_prints_english_titles_with_english_spacing(built):
    text = subprocess.run(["pdftotext", str(built / "dist" / "fr" / "annexes" / "reading.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())  # every kind of space as one
    assert "Executive Coaching: Building" in words  # French spacing would put a space before the colon
    assert "Glenview (Illinois) :" in words  # the French around it keeps its own


def phrases_in_structure(path) -> list[tuple[str, str]]:
    """(language, text) of every structure element with its own /Lang, in
    reading order; the text is what PDFium finds in that element's marked
    content, as a screen reader would get it."""
    texts: dict[tuple[int, int], str] = {}
    document = pdfium.PdfDocument(path)
    for number, page in enumerate(document):
        textpage = page.get_textpage()
        for obj in page.get_objects():
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = (ctypes.c_ushort * size)()
            pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
            key = (number, pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw))
            texts[key] = texts.get(key, "") + bytes(buffer).decode("utf-16-le").rstrip("\x00")
    pdf = pikepdf.open(path)
    pages = {page.objgen: i for i, page in enumerate(pdf.pages)}

    def marked(kids, page) -> list[tuple[int, int]]:
        if isinstance(kids, int):
            return [(pages[page.objgen], kids)]
        if isinstance(kids, pikepdf.Array):
            return [m for kid in kids for m in marked(kid, page)]
        if isinstance(kids, pikepdf.Dictionary):
            if kids.get("/Type") == "/MCR":
                return [(pages[kids.get("/Pg", page).objgen], int(kids.MCID))]
            if "/S" in kids:
                return marked(kids.get("/K"), kids.get("/Pg", page))
        return []

    def walk(element):
        if isinstance(element, pikepdf.Array):
            for kid in element:
                yield from walk(kid)
        elif isinstance(element, pikepdf.Dictionary) and "/S" in element:
            if "/Lang" in element:
                yield str(element.Lang), "".join(texts.get(m, "") for m in marked(element.K, element.get("/Pg")))
            yield from walk(element.get("/K"))

    return list(walk(pdf.Root.StructTreeRoot.K))


@pytest.mark.parametrize("lang, other", [("fr", "en"), ("en", "fr")])
def test_pdf_structure_gives_each_phrase_its_language(built, lang, other):
    # The same phrases as the site marks, each a Span with its /Lang that holds
    # exactly the phrase's words; the document's own language stays the catalog's.
    page = (built / "site" / lang / "annexes" / "reading" / "index.html").read_text(encoding="utf-8")
    on_site = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", m)).split())
               for m in re.findall(rf'<span lang="{other}">(.*?)</span>', page, flags=re.S)]
    path = built / "dist" / lang / "annexes" / "reading.pdf"
    found = phrases_in_structure(path)
    same = lambda t: " ".join(t.replace("\u2019", "'").split())  # noqa: E731 — the site keeps straight quotes
    assert [same(t) for _, t in found] == [same(t) for t in on_site] and on_site
    assert {tag for tag, _ in found} == {other}
    pdf = pikepdf.open(path)
    assert str(pdf.Root.Lang) == lang
    spans = []

    def elements(e):
        if isinstance(e, pikepdf.Array):
            for kid in e:
                elements(kid)
        elif isinstance(e, pikepdf.Dictionary) and "/S" in e:
            spans.append(e)
            elements(e.get("/K"))

    elements(pdf.Root.StructTreeRoot.K)
    assert all(e.S == "/Span" for e in spans if "/Lang" in e)
    # no link left of the marking: nothing to click, no link without its annotation
    annots = [a for p in pdf.pages for a in p.get("/Annots", [])]
    assert not [a for a in annots if "x-dyade-lang" in str(a.get("/A", {}).get("/URI", ""))]
    links = [e for e in spans if e.S == "/Link"]
    kids = lambda e: list(e.K) if isinstance(e.K, pikepdf.Array) else [e.K]  # noqa: E731
    assert all(any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" for k in kids(e)) for e in links)
    tree = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    assert all(int(a.StructParent) in tree for a in annots if "/StructParent" in a)
    assert len(tree) == sum("/StructParents" in p for p in pdf.pages) + sum("/StructParent" in a for a in annots)


def test_docx_run_language_and_check_of_the_tag(project):
    form = project / "forms" / "2-confidentiality.yml"
    source = form.read_text(encoding="utf-8")
    marked = source.replace("La confiance est la condition de tout le reste.",
                            "La confiance est la condition de tout le reste ([trust first]{lang=en}).", 1)
    assert marked != source
    # a tag that is not one: refused with where and how to fix, nothing built
    form.write_text(marked.replace("{lang=en}", "{lang=english_UK}"), encoding="utf-8")
    result = run_dyade(project, "check")
    assert result.returncode != 0 and "Traceback" not in result.stdout + result.stderr
    line = next(l for l in (result.stdout + result.stderr).splitlines() if "english_UK" in l)
    assert re.match(r".*forms/2-confidentiality\.yml:10:\d+: 'english_UK' is not a language tag.* — write a BCP 47 tag", line), line
    # a good tag: the words are a run in English
    form.write_text(marked, encoding="utf-8")
    result = run_dyade(project, "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    with zipfile.ZipFile(project / "dist" / "fr" / "forms" / "confidentiality.docx") as z:
        from lxml import etree
        body = etree.fromstring(z.read("word/document.xml"))
    runs = [r for r in body.iter(f"{W}r") if "trust first" in "".join(t.text or "" for t in r.iter(f"{W}t"))]
    assert runs
    assert all(r.find(f"{W}rPr/{W}lang").get(f"{W}val") == "en" for r in runs)
    others = [r for r in body.iter(f"{W}r") if "confiance" in "".join(t.text or "" for t in r.iter(f"{W}t"))]
    assert others and all((r.find(f"{W}rPr/{W}lang") is None) or r.find(f"{W}rPr/{W}lang").get(f"{W}val") != "en"
                          for r in others)


@pytest.mark.parametrize("tag, ok", [("en", True), ("fr-CA", True), ("es-419", True), ("zh-Hant-TW", True),
                                     ("haw", True), ("english", False), ("en_GB", False), ("e", False),
                                     ("en-", False), ("x-klingon", False)])
def test_language_tag_grammar(tag, ok):
    assert bool(safety.LANG_TAG.fullmatch(tag)) is ok
