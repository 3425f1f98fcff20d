#!/usr/bin/python3
"""Fill DOCX forms in LibreOffice itself, through UNO, as a participant would.

Run with the system interpreter, which has Debian's python3-uno (the venv's
Python has no `uno`):

    /usr/bin/python3 tests/lo_fill.py JOBS.json [--report REPORT.json]

One headless soffice, with a private profile, serves every job of the list;
it is always terminated, also when a job fails.  The exit status is 0 when
every job was saved, 1 when one failed (the report says which and why),
2 when LibreOffice could not be started.

JOBS.json is a list of jobs (or one job):

    {"input": "form.docx", "output": "filled.docx",
     "add_rows": [{"control": 31, "copies": 1}],
     "fill": [{"index": 0, "text": "Jeanne Tremblay"},
              {"alias": "Goals", "text": "First line\\nsecond line"},
              {"index": 2, "date": "2026-09-15"},
              {"index": 3, "date": "2026-09-15", "display": "15 septembre 2026"},
              {"index": 4, "choose": "monthly"},
              {"index": 5, "checked": true}]}

`add_rows` runs first: each entry copies the last row of the table holding
control `control` (its index in the document as opened; or `"table":
"Table2"`, LibreOffice's table name) and pastes it into a row inserted below,
`copies` times: Table > Insert > Rows Below, then copy and paste of the last
row, as a participant adds a row.  The controls are then listed again, in
document order, and `fill` addresses them in that new list, by `index`, or
by `alias` or `tag` as LibreOffice exposes them (with `occurrence`, from 0,
when several share it).  What LibreOffice 7.4 keeps of Word's content
controls:

- a plain-text control becomes an input field (text field
  com.sun.star.text.textfield.Input): its `Content` is what is typed; its
  `Hint` is empty, the tag is dropped and the title (w:alias) survives only
  in the field's InteropGrabBag ("ooxml:CT_SdtPr_alias"), which is what
  `alias` matches; it is written back as w:alias;
- date, drop-down and checkbox controls become content controls
  (com.sun.star.text.ContentControl) with neither tag nor title (7.5 adds
  Alias and Tag properties; they are matched when present);
- a date control copied with its table row loses its date properties: the
  copy is a plain rich-text content control, "kind": "plain" in the report.

Actions on a control:
- "text": typed into a text control (an input field, or a plain content
  control); "\\n" separates lines;
- "date": an ISO date picked in a date control: its date (w:fullDate) and
  its display text, which is `display` or else the date formatted with the
  control's own format and language by LibreOffice's number formatter, as
  its date picker does; in a control that is no date control (a copied one),
  the display text is typed;
- "choose": a drop-down entry, by value or display text;
- "checked": true or false, a checkbox ticked or unticked (glyph included).
In a plain control (a copied date, drop-down or checkbox), "date", "choose"
and "checked" type their `display` text, which must then be given.

The report (JSON) has, per job: "input", "output", "ok", "error" (when not
ok), "seconds", and "controls": the controls found after rows were added, in
document order, each {"index", "kind" (text, date, dropdown, checkbox,
plain), "alias", "tag", "text", "placeholder", "items", "table", "cell"}.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import uno  # Debian's python3-uno, for /usr/bin/python3
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.lang import Locale
from com.sun.star.uno import Exception as UnoException
from com.sun.star.uno import RuntimeException as UnoRuntimeException

SOFFICE = os.environ.get("SOFFICE", shutil.which("soffice") or "/usr/bin/soffice")
START_TIMEOUT = 90.0      # seconds for soffice to accept the connection
SAVE_FILTER = "MS Word 2007 XML"
INPUT_FIELD = "com.sun.star.text.textfield.Input"
TEXT_TABLE = "com.sun.star.text.TextTable"


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


# -- the soffice process ------------------------------------------------------------

class Office:
    """A headless soffice of our own, with a private profile, reached through a pipe."""

    def __init__(self, start_timeout: float = START_TIMEOUT):
        self.profile = tempfile.mkdtemp(prefix="dyade-lo-fill-profile-")
        self.pipe = f"dyade_lo_fill_{os.getpid()}_{int(time.time() * 1000)}"
        accept = f"pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        cmd = [SOFFICE, f"-env:UserInstallation={uno.systemPathToFileUrl(self.profile)}", "--headless",
               "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck", f"--accept={accept}"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self.desktop = None
        try:
            self._connect(start_timeout)
        except BaseException:
            self.close()
            raise

    def _connect(self, timeout: float):
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace")
                raise RuntimeError(f"soffice exited with status {self.proc.returncode} before accepting "
                                   f"the connection: {err.strip()}")
            try:
                self.ctx = resolver.resolve(url)
                break
            except NoConnectException:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"soffice did not accept the connection within {timeout:.0f} s")
                time.sleep(0.1)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)

    def close(self):
        """Terminate soffice (politely, then by its process id) and remove the profile."""
        try:
            if self.desktop is not None:
                with contextlib.suppress(UnoException, UnoRuntimeException):
                    self.desktop.terminate()  # the bridge may go down as soffice quits
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# -- the controls of a document ---------------------------------------------------------

class Control:
    """One fillable control as LibreOffice holds it: an input field or a content control."""

    def __init__(self, obj, is_field: bool, table: str | None, cell: str | None):
        self.obj, self.is_field, self.table, self.cell = obj, is_field, table, cell

    @property
    def kind(self) -> str:
        if self.is_field:
            return "text"
        cc = self.obj
        if cc.Checkbox:
            return "checkbox"
        if cc.Date:
            return "date"
        if len(cc.ListItems):
            return "dropdown"
        return "plain"

    def _grab_bag(self) -> dict:
        try:
            return {p.Name: p.Value for p in self.obj.getPropertyValue("InteropGrabBag")}
        except UnoException:  # no such property
            return {}

    def _property(self, name: str):
        try:
            return self.obj.getPropertyValue(name) or None
        except UnoException:  # no such property (Alias and Tag came with LibreOffice 7.5)
            return None

    @functools.cached_property
    def alias(self) -> str | None:
        return self._property("Alias") or self._grab_bag().get("ooxml:CT_SdtPr_alias") or None

    @functools.cached_property
    def tag(self) -> str | None:
        return self._property("Tag") or self._grab_bag().get("ooxml:CT_SdtPr_tag") or None

    @property
    def text(self) -> str:
        if self.is_field:
            return self.obj.Content
        return "".join(portion.getString() for portion in _elements(self.obj))

    @property
    def items(self) -> list[dict]:
        if self.is_field:
            return []
        return [{p.Name: p.Value for p in item} for item in self.obj.ListItems]

    def describe(self, index: int) -> dict:
        return {"index": index, "kind": self.kind, "alias": self.alias, "tag": self.tag, "text": self.text,
                "placeholder": None if self.is_field else bool(self.obj.ShowingPlaceHolder),
                "items": [[i.get("DisplayText"), i.get("Value")] for i in self.items],
                "table": self.table, "cell": self.cell}


def _elements(container):
    en = container.createEnumeration()
    while en.hasMoreElements():
        yield en.nextElement()


def controls(text, table: str | None = None, cell: str | None = None) -> list[Control]:
    """Input fields and content controls of `text`, in document order (tables cell by cell, row by row)."""
    out = []
    for element in _elements(text):
        if element.supportsService(TEXT_TABLE):
            for name in element.getCellNames():
                out += controls(element.getCellByName(name), element.Name, name)
            continue
        if not element.supportsService("com.sun.star.text.Paragraph"):
            continue
        for portion in _elements(element):
            kind = portion.TextPortionType
            if kind == "TextField" and portion.TextField.supportsService(INPUT_FIELD):
                out.append(Control(portion.TextField, True, table, cell))
            elif kind == "ContentControl":
                out.append(Control(portion.ContentControl, False, table, cell))
    return out


# -- acting on them -----------------------------------------------------------------------

def set_content_control_text(cc, text: str):
    """Put `text` in content control `cc`, replacing what it shows.

    Replacing the control's whole text pushes the new text out of the
    control; inserting before the old text, then deleting the old text,
    keeps it inside (as typing over a selected placeholder does)."""
    portions = list(_elements(cc))
    old = "".join(p.getString() for p in portions)
    cursor = cc.createTextCursorByRange(portions[0].getStart()) if portions else cc.createTextCursor()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i:
            cc.insertControlCharacter(cursor, 1, False)  # LINE_BREAK, as Shift+Enter
        cc.insertString(cursor, line, False)
    if old:
        cursor.goRight(len(old), True)
        cursor.setString("")
    cc.ShowingPlaceHolder = False


def type_text(control: Control, text: str):
    if control.is_field:
        control.obj.Content = text
    elif control.kind in ("plain", "date"):
        set_content_control_text(control.obj, text)
    else:
        raise ValueError(f"cannot type text into a {control.kind} control")


def date_display(ctx, doc, cc, day: dt.date) -> str:
    """The date as the control's date picker writes it: its format (Word's
    picture, e.g. "d MMMM yyyy") and language, by LibreOffice's formatter."""
    fmt, lang = cc.DateFormat or "yyyy-MM-dd", cc.DateLanguage or "en-US"
    parts = lang.split("-")
    locale = Locale(parts[0], parts[1] if len(parts) > 1 else "", "")
    formats = doc.getNumberFormats()
    key = formats.queryKey(fmt, locale, False)
    if key == -1:
        key = formats.addNew(fmt, locale)
    null = doc.getNumberFormatSettings().getPropertyValue("NullDate")
    serial = (day - dt.date(null.Year, null.Month, null.Day)).days
    formatter = ctx.ServiceManager.createInstanceWithContext("com.sun.star.util.NumberFormatter", ctx)
    formatter.attachNumberFormatsSupplier(doc)
    return formatter.convertNumberToString(key, float(serial))


def pick_date(ctx, doc, control: Control, iso: str, display: str | None):
    day = dt.date.fromisoformat(iso)
    if control.kind != "date":   # a copied date control: only its text is left
        if not display:
            raise ValueError(f"a {control.kind} control has no date format: give the text to type as 'display'")
        type_text(control, display)
        return
    cc = control.obj
    set_content_control_text(cc, display or date_display(ctx, doc, cc, day))
    cc.CurrentDate = f"{day.isoformat()}T00:00:00Z"


def choose(control: Control, wanted: str, display: str | None = None):
    if control.kind == "plain" and display:   # a copied drop-down: only its text is left
        type_text(control, display)
        return
    if control.kind != "dropdown":
        raise ValueError(f"cannot choose {wanted!r} in a {control.kind} control")
    for item in control.items:
        if wanted in (item.get("Value"), item.get("DisplayText")):
            set_content_control_text(control.obj, item.get("DisplayText") or item.get("Value"))
            return
    raise ValueError(f"{wanted!r} is none of the entries {[i.get('Value') for i in control.items]}")


def tick(control: Control, checked: bool, display: str | None = None):
    if control.kind == "plain" and display:   # a copied checkbox: only its glyph is left
        type_text(control, display)
        return
    if control.kind != "checkbox":
        raise ValueError(f"cannot tick a {control.kind} control")
    cc = control.obj
    glyph = cc.CheckedState if checked else cc.UncheckedState
    if glyph:
        set_content_control_text(cc, glyph)
    cc.Checked = bool(checked)
    cc.ShowingPlaceHolder = False


def add_rows(doc, table, copies: int):
    """Table > Insert > Rows Below on the last row, then copy that row and
    paste it into the new one (the clipboard's content, kept off the system
    clipboard: the controller's transferable)."""
    controller = doc.getCurrentController()
    for _ in range(copies):
        rows = table.getRows()
        count = rows.getCount()
        last = [n for n in table.getCellNames() if _row_of(n) == count]
        controller.select(table.getCellRangeByName(f"{last[0]}:{last[-1]}"))
        copied = controller.getTransferable()
        rows.insertByIndex(count, 1)
        new = [n for n in table.getCellNames() if _row_of(n) == count + 1]
        controller.select(table.getCellRangeByName(f"{new[0]}:{new[-1]}"))
        controller.insertTransferable(copied)
        # Released now: LibreOffice 7.4 aborts if a transferable outlives its document.
        del copied
        gc.collect()


def _row_of(cell_name: str) -> int:
    return int("".join(ch for ch in cell_name.split(".")[0] if ch.isdigit()))


def find(found: list[Control], instruction: dict) -> Control:
    if "index" in instruction:
        index = instruction["index"]
        if not 0 <= index < len(found):
            raise ValueError(f"no control {index}: the document has {len(found)}")
        return found[index]
    for key in ("alias", "tag"):
        if key in instruction:
            matches = [c for c in found if getattr(c, key) == instruction[key]]
            occurrence = instruction.get("occurrence")
            if occurrence is None and len(matches) > 1:
                raise ValueError(f"{len(matches)} controls have {key} {instruction[key]!r}: give 'occurrence'")
            occurrence = occurrence or 0
            if occurrence >= len(matches):
                raise ValueError(f"no control with {key} {instruction[key]!r} (occurrence {occurrence})")
            return matches[occurrence]
    raise ValueError(f"instruction {instruction!r} names no control (index, alias or tag)")


def apply(ctx, doc, control: Control, instruction: dict):
    if "checked" in instruction:
        tick(control, instruction["checked"], instruction.get("display"))
    elif "choose" in instruction:
        choose(control, str(instruction["choose"]), instruction.get("display"))
    elif "date" in instruction:
        pick_date(ctx, doc, control, instruction["date"], instruction.get("display"))
    elif "text" in instruction:
        type_text(control, instruction["text"])
    else:
        raise ValueError(f"instruction {instruction!r} says nothing to do (text, date, choose, checked)")


# -- one job -----------------------------------------------------------------------------

def run_job(office: Office, job: dict) -> dict:
    started = time.monotonic()
    src, dest = os.path.abspath(job["input"]), os.path.abspath(job["output"])
    report = {"input": job["input"], "output": job["output"], "ok": False}
    doc = office.desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                              (prop("Hidden", True), prop("ReadOnly", False)))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {src}")
    try:
        opened = controls(doc.Text) if job.get("add_rows") else []
        for entry in job.get("add_rows", []):
            if "table" in entry:
                table = doc.getTextTables().getByName(entry["table"])
            else:
                holder = opened[entry["control"]]
                if holder.table is None:
                    raise ValueError(f"control {entry['control']} is in no table")
                table = doc.getTextTables().getByName(holder.table)
            add_rows(doc, table, int(entry.get("copies", 1)))
        found = controls(doc.Text)
        for instruction in job.get("fill", []):
            try:
                apply(office.ctx, doc, find(found, instruction), instruction)
            except Exception as exc:
                raise ValueError(f"{instruction}: {exc}") from exc
        doc.getTextFields().refresh()
        report["controls"] = [c.describe(i) for i, c in enumerate(found)]
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        doc.storeToURL(uno.systemPathToFileUrl(dest), (prop("FilterName", SAVE_FILTER), prop("Overwrite", True)))
        report["ok"] = True
    finally:
        doc.close(True)
        report["seconds"] = round(time.monotonic() - started, 2)
    return report


def run(jobs: list[dict], start_timeout: float = START_TIMEOUT) -> list[dict]:
    reports = []
    with Office(start_timeout) as office:
        for job in jobs:
            try:
                reports.append(run_job(office, job))
            except Exception as exc:  # noqa: BLE001 -- any failure is the job's: reported, and the next job runs
                reports.append({"input": job.get("input"), "output": job.get("output"), "ok": False,
                                "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
    return reports


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("jobs", help="JSON file: a job or a list of jobs")
    parser.add_argument("--report", help="write the report (JSON) here")
    parser.add_argument("--start-timeout", type=float, default=START_TIMEOUT)
    args = parser.parse_args(argv)
    with open(args.jobs, encoding="utf-8") as stream:
        jobs = json.load(stream)
    if isinstance(jobs, dict):
        jobs = [jobs]
    started = time.monotonic()
    try:
        reports = run(jobs, args.start_timeout)
    except Exception as exc:  # noqa: BLE001 -- said plainly, with exit status 2
        print(f"lo_fill: LibreOffice could not be used: {exc}", file=sys.stderr)
        return 2
    if args.report:
        with open(args.report, "w", encoding="utf-8") as stream:
            json.dump({"seconds": round(time.monotonic() - started, 2), "jobs": reports}, stream,
                      ensure_ascii=False, indent=1)
    failed = [r for r in reports if not r["ok"]]
    for r in failed:
        print(f"lo_fill: {r['input']}: {r.get('error')}\n{r.get('traceback', '')}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
