"""progress.csv and progress.html: one row per participant, a column per
form, with when it came back and, from the milestones of programme.yml
(their `forms:`), what is overdue today.  This is the follow-up the
verification checklist (form 5) asks the coordinator to keep by hand."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .. import bundled
from .. import people, typography
from .. import model as m
from .. import safety
from . import label, ui
from .output import write_bytes
from .tables import write_csv

TEMPLATES = bundled.TEMPLATES / "reports"


@dataclass
class Cell:
    status: str                      # "returned", "overdue", "not_due", "open" (no milestone)
    count: int = 0
    last: dt.date | None = None
    due: dt.date | None = None


@dataclass
class Row:
    name: str
    others: list[str]
    cells: list[Cell]
    overdue: list[m.Form] = field(default_factory=list)


def due_dates(model: m.Model) -> dict[str, dt.date]:
    """{form id: the date of the first milestone that lists it}."""
    due: dict[str, dt.date] = {}
    for milestone in model.programme.calendar:
        for ref in milestone.forms:
            kind, _, ident = ref.partition(":")
            if kind == "form" and (ident not in due or milestone.date < due[ident]):
                due[ident] = milestone.date
    return due


def rows(collection) -> list[Row]:
    model = collection.model
    due = due_dates(model)
    names = collection.people()
    keys = sorted(names, key=lambda k: (people.key(names[k]), names[k]))
    if any(not r.person for r in collection.records):
        keys.append("")
    out = []
    for key in keys:
        mine = [r for r in collection.records if r.person == key]
        others = sorted({people.display(n) for r in mine for n in r.who[1:] if people.key(n)}, key=people.key)
        cells, overdue = [], []
        for form in model.forms:
            got = [r for r in mine if r.form is form]
            when = due.get(form.id)
            if got:
                cells.append(Cell("returned", len(got), max(r.returned for r in got), when))
            elif when is None:
                cells.append(Cell("open"))
            elif when < collection.today:
                cells.append(Cell("overdue", due=when))
                overdue.append(form)
            else:
                cells.append(Cell("not_due", due=when))
        name = names.get(key) or ui(model, "collect_not_said", model.languages[0])
        out.append(Row(name, others, cells, overdue if key else []))
    return out


def cell_text(model, cell: Cell, lang: str, date) -> str:
    if cell.status == "returned":
        if cell.count == 1:
            return date(cell.last)
        return safety.fill(ui(model, "collect_times", lang), {"count": str(cell.count), "date": date(cell.last)})
    if cell.status == "overdue":
        return f"{ui(model, 'collect_overdue', lang)} ({safety.fill(ui(model, 'collect_due', lang), {'date': date(cell.due)})})"
    if cell.status == "not_due":
        return f"{ui(model, 'collect_not_due', lang)} ({safety.fill(ui(model, 'collect_due', lang), {'date': date(cell.due)})})"
    return ""


def form_heading(model, form: m.Form, lang: str) -> str:
    return f"{ui(model, 'form', lang)} {form.number} – {label(form.title, lang, form.id)}"


def write(collection, out: Path) -> list[str]:
    model = collection.model
    lang = model.languages[0]
    table = rows(collection)
    header = [ui(model, "collect_person", lang), ui(model, "collect_with", lang),
              *(form_heading(model, f, lang) for f in model.forms)]
    iso = lambda d: d.isoformat()  # noqa: E731 - a spreadsheet sorts ISO dates
    write_csv(out, "progress.csv", header,
         [[r.name, "; ".join(r.others), *(cell_text(model, c, lang, iso) for c in r.cells)] for r in table])
    words = lambda d: model.long_date(d, lang)  # noqa: E731
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    problems = len(collection.problems())
    env.filters["typo"] = lambda text: typography.spacing(str(text), lang)
    page = env.get_template("progress.html.j2").render(
        lang=lang,
        title=ui(model, "collect_progress_title", lang),
        programme=label(model.programme.title, lang, ""),
        as_of=safety.fill(ui(model, "collect_as_of", lang), {"today": words(collection.today),
                                                              "files": str(len(collection.records))}),
        only_returned=ui(model, "collect_only_returned", lang),
        header=header,
        rows=[{"name": r.name, "others": "; ".join(r.others),
               "cells": [{"status": c.status, "text": cell_text(model, c, lang, words)} for c in r.cells],
               "overdue": [form_heading(model, f, lang) for f in r.overdue]} for r in table],
        missing_title=ui(model, "collect_missing", lang),
        none_missing=ui(model, "collect_none_missing", lang),
        problems=safety.fill(ui(model, "collect_problems", lang), {"count": str(problems)}) if problems else "",
    )
    write_bytes(out / "progress.html", page.encode("utf-8"))
    return ["progress.csv", "progress.html"]
