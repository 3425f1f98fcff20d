"""Returned forms → one collection of answers, for the reports.

    collection = collect(model, Path("returned"), today=dt.date.today())

Every file under the folder (sub-folders too) is read by the reader its
name's ending selects (`READERS`: the DOCX and the fillable-PDF read-backs;
a new kind of returned file is one more entry), one at a time: a file that cannot
be read becomes one problem and the others go on.  Nothing under the
folder is ever written, moved or deleted.  The result is the same for the
same files, whatever order the disk lists them in.
"""
from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from . import controls as ctl
from . import model as m
from . import people
from .readback import Returned, UnreadableForm, read_return
from .readback_pdf import read_pdf_return


@dataclass
class Record:
    """One returned file that was read."""
    path: str                      # relative to the returned folder, with /
    form: m.Form
    lang: Optional[str]
    version: Optional[str]         # the version the file was made from
    answers: dict
    returned: dt.date              # when the file arrived (its modification date)
    who: list[str]                 # the answers of the form's `identifies` fields, as written
    problems: list[str] = field(default_factory=list)
    signatures: dict[str, str] = field(default_factory=dict)  # {signature field id: status}, PDF forms

    @property
    def values(self) -> dict:
        """The answers, and what the file says beside them: the state of
        each digital signature, as `<id>-signature` (PDF forms)."""
        return {**self.answers, **{f"{ident}-signature": status for ident, status in self.signatures.items()}}

    @property
    def person(self) -> str:
        """The key of the person the copy is filed under ("" if not said)."""
        return people.key(self.who[0]) if self.who else ""

    @property
    def current(self) -> bool:
        return self.version == ctl.form_version(self.form)


@dataclass
class Collection:
    model: m.Model
    today: dt.date
    shown: str = ""               # the returned folder as the coordinator named it, for problem lines
    records: list[Record] = field(default_factory=list)
    unread: list[tuple[str, str]] = field(default_factory=list)   # (path, why)
    notes: list[str] = field(default_factory=list)                # about people: near-matches

    def problems(self) -> list[str]:
        """Every line for problems.txt, files first, in path order."""
        at = f"{self.shown.rstrip('/')}/" if self.shown else ""
        lines = [f"{at}{path}: {why}" for path, why in self.unread]
        lines += [f"{at}{r.path}: {p}" for r in self.records for p in r.problems]
        return lines + self.notes

    def people(self) -> dict[str, str]:
        """{key: the name as most often written} of everyone named as the
        person a copy is filed under."""
        return people.most_written(r.who[0] for r in self.records if r.who)


# How each kind of returned file is read, by the end of its name.
READERS: dict[str, Callable[[Path, m.Model], Returned]] = {
    ".docx": read_return,
    ".pdf": read_pdf_return,
}

# Files a word processor or a mail program leaves beside real ones.
IGNORED_PREFIXES = ("~$", ".~lock.", "._")
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


def collect(model: m.Model, folder: Path, *, today: dt.date, shown: str = "") -> Collection:
    """Read every returned file under `folder` (see the module help);
    `shown` is the folder as the coordinator named it."""
    collection = Collection(model, today, shown)
    for path in returned_files(folder):
        rel = path.relative_to(folder).as_posix()
        outcome = read_one(path, rel, model)
        if isinstance(outcome, Record):
            collection.records.append(outcome)
        else:
            collection.unread.append((rel, outcome))
    collection.notes = _name_notes(collection)
    return collection


def returned_files(folder: Path) -> list[Path]:
    """Every file under `folder` worth a look, sorted; folders reached
    through links are not entered (a link could lead anywhere, or loop)."""
    found = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name in IGNORED_NAMES or name.startswith(IGNORED_PREFIXES):
                continue
            found.append(Path(top) / name)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def read_one(path: Path, rel: str, model: m.Model) -> Record | str:
    """The record of one file, or why it could not be read (one sentence)."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return f"cannot be opened ({exc.strerror or exc})"
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISLNK(info.st_mode):
        return "is not an ordinary file (a pipe, a socket or a device); it was not opened"
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        if path.suffix.lower() == ".doc":
            return ("is an old Word (.doc) file: open it in Word or LibreOffice and save it as .docx "
                    "(Word document), then put that file here")
        return f"is not a returned form Dyade can read (it reads {known} files); move it elsewhere if it is not one"
    try:
        returned = reader(path, model)
    except UnreadableForm as exc:
        return str(exc).removeprefix(f"{path.name} ").removeprefix(f"{path.name}: ")
    except Exception as exc:  # hostile or broken input must never stop the others
        return f"could not be read ({type(exc).__name__}); open it in Word or LibreOffice and save it again"
    if returned.form is None:
        return "is not one of this programme's forms (none of its fields matches one of them)"
    other = _other_programme(path, returned, model)
    if other:
        return other
    form = returned.form
    who = []
    for ident in form.identifies:
        value = returned.answers.get(f"{ident}-name" if f"{ident}-name" in returned.answers else ident)
        who.append(people.display(value) if isinstance(value, str) else "")
    record = Record(rel, form, returned.lang, returned.version, returned.answers,
                    dt.date.fromtimestamp(os.stat(path).st_mtime), who, list(returned.problems),
                    dict(returned.signatures))
    if returned.version and not record.current:
        record.problems.insert(0, f"made from an older version of the form {form.id!r} (version {returned.version}; "
                                  f"the form is now version {ctl.form_version(form)}): fields added since are empty")
    if form.identifies and not record.person:
        names = ", ".join(repr(i) for i in form.identifies)
        record.problems.append(f"does not say whose it is ({names} left empty): it is listed under "
                               "'not said' until the name is filled in")
    return record


def _other_programme(path: Path, returned: Returned, model: m.Model) -> str | None:
    """Why the file belongs to another programme, if it does: its subject
    is that programme's title."""
    titles = {people.key(t) for t in model.programme.title.values.values()}
    if returned.programme and people.key(returned.programme) not in titles:
        what = returned.form.title.values.get(returned.lang or "", None) or returned.form.id
        return (f"is the form “{what}” of another programme (“{returned.programme}”); "
                "its answers were not collected: if the programme was only renamed, give the file back to be "
                "filled in on the current form")
    if returned.form_id and model.find("form", returned.form_id) is None:
        return f"is the form {returned.form_id!r}, which this programme does not have (a form of another programme?)"
    return None


def _name_notes(collection: Collection) -> list[str]:
    """Names that are probably one person written two ways."""
    written = [name for r in collection.records for name in r.who]
    names = people.most_written(written)
    files: dict[str, int] = {}
    for name in written:
        files[people.key(name)] = files.get(people.key(name), 0) + 1
    notes = []
    for a, b in people.near_matches(names):
        notes.append(f"names: \u201c{names[a]}\u201d ({_files(files[a])}) and \u201c{names[b]}\u201d "
                     f"({_files(files[b])}) may be the same person; they were kept apart: if they are one, "
                     "correct the name in the files that misspell it and run collect again")
    return notes


def _files(n: int) -> str:
    return f"{n} file{'s' if n != 1 else ''}"
