"""The completed PDF made on a form's web page (issue 16, item 3): every
field of every bundled form in both languages typed in (the plan of
test_browser_fill), "Download my completed form (PDF)" clicked, and the
downloads read back by `dyade collect` as the same answers; PDFium draws the
answers (the appearance streams the page wrote), and so does poppler;
pdf.js reads the values; qpdf finds nothing wrong, and the file is the blank
one followed by an incremental update (also after a cross-reference stream);
the rows added beyond the PDF's own are said to be left out; no request
leaves the site; the download works with the network cut after load; a fill
plan that is not the PDF's own is refused; the scripts of a form page weigh
at most 150 KB gzipped (issue 16, item 5).

These tests fail (never skip) when Chromium, pdf.js or PDFium is missing.
"""
from __future__ import annotations

import gzip
import io
import json
import re
import subprocess
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from conftest import ROOT, run_dyade
from dyade import model as m
from dyade import readback_pdf
from sitetools import serve_dir
from test_browser_fill import control, do, plan

PDFJS = ROOT / "tests" / "pdfjs_fields.mjs"
PLAN = "assets/fill/{form}.json"  # the fill plan of a form's PDF (site.fill_plan_path)


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


def _typed_answers_are_drawn(filled_pdf, model, drawn_text) -> None:
    """Every answer typed on the page is drawn in the PDF, as `drawn_text`
    (one viewer engine) reads it: one-line answers whole, long ones line by line."""
    for file in ("fr/learning-plan-fr.pdf", "en/feedback-en.pdf"):
        form_id, lang, steps = filled_pdf["typed"][file]
        drawn = " ".join(drawn_text(filled_pdf["returned"] / file).split())
        form = model.find("form", form_id)
        rows = {f.id: f.rows for f in form.input_fields() if isinstance(f, m.TableField)}
        in_pdf = [s for s in steps if s.how == "fill" and not _added_row(s.selector, rows)]
        single = [s.value for s in in_pdf if "\n" not in s.value and "2026-" not in s.value]
        assert single, file
        for value in single:
            assert " ".join(value.split()) in drawn, (file, value, drawn[:2000])
        for line in [line for s in in_pdf if "\n" in s.value for line in s.value.split("\n")]:
            assert " ".join(line.split()) in drawn, (file, line)


def test_pdfium_draws_the_answers(filled_pdf, model):
    _typed_answers_are_drawn(filled_pdf, model, _drawn_text)


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
    assert any(u.endswith("/" + PLAN.format(form="learning-plan")) for u in filled_pdf["requests"])


def _startxref(data: bytes) -> int:
    return int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-1024:])[1])


def test_the_pdf_is_the_blank_one_and_an_incremental_update_qpdf_accepts(filled_pdf, built):
    import pikepdf
    paths = sorted(filled_pdf["returned"].rglob("*.pdf"))
    assert paths
    for path in paths:
        data = path.read_bytes()
        blank = (built / "site" / path.parent.name / "downloads" / "forms" / (path.stem.rsplit("-", 1)[0] + ".pdf")).read_bytes()
        assert data.startswith(blank) and len(data) > len(blank), path  # the original bytes, unchanged
        update = data[len(blank):]
        assert re.search(rb"/Prev %d\b" % _startxref(blank), update), path
        assert b"/NeedAppearances" not in update and b"/JavaScript" not in update and b"/JS" not in update, path
        with pikepdf.open(path) as doc:
            assert doc.check_pdf_syntax() == [], path
            assert doc.get_warnings() == [], path
            assert doc.trailer.ID[0] == pikepdf.open(io.BytesIO(blank)).trailer.ID[0], path


def _poppler_text(path) -> str:
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_poppler_draws_the_answers(filled_pdf, model):
    _typed_answers_are_drawn(filled_pdf, model, _poppler_text)


def _body(response) -> bytes:
    """The bytes the browser received; Chromium's DevTools keeps no body of a
    large fetched file (pdf-lib's 616 KB came back empty): those are asked
    again from the same server, which serves the same file."""
    body = response.body()
    declared = response.headers.get("content-length")
    if declared is not None and len(body) != int(declared) and not response.headers.get("content-encoding"):
        with urlopen(response.url, timeout=30) as again:
            body = again.read()
    return body


def script_weights(browser, base: str, pages: list[str]) -> dict[str, dict[str, int]]:
    """{page: {script URL: gzipped bytes}} of every script each page fetches
    once loaded and idle (the theme's, fflate, dyade-fill.js, workers, and any
    script fetched as data to run later)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    weights = {}
    try:
        for page in pages:
            tab = context.new_page()
            responses = []
            tab.on("response", lambda response: responses.append(response))
            tab.goto(base + page, wait_until="networkidle")
            tab.wait_for_timeout(2500)  # what the page fetches when idle
            scripts = [r for r in responses if r.request.resource_type == "script"
                       or "javascript" in (r.headers.get("content-type") or "")
                       or urlsplit(r.url).path.endswith((".js", ".mjs"))]
            weights[page] = {r.url: len(gzip.compress(_body(r), 9)) for r in scripts}
            tab.close()
    finally:
        context.close()
    return weights


def test_a_form_page_loads_at_most_150_kb_of_script_gzipped(browser, base, model):
    """Issue 16's budget for a form page, measured as the browser got it."""
    pages = [f"{lang}/forms/{form.id}/" for lang in model.languages for form in model.forms]
    for page, scripts in script_weights(browser, base, pages).items():
        assert any(url.endswith("/assets/dyade-fill.js") for url in scripts), (page, scripts)
        assert sum(scripts.values()) <= 150 * 1024, (page, sum(scripts.values()), scripts)


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
    for _ in range(100):  # the blank PDF and its fill plan are fetched when the page loads
        if all(any(u.endswith(end) for u in finished)
               for end in ("/downloads/forms/feedback.pdf", "/" + PLAN.format(form="feedback"))):
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


def _fill_feedback(tab, base, name: str):
    """The feedback page with a name and a date typed, and the PDF button
    clicked: (the downloads it started, the page's words then)."""
    downloads = []
    tab.on("download", lambda download: downloads.append(download))
    tab.goto(f"{base}en/forms/feedback/", wait_until="networkidle")
    tab.fill(control("mentee-name"), name)
    tab.fill(control("meeting-date"), "2026-11-20")
    tab.evaluate("document.getElementById('dyade-fill-status').textContent = ''")
    tab.click('[data-action="download-pdf"]')
    tab.wait_for_function("(t => t && !/…$/.test(t))(document.getElementById('dyade-fill-status').textContent.trim())")
    tab.wait_for_timeout(300)
    return downloads, tab.inner_text("#dyade-fill-status")


@pytest.mark.parametrize("change", ["another form's PDF", "one byte changed"])
def test_a_plan_that_is_not_the_pdfs_own_is_refused(tab, base, built, change):
    blank = (built / "site" / "en" / "downloads" / "forms" / "feedback.pdf").read_bytes()
    if change == "one byte changed":  # same length: only the SHA-256 tells
        at = len(blank) // 2
        served = blank[:at] + bytes([blank[at] ^ 1]) + blank[at + 1:]
    else:
        served = (built / "site" / "en" / "downloads" / "forms" / "checklist.pdf").read_bytes()
    assert served != blank
    tab.route("**/downloads/forms/feedback.pdf",
              lambda route: route.fulfill(status=200, body=served, content_type="application/pdf"))
    downloads, status = _fill_feedback(tab, base, "Mismatched Morgan")
    assert downloads == [], status
    assert "no longer matches this page" in status and "reload the page" in status, status


def test_after_a_cross_reference_stream_the_update_is_one_too(tab, base, built, model, tmp_path):
    """A blank PDF saved with object streams (so it ends with an xref
    stream, as a PDF 1.5 writer may make it) and its own plan: the update
    ends with an xref stream too, which qpdf and collect read."""
    import pikepdf
    from dyade import pdfform
    with pikepdf.open(built / "site" / "en" / "downloads" / "forms" / "feedback.pdf") as doc:
        out = io.BytesIO()
        doc.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    served = out.getvalue()
    plan = pdfform.fill_plan(served)
    assert plan["xref_stream"]
    tab.route("**/downloads/forms/feedback.pdf",
              lambda route: route.fulfill(status=200, body=served, content_type="application/pdf"))
    tab.route("**/" + PLAN.format(form="feedback"),
              lambda route: route.fulfill(status=200, body=json.dumps(plan), content_type="application/json"))
    downloads, status = _fill_feedback(tab, base, "Streamed Sasha")
    assert len(downloads) == 1, status
    path = tmp_path / "feedback-en.pdf"
    downloads[0].save_as(path)
    data = path.read_bytes()
    assert data.startswith(served)
    update = data[len(served):]
    assert b"/Type /XRef" in update and b"\nxref\n" not in update and b"trailer" not in update, update[-600:]
    assert re.search(rb"/Prev %d\b" % _startxref(served), update)
    with pikepdf.open(path) as doc:
        assert doc.check_pdf_syntax() == [] and doc.get_warnings() == []
    answers = readback_pdf.read_pdf_return(path, model).answers
    assert answers["mentee-name"] == "Streamed Sasha" and answers["meeting-date"] == "2026-11-20"
    assert "Streamed Sasha" in _poppler_text(path)
