"""What `dyade collect` writes from a Collection, one module per output,
as the writers are for the build: each module gives `write(collection,
out_dir) -> [file names]`, and `REPORTS` lists them.  The columns every
tabular report shares (one per answer, headed by the label in the
programme's first language and the id) are made here, once."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from .. import model as m

# In the order they are written; problems last, so it names every other file.
REPORTS = ("answers_json", "tables", "workbook", "progress", "problems")


def load(name: str):
    return importlib.import_module(f"{__name__}.{name}")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[dict], Any]     # from a record's values (or a table row)
    kind: str                        # the control kind of its values, or "rows"


def label(text, lang: str, fallback: str) -> str:
    if text is None:
        return fallback
    return " ".join((text.values.get(lang) or next(iter(text.values.values()), fallback)).split())


def ui(model: m.Model, key: str, lang: str) -> str:
    """An interface string of the programme (templates/strings.yml)."""
    return label(model.strings.get(key), lang, key)


def answer_columns(model: m.Model, form: m.Form, lang: str) -> list[Column]:
    """One column per answer of `form`; a table is one column counting its
    filled rows (its rows have a report of their own: `table_columns`)."""
    out = []
    for f in form.input_fields():
        name = label(getattr(f, "label", None), lang, f.id)
        if isinstance(f, m.ChecklistField):
            for item in f.items:
                out.append(Column(f"{name} – {label(item.label, lang, item.value)} [{f.id}.{item.value}]",
                                  lambda a, f=f, v=item.value: (a.get(f.id) or {}).get(v), "checkbox"))
        elif isinstance(f, m.SignatureField):
            out.append(Column(f"{name} – {ui(model, 'name', lang)} [{f.id}-name]",
                              lambda a, k=f"{f.id}-name": a.get(k), "text"))
            out.append(Column(f"{name} – {ui(model, 'date', lang)} [{f.id}-date]",
                              lambda a, k=f"{f.id}-date": a.get(k), "date"))
            # A PDF signed digitally: whether it is intact (see Record.values).
            out.append(Column(f"{name} – {ui(model, 'collect_digital_signature', lang)} [{f.id}-signature]",
                              lambda a, k=f"{f.id}-signature": a.get(k) or "", "text"))
        elif isinstance(f, m.TableField):
            out.append(Column(f"{name} [{f.id}]", lambda a, f=f: len(filled_rows(f, a.get(f.id) or [])), "rows"))
        else:
            out.append(Column(f"{name} [{f.id}]", lambda a, k=f.id: a.get(k), type(f).control))
    return out


def table_columns(table: m.TableField, lang: str) -> list[Column]:
    return [Column(f"{label(c.label, lang, c.id)} [{c.id}]", lambda row, k=c.id: row.get(k), type(c).control)
            for c in table.columns]


def filled_rows(table: m.TableField, rows: list[dict]) -> list[tuple[int, dict]]:
    """(row number, row) of the rows someone wrote in."""
    return [(n, row) for n, row in enumerate(rows, start=1)
            if any(v not in (None, "", False) for v in row.values())]


def tables_of(form: m.Form) -> list[m.TableField]:
    return [f for f in form.input_fields() if isinstance(f, m.TableField)]
