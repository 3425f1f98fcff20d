"""Answers as each kind of output file needs them: the plain text a CSV
cell holds (guarded against spreadsheet formulas), the typed value of a
workbook cell, the JSON value."""
from __future__ import annotations

import datetime as dt
import decimal
import re

from ..readback import Flagged

# A cell that starts with one of these is run as a formula by Excel and
# LibreOffice when a CSV is opened: a participant could write "=HYPERLINK(…)".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Characters an .xlsx cell cannot hold (XML 1.0 forbids them).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def as_text(value) -> str:
    """The text of a CSV cell."""
    if value is None:
        return ""
    if value is True or value is False:
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, decimal.Decimal, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def as_cell(value, kind: str):
    """The typed value of a workbook cell: a date, a number, a boolean or
    a text (a Flagged answer stays its text)."""
    if isinstance(value, Flagged):
        return ILLEGAL.sub("", value.text)
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL.sub("", value)
    return value


def as_json(value):
    if isinstance(value, Flagged):
        return {"text": value.text, "problem": value.problem}
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
