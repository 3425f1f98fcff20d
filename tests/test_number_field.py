"""The `number` field kind end to end: checked in the sources, a number
input on the site, a text control in the DOCX read back as a number (or
flagged), a box with its unit in the PDF, a column type in tables, and in
the JSON Schema.  The bundled feedback form and learning plan use it."""
from __future__ import annotations

import html
import re
import subprocess
from decimal import Decimal

import jsonschema
import pytest

from dyade import model as m
from dyade import readback, schema
from dyade.readback import Flagged


def page(built, lang, form):
    return (built / "site" / lang / "forms" / form / "index.html").read_text(encoding="utf-8")


def test_the_site_shows_a_number_input_with_its_range(built):
    fr = page(built, "fr", "feedback")
    box = re.search(r'<input type="number" id="field-meeting-number"[^>]*>', fr).group(0)
    assert 'min="1"' in box and 'max="40"' in box and "disabled" not in box  # the form page is live
    assert 'aria-describedby="field-meeting-number-help field-meeting-number-msg"' in box
    help_text = re.search(r'<p class="dyade-help" id="field-meeting-number-help">(.*?)</p>', fr).group(1)
    assert html.unescape(help_text).endswith("Un nombre de 1 à 40")
    en = page(built, "en", "learning-plan")
    assert '<th scope="col" data-label="Length">Length (h)</th>' in en
    cells = re.findall(r'<input type="number" step="any" inputmode="decimal" aria-label="([^"]+)" min="0" max="8"[^>]*>', en)
    assert len(cells) == 10 and cells[0].startswith("Length")


def test_the_printed_form_has_the_box_its_range_and_its_unit(built):
    def text(lang, form):
        return subprocess.run(["pdftotext", "-layout", str(built / "dist" / lang / "forms" / f"{form}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    fr = text("fr", "feedback")
    assert "Numéro de la rencontre" in fr and "Un nombre de 1 à 40" in fr
    en = text("en", "learning-plan")
    assert re.search(r"Length", en) and len(re.findall(r"^\s.*\bh\s*$", en, re.M)) >= 10


def test_the_docx_control_reads_back_as_a_number_or_is_flagged(built, model, tmp_path):
    from docx_helpers import by_tag, fill
    path = built / "dist" / "fr" / "forms" / "feedback.docx"
    control = by_tag(path)["meeting-number"]
    assert control.find("{*}sdtPr/{*}text") is not None  # a plain text control Word and LibreOffice both fill
    for typed, answer in (("12", 12), (" 7 ", 7), ("2,5", Decimal("2.5")), ("3.0", 3),
                          ("douze", Flagged("douze", "not a number")),
                          ("41", Flagged("41", "above the largest number allowed (40)")),
                          ("0", Flagged("0", "below the smallest number allowed (1)"))):
        filled = fill(path, tmp_path / "filled.docx", {"meeting-number": typed})
        assert readback.read_form(filled, model)["meeting-number"] == answer, typed
    assert readback.read_form(path, model)["meeting-number"] is None
    plan = built / "dist" / "en" / "forms" / "learning-plan.docx"
    filled = fill(plan, tmp_path / "plan.docx", {"meetings.1.hours": "1.5 h", "meetings.2.hours": "two"})
    rows = readback.read_form(filled, model)["meetings"]
    assert rows[0]["hours"] == Decimal("1.5") and rows[1]["hours"] == Flagged("two", "not a number")
    assert rows[2]["hours"] is None


@pytest.mark.parametrize("typed, answer", [
    ("1 200", 1200), ("1\u202f200,75", Decimal("1200.75")), ("-3", -3), ("4 heures", Flagged("4 heures", "not a number")),
    ("4 h", 4), ("4H", 4), ("", None), ("1,2,3", Flagged("1,2,3", "not a number")),
])
def test_numbers_as_people_type_them(typed, answer):
    f = m.NumberField(id="n", label=m.Text({"fr": "N"}), unit=m.Text({"fr": "h", "en": "h"}))
    got = readback.parse_number(typed, f) if typed else None
    assert got == answer


def test_the_schema_and_the_check_know_the_bounds(tmp_path):
    form_schema = schema.schemas(["fr", "en"])["form"]
    number = form_schema["$defs"]["NumberField"]
    assert number["properties"]["type"] == {"const": "number"}
    assert number["properties"]["min"]["type"] == "number" and number["properties"]["max"]["type"] == "number"
    column = {"id": "n", "type": "number", "label": {"fr": "N", "en": "N"}, "min": 0.5, "unit": {"fr": "h", "en": "h"}}
    form = {"id": "f", "number": 1, "title": {"fr": "T", "en": "T"}, "purpose": {"fr": "P", "en": "P"},
            "who": {"fr": "W", "en": "W"}, "when": {"fr": "W", "en": "W"},
            "fields": [{"id": "t", "type": "table", "label": {"fr": "T", "en": "T"}, "columns": [column]}]}
    jsonschema.validate(form, form_schema)
    column["min"] = "zéro"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(form, form_schema)


def test_decimal_bounds_are_accepted_and_shown_in_each_language(tmp_path):
    from test_check import FORM, make_tiny, run_dyade, write
    root = make_tiny(tmp_path / "tiny")
    write(root, "forms/1-intake.yml", FORM.replace("    type: text\n", "    type: number\n    min: 0.5\n    max: 7.25\n"))
    result = run_dyade(root, "check")
    assert result.returncode == 0, result.stderr
    from dyade import sources
    model = sources.load(root)
    f = model.forms[0].fields[0]
    assert (f.min, f.max) == (0.5, 7.25)
    assert model.number_range(f, "fr") == "Un nombre de 0,5 à 7,25"
    assert model.number_range(f, "en") == "A number from 0.5 to 7.25"
