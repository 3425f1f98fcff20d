"""Interface strings Dyade ships (issue 18, items 3 and 8): every shipped
language has every key, dates typed in each language are read back, and a
German form returned with a German date is collected right."""
from __future__ import annotations

import datetime as dt
import json
import sys
import zipfile
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT
from docx_helpers import NS, W, sdt_tag
from dyade import dates, sources

SHIPPED = ("fr", "en", "es", "de", "pt", "it")


def test_every_shipped_language_has_every_key_and_no_other():
    shipped = sources.shipped_strings()
    assert set(sources.shipped_languages()) == {"es", "de", "pt", "it"}
    keys = set(shipped)
    for lang in SHIPPED:
        have = {k for k, v in shipped.items() if isinstance(v.get(lang), str) and v[lang].strip()}
        assert have == keys, (lang, sorted(keys - have))
    assert len(keys) > 140


def test_every_shipped_text_keeps_the_placeholders_of_the_english():
    from dyade import safety
    for key, values in sources.shipped_strings().items():
        def names(text):
            return sorted(w for _, _, kind, w in safety.placeholder_tokens(text) if kind == "name")
        for lang in SHIPPED:
            assert names(values[lang]) == names(values["en"]), (key, lang, values[lang])
        if key == "month_names":
            assert all(len(values[lang].split()) == 12 for lang in SHIPPED)
        if key.startswith("count_"):
            assert all(values[lang].count("|") == 1 for lang in SHIPPED), key


MONTHS = dates.month_table(sources.shipped_strings()["month_names"].values())


@pytest.mark.parametrize("text,lang,expected", [
    ("24.12.2026", "de", dt.date(2026, 12, 24)),
    ("24/12/2026", "pt", dt.date(2026, 12, 24)),
    ("24/12/2026", "es", dt.date(2026, 12, 24)),
    ("24/12/2026", "it", dt.date(2026, 12, 24)),
    ("03/05/2027", "fr", dt.date(2027, 5, 3)),
    ("03/05/2027", "de", dt.date(2027, 5, 3)),
    ("24 décembre 2026", "fr", dt.date(2026, 12, 24)),
    ("3. Dezember 2026", "de", dt.date(2026, 12, 3)),
    ("3. Dez. 2026", "de", dt.date(2026, 12, 3)),
    ("3 März 2027", "de", dt.date(2027, 3, 3)),
    ("3 de dezembro de 2026", "pt", dt.date(2026, 12, 3)),
    ("1º de março de 2027", "pt", dt.date(2027, 3, 1)),
    ("3 de diciembre de 2026", "es", dt.date(2026, 12, 3)),
    ("12 dic. 2026", "es", dt.date(2026, 12, 12)),
    ("3 dicembre 2026", "it", dt.date(2026, 12, 3)),
    ("December 3, 2026", "en", dt.date(2026, 12, 3)),
    ("2026-12-24", "de", dt.date(2026, 12, 24)),
    ("2026-12-24", None, dt.date(2026, 12, 24)),
])
def test_dates_typed_in_each_language_are_read(text, lang, expected):
    assert dates.parse_typed_date(text, MONTHS, lang) == expected


@pytest.mark.parametrize("text,lang,says", [
    ("05/03/2027", "en", "may be 5 March or 3 May"),
    ("31.02.2026", "de", "is not a real date"),
    ("31 de junio de 2027", "es", "is not a real date"),
    ("3 Dezember", "de", "no year"),
    ("24.12.26", "de", "not written in full"),
])
def test_an_ambiguous_or_impossible_date_says_why(text, lang, says):
    problem = dates.parse_typed_date(text, MONTHS, lang)
    assert isinstance(problem, dates.DateProblem) and says in problem, problem


def dyade(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)


def _type_into(src: Path, dest: Path, tag: str, text: str) -> None:
    with zipfile.ZipFile(src) as z:
        members = {n: z.read(n) for n in z.namelist()}
    root = etree.fromstring(members["word/document.xml"])
    sdt = next(s for s in root.iter(W + "sdt") if sdt_tag(s) == tag)
    pr = sdt.find("w:sdtPr", NS)
    for flag in pr.findall("w:showingPlcHdr", NS):
        pr.remove(flag)
    content = sdt.find("w:sdtContent", NS)
    for child in list(content):
        content.remove(child)
    etree.SubElement(etree.SubElement(content, W + "r"), W + "t").text = text
    members["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_a_returned_german_form_with_a_german_date_is_collected(tmp_path):
    assert dyade(tmp_path, "new", "p", "--name", "Klinikum Nord", "--short-name", "KN",
                 "--languages", "en,de").returncode == 0
    root = tmp_path / "p"
    built = dyade(root, "--quiet")
    assert built.returncode == 0, built.stdout + built.stderr
    blank = root / "dist" / "de" / "forms" / "meeting-record.docx"
    _type_into(blank, root / "returned" / "gut.docx", "meeting-date", "3. Dezember 2026")
    _type_into(blank, root / "returned" / "falsch.docx", "meeting-date", "31.02.2026")
    out = tmp_path / "collected"
    result = dyade(root, "collect", str(root / "returned"), "--out", str(out), "--today", "2026-12-10")
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    assert '"2026-12-03"' in text, text[:2000]
    problems = (out / "problems.txt").read_text(encoding="utf-8")
    assert "falsch.docx" in problems and "meeting-date" in problems and "31.02.2026" in problems, problems
