"""Phrases in another language, marked `[words]{lang=en}` (pandoc's
bracketed span): `<span lang>` on the site, typst's text(lang) in the PDF,
the run language (w:lang) in the DOCX; check refuses a tag that is not a
BCP 47 language tag; no other attribute reaches an output."""
from __future__ import annotations

import re
import subprocess
import zipfile

import pytest

from conftest import run_dyade
from dyade import markdown, safety
from dyade.writers import pdf
from dyade.writers.site_markdown import inert

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_reading_lists_mark_their_foreign_titles(built):
    fr = (built / "site" / "fr" / "annexes" / "reading" / "index.html").read_text(encoding="utf-8")
    en = (built / "site" / "en" / "annexes" / "reading" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<span lang="en"><em>The Reflective Practitioner: How Professionals\s+Think in Action</em></span>', fr)
    assert len(re.findall(r'<span lang="en">', fr)) == 14
    assert '<span lang="fr"><em>Les Aventures de Télémaque</em></span>' in en
    assert "{lang=" not in fr + en


def test_site_writes_only_the_lang_attribute():
    assert inert("Voir [*On Dialogue*]{lang=en} ici") == 'Voir <span lang="en">*On Dialogue*</span> ici'
    assert inert("[Schon]{lang=de-CH-1996}").startswith('<span lang="de-CH-1996">')
    # the words stay text; nothing else becomes markup
    assert inert("[<b onclick=x>y</b>]{lang=en}") == '<span lang="en">&lt;b onclick=x>y&lt;/b></span>'
    for text in ("[x]{lang=en onclick=alert(1)}", "[x]{lang=\"en\" .c}", "[x]{lang=en\"><script>}",
                 "`[x]{lang=en}`", "[x]{lang=not_a_tag}", "[x]{ lang=en}", "\ue000[x]{lang=en}"):
        assert "<span" not in inert(text), text


def test_typst_gets_the_language_of_the_phrase():
    tree = markdown.parse([("fr", "Lire [*Coaching for Performance*: GROW]{lang=en-GB} d'abord.")])[0]
    inlines = pdf._transform_inlines(tree[0]["c"], "fr")  # noqa: SLF001 — the writer's own transformation
    raw = [n["c"][1] for n in inlines if n["t"] == "RawInline"]
    assert raw == ['#text(lang: "en", region: "GB")[', "];"]
    # inside, English spacing: no French space before the colon
    words = "".join(markdown.plain_text([n]) for n in inlines if n["t"] != "RawInline")
    assert ": GROW" in words and "\u202f:" not in words.split("GROW")[0]


def test_pdf_prints_english_titles_with_english_spacing(built):
    text = subprocess.run(["pdftotext", str(built / "dist" / "fr" / "annexes" / "reading.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())  # every kind of space as one
    assert "Executive Coaching: Building" in words  # French spacing would put a space before the colon
    assert "Glenview (Illinois) :" in words  # the French around it keeps its own


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
