"""The completed PDF made on a form's web page (issue 16, item 3): every
field of every bundled form in both languages typed in (the plan of
test_browser_fill), "Download my completed form (PDF)" clicked, and the
downloads read back by `dyade collect` as the same answers; PDFium draws the
answers (the appearance streams the page wrote), pdf.js reads the values;
the rows added beyond the PDF's own are said to be left out; no request
leaves the site; the download works with the network cut after load; the
PDF library is not loaded with the page.

These tests fail (never skip) when Chromium, pdf.js or PDFium is missing.
"""
from __future__ import annotations

import gzip
import json
import re
import subprocess
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, run_dyade
from dyade import model as m
from dyade import readback_pdf
from sitetools import serve_dir
from test_browser_fill import control, do, plan

PDFJS = ROOT / "tests" / "pdfjs_fields.mjs"
LIB = "assets/vendor/pdf-lib.min.js"


@pytest.fixture(scope="module")
def base(built):
    with serve_dir(built / "site") as url:
        yield url


def pdf_expected(form: m.Form, expected: dict) -> tuple[dict, dict]:
    """What collect must read from the PDF (a table keeps its own rows only)
    and {table id: the rows left out}."""
    out, left = dict(expected), {}
    for f in form.input_fields():
        if isinstance(f, m.TableField):
            out[f.id] = expected[f.id][: f.rows]
            left[f.id] = list(range(f.rows + 1, len(expected[f.id]) + 1))
    return out, left


@pytest.fixture(scope="module")
def filled_pdf(browser, base, built, model, tmp_path_factory):
    work = tmp_path_factory.mktemp("browser-fill-pdf")
    returned = work / "returned"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    result = {"expected": {}, "status": {}, "left": {}, "typed": {}}
    for lang in model.languages:
        for form in model.forms:
            tab.goto(f"{base}{lang}/forms/{form.id}/", wait_until="networkidle")
            steps, expected = plan(form, lang)
            for step in steps:
                do(tab, step)
            tab.evaluate("document.getElementById('dyade-fill-status').textContent = ''")
            with tab.expect_download() as info:
                tab.click('[data-action="download-pdf"]')
            target = returned / lang / info.value.suggested_filename
            info.value.save_as(target)
            tab.wait_for_function("!/…$/.test(document.getElementById('dyade-fill-status').textContent.trim())")
            key = f"{lang}/{target.name}"
            result["status"][key] = tab.inner_text("#dyade-fill-status")
            result["expected"][key], result["left"][key] = pdf_expected(form, expected)
            result["typed"][key] = (form.id, lang, steps)
    context.close()
    out = work / "collected"
    run = run_dyade(built, "collect", str(returned), "--out", str(out), "--today", "2026-12-02", timeout=300)
    result.update(requests=requests, collect=run, out=out, returned=returned)
    return result


def test_collect_reads_from_the_pdf_every_answer_typed(filled_pdf, model):
    run = filled_pdf["collect"]
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads((filled_pdf["out"] / "answers.json").read_text(encoding="utf-8"))
    returns = {r["file"]: r for r in data["returns"]}
    assert sorted(returns) == sorted(filled_pdf["expected"]), (sorted(returns), data["unread"])
    assert len(returns) == len(model.forms) * len(model.languages)
    for file, expected in filled_pdf["expected"].items():
        form_id, lang, _steps = filled_pdf["typed"][file]
        got = returns[file]
        assert got["form"] == form_id and got["language"] == lang and got["current_version"], file
        assert got["problems"] == [], (file, got["problems"])
        for key, answer in expected.items():
            assert got["answers"][key] == answer, (file, key, got["answers"][key], answer)
        assert set(got["answers"]) == set(expected), file


def test_the_page_says_which_rows_the_pdf_left_out(filled_pdf):
    for file, left in filled_pdf["left"].items():
        text = filled_pdf["status"][file]
        assert file.split("/")[1] in text, (file, text)
        if left:
            lang = file.split("/")[0]
            assert ("Lignes laissées hors du PDF" if lang == "fr" else "Rows left out of the PDF") in text, text
            for rows in left.values():
                assert all(str(r) in text for r in rows), (file, text)
        else:
            assert "PDF" not in text.replace(file.split("/")[1], ""), (file, text)


def test_the_pdf_stays_an_honest_pdf_a(filled_pdf, built):
    import pikepdf
    for path in sorted(filled_pdf["returned"].rglob("*.pdf")):
        with pikepdf.open(path) as doc:
            form = doc.Root.AcroForm
            assert "/NeedAppearances" not in form and "/JavaScript" not in doc.Root.get("/Names", {}), path
            assert "/OpenAction" not in doc.Root and "/AA" not in doc.Root, path
            assert "/Metadata" in doc.Root, path  # the PDF/A declaration kept
            blank = pikepdf.open(built / "dist" / path.parent.name / "forms" / (path.stem.rsplit("-", 1)[0] + ".pdf"))
            assert str(doc.docinfo.get("/Producer")) == str(blank.docinfo.get("/Producer")), path
            assert doc.Root.Metadata.read_bytes() == blank.Root.Metadata.read_bytes(), path
            for page in doc.pages:
                for annot in page.get("/Annots", []):
                    if annot.get("/Subtype") == pikepdf.Name.Widget:
                        assert "/N" in annot.AP and "/A" not in annot and "/AA" not in annot, path


def _drawn_text(path) -> str:
    """The text PDFium draws from the pages and their widgets' appearance streams."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    pdf = pdfium.PdfDocument(str(path))
    for i in range(len(pdf)):
        page = pdf[i]
        assert raw.FPDFPage_Flatten(page.raw, raw.FLAT_PRINT) != raw.FLATTEN_FAIL
        page.close()
    texts = []
    for i in range(len(pdf)):
        page = pdf[i]
        texts.append(page.get_textpage().get_text_bounded())
    pdf.close()
    return "\n".join(texts)


def _added_row(selector: str, rows: dict) -> bool:
    found = re.search(r'data-field="([^"]+)"\] tbody tr:nth-child\((\d+)\)', selector)
    return bool(found) and int(found[2]) > rows[found[1]]


def test_pdfium_draws_the_answers(filled_pdf, model):
    for file in ("fr/learning-plan-fr.pdf", "en/feedback-en.pdf"):
        form_id, lang, steps = filled_pdf["typed"][file]
        drawn = " ".join(_drawn_text(filled_pdf["returned"] / file).split())
        form = model.find("form", form_id)
        rows = {f.id: f.rows for f in form.input_fields() if isinstance(f, m.TableField)}
        in_pdf = [s for s in steps if s.how == "fill" and not _added_row(s.selector, rows)]
        single = [s.value for s in in_pdf if "\n" not in s.value and "2026-" not in s.value]
        assert single, file
        for value in single:
            assert " ".join(value.split()) in drawn, (file, value, drawn[:2000])
        # a long answer drawn line by line
        lines = [line for s in in_pdf if "\n" in s.value for line in s.value.split("\n")]
        for line in lines:
            assert line in drawn, (file, line)


def test_pdfjs_reads_the_values(filled_pdf, model):
    for file, expected in filled_pdf["expected"].items():
        path = filled_pdf["returned"] / file
        run = subprocess.run(["node", str(PDFJS), str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        fields = json.loads(run.stdout)[str(path)]
        form = model.find("form", filled_pdf["typed"][file][0])
        for f in form.input_fields():
            if isinstance(f, (m.TextField, m.LongTextField)) and f.id in fields:
                assert fields[f.id][0]["value"] == expected[f.id], (file, f.id, fields[f.id])
            elif isinstance(f, m.CheckboxField):
                assert fields[f.id][0]["value"] == "Yes", (file, f.id, fields[f.id])
            elif isinstance(f, (m.ChoiceField, m.RatingField)) and f.id in fields:
                assert {o["value"] for o in fields[f.id]} == {str(expected[f.id])}, (file, f.id, fields[f.id])
            elif isinstance(f, m.ChecklistField):
                for item, ticked in expected[f.id].items():
                    assert fields[f"{f.id}.{item}"][0]["value"] == ("Yes" if ticked else "Off"), (file, f.id, item)
            elif isinstance(f, m.TableField):
                col = f.columns[0]
                if col.type == "text":
                    assert fields[f"{f.id}.1.{col.id}"][0]["value"] == expected[f.id][0][col.id], (file, f.id)


def test_no_request_leaves_the_site_and_the_pdf_comes_from_it(filled_pdf, base):
    origin = urlsplit(base).netloc
    foreign = [u for u in filled_pdf["requests"] if not u.startswith(("data:", "blob:", "about:"))
               and urlsplit(u).netloc != origin]
    assert not foreign, foreign[:10]
    assert any(u.endswith("/downloads/forms/learning-plan.pdf") for u in filled_pdf["requests"])
    assert any(u.endswith("/" + LIB) for u in filled_pdf["requests"])


def test_the_pdf_library_is_not_loaded_with_the_page(built):
    site = built / "site"
    pages = list((site / "en" / "forms").glob("*/index.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "data-action=\"download-pdf\"" in text, page
        assert not re.search(r"<script[^>]+pdf-lib", text), page
    weight = sum(len(gzip.compress((site / "en" / "assets" / name).read_bytes(), 9))
                 for name in ("dyade-fill.js", "vendor/fflate.js"))
    assert weight <= 150 * 1024, weight


def test_the_vendored_pdf_lib_is_the_npm_package_of_the_lock_file():
    vendored = ROOT / "templates" / "site" / "assets" / "vendor" / "pdf-lib.min.js"
    installed = ROOT / "node_modules" / "@cantoo" / "pdf-lib" / "dist" / "pdf-lib.min.js"
    assert vendored.read_bytes() == installed.read_bytes(), "run `npm run vendor` after changing pdf-lib's version"
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/@cantoo/pdf-lib"]["version"] == package["dependencies"]["@cantoo/pdf-lib"]


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_the_pdf_download_works_with_the_network_cut(tab, base, model, tmp_path):
    finished: list[str] = []
    tab.on("requestfinished", lambda request: finished.append(request.url))
    tab.goto(f"{base}en/forms/feedback/", wait_until="networkidle")
    tab.wait_for_function("() => true")
    for _ in range(100):  # the library's bytes are fetched when the page is idle
        if any(u.endswith("/" + LIB) for u in finished):
            break
        tab.wait_for_timeout(100)
    tab.context.set_offline(True)
    try:
        tab.fill(control("mentee-name"), "Offline Ostrowski Ω")
        tab.fill(control("meeting-date"), "2026-11-20")
        with tab.expect_download() as info:
            tab.click('[data-action="download-pdf"]')
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        tab.wait_for_function("/replaced/.test(document.getElementById('dyade-fill-status').textContent)")
        status = tab.inner_text("#dyade-fill-status")
    finally:
        tab.context.set_offline(False)
    answers = readback_pdf.read_pdf_return(path, model).answers
    assert answers["mentee-name"] == "Offline Ostrowski Ω" and answers["meeting-date"] == "2026-11-20"
    assert "Ω" in status, status  # the character the field font has not, drawn as "?" and said so
    assert "Offline Ostrowski ?" in " ".join(_drawn_text(path).split())
