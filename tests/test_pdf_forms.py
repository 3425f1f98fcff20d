"""Fillable PDF forms, tried in the engines people fill them with.

Every form's PDF (dist/<lang>/forms/<id>.pdf) must be a real AcroForm: one
field per DOCX control (same names), its tooltip the label, each widget on
its printed box and tagged as a Form element in reading order; no
JavaScript.  PDFium (Chrome, Edge) fills every field as a person would;
poppler (Okular, Evince) and PDFium render the values; pdf.js (Firefox)
reads them and fills a form of its own; `dyade collect` reads them back to
exactly what the same answers give through the DOCX.  A test certificate
signs an agreement with pyHanko, and collect tells intact from altered.
"""
from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
import subprocess
from decimal import Decimal
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import ROOT, run_dyade
from docx_helpers import TypedNumber
from docx_helpers import fill as fill_docx
from pdfium_fill import fill as fill_pdf

from dyade import controls as ctl
from dyade import model as m
from dyade import sources, typography
from dyade.readback import read_return
from dyade.readback_pdf import SIGNED_ALTERED, SIGNED_INTACT, read_pdf_return

_MODEL = sources.load(ROOT)
CASES = [(lang, form.id) for lang in _MODEL.languages for form in _MODEL.forms]
PDFJS = ROOT / "tests" / "pdfjs_fields.mjs"


def form_pdf(built: Path, lang: str, form_id: str) -> Path:
    return built / "dist" / lang / "forms" / f"{form_id}.pdf"


def terminal_fields(pdf) -> dict[str, pikepdf.Dictionary]:
    """{fully qualified name: field dictionary} of the terminal fields."""
    out = {}

    def walk(node, prefix):
        name = f"{prefix}.{node.T}" if prefix and "/T" in node else (str(node.T) if "/T" in node else prefix)
        kids = [k for k in node.get("/Kids", []) if "/T" in k]
        if kids:
            for kid in kids:
                walk(kid, name)
        else:
            out[name] = node

    for root in pdf.Root.AcroForm.Fields:
        walk(root, "")
    return out


def widgets_of(field) -> list:
    return list(field.Kids) if "/Kids" in field else [field]


def expected_names(form: m.Form) -> dict[str, str]:
    """{field name: PDF field type} a form's PDF must have."""
    kinds = {ctl.CHECKBOX: "/Btn", ctl.CHOICE: "/Btn", ctl.RATING: "/Btn"}
    out = {c.tag: kinds.get(c.kind, "/Tx") for c in ctl.controls(form)}
    out.update({f.id: "/Sig" for f in form.input_fields() if isinstance(f, m.SignatureField)})
    return out


# -- the fields ----------------------------------------------------------------------------

@pytest.mark.parametrize("lang,form_id", CASES)
def test_every_control_is_one_field_named_by_its_tag_with_its_label(built, model, lang, form_id):
    form = model.find("form", form_id)
    with pikepdf.open(form_pdf(built, lang, form_id)) as pdf:
        fields = terminal_fields(pdf)
        assert {n: str(f.FT) for n, f in fields.items()} == expected_names(form)
        by_tag = {c.tag: c for c in ctl.controls(form)}
        for name, f in fields.items():
            tooltip = str(f.TU)
            c = by_tag.get(name)
            if c is None:  # a signature field, named by its block's id
                label = next(x for x in form.input_fields() if x.id == name).label
            else:
                label = (c.parent if isinstance(c.parent, m.SignatureField) else c.field).label
            assert typography.plain(label[lang], lang) in tooltip, (name, tooltip)
            if c is not None and c.kind in (ctl.CHOICE, ctl.RATING):
                states = [k for w in widgets_of(f) for k in w.AP.N.keys() if k != "/Off"]
                assert states == [f"/{v}" for v in ctl.choices(c.field)], name
                assert int(f.Ff) & (1 << 15), f"{name} is not a radio group"
            if c is not None and c.kind == ctl.LONG_TEXT:
                assert int(f.Ff) & (1 << 12), f"{name} is not multi-line"
            if c is not None and c.kind == ctl.DATE:
                assert model.ui("pdf_date_hint", lang) in tooltip


@pytest.mark.parametrize("lang,form_id", CASES)
def test_widgets_are_tagged_as_form_elements_in_reading_order(built, lang, form_id):
    with pikepdf.open(form_pdf(built, lang, form_id)) as pdf:
        parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
        order = []
        for page in pdf.pages:
            annots = [a for a in page.get("/Annots", []) if a.Subtype == "/Widget"]
            assert str(page.get("/Tabs")) == "/S" or not annots
            for a in annots:
                element = parents[int(a.StructParent)]
                assert element.S == "/Form"
                kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
                assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" and k.Obj.objgen == a.objgen
                           for k in kids)
                order.append(a.objgen)
        # Reading order: a depth-first walk of the structure tree meets the widgets page by page, top to bottom.
        walked = []

        def walk(node):
            if isinstance(node, pikepdf.Array):
                for n in node:
                    walk(n)
            elif isinstance(node, pikepdf.Dictionary):
                if node.get("/Type") == "/OBJR":
                    if node.Obj.get("/Subtype") == "/Widget":
                        walked.append(node.Obj.objgen)
                elif "/K" in node:
                    walk(node.K)

        walk(pdf.Root.StructTreeRoot.K)
        assert sorted(walked) == sorted(order) and len(walked) == len(order)
        tops = {}
        for page_no, page in enumerate(pdf.pages):
            for a in page.get("/Annots", []):
                if a.Subtype == "/Widget":
                    tops[a.objgen] = (page_no, -round(float(a.Rect[3])))
        rows = [tops[g] for g in walked]
        # Top to bottom, allowing boxes side by side on one line (options, table cells).
        assert all(b >= (a[0], a[1] - 200) for a, b in zip(rows, rows[1:])), rows


def _dark(img, x, y) -> bool:
    r, g, b = img.getpixel((int(x), int(y)))[:3]
    return (r + g + b) / 3 < 170


@pytest.mark.parametrize("lang,form_id", CASES)
def test_each_widget_lies_on_its_printed_box(built, lang, form_id):
    """A line is printed on (or, for table cells, just outside) the bottom
    edge of every widget, and on all four edges of the framed boxes."""
    scale = 4  # 288 dpi
    pdf = pdfium.PdfDocument(str(form_pdf(built, lang, form_id)))
    with pikepdf.open(form_pdf(built, lang, form_id)) as doc:
        for n, page in enumerate(doc.pages):
            img = pdf[n].render(scale=scale).to_pil()
            height = float(page.MediaBox[3])
            for a in page.get("/Annots", []):
                if a.Subtype != "/Widget":
                    continue
                x1, y1, x2, y2 = (float(v) for v in a.Rect)
                name = str(a.get("/T", a.get("/Parent", {}).get("/T", "")))

                def line_near(points):
                    return any(_dark(img, x * scale, (height - y) * scale) for x, y in points)

                mid_x, mid_y = (x1 + x2) / 2, (y1 + y2) / 2
                reach = [d / 2 for d in range(0, 15)]  # up to 7 pt outside: a table cell's padding is 5 pt
                edges = {
                    "bottom": [(mid_x, y1 - d) for d in reach], "top": [(mid_x, y2 + d) for d in reach],
                    "left": [(x1 - d, mid_y) for d in reach], "right": [(x2 + d, mid_y) for d in reach],
                }
                framed = (x2 - x1) < 30 or str(a.get("/FT", a.get("/Parent", {}).get("/FT"))) == "/Btn"
                wanted = ["bottom", "top", "left", "right"] if framed else ["bottom"]
                for edge in wanted:
                    assert line_near(edges[edge]), f"{form_id} p{n + 1}: widget {name} has no printed {edge} edge"


def test_no_javascript_and_no_marker_left_in_any_pdf(built):
    pdfs = sorted((built / "dist").rglob("*.pdf"))
    assert len(pdfs) > 20
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary):
                    assert not {"/JS", "/JavaScript", "/AA", "/OpenAction"} & set(obj.keys()), path
                    if obj.get("/S") == "/URI":
                        assert not str(obj.URI).startswith("x-dyade-"), path
            form = pdf.Root.get("/AcroForm")
            if "forms" in path.parts:
                assert form is not None and not form.get("/NeedAppearances", False), path
                # PDF/A-2: the field font is embedded; each widget has a normal appearance only and prints.
                font = form.DR.Font.DyF
                assert "/FontFile2" in font.FontDescriptor
                for page in pdf.pages:
                    for a in page.get("/Annots", []):
                        if a.Subtype == "/Widget":
                            assert set(a.AP.keys()) == {"/N"} and int(a.F) & 4, path
                        else:  # an address in the instructions
                            assert a.Subtype == "/Link" and a.A.S == "/URI", path
            else:
                assert form is None, f"{path} is not a form and should have no fields"


# -- filling -------------------------------------------------------------------------------

NAMES = ["Hélène Côté", "Gaëtan Lefèvre", "Françoise Ndiaye", "Jérôme Bélanger", "Zoé Saint-Pierre", "Amélie Roy"]
FR_DATE_WORDS = {"fr": "3 mars 2027", "en": "March 3, 2027"}


def answers_for(form: m.Form, lang: str) -> tuple[dict, dict]:
    """Distinct answers for every control: (for the PDF: {tag: what is typed,
    ticked or chosen}, for the DOCX: {tag: value as docx_helpers.fill takes it})."""
    pdf, docx = {}, {}
    for k, c in enumerate(ctl.controls(form)):
        if c.kind == ctl.TEXT:
            text = NAMES[k % len(NAMES)] if "name" in c.tag else f"Réponse n° {k} — « ça va »"
            pdf[c.tag] = docx[c.tag] = text
        elif c.kind == ctl.LONG_TEXT:
            pdf[c.tag] = docx[c.tag] = f"Première ligne {k} : déléguer.\nDeuxième ligne, à revoir."
        elif c.kind == ctl.DATE:
            day = dt.date(2026, 9, 1) + dt.timedelta(days=11 * k)
            docx[c.tag] = day.isoformat()
            # Typed as the hint says, and once in words.
            pdf[c.tag] = FR_DATE_WORDS[lang] if k % 4 == 3 else day.isoformat()
            if k % 4 == 3:
                docx[c.tag] = "2027-03-03"
        elif c.kind == ctl.NUMBER:
            low = int(c.field.min or 0)
            text, value = (f"{low + 2},5", Decimal(f"{low + 2}.5")) if lang == "fr" else (str(low + 3), low + 3)
            pdf[c.tag] = text
            docx[c.tag] = TypedNumber(text, value)
        elif c.kind in (ctl.CHOICE, ctl.RATING):
            values = ctl.choices(c.field)
            pdf[c.tag] = docx[c.tag] = values[k % len(values)]
        elif c.kind == ctl.CHECKBOX:
            pdf[c.tag] = docx[c.tag] = k % 3 != 1
    return pdf, docx


@pytest.fixture(scope="module")
def filled(built, model, tmp_path_factory):
    """Every form in both languages, filled in PDFium and, with the same answers, as a DOCX."""
    out = tmp_path_factory.mktemp("filled")
    (out / "pdf").mkdir()
    (out / "docx").mkdir()
    done = {}
    for lang, form_id in CASES:
        form = model.find("form", form_id)
        pdf_answers, docx_answers = answers_for(form, lang)
        pdf = fill_pdf(form_pdf(built, lang, form_id), out / "pdf" / f"{lang}-{form_id}.pdf",
                       {k: v for k, v in pdf_answers.items() if v is not False})
        months = model.ui("month_names", lang).split()
        fill_docx(built / "dist" / lang / "forms" / f"{form_id}.docx", out / "docx" / f"{lang}-{form_id}.docx",
                  docx_answers, months)
        done[(lang, form_id)] = pdf
    return out, done


@pytest.mark.parametrize("lang,form_id", CASES)
def test_pdfium_fills_every_field_and_collect_reads_what_the_docx_gives(filled, model, lang, form_id):
    out, widgets = filled
    names = {w["name"] for w in widgets[(lang, form_id)]}
    assert names == set(expected_names(model.find("form", form_id))), "PDFium sees other fields"
    from_pdf = read_pdf_return(out / "pdf" / f"{lang}-{form_id}.pdf", model)
    from_docx = read_return(out / "docx" / f"{lang}-{form_id}.docx", model)
    assert from_pdf.form.id == form_id and from_pdf.lang == lang
    assert from_pdf.version == ctl.form_version(model.find("form", form_id))
    assert from_pdf.problems == []
    assert from_pdf.answers == from_docx.answers
    types = lambda a: {k: type(v).__name__ for k, v in a.items()}
    assert types(from_pdf.answers) == types(from_docx.answers)


def test_filled_values_show_in_poppler_and_pdfium_renderings(filled, tmp_path):
    """The answers PDFium typed are drawn in their boxes by poppler (pdftoppm)
    and by PDFium itself; the same boxes of the blank form are empty."""
    out, widgets = filled
    path = out / "pdf" / "fr-learning-plan.pdf"
    subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "poppler")],
                   check=True)
    from PIL import Image
    poppler = Image.open(next(tmp_path.glob("poppler*.png"))).convert("RGB")
    doc = pdfium.PdfDocument(str(path))
    doc.init_forms()
    chrome = doc[0].render(scale=100 / 72, may_draw_forms=True).to_pil().convert("RGB")
    text_boxes = [w for w in widgets[("fr", "learning-plan")] if w["page"] == 0 and w["type"] == 6]
    assert text_boxes
    height = doc[0].get_height()
    for w in text_boxes:
        left, bottom, right, top = w["rect"]
        # The left part of the box, clear of the grey date hint at its right.
        box = (int(left * 100 / 72) + 4, int((height - top) * 100 / 72) + 4,
               int(min(right, left + 120) * 100 / 72), int((height - bottom) * 100 / 72) - 4)
        for name, img in (("poppler", poppler), ("pdfium", chrome)):
            dark = sum(1 for px in img.crop(box).get_flattened_data() if sum(px) / 3 < 120)
            assert dark > 40, f"{name} shows nothing in {w['name']}"


def test_pdfjs_reads_the_values_pdfium_wrote(filled, model):
    out, _ = filled
    paths = [out / "pdf" / f"{lang}-{form_id}.pdf" for lang, form_id in CASES]
    result = subprocess.run(["node", str(PDFJS), *map(str, paths)], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    for (lang, form_id), path in zip(CASES, paths):
        form = model.find("form", form_id)
        typed, _ = answers_for(form, lang)
        fields = seen[str(path)]
        assert set(fields) >= set(expected_names(form))
        for c in ctl.controls(form):
            objects = fields[c.tag]
            value = objects[0]["value"]
            if c.kind in (ctl.TEXT, ctl.LONG_TEXT, ctl.DATE, ctl.NUMBER):
                assert value.replace("\r\n", "\n").replace("\r", "\n") == typed[c.tag], c.tag
            elif c.kind == ctl.CHECKBOX:
                assert (value not in ("Off", None, "")) == typed[c.tag], c.tag
            else:
                assert value == typed[c.tag], c.tag


def test_a_form_filled_in_pdfjs_is_collected(built, model, tmp_path):
    form = model.find("form", "learning-plan")
    typed, _ = answers_for(form, "en")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(typed, ensure_ascii=False), encoding="utf-8")
    returned = tmp_path / "returned"
    returned.mkdir()
    dst = returned / "plan-from-firefox.pdf"
    result = subprocess.run(["node", str(PDFJS), "--fill", str(answers), str(form_pdf(built, "en", "learning-plan")),
                             str(dst)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    got = read_pdf_return(dst, model)
    assert got.problems == []
    for c in ctl.controls(form):
        value = got.answers[c.key]
        if isinstance(c.parent, m.TableField):
            value = value[c.row - 1][c.item]
        elif isinstance(c.parent, m.ChecklistField):
            value = value[c.item]
        if c.kind == ctl.CHECKBOX:
            assert value is typed[c.tag]
        elif c.kind == ctl.RATING:
            assert value == int(typed[c.tag])
        elif c.kind == ctl.DATE:
            assert value == (dt.date(2027, 3, 3).isoformat() if typed[c.tag] == FR_DATE_WORDS["en"] else typed[c.tag])
        elif c.kind != ctl.NUMBER:
            assert value == typed[c.tag], c.tag


# -- collect ---------------------------------------------------------------------------------

def test_collect_reads_filled_pdfs_and_says_what_is_wrong_with_others(built, filled, model, tmp_path):
    out, _ = filled
    returned = tmp_path / "returned"
    returned.mkdir()
    for path in (out / "pdf").glob("*.pdf"):
        (returned / path.name).write_bytes(path.read_bytes())
    # Flattened (printed to PDF): no fields left.
    with pikepdf.open(out / "pdf" / "en-feedback.pdf") as pdf:
        del pdf.Root["/AcroForm"]
        pdf.save(returned / "printed-feedback.pdf")
    # Another programme's form.
    with pikepdf.open(out / "pdf" / "en-checklist.pdf") as pdf:
        pdf.Root.DyadeForm.programme = pikepdf.String("Nursing Preceptorship Programme")
        pdf.save(returned / "other-programme.pdf")
    (returned / "not-a-pdf.pdf").write_bytes(b"%PDF-1.7\n garbage")
    reports = tmp_path / "collected"
    result = run_dyade(built, "collect", str(returned), "--out", str(reports), "--today", "2027-06-01")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = (reports / "problems.txt").read_text(encoding="utf-8").splitlines()
    about = lambda name: [line for line in lines if name in line]
    assert len(about("printed-feedback.pdf")) == 1 and "no form fields left" in about("printed-feedback.pdf")[0]
    assert "another programme" in about("other-programme.pdf")[0]
    assert len(about("not-a-pdf.pdf")) == 1
    data = json.loads((reports / "answers.json").read_text(encoding="utf-8"))
    read = {r["file"]: r for r in data["returns"]}
    assert len(read) == len(CASES)
    for lang, form_id in CASES:
        record = read[f"{lang}-{form_id}.pdf"]
        assert record["form"] == form_id and record["language"] == lang and record["problems"] == []


# -- signatures ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pyhanko.sign import signers

    folder = tmp_path_factory.mktemp("certificate")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Hélène Côté (test)")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return signers.SimpleSigner.load(str(folder / "key.pem"), str(folder / "cert.pem"))


def sign(src: Path, dst: Path, field_name: str, signer) -> Path:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    def run():
        with open(src, "rb") as stream:
            writer = IncrementalPdfFileWriter(stream, strict=False)
            signed = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name=field_name), signer=signer)
            dst.write_bytes(signed.getvalue())

    # pyHanko runs its own event loop; the browser tests' Playwright holds one in this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()
    return dst


def test_a_signed_agreement_is_reported_signed_and_intact_then_altered(filled, model, signer, tmp_path):
    out, _ = filled
    first = sign(out / "pdf" / "en-confidentiality.pdf", tmp_path / "one.pdf", "mentee-signature", signer)
    both = sign(first, tmp_path / "both.pdf", "mentor-signature", signer)
    got = read_pdf_return(both, model)
    assert got.signatures == {"mentee-signature": SIGNED_INTACT, "mentor-signature": SIGNED_INTACT}
    assert got.problems == []
    assert read_pdf_return(out / "pdf" / "en-confidentiality.pdf", model).signatures == {
        "mentee-signature": "", "mentor-signature": ""}

    # A byte of the signed part changed: the mentee's signature no longer matches.
    data = bytearray(both.read_bytes())
    at = data.index(b"/Producer") if b"/Producer" in data else data.index(b"/Title")
    data[at + 12] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    got = read_pdf_return(tampered, model)
    assert SIGNED_ALTERED in got.signatures.values()
    assert any("altered after signing" in p for p in got.problems)

    # An answer changed after the mentee signed, then the mentor signed: the mentee's signature says so.
    changed = tmp_path / "changed.pdf"
    fill_pdf(first, changed, {"mentee-signature-name": "Quelqu'un d'autre"}, incremental=True)
    later = sign(changed, tmp_path / "later.pdf", "mentor-signature", signer)
    got = read_pdf_return(later, model)
    assert got.signatures["mentee-signature"] == SIGNED_ALTERED
    assert got.signatures["mentor-signature"] == SIGNED_INTACT
    assert any("answers changed after this signature: mentee-signature-name" in p for p in got.problems), got.problems


def test_collect_lists_the_digital_signatures(built, filled, signer, tmp_path):
    out, _ = filled
    returned = tmp_path / "returned"
    returned.mkdir()
    sign(out / "pdf" / "fr-confidentiality.pdf", returned / "entente.pdf", "mentee-signature", signer)
    reports = tmp_path / "collected"
    result = run_dyade(built, "collect", str(returned), "--out", str(reports), "--today", "2027-06-01")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((reports / "answers.json").read_text(encoding="utf-8"))
    assert data["returns"][0]["signatures"] == {"mentee-signature": SIGNED_INTACT, "mentor-signature": ""}
    csv = (reports / "confidentiality.csv").read_text(encoding="utf-8-sig")
    assert "[mentee-signature-signature]" in csv and SIGNED_INTACT in csv


@pytest.mark.parametrize("lang,form_id", CASES)
def test_blank_fields_add_no_ink_to_the_paper_form(built, lang, form_id):
    """Printed blank, a fillable form looks exactly like the paper form: its
    empty fields draw nothing over the printed boxes."""
    doc = pdfium.PdfDocument(str(form_pdf(built, lang, form_id)))
    doc.init_forms()
    from PIL import ImageChops
    for n in range(len(doc)):
        paper = doc[n].render(scale=1, may_draw_forms=False).to_pil().convert("RGB")
        fillable = doc[n].render(scale=1, may_draw_forms=True).to_pil().convert("RGB")
        assert ImageChops.difference(paper, fillable).getbbox() is None, f"page {n + 1}"


def test_hostile_pdfs_are_one_plain_sentence(built, model, tmp_path):
    """A password, a loop in the field tree, a field tree a thousand levels
    deep: refused or cut short, never a hang or a traceback."""
    from dyade.readback import UnreadableForm

    src = form_pdf(built, "en", "feedback")
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(UnreadableForm, match="protected by a password"):
        read_pdf_return(locked, model)

    looped = tmp_path / "looped.pdf"
    with pikepdf.open(src) as pdf:
        first = pdf.Root.AcroForm.Fields[0]
        node = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String("loop"), Kids=pikepdf.Array()))
        node.Kids.append(node)
        deep = node
        for i in range(1000):
            deep = pdf.make_indirect(pikepdf.Dictionary(T=pikepdf.String(f"d{i}"), Kids=pikepdf.Array([deep])))
        pdf.Root.AcroForm.Fields.append(deep)
        assert first.T == "mentee-name"
        pdf.save(looped)
    got = read_pdf_return(looped, model)
    assert got.form.id == "feedback"


@pytest.mark.parametrize("lang,form_id", CASES)
def test_the_fill_plan_is_made_from_the_pdf_the_site_offers(built, lang, form_id):
    """The plan dyade-fill.js fills the PDF with (issue 16, item 5): the
    site's own copy of the PDF (length, SHA-256, last cross-reference
    section), every text and button field with the objects of its field and
    widgets, their text less exactly the keys the page sets."""
    import hashlib
    import re

    from dyade import pdfform
    data = (built / "site" / lang / "downloads" / "forms" / f"{form_id}.pdf").read_bytes()
    plan = json.loads((built / "site" / lang / "assets" / "fill" / f"{form_id}.json").read_text(encoding="utf-8"))
    assert plan == pdfform.fill_plan(data)
    assert plan["length"] == len(data) and plan["sha256"] == hashlib.sha256(data).hexdigest()
    assert data[plan["startxref"]:plan["startxref"] + 4] == b"xref" and not plan["xref_stream"]
    with pikepdf.open(form_pdf(built, lang, form_id)) as pdf:
        assert plan["size"] == int(pdf.trailer.Size)
        assert plan["id"].encode("latin-1") == bytes(pdf.trailer.ID[0].unparse())
        font = pdf.Root.AcroForm.DR.Font[f"/{pdfform.FONT_RESOURCE}"]
        assert plan["font"]["ref"] == list(font.objgen) and plan["font"]["widths"] == [int(w) for w in font.Widths]
        fields = {name: f for name, f in terminal_fields(pdf).items() if f.get("/FT") != pikepdf.Name.Sig}
        assert sorted(plan["fields"]) == sorted(fields)
        for name, field in fields.items():
            entry = plan["fields"][name]
            assert entry["ref"] == list(field.objgen), name
            assert not re.search(r"/V\b", entry["body"]) and "/T (" in entry["body"], (name, entry["body"])
            kids = list(field.get("/Kids", [])) or [field]
            assert [w["ref"] for w in entry["widgets"]] == [list(k.objgen) for k in kids], name
            for widget, kid in zip(entry["widgets"], kids):
                text = widget.get("body", entry["body"])
                assert widget["rect"] == [float(v) for v in kid.Rect], name
                if entry["type"] == "Tx":
                    assert "/AP" not in text and "/Rect" in text, (name, text)
                    assert entry["multiline"] == bool(int(field.Ff) & pdfform.MULTILINE)
                else:
                    assert not re.search(r"/AS\b", text) and "/AP" in text, (name, text)
                    assert sorted(widget["states"]) == sorted(str(k)[1:] for k in kid.AP.N.keys()), name


def test_the_fill_plan_of_a_pdf_ending_with_an_xref_stream_says_so(built):
    import io

    from dyade import pdfform
    with pikepdf.open(form_pdf(built, "en", "feedback")) as pdf:
        out = io.BytesIO()
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    plan = pdfform.fill_plan(out.getvalue())
    assert plan["xref_stream"] and b"/XRef" in out.getvalue()[plan["startxref"]:plan["startxref"] + 200]
    with pytest.raises(pdfform.FormFileError, match="startxref"):
        pdfform.fill_plan(out.getvalue()[:-200])
