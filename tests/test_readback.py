"""Reading filled forms back (issue 4): `dyade.readback.read_form` turns a
filled DOCX into {field id: value}, also after LibreOffice re-saved it, and
refuses hostile files with UnreadableForm instead of crashing."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
import re
import zipfile
from pathlib import Path

import pytest

from dyade import layout
from dyade import model as m
from dyade.readback import UnreadableForm, read_form
from docx_helpers import TypedNumber, build_docx, convert, fill, make_sample_project
from test_docx import expected_controls

# -- what read_form should answer, written from the rules ------------------


def empty_answers(form) -> dict:
    out = {}
    empty = {m.TextField: "", m.LongTextField: "", m.DateField: None, m.NumberField: None, m.ChoiceField: None,
             m.RatingField: None, m.CheckboxField: False}
    for f in form.input_fields():
        if isinstance(f, m.ChecklistField):
            out[f.id] = {i.value: False for i in f.items}
        elif isinstance(f, m.TableField):
            out[f.id] = [{c.id: empty[type(c)] for c in f.columns} for _ in range(f.rows)]
        elif isinstance(f, m.SignatureField):
            out[f"{f.id}-name"], out[f"{f.id}-date"] = "", None
        else:
            out[f.id] = empty[type(f)]
    return out


def answers(form, filled: dict, free: bool = False) -> dict:
    """read_form's expected answer once the controls in `filled` (by tag) are
    filled; `free`: read without the form (numbers then come back as typed)."""
    out = empty_answers(form)
    for tag, value in filled.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, TypedNumber):
            value = str(value) if free else value.answer
        if tag in out:
            out[tag] = value
            continue
        field_id, _, rest = tag.partition(".")
        if isinstance(out.get(field_id), dict):
            out[field_id][rest] = value
        else:
            row, _, col = rest.partition(".")
            out[field_id][int(row) - 1][col] = value
    return out


def sample_values(form, model, lang, *, multiline=True, every=1) -> dict:
    """A value for every `every`-th control: texts, dates, last options, ticks."""
    values = {}
    for i, (tag, kind, _, f) in enumerate(expected_controls(form, model, lang)):
        if i % every:
            continue
        if kind == "text":
            values[tag] = f"Réponse {i} ({lang})"
        elif kind == "multiline":
            values[tag] = f"Première ligne {i}\nSecond line {i}" if multiline else f"Réponse longue {i}"
        elif kind == "date":
            values[tag] = dt.date(2026, 9, 1) + dt.timedelta(days=i)
        elif kind == "number":
            # As people type them: a decimal comma in French, the unit after the number.
            low = int(f.min or 0)
            n = low + i % max(1, int(f.max if f.max is not None else 40) - low)
            unit = f" {f.unit[lang]}" if f.unit else ""
            values[tag] = (TypedNumber(f"{n},5{unit}", Decimal(f"{n}.5")) if lang == "fr"
                           else TypedNumber(f"{n}", n))
        elif kind == "dropdown":
            values[tag] = f.scale if isinstance(f, m.RatingField) else f.options[-1].value
        elif kind == "checkbox":
            values[tag] = i % 2 == 0
    return values


def months(model, lang):
    return model.ui("month_names", lang).split()


# -- fixtures -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = make_sample_project(tmp_path_factory.mktemp("readback") / "project")
    out = root / "out"
    model = build_docx(root, out)
    return model, out


def form_path(base, lang, form):
    return base / "dist" / lang / layout.form_docx(form)


# -- filled as Word writes ------------------------------------------------------------

def test_untouched_form_reads_as_empty(sample):
    model, out = sample
    form = model.forms[0]
    for lang in model.languages:
        path = form_path(out, lang, form)
        assert read_form(path) == empty_answers(form)
        assert read_form(path, form) == empty_answers(form)


def test_sample_values_by_hand(sample, tmp_path):
    """Every value type, spelled out."""
    model, out = sample
    form = model.forms[0]
    filled = fill(form_path(out, "fr", form), tmp_path / "filled.docx", {
        "name": "Jeanne Tremblay", "goals": "Mieux déléguer\net planifier", "started": "2026-09-15",
        "pace": "monthly", "confidence": 4, "agree": True, "topics.staff": True, "topics.parents": True,
        "meetings.1.date": "2026-10-01", "meetings.1.useful": 3, "meetings.2.topic": "Budget",
        "meetings.2.done": True, "meetings.3.mode": "online", "mentee-sign-name": "J. Tremblay",
        "mentee-sign-date": "2026-11-30", "hours": "12,5 h", "meetings.1.minutes": "45"}, months(model, "fr"))
    expected = {
        "name": "Jeanne Tremblay", "role": "", "started": "2026-09-15", "goals": "Mieux déléguer\net planifier",
        "hours": Decimal("12.5"), "pace": "monthly", "confidence": 4, "energy": None, "agree": True,
        "topics": {"budget": False, "staff": True, "parents": True},
        "meetings": [
            {"date": "2026-10-01", "topic": "", "notes": "", "mode": None, "useful": 3, "done": False, "minutes": 45},
            {"date": None, "topic": "Budget", "notes": "", "mode": None, "useful": None, "done": True, "minutes": None},
            {"date": None, "topic": "", "notes": "", "mode": "online", "useful": None, "done": False, "minutes": None},
        ],
        "mentee-sign-name": "J. Tremblay", "mentee-sign-date": "2026-11-30",
    }
    # Without the form, a number is a text control: its answer as typed.
    free = {**expected, "hours": "12,5 h",
            "meetings": [{**row, "minutes": "45" if row["minutes"] else None} for row in expected["meetings"]]}
    assert read_form(filled) == free
    assert read_form(filled, form) == expected
    assert read_form(filled, model) == expected
    assert read_form(filled, form=form) == expected


def test_sample_every_control_in_every_language(sample, tmp_path):
    model, out = sample
    form = model.forms[0]
    for lang in model.languages:
        for every in (1, 3):
            values = sample_values(form, model, lang, every=every)
            filled = fill(form_path(out, lang, form), tmp_path / f"{lang}-{every}.docx", values, months(model, lang))
            assert read_form(filled) == answers(form, values, free=True)
            assert read_form(filled, form) == answers(form, values)


def test_bundled_forms_read_back(built, model, tmp_path):
    for lang in model.languages:
        for form in model.forms:
            values = sample_values(form, model, lang)
            path = built / "dist" / lang / layout.form_docx(form)
            filled = fill(path, tmp_path / f"{lang}-{form.id}.docx", values, months(model, lang))
            assert read_form(filled) == answers(form, values, free=True), f"{lang}/{form.id}"
            assert read_form(filled, model) == answers(form, values), f"{lang}/{form.id}"
            # Without the form, an empty number is told from a text only by
            # Dyade's own placeholder: one with the form's own reads as "".
            empty = empty_answers(form)
            empty.update({f.id: "" for f in form.input_fields() if isinstance(f, m.NumberField) and f.placeholder})
            assert read_form(path) == empty, f"{lang}/{form.id} (empty)"
            assert read_form(path, model) == empty_answers(form), f"{lang}/{form.id} (empty, with the form)"


def test_date_typed_rather_than_picked(sample, tmp_path):
    """Word keeps typed text when it cannot set w:fullDate; the reader parses it."""
    from lxml import etree
    from docx_helpers import W
    model, out = sample
    form = model.forms[0]
    for lang, text in (("fr", "1er mars 2027"), ("en", "March 1, 2027")):
        filled = fill(form_path(out, lang, form), tmp_path / f"{lang}.docx", {"started": "2027-03-01"}, months(model, lang))
        with zipfile.ZipFile(filled) as zf:
            items = [(i, zf.read(i.filename)) for i in zf.infolist()]
        rewritten = tmp_path / f"{lang}-typed.docx"
        with zipfile.ZipFile(rewritten, "w") as zf:
            for info, data in items:
                if info.filename == "word/document.xml":
                    root = etree.fromstring(data)
                    for sdt in root.iter(W + "sdt"):
                        if sdt.find(f"{W}sdtPr/{W}tag").get(W + "val") == "started":
                            del sdt.find(f"{W}sdtPr/{W}date").attrib[W + "fullDate"]
                            sdt.find(f".//{W}sdtContent//{W}t").text = text
                    data = etree.tostring(root)
                zf.writestr(info, data)
        assert read_form(rewritten)["started"] == "2027-03-01"


# -- after LibreOffice re-saved the file ---------------------------------------------

def test_sample_survives_libreoffice_round_trip(sample, tmp_path):
    model, out = sample
    form = model.forms[0]
    filled, values = [], {}
    for lang in model.languages:
        # LibreOffice 7.4 drops line breaks inside plain-text controls: single lines here.
        values[lang] = sample_values(form, model, lang, multiline=False, every=1 if lang == "fr" else 2)
        filled.append(fill(form_path(out, lang, form), tmp_path / f"{lang}.docx", values[lang], months(model, lang)))
    resaved = convert(filled, "docx", tmp_path / "lo", tmp_path / "profile")
    for lang, path in zip(model.languages, resaved):
        assert read_form(path, form) == answers(form, values[lang]), lang
        assert read_form(path, model) == answers(form, values[lang]), lang


def test_untouched_form_after_libreoffice_reads_as_empty(sample, tmp_path):
    model, out = sample
    form = model.forms[0]
    # The two languages share a file name: convert them one at a time.
    for lang in model.languages:
        (path,) = convert([form_path(out, lang, form)], "docx", tmp_path / f"lo-{lang}", tmp_path / "profile")
        assert read_form(path, form) == empty_answers(form), lang
        assert read_form(path, model) == empty_answers(form), lang


def test_without_tags_or_form_the_reader_says_what_to_do(sample, tmp_path):
    model, out = sample
    form = model.forms[0]
    filled = fill(form_path(out, "en", form), tmp_path / "en.docx", {"name": "Ann"}, months(model, "en"))
    (path,) = convert([filled], "docx", tmp_path / "lo", tmp_path / "profile")
    try:
        answer = read_form(path)
    except UnreadableForm as exc:
        assert "read_form(path, form)" in str(exc)
    else:  # a LibreOffice that keeps tags is fine too
        assert answer["name"] == "Ann"
    assert read_form(path, form)["name"] == "Ann"


def test_bundled_forms_survive_libreoffice_round_trip(built, model, tmp_path):
    for lang in model.languages:
        filled, expected = [], {}
        for form in model.forms:
            values = sample_values(form, model, lang, multiline=False, every=1 if lang == "fr" else 2)
            path = built / "dist" / lang / layout.form_docx(form)
            (tmp_path / lang).mkdir(exist_ok=True)
            filled.append(fill(path, tmp_path / lang / f"{form.id}.docx", values, months(model, lang)))
            expected[form.id] = answers(form, values)
        resaved = convert(filled, "docx", tmp_path / f"lo-{lang}", tmp_path / "profile")
        for form, path in zip(model.forms, resaved):
            assert read_form(path, form) == expected[form.id], f"{lang}/{form.id}"
            assert read_form(path, model) == expected[form.id], f"{lang}/{form.id} (form recognised from the file)"
        # With nothing but the file, the reader falls back on the programme's own forms.
        assert read_form(resaved[0]) == expected[model.forms[0].id], f"{lang}/{model.forms[0].id} (no form given)"


# -- hostile or broken files -------------------------------------------------------------

def _docx_bytes(sample) -> dict[str, bytes]:
    model, out = sample
    with zipfile.ZipFile(form_path(out, "en", model.forms[0])) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def refused(path: Path, *words: str) -> str:
    with pytest.raises(UnreadableForm) as info:
        read_form(path)
    message = str(info.value)
    assert "Traceback" not in message and message.strip()
    for word in words:
        assert word.lower() in message.lower(), message
    return message


def test_dtd_is_refused(sample, tmp_path):
    members = _docx_bytes(sample)
    doc = members["word/document.xml"]
    body = doc.split(b"?>", 1)[1]
    members["word/document.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                                    b'<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>' + body)
    refused(_zip(tmp_path / "dtd.docx", members), "DTD")


def test_billion_laughs_is_refused(sample, tmp_path):
    members = _docx_bytes(sample)
    lol = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10 if i else "lol"}">' for i in range(10))
    members["word/document.xml"] = (f'<?xml version="1.0"?><!DOCTYPE d [{lol}]><d>&l9;</d>').encode()
    refused(_zip(tmp_path / "lol.docx", members), "DTD")


def test_utf16_dtd_is_refused(sample, tmp_path):
    members = _docx_bytes(sample)
    members["word/document.xml"] = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "b">]><d>&a;</d>'.encode("utf-16")
    refused(_zip(tmp_path / "utf16.docx", members), "DTD")


def test_zip_bomb_is_refused(sample, tmp_path):
    members = _docx_bytes(sample)
    members["word/document.xml"] = members["word/document.xml"] + b" " * 30_000_000
    refused(_zip(tmp_path / "bomb.docx", members), "compressed")


def test_huge_member_is_refused(sample, tmp_path):
    members = _docx_bytes(sample)
    members["word/media/huge.bin"] = b"\0" * 45_000_000
    refused(_zip(tmp_path / "huge.docx", members), "too large")


def test_too_many_members_is_refused(sample, tmp_path):
    members = _docx_bytes(sample)
    for i in range(1500):
        members[f"customXml/item{i}.xml"] = b"<a/>"
    refused(_zip(tmp_path / "many.docx", members), "files", "limit")


def test_too_many_members_are_refused_before_listing_them(sample, tmp_path, monkeypatch):
    """The count comes from the zip's end record: a small file declaring
    hundreds of thousands of members is refused before zipfile lists them."""
    from dyade import readback
    members = _docx_bytes(sample)
    for i in range(1500):
        members[f"customXml/item{i}.xml"] = b"<a/>"
    path = _zip(tmp_path / "many.docx", members)

    def listing(*args, **kwargs):
        raise AssertionError("the zip was listed")

    monkeypatch.setattr(readback.zipfile, "ZipFile", listing)
    refused(path, f"{len(members)} files", "limit")


@pytest.mark.parametrize("content", [b"", b"hello, I am not a zip", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
                                     b"PK\x03\x04" + b"\0" * 100])
def test_not_a_zip_is_refused(tmp_path, content):
    path = tmp_path / "form.docx"
    path.write_bytes(content)
    refused(path, "form.docx")


def test_truncated_zip_is_refused(sample, tmp_path):
    model, out = sample
    data = form_path(out, "en", model.forms[0]).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    refused(path, "cut.docx")


def test_zip_without_document_is_refused(tmp_path):
    refused(_zip(tmp_path / "other.docx", {"hello.txt": b"hi"}), "not a Word document")


def test_malformed_xml_is_refused(sample, tmp_path):
    members = _docx_bytes(sample)
    members["word/document.xml"] = members["word/document.xml"][:-200]
    refused(_zip(tmp_path / "bad.docx", members), "XML")


def test_missing_file_is_refused(tmp_path):
    refused(tmp_path / "nowhere.docx", "nowhere.docx")


def test_unrelated_document(tmp_path, sample):
    import docx
    model, _ = sample
    path = tmp_path / "letter.docx"
    document = docx.Document()
    document.add_paragraph("Dear coordinator, here is a letter, not a form.")
    document.save(str(path))
    assert read_form(path) == {}
    with pytest.raises(UnreadableForm):
        read_form(path, model)


def test_absurd_table_row_in_a_tag_does_not_exhaust_memory(sample, tmp_path):
    # A cell tag naming row 900 000 000 used to make the reader build that many rows.
    members = _docx_bytes(sample)
    members["word/document.xml"] = members["word/document.xml"].replace(
        b'w:val="meetings.1.topic"', b'w:val="meetings.900000000.topic"')
    result = read_form(_zip(tmp_path / "rows.docx", members))
    assert len(result["meetings"]) < 10
    assert result["meetings.900000000.topic"] == ""


def test_clashing_tags_of_another_document_are_kept_whole(sample, tmp_path):
    members = _docx_bytes(sample)
    doc = members["word/document.xml"].replace(b'w:val="name"', b'w:val="meetings"', 1)
    members["word/document.xml"] = doc.replace(b'w:val="role"', b'w:val="topics.x"', 1)
    result = read_form(_zip(tmp_path / "clash.docx", members))
    assert result["meetings"] == "" and isinstance(result["topics"], dict)


def test_file_of_another_form_is_refused(sample, tmp_path):
    model, _ = sample
    form = model.forms[0]
    members = _docx_bytes(sample)
    members["docProps/core.xml"] = members["docProps/core.xml"].replace(b"dyade:form:sample", b"dyade:form:feedback")
    members["docProps/custom.xml"] = members["docProps/custom.xml"].replace(b">sample<", b">feedback<")
    message = refused_with(_zip(tmp_path / "feedback.docx", members), form, "feedback", "sample")
    members = _docx_bytes(sample)
    members["docProps/core.xml"] = members["docProps/core.xml"].replace(b"dyade:form:sample", b"")
    members["docProps/custom.xml"] = members["docProps/custom.xml"].replace(b">sample<", b"><")
    members["word/document.xml"] = re.sub(rb'<w:tag w:val="([^"]+)"/>', rb'<w:tag w:val="other-\1"/>',
                                          members["word/document.xml"])
    refused_with(_zip(tmp_path / "other.docx", members), form, "none of the fields", "sample")
    assert "sample" in message


def refused_with(path: Path, form, *words: str) -> str:
    with pytest.raises(UnreadableForm) as info:
        read_form(path, form)
    for word in words:
        assert word.lower() in str(info.value).lower(), str(info.value)
    return str(info.value)


def test_folder_is_refused(tmp_path):
    (tmp_path / "returned.docx").mkdir()
    refused(tmp_path / "returned.docx", "folder")


def test_old_word_or_encrypted_file_is_refused(tmp_path):
    path = tmp_path / "form.docx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1000)
    refused(path, "form.docx", ".doc", "password")


def test_oversized_xml_part_is_refused(sample, tmp_path):
    # 12 MB of barely compressible XML passes the ratio check; parsed, it would cost far more memory.
    import random
    members = _docx_bytes(sample)
    noise = random.Random(1).randbytes(6_000_000).hex().encode()
    members["word/document.xml"] = members["word/document.xml"].replace(b"<w:body>", b"<w:body><!--" + noise + b"-->", 1)
    refused(_zip(tmp_path / "big.docx", members), "too large")


def _with_rows(path: Path, dest: Path, edit) -> Path:
    """`path` with its document's meetings table changed by `edit(tbl)`."""
    from lxml import etree
    with zipfile.ZipFile(path) as zf:
        members = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    root = etree.fromstring(members["word/document.xml"])
    cell = next(s for s in root.iter(f"{{{W_NS}}}sdt") if s.find(f".//{{{W_NS}}}tag").get(f"{{{W_NS}}}val") == "meetings.1.topic")
    edit(next(cell.iterancestors(f"{{{W_NS}}}tbl")))
    members["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return _zip(dest, members)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_rows_the_participant_added_are_read(sample, tmp_path):
    """A learning plan often needs more rows than the form offers: a row copied
    in Word (its controls, tags and all) and a row inserted as plain cells are
    read like the others; blank added rows are dropped, a deleted row is
    answered as blank."""
    import copy
    from lxml import etree
    model, out = sample
    form = model.forms[0]
    filled = fill(form_path(out, "en", form), tmp_path / "filled.docx",
                  {"meetings.1.topic": "Budget", "meetings.3.topic": "Staff", "meetings.3.done": True},
                  months(model, "en"))

    def add_rows(tbl):
        rows = tbl.findall(f"{{{W_NS}}}tr")
        copied = copy.deepcopy(rows[-1])            # row 3 copied, tags and values included
        tbl.append(copied)
        plain = copy.deepcopy(rows[-1])             # a row of plain cells, typed into
        for i, tc in enumerate(plain.findall(f"{{{W_NS}}}tc")):
            for p in tc.findall(f"{{{W_NS}}}p"):
                tc.remove(p)
            p = etree.SubElement(tc, f"{{{W_NS}}}p")
            text = ["2027-01-20", "Parents", "Call first", "In person", "2", "\u2612", "50"][i]
            etree.SubElement(etree.SubElement(p, f"{{{W_NS}}}r"), f"{{{W_NS}}}t").text = text
        tbl.append(plain)
        tbl.append(copy.deepcopy(rows[2]))          # the untouched (blank) row 2 copied at the end

    added = _with_rows(filled, tmp_path / "added.docx", add_rows)
    rows = read_form(added, form)["meetings"]
    assert [r["topic"] for r in rows] == ["Budget", "", "Staff", "Staff", "Parents"]
    assert rows[4] == {"date": "2027-01-20", "topic": "Parents", "notes": "Call first", "mode": "in-person",
                       "useful": 2, "done": True, "minutes": 50}
    assert rows[3]["done"] is True
    assert read_form(added)["meetings"][:3] == read_form(filled)["meetings"]

    deleted = _with_rows(filled, tmp_path / "deleted.docx", lambda tbl: tbl.remove(tbl.findall(f"{{{W_NS}}}tr")[2]))
    rows = read_form(deleted, form)["meetings"]
    assert [r["topic"] for r in rows] == ["Budget", "Staff", ""]
