"""Low-level WordprocessingML builders: content controls and the few other
elements python-docx has no API for.

Everything that knows the raw XML of a Word content control (`w:sdt`) lives
here; `dyade.writers.docx` composes these pieces and `dyade.readback` reads
them back.  Element order inside `w:sdtPr` follows the schema's sequence
(rPr, alias, tag, id, lock, placeholder, temporary, showingPlcHdr, …, then the
type element); Word 2010 extensions (`w14:*`) come last.
"""
from __future__ import annotations

from typing import Iterable

from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"

PLACEHOLDER_STYLE_ID = "PlaceholderText"
PLACEHOLDER_STYLE_NAME = "Placeholder Text"
CHECKED_GLYPH = "\u2612"    # ☒
UNCHECKED_GLYPH = "\u2610"  # ☐
CHECKBOX_FONT = "MS Gothic"


def el(tag: str, attrs: dict[str, str] | None = None, *children, text: str | None = None):
    """A new element `tag` ("w:sdt") with prefixed attributes and children."""
    node = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        node.set(qn(name), str(value))
    for child in children:
        if child is not None:
            node.append(child)
    if text is not None:
        node.text = text
    return node


def text_el(text: str):
    """A `w:t` that keeps leading and trailing spaces."""
    t = el("w:t", text=text)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return t


def run(text: str = "", *, style: str | None = None, bold: bool = False, italic: bool = False,
        font: str | None = None, colour: str | None = None, lang: str | None = None):
    """A `w:r` holding `text`; newlines become `w:br`."""
    r = el("w:r")
    rpr = run_props(style=style, bold=bold, italic=italic, font=font, colour=colour, lang=lang)
    if rpr is not None:
        r.append(rpr)
    for i, line in enumerate(text.split("\n")):
        if i:
            r.append(el("w:br"))
        if line:
            r.append(text_el(line))
    return r


def line_breaks(count: int):
    """A `w:r` of `count` line breaks: empty writing lines after a control."""
    return el("w:r", None, *(el("w:br") for _ in range(count)))


def run_props(*, style=None, bold=False, italic=False, font=None, colour=None, lang=None):
    children = []
    if style:
        children.append(el("w:rStyle", {"w:val": style}))
    if font:
        children.append(el("w:rFonts", {"w:ascii": font, "w:hAnsi": font, "w:eastAsia": font, "w:cs": font}))
    if bold:
        children.append(el("w:b"))
    if italic:
        children.append(el("w:i"))
    if colour:
        children.append(el("w:color", {"w:val": colour}))
    if lang:
        children.append(el("w:lang", {"w:val": lang}))
    return el("w:rPr", None, *children) if children else None


PLACEHOLDER_COLOUR = "6B6B6B"  # of the "Placeholder Text" style: grey, yet readable in print


def placeholder_run(text: str, lang: str | None = None):
    """The grey prompt shown in an empty control, styled "Placeholder Text".

    No direct colour: what Word gives the text typed in its place is the
    control's own `w:sdtPr/w:rPr` (see `text_control`).
    """
    return run(text, style=PLACEHOLDER_STYLE_ID, lang=lang)


# -- content controls ------------------------------------------------------

def _sdt(tag: str, alias: str, sdt_id: int, type_el, content_runs: Iterable, *,
         showing_placeholder: bool, extensions: Iterable = (), typed_rpr=None):
    pr = el("w:sdtPr")
    if typed_rpr is not None:  # the run properties of what is typed in place of the placeholder
        pr.append(typed_rpr)
    pr.append(el("w:alias", {"w:val": alias}))
    pr.append(el("w:tag", {"w:val": tag}))
    pr.append(el("w:id", {"w:val": str(sdt_id)}))
    if showing_placeholder:
        pr.append(el("w:showingPlcHdr"))
    if type_el is not None:
        pr.append(type_el)
    for ext in extensions:
        pr.append(ext)
    content = el("w:sdtContent", None, *content_runs)
    return el("w:sdt", None, pr, el("w:sdtEndPr"), content)


def text_control(tag: str, alias: str, sdt_id: int, placeholder: str, *, multiline: bool = False,
                 lang: str | None = None, typed_colour: str | None = None):
    """Plain text control (`w:text`); `multiline` allows line breaks.

    `typed_colour` ("rrggbb") goes into the control's `w:sdtPr/w:rPr`, which
    Word gives to the text typed in place of the placeholder: the writer puts
    these controls in grey paragraphs (LibreOffice 7.4 opens them as input
    fields, drawn in the paragraph's colour whatever their runs say), and the
    answers typed in Word must not be grey."""
    type_el = el("w:text", {"w:multiLine": "1"} if multiline else None)
    return _sdt(tag, alias, sdt_id, type_el, [placeholder_run(placeholder, lang)], showing_placeholder=True,
                typed_rpr=run_props(colour=typed_colour))


def date_control(tag: str, alias: str, sdt_id: int, placeholder: str, *, locale: str, date_format: str,
                 lang: str | None = None):
    """Date picker; the chosen date lands in `w:date/@w:fullDate`."""
    type_el = el("w:date", None,
                 el("w:dateFormat", {"w:val": date_format}),
                 el("w:lid", {"w:val": locale}),
                 el("w:storeMappedDataAs", {"w:val": "dateTime"}),
                 el("w:calendar", {"w:val": "gregorian"}))
    return _sdt(tag, alias, sdt_id, type_el, [placeholder_run(placeholder, lang)], showing_placeholder=True)


def dropdown_control(tag: str, alias: str, sdt_id: int, placeholder: str, items: list[tuple[str, str]], *,
                     lang: str | None = None):
    """Drop-down list; `items` are (display text, stored value) pairs."""
    type_el = el("w:dropDownList", None,
                 *(el("w:listItem", {"w:displayText": display, "w:value": value}) for display, value in items))
    return _sdt(tag, alias, sdt_id, type_el, [placeholder_run(placeholder, lang)], showing_placeholder=True)


def checkbox_control(tag: str, alias: str, sdt_id: int, *, checked: bool = False):
    """Word 2010 check box (`w14:checkbox`); the run shows ☐ or ☒."""
    box = el("w14:checkbox", None,
             el("w14:checked", {"w14:val": "1" if checked else "0"}),
             el("w14:checkedState", {"w14:val": "2612", "w14:font": CHECKBOX_FONT}),
             el("w14:uncheckedState", {"w14:val": "2610", "w14:font": CHECKBOX_FONT}))
    glyph = run(CHECKED_GLYPH if checked else UNCHECKED_GLYPH, font=CHECKBOX_FONT)
    return _sdt(tag, alias, sdt_id, None, [glyph], showing_placeholder=False, extensions=[box])


# -- element order -------------------------------------------------------------
# Word refuses files whose property elements are out of schema order.

ORDER = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
             "tcPrChange"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"),
}


def insert_ordered(parent, child) -> None:
    """Insert `child` into a pPr, tcPr or tblPr at its schema position,
    replacing an element of the same name."""
    local = lambda node: node.tag.rsplit("}", 1)[-1]
    order = ORDER[local(parent)]
    name = local(child)
    for old in parent.findall(child.tag):
        parent.remove(old)
    rank = order.index(name)
    for sibling in parent:
        if local(sibling) in order and order.index(local(sibling)) > rank:
            sibling.addprevious(child)
            return
    parent.append(child)


# -- tables ------------------------------------------------------------------

def _tr_pr(tr):
    pr = tr.find(qn("w:trPr"))
    if pr is None:
        pr = el("w:trPr")
        tblpr_ex = tr.find(qn("w:tblPrEx"))
        (tblpr_ex.addnext if tblpr_ex is not None else lambda e: tr.insert(0, e))(pr)
    return pr


def mark_header_row(tr) -> None:
    """Mark a table row as a header row, repeated on every page."""
    pr = _tr_pr(tr)
    pr.append(el("w:cantSplit"))
    pr.append(el("w:tblHeader"))


def keep_row_together(tr) -> None:
    _tr_pr(tr).append(el("w:cantSplit"))


def shade(pr, fill: str) -> None:
    """Solid background on a `w:tcPr` or `w:pPr` (fill "rrggbb")."""
    insert_ordered(pr, el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": fill}))


def set_numbering(ppr, num_id: int, level: int = 0) -> None:
    """Make a paragraph an item of list instance `num_id`."""
    for old in ppr.findall(qn("w:numPr")):
        ppr.remove(old)
    insert_ordered(ppr, el("w:numPr", None, el("w:ilvl", {"w:val": str(level)}),
                           el("w:numId", {"w:val": str(num_id)})))


# -- fields, borders, settings ---------------------------------------------

def field_runs(instruction: str, result: str = "1", rpr_factory=None) -> list:
    """A complex field (`PAGE`, `NUMPAGES`) as the runs Word itself writes."""
    def r(*children):
        node = el("w:r")
        if rpr_factory:
            node.append(rpr_factory())
        for child in children:
            node.append(child)
        return node
    instr = el("w:instrText", text=f" {instruction} ")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return [r(el("w:fldChar", {"w:fldCharType": "begin"})), r(instr),
            r(el("w:fldChar", {"w:fldCharType": "separate"})), r(text_el(result)),
            r(el("w:fldChar", {"w:fldCharType": "end"}))]


def paragraph_borders(**sides: tuple[str, int, int, str]):
    """`w:pBdr` with sides given as (style, size in 1/8 pt, space in pt, colour)."""
    order = ("top", "left", "bottom", "right", "between")
    return el("w:pBdr", None, *(
        el(f"w:{side}", {"w:val": sides[side][0], "w:sz": str(sides[side][1]),
                          "w:space": str(sides[side][2]), "w:color": sides[side][3]})
        for side in order if side in sides))


def set_document_protection(settings, on: bool) -> None:
    """Turn forms protection (no password) on or off in settings.xml."""
    for old in settings.findall(qn("w:documentProtection")):
        settings.remove(old)
    if not on:
        return
    prot = el("w:documentProtection", {"w:edit": "forms", "w:enforcement": "1"})
    # In schema order it follows these elements (and precedes everything else in settings.xml).
    before = ("w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
              "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
              "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts",
              "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins", "w:alignBordersAndEdges",
              "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter", "w:gutterAtTop",
              "w:hideSpellingErrors", "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState",
              "w:formsDesign", "w:attachedTemplate", "w:linkStyles", "w:stylePaneFormatFilter",
              "w:stylePaneSortMethod", "w:documentType", "w:mailMerge", "w:revisionView", "w:trackRevisions",
              "w:doNotTrackMoves", "w:doNotTrackFormatting")
    anchor = None
    for child in settings:
        if child.tag in {qn(name) for name in before}:
            anchor = child
    if anchor is not None:
        anchor.addnext(prot)
    else:
        settings.insert(0, prot)


# -- custom document properties (docProps/custom.xml) ---------------------------

CUSTOM_PROPERTIES_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# The format id every custom property carries (fixed by the OOXML standard).
CUSTOM_PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_properties_xml(properties: dict[str, str]) -> bytes:
    """docProps/custom.xml holding `properties` as text properties; Word
    and LibreOffice show them under File > Properties > Custom and keep them
    when they save."""
    from xml.sax.saxutils import escape, quoteattr
    items = "".join(
        f'<property fmtid="{CUSTOM_PROPERTY_FMTID}" pid="{pid}" name={quoteattr(name)}>'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2))  # pid 0 and 1 are reserved
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{CUSTOM_PROPERTIES_NS}" xmlns:vt="{VT_NS}">{items}</Properties>').encode("utf-8")
