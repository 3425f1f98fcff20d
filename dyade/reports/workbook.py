"""answers.xlsx: a sheet per form and a sheet per table field, with a
frozen header row, columns as wide as their contents need (within
reason), dates as dates, numbers as numbers, ticks as TRUE/FALSE.  An
answer that needs a look is shaded and carries the reason as a comment."""
from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from ..readback import Flagged
from . import answer_columns, filled_rows, table_columns, tables_of
from .output import write_bytes
from .tables import file_cells, file_columns
from .values import ILLEGAL, as_cell

FLAG_FILL = PatternFill("solid", fgColor="FFF2CC")
MAX_WIDTH, MIN_WIDTH = 60, 8


def write(collection, out: Path) -> list[str]:
    model = collection.model
    lang = model.languages[0]
    book = Workbook()
    book.remove(book.active)
    names: set[str] = set()
    for form in model.forms:
        records = [r for r in collection.records if r.form is form]
        columns = answer_columns(model, form, lang)
        sheet = _sheet(book, form.id, names)
        kinds = ["text", "text", "text", "date", *(c.kind for c in columns)]
        _header(sheet, [*file_columns(model, lang), *(c.header for c in columns)])
        for r in records:
            _row(sheet, [*file_cells(r), *(c.value(r.values) for c in columns)], kinds)
        _finish(sheet)
        for table in tables_of(form):
            cols = table_columns(table, lang)
            sheet = _sheet(book, f"{form.id}.{table.id}", names)
            _header(sheet, [*file_columns(model, lang), "#", *(c.header for c in cols)])
            kinds = ["text", "text", "text", "date", "number", *(c.kind for c in cols)]
            for r in records:
                for n, row in filled_rows(table, r.answers.get(table.id) or []):
                    _row(sheet, [*file_cells(r), n, *(c.value(row) for c in cols)], kinds)
            _finish(sheet)
    raw = io.BytesIO()
    book.save(raw)
    write_bytes(out / "answers.xlsx", raw.getvalue())
    return ["answers.xlsx"]


def _sheet(book, wanted: str, taken: set[str]):
    """A sheet named `wanted` as far as Excel allows (31 characters, none of []:*?/\\), unique."""
    base = re.sub(r"[\[\]:*?/\\]", "-", wanted)[:31] or "sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f"~{n}"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return book.create_sheet(name)


def _header(sheet, headers: list[str]) -> None:
    sheet.append([ILLEGAL.sub("", h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.data_type = "s"
    sheet.freeze_panes = "A2"


def _row(sheet, values: list, kinds: list[str]) -> None:
    cells = [as_cell(v, k) for v, k in zip(values, kinds)]
    sheet.append([None if c == "" else c for c in cells])
    row = sheet.max_row
    for col, (value, cell_value) in enumerate(zip(values, cells), start=1):
        cell = sheet.cell(row=row, column=col)
        if isinstance(cell_value, str):
            cell.data_type = "s"  # a text is never a formula, whatever it starts with
            if "\n" in cell_value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        elif hasattr(cell_value, "isoformat"):
            cell.number_format = "yyyy-mm-dd"
        if isinstance(value, Flagged):
            cell.fill = FLAG_FILL
            cell.comment = Comment(ILLEGAL.sub("", value.problem), "Dyade")


def _finish(sheet) -> None:
    """Column widths that fit the longest line of each column, within bounds."""
    for column in sheet.columns:
        longest = MIN_WIDTH
        for cell in column:
            if cell.value is None:
                continue
            text = cell.value.isoformat() if hasattr(cell.value, "isoformat") else str(cell.value)
            longest = max(longest, max(len(line) for line in text.splitlines() or [""]) + 2)
        sheet.column_dimensions[column[0].column_letter].width = min(longest, MAX_WIDTH)
