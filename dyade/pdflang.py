"""The language of a phrase, in a PDF's structure tree.

typst writes a language (/Lang) only on the structure elements it makes for
links, so templates/pdf/lib.typ's `phrase` prints a phrase in another
language as a link to ``x-dyade-lang:<tag>``.  `mark_languages` turns each
such Link element into a Span with that /Lang and removes the link itself
(its annotation, the reference to it and its parent-tree entry): a screen
reader then reads the phrase in its language, and nothing is clickable.
"""
from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Name, String

from . import safety

URI_PREFIX = "x-dyade-lang:"
MARKER = URI_PREFIX.encode("ascii")


def mark_languages(pdf: bytes) -> bytes:
    """`pdf` with its phrase links made language spans; unchanged when it has none."""
    if MARKER not in pdf:  # typst writes annotations uncompressed: a cheap test first
        return pdf
    doc = pikepdf.open(io.BytesIO(pdf))
    parent_tree = pikepdf.NumberTree(doc.Root.StructTreeRoot.ParentTree)
    for page in doc.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        kept = Array()
        for annot in annots:
            tag = _phrase_tag(annot)
            if tag is None:
                kept.append(annot)
                continue
            key = annot.get("/StructParent")
            if key is not None and int(key) in parent_tree:
                element = parent_tree[int(key)]
                element.S = Name.Span
                element.Lang = String(tag)
                element.K = _without_reference(element.K, annot)
                del parent_tree[int(key)]
        if len(kept):
            page.Annots = kept
        else:
            del page.Annots
    out = io.BytesIO()
    doc.save(out, deterministic_id=True, compress_streams=False)
    return out.getvalue()


def _phrase_tag(annot) -> str | None:
    if annot.get("/Subtype") != Name.Link:
        return None
    uri = annot.get("/A", {}).get("/URI")
    if uri is None or not str(uri).startswith(URI_PREFIX):
        return None
    tag = str(uri)[len(URI_PREFIX):]
    return tag if safety.LANG_TAG.fullmatch(tag) else None


def _without_reference(kids, annot):
    """The element's kids without the object reference to `annot`."""
    items = list(kids) if isinstance(kids, Array) else [kids]
    kept = [k for k in items if not (isinstance(k, pikepdf.Dictionary) and k.get("/Type") == Name.OBJR
                                     and k.get("/Obj") is not None and k.Obj.objgen == annot.objgen)]
    return Array(kept)
