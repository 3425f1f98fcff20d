"""XLIFF 1.2 files for translators and their tools (`dyade translate`).

XLIFF 1.2 rather than 2.0: translate-toolkit 3.20 opens .xlf files as
XLIFF 1.x and refuses 2.x there (its XLIFF 2.0 class is new and none of its
converters, xliff2po, po2xliff, pretranslate, use it), Weblate's
documentation marks its XLIFF 2.0 support as under development, the Okapi
filters behind OmegaT's XLIFF plugin support 2.0 only in part, and 1.2 is
what CAT tools and online platforms have imported for fifteen years.  The
output validates against OASIS's xliff-core-1.2-strict.xsd.

One <file> per source file (`original` is its path), one <trans-unit> per
text: its id is the text's file and key path (dyade.translation), its
<source> the programme's first language, its <target> the translation the
sources already have (state "translated" and approved, or
"needs-translation" for a line marked '# to translate'), a <note> saying where the text appears, and its
file and line as a location.  Markdown stays text: no inline markup is
turned into XLIFF tags.

A returned file is hostile until read: at most MAX_BYTES, no DOCTYPE (so
no entity of any kind), parsed by lxml with entities unresolved and no
network."""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .errors import Problem

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_BYTES = 20_000_000  # the bundled programme's file is about 0.6 MB
FINAL_STATES = ("final", "signed-off")
SKIPPED_STATES = ("needs-translation",)  # a target left as a placeholder


@dataclass
class Returned:
    """A unit of a returned file."""
    id: str
    source: str | None
    target: str | None     # None: no target, or an empty one
    state: str | None
    final: bool            # marked final, signed off or approved
    line: int
    col: int


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def write(units, source_lang: str, target_lang: str) -> bytes:
    """The XLIFF 1.2 document of `units` (dyade.translation.Unit)."""
    root = etree.Element(_q("xliff"), nsmap={None: NS}, version="1.2")
    files: dict[str, etree._Element] = {}
    for unit in units:
        body = files.get(unit.path)
        if body is None:
            file_ = etree.SubElement(root, _q("file"), original=unit.path, datatype="plaintext",
                                     **{"source-language": source_lang, "target-language": target_lang,
                                        "tool-id": "dyade"})
            header = etree.SubElement(file_, _q("header"))
            etree.SubElement(header, _q("tool"), **{"tool-id": "dyade", "tool-name": "Dyade"})
            body = files[unit.path] = etree.SubElement(file_, _q("body"))
        tu = etree.SubElement(body, _q("trans-unit"), id=unit.id, resname=unit.id)
        tu.set(f"{{{XML_NS}}}space", "preserve")
        src = etree.SubElement(tu, _q("source"))
        src.set(f"{{{XML_NS}}}lang", source_lang)
        src.text = unit.source
        if unit.target is not None:
            tgt = etree.SubElement(tu, _q("target"), state="needs-translation" if unit.needs_work else "translated")
            tgt.set(f"{{{XML_NS}}}lang", target_lang)
            tgt.text = unit.target
            if not unit.needs_work:
                tu.set("approved", "yes")  # what the outputs show now; translate-toolkit reads others as fuzzy
        group = etree.SubElement(tu, _q("context-group"), purpose="location")  # a name would have to be unique
        etree.SubElement(group, _q("context"), **{"context-type": "sourcefile"}).text = unit.path
        etree.SubElement(group, _q("context"), **{"context-type": "linenumber"}).text = str(unit.line)
        etree.SubElement(tu, _q("note"), **{"from": "dyade"}).text = unit.note
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


class Unreadable(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def read(raw: bytes, shown: str) -> tuple[str, str, list[Returned]]:
    """(source language, target language, units) of a returned XLIFF file;
    `shown` names it in the problems (Unreadable)."""
    def refuse(line: int, col: int, what: str, how: str):
        raise Unreadable([Problem(shown, line, col, what, how)])

    if len(raw) > MAX_BYTES:
        refuse(1, 1, f"the file is too large ({len(raw) // 1_000_000} MB; the limit is {MAX_BYTES // 1_000_000} MB)",
               "give the file exported by dyade translate export, translated; it is far smaller")
    lines = raw.split(b"\n")
    doctype = raw.find(b"<!DOCTYPE")
    if doctype >= 0:
        line = raw.count(b"\n", 0, doctype) + 1
        refuse(line, doctype - (raw.rfind(b"\n", 0, doctype) + 1) + 1,
               "the file declares a DOCTYPE, which an XLIFF file never needs (it can hide entities that read "
               "other files)", "save the translations again from your translation tool as XLIFF 1.2, or remove "
               "the <!DOCTYPE …> part")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        refuse(line or 1, col or 1, f"this is not well-formed XML ({exc.msg.split(',')[0]})",
               "the file was damaged or edited by hand: save it again from your translation tool, or export "
               "a new one with dyade translate export")
    except ValueError as exc:  # e.g. an encoding declaration lxml cannot use
        refuse(1, 1, f"this is not an XML file Dyade can read ({exc})", "save it again as UTF-8 XLIFF 1.2")

    def at(el, tag: str) -> tuple[int, int]:
        line = el.sourceline or 1
        text = lines[line - 1] if line <= len(lines) else b""
        col = text.find(b"<" + tag.encode())
        return line, col + 1 if col >= 0 else 1

    def local(el) -> str:
        return etree.QName(el).localname if isinstance(el.tag, str) else ""

    if local(root) != "xliff":
        refuse(*at(root, etree.QName(root).localname), f"the file is not XLIFF (its root element is "
               f"<{etree.QName(root).localname}>)", "give the XLIFF file (.xlf) made by dyade translate export")
    version = root.get("version", "")
    if not version.startswith("1.") or (etree.QName(root).namespace or NS) not in (NS, NS.replace("1.2", "1.1")):
        refuse(*at(root, "xliff"), f"this is XLIFF {version or 'of an unknown version'}, not XLIFF 1.2",
               "save the translations as XLIFF 1.2 from your translation tool (the format dyade translate "
               "export writes)")
    problems: list[Problem] = []
    langs: set[str] = set()
    source_langs: set[str] = set()
    out: list[Returned] = []
    for file_ in root:
        if local(file_) != "file":
            continue
        lang = (file_.get("target-language") or "").strip()
        if not lang:
            line, col = at(file_, "file")
            problems.append(Problem(shown, line, col, "a <file> has no target-language",
                                    "export again with dyade translate export --lang CODE and translate that file"))
        langs.add(lang)
        source_langs.add((file_.get("source-language") or "").strip())
        for tu in file_.iter(_q("trans-unit"), "trans-unit"):
            line, col = at(tu, "trans-unit")
            ident = tu.get("id")
            if not ident:
                problems.append(Problem(shown, line, col, "a <trans-unit> has no id",
                                        "keep the units as dyade translate export wrote them"))
                continue
            source = next((c for c in tu if local(c) == "source"), None)
            target = next((c for c in tu if local(c) == "target"), None)
            text = None
            if target is not None:
                tags = sorted({local(e) for e in target.iterdescendants() if local(e) and local(e) != "mrk"})
                if tags:
                    tline, tcol = at(target, etree.QName(target).localname)
                    problems.append(Problem(shown, tline, tcol, f"the target of {ident!r} holds <{tags[0]}> markup, "
                                            "which Dyade did not export", "write the translation as plain text "
                                            "(Markdown marks such as ** stay as they are)"))
                    continue
                text = "".join(target.itertext())
                text = text if text.strip() else None
            state = target.get("state") if target is not None else None
            final = state in FINAL_STATES or tu.get("approved") == "yes"
            if target is not None and text is not None:
                line, col = at(target, etree.QName(target).localname)
            out.append(Returned(ident, "".join(source.itertext()) if source is not None else None, text, state,
                                final, line, col))
    if problems:
        raise Unreadable(problems)
    if not out:
        refuse(*at(root, "xliff"), "the file holds no translation unit",
               "give the file exported by dyade translate export, translated")
    if len(langs) > 1 or len(source_langs) > 1:
        refuse(*at(root, "xliff"), "the file's parts are in several languages "
               f"({', '.join(sorted(langs if len(langs) > 1 else source_langs))})",
               "import one language at a time, one file each")
    return source_langs.pop(), langs.pop(), out
