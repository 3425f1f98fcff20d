"""`dyade collect` (issue 14): a folder of returned forms becomes CSV files,
a workbook, a JSON file, a progress report and a list of problems, losing
no answer and never touching a returned file.  The files here are filled
as Word writes them (tests/docx_helpers.fill) and edited by hand where a
case needs it; tests/test_libreoffice_fill.py fills them with LibreOffice."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from conftest import run_dyade
from docx_helpers import NS, W, fill, sdt_tag, soffice
from dyade import controls as ctl
from dyade import dates

TODAY = "2026-12-02"


def docx(built: Path, lang: str, form_id: str) -> Path:
    return built / "dist" / lang / "forms" / f"{form_id}.docx"


def edit(src: Path, dest: Path, change) -> Path:
    """Copy the DOCX `src` to `dest`, calling change(members: {name: bytes})."""
    with zipfile.ZipFile(src) as zin:
        infos = zin.infolist()
        members = {i.filename: zin.read(i.filename) for i in infos}
    change(members)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    return dest


def on_document(fn):
    """A change of edit() that works on document.xml's tree."""
    def change(members):
        root = etree.fromstring(members["word/document.xml"])
        fn(root)
        members["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return change


def emptied(root, tag: str):
    """The content of the control `tag`, placeholder and its flag removed."""
    sdt = next((s for s in root.iter(W + "sdt") if sdt_tag(s) == tag), None)
    assert sdt is not None, f"no control {tag}"
    pr = sdt.find("w:sdtPr", NS)
    for flag in pr.findall("w:showingPlcHdr", NS):
        pr.remove(flag)
    content = sdt.find("w:sdtContent", NS)
    for child in list(content):
        content.remove(child)
    return content


def typed(tag: str, text: str):
    """Type `text` into the control `tag` as plain runs (a date typed, not picked)."""
    def fn(root):
        etree.SubElement(etree.SubElement(emptied(root, tag), W + "r"), W + "t").text = text
    return fn


def put(src: Path, dest: Path, values: dict) -> Path:
    """fill() into a folder made if needed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    return fill(src, dest, values)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), f"{path.name} has no BOM: Excel would garble the accents"
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"))))


def collect(root: Path, returned: Path, out: Path, *extra: str):
    result = run_dyade(root, "collect", str(returned), "--out", str(out), "--today", TODAY, *extra, timeout=300)
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


# -- a folder of clean returns --------------------------------------------------------

FB_FR = {"mentee-name": "Alex Tremblay", "mentor-name": "Marie Roy", "meeting-date": "2026-11-20",
         "meeting-number": "2", "observations": "Première ligne\nDeuxième ligne, accentuée : é à ç",
         "next-meeting": "2026-12-15"}
FB_EN = {"mentee-name": "alex  TREMBLAY", "mentor-name": "Marie Roy", "meeting-date": "2027-01-10",
         "meeting-number": "3", "suggestions": "=HYPERLINK(\"http://example.com\",\"click\")"}
LP_FR = {"mentee-name": "Alex Tremblay", "mentor-name": "Marie Roy", "objectives.1.objective": "Mieux déléguer",
         "objectives.1.target-date": "2027-03-01", "meetings.1.hours": "1,5", "meetings.2.hours": "2"}
SA_EN = {"name": "Sam Côté", "email": "sam@example.org"}


@pytest.fixture(scope="module")
def clean(built, tmp_path_factory):
    """A returned folder (with a sub-folder) of well-filled forms, collected once."""
    base = tmp_path_factory.mktemp("collect")
    returned = base / "returned"
    put(docx(built, "fr", "feedback"), returned / "pair-1" / "feedback-nov.docx", FB_FR)
    put(docx(built, "en", "feedback"), returned / "pair-1" / "feedback-jan.docx", FB_EN)
    put(docx(built, "fr", "learning-plan"), returned / "plan.docx", LP_FR)
    put(docx(built, "en", "self-assessment"), returned / "self.docx", SA_EN)
    before = {p: (sha(p), p.stat().st_mtime_ns) for p in returned.rglob("*") if p.is_file()}
    out = base / "collected"
    result = collect(built, returned, out)
    return built, returned, out, result, before


def test_clean_returns_are_all_read(clean):
    _, _, out, result, _ = clean
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Read 4 returned forms" in result.stdout
    assert (out / "problems.txt").read_text(encoding="utf-8") == ""
    for name in ("answers.json", "answers.xlsx", "progress.csv", "progress.html", "feedback.csv",
                 "learning-plan.csv", "learning-plan.objectives.csv", "learning-plan.meetings.csv",
                 "self-assessment.csv", "confidentiality.csv", "checklist.csv"):
        assert (out / name).is_file(), name


def test_returned_files_are_never_touched(clean):
    _, returned, _, _, before = clean
    after = {p: (sha(p), p.stat().st_mtime_ns) for p in returned.rglob("*") if p.is_file()}
    assert after == before


def test_csv_per_form_has_labelled_columns_and_one_row_per_file(clean, model):
    _, _, out, _, _ = clean
    rows = read_csv(out / "feedback.csv")
    assert [r["Fichier"] for r in rows] == ["pair-1/feedback-jan.docx", "pair-1/feedback-nov.docx"]
    nov = rows[1]
    assert nov["Nom de la personne mentorée [mentee-name]"] == "Alex Tremblay"
    assert nov["Langue"] == "fr" and rows[0]["Langue"] == "en"
    assert nov["Version du formulaire"] == ctl.form_version(model.find("form", "feedback"))
    observations = next(k for k in nov if k.endswith("[observations]"))
    assert nov[observations] == FB_FR["observations"], "the line break of a multi-line answer was lost"
    suggestions = next(k for k in nov if k.endswith("[suggestions]"))
    assert rows[0][suggestions].startswith("'="), "a formula typed by a participant must not run in Excel"
    objectives = read_csv(out / "learning-plan.objectives.csv")
    assert len(objectives) == 1 and objectives[0]["Objectif [objective]"] == "Mieux déléguer"
    assert objectives[0]["Ligne"] == "1"


def test_workbook_has_typed_cells_and_frozen_headers(clean):
    _, _, out, _, _ = clean
    book = openpyxl.load_workbook(out / "answers.xlsx")
    assert "feedback" in book.sheetnames and "learning-plan.meetings" in book.sheetnames
    sheet = book["feedback"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    nov = next(r for r in rows if r["Fichier"].endswith("nov.docx"))
    assert isinstance(nov["Date de la rencontre [meeting-date]"], dt.datetime | dt.date)
    assert nov["Date de la rencontre [meeting-date]"].date() == dt.date(2026, 11, 20)
    assert nov["Numéro de la rencontre [meeting-number]"] == 2
    jan = next(r for r in rows if r["Fichier"].endswith("jan.docx"))
    suggestions = next(k for k in header if k.endswith("[suggestions]"))
    assert jan[suggestions] == FB_EN["suggestions"]
    cell = sheet.cell(row=1 + 1 + rows.index(jan), column=header.index(suggestions) + 1)
    assert cell.data_type == "s", "a participant's '=…' must be text, not a formula"
    meetings = book["learning-plan.meetings"]
    head = [c.value for c in meetings[1]]
    hours = [r[head.index("Durée [hours]")].value for r in meetings.iter_rows(min_row=2)]
    assert hours == [1.5, 2]
    assert sheet.column_dimensions["A"].width >= len("pair-1/feedback-nov.docx")


def test_json_is_typed_and_says_where_each_answer_came_from(clean, model):
    _, _, out, _, _ = clean
    data = json.loads((out / "answers.json").read_text(encoding="utf-8"))
    by_file = {r["file"]: r for r in data["returns"]}
    nov = by_file["pair-1/feedback-nov.docx"]
    assert nov["form"] == "feedback" and nov["language"] == "fr" and nov["current_version"] is True
    assert nov["answers"]["meeting-number"] == 2 and nov["answers"]["meeting-date"] == "2026-11-20"
    assert nov["who"] == ["Alex Tremblay", "Marie Roy"]
    plan = by_file["plan.docx"]["answers"]
    assert plan["meetings"][0]["hours"] == 1.5 and plan["meetings"][1]["hours"] == 2
    assert data["forms"]["feedback"]["version"] == ctl.form_version(model.find("form", "feedback"))


def test_progress_groups_by_person_and_says_what_is_overdue(clean):
    _, _, out, _, _ = clean
    rows = {r["Participant"]: r for r in read_csv(out / "progress.csv")}
    assert set(rows) == {"Alex Tremblay", "Sam Côté"}, "case and spacing must not split one person in two"
    alex = rows["Alex Tremblay"]
    assert alex["Avec"] == "Marie Roy"
    fb = next(k for k in alex if k.startswith("Formulaire 4"))
    assert alex[fb].startswith("2 reçus")
    plan = next(k for k in alex if k.startswith("Formulaire 3"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", alex[plan])
    one = next(k for k in alex if k.startswith("Formulaire 1"))
    assert alex[one] == "en retard (attendu le 2026-09-01)"  # the applications milestone lists form 1
    checklist = next(k for k in alex if k.startswith("Formulaire 5"))
    assert alex[checklist].startswith("pas encore attendu")
    page = (out / "progress.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "Formulaires en retard" in page
    assert "Sam Côté" in page and "<script" not in page and "http" not in page.split("</head>")[1]


def test_a_second_run_with_more_files_keeps_the_first_ones(clean, tmp_path):
    root, returned, out, _, _ = clean
    more = tmp_path / "returned"
    import shutil
    shutil.copytree(returned, more)
    again = collect(root, more, tmp_path / "first")
    assert again.returncode == 0
    for name in ("feedback.csv", "progress.csv", "answers.json", "learning-plan.meetings.csv"):
        assert (tmp_path / "first" / name).read_bytes() == (out / name).read_bytes(), f"{name} differs between runs"
    put(docx(root, "fr", "confidentiality"), more / "late" / "agreement.docx",
         {"mentee-signature-name": "Alex Tremblay", "mentor-signature-name": "Marie Roy",
          "mentee-signature-date": "2026-10-15"})
    third = collect(root, more, tmp_path / "second")
    assert third.returncode == 0, third.stdout + third.stderr
    assert read_csv(tmp_path / "second" / "feedback.csv") == read_csv(out / "feedback.csv")
    agreement = read_csv(tmp_path / "second" / "confidentiality.csv")
    assert [r["Fichier"] for r in agreement] == ["late/agreement.docx"]
    progress = {r["Participant"]: r for r in read_csv(tmp_path / "second" / "progress.csv")}
    two = next(k for k in progress["Alex Tremblay"] if k.startswith("Formulaire 2"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", progress["Alex Tremblay"][two])


def test_libreoffice_opens_the_workbook_and_finds_the_answers(clean, tmp_path):
    _, _, out, _, _ = clean
    # Every sheet to its own CSV (the last filter option, -1), UTF-8 (76).
    subprocess.run([soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(tmp_path / "csv"), str(out / "answers.xlsx")],
                   capture_output=True, text=True, timeout=300)
    sheets = sorted((tmp_path / "csv").glob("answers-*.csv"))
    assert len(sheets) >= 7, f"LibreOffice did not open answers.xlsx: {sheets}"
    text = "".join(p.read_text(encoding="utf-8") for p in sheets)
    assert "Alex Tremblay" in text and "Mieux déléguer" in text and "Sam Côté" in text
    assert "2026-11-20" in text


# -- what needs a person's eye ----------------------------------------------------------

@pytest.fixture(scope="module")
def troubled(built, tmp_path_factory):
    base = tmp_path_factory.mktemp("troubled")
    r = base / "returned"
    fb = docx(built, "fr", "feedback")
    put(fb, r / "a.docx", {"mentee-name": "Alex Tremblay", "mentor-name": "Marie Roy", "meeting-number": "41"})
    edit(put(fb, base / "tmp1.docx", {"mentee-name": "Alex Trembley", "mentor-name": "Marie Roy"}),
         r / "b-dates.docx", on_document(typed("meeting-date", "31 juin 2027")))
    edit(put(fb, base / "tmp2.docx", {"mentee-name": "Jo Lee", "mentor-name": "Marie Roy"}),
         r / "c-spanish.docx", on_document(typed("meeting-date", "3 de mayo de 2027")))
    edit(docx(built, "en", "feedback"), r / "d-ambiguous.docx",
         lambda m: [on_document(typed("mentee-name", "Jo Lee"))(m), on_document(typed("meeting-date", "03/05/2027"))(m)])

    def duplicate(root):  # the mentee name control copied, with another answer in the copy
        sdt = next(s for s in root.iter(W + "sdt") if sdt_tag(s) == "mentee-name")
        twin = copy.deepcopy(sdt)
        sdt.addnext(twin)
        twin.find(".//w:t", NS).text = "Someone Else"
    edit(put(fb, base / "tmp3.docx", {"mentee-name": "Jo Lee"}), r / "e-twice.docx", on_document(duplicate))

    def older(members):  # made from an older version that had a field since removed
        members["docProps/custom.xml"] = re.sub(rb"(dyade-form-version\"><vt:lpwstr>)[0-9a-f]+", rb"\g<1>0ld0ld00",
                                                members["docProps/custom.xml"])
        root = etree.fromstring(members["word/document.xml"])
        sdt = next(s for s in root.iter(W + "sdt") if sdt_tag(s) == "topics")
        twin = copy.deepcopy(sdt)
        twin.find("w:sdtPr/w:tag", NS).set(W + "val", "mood")
        for flag in twin.findall("w:sdtPr/w:showingPlcHdr", NS):
            flag.getparent().remove(flag)
        twin.find(".//w:t", NS).text = "Tired but happy"
        sdt.addnext(twin)
        members["word/document.xml"] = etree.tostring(root)
    edit(put(fb, base / "tmp4.docx", {"mentee-name": "Jo Lee"}), r / "f-old.docx", older)
    edit(docx(built, "fr", "self-assessment"), r / "g-choice.docx",
         lambda m: [on_document(typed("name", "Jo Lee"))(m), on_document(typed("meeting-mode", "Par pigeon voyageur"))(m)])
    put(fb, r / "h-nobody.docx", {"meeting-number": "1"})

    def other_programme(members):
        members["docProps/core.xml"] = re.sub(rb"<dc:subject>[^<]*</dc:subject>",
                                              "<dc:subject>Programme d'accueil des infirmières</dc:subject>".encode(),
                                              members["docProps/core.xml"])
    edit(docx(built, "fr", "feedback"), r / "i-other.docx", other_programme)
    (r / "j-broken.docx").write_bytes(b"PK\x03\x04 this is no zip")
    (r / "k-old-word.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (r / "l-notes.txt").write_text("to do", encoding="utf-8")
    os.mkfifo(r / "m-pipe.docx")
    (r / "~$a.docx").write_bytes(b"lock file of Word")
    out = base / "collected"
    result = collect(built, r, out)
    lines = (out / "problems.txt").read_text(encoding="utf-8").splitlines()
    return result, lines, out


def line_about(lines: list[str], file: str) -> list[str]:
    found = [l for l in lines if l.split(": ")[0].endswith("/" + file)]
    assert found, f"nothing said about {file}:\n" + "\n".join(lines)
    return found


def test_problems_exit_non_zero_and_are_printed(troubled):
    result, lines, _ = troubled
    assert result.returncode == 1
    for line in lines:
        assert line in result.stdout
    assert "could not be read" in result.stdout


def test_every_unreadable_file_is_one_plain_line_and_the_others_are_read(troubled):
    _, lines, out = troubled
    assert "not a DOCX file" in line_about(lines, "j-broken.docx")[0]
    assert "old Word (.doc)" in line_about(lines, "k-old-word.doc")[0]
    assert "not a returned form" in line_about(lines, "l-notes.txt")[0]
    assert "not an ordinary file" in line_about(lines, "m-pipe.docx")[0]
    assert "another programme" in line_about(lines, "i-other.docx")[0]
    assert not [l for l in lines if "~$a.docx" in l], "Word's lock files are not returns"
    files = {r["file"] for r in json.loads((out / "answers.json").read_text(encoding="utf-8"))["returns"]}
    assert {"a.docx", "b-dates.docx", "c-spanish.docx", "d-ambiguous.docx", "e-twice.docx", "f-old.docx",
            "g-choice.docx", "h-nobody.docx"} == files


def test_answers_that_need_a_look_are_named(troubled):
    _, lines, out = troubled
    assert "'41' is above the largest number allowed (40)" in line_about(lines, "a.docx")[0]
    assert "'31 juin 2027' is not a real date" in line_about(lines, "b-dates.docx")[0]
    assert not any("c-spanish" in l for l in lines), "a Spanish date is a date"
    assert "may be 3 May or 5 March" in line_about(lines, "d-ambiguous.docx")[0]
    twice = line_about(lines, "e-twice.docx")[0]
    assert "'mentee-name' is in the file twice" in twice and "Someone Else" in twice
    old = " ".join(line_about(lines, "f-old.docx"))
    assert "older version" in old and "0ld0ld00" in old and "'mood'" in old and "Tired but happy" in old
    assert "not one of the choices" in line_about(lines, "g-choice.docx")[0]
    assert "does not say whose it is" in line_about(lines, "h-nobody.docx")[0]
    near = [l for l in lines if l.startswith("names:")]
    assert len(near) == 1 and "Alex Tremblay" in near[0] and "Alex Trembley" in near[0]
    data = {r["file"]: r for r in json.loads((out / "answers.json").read_text(encoding="utf-8"))["returns"]}
    assert data["c-spanish.docx"]["answers"]["meeting-date"] == "2027-05-03"
    assert data["b-dates.docx"]["answers"]["meeting-date"] == {"text": "31 juin 2027",
                                                               "problem": data["b-dates.docx"]["answers"]["meeting-date"]["problem"]}
    assert data["f-old.docx"]["version"] == "0ld0ld00" and data["f-old.docx"]["current_version"] is False
    progress = {r["Participant"] for r in read_csv(out / "progress.csv")}
    assert {"Alex Tremblay", "Alex Trembley", "Jo Lee", "(nom non indiqué)"} == progress


# -- where the reports may go ------------------------------------------------------------------

def test_reports_are_refused_where_the_build_publishes(built, tmp_path):
    returned = tmp_path / "returned"
    returned.mkdir()
    for place in ("site/answers", "dist", "content/x"):
        result = run_dyade(built, "collect", str(returned), "--out", str(built / place), timeout=120)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "personal data" in result.stderr and "Traceback" not in result.stderr
    inside = run_dyade(built, "collect", str(returned), "--out", str(returned / "out"), timeout=120)
    assert inside.returncode == 2 and "folder of returned forms" in inside.stderr
    missing = run_dyade(built, "collect", str(tmp_path / "nowhere"), timeout=120)
    assert missing.returncode == 2 and "is not a folder" in missing.stderr
    nothing = run_dyade(built, "collect", timeout=120)
    assert nothing.returncode == 2 and "dyade collect returned/" in nothing.stderr
    assert not (built / "site" / "answers").exists() and not (built / "content" / "x").exists()


def test_git_would_publish_the_answers_is_warned(project, tmp_path):
    returned = tmp_path / "returned"
    returned.mkdir()
    git = lambda *a: subprocess.run(["git", "-C", str(project), *a], capture_output=True, text=True, check=True)  # noqa: E731
    git("init", "-q")
    result = run_dyade(project, "collect", str(returned), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning: collected/ is not in .gitignore" in result.stdout
    (project / ".gitignore").write_text("/collected/\n", encoding="utf-8")
    quiet = run_dyade(project, "collect", str(returned), timeout=120)
    assert "warning" not in quiet.stdout
    git("add", "-f", "collected/answers.json")
    tracked = run_dyade(project, "collect", str(returned), timeout=120)
    assert "are tracked by git" in tracked.stdout


def test_the_project_ignores_returned_forms_and_reports():
    ignore = (Path(__file__).resolve().parent.parent / ".gitignore").read_text(encoding="utf-8").split()
    assert "/returned/" in ignore and "/collected/" in ignore


# -- dates as people type them -------------------------------------------------------------------

@pytest.mark.parametrize("text,lang,expected", [
    ("3 mai 2027", "fr", "2027-05-03"), ("May 3, 2027", "en", "2027-05-03"),
    ("3 de mayo de 2027", "fr", "2027-05-03"), ("2027-05-03", "en", "2027-05-03"),
    ("1er mars 2027", "fr", "2027-03-01"), ("lundi 3 mai 2027", "fr", "2027-05-03"),
    ("Monday, May 3rd, 2027", "en", "2027-05-03"), ("15 févr. 2027", "fr", "2027-02-15"),
    ("sept. 15 2026", "en", "2026-09-15"), ("03/05/2027", "fr", "2027-05-03"), ("13/05/2027", "en", "2027-05-13"),
    ("3. Mai 2027", "de", "2027-05-03"), ("03.05.2027", "fr", "2027-05-03"),
])
def test_typed_dates_are_read(text, lang, expected):
    assert dates.parse_typed_date(text, dates.month_table(), lang).isoformat() == expected


@pytest.mark.parametrize("text,lang,reason", [
    ("31 juin 2027", "fr", "not a real date"), ("03/05/2027", "en", "may be 3 May or 5 March"),
    ("3 mai", "fr", "no year"), ("03/05/27", "fr", "not written in full"), ("demain", "fr", "not a date"),
    ("3 mai ou 4 juin 2027", "fr", "more than one month"),
])
def test_dates_that_cannot_be_read_say_why(text, lang, reason):
    got = dates.parse_typed_date(text, dates.month_table(), lang)
    assert isinstance(got, dates.DateProblem) and reason in got, got


def test_line_breaks_are_kept_however_the_editor_wrote_them(built, model, tmp_path):
    from dyade.readback import read_return

    def lines_as(style):
        def fn(root):
            content = emptied(root, "observations")
            if style == "paragraphs":
                for line in ("un", "deux", "trois"):
                    p = etree.SubElement(content, W + "p")
                    etree.SubElement(etree.SubElement(p, W + "r"), W + "t").text = line
                return
            p = etree.SubElement(content, W + "p") if style == "libreoffice" else content
            run = etree.SubElement(p, W + "r")
            for i, line in enumerate(("un", "deux", "trois")):
                if i and style == "word":
                    etree.SubElement(run, W + "br")
                etree.SubElement(run, W + "t").text = line  # LibreOffice: one w:t per line, no w:br
        return fn

    for style in ("word", "libreoffice", "paragraphs"):
        path = edit(docx(built, "fr", "feedback"), tmp_path / f"{style}.docx", on_document(lines_as(style)))
        got = read_return(path, model)
        assert got.answers["observations"] == "un\ndeux\ntrois", style
        assert got.form.id == "feedback" and got.lang == "fr" and got.problems == []
