"""Fill a PDF form with PDFium (the engine of Chrome and Edge), as a person
would: focus each field, type its answer, click the box to tick, then save.

    fill(src, dst, {"mentee-name": "Ana", "ready": True, "goal": "lead"})

Text answers are typed into the focused field (PDFium writes the value and
makes the appearance stream itself); a checkbox is clicked once; a radio
button is the widget whose export value is the answer, clicked.  Returns
the names of the fields PDFium reported, with their types, so that a test
can compare them with the form.
"""
from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

TEXT_TYPES = {raw.FPDF_FORMFIELD_TEXTFIELD}
BUTTON_TYPES = {raw.FPDF_FORMFIELD_CHECKBOX, raw.FPDF_FORMFIELD_RADIOBUTTON}


def _utf16(getter, *args) -> str:
    size = getter(*args, ctypes.POINTER(ctypes.c_ushort)(), 0)
    if size <= 2:
        return ""
    buf = ctypes.create_string_buffer(size)
    getter(*args, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), size)
    return buf.raw[: size - 2].decode("utf-16-le")


def _wide(text: str):
    data = (text + "\0").encode("utf-16-le")
    return ctypes.cast(ctypes.create_string_buffer(data, len(data)), raw.FPDF_WIDESTRING)


def widgets(pdf) -> list[dict]:
    """Every widget: page index, field name, type, export value, centre."""
    form = pdf.formenv.raw
    out = []
    for index in range(len(pdf)):
        page = pdf[index]
        for i in range(raw.FPDFPage_GetAnnotCount(page.raw)):
            annot = raw.FPDFPage_GetAnnot(page.raw, i)
            if raw.FPDFAnnot_GetSubtype(annot) != raw.FPDF_ANNOT_WIDGET:
                raw.FPDFPage_CloseAnnot(annot)
                continue
            rect = raw.FS_RECTF()
            raw.FPDFAnnot_GetRect(annot, rect)
            out.append({
                "page": index,
                "name": _utf16(raw.FPDFAnnot_GetFormFieldName, form, annot),
                "type": raw.FPDFAnnot_GetFormFieldType(form, annot),
                "export": _utf16(raw.FPDFAnnot_GetFormFieldExportValue, form, annot),
                "tooltip": _utf16(raw.FPDFAnnot_GetFormFieldAlternateName, form, annot),
                "rect": (rect.left, rect.bottom, rect.right, rect.top),
                "index": i,
            })
            raw.FPDFPage_CloseAnnot(annot)
    return out


def fill(src: Path, dst: Path, answers: dict, incremental: bool = False) -> list[dict]:
    """`incremental`: saved as an update appended to the file, as viewers
    save a signed document (the signed bytes stay as they were)."""
    pdf = pdfium.PdfDocument(str(src))
    pdf.init_forms()
    form = pdf.formenv.raw
    found = widgets(pdf)
    pages = {}  # one page object each, loaded once: PDFium keeps its form state per loaded page
    for w in found:
        if w["name"] not in answers:
            continue
        value = answers[w["name"]]
        if w["page"] not in pages:
            pages[w["page"]] = pdf[w["page"]]
        page = pages[w["page"]]
        left, bottom, right, top = w["rect"]
        x, y = (left + right) / 2, (bottom + top) / 2
        if w["type"] in TEXT_TYPES:
            annot = raw.FPDFPage_GetAnnot(page.raw, w["index"])
            raw.FORM_SetFocusedAnnot(form, annot)
            raw.FORM_SelectAllText(form, page.raw)
            for char in str(value):  # typed, key by key
                if char == "\n":
                    raw.FORM_OnKeyDown(form, page.raw, 0x0D, 0)
                    raw.FORM_OnChar(form, page.raw, 0x0D, 0)
                    raw.FORM_OnKeyUp(form, page.raw, 0x0D, 0)
                else:
                    raw.FORM_OnChar(form, page.raw, ord(char), 0)
            raw.FORM_ForceToKillFocus(form)
            raw.FPDFPage_CloseAnnot(annot)
        elif w["type"] == raw.FPDF_FORMFIELD_CHECKBOX and value is True or \
                w["type"] == raw.FPDF_FORMFIELD_RADIOBUTTON and w["export"] == str(value):
            raw.FORM_OnLButtonDown(form, page.raw, 0, x, y)
            raw.FORM_OnLButtonUp(form, page.raw, 0, x, y)
            raw.FORM_ForceToKillFocus(form)
    pdf.save(str(dst), flags=raw.FPDF_INCREMENTAL if incremental else 0)
    pdf.close()
    return found
