"""Read a filled DOCX form back into {field id: value}.

    from dyade.readback import read_form, UnreadableForm
    answers = read_form("returned/self-assessment.docx", model)   # or a Form, or nothing

Values, by field type:
- text, long_text: the text typed ("" when empty; line breaks as "\\n");
- date: "YYYY-MM-DD" (None when empty; a typed date is read as dyade.dates
  says; a `Flagged` answer, with the text and the reason, if it is no date);
- choice: the chosen option's `value` (None when empty; Flagged when the
  text is none of the options);
- number: an int, or a Decimal when the number has decimals ("2,5" and
  "2.5" alike; a unit typed after it is ignored); None when empty; a
  `Flagged` answer, holding the text typed and the reason, when it is not a
  number or lies outside the field's min and max;
- rating: the chosen point as an int (None when empty);
- checkbox: True or False;
- checklist: {item value: bool} for every item;
- table: a list with one {column id: value} dict per row, every row kept
  (empty cells hold the empty value of their column type), rows the
  participant added included (blank ones beyond the form's rows dropped);
- signature: two keys, "<id>-name" (text) and "<id>-date" (date).
Placeholder text counts as empty.  Without the form (see below), a number
comes back as the text typed: only the form says a text control holds one.

Controls are matched by their tag (the field id).  A file re-saved by
LibreOffice loses tags and some titles; the controls are then matched by
order, Word control type and title against the form, which is the `form`
given, or the form of the `model` given (or of the programme in the current
folder, failing that) whose id the file's properties record.  Without a form,
`read_form` rebuilds the answer from the tags alone.  Line breaks come back
however the editor wrote them: `w:br` (Word), separate `w:t` in one run
(LibreOffice), or paragraphs.

`read_return` gives more: the form, the file's language and form version
(custom document properties written by the DOCX writer), and the problems
an answer or the file's structure raises (a field twice, a field the form
does not have, a Flagged answer) as plain sentences; `dyade collect`
(dyade.collect) is built on it.

The file is untrusted input: it must be an ordinary file (a pipe, a socket
or a device is refused before it is opened), a zip of reasonable size with few
members and a sane compression ratio, and its XML may not hold a DTD.  Any
problem is reported as `UnreadableForm` with a plain message.
"""
from __future__ import annotations

import datetime as dt
import decimal
import functools
import io
import os
import re
import stat
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from lxml import etree

from . import bundled
from . import controls as ctl
from . import dates
from . import model as m

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
DC = "{http://purl.org/dc/elements/1.1/}"
CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"

MAX_FILE_BYTES = 50_000_000      # the zip itself
MAX_MEMBERS = 1_000              # a Word file has a few dozen parts
MAX_DIRECTORY_ENTRY = 1_024      # bytes of one member's central directory entry, name included, at most
MAX_MEMBER_BYTES = 40_000_000    # any part, uncompressed
MAX_XML_BYTES = 10_000_000       # an XML part read (a filled form's document.xml is well under 1 MB)
MAX_TOTAL_BYTES = 150_000_000    # all parts, uncompressed
MAX_RATIO = 100                  # uncompressed / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 1_000_000

TRUE_VALUES = {"1", "true", "on"}
CHECKED_GLYPHS = {"\u2612", "\u2611", "\u2713", "\u2714", "x", "X"}


class UnreadableForm(Exception):
    """The file is not a DOCX form Dyade can read; the message says why."""


@dataclass(frozen=True)
class Flagged:
    """An answer that is not what its field asks for (a word where a number
    is expected): kept as typed, with the reason, for the coordinator."""
    text: str
    problem: str

    def __str__(self) -> str:
        return self.text


# -- what the document holds --------------------------------------------------

@dataclass
class FoundControl:
    tag: Optional[str]
    alias: Optional[str]
    word_type: str                     # "text", "date", "dropdown", "checkbox"
    text: str                          # the visible text, placeholder included
    placeholder: bool                  # showing its placeholder
    checked: Optional[bool] = None     # checkboxes
    full_date: Optional[str] = None    # dates picked from the calendar
    items: list[tuple[str, str]] = field(default_factory=list)  # drop-downs: (display, value)
    last_value: Optional[str] = None
    node: object = field(default=None, repr=False, compare=False)  # its w:sdt element


@dataclass
class Returned:
    """What one returned file holds, as `dyade collect` needs it."""
    form: Optional[m.Form]             # the programme's form it was made from (None: read from tags alone)
    form_id: Optional[str]             # as the file records it
    lang: Optional[str]                # the file's language, one of the programme's when known
    version: Optional[str]             # the version of the field list the file was made from
    answers: dict                      # {field id: value}, as read_form gives them
    problems: list[str] = field(default_factory=list)  # answers that need a person's eye, one sentence each
    programme: Optional[str] = None    # the title of the programme the file says it belongs to
    signatures: dict[str, str] = field(default_factory=dict)  # {signature field id: status} (PDF forms)


def read_form(path: Union[str, Path], form: Union[m.Form, m.Model, None] = None, *,
              model: Optional[m.Model] = None) -> dict:
    """{field id: value} from the filled DOCX at `path` (see the module help).

    `form` is the model's Form the file was made from, or the whole Model
    (the form is then recognised from the file).  It is needed only when an
    editor dropped the controls' tags.
    """
    return read_return(path, form, model=model).answers


def read_return(path: Union[str, Path], form: Union[m.Form, m.Model, None] = None, *,
                model: Optional[m.Model] = None) -> Returned:
    """The form, language, version, answers and problems of the filled DOCX
    at `path`; `form` and `model` as for read_form."""
    if isinstance(form, m.Model):
        model, form = form, None
    if form is not None and not isinstance(form, m.Form) and not hasattr(form, "input_fields"):
        raise TypeError(f"read_form: form should be a dyade Form or Model, not {type(form).__name__}")
    try:
        parts = _open(Path(path))
        body = parts["document"].find(f"{W}body")
        if body is None:
            raise UnreadableForm(f"{Path(path).name} is a zip file but holds no Word document body")
        found = _controls(body)
        if form is None and model is None and any(not c.tag for c in found):
            model = _default_model()  # tags lost: the project's own forms say what each control is
        if form is None and model is not None:
            form = _identify(model, parts, found)
        elif form is not None:
            _check_same_form(form, parts, found, Path(path).name)
        props = _file_properties(parts)
        lang = _file_language(parts, props, model)
        placeholders = _known_placeholders(form, model)
        placeholders |= {c.text.strip() for c in found if c.placeholder and c.text.strip()}
        reading = _Reading(placeholders, month_names(model), lang)
        form_id = props.get(ctl.FORM_PROPERTY) or _identifier(parts) or getattr(form, "id", None)
        version = props.get(ctl.VERSION_PROPERTY)
        core = parts.get("core")
        programme = _norm(core.findtext(f"{DC}subject") or "") or None if core is not None else None
        if form is None:
            return Returned(None, form_id, lang, version, _from_tags(found, reading, model), programme=programme)
        answers, problems = _with_form(form, found, reading, version)
        return Returned(form, form_id, lang, version, answers, problems, programme)
    except UnreadableForm:
        raise
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, etree.LxmlError, ValueError, KeyError,
            RuntimeError, NotImplementedError, EOFError, UnicodeError, IndexError, TypeError) as exc:
        raise UnreadableForm(f"{Path(path).name} could not be read as a Word form ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # untrusted input: whatever else goes wrong is the file's fault, said plainly
        raise UnreadableForm(f"{Path(path).name} could not be read as a Word form ({type(exc).__name__})") from None


# -- opening the file safely ----------------------------------------------------

def _kind_refused(mode: int, name: str) -> UnreadableForm | None:
    """Why a file of this kind cannot be a returned form, or None for an
    ordinary file: a pipe would block the reader, a device never end."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return UnreadableForm(f"{name} is a folder, not a file: give the path of the returned .docx file itself")
    kind = ("a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not an ordinary file")
    return UnreadableForm(f"{name} is {kind}, not an ordinary file: give the path of the returned .docx file itself")


def read_whole(path: Path) -> bytes:
    """The bytes of the file at `path`, which must be an ordinary file of at
    most MAX_FILE_BYTES: its kind is checked before it is opened (a pipe
    would block), and again on what was opened (it may have been replaced
    in between); the rest is read from that one opened file."""
    name = path.name
    try:
        info = os.stat(path)
    except (OSError, ValueError) as exc:
        raise UnreadableForm(f"cannot open {name}: {getattr(exc, 'strerror', None) or exc}") from None
    refused = _kind_refused(info.st_mode, name)
    if refused:
        raise refused
    if info.st_size > MAX_FILE_BYTES:
        raise UnreadableForm(f"{name} is too large for a form ({info.st_size // 1_000_000} MB; the limit is "
                             f"{MAX_FILE_BYTES // 1_000_000} MB)")
    try:
        # O_NONBLOCK: should a pipe take the file's place, opening it does not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise UnreadableForm(f"cannot open {name}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as stream:
        refused = _kind_refused(os.fstat(fd).st_mode, name)
        if refused:
            raise refused
        data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableForm(f"{name} is too large for a form (over {MAX_FILE_BYTES // 1_000_000} MB)")
    return data


def _open(path: Path) -> dict:
    name = path.name
    data = read_whole(path)
    magic = data[:8]
    if magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableForm(f"{name} is an old Word (.doc) file or a password-protected document: open it in "
                             "Word or LibreOffice, remove any password and save it as .docx, then send that file")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableForm(f"{name} is not a DOCX file (a DOCX file is a zip archive; this one is not)")
    members, directory = _zip_directory_size(data, name)
    if members > MAX_MEMBERS or directory > MAX_MEMBERS * MAX_DIRECTORY_ENTRY:
        raise UnreadableForm(f"{name} holds {members} files; a Word form holds far fewer "
                             f"(the limit is {MAX_MEMBERS})")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UnreadableForm(f"{name} holds {len(infos)} files; a Word form holds far fewer "
                                 f"(the limit is {MAX_MEMBERS})")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > MAX_MEMBER_BYTES:
                raise UnreadableForm(f"{name}: part {info.filename} is too large once unpacked "
                                     f"({info.file_size // 1_000_000} MB)")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UnreadableForm(f"{name}: part {info.filename} is compressed {info.file_size // max(info.compress_size, 1)} "
                                     "times, which only a zip bomb does")
        if total > MAX_TOTAL_BYTES:
            raise UnreadableForm(f"{name} is too large once unpacked ({total // 1_000_000} MB)")
        members = {i.filename for i in infos}
        doc_name = "word/document.xml"
        if "_rels/.rels" in members:
            rels = _parse(zf, "_rels/.rels", name)
            for rel in rels.iter(f"{REL_NS}Relationship"):
                if rel.get("Type") == OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
                    doc_name = rel.get("Target", doc_name).lstrip("/")
        if doc_name not in members:
            raise UnreadableForm(f"{name} is a zip file but not a Word document (no {doc_name})")
        parts = {"document": _parse(zf, doc_name, name)}
        for part, member in (("core", "docProps/core.xml"), ("custom", "docProps/custom.xml")):
            if member in members:
                parts[part] = _parse(zf, member, name)
        return parts


def _zip_directory_size(whole: bytes, name: str) -> tuple[int, int]:
    """(number of members, bytes of the central directory) as the zip's end
    record declares them, read before zipfile lists every member: a file of
    a few MB can declare hundreds of thousands of them."""
    data = whole[-(22 + 65535 + 20):]
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        raise UnreadableForm(f"{name} is not a DOCX file (its zip directory is missing or damaged)")
    members, directory = struct.unpack("<HI", data[end + 10:end + 16])
    if members == 0xFFFF or directory == 0xFFFFFFFF:  # ZIP64: the numbers are in the record before
        start = data.rfind(b"PK\x06\x06", 0, end)
        if start < 0 or start + 56 > len(data):
            raise UnreadableForm(f"{name} is not a DOCX file (its zip directory is missing or damaged)")
        members, directory = struct.unpack("<QQ", data[start + 32:start + 48])
    return members, directory


_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parse(zf: zipfile.ZipFile, member: str, name: str):
    if zf.getinfo(member).file_size > MAX_XML_BYTES:
        raise UnreadableForm(f"{name}: part {member} is too large for a Word form "
                             f"({zf.getinfo(member).file_size // 1_000_000} MB of XML; the limit is "
                             f"{MAX_XML_BYTES // 1_000_000} MB)")
    with zf.open(member) as stream:
        data = stream.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise UnreadableForm(f"{name}: part {member} is larger than it claims (a zip bomb?)")
    probe = data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        probe = data.decode("utf-16", errors="replace").encode("utf-8")
    if _DTD.search(probe):
        raise UnreadableForm(f"{name}: part {member} declares a DTD or entities, which Word files never do; "
                             "the file was refused")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UnreadableForm(f"{name}: part {member} is not well-formed XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise UnreadableForm(f"{name}: part {member} declares a DTD; the file was refused")
    return root


# -- reading the controls ---------------------------------------------------------

def _controls(body) -> list[FoundControl]:
    """The innermost content controls, in document order.

    LibreOffice wraps some controls in an outer block-level control when it
    saves; only the innermost one carries the value.
    """
    return [_read_sdt(sdt) for sdt in _innermost(body)]


def _innermost(node) -> list:
    return [sdt for sdt in node.iter(f"{W}sdt") if not any(True for _ in sdt.iterdescendants(f"{W}sdt"))]


def _val(node, attr=f"{W}val"):
    return node.get(attr) if node is not None else None


def _read_sdt(sdt) -> FoundControl:
    pr = sdt.find(f"{W}sdtPr")
    if pr is None:
        pr = etree.Element(f"{W}sdtPr")
    content = sdt.find(f"{W}sdtContent")
    text = _text(content) if content is not None else ""
    showing = pr.find(f"{W}showingPlcHdr")
    placeholder = showing is not None and (_val(showing) or "1").lower() in TRUE_VALUES
    found = FoundControl(tag=_val(pr.find(f"{W}tag")) or None, alias=_val(pr.find(f"{W}alias")) or None,
                         word_type="text", text=text, placeholder=placeholder, node=sdt)
    box = pr.find(f"{W14}checkbox")
    date = pr.find(f"{W}date")
    drop = pr.find(f"{W}dropDownList")
    if drop is None:
        drop = pr.find(f"{W}comboBox")
    if box is not None:
        found.word_type = "checkbox"
        state = _val(box.find(f"{W14}checked"), f"{W14}val")
        if state is not None:
            found.checked = state.lower() in TRUE_VALUES
        else:
            found.checked = text.strip() in CHECKED_GLYPHS
        found.placeholder = False
    elif date is not None:
        found.word_type = "date"
        found.full_date = date.get(f"{W}fullDate")
    elif drop is not None:
        found.word_type = "dropdown"
        found.items = [(i.get(f"{W}displayText") or i.get(f"{W}value") or "", i.get(f"{W}value") or "")
                       for i in drop.findall(f"{W}listItem")]
        found.last_value = drop.get(f"{W}lastValue")
    return found


def _text(content) -> str:
    """Visible text of a control, with line breaks and tabs, paragraphs joined by newlines."""
    pieces: list[str] = []

    def walk(node):
        previous = None
        for child in node:
            tag, after = child.tag, previous
            previous = tag
            if tag in (f"{W}pPr", f"{W}rPr", f"{W}sdtPr", f"{W}del", f"{W}moveFrom"):
                continue
            if tag == f"{W}t":
                if after == f"{W}t":
                    # LibreOffice writes each line of a multi-line answer as
                    # its own w:t in one run, with no w:br between; Word
                    # never puts two w:t side by side.
                    pieces.append("\n")
                pieces.append(child.text or "")
            elif tag in (f"{W}br", f"{W}cr"):
                pieces.append("\n")
            elif tag == f"{W}tab":
                pieces.append("\t")
            elif tag == f"{W}p":
                if pieces and not pieces[-1].endswith("\n"):
                    pieces.append("\n")
                walk(child)
            else:
                walk(child)

    walk(content)
    return "".join(pieces).strip("\n")


# -- values -------------------------------------------------------------------

def _is_empty(c: FoundControl, placeholders: set[str]) -> bool:
    if c.word_type == "checkbox":
        return False
    text = _norm(c.text)
    return c.placeholder or not text or text in placeholders


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class _Reading:
    """What reading one file's values needs besides the controls."""
    placeholders: frozenset[str]
    months: dict[str, int]
    lang: Optional[str]


def _as_date(c: FoundControl, reading: _Reading):
    if c.full_date and not c.placeholder:
        match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", c.full_date)
        if match:
            try:
                return dt.date(*map(int, match.groups())).isoformat()
            except ValueError:
                pass
    if _is_empty(c, reading.placeholders):
        return None
    typed = dates.parse_typed_date(c.text, reading.months, reading.lang)
    return typed.isoformat() if isinstance(typed, dt.date) else Flagged(_norm(c.text), str(typed))


def parse_date(text: str, months: dict[str, int], lang: Optional[str] = None) -> Optional[str]:
    """ISO date from "2026-09-15", "15 septembre 2026", "1er mars 2027",
    "September 15, 2026", "3 de mayo de 2027"; None when it is no date
    (see dyade.dates for the reason)."""
    typed = dates.parse_typed_date(text, months, lang)
    return typed.isoformat() if isinstance(typed, dt.date) else None


def _dropdown_value(c: FoundControl, placeholders, labels: dict[str, str] | None = None):
    """The stored value of the chosen item, or None."""
    if _is_empty(c, placeholders):
        return None
    text = _norm(c.text)
    for display, value in c.items:
        if _norm(display) == text:
            return value
    values = [v for _, v in c.items]
    if text in values:
        return text
    if labels:
        for label, value in labels.items():
            if _norm(label) == text:
                return value
        if text in labels.values():
            return text
    if c.last_value and (not values or c.last_value in values):
        return c.last_value
    return text


def _rating(value):
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        match = re.match(r"^\s*(\d+)", str(value))
        return int(match.group(1)) if match else None


# -- with the form: match by tag, else by order, type and title --------------------

def _with_form(form, found: list[FoundControl], reading: _Reading, version: Optional[str]) -> tuple[dict, list[str]]:
    """The answers of `found` read against `form`, and what needs a look:
    a field twice, a field the form does not have, an answer that is not
    what its field asks for.  No answer is dropped without a word."""
    plan = ctl.controls(form)
    index = {c.tag: i for i, c in enumerate(plan)}
    assigned: dict[int, FoundControl] = {}
    twice: list[tuple[int, FoundControl]] = []
    foreign: list[FoundControl] = []
    cursor = 0
    added = _added_row_controls(form, found)
    for c in found:
        if c.tag and c.tag in index:
            i = index[c.tag]
        elif c.tag:
            foreign.append(c)  # a control someone added, or one an older version of the form had
            continue
        elif id(c.node) in added:
            continue  # a table row the participant added: _table_rows reads it by its place
        else:
            i = _next_match(plan, c, cursor, assigned)
            if i is None:
                foreign.append(c)
                continue
        if i not in assigned:
            assigned[i] = c
        else:
            twice.append((i, c))
        cursor = max(cursor, i + 1)
    result = ctl.empty_result(form)
    for i, control in enumerate(plan):
        c = assigned.get(i)
        if c is None:
            continue
        value = _value(control, c, reading)
        if control.parent is not None and isinstance(control.parent, m.ChecklistField):
            result[control.key][control.item] = value
        elif control.parent is not None and isinstance(control.parent, m.TableField):
            result[control.key][control.row - 1][control.item] = value
        else:
            result[control.key] = value
    tables_read = set()
    for f in form.input_fields():
        if isinstance(f, m.TableField):
            rows = _table_rows(f, plan, assigned, reading)
            if rows is not None:
                result[f.id] = rows
                tables_read.add(f.id)
    problems = []
    for i, c in twice:
        control = plan[i]
        if isinstance(control.parent, m.TableField) and control.parent.id in tables_read:
            continue  # a row the participant copied: read by its place in the table
        kept, other = _value(control, assigned[i], reading), _value(control, c, reading)
        if other != kept and other != ctl.empty_value(control.kind):
            problems.append(f"the field {control.tag!r} is in the file twice; the first copy was read "
                            f"({shown(kept)}) and the other was not ({shown(other)}): ask which answer is meant")
    for c in foreign:
        value = _free_value(c, reading)
        older = f" (this file is version {version} of the form)" if version and version != ctl.form_version(form) else ""
        what = f"the field {c.tag!r}" if c.tag else f"an untitled {c.word_type} field"
        problems.append(f"{what} is not in the form {form.id!r}{older}, so its answer was not collected: "
                        f"{shown(value)}")
    problems.extend(flagged_problems(form, result))
    return result, problems


def _added_row_controls(form, found: list[FoundControl]) -> set[int]:
    """ids of the w:sdt elements, without tags, in table rows beyond the
    form's own.  LibreOffice drops every tag when it saves, so controls are
    matched by order; a row the participant added would otherwise be taken
    for the fields after the table and shift every answer that follows.
    Only tables are made of controls, so the file's tables holding
    controls are the form's table fields, in order."""
    tables = [f for f in form.input_fields() if isinstance(f, m.TableField)]
    seen: list = []
    for c in found:
        tbl = next(c.node.iterancestors(f"{W}tbl"), None) if c.node is not None else None
        if tbl is not None and not any(t is tbl for t in seen):
            seen.append(tbl)
    added: set[int] = set()
    if len(seen) != len(tables):
        return added  # the tables were changed beyond adding rows: order and tags decide
    for tbl, table in zip(seen, tables):
        rows = [tr for tr in tbl.iterchildren(f"{W}tr") if _innermost(tr)]
        for tr in rows[table.rows:]:
            added |= {id(sdt) for sdt in _innermost(tr) if _read_tag(sdt) is None}
    return added


def _read_tag(sdt) -> Optional[str]:
    pr = sdt.find(f"{W}sdtPr")
    return _val(pr.find(f"{W}tag")) or None if pr is not None else None


def shown(value) -> str:
    if value in ("", None):
        return "empty"
    if value is True or value is False:
        return "ticked" if value else "not ticked"
    text = " / ".join(str(value).splitlines())
    return repr(text if len(text) <= 80 else text[:77] + "...")


def flagged_problems(form, result: dict) -> list[str]:
    """One sentence per answer that is not what its field asks for."""
    out = []

    def say(value: Flagged) -> str:  # the reason, naming what was typed
        return value.problem if repr(value.text) in value.problem else f"{value.text!r} is {value.problem}"

    def label(f):
        text = getattr(f, "label", None)
        return f" ({next(iter(text.values.values()))})" if text is not None and text.values else ""

    for f in form.input_fields():
        if isinstance(f, m.TableField):
            for n, row in enumerate(result.get(f.id) or [], start=1):
                for col in f.columns:
                    value = row.get(col.id)
                    if isinstance(value, Flagged):
                        out.append(f"{f.id}, row {n}, {col.id}{label(col)}: {say(value)}")
        elif isinstance(f, m.SignatureField):
            value = result.get(f"{f.id}-date")
            if isinstance(value, Flagged):
                out.append(f"{f.id}-date{label(f)}: {say(value)}")
        elif isinstance(result.get(f.id), Flagged):
            out.append(f"{f.id}{label(f)}: {say(result[f.id])}")
    return out


def _table_rows(table, plan, assigned, reading: _Reading) -> Optional[list[dict]]:
    """The rows of `table` as the participant left them, read cell by cell
    from the file's table: rows they added (a copied row, or plain cells
    typed into) count too.  Blank rows beyond the form's own are dropped; at
    least the form's rows are returned.  None if the table cannot be found or
    its shape changed (merged cells): the tags and the order then decide."""
    mine = [i for i, c in enumerate(plan) if c.parent is table and i in assigned]
    tbl = next(assigned[mine[0]].node.iterancestors(f"{W}tbl"), None) if mine else None
    if tbl is None:
        return None
    first = {c.item: c for c in plan if c.parent is table and c.row == 1}
    columns = [first[col.id] for col in table.columns]
    rows: list[dict] = []
    for tr in tbl.iterchildren(f"{W}tr"):
        cells = tr.findall(f"{W}tc")
        inside = [_innermost(tc) for tc in cells]
        if not rows and not any(inside):
            continue  # the header row
        if len(cells) != len(columns):
            return None
        row = {}
        for control, tc, sdts in zip(columns, cells, inside):
            c = _read_sdt(sdts[0]) if sdts else FoundControl(None, None, "text", _text(tc), False)
            row[control.item] = _value(control, c, reading)
        rows.append(row)
    blank = {c.item: ctl.empty_value(c.kind) for c in columns}
    while len(rows) > table.rows and rows[-1] == blank:
        rows.pop()
    while len(rows) < table.rows:  # a row deleted: the answer keeps the form's shape
        rows.append(dict(blank))
    return rows


def _next_match(plan, c: FoundControl, cursor: int, assigned) -> Optional[int]:
    """The next unassigned control of the plan this untagged control can be."""
    candidates = [i for i in range(cursor, len(plan)) if i not in assigned and plan[i].word_type == c.word_type]
    if not candidates:
        return None
    if c.alias:
        alias = _norm(c.alias)
        for i in candidates:
            if alias in _aliases(plan[i]):
                return i
        for i in candidates:
            if any(alias.startswith(a + " –") or alias.startswith(a + " -") for a in _aliases(plan[i])):
                return i
    return candidates[0]


def _aliases(control: ctl.Control) -> set[str]:
    labels = set()
    owner = control.parent if isinstance(control.parent, (m.SignatureField,)) else control.field
    for text in (getattr(owner, "label", None),):
        if text is not None:
            labels |= {_norm(v) for v in text.values.values()}
    if isinstance(control.parent, m.ChecklistField):
        parent = {_norm(v) for v in control.parent.label.values.values()}
        labels |= {f"{p} – {_norm(v)}" for p in parent for v in control.field.label.values.values()}
    return labels


def _value(control: ctl.Control, c: FoundControl, reading: _Reading):
    return VALUE_READERS[control.kind](control, c, reading)


def _checkbox_answer(control, c: FoundControl, reading: _Reading) -> bool:
    return bool(c.checked) if c.word_type == "checkbox" else c.text.strip() in CHECKED_GLYPHS


def _date_answer(control, c: FoundControl, reading: _Reading):
    return _as_date(c, reading)


def _choice_answer(control, c: FoundControl, reading: _Reading):
    labels = {v: o.value for o in control.field.options for v in o.label.values.values()}
    value = _dropdown_value(c, reading.placeholders, labels)
    if value is None or value in labels.values():
        return value
    return Flagged(_norm(c.text), f"{_norm(c.text)!r} is not one of the choices offered "
                                  f"({', '.join(o.value for o in control.field.options)})")


def _rating_answer(control, c: FoundControl, reading: _Reading):
    value = _dropdown_value(c, reading.placeholders, {})
    point = _rating(value)
    if value is None or (point is not None and 1 <= point <= control.field.scale):
        return point
    return Flagged(_norm(c.text), f"{_norm(c.text)!r} is not a point of the scale (1 to {control.field.scale})")


def _number_answer(control, c: FoundControl, reading: _Reading):
    if _is_empty(c, reading.placeholders):
        return None
    return parse_number(c.text, control.field)


def parse_number(text: str, f: m.NumberField):
    """int or Decimal from "3", "2,5", "1 200", "4 h"; Flagged otherwise."""
    typed = _norm(text)
    bare = typed
    units = sorted((u for u in (f.unit.values.values() if f.unit else ()) if u.strip()), key=len, reverse=True)
    for unit in units:
        if bare.lower().endswith(unit.strip().lower()):
            bare = bare[: -len(unit.strip())].strip()
            break
    bare = re.sub(r"(?<=\d)[ \u00a0\u202f'’](?=\d{3}\b)", "", bare)  # 1 200, 1'200
    if not re.fullmatch(r"[+-−]?\d{1,15}([.,]\d{1,9})?", bare):
        return Flagged(typed, "not a number")
    number = decimal.Decimal(bare.replace("−", "-").replace(",", "."))
    if f.min is not None and number < decimal.Decimal(str(f.min)):
        return Flagged(typed, f"below the smallest number allowed ({_plain_number(f.min)})")
    if f.max is not None and number > decimal.Decimal(str(f.max)):
        return Flagged(typed, f"above the largest number allowed ({_plain_number(f.max)})")
    return int(number) if number == number.to_integral_value() and not re.search(r"[.,]\d*[1-9]", bare) else number


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _text_answer(control, c: FoundControl, reading: _Reading) -> str:
    return "" if _is_empty(c, reading.placeholders) else c.text.strip()


# How the answer of each kind of control is read (see the `answer` of each
# field kind in dyade.model).
VALUE_READERS = m.require_kinds({
    ctl.TEXT: _text_answer,
    ctl.LONG_TEXT: _text_answer,
    ctl.DATE: _date_answer,
    ctl.NUMBER: _number_answer,
    ctl.CHOICE: _choice_answer,
    ctl.RATING: _rating_answer,
    ctl.CHECKBOX: _checkbox_answer,
}, "read_form", ctl.KINDS)


# -- without the form: rebuild from tags ---------------------------------------------

def _from_tags(found: list[FoundControl], reading: _Reading, model) -> dict:
    missing = [c for c in found if not c.tag]
    if missing:
        raise UnreadableForm(
            f"{len(missing)} of the {len(found)} fields of this file have lost their tags (the file was probably "
            "saved by another word processor); pass the form, or the model, to read it by field order: "
            "read_form(path, form)")
    # A number control is a plain text control: without the form, only its
    # placeholder tells it from a text, so an empty one reads as None.
    number_placeholders = {_norm(v) for key in ("placeholder_number", "placeholder_short_number")
                           for v in _strings(model).get(key, {}).values()}
    result: dict = {}
    for c in found:
        value = _free_value(c, reading)
        if c.word_type == "text" and value == "" and _norm(c.text) in number_placeholders:
            value = None
        table = re.match(r"^(.+)\.(\d+)\.([^.]+)$", c.tag)
        item = None if table else re.match(r"^(.+)\.([^.]+)$", c.tag)
        if table and not (len(table.group(2)) <= 6 and 1 <= int(table.group(2)) <= len(found)):
            table = None  # no table has more rows than the file has fields: not a cell's tag, kept whole
        # Tags of other documents may clash (a plain "x" and a cell "x.1.y"): a clashing tag is kept whole.
        if table and isinstance(result.setdefault(table.group(1), []), list):
            rows = result[table.group(1)]
            row = int(table.group(2))
            while len(rows) < row:
                rows.append({})
            rows[row - 1][table.group(3)] = value
        elif item and isinstance(result.setdefault(item.group(1), {}), dict):
            result[item.group(1)][item.group(2)] = value
        else:
            result[c.tag] = value
    return result


def _free_value(c: FoundControl, reading: _Reading):
    placeholders = reading.placeholders
    if c.word_type == "checkbox":
        return bool(c.checked)
    if c.word_type == "date":
        return _as_date(c, reading)
    if c.word_type == "dropdown":
        value = _dropdown_value(c, placeholders)
        values = [v for _, v in c.items]
        if values and values == [str(i) for i in range(1, len(values) + 1)]:  # a rating scale
            return _rating(value)
        return value
    return "" if _is_empty(c, placeholders) else c.text.strip()


# -- knowledge from the model ----------------------------------------------------------

def _identify(model: m.Model, parts: dict, found: list[FoundControl]):
    """Which of the model's forms this file is: by identifier, tags, then title."""
    core = parts.get("core")
    ident = _file_properties(parts).get(ctl.FORM_PROPERTY) or _identifier(parts)
    if ident:
        form = model.find("form", ident)
        if form is not None:
            return form
    tags = {c.tag for c in found if c.tag}
    if tags:
        best = max(model.forms, key=lambda f: len(tags & {c.tag for c in ctl.controls(f)}), default=None)
        if best is not None and tags & {c.tag for c in ctl.controls(best)}:
            return best
    if core is not None:
        title = _norm(core.findtext(f"{DC}title") or "")
        for form in model.forms:
            if title and title in {_norm(v) for v in form.title.values.values()}:
                return form
    if tags:
        return None  # read from the tags alone
    if not found:
        raise UnreadableForm("this file holds no form fields: it is not one of the programme's forms")
    raise UnreadableForm("this file's fields have lost their tags (it was probably saved by another word "
                         "processor) and it is not one of the programme's forms (no identifier or title matches); "
                         "pass the form it was made from to read it by field order: read_form(path, form)")


def _check_same_form(form, parts: dict, found: list[FoundControl], name: str) -> None:
    """Refuse a file made from another form than the `form` given (its answers would all be lost)."""
    ident = _file_properties(parts).get(ctl.FORM_PROPERTY) or _identifier(parts)
    form_id = getattr(form, "id", None)
    if ident and form_id and ident != form_id:
        raise UnreadableForm(f"{name} is the form {ident!r}, not {form_id!r}: read it with "
                             "its own form, or pass the whole model to have the form recognised")
    tags = {c.tag for c in found if c.tag}
    if tags and not tags & {c.tag for c in ctl.controls(form)}:
        raise UnreadableForm(f"none of the fields of {name} belongs to the form {form_id!r}: it was made from "
                             "another form or document; read it with its own form, or pass the whole model")


def _identifier(parts: dict) -> Optional[str]:
    """The form id the core properties record ("dyade:form:<id>"), if any."""
    core = parts.get("core")
    ident = (core.findtext(f"{DC}identifier") or "").strip() if core is not None else ""
    return ident[len("dyade:form:"):] or None if ident.startswith("dyade:form:") else None


def _file_properties(parts: dict) -> dict[str, str]:
    """The custom document properties of the file, {name: text}."""
    custom = parts.get("custom")
    out: dict[str, str] = {}
    if custom is None:
        return out
    for prop in custom.iter(f"{CUSTOM}property"):
        name = prop.get("name")
        if name and name not in out:
            out[name] = "".join(prop.itertext()).strip()[:200]
    return out


def _file_language(parts: dict, props: dict, model) -> Optional[str]:
    """The file's language: the one Dyade recorded, else the document's,
    matched to the programme's languages by its primary subtag."""
    core = parts.get("core")
    said = props.get(ctl.LANGUAGE_PROPERTY) or (core.findtext(f"{DC}language") if core is not None else None)
    said = (said or "").strip()
    if not said:
        return None
    languages = list(model.languages) if model is not None else []
    if said in languages:
        return said
    primary = said.split("-")[0].lower()
    return next((l for l in languages if l.split("-")[0].lower() == primary), primary or None)


def _default_model():
    """The project the current folder is in (as the commands find it), else
    the bundled programme; None if it does not load."""
    from . import sources
    from .errors import SourceErrors
    from .project import find_project
    try:
        root = find_project(Path.cwd())
    except OSError:  # the current folder was deleted
        root = None
    root = root or bundled.ROOT
    try:
        return sources.load(root)
    except (SourceErrors, OSError):
        return None


def _strings(model) -> dict[str, dict[str, str]]:
    if model is not None and model.strings:
        return {k: dict(v.values) for k, v in model.strings.items()}
    return _bundled_strings()


_BUNDLED: dict | None = None


def _bundled_strings() -> dict[str, dict[str, str]]:
    """The interface strings shipped with Dyade, when no model is given."""
    global _BUNDLED
    if _BUNDLED is None:
        _BUNDLED = {}
        try:
            from . import sources
            data = sources.shipped_strings()
            if isinstance(data, dict):
                _BUNDLED = {str(k): {str(l): str(t) for l, t in v.items()} for k, v in data.items()
                            if isinstance(v, dict)}
        except Exception:  # the reader still works, only less tolerant of placeholders
            _BUNDLED = {}
    return _BUNDLED


def _known_placeholders(form, model) -> set[str]:
    texts: set[str] = set()
    for key, values in _strings(model).items():
        if key.startswith("placeholder"):
            texts |= {_norm(v) for v in values.values()}
    if form is not None:
        for f in form.input_fields():
            for sub in [f, *getattr(f, "columns", [])]:
                if getattr(sub, "placeholder", None) is not None:
                    texts |= {_norm(v) for v in sub.placeholder.values.values()}
    return texts


def month_names(model) -> dict[str, int]:
    """Month names and abbreviations of the declared languages and of the
    languages people often write dates in (dyade.dates)."""
    return _month_table(tuple(_strings(model).get("month_names", {}).values()))


@functools.lru_cache(maxsize=8)
def _month_table(declared: tuple[str, ...]) -> dict[str, int]:
    return dates.month_table(declared)
