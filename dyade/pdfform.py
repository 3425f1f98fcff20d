"""PDF form fields (AcroForm): the raw PDF objects, under two calls.

    fillable = make_fillable(pdf_bytes, fields, identity)   # the PDF writer
    found = read_fields(pdf_bytes)                          # dyade collect

typst makes no form fields, so lib.typ wraps every box a person fills in a
link to ``x-dyade-field:<name>`` (``<name>#<state>`` for one button of a
radio group).  typst then gives each box a link annotation with the box's
rectangle, tagged in the structure tree in reading order, with its
/StructParent entry in the parent tree.  `make_fillable` turns each such
annotation, in place, into the widget of the field `name`, and its `Link`
structure element into a `Form` element: position, reading order and the
parent tree come from typst's own layout and tagging.

Field names are the DOCX tags (dyade.controls): a dotted name such as
``plan.2.goal`` is a hierarchy in PDF terms (``plan`` → ``2`` → ``goal``),
whose fully qualified name is the tag again.  What PDF/A-2b asks of the
fields is kept: every widget has an appearance stream (normal appearance
only), the print flag, no action; the font viewers type answers with is
embedded; nothing asks viewers to rebuild appearances; no JavaScript.
"""
from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from . import bundled

URI_PREFIX = "x-dyade-field:"
FONT_FILE = bundled.TEMPLATES / "pdf" / "fonts" / "DejaVuSans-WinAnsi.ttf"
FONT_RESOURCE = "DyF"          # the name of the field font in the form's resources
IDENTITY_KEY = "/DyadeForm"    # the catalog entry saying which form, language and version this is

# Field flags (PDF 32000-1, 12.7.4).
MULTILINE, NO_TOGGLE_TO_OFF, RADIO = 1 << 12, 1 << 14, 1 << 15
PRINT = 4                      # annotation flag: printed with the page (PDF/A asks for it)

# Kinds of field this module makes.
TEXT, MULTILINE_TEXT, CHECKBOX, RADIO_GROUP, SIGNATURE = "text", "multiline", "checkbox", "radio", "signature"
ON_STATE = "Yes"               # a checkbox's "ticked" appearance state


class FormFileError(Exception):
    """The file is not a fillable PDF form that can be read; the message says why."""


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form's PDF, as the writer asks for it."""
    name: str                        # fully qualified: the DOCX tag
    kind: str                        # TEXT, MULTILINE_TEXT, CHECKBOX, RADIO_GROUP or SIGNATURE
    tooltip: str                     # /TU: the label a screen reader says, in the document's language
    states: tuple[str, ...] = ()     # a radio group's values, one button each, in order
    size: float = 10                 # type size of the answer, in points

    def as_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "tooltip": self.tooltip, "states": list(self.states),
                "size": self.size}

    @classmethod
    def from_json(cls, data: dict) -> "FieldSpec":
        return cls(data["name"], data["kind"], data["tooltip"], tuple(data.get("states", ())), data.get("size", 10))


# ---------------------------------------------------------------------------
# Making the fields


class FieldLayoutError(Exception):
    """The boxes typst laid out do not match the fields asked for (a template bug)."""


def make_fillable(pdf: bytes, fields: list[FieldSpec], identity: dict[str, str]) -> bytes:
    """`pdf` with every box marked by lib.typ turned into its field."""
    doc = pikepdf.open(io.BytesIO(pdf))
    specs = {f.name: f for f in fields}
    widgets = _marked_boxes(doc, specs)
    missing = [name for name in specs if name not in widgets]
    if missing:
        raise FieldLayoutError(f"no box was printed for the fields {', '.join(missing)}")
    parent_tree = pikepdf.NumberTree(doc.Root.StructTreeRoot.ParentTree)
    font = _field_font(doc)
    tree = _FieldTree(doc)
    for spec in fields:
        boxes = widgets[spec.name]
        for _page, annot, _state in boxes:
            _as_widget(annot)
            element = parent_tree[int(annot.StructParent)]
            element.S = Name.Form  # the widget's place in reading order, as typst tagged it
        if spec.kind == RADIO_GROUP:
            _radio_group(doc, tree, spec, boxes)
        else:
            if len(boxes) != 1:
                raise FieldLayoutError(f"the field {spec.name!r} was printed in {len(boxes)} boxes")
            _single(doc, tree, spec, boxes[0][1])
    for page in doc.pages:
        if any(a.get("/Subtype") == Name.Widget for a in page.get("/Annots", [])):
            page.Tabs = Name.S  # tab order = structure order (PDF/UA)
    doc.Root.AcroForm = doc.make_indirect(Dictionary(
        Fields=Array(tree.roots),
        DR=Dictionary(Font=Dictionary({f"/{FONT_RESOURCE}": font})),
        DA=String(f"/{FONT_RESOURCE} 10 Tf 0 g"),
    ))
    doc.Root[IDENTITY_KEY] = Dictionary({f"/{k}": String(v) for k, v in sorted(identity.items())})
    out = io.BytesIO()
    # Streams left as made: typst's are compressed; ours are a few bytes each.
    doc.save(out, deterministic_id=True, compress_streams=False)
    return out.getvalue()


def _marked_boxes(doc, specs: dict[str, FieldSpec]) -> dict[str, list]:
    """{field name: [(page, annotation, state)]} of the links lib.typ made."""
    found: dict[str, list] = {}
    for page in doc.pages:
        for annot in page.get("/Annots", []):
            uri = annot.get("/A", {}).get("/URI") if annot.get("/Subtype") == Name.Link else None
            if uri is None or not str(uri).startswith(URI_PREFIX):
                continue
            name, _, state = str(uri)[len(URI_PREFIX):].partition("#")
            spec = specs.get(name)
            if spec is None:
                raise FieldLayoutError(f"a box was printed for {name!r}, which is not a field of this form")
            if (spec.kind == RADIO_GROUP) != bool(state) or (state and state not in spec.states):
                raise FieldLayoutError(f"the box {name}#{state} does not match the field's kind {spec.kind}")
            annot.P = page.obj
            found.setdefault(name, []).append((page, annot, state))
    return found


def _as_widget(annot) -> None:
    for key in ("/A", "/Border", "/Contents", "/H", "/PA", "/QuadPoints"):
        if key in annot:
            del annot[key]
    annot.Subtype = Name.Widget
    annot.F = PRINT


class _FieldTree:
    """The hierarchy of dotted names: ``plan.2.goal`` under ``plan.2`` under ``plan``."""

    def __init__(self, doc):
        self.doc = doc
        self.nodes: dict[str, Dictionary] = {}
        self.roots: list = []

    def attach(self, name: str, node) -> None:
        parent_name, _, part = name.rpartition(".")
        node.T = String(part)
        if parent_name:
            parent = self.node(parent_name)
            node.Parent = parent
            parent.Kids.append(node)
        else:
            self.roots.append(node)

    def node(self, name: str):
        if name not in self.nodes:
            node = self.doc.make_indirect(Dictionary(Kids=Array()))
            self.nodes[name] = node
            self.attach(name, node)
        return self.nodes[name]


def _rect_size(annot) -> tuple[float, float]:
    x1, y1, x2, y2 = (float(v) for v in annot.Rect)
    return abs(x2 - x1), abs(y2 - y1)


def _appearance(doc, annot, content: bytes):
    width, height = _rect_size(annot)
    return doc.make_stream(content, Type=Name.XObject, Subtype=Name.Form,
                           BBox=Array([0, 0, round(width, 3), round(height, 3)]), Resources=Dictionary())


def _tick(width: float, height: float) -> bytes:
    """A tick drawn with lines (no font: nothing to embed), inside a box."""
    s = min(width, height)
    ox, oy = (width - s) / 2, (height - s) / 2
    points = [(0.2, 0.52), (0.42, 0.26), (0.82, 0.78)]
    path = " ".join(f"{ox + s * x:.2f} {oy + s * y:.2f} {op}" for (x, y), op in zip(points, ("m", "l", "l")))
    return f"q 0 G {max(0.8, s * 0.12):.2f} w 1 J 1 j {path} S Q".encode()


def _single(doc, tree: _FieldTree, spec: FieldSpec, annot) -> None:
    annot.TU = String(spec.tooltip)
    if spec.kind in (TEXT, MULTILINE_TEXT):
        annot.FT = Name.Tx
        annot.Ff = MULTILINE if spec.kind == MULTILINE_TEXT else 0
        annot.DA = String(f"/{FONT_RESOURCE} {spec.size:g} Tf 0 g")
        annot.V = String("")
        annot.AP = Dictionary(N=_appearance(doc, annot, b"/Tx BMC EMC"))
    elif spec.kind == CHECKBOX:
        annot.FT = Name.Btn
        annot.V = Name.Off
        annot.AS = Name.Off
        width, height = _rect_size(annot)
        annot.AP = Dictionary(N=Dictionary({f"/{ON_STATE}": _appearance(doc, annot, _tick(width, height)),
                                            "/Off": _appearance(doc, annot, b"")}))
    elif spec.kind == SIGNATURE:
        annot.FT = Name.Sig
        annot.AP = Dictionary(N=_appearance(doc, annot, b""))
    else:
        raise FieldLayoutError(f"unknown kind of PDF field {spec.kind!r}")
    tree.attach(spec.name, annot)


def _radio_group(doc, tree: _FieldTree, spec: FieldSpec, boxes: list) -> None:
    group = doc.make_indirect(Dictionary(FT=Name.Btn, Ff=RADIO | NO_TOGGLE_TO_OFF, V=Name.Off,
                                         TU=String(spec.tooltip), Kids=Array()))
    by_state = {state: annot for _page, annot, state in boxes}
    if sorted(by_state) != sorted(spec.states) or len(boxes) != len(spec.states):
        raise FieldLayoutError(f"the field {spec.name!r} has boxes for {sorted(by_state)}, not {list(spec.states)}")
    for state in spec.states:
        annot = by_state[state]
        width, height = _rect_size(annot)
        annot.AS = Name.Off
        annot.AP = Dictionary(N=Dictionary({f"/{state}": _appearance(doc, annot, _tick(width, height)),
                                            "/Off": _appearance(doc, annot, b"")}))
        annot.Parent = group
        group.Kids.append(annot)
    tree.attach(spec.name, group)


@functools.lru_cache(maxsize=1)
def _font_program() -> tuple[bytes, dict]:
    """The field font (DejaVu Sans, the characters of Windows-1252) and its metrics."""
    from fontTools.ttLib import TTFont

    data = FONT_FILE.read_bytes()
    font = TTFont(io.BytesIO(data))
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = []
    for code in range(32, 256):
        char = bytes([code]).decode("cp1252", errors="ignore")
        glyph = cmap.get(ord(char)) if char else None
        widths.append(round(hmtx[glyph][0] * scale) if glyph else 0)
    head, os2, post = font["head"], font["OS/2"], font["post"]
    metrics = {
        "widths": widths,
        "bbox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ascent": round(os2.sTypoAscender * scale), "descent": round(os2.sTypoDescender * scale),
        "cap": round(getattr(os2, "sCapHeight", 0) * scale) or 700, "italic": float(post.italicAngle),
    }
    return data, metrics


def _field_font(doc):
    data, metrics = _font_program()
    program = doc.make_stream(data, Length1=len(data))
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name("/DejaVuSans"), Flags=32,
                            FontBBox=Array(metrics["bbox"]), ItalicAngle=metrics["italic"],
                            Ascent=metrics["ascent"], Descent=metrics["descent"], CapHeight=metrics["cap"],
                            StemV=80, FontFile2=program)
    return doc.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/DejaVuSans"),
                                        FirstChar=32, LastChar=255, Widths=Array(metrics["widths"]),
                                        Encoding=Name.WinAnsiEncoding, FontDescriptor=doc.make_indirect(descriptor)))


# ---------------------------------------------------------------------------
# Reading a returned file


MAX_FILE_BYTES = 50_000_000
MAX_FIELDS = 5_000             # a Dyade form has a few hundred at most
MAX_DEPTH = 12                 # of the field hierarchy


@dataclass
class FoundFields:
    """What a returned PDF holds."""
    values: dict[str, Optional[str]]         # {fully qualified name: text, chosen state, or None}
    kinds: dict[str, str]                    # {name: "text", "button" or "signature"}
    identity: dict[str, str]                 # from the catalog entry make_fillable wrote
    language: Optional[str]                  # the document's /Lang
    signed: list[str] = field(default_factory=list)  # names of signature fields holding a signature


def read_fields(data: bytes, name: str) -> FoundFields:
    """The fields of the returned PDF `data` (named `name` in messages)."""
    if len(data) > MAX_FILE_BYTES:
        raise FormFileError(f"{name} is larger than any filled form ({len(data) // 1_000_000} MB)")
    try:
        doc = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise FormFileError(f"{name} is protected by a password: ask for a copy without one") from None
    except Exception as exc:  # untrusted input: qpdf's own words are enough
        raise FormFileError(f"{name} could not be read as a PDF ({type(exc).__name__})") from None
    with doc:
        form = doc.Root.get("/AcroForm")
        roots = form.get("/Fields") if isinstance(form, Dictionary) else None
        identity = {}
        stored = doc.Root.get(IDENTITY_KEY)
        if isinstance(stored, Dictionary):
            identity = {str(k)[1:]: str(v) for k, v in stored.items() if isinstance(v, String)}
        language = str(doc.Root.Lang) if isinstance(doc.Root.get("/Lang"), String) else None
        found = FoundFields({}, {}, identity, language)
        if not isinstance(roots, Array) or len(roots) == 0:
            return found
        seen: set = set()
        for node in roots:
            _walk_field(node, "", None, None, found, seen, 0)
        return found


def _walk_field(node, prefix: str, ft, value, found: FoundFields, seen: set, depth: int) -> None:
    if not isinstance(node, Dictionary) or depth > MAX_DEPTH or len(found.values) > MAX_FIELDS:
        return
    key = node.objgen if node.is_indirect else id(node)
    if key in seen:
        return  # a loop in the hierarchy
    seen.add(key)
    part = node.get("/T")
    name = prefix if part is None else (f"{prefix}.{part}" if prefix else str(part))
    ft = node.get("/FT", ft)
    value = node.get("/V", value)
    kids = node.get("/Kids")
    named_kids = [k for k in kids if isinstance(k, Dictionary) and "/T" in k] if isinstance(kids, Array) else []
    if named_kids:
        for kid in named_kids:
            _walk_field(kid, name, ft, value, found, seen, depth + 1)
        return
    if not name:
        return
    if ft == Name.Tx:
        found.kinds[name] = "text"
        found.values[name] = _text_value(value)
    elif ft == Name.Btn:
        found.kinds[name] = "button"
        state = str(value)[1:] if isinstance(value, Name) else None
        found.values[name] = None if state in (None, "Off") else state
    elif ft == Name.Sig:
        found.kinds[name] = "signature"
        found.values[name] = None
        if isinstance(value, Dictionary):
            found.signed.append(name)


def _text_value(value) -> Optional[str]:
    if isinstance(value, String):
        text = str(value)
    elif isinstance(value, Array):  # a list box's choices (not made by Dyade): joined
        text = "\n".join(str(v) for v in value if isinstance(v, String))
    else:
        return None
    return re.sub(r"\r\n?", "\n", text)


def code_digest() -> str:
    """Changes when this module or the field font does: fillable PDFs are then made again."""
    import hashlib

    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(FONT_FILE.read_bytes())
    return h.hexdigest()[:16]


# ---------------------------------------------------------------------------
# The fill plan: what the website needs to fill this PDF without parsing it


PLAN_VERSION = 1
_SET_BY_FILLER = {"/V"}                        # on every field: its value
_SET_ON_WIDGET = {"/Tx": {"/AP"}, "/Btn": {"/AS"}}  # a text widget's appearance, a button's state


def _body(obj, without: set) -> str:
    """The entries of the dictionary `obj` in PDF syntax, without the keys
    `without` and without the surrounding << >> (qpdf writes strings as raw
    bytes: latin-1 keeps them byte for byte through JSON)."""
    kept = Dictionary({k: v for k, v in obj.items() if k not in without})
    text = bytes(kept.unparse()).decode("latin-1")
    assert text.startswith("<<") and text.endswith(">>"), text
    return text[2:-2].strip()


def _ref(obj) -> list[int]:
    if not obj.is_indirect:
        raise FormFileError("a field or widget of the form is not an indirect object")
    return list(obj.objgen)


def _inherited(node, key: str):
    for _ in range(MAX_DEPTH + 2):
        if node is None:
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def fill_plan(data: bytes) -> dict:
    """How to fill the fillable PDF `data` (made by `make_fillable`) with an
    incremental update (PDF 32000-1, 7.5.6), so that dyade-fill.js never
    parses a PDF: the original's last cross-reference section, trailer and
    identity (its length and SHA-256: a plan fills only its own file), the
    field font, and per field its dictionary and its widgets' dictionaries
    in PDF syntax, less the keys the browser writes (/V; /AS on buttons,
    /AP on text widgets)."""
    import hashlib

    tail = data[-1024:]
    found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", tail)
    if not found:
        raise FormFileError("the PDF does not end with startxref and %%EOF")
    startxref = int(found[1])
    xref_stream = not data[startxref:startxref + 4] == b"xref"
    with pikepdf.open(io.BytesIO(data)) as doc:
        trailer = doc.trailer
        skip = {"/Size", "/Prev", "/ID", "/Type", "/W", "/Index", "/Length", "/Filter", "/DecodeParms", "/XRefStm"}
        ident = trailer.get("/ID")
        form = doc.Root.AcroForm
        font_ref = form.DR.Font[f"/{FONT_RESOURCE}"]
        font = {"resource": FONT_RESOURCE, "ref": _ref(font_ref),
                "widths": [int(w) for w in font_ref.Widths], "first": int(font_ref.FirstChar),
                "ascent": float(font_ref.FontDescriptor.Ascent), "descent": float(font_ref.FontDescriptor.Descent)}
        fields: dict[str, dict] = {}

        def walk(node, prefix: str, depth: int) -> None:
            part = node.get("/T")
            name = prefix if part is None else (f"{prefix}.{part}" if prefix else str(part))
            kids = node.get("/Kids")
            named = [k for k in kids if "/T" in k] if isinstance(kids, Array) else []
            if named and depth < MAX_DEPTH:
                for kid in named:
                    walk(kid, name, depth + 1)
                return
            ft = str(_inherited(node, "/FT") or "")
            if ft not in _SET_ON_WIDGET or not name:
                return  # signatures are signed, not filled
            widget_keys = _SET_ON_WIDGET[ft]
            widgets = list(kids) if isinstance(kids, Array) and len(kids) else [node]
            merged = any(w.objgen == node.objgen for w in widgets)
            entry = {"type": ft[1:], "ref": _ref(node),
                     "body": _body(node, _SET_BY_FILLER | (widget_keys if merged else set())), "widgets": []}
            if ft == "/Tx":
                ff = _inherited(node, "/Ff")
                entry["multiline"] = bool(int(ff or 0) & MULTILINE)
                da = _inherited(node, "/DA")
                size = re.search(r"([\d.]+)\s+Tf", str(da or ""))
                entry["size"] = float(size[1]) if size else 10.0
            for w in widgets:
                widget = {"ref": _ref(w), "rect": [float(v) for v in w.Rect]}
                if w.objgen != node.objgen:
                    widget["body"] = _body(w, widget_keys)
                if ft == "/Btn":
                    normal = w.get("/AP", {}).get("/N")
                    # sorted: pikepdf gives a dictionary's keys in no fixed order,
                    # and the plan must be the same from one build to the next
                    names = sorted(normal.keys()) if isinstance(normal, Dictionary) else []
                    # {state as the page says it: the name as the PDF writes it}
                    widget["states"] = {str(n)[1:]: bytes(Name(n).unparse()).decode("latin-1") for n in names}
                entry["widgets"].append(widget)
            fields[name] = entry

        for root in form.Fields:
            walk(root, "", 0)
        return {
            "version": PLAN_VERSION,
            "length": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "startxref": startxref, "xref_stream": xref_stream, "size": int(trailer.Size),
            "trailer": _body(trailer, skip),
            "id": bytes(ident[0].unparse()).decode("latin-1") if isinstance(ident, Array) and len(ident) == 2 else None,
            "font": font, "fields": fields,
        }
