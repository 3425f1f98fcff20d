"""Every paper size `page_size` allows (issue 18, item 2), read back from
what the build wrote: the PDFs' media boxes (pdfinfo's figures, through
pypdf), the DOCX section properties, and the flashcard sheet that fits its
cards to the page."""
from __future__ import annotations

import math
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT
from dyade import model

POINTS_PER_MM = 72 / 25.4


def dyade(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)


def test_the_model_lists_every_paper_the_writers_know():
    import typing
    assert set(typing.get_args(model.PageSize)) == set(model.PAPERS) == {"letter", "legal", "a4", "a5"}
    assert model.PAPERS["letter"].twips() == (12240, 15840) and model.PAPERS["a4"].twips() == (11906, 16838)


@pytest.mark.parametrize("paper", ["legal", "a5", "a4"])
def test_every_pdf_and_docx_is_on_the_paper_programme_yml_names(tmp_path, paper):
    made = dyade(tmp_path, "new", "p", "--name", "Northside Hospital", "--short-name", "NH", "--languages", "en,fr")
    assert made.returncode == 0, made.stdout + made.stderr
    root = tmp_path / "p"
    prog = root / "content" / "programme.yml"
    text = prog.read_text(encoding="utf-8")
    assert text.count("page_size: letter") == 1
    prog.write_text(text.replace("page_size: letter", f"page_size: {paper}"), encoding="utf-8")
    cards = root / "content" / "flashcards.yml"
    cards.write_text(cards.read_text(encoding="utf-8") + "".join(
        f"  - id: more-{n}\n    question:\n      en: Question {n}?\n      fr: Question {n} ?\n"
        f"    answer:\n      en: Answer {n}.\n      fr: Réponse {n}.\n" for n in range(4, 12)), encoding="utf-8")
    built = dyade(root, "--quiet")
    assert built.returncode == 0, built.stdout + built.stderr

    size = model.PAPERS[paper]
    portrait = sorted((round(size.width_mm * POINTS_PER_MM), round(size.height_mm * POINTS_PER_MM)))
    pdfs = sorted((root / "dist").rglob("*.pdf"))
    assert len(pdfs) >= 8, pdfs
    for pdf in pdfs:
        for number, page in enumerate(PdfReader(pdf).pages, 1):
            box = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
            assert box == portrait, f"{pdf.relative_to(root)} page {number}: {box} points, not {paper} {portrait}"

    width, height = size.twips()
    docx = sorted((root / "dist").rglob("*.docx"))
    assert docx
    for path in docx:
        xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
        sizes = re.findall(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"(?: w:orient="(\w+)")?', xml)
        assert sizes, path
        for w, h, orient in sizes:
            expected = (height, width) if orient == "landscape" else (width, height)
            assert (int(w), int(h)) == expected, f"{path.relative_to(root)}: {w} x {h} twips, not {paper}"

    # Flashcards keep their size: two columns, as many rows as the page holds.
    # The first sheet's front (page 3, after the instructions and a blank back)
    # holds cards 1 to 2 x rows of the 11.
    for lang in ("en", "fr"):
        path = root / "dist" / lang / "flashcards.pdf"
        front = subprocess.run(["pdftotext", "-f", "3", "-l", "3", str(path), "-"], capture_output=True, text=True,
                               check=True).stdout
        on_it = sorted(int(n) for n in re.findall(r"^(\d+) ?/ ?11$", front, re.M))
        assert on_it == list(range(1, 2 * size.card_rows + 1)), (lang, on_it)
        assert len(PdfReader(path).pages) == 2 + 2 * math.ceil(11 / (2 * size.card_rows))


def test_the_reference_of_the_sources_is_the_models():
    """docs/reference.md is written from the model: when a key or an allowed
    value changes, this fails until the reference is written again."""
    from dyade import reference
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert text == reference.reference(), "run: python -m dyade.reference docs/reference.md"
    assert "one of `letter`, `legal`, `a4`, `a5`" in text
    for kind in model.FILE_KINDS:
        assert f"## {kind}: `{reference.WHERE[kind]}`" in text
    for field_kind in model.FIELD_KINDS:
        name = field_kind.__dataclass_fields__["type"].default
        assert f"### `fields[].type: {name}`" in text, name
