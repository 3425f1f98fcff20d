"""The fillable controls of a form, in document order.

One list shared by the DOCX writer (which emits the controls in this order,
with these tags) and by `dyade.readback` (which maps a filled file back to
field ids, by tag or, when an editor dropped the tags, by this order).

Tags: the field id; `<field-id>.<item-value>` for a checklist item;
`<field-id>.<row>.<column-id>` for a table cell (rows counted from 1);
`<id>-name` and `<id>-date` for a signature block.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional

from . import model as m

# Control kinds (what `control` says on a field class of dyade.model).
TEXT, LONG_TEXT, DATE, NUMBER = "text", "long_text", "date", "number"
CHOICE, RATING, CHECKBOX = "choice", "rating", "checkbox"
KINDS = (TEXT, LONG_TEXT, DATE, NUMBER, CHOICE, RATING, CHECKBOX)

# The Word control type each kind becomes (what a reader can still see).
WORD_TYPE = {TEXT: "text", LONG_TEXT: "text", DATE: "date", NUMBER: "text", CHOICE: "dropdown",
             RATING: "dropdown", CHECKBOX: "checkbox"}


@dataclass(frozen=True)
class Control:
    tag: str
    kind: str                       # one of the kinds above
    field: object                   # the model field (or table column) it fills
    key: str                        # key of the value in read_form's result
    parent: Optional[object] = None  # the checklist, table or signature field, if any
    row: Optional[int] = None       # table row, from 1
    item: Optional[str] = None      # checklist item value, or table column id

    @property
    def word_type(self) -> str:
        return WORD_TYPE[self.kind]


def kind_of(f) -> str:
    """The control kind of a single-control field (its class says)."""
    return type(f).control


def choices(f) -> list[str]:
    """Stored values of a choice or rating field, in list order."""
    if isinstance(f, m.RatingField):
        return [str(i) for i in range(1, f.scale + 1)]
    return [o.value for o in f.options]


def controls(form) -> list[Control]:
    """Every control of `form` (anything with `input_fields()`), in order."""
    out: list[Control] = []
    for f in form.input_fields():
        if isinstance(f, m.ChecklistField):
            for item in f.items:
                out.append(Control(f"{f.id}.{item.value}", CHECKBOX, item, f.id, parent=f, item=item.value))
        elif isinstance(f, m.TableField):
            for row in range(1, f.rows + 1):
                for col in f.columns:
                    out.append(Control(f"{f.id}.{row}.{col.id}", kind_of(col), col, f.id, parent=f,
                                       row=row, item=col.id))
        elif isinstance(f, m.SignatureField):
            out.append(Control(f"{f.id}-name", TEXT, f, f"{f.id}-name", parent=f))
            out.append(Control(f"{f.id}-date", DATE, f, f"{f.id}-date", parent=f))
        else:
            out.append(Control(f.id, kind_of(f), f, f.id))
    return out


EMPTY = {TEXT: "", LONG_TEXT: "", DATE: None, NUMBER: None, CHOICE: None, RATING: None, CHECKBOX: False}


def empty_value(kind: str):
    """What read_form returns for a control nobody filled."""
    return EMPTY[kind]


def empty_result(form) -> dict:
    """read_form's answer for an untouched form: every key, every row."""
    result: dict = {}
    for f in form.input_fields():
        if isinstance(f, m.ChecklistField):
            result[f.id] = {item.value: False for item in f.items}
        elif isinstance(f, m.TableField):
            result[f.id] = [{col.id: empty_value(kind_of(col)) for col in f.columns} for _ in range(f.rows)]
        elif isinstance(f, m.SignatureField):
            result[f"{f.id}-name"] = ""
            result[f"{f.id}-date"] = None
        else:
            result[f.id] = empty_value(kind_of(f))
    return result


# Custom document properties of a form file: which form, language and version.
FORM_PROPERTY, LANGUAGE_PROPERTY, VERSION_PROPERTY = "dyade-form", "dyade-language", "dyade-form-version"


def form_version(form) -> str:
    """A short fingerprint of what a returned copy of `form` can hold: its
    controls' tags and kinds, and the values of its choices.  Labels and
    wording are left out on purpose: rewording a question does not make
    older copies a different version; adding, removing or retyping a field,
    or changing a choice's values, does."""
    parts = []
    for c in controls(form):
        values = ",".join(choices(c.field)) if c.kind in (CHOICE, RATING) else ""
        parts.append(f"{c.tag}:{c.kind}:{values}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:8]
