"""<form-id>.csv per form (one row per returned file) and
<form-id>.<table-id>.csv per table field (one row per filled table row):
UTF-8 with a byte-order mark, which Excel needs to show accents."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from . import answer_columns, filled_rows, table_columns, tables_of, ui
from .output import write_bytes
from .values import as_text


def file_columns(model, lang: str) -> list[str]:
    return [ui(model, k, lang) for k in ("collect_file", "collect_language", "collect_version", "collect_returned")]


def file_cells(record) -> list:
    return [record.path, record.lang or "", record.version or "", record.returned.isoformat()]


def write(collection, out: Path) -> list[str]:
    model = collection.model
    lang = model.languages[0]
    written = []
    for form in model.forms:
        records = [r for r in collection.records if r.form is form]
        columns = answer_columns(model, form, lang)
        rows = [[*file_cells(r), *(c.value(r.values) for c in columns)] for r in records]
        written.append(write_csv(out, f"{form.id}.csv", [*file_columns(model, lang), *(c.header for c in columns)], rows))
        for table in tables_of(form):
            cols = table_columns(table, lang)
            rows = [[*file_cells(r), n, *(c.value(row) for c in cols)]
                    for r in records for n, row in filled_rows(table, r.answers.get(table.id) or [])]
            written.append(write_csv(out, f"{form.id}.{table.id}.csv",
                                [*file_columns(model, lang), ui(model, "collect_row", lang), *(c.header for c in cols)],
                                rows))
    return written


def write_csv(out: Path, name: str, header: list[str], rows: list[list]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([as_text(h) for h in header])
    for row in rows:
        writer.writerow([as_text(v) for v in row])
    write_bytes(out / name, "\ufeff".encode("utf-8") + text.getvalue().encode("utf-8"))
    return name
