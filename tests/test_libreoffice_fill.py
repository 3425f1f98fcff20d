"""Forms filled in LibreOffice itself, as a participant would, then read back.

The bundled programme's DOCX forms (built once per session) are opened in a
headless LibreOffice through UNO by tests/lo_fill.py, run with the system
Python (Debian's python3-uno; the venv has no `uno`).  Every control of every
form, in both languages, gets a distinct answer (accented letters, a
multi-line answer in every long text control, dates picked, entries chosen,
boxes ticked and unticked); the file is saved as DOCX by LibreOffice and
`readback.read_form` must give back what was typed.  The answers derive from
the form definitions (`dyade.controls.controls`), so a new field or form is
covered without touching this file.

One soffice serves every file.  These tests need LibreOffice and python3-uno:
without them they fail, saying what to install; they never skip.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
import time
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT
from docx_helpers import NS, W, by_tag, format_date, soffice
from lxml import etree

from dyade import controls as ctl
from dyade import layout, sources
from dyade import model as m
from dyade.readback import read_form

LO_PYTHON = "/usr/bin/python3"          # has Debian's python3-uno
FILL = Path(__file__).with_name("lo_fill.py")
LO_TIMEOUT = 300                         # seconds for the whole batch (it takes well under 90)
LINE_BREAKS_FIX = "LibreOffice 7.4 writes one w:t per line in one run, with no w:br: readback._text must read them as lines"

# Read at import for the test ids only; the answers use the `model` fixture.
_MODEL = sources.load(ROOT)
CASES = [(lang, form.id) for lang in _MODEL.languages for form in _MODEL.forms]
TABLE_CASES = [(lang, form.id) for lang in _MODEL.languages for form in _MODEL.forms
               if any(isinstance(f, m.TableField) for f in form.input_fields())]
MULTILINE_CASES = [(lang, form.id) for lang in _MODEL.languages for form in _MODEL.forms
                   if any(c.kind == ctl.LONG_TEXT for c in ctl.controls(form))]
CUSTOM_NAME, CUSTOM_VALUE = "Dossier", "Réf. 2026-017 – Hélène Côté"


# -- answers, from the form definitions ------------------------------------------------

NAMES = ["Hélène Côté-Béliveau", "Gaëtan Lefèvre", "Françoise Ndiaye-Lévesque", "Jérôme Bélanger",
         "Zoé Saint-Pierre", "Amélie Nguyễn"]
TEXTS = [
    "Direction adjointe, 2ᵉ cycle", "École secondaire Étienne-Brûlé", "Conseil scolaire Viamonde – Toronto",
    "Bureau à l'école, porte 114", "Appel vidéo (Teams)", "Plan d'amélioration : volet numératie",
    "Rencontre au café « Le Cœur »", "Suivi du budget 2026-2027", "Gestion de crise : l'alarme-incendie",
    "Accueil des élèves nouvellement arrivés", "Téléphone, 25 min", "Évaluation du personnel de soutien",
]
FIRST_LINES = [
    "Mieux déléguer au conseil d'élèves et à l'équipe-école.",
    "J'ai animé ma première réunion du personnel ; l'accueil a été chaleureux.",
    "Préparer les entretiens d'évaluation avec les enseignantes du 3ᵉ cycle.",
    "Établir un calendrier réaliste des rencontres avec les parents.",
    "Clarifier les rôles entre la direction et la direction adjointe.",
]
SECOND_LINES = [
    "Ensuite : planifier les suivis à l'avance, sans précipitation.",
    "À revoir : la gestion des courriels après 18 h.",
    "Ressource : « Diriger une école francophone », chapitre 4.",
    "Prochaine étape — présenter le bilan au conseil d'établissement.",
]


@dataclass
class Answer:
    """What is done in LibreOffice to one control, and what read_form should return for it."""
    control: ctl.Control
    actions: list[dict]              # lo_fill instructions, without the address
    expected: object
    multiline: bool = False
    address: dict = field(default_factory=dict)


class Answers:
    """Distinct answers for the controls of one form in one language."""

    def __init__(self, lang: str, months: list[str], source: dict):
        self.lang, self.months, self.source = lang, months, source
        self.counts: dict[str, int] = {}

    def _next(self, kind: str) -> int:
        n = self.counts.get(kind, 0)
        self.counts[kind] = n + 1
        return n

    def for_control(self, c: ctl.Control, *, copied: bool = False) -> Answer:
        """`copied`: a control of a row added by copying the last one
        (LibreOffice turns its date and drop-down controls into plain ones,
        so the display text is given for them to be typed)."""
        k = self._next(c.kind)
        kind = c.kind
        if kind == ctl.TEXT:
            name = (c.parent or c.field).id if isinstance(c.parent, m.SignatureField) else c.field.id
            pool = NAMES if "name" in name or isinstance(c.parent, m.SignatureField) else TEXTS
            text = pool[k % len(pool)] + (f" ({k // len(pool) + 1})" if k >= len(pool) else "")
            if "mail" in name:
                text = f"jeanne.belanger-{k + 1}@exemple.org"
            return Answer(c, [{"text": text}], text)
        if kind == ctl.LONG_TEXT:
            lines = [FIRST_LINES[k % len(FIRST_LINES)], SECOND_LINES[k % len(SECOND_LINES)]]
            if k % 3 == 2:
                lines.append(f"Point n° {k + 1} à rediscuter en dyade.")
            text = "\n".join(lines)
            return Answer(c, [{"text": text}], text, multiline=True)
        if kind == ctl.DATE:
            day = dt.date(2026, 8, 24) + dt.timedelta(days=23 * k)
            action = {"date": day.isoformat()}
            if copied:
                action["display"] = format_date(day, self.date_format(c), self.months)
            return Answer(c, [action], day.isoformat())
        if kind == ctl.NUMBER:
            f = c.field
            low = int(f.min) if f.min is not None else 0
            high = int(f.max) if f.max is not None else low + 40
            n = low + k % max(1, high - low)
            unit = f" {f.unit[self.lang]}" if f.unit and k % 2 else ""
            if self.lang == "fr":     # a decimal comma, as French speakers type it
                return Answer(c, [{"text": f"{n},5{unit}"}], Decimal(f"{n}.5"))
            return Answer(c, [{"text": f"{n}{unit}"}], n)
        if kind in (ctl.CHOICE, ctl.RATING):
            values = ctl.choices(c.field)
            value = values[k % len(values)]
            action = {"choose": value}
            if copied:
                action["display"] = self.display_of(c, value)
            return Answer(c, [action], int(value) if kind == ctl.RATING else value)
        if kind == ctl.CHECKBOX:
            # Ticked, or ticked then unticked (a participant changing their mind).
            if k % 3 == 1:
                actions, expected = [{"checked": True}, {"checked": False}], False
            else:
                actions, expected = [{"checked": True}], True
            if copied:
                for a in actions:
                    a["display"] = "\u2612" if a["checked"] else "\u2610"
            return Answer(c, actions, expected)
        raise AssertionError(f"no answer written for controls of kind {kind!r}: add one here")

    def _sdt(self, c: ctl.Control):
        tag = c.tag if c.row is None or c.row <= c.parent.rows else f"{c.parent.id}.{c.parent.rows}.{c.item}"
        return self.source[tag]

    def date_format(self, c: ctl.Control) -> str:
        return self._sdt(c).find("w:sdtPr/w:date/w:dateFormat", NS).get(W + "val")

    def display_of(self, c: ctl.Control, value: str) -> str:
        for item in self._sdt(c).findall("w:sdtPr/w:dropDownList/w:listItem", NS):
            if item.get(W + "value") == value:
                return item.get(W + "displayText")
        raise AssertionError(f"{c.tag}: no entry {value!r} in the form's drop-down")

    def alias(self, c: ctl.Control) -> str | None:
        alias = self._sdt(c).find("w:sdtPr/w:alias", NS)
        return alias.get(W + "val") if alias is not None else None


def plan_answers(form, lang: str, model, source: Path, *, add_rows: bool = False) -> tuple[list[Answer], list[dict]]:
    """The answers for every control of `form`, in document order, each with
    the address lo_fill finds it by; and the rows to add (when `add_rows`:
    one copy of the last row of every table, whose controls follow the
    table's last control)."""
    answers = Answers(lang, model.ui("month_names", lang).split(), by_tag(source))
    plan = ctl.controls(form)
    order: list[tuple[ctl.Control, bool]] = []
    rows_to_add = []
    for i, c in enumerate(plan):
        order.append((c, False))
        table = c.parent if isinstance(c.parent, m.TableField) else None
        last_of_table = table is not None and (i + 1 == len(plan) or plan[i + 1].parent is not table)
        if add_rows and last_of_table:
            rows_to_add.append({"control": i})
            for col in table.columns:
                order.append((ctl.Control(f"{table.id}.{table.rows + 1}.{col.id}", ctl.kind_of(col), col, table.id,
                                          parent=table, row=table.rows + 1, item=col.id), True))
    out, seen_alias = [], {}
    for index, (c, copied) in enumerate(order):
        a = answers.for_control(c, copied=copied)
        alias = answers.alias(c)
        if c.word_type == "text" and alias and not add_rows:
            # Input fields keep the control's title (w:alias): address them by it.
            a.address = {"alias": alias, "occurrence": seen_alias.get(alias, 0)}
            seen_alias[alias] = seen_alias.get(alias, 0) + 1
        else:
            a.address = {"index": index}
        out.append(a)
    return out, rows_to_add


def expected_result(form, answers: list[Answer], *, join_lines: bool = False) -> dict:
    """read_form's answer once `answers` are given (`join_lines`: multi-line
    answers with their line breaks removed, see test_every_answer_reads_back)."""
    result = ctl.empty_result(form)
    for a in answers:
        c, value = a.control, a.expected
        if join_lines and a.multiline:
            value = value.replace("\n", "")
        if isinstance(c.parent, m.ChecklistField):
            result[c.key][c.item] = value
        elif isinstance(c.parent, m.TableField):
            rows = result[c.key]
            while len(rows) < c.row:
                rows.append({col.id: ctl.empty_value(ctl.kind_of(col)) for col in c.parent.columns})
            rows[c.row - 1][c.item] = value
        else:
            result[c.key] = value
    return result


def joined(result: dict, form, answers: list[Answer]) -> dict:
    """A copy of `result` with the line breaks of its multi-line answers removed."""
    result = copy.deepcopy(result)
    for a in answers:
        if not a.multiline:
            continue
        c = a.control
        holder, key = (result[c.key][c.row - 1], c.item) if c.row is not None else (result, c.key)
        if c.row is not None and len(result[c.key]) < c.row:
            continue
        if isinstance(holder.get(key), str):
            holder[key] = holder[key].replace("\n", "")
    return result


def differences(got: dict, expected: dict, limit: int = 8) -> str:
    """The answers read back that differ from those typed, one a line."""
    out = []

    def walk(path, g, e):
        if isinstance(e, dict) and isinstance(g, dict):
            for k in e:
                walk(f"{path}.{k}" if path else k, g.get(k, "<missing>"), e[k])
        elif isinstance(e, list) and isinstance(g, list):
            if len(g) != len(e):
                out.append(f"{path}: {len(g)} rows read back, {len(e)} filled")
            for i, (gi, ei) in enumerate(zip(g, e)):
                walk(f"{path}[{i + 1}]", gi, ei)
        elif g != e:
            out.append(f"{path}: read back {g!r}, typed {e!r}")

    walk("", got, expected)
    more = f"\n... and {len(out) - limit} more" if len(out) > limit else ""
    return "\n".join(out[:limit]) + more


# -- one LibreOffice session for every file -----------------------------------------------

def add_custom_property(src: Path, dest: Path) -> Path:
    """A copy of `src` with one more custom document property (beside the
    ones Dyade writes in docProps/custom.xml), as Word adds one."""
    from xml.sax.saxutils import escape
    extra = (f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="99" name="{CUSTOM_NAME}">'
             f"<vt:lpwstr>{escape(CUSTOM_VALUE)}</vt:lpwstr></property>").encode("utf-8")
    with zipfile.ZipFile(src) as zin:
        members = [(i, zin.read(i.filename)) for i in zin.infolist()]
    assert "docProps/custom.xml" in [i.filename for i, _ in members], "Dyade's DOCX should carry custom properties"
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            if info.filename == "docProps/custom.xml":
                data = data.replace(b"</Properties>", extra + b"</Properties>")
            zout.writestr(info, data)
    return dest


@dataclass
class Filled:
    form: object
    lang: str
    path: Path
    answers: list[Answer]
    report: dict              # lo_fill's report of this job


@dataclass
class Session:
    files: dict               # (kind, lang, form id) -> Filled
    seconds: float            # the whole lo_fill run, soffice start and stop included
    report: dict


def lo_python() -> str:
    assert Path(LO_PYTHON).is_file(), f"{LO_PYTHON} is missing: these tests run tests/lo_fill.py with it"
    probe = subprocess.run([LO_PYTHON, "-c", "import uno"], capture_output=True, text=True, check=False)
    assert probe.returncode == 0, (f"{LO_PYTHON} cannot import uno: install the Debian package python3-uno "
                                   f"(apt-get install python3-uno)\n{probe.stderr}")
    return LO_PYTHON


@pytest.fixture(scope="session")
def lo_session(built, model, tmp_path_factory) -> Session:
    exe = soffice()
    python = lo_python()
    work = tmp_path_factory.mktemp("lo-fill")
    jobs, files = [], {}

    def job(kind, lang, form, src, *, add_rows=False):
        answers, rows = plan_answers(form, lang, model, built / "dist" / lang / layout.form_docx(form),
                                     add_rows=add_rows)
        out = work / kind / lang / f"{form.id}.docx"
        jobs.append({"input": str(src), "output": str(out), "add_rows": rows,
                     "fill": [{**a.address, **action} for a in answers for action in a.actions]})
        files[(kind, lang, form.id)] = Filled(form, lang, out, answers, {})

    for lang in model.languages:
        for form in model.forms:
            src = built / "dist" / lang / layout.form_docx(form)
            job("filled", lang, form, src)
            if any(isinstance(f, m.TableField) for f in form.input_fields()):
                job("rows", lang, form, src, add_rows=True)
    first = model.forms[0]
    lang = model.languages[-1]
    with_custom = add_custom_property(built / "dist" / lang / layout.form_docx(first), work / "with-custom.docx")
    job("custom", lang, first, with_custom)

    (work / "jobs.json").write_text(json.dumps(jobs, ensure_ascii=False, indent=1), encoding="utf-8")
    started = time.monotonic()
    run = subprocess.run([python, str(FILL), str(work / "jobs.json"), "--report", str(work / "report.json")],
                         capture_output=True, text=True, timeout=LO_TIMEOUT, check=False,
                         env={**os.environ, "SOFFICE": exe})
    seconds = time.monotonic() - started
    assert run.returncode in (0, 1), f"lo_fill could not use LibreOffice (status {run.returncode}):\n{run.stderr}"
    report = json.loads((work / "report.json").read_text(encoding="utf-8"))
    for filled, job_report in zip(files.values(), report["jobs"]):
        filled.report = job_report
    return Session(files, seconds, report)


def get(session: Session, kind: str, lang: str, form_id: str) -> Filled:
    filled = session.files[(kind, lang, form_id)]
    assert filled.report.get("ok"), f"LibreOffice did not fill {lang}/{form_id}: {filled.report.get('error')}\n" \
                                    f"{filled.report.get('traceback', '')}"
    return filled


# -- the tests ------------------------------------------------------------------------------

def test_one_libreoffice_session_fills_every_file_quickly(lo_session):
    """Every job saved, by one soffice, within the suite's time budget."""
    failed = {f"{k[1]}/{k[2]} ({k[0]})": f.report.get("error") for k, f in lo_session.files.items()
              if not f.report.get("ok")}
    assert not failed, failed
    assert lo_session.seconds < 90, f"LibreOffice took {lo_session.seconds:.0f} s for {len(lo_session.files)} files"


@pytest.mark.parametrize("lang, form_id", CASES)
def test_libreoffice_sees_the_controls_in_form_order(lo_session, lang, form_id):
    """LibreOffice lists one control per control of the form, of the same
    Word type, in the same order: what lets lo_fill address them by index
    (it keeps no tags) and read_form match them by order."""
    filled = get(lo_session, "filled", lang, form_id)
    kinds = [c["kind"] for c in filled.report["controls"]]
    assert kinds == [c.word_type for c in ctl.controls(filled.form)]


@pytest.mark.parametrize("lang, form_id", CASES)
def test_every_answer_reads_back(lo_session, model, lang, form_id):
    """Every answer typed in LibreOffice comes back from read_form, with the
    form given and with the form recognised from the file.  Line breaks of
    multi-line answers are left out here (the next test is about them)."""
    filled = get(lo_session, "filled", lang, form_id)
    expected = expected_result(filled.form, filled.answers, join_lines=True)
    for how, answer in (("form", read_form(filled.path, filled.form)), ("model", read_form(filled.path, model))):
        got = joined(answer, filled.form, filled.answers)
        assert got == expected, f"{lang}/{form_id}, read with the {how}:\n{differences(got, expected)}"


@pytest.mark.parametrize("lang, form_id", MULTILINE_CASES)
def test_multi_line_answers_keep_their_line_breaks(lo_session, lang, form_id):
    """A long text typed on several lines in LibreOffice reads back with its
    line breaks (LibreOffice 7.4 writes one w:t per line in one run, with
    no w:br)."""
    filled = get(lo_session, "filled", lang, form_id)
    multi = [a for a in filled.answers if a.multiline]
    assert multi, f"{form_id} has long text controls but got no multi-line answer"
    answer = read_form(filled.path, filled.form)
    lost = []
    for a in multi:
        c = a.control
        got = answer[c.key][c.row - 1][c.item] if c.row is not None else answer[c.key]
        if got != a.expected:
            lost.append((c.tag, got, a.expected))
    assert not lost, (f"{lang}/{form_id}: {len(lost)} of {len(multi)} multi-line answers lost their line breaks "
                      f"({LINE_BREAKS_FIX}); first: read back {lost[0][1]!r}, typed {lost[0][2]!r} in {lost[0][0]}")


@pytest.mark.parametrize("lang, form_id", TABLE_CASES)
def test_row_added_in_libreoffice_reads_back(lo_session, lang, form_id):
    """A participant adds a row by copying the table's last row (LibreOffice
    turns the copied date and drop-down controls into plain text controls,
    and the copies keep the last row's titles): the added row is read back
    as one more row, and the controls after the table keep their answers."""
    filled = get(lo_session, "rows", lang, form_id)
    tables = [f for f in filled.form.input_fields() if isinstance(f, m.TableField)]
    kinds = [c["kind"] for c in filled.report["controls"]]
    assert len(kinds) == len(ctl.controls(filled.form)) + sum(len(t.columns) for t in tables)
    expected = expected_result(filled.form, filled.answers, join_lines=True)
    got = joined(read_form(filled.path, filled.form), filled.form, filled.answers)
    assert got == expected, f"{lang}/{form_id}, a row added to each table:\n{differences(got, expected)}"


def _xml(path: Path, name: str):
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name)) if name in zf.namelist() else None


def test_libreoffice_keeps_the_document_properties(lo_session, built, model):
    """read_form recognises a returned form by its core properties
    (dc:identifier, and dc:language says its language): LibreOffice must
    keep them when it saves; a custom property added in Word survives too."""
    (key,) = [k for k in lo_session.files if k[0] == "custom"]
    filled = get(lo_session, *key)
    dc = "{http://purl.org/dc/elements/1.1/}"
    source = _xml(built / "dist" / filled.lang / layout.form_docx(filled.form), "docProps/core.xml")
    core = _xml(filled.path, "docProps/core.xml")
    assert core is not None, "LibreOffice wrote no docProps/core.xml"
    assert core.findtext(f"{dc}identifier") == source.findtext(f"{dc}identifier") == f"dyade:form:{filled.form.id}"
    assert core.findtext(f"{dc}language") == source.findtext(f"{dc}language")
    custom = _xml(filled.path, "docProps/custom.xml")
    assert custom is not None, "LibreOffice dropped docProps/custom.xml"
    props = {p.get("name"): "".join(p.itertext()) for p in custom}
    assert props.get(CUSTOM_NAME) == CUSTOM_VALUE, props
    assert props.get(ctl.FORM_PROPERTY) == filled.form.id and props.get(ctl.LANGUAGE_PROPERTY) == filled.lang, props
    assert props.get(ctl.VERSION_PROPERTY) == ctl.form_version(filled.form), props
    expected = expected_result(filled.form, filled.answers, join_lines=True)
    assert joined(read_form(filled.path, model), filled.form, filled.answers) == expected


def test_collect_reads_every_answer_libreoffice_wrote(lo_session, built, model, tmp_path):
    """The coordinator's path: the files LibreOffice saved, in a folder,
    through `dyade collect`; every answer in answers.json as typed, each
    file's form, language and version recognised, nothing to report."""
    from conftest import run_dyade
    from dyade.reports.values import as_json
    returned = tmp_path / "returned"
    expected = {}
    for (kind, lang, form_id), filled in lo_session.files.items():
        get(lo_session, kind, lang, form_id)
        rel = f"{kind}/{lang}-{form_id}.docx"
        (returned / kind).mkdir(parents=True, exist_ok=True)
        (returned / rel).write_bytes(filled.path.read_bytes())
        expected[rel] = (filled, as_json(expected_result(filled.form, filled.answers)))
    result = run_dyade(built, "collect", str(returned), "--out", str(tmp_path / "out"), timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / "out" / "answers.json").read_text(encoding="utf-8"))
    returns = {r["file"]: r for r in data["returns"]}
    assert set(returns) == set(expected)
    for rel, (filled, answers) in expected.items():
        got = returns[rel]
        assert got["form"] == filled.form.id and got["language"] == filled.lang, rel
        assert got["version"] == ctl.form_version(filled.form), rel
        assert got["problems"] == [], (rel, got["problems"])
        if rel.startswith("rows/"):
            answers = as_json(joined(expected_result(filled.form, filled.answers), filled.form, filled.answers))
            got_answers = as_json(joined({**got["answers"]}, filled.form, filled.answers))
        else:
            got_answers = got["answers"]
        assert got_answers == answers, f"{rel}:\n{differences(got_answers, answers)}"
