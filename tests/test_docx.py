"""DOCX forms (issue 4): every field is a real Word content control with the
field id as tag, the label as title and a placeholder in the document's
language; the document looks like a form, is accessible, and is the same
byte for byte from one build to the next."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from dyade import layout
from dyade import model as m
from docx_helpers import (NS, W, W14, build_docx, convert, make_sample_project, part, parts_named, sdt_tag,
                          sdts)

LANGS_LOCALE = {"fr": "fr-CA", "en": "en-CA"}


# -- fixtures ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The small programme with one field of every type, DOCX forms built."""
    root = make_sample_project(tmp_path_factory.mktemp("sample") / "project")
    out = root / "out"
    model = build_docx(root, out)
    return model, out


def docx_path(base: Path, lang: str, form) -> Path:
    return base / "dist" / lang / layout.form_docx(form)


def all_docs(model, base):
    return [(lang, form, docx_path(base, lang, form)) for lang in model.languages for form in model.forms]


# -- what the issue asks of each control ----------------------------------------------

def placeholders(model, lang) -> set[str]:
    return {t[lang] for k, t in model.strings.items() if k.startswith("placeholder")}


def expected_controls(form, model, lang):
    """(tag, word type, alias words, field) for every control, from the issue's rules."""
    out = []
    for f in form.input_fields():
        label = f.label[lang]
        if isinstance(f, m.ChecklistField):
            for item in f.items:
                out.append((f"{f.id}.{item.value}", "checkbox", [label, item.label[lang]], item))
        elif isinstance(f, m.TableField):
            for row in range(1, f.rows + 1):
                for col in f.columns:
                    out.append((f"{f.id}.{row}.{col.id}", word_type(col), [col.label[lang]], col))
        elif isinstance(f, m.SignatureField):
            out.append((f"{f.id}-name", "text", [label], f))
            out.append((f"{f.id}-date", "date", [label], f))
        else:
            out.append((f.id, word_type(f), [label], f))
    return out


def word_type(f) -> str:
    return {m.TextField: "text", m.LongTextField: "multiline", m.DateField: "date", m.NumberField: "number",
            m.ChoiceField: "dropdown",
            m.RatingField: "dropdown", m.CheckboxField: "checkbox"}[type(f)]


def check_form_docx(path: Path, form, model, lang: str) -> None:
    """Assert, control by control, type, tag, alias and placeholder language."""
    assert path.is_file(), f"missing {path}"
    found = {}
    for sdt in sdts(path):
        tag = sdt_tag(sdt)
        assert tag, f"{path.name}: a content control has no tag"
        assert tag not in found, f"{path.name}: tag {tag!r} used twice"
        found[tag] = sdt
    expected = expected_controls(form, model, lang)
    assert list(found) == [e[0] for e in expected], f"{path.name} ({lang}): tags or their order differ"
    other_langs = [l for l in model.languages if l != lang]
    for tag, kind, alias_words, f in expected:
        sdt = found[tag]
        where = f"{form.id} ({lang}) control {tag!r}"
        pr = sdt.find("w:sdtPr", NS)
        alias = pr.find("w:alias", NS).get(W + "val")
        if len(alias_words) == 1 and tag == getattr(f, "id", None):
            assert alias == alias_words[0], f"{where}: alias {alias!r}"
        for word in alias_words:
            assert word in alias, f"{where}: alias {alias!r} lacks {word!r}"
        # inline: the control sits in a paragraph (itself in the body or a table cell)
        assert sdt.getparent().tag == W + "p", f"{where} is not inside a paragraph"
        assert sdt.find(".//w:p", NS) is None, f"{where} holds whole paragraphs"
        if kind == "checkbox":
            box = pr.find("w14:checkbox", NS)
            assert box is not None, f"{where} is not a w14:checkbox"
            assert box.find("w14:checked", NS).get(W14 + "val") == "0"
            assert "".join(sdt.find("w:sdtContent", NS).itertext()) == "\u2610"
            continue
        if kind in ("text", "multiline", "number"):
            text = pr.find("w:text", NS)
            assert text is not None, f"{where} is not a plain text control"
            assert (text.get(W + "multiLine") in ("1", "true")) == (kind == "multiline"), f"{where}: multiLine"
        elif kind == "date":
            date = pr.find("w:date", NS)
            assert date is not None, f"{where} is not a date picker"
            assert date.find("w:lid", NS).get(W + "val") == LANGS_LOCALE.get(lang, model.ui("locale", lang))
            assert date.find("w:dateFormat", NS).get(W + "val") == model.ui("date_format", lang)
            assert date.get(W + "fullDate") is None
        elif kind == "dropdown":
            drop = pr.find("w:dropDownList", NS)
            assert drop is not None, f"{where} is not a drop-down list"
            items = [(i.get(W + "displayText"), i.get(W + "value")) for i in drop.findall("w:listItem", NS)]
            if isinstance(f, m.RatingField):
                assert [v for _, v in items] == [str(i) for i in range(1, f.scale + 1)], where
                assert all(d.startswith(v) for d, v in items), where
            else:
                assert items == [(o.label[lang], o.value) for o in f.options], where
        # placeholder: flagged, styled, and in this document's language
        assert pr.find("w:showingPlcHdr", NS) is not None, f"{where}: no placeholder flag"
        runs = sdt.findall("w:sdtContent/w:r", NS)
        assert runs and all(r.find("w:rPr/w:rStyle", NS).get(W + "val") == "PlaceholderText" for r in runs), where
        shown = "".join(sdt.find("w:sdtContent", NS).itertext())
        own = getattr(f, "placeholder", None)
        allowed = {own[lang]} if own else placeholders(model, lang)
        assert shown in allowed, f"{where}: placeholder {shown!r} is not a {lang} placeholder"
        for other in other_langs:
            other_allowed = {own[other]} if own else placeholders(model, other)
            if shown not in allowed & other_allowed:
                assert shown not in other_allowed, f"{where}: placeholder is in {other}"


def check_structure(path: Path, form, model, lang: str) -> None:
    """Header, title block, headings, footer, page size, accessibility."""
    prog = model.programme
    doc = part(path, "word/document.xml")
    styles = part(path, "word/styles.xml")
    style_names = {s.get(W + "styleId"): s.find("w:name", NS).get(W + "val") for s in styles.findall("w:style", NS)}
    paragraphs = [(_pstyle(p, style_names), "".join(p.itertext())) for p in doc.iter(W + "p")]
    text = norm(" ".join(t for _, t in paragraphs))
    # title block: number, title, purpose/who/when
    h1 = [t for s, t in paragraphs if s == "heading 1"]
    assert [norm(t) for t in h1] == [norm(form.title[lang])], f"{path.name}: Heading 1 {h1}"
    assert norm(f"{model.ui('form', lang)} {form.number}").lower() in text.lower()
    for value in (form.who[lang], form.when[lang]):
        assert norm(value) in text
    for key in ("purpose", "who_fills", "when_filled"):
        assert norm(model.ui(key, lang)) in text
    first_words = norm(re.sub(r"[*`]", "", re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", form.purpose[lang])))[:40]
    assert first_words in text, f"{path.name}: purpose missing"
    # section headings use Word heading styles, in order
    h2 = [norm(t) for s, t in paragraphs if s == "heading 2"]
    assert h2 == [norm(i.text[lang]) for i in form.fields if isinstance(i, m.Heading)]
    for item in form.fields:
        if isinstance(item, m.Instructions):
            first = norm(re.sub(r"[*`]", "", item.text[lang].split("\n\n")[0]))[:30]
            assert first in text, f"{path.name}: instructions missing"
    assert "____" not in text, f"{path.name}: a line of underscores"
    # header: organisation's name and logo with alt text
    headers = parts_named(path, "word/header")
    header_text = norm(" ".join("".join(h.itertext()) for h in headers))
    assert norm(prog.organisation.name[lang]) in header_text
    pics = [d for h in headers for d in h.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert pics and pics[0].get("descr") == prog.organisation.logo_alt[lang]
    # footer: page X of Y with PAGE and NUMPAGES fields, in this language
    footers = parts_named(path, "word/footer")
    instr = " ".join(i.text for f in footers for i in f.iter(W + "instrText"))
    assert "PAGE" in instr.split() and "NUMPAGES" in instr.split()
    footer_text = norm(" ".join("".join(f.itertext()) for f in footers))
    for word in re.split(r"\{page\}|\{pages\}", model.ui("page_x_of_y", lang)):
        assert norm(word) in footer_text
    # page size
    size = doc.find(".//w:sectPr/w:pgSz", NS)
    expected = {"letter": ("12240", "15840"), "a4": ("11906", "16838")}[prog.page_size]
    assert (size.get(W + "w"), size.get(W + "h")) == expected
    # tables: first row is a header row repeated on each page
    for tbl in doc.iter(W + "tbl"):
        first = tbl.find("w:tr", NS)
        assert first.find("w:trPr/w:tblHeader", NS) is not None, f"{path.name}: table without header row"
    # placeholder style exists
    assert "Placeholder Text" in style_names.values()
    # language on the styles, and in the core properties with title and author
    langs = {e.get(W + "val") for e in styles.iter(W + "lang")}
    assert langs == {model.ui("locale", lang)}
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        core = zf.read("docProps/core.xml").decode()
    assert "docProps/thumbnail.jpeg" not in names
    from docx import Document
    props = Document(str(path)).core_properties
    assert props.title == form.title[lang]
    assert props.author == prog.organisation.name[lang]
    assert props.language == model.ui("locale", lang) and props.language.startswith(lang)
    assert "python-docx" not in core


def _pstyle(p, names):
    node = p.find("w:pPr/w:pStyle", NS)
    return (names.get(node.get(W + "val")) or "").lower() if node is not None else "normal"


def norm(text: str) -> str:
    """The words, typography aside: curly apostrophes and quotes (the DOCX
    prints them as the PDF does) compare equal to the straight ones typed."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = re.sub(r"«\s*|\s*»|[“”]", '"', text)
    return " ".join(text.split())


# -- the bundled programme --------------------------------------------------------

def test_bundled_forms_exist_in_every_language(built, model):
    assert model.forms, "the bundled programme has no forms"
    for lang, form, path in all_docs(model, built):
        assert path.is_file(), f"missing dist/{lang}/{layout.form_docx(form)}"
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None


def test_bundled_forms_controls_field_by_field(built, model):
    for lang, form, path in all_docs(model, built):
        check_form_docx(path, form, model, lang)


def test_bundled_forms_structure_and_accessibility(built, model):
    for lang, form, path in all_docs(model, built):
        check_structure(path, form, model, lang)


def test_bundled_forms_unprotected_by_default(built, model):
    assert model.programme.forms_protection is False
    for lang, form, path in all_docs(model, built):
        assert part(path, "word/settings.xml").find("w:documentProtection", NS) is None


def test_two_builds_give_identical_files(built, model, tmp_path, monkeypatch):
    from dyade.writers import docx as writer
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    from dyade.state import source_epoch

    # The build dates the documents by the sources' last change; same date here.
    epoch = source_epoch(built)
    writer.write(model, tmp_path / "a", lambda msg: None, epoch=epoch)
    writer.write(model, tmp_path / "b", lambda msg: None, epoch=epoch)
    for lang, form, path in all_docs(model, tmp_path / "a"):
        twin = docx_path(tmp_path / "b", lang, form)
        assert path.read_bytes() == twin.read_bytes(), f"{lang}/{form.id} differs between two builds"
        assert path.read_bytes() == docx_path(built, lang, form).read_bytes(), \
            f"{lang}/{form.id}: the full build and the writer alone differ"
        with zipfile.ZipFile(path) as zf:
            stamps = {i.date_time for i in zf.infolist()}
        when = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
        # A zip stores seconds in steps of two (DOS time): an odd second reads back one less.
        assert stamps == {(when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)}


def test_bundled_forms_convert_to_pdf_with_every_label(built, model, tmp_path):
    check_pdf_labels(model, built, tmp_path)


# -- the sample form: every field type -------------------------------------------------

def test_sample_controls_field_by_field(sample):
    model, out = sample
    for lang, form, path in all_docs(model, out):
        check_form_docx(path, form, model, lang)


def test_sample_structure_and_accessibility(sample):
    model, out = sample
    for lang, form, path in all_docs(model, out):
        check_structure(path, form, model, lang)


def test_sample_specific_controls(sample):
    """Spot checks written out by hand, independent of the generic checker."""
    model, out = sample
    form = model.forms[0]
    fr = {sdt_tag(s): s for s in sdts(docx_path(out, "fr", form))}
    en = {sdt_tag(s): s for s in sdts(docx_path(out, "en", form))}
    alias = lambda s: s.find("w:sdtPr/w:alias", NS).get(W + "val")
    shown = lambda s: "".join(s.find("w:sdtContent", NS).itertext())
    assert alias(fr["name"]) == "Nom et prénom" and alias(en["name"]) == "Full name"
    assert shown(fr["name"]) == "Prénom Nom" and shown(en["name"]) == "First and last name"
    assert shown(fr["role"]) == model.ui("placeholder_text", "fr") != shown(en["role"])
    assert fr["started"].find(".//w:date/w:lid", NS).get(W + "val") == "fr-CA"
    assert en["started"].find(".//w:date/w:lid", NS).get(W + "val") == "en-CA"
    assert fr["goals"].find(".//w:text", NS).get(W + "multiLine") == "1"
    assert fr["role"].find(".//w:text", NS).get(W + "multiLine") is None
    assert [i.get(W + "displayText") for i in fr["pace"].iterfind(".//w:listItem", NS)] == ["Chaque semaine", "Chaque mois"]
    assert [i.get(W + "value") for i in en["confidence"].iterfind(".//w:listItem", NS)] == ["1", "2", "3", "4", "5"]
    assert en["agree"].find(".//w14:checkbox", NS) is not None
    assert {"topics.budget", "topics.staff", "topics.parents"} <= set(fr)
    assert {f"meetings.{r}.{c}" for r in (1, 2, 3) for c in ("date", "topic", "notes", "mode", "useful", "done")} <= set(fr)
    assert fr["meetings.2.done"].find(".//w14:checkbox", NS) is not None
    assert fr["meetings.1.date"].find(".//w:date", NS) is not None
    assert {"mentee-sign-name", "mentee-sign-date"} <= set(en)
    assert "Signature du mentoré" in alias(fr["mentee-sign-name"])
    # the table: header row with the column labels, marked as header and repeated
    doc = part(docx_path(out, "en", form), "word/document.xml")
    (tbl,) = doc.findall(".//w:tbl", NS)
    rows = tbl.findall("w:tr", NS)
    assert len(rows) == 4
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert ["".join(c.itertext()) for c in rows[0].findall("w:tc", NS)] == ["Date", "Topic", "Notes", "Mode", "Usefulness", "Done", "Length"]
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
    # the signature block has a line to sign on
    styles = part(docx_path(out, "en", form), "word/styles.xml")
    line_ids = [s.get(W + "styleId") for s in styles.findall("w:style", NS)
                if s.find("w:name", NS).get(W + "val") == "Signature Line"]
    assert line_ids and doc.find(f".//w:pStyle[@w:val='{line_ids[0]}']", NS) is not None


def test_writing_box_and_instructions_stay_with_what_follows(sample):
    """A long-text box is one paragraph kept on one page (its lines are line breaks: a box of several
    paragraphs split across pages in LibreOffice), and instructions are kept with the field they explain."""
    model, out = sample
    form = model.forms[0]
    doc = part(docx_path(out, "en", form), "word/document.xml")
    goals = next(s for s in doc.iter(W + "sdt") if sdt_tag(s) == "goals")
    box = goals.getparent()
    assert box.tag == W + "p"
    assert box.find("w:pPr/w:keepLines", NS) is not None
    lines = next(f for f in form.input_fields() if f.id == "goals").lines
    assert len([br for br in box.iterfind("w:r/w:br", NS)]) == lines - 1
    style = box.find("w:pPr/w:pStyle", NS).get(W + "val")
    following = box.getnext()
    assert following.find("w:pPr/w:pStyle", NS) is None or following.find("w:pPr/w:pStyle", NS).get(W + "val") != style
    paragraphs = list(doc.iter(W + "p"))
    instructions = [p for p in paragraphs if (p.find("w:pPr/w:pStyle", NS) is not None
                                              and p.find("w:pPr/w:pStyle", NS).get(W + "val") == "FormInstructions")]
    assert instructions
    last = instructions[-1]
    assert last.find("w:pPr/w:keepNext", NS) is not None


def test_answer_follows_its_label_and_help_directly(sample):
    """LibreOffice keeps a paragraph with the next one but not a chain of three: the
    help lines share the label's paragraph (kept with next), so an answer never starts
    a page away from its question."""
    model, out = sample
    form = model.forms[0]
    doc = part(docx_path(out, "en", form), "word/document.xml")
    by_id = {s.get(W + "val"): s for s in doc.iter(W + "tag")}
    for f in form.input_fields():
        if type(f) not in (m.TextField, m.DateField, m.ChoiceField, m.RatingField, m.LongTextField):
            continue
        answer = by_id[f.id].getparent().getparent().getparent()
        label = answer.getprevious()
        assert label.find("w:pPr/w:pStyle", NS).get(W + "val") == "FieldLabel", f.id
        text = "".join("\n" if t.tag == W + "br" else t.text or "" for t in label.iter(W + "t", W + "br"))
        lines = text.split("\n")
        assert lines[0] == f.label["en"], f.id
        if f.help:
            assert f.help["en"] in lines[1:], f.id
        helps = [r for r in label.iterfind("w:r", NS) if r.find("w:rPr/w:rStyle", NS) is not None]
        assert all(r.find("w:rPr/w:rStyle", NS).get(W + "val") == "FieldHelpText" for r in helps)
        assert len(helps) == len(lines) - 1, f.id


def test_sample_pdf_shows_every_label(sample, tmp_path):
    model, out = sample
    check_pdf_labels(model, out, tmp_path)


def test_forms_protection_when_asked(tmp_path):
    root = make_sample_project(tmp_path / "p", programme_extra="forms_protection: true\n")
    model = build_docx(root, tmp_path / "out")
    for lang, form, path in all_docs(model, tmp_path / "out"):
        settings = part(path, "word/settings.xml")
        prot = settings.find("w:documentProtection", NS)
        assert prot is not None and prot.get(W + "edit") == "forms" and prot.get(W + "enforcement") == "1"
        names = [c.tag.split("}")[1] for c in settings]  # schema order: after proofState, before defaultTabStop
        assert names.index("proofState") < names.index("documentProtection") < names.index("defaultTabStop")


def test_a4_page_size(tmp_path):
    root = make_sample_project(tmp_path / "p")
    prog = root / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("page_size: letter", "page_size: a4"), encoding="utf-8")
    model = build_docx(root, tmp_path / "out")
    assert model.programme.page_size == "a4"
    for lang, form, path in all_docs(model, tmp_path / "out"):
        size = part(path, "word/document.xml").find(".//w:sectPr/w:pgSz", NS)
        assert (size.get(W + "w"), size.get(W + "h")) == ("11906", "16838")


def test_source_date_epoch_sets_dates(tmp_path, monkeypatch):
    root = make_sample_project(tmp_path / "p")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    model = build_docx(root, tmp_path / "one")
    build_docx(root, tmp_path / "two")
    from docx import Document
    for lang, form, path in all_docs(model, tmp_path / "one"):
        assert path.read_bytes() == docx_path(tmp_path / "two", lang, form).read_bytes()
        props = Document(str(path)).core_properties
        assert props.created == props.modified == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
        with zipfile.ZipFile(path) as zf:
            assert {i.date_time for i in zf.infolist()} == {(2026, 1, 1, 0, 0, 0)}


# -- PDF through LibreOffice ----------------------------------------------------------

def labels(form, lang) -> list[str]:
    """Every label a reader must see on the page."""
    out = [form.title[lang]]
    for item in form.fields:
        if isinstance(item, m.Heading):
            out.append(item.text[lang])
        elif isinstance(item, m.Instructions):
            continue
        else:
            out.append(item.label[lang])
            for sub in getattr(item, "columns", []):
                out.append(sub.label[lang])
            for sub in getattr(item, "items", []):
                out.append(sub.label[lang])
            for sub in getattr(item, "options", []):
                out.append(sub.label[lang])
    return out


def squash(text: str) -> str:
    """Compare PDF text without spaces: lines wrap and table cells break words."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u00ad\u200b-]+", "", text).replace("\u2019", "'")


def check_pdf_labels(model, base: Path, tmp_path: Path) -> None:
    profile = tmp_path / "lo-profile"
    for lang in model.languages:
        docs = [docx_path(base, lang, f) for f in model.forms]
        pdfs = convert(docs, "pdf", tmp_path / "pdf" / lang, profile)
        for form, pdf in zip(model.forms, pdfs):
            reader = PdfReader(str(pdf))
            assert len(reader.pages) >= 1
            text = squash(" ".join(page.extract_text() or "" for page in reader.pages))
            missing = [l for l in labels(form, lang) if squash(l) not in text]
            assert not missing, f"{lang}/{form.id}.pdf lacks {missing}"
            assert squash(model.programme.organisation.name[lang]) in text


# -- Word is strict about the order of property elements ------------------------------

SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
           "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
           "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
           "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
           "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl "
           "cs em lang eastAsianLayout specVanish oMath",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
             "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "sdtPr": "rPr alias tag id lock placeholder temporary showingPlcHdr dataBinding label tabIndex docPartObj "
             "docPartList equation comboBox date dropDownList picture richText text citation group bibliography",
    "sdt": "sdtPr sdtEndPr sdtContent",
}


def check_order(root, where: str) -> None:
    for name, seq in SCHEMA_ORDER.items():
        order = seq.split()
        for node in root.iter(W + name):
            ranks = [order.index(c.tag.split("}")[1]) for c in node if c.tag.startswith(W) and c.tag.split("}")[1] in order]
            unknown = [c.tag for c in node if c.tag.startswith(W) and c.tag.split("}")[1] not in order]
            assert not unknown, f"{where}: unexpected {unknown} in w:{name}"
            assert ranks == sorted(ranks), f"{where}: children of w:{name} out of order: {[c.tag.split('}')[1] for c in node]}"


def test_property_elements_in_schema_order(sample):
    model, out = sample
    for lang, form, path in all_docs(model, out):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("word/") and name.endswith(".xml"):
                    from lxml import etree
                    check_order(etree.fromstring(zf.read(name)), f"{lang}/{form.id}:{name}")


# -- placeholders look like placeholders, in Word and in LibreOffice ----------------------

GREY = "6B6B6B"   # dyade.oxml.PLACEHOLDER_COLOUR
DARK = "1A1A1A"   # the body text's colour


def style_colour(styles, style_id: str | None) -> str | None:
    """The text colour a paragraph or character style gives, through its basedOn chain."""
    by_id = {s.get(W + "styleId"): s for s in styles.findall("w:style", NS)}
    if style_id is None:
        style_id = next(s.get(W + "styleId") for s in styles.findall("w:style", NS)
                        if s.get(W + "type") == "paragraph" and s.get(W + "default") == "1")
    while style_id is not None:
        style = by_id[style_id]
        colour = style.find("w:rPr/w:color", NS)
        if colour is not None:
            return colour.get(W + "val").upper()
        based = style.find("w:basedOn", NS)
        style_id = based.get(W + "val") if based is not None else None
    return None


def pstyle(p) -> str | None:
    node = p.find("w:pPr/w:pStyle", NS)
    return node.get(W + "val") if node is not None else None


def test_plain_text_placeholders_are_grey_and_typed_answers_are_not(sample):
    """LibreOffice 7.4 opens a plain-text control as an input field drawn in its paragraph's
    colour (whatever its runs say): those paragraphs are grey.  Word shows the placeholder in
    the "Placeholder Text" style, and gives what is typed in its place the control's own run
    properties: the body text's colour, never grey.  The other words of the paragraph (the
    signature's "Name:", a unit) are dark by direct formatting; labels stay dark."""
    model, out = sample
    for lang, form, path in all_docs(model, out):
        doc, styles = part(path, "word/document.xml"), part(path, "word/styles.xml")
        assert style_colour(styles, "PlaceholderText") == GREY
        text_controls = [s for s in sdts(path) if s.find("w:sdtPr/w:text", NS) is not None]
        assert len(text_controls) >= 8  # name, role, goals, hours, 3 × (topic, notes, minutes), a signature
        for sdt in text_controls:
            where = f"{lang}/{form.id} {sdt_tag(sdt)}"
            p = sdt.getparent()
            assert style_colour(styles, pstyle(p)) == GREY, f"{where}: its paragraph is not grey"
            typed = sdt.find("w:sdtPr/w:rPr", NS)
            assert typed is not None, f"{where}: no run properties for the text typed in it"
            assert typed.find("w:color", NS).get(W + "val") == DARK, where
            assert typed.find("w:rStyle", NS) is None, where
            runs = sdt.findall("w:sdtContent/w:r", NS)
            assert runs and all(r.find("w:rPr/w:rStyle", NS).get(W + "val") == "PlaceholderText" for r in runs)
            for r in p.findall("w:r", NS):  # outside the control
                if "".join(t.text or "" for t in r.findall("w:t", NS)).strip():
                    assert r.find("w:rPr/w:color", NS).get(W + "val") == DARK, f"{where}: {''.join(r.itertext())!r}"
        labels = [p for p in doc.iter(W + "p") if pstyle(p) == "FieldLabel"]
        assert labels and style_colour(styles, "FieldLabel") == DARK
        # Other controls' paragraphs are not grey: a date or a choice is shown dark once picked.
        for sdt in sdts(path):
            if sdt.find("w:sdtPr/w:text", NS) is None:
                assert style_colour(styles, pstyle(sdt.getparent())) != GREY, sdt_tag(sdt)


def text_by_colour(pdf: Path) -> list[tuple[str, str]]:
    """(fill colour "rrggbb", text) of every piece of text in `pdf`, in order."""
    pieces, fill = [], {"rgb": None}

    def before(op, args, cm, tm):
        if op == b"rg":
            fill["rgb"] = "".join(f"{round(float(a) * 255):02X}" for a in args)
        elif op == b"g":
            fill["rgb"] = f"{round(float(args[0]) * 255):02X}" * 3

    def text(t, cm, tm, font, size):
        if t.strip():
            pieces.append((fill["rgb"], t))

    for page in PdfReader(str(pdf)).pages:
        page.extract_text(visitor_operand_before=before, visitor_text=text)
    return pieces


def test_libreoffice_shows_text_placeholders_grey_and_labels_dark(sample, tmp_path):
    model, out = sample
    form = model.forms[0]
    fields = {f.id: f for f in form.input_fields()}
    for lang in model.languages:
        (pdf,) = convert([docx_path(out, lang, form)], "pdf", tmp_path / lang, tmp_path / "profile")
        pieces = text_by_colour(pdf)
        grey = squash(" ".join(t for c, t in pieces if c == GREY))
        dark = squash(" ".join(t for c, t in pieces if c == DARK))
        for prompt in (model.ui("placeholder_text", lang), fields["name"].placeholder[lang],
                       model.ui("placeholder_number", lang), model.ui("placeholder_short_text", lang)):
            assert squash(prompt) in grey, f"{lang}: {prompt!r} is not grey"
            assert squash(prompt) not in dark, f"{lang}: {prompt!r} is dark"
        for label in (fields["name"].label[lang], fields["role"].label[lang], fields["goals"].label[lang],
                      model.ui("name", lang)):
            assert squash(label) in dark, f"{lang}: the label {label!r} is not dark"
    # The reader still takes the placeholders for empty answers.
    from dyade.controls import empty_result
    from dyade.readback import read_form
    for lang in model.languages:
        assert read_form(docx_path(out, lang, form), form) == empty_result(form)


# -- a table too wide for a portrait page: a landscape section -------------------------------

def sections_of(doc) -> list[tuple[object, list]]:
    """(sectPr, the body's elements in that section) in order."""
    out, current = [], []
    for child in doc.find("w:body", NS):
        if child.tag == W + "sectPr":
            out.append((child, current))
            break
        current.append(child)
        closing = child.find("w:pPr/w:sectPr", NS)
        if closing is not None:
            out.append((closing, current))
            current = []
    return out


def landscape(sect) -> bool:
    size = sect.find("w:pgSz", NS)
    wide = int(size.get(W + "w")) > int(size.get(W + "h"))
    assert wide == (size.get(W + "orient") == "landscape"), "orientation and page size disagree"
    return wide


def table_named(elements, caption: str):
    return next((e for e in elements if e.tag == W + "tbl"
                 and e.find("w:tblPr/w:tblCaption", NS).get(W + "val") == caption), None)


def test_learning_objectives_get_a_landscape_section(built, model):
    """Seven columns do not fit a portrait page without breaking words: that table, the
    heading and instructions before it, get a landscape section (as the printed PDF gives it
    a landscape page) with its own header and footer, their right tab at that page's margin;
    the rest of the form stays portrait."""
    form = next(f for f in model.forms if f.id == "learning-plan")
    objectives = next(f for f in form.fields if getattr(f, "id", None) == "objectives")
    meetings = next(f for f in form.fields if getattr(f, "id", None) == "meetings")
    for lang in model.languages:
        path = built / "dist" / lang / layout.form_docx(form)
        doc = part(path, "word/document.xml")
        sections = sections_of(doc)
        assert [landscape(s) for s, _ in sections] == [False, True, False], lang
        wide = sections[1][1]
        assert table_named(wide, objectives.label[lang]) is not None
        assert table_named(sections[2][1], meetings.label[lang]) is not None
        # It opens with the heading just before the table (the instructions follow it).
        before = form.fields[:form.fields.index(objectives)]
        heading = next(i for i in reversed(before) if isinstance(i, m.Heading))
        first = next(e for e in wide if e.tag == W + "p")
        assert "".join(first.itertext()) == heading.text[lang] and pstyle(first) == "Heading2", lang
        # The landscape section's table fills its width; a portrait section's fits its own.
        for sect, elements in sections:
            size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
            room = int(size.get(W + "w")) - int(margins.get(W + "left")) - int(margins.get(W + "right"))
            for tbl in (e for e in elements if e.tag == W + "tbl"):
                total = sum(int(g.get(W + "w")) for g in tbl.iterfind("w:tblGrid/w:gridCol", NS))
                assert total <= room + 5, lang
        # Its own header and footer, their right tab stop at the landscape margin.
        refs = {r.get(W + "type"): r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
                for r in sections[1][0].iterfind("w:headerReference", NS)}
        first = {r.get(W + "type"): r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
                 for r in sections[0][0].iterfind("w:headerReference", NS)}
        last = {r.get(W + "type"): r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
                for r in sections[2][0].iterfind("w:headerReference", NS)}
        assert refs and first and refs != first and last == first, lang
        size, margins = sections[1][0].find("w:pgSz", NS), sections[1][0].find("w:pgMar", NS)
        room = int(size.get(W + "w")) - int(margins.get(W + "left")) - int(margins.get(W + "right"))
        for name in ("word/header", "word/footer"):
            stops = {int(t.get(W + "pos")) for hf in parts_named(path, name) for t in hf.iter(W + "tab")
                     if t.get(W + "val") == "right"}
            assert any(abs(s - room) < 5 for s in stops), f"{lang}: no right tab at {room} in the {name}s"
        wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
        ids = [d.get("id") for h in parts_named(path, "word/header") for d in h.iter(wp + "docPr")]
        assert len(ids) == 2 and len(set(ids)) == 2, f"{lang}: the logos' drawing ids {ids}"


def _longest_first(labels: list[str]) -> list[int]:
    return sorted(range(len(labels)), key=lambda i: -max(len(w) for w in labels[i].split()))


def test_learning_objectives_break_no_word_in_libreoffice(built, model, tmp_path):
    """Filled with the options and dates of the longest words, the objectives table as
    LibreOffice prints it splits none of its headings', placeholders' or values' words
    across two lines (it did: "Promouvoi|r", "septembr|e")."""
    from docx_helpers import fill
    form = next(f for f in model.forms if f.id == "learning-plan")
    table = next(f for f in form.fields if getattr(f, "id", None) == "objectives")
    for lang in model.languages:
        months = model.ui("month_names", lang).split()
        longest_month = max(range(12), key=lambda i: len(months[i]))
        values, words = {}, set()
        for col in table.columns:
            words |= set(col.label[lang].split())
            if getattr(col, "placeholder", None):
                words |= set(col.placeholder[lang].split())
            if isinstance(col, m.ChoiceField):
                order = _longest_first([o.label[lang] for o in col.options])
                for row in range(1, table.rows + 1):
                    option = col.options[order[(row - 1) % len(order)]]
                    values[f"objectives.{row}.{col.id}"] = option.value
                    words |= set(option.label[lang].split())
            elif isinstance(col, m.DateField):
                for row in range(1, table.rows + 1):
                    values[f"objectives.{row}.{col.id}"] = dt.date(2026, longest_month + 1, 30)
                words.add(months[longest_month])
        source = built / "dist" / lang / layout.form_docx(form)
        filled = fill(source, tmp_path / f"{form.id}-{lang}.docx", values, months)
        for doc in (source, filled):
            (pdf,) = convert([doc], "pdf", tmp_path / f"pdf-{lang}-{doc.parent.name}", tmp_path / "profile")
            text = unicodedata.normalize("NFKC", " ".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages))
            tokens = [t.strip(".,;:()").replace("\u2019", "'") for t in text.split()]
            wanted = {w.strip(".,;:()").replace("\u2019", "'") for w in words}
            wanted = {w for w in wanted if len(w) > 3}
            split = sorted({a + "|" + b for a, b in zip(tokens, tokens[1:])
                            if (a.rstrip("-") + b) in wanted and a not in wanted})
            assert not split, f"{lang}/{doc.name}: words broken across lines: {split}"
            if doc == filled:
                missing = sorted(wanted - set(tokens))
                assert not missing, f"{lang}: not found whole in the PDF: {missing}"
