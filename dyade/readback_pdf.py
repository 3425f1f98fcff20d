"""Reading back a filled PDF form: the same answers as the DOCX read-back.

    returned = read_pdf_return(Path("returned/plan-ana.pdf"), model)

The fields of a Dyade PDF are named like the DOCX controls' tags
(dyade.controls), so every answer goes to the same key with the same type:
text as typed, dates and numbers checked the same way (a date that is not
one is kept as typed, with the reason), the chosen option's value, the
point of a rating, True for a tick.  A signature field says whether it
holds a signature and whether the document is unchanged since it was
signed (`Returned.signatures`).  The file is untrusted until read: its size
is bounded, it is parsed by qpdf (pikepdf) and by pyHanko for signatures,
never rendered, and whatever goes wrong is one plain sentence.
"""
from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Optional, Union

from . import controls as ctl
from . import dates
from . import model as m
from . import pdfform
from .readback import Flagged, Returned, UnreadableForm, flagged_problems, month_names, parse_number, read_whole, shown

# What `Returned.signatures` says of each signature field.
SIGNED_INTACT = "signed, intact"
SIGNED_ALTERED = "signed, but altered after signing"
SIGNED_UNREADABLE = "signed, but the signature cannot be checked"
NOT_SIGNED = ""


def read_pdf_return(path: Union[str, Path], model: m.Model) -> Returned:
    """The form, language, version, answers and problems of the filled PDF at `path`."""
    path = Path(path)
    data = read_whole(path)
    try:
        found = pdfform.read_fields(data, path.name)
    except pdfform.FormFileError as exc:
        raise UnreadableForm(str(exc)) from None
    if not found.values:
        raise UnreadableForm(f"{path.name} has no form fields left (it was probably printed to PDF, scanned or "
                             "flattened): ask for the file as the PDF reader saved it, or type its answers into a "
                             "blank form")
    form = _identify(model, found)
    lang = found.identity.get(ctl.LANGUAGE_PROPERTY) or found.language
    lang = lang if lang in model.languages else None
    form_id = found.identity.get(ctl.FORM_PROPERTY) or getattr(form, "id", None)
    version = found.identity.get(ctl.VERSION_PROPERTY)
    programme = found.identity.get("programme")
    if form is None:
        return Returned(None, form_id, lang, version, {}, programme=programme)
    answers, problems = _answers(form, found, model, lang)
    signatures, changed = _signatures(form, found, data)
    for ident, status in signatures.items():
        if status in (SIGNED_ALTERED, SIGNED_UNREADABLE):
            problems.append(f"{ident}: {status}; ask the signer for a newly signed copy")
    problems.extend(changed)
    return Returned(form, form_id, lang, version, answers, problems, programme, signatures)


def _identify(model: m.Model, found: pdfform.FoundFields) -> Optional[m.Form]:
    """The form the file says it is, else the form whose fields it holds."""
    named = found.identity.get(ctl.FORM_PROPERTY)
    if named:
        return model.find("form", named)
    names = set(found.values)
    best, best_share = None, 0.0
    for form in model.forms:
        tags = {c.tag for c in ctl.controls(form)}
        share = len(tags & names) / len(tags | names) if tags else 0.0
        if share > best_share:
            best, best_share = form, share
    return best if best_share >= 0.5 else None


def _answers(form, found: pdfform.FoundFields, model, lang) -> tuple[dict, list[str]]:
    months = month_names(model)
    result = ctl.empty_result(form)
    known = set()
    for control in ctl.controls(form):
        known.add(control.tag)
        if control.tag not in found.values:
            continue
        value = PDF_VALUE_READERS[control.kind](control, found.values[control.tag], months, lang)
        if isinstance(control.parent, m.ChecklistField):
            result[control.key][control.item] = value
        elif isinstance(control.parent, m.TableField):
            result[control.key][control.row - 1][control.item] = value
        else:
            result[control.key] = value
    known |= {f.id for f in form.input_fields() if isinstance(f, m.SignatureField)}
    problems = []
    for name in sorted(set(found.values) - known):
        value = found.values[name]
        if value not in (None, ""):
            problems.append(f"the field {name!r} is not in the form {form.id!r}, so its answer was not collected: "
                            f"{shown(value)}")
    problems.extend(flagged_problems(form, result))
    return result, problems


def _text(control, value: Optional[str], months, lang) -> str:
    return (value or "").strip()


def _date(control, value: Optional[str], months, lang):
    text = (value or "").strip()
    if not text:
        return None
    typed = dates.parse_typed_date(text, months, lang)
    return typed.isoformat() if hasattr(typed, "isoformat") else Flagged(text, str(typed))


def _number(control, value: Optional[str], months, lang):
    text = (value or "").strip()
    return parse_number(text, control.field) if text else None


def _choice(control, value: Optional[str], months, lang):
    if value is None:
        return None
    values = ctl.choices(control.field)
    if value in values:
        return value
    return Flagged(value, f"{value!r} is not one of the choices offered ({', '.join(values)})")


def _rating(control, value: Optional[str], months, lang):
    if value is None:
        return None
    if value in ctl.choices(control.field):
        return int(value)
    return Flagged(value, f"{value!r} is not a point of the scale (1 to {control.field.scale})")


def _checkbox(control, value: Optional[str], months, lang) -> bool:
    return value is not None


# How the value of each kind of PDF field is read (the same answers as
# readback.VALUE_READERS gives for the DOCX controls).
PDF_VALUE_READERS = m.require_kinds({
    ctl.TEXT: _text,
    ctl.LONG_TEXT: _text,
    ctl.DATE: _date,
    ctl.NUMBER: _number,
    ctl.CHOICE: _choice,
    ctl.RATING: _rating,
    ctl.CHECKBOX: _checkbox,
}, "the PDF read-back", ctl.KINDS)


def _signatures(form, found: pdfform.FoundFields, data: bytes) -> tuple[dict[str, str], list[str]]:
    """{signature field id: one of the SIGNED_… or NOT_SIGNED} of every
    signature block, and what needs a look (answers changed after signing)."""
    fields = [f.id for f in form.input_fields() if isinstance(f, m.SignatureField)]
    out = {ident: NOT_SIGNED for ident in fields}
    signed = [ident for ident in fields if ident in found.signed]
    problems: list[str] = []
    if not signed:
        return out, problems
    _quiet_pyhanko()
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        reader = PdfFileReader(io.BytesIO(data), strict=False)
        by_name = {s.field_name: s for s in reader.embedded_signatures}
    except Exception:  # untrusted input
        by_name = {}
    for ident in signed:
        sig = by_name.get(ident)
        try:
            status = _outside_event_loop(validate_pdf_signature, sig) if sig is not None else None
        except Exception:  # untrusted input: a signature that cannot be checked is said so
            status = None
        if status is None:
            out[ident] = SIGNED_UNREADABLE
        elif not (status.intact and status.valid):
            out[ident] = SIGNED_ALTERED
        elif status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
            out[ident] = SIGNED_INTACT
        elif status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
            # Saved again after signing (a second signer, most often): the
            # answers as signed must be the answers now.
            changed = _changed_since(sig, found, data)
            out[ident] = SIGNED_ALTERED if changed else SIGNED_INTACT
            if changed:
                problems.append(f"{ident}: answers changed after this signature: {', '.join(changed)}")
        else:
            out[ident] = SIGNED_ALTERED
    return out, problems


def _outside_event_loop(fn, *args):
    """fn(*args), in a thread of its own when this one runs an asyncio loop:
    pyHanko starts its own loop, which a running one forbids (collect called
    from an application that has one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def _quiet_pyhanko() -> None:
    """pyHanko logs every doubt with a traceback (a self-signed certificate,
    a revision it cannot explain); what it finds is said in our own words,
    so its logs are kept off the coordinator's terminal."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logger = logging.getLogger(name)
        logger.propagate = False
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())


def _changed_since(sig, found: pdfform.FoundFields, data: bytes) -> list[str]:
    """The fields whose answer differs from the one in the revision `sig` signed."""
    start, length, after, rest = (int(v) for v in sig.sig_object["/ByteRange"])
    signed = pdfform.read_fields(data[: after + rest], "the signed revision")
    return sorted(name for name, value in found.values.items()
                  if found.kinds.get(name) != "signature" and signed.values.get(name) != value)
