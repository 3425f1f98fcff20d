"""Helpers for the DOCX form tests: a small programme with one field of every
kind, reading content controls, filling them as Word does, and LibreOffice."""
from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

from lxml import etree

from conftest import ROOT

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W = "{%s}" % W_NS
W14 = "{%s}" % W14_NS
NS = {"w": W_NS, "w14": W14_NS}

HOME = """\
intro: {fr: Le programme accompagne les nouvelles directions., en: The programme supports new school leaders.}
audience: {fr: Pour les mentors et les mentorés., en: For mentors and mentees.}
getting_started: {fr: Commencez par le formulaire., en: Start with the form.}
"""

# One field of every type, with and without placeholders, help and options.
SAMPLE_FORM = """\
id: sample
number: 7
title: {fr: Formulaire d'essai, en: Sample form}
purpose:
  fr: |
    Un formulaire qui contient **chaque** type de champ. Voir le
    [site](https://example.org/).

    - premier point
    - second point *important*
  en: |
    A form holding **every** kind of field. See the
    [site](https://example.org/).

    - first point
    - second *important* point
who: {fr: Le mentoré et le mentor, en: The mentee and the mentor}
when: {fr: "Avant la première rencontre", en: "Before the first meeting"}
fields:
  - type: instructions
    text: {fr: "Écrivez à {coordinator_email} si vous avez des questions.", en: "Write to {coordinator_email} with any questions."}
  - type: heading
    text: {fr: Identification, en: Identification}
  - {id: name, type: text, label: {fr: Nom et prénom, en: Full name}, placeholder: {fr: Prénom Nom, en: First and last name}}
  - {id: role, type: text, label: {fr: Fonction, en: Role}}
  - {id: started, type: date, label: {fr: Date d'entrée en fonction, en: Start date}, help: {fr: Le premier jour., en: The first day.}}
  - {id: goals, type: long_text, lines: 5, label: {fr: "Quels sont vos objectifs ?", en: What are your goals?}}
  - {id: hours, type: number, min: 0, max: 40, unit: {fr: h, en: h}, label: {fr: Heures par mois, en: Hours a month}}
  - id: pace
    type: choice
    label: {fr: Fréquence des rencontres, en: Meeting frequency}
    options:
      - {value: weekly, label: {fr: Chaque semaine, en: Weekly}}
      - {value: monthly, label: {fr: Chaque mois, en: Monthly}}
  - {id: confidence, type: rating, scale: 5, label: {fr: Confiance, en: Confidence}, low: {fr: Faible, en: Low}, high: {fr: Élevée, en: High}}
  - {id: energy, type: rating, scale: 4, label: {fr: Énergie, en: Energy}}
  - {id: agree, type: checkbox, label: {fr: "J'accepte les conditions", en: I accept the terms}}
  - type: heading
    text: {fr: Suivi, en: Follow-up}
  - id: topics
    type: checklist
    label: {fr: Sujets abordés, en: Topics covered}
    items:
      - {value: budget, label: {fr: Budget, en: Budget}}
      - {value: staff, label: {fr: Personnel, en: Staff}}
      - {value: parents, label: {fr: Parents d'élèves, en: Parents}}
  - id: meetings
    type: table
    rows: 3
    label: {fr: Rencontres, en: Meetings}
    columns:
      - {id: date, type: date, label: {fr: Date, en: Date}}
      - {id: topic, type: text, label: {fr: Sujet, en: Topic}}
      - {id: notes, type: long_text, label: {fr: Notes, en: Notes}}
      - id: mode
        type: choice
        label: {fr: Mode, en: Mode}
        options:
          - {value: in-person, label: {fr: En personne, en: In person}}
          - {value: online, label: {fr: En ligne, en: Online}}
      - {id: useful, type: rating, scale: 3, label: {fr: Utilité, en: Usefulness}}
      - {id: done, type: checkbox, label: {fr: Fait, en: Done}}
      - {id: minutes, type: number, label: {fr: Durée, en: Length}}
  - {id: mentee-sign, type: signature, label: {fr: Signature du mentoré, en: Mentee's signature}}
"""


def make_sample_project(root: Path, *, programme_extra: str = "") -> Path:
    """A programme holding only SAMPLE_FORM (independent of the bundled content)."""
    for sub in ("content/assets", "forms", "templates"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "content" / "assets" / "logo.png", root / "content" / "assets" / "logo.png")
    shutil.copy(ROOT / "templates" / "strings.yml", root / "templates" / "strings.yml")
    prog = (ROOT / "content" / "programme.yml").read_text(encoding="utf-8")
    prog = prog.split("calendar:")[0] + "calendar: []\n" + programme_extra
    (root / "content" / "programme.yml").write_text(prog, encoding="utf-8")
    (root / "content" / "home.yml").write_text(HOME, encoding="utf-8")
    (root / "forms" / "7-sample.yml").write_text(textwrap.dedent(SAMPLE_FORM), encoding="utf-8")
    return root


def build_docx(root: Path, out: Path):
    """Load the programme at `root` and run only the DOCX writer into `out`."""
    from dyade import sources
    from dyade.writers import docx as writer
    model = sources.load(root)
    writer.write(model, out, lambda msg: None)
    return model


# -- reading the XML ---------------------------------------------------------

def part(path: Path, name: str):
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def parts_named(path: Path, prefix: str) -> list:
    with zipfile.ZipFile(path) as zf:
        return [etree.fromstring(zf.read(n)) for n in sorted(zf.namelist()) if n.startswith(prefix)]


def sdts(path: Path) -> list:
    return part(path, "word/document.xml").findall(".//w:body//w:sdt", NS)


def sdt_tag(sdt) -> str | None:
    tag = sdt.find("w:sdtPr/w:tag", NS)
    return tag.get(W + "val") if tag is not None else None


def by_tag(path: Path) -> dict:
    return {sdt_tag(s): s for s in sdts(path)}


def sdt_text(sdt) -> str:
    out = []
    for node in sdt.find("w:sdtContent", NS).iter(W + "t", W + "br"):
        out.append("\n" if node.tag == W + "br" else node.text or "")
    return "".join(out)


# -- filling controls the way Word writes them ----------------------------------

def _month_names(model, lang):
    return model.ui("month_names", lang).split()


def format_date(day: dt.date, fmt: str, months: list[str]) -> str:
    """Word's date picture, for the tokens Dyade uses (d, dd, MM, MMMM, yyyy)."""
    out, i = [], 0
    while i < len(fmt):
        for token, value in (("yyyy", f"{day.year:04d}"), ("MMMM", months[day.month - 1]), ("MM", f"{day.month:02d}"),
                             ("dd", f"{day.day:02d}"), ("d", str(day.day))):
            if fmt.startswith(token, i):
                out.append(value)
                i += len(token)
                break
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


class TypedNumber(str):
    """What a participant types in a number field, and what read_form
    should make of it."""

    def __new__(cls, text: str, answer):
        obj = super().__new__(cls, text)
        obj.answer = answer
        return obj


def fill(src: Path, dest: Path, values: dict, months: list[str] | None = None) -> Path:
    """Copy `src` to `dest` with the controls whose tag is in `values` filled
    as Word does it: placeholder flag removed, the placeholder run replaced by
    runs with the control's own run properties (w:sdtPr/w:rPr), if any; dates
    get w:fullDate, drop-downs the item's display text, check boxes
    w14:checked and the ☒ glyph."""
    with zipfile.ZipFile(src) as zin:
        members = [(i, zin.read(i.filename)) for i in zin.infolist()]
    doc_xml = dict((i.filename, data) for i, data in members)["word/document.xml"]
    root = etree.fromstring(doc_xml)
    seen = set()
    for sdt in root.iter(W + "sdt"):
        tag = sdt_tag(sdt)
        if tag not in values:
            continue
        seen.add(tag)
        value = values[tag]
        pr = sdt.find("w:sdtPr", NS)
        content = sdt.find("w:sdtContent", NS)
        box = pr.find("w14:checkbox", NS)
        if box is not None:
            box.find("w14:checked", NS).set(W14 + "val", "1" if value else "0")
            content.find(".//w:t", NS).text = "\u2612" if value else "\u2610"
            continue
        for flag in pr.findall("w:showingPlcHdr", NS):
            pr.remove(flag)
        date = pr.find("w:date", NS)
        drop = pr.find("w:dropDownList", NS)
        if date is not None:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
            date.set(W + "fullDate", f"{day.isoformat()}T00:00:00Z")
            fmt = date.find("w:dateFormat", NS).get(W + "val")
            text = format_date(day, fmt, months) if months else day.isoformat()
        elif drop is not None:
            items = {i.get(W + "value"): i.get(W + "displayText") for i in drop.findall("w:listItem", NS)}
            assert str(value) in items, f"{tag}: {value!r} is not one of {list(items)}"
            drop.set(W + "lastValue", str(value))
            text = items[str(value)]
        else:
            text = str(value)  # a TypedNumber: the text typed
        for child in list(content):
            content.remove(child)
        run = etree.SubElement(content, W + "r")
        typed = pr.find("w:rPr", NS)
        if typed is not None:
            run.append(copy.deepcopy(typed))
        for i, line in enumerate(text.split("\n")):
            if i:
                etree.SubElement(run, W + "br")
            t = etree.SubElement(run, W + "t")
            t.text = line
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    missing = set(values) - seen
    assert not missing, f"no control tagged {sorted(missing)}"
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, blob in members:
            zout.writestr(info, data if info.filename == "word/document.xml" else blob)
    return dest


# -- LibreOffice ------------------------------------------------------------------

def soffice() -> str:
    """The LibreOffice command; the tests that need it fail (never skip) without it."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice (soffice) is required by these tests and was not found on PATH; install it"
    return exe


def convert(files: list[Path], to: str, outdir: Path, profile: Path) -> list[Path]:
    """`soffice --headless --convert-to <to>` on `files`; returns the converted paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [soffice(), f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
           "--convert-to", to, "--outdir", str(outdir), *map(str, files)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    ext = to.split(":")[0]
    out = [outdir / (f.stem + "." + ext) for f in files]
    missing = [p.name for p in out if not p.exists()]
    assert not missing, f"soffice did not convert {missing}: {result.stdout}{result.stderr}"
    return out
