"""PDF handouts: the guide, printable blank forms, annexes, workshop sheets,
flashcards and the trainer pack, for each language, in `dist/<lang>/`.

How it works:
- Every Markdown text the documents need is converted by pandoc in one batch
  (Markdown → pandoc AST → typst markup).  Between the two steps the AST is
  adjusted: cross-references become `xref(...)` calls that the typst side
  turns into internal links when the target is in the document, images
  become their alt text, raw code and identifiers from authors are dropped,
  and French texts get their spacing rules.
- Plain texts (titles, labels, interface strings) never become typst
  markup: they go into a JSON file per document, read by the template with
  `json()`, so `#set`, `$` or `*` typed by an author are printed as typed.
- The templates in `templates/pdf/` are copied with the data into a private
  temporary folder that is typst's root, so no file outside it can be read.
- Each PDF is compiled in-process by the `typst` package, declaring PDF/A-2b
  and PDF/UA-1, with a fixed creation date: the same sources give the same
  bytes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import controls as ctl
from .. import bundled, cputime, document, layout, markdown, pdfform, pdflang, safety, typography
from .. import model as m
from ..errors import BuildError
from ..tasks import Context, Task, digest
from .base import Writer

TEMPLATE_DIR = bundled.TEMPLATES / "pdf"
TEMPLATE_FILES = ("lib.typ", "docs.typ")
PDF_STANDARDS = ["a-2b", "ua-1"]
MAX_ANSWER_CHARS = 750  # about what a flashcard holds in its smallest type
CACHE_DIR = ".dyade/cache"  # relative to the project folder (ignored by git)
EM_DASH = "—"  # the PDF sets titles with an em dash; the site and the DOCX with an en dash
WORK_DIR = "pdf-src"  # in the staging folder: the typst sources of every document

REF_RE = re.compile(r"^(chapter|form|annex|workshop|glossary|flashcards|home):([a-z0-9-]*)(?:#([a-z0-9-]+))?$")


# ---------------------------------------------------------------------------
# Typography


# ---------------------------------------------------------------------------
# Markdown: pandoc, batched


def label_for(kind: str, ident: str, anchor: str | None = None) -> str:
    """The typst label of a cross-reference target."""
    if kind == "home" and anchor:
        return anchor  # home:#calendar: the guide's calendar
    if kind in ("home", "flashcards"):
        return kind
    if kind == "chapter" and anchor:
        return f"section-{ident}-{anchor}"
    return f"{kind}-{ident}"


class MarkdownBatch:
    """Collects the Markdown texts of every document, converts them with two
    pandoc runs, and hands out typst markup by key.  The trees come from the
    resolved documents (`documents`, by language) when given."""

    def __init__(self, documents: dict[str, document.Document] | None = None) -> None:
        self.documents = documents
        self.keys: dict[tuple[str, str], str] = {}
        self.texts: list[tuple[str, str]] = []  # (lang, markdown), index = key number
        self.typst: dict[str, str] = {}

    def add(self, text: m.Markdown | None, lang: str) -> str | None:
        if text is None:
            return None
        source = text[lang]
        found = self.keys.get((lang, source))
        if found is None:
            found = f"m{len(self.texts)}"
            self.keys[(lang, source)] = found
            self.texts.append((lang, source))
        return found

    def convert(self, workers: int = 2, cache_dir: Path | None = None) -> None:
        """Convert every text; the texts are split into `workers` batches
        converted side by side (pandoc runs in its own process).  With a
        `cache_dir`, texts converted by an earlier build are reused."""
        if not self.texts:
            return
        cache = _Cache(cache_dir)
        todo = []
        for i, (lang, src) in enumerate(self.texts):
            hit = cache.get(lang, src)
            if hit is None:
                todo.append(i)
            else:
                self.typst[f"m{i}"] = hit
        # Parsed once for every writer (dyade.document), converted here.
        documents = self.documents or {}  # none: texts made up outside a model (tests)
        trees = {i: (documents.get(lang) or document.Document(None, lang, {})).tree(src)
                 for i, (lang, src) in ((i, self.texts[i]) for i in todo)}
        sizes = {i: len(self.texts[i][1]) for i in todo}
        chunks: list[list[int]] = [[] for _ in range(max(1, min(workers, len(todo))))]
        loads = [0] * len(chunks)
        for i in sorted(todo, key=lambda i: -sizes[i]):
            k = loads.index(min(loads))
            chunks[k].append(i)
            loads[k] += sizes[i] + 200
        try:
            with cputime.stage("markdown"), ThreadPoolExecutor(max_workers=len(chunks)) as pool:
                for result in pool.map(lambda c: self._convert_chunk(c, trees), [sorted(c) for c in chunks if c]):
                    self.typst.update(result)
        except (OSError, RuntimeError) as exc:
            raise BuildError(f"pandoc could not convert the Markdown texts: {exc}") from exc
        for i, (lang, src) in enumerate(self.texts):
            cache.put(lang, src, self.typst[f"m{i}"])
        cache.save()

    def _convert_chunk(self, indices: list[int], trees: dict[int, list]) -> dict[str, str]:
        import pypandoc

        merged = []
        for i in indices:
            merged.append(markdown.marker_para(i))
            merged.extend(_transform_blocks(trees[i], self.texts[i][0]))
        doc = {"pandoc-api-version": markdown.api_version(), "meta": {}, "blocks": merged}
        out = pypandoc.convert_text(json.dumps(doc), "typst", format="json", extra_args=["--wrap=none"])
        parts = markdown.MARKER_RE.split(out)
        # parts = [before, "000003", text3, "000007", text7, ...]
        found = {int(parts[k]): parts[k + 1].strip("\n") for k in range(1, len(parts) - 1, 2)}
        if sorted(found) != indices:
            raise BuildError("pandoc's output could not be split back into texts (a text contains a marker line)")
        return {f"m{i}": found[i] for i in indices}


class _Cache:
    """Markdown → typst conversions from earlier builds, in
    `.dyade/cache/pdf-markdown.json`.  Entries are keyed by the text, its
    language, pandoc's version and Dyade's code, so a change to any of them
    converts again.  Only the entries of the last build are kept;
    a missing or unreadable cache is simply rebuilt."""

    def __init__(self, folder: Path | None):
        self.path = folder / "pdf-markdown.json" if folder else None
        self.old: dict[str, str] = {}
        self.new: dict[str, str] = {}
        if self.path is None:
            return
        try:
            import pypandoc
            self.salt = f"{pypandoc.get_pandoc_version()}\0{markdown.code_digest()}"
        except (OSError, RuntimeError):
            self.path = None
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()):
                self.old = data
        except (OSError, ValueError):
            pass

    def key(self, lang: str, src: str) -> str:
        return hashlib.sha256(f"{self.salt}\0{lang}\0{src}".encode("utf-8")).hexdigest()

    def get(self, lang: str, src: str) -> str | None:
        return self.old.get(self.key(lang, src)) if self.path else None

    def put(self, lang: str, src: str, code: str) -> None:
        if self.path:
            self.new[self.key(lang, src)] = code

    def save(self) -> None:
        if self.path is None or self.new == self.old:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self.new, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # the cache only saves time


# Elements whose first content item is an Attr (identifier, classes, attributes).
_ATTR_FIRST = {"Code", "CodeBlock", "Div", "Span", "Link", "Image", "Table", "Figure"}


def _transform_blocks(blocks: list, lang: str) -> list:
    return [b for block in blocks for b in _transform_block(block, lang)]


CHECK_MARKS = ("☐", "□", "❑")
TICK_LIST_OPEN = "#[#set list(marker: box(width: 3.6mm, height: 3.6mm, stroke: 0.7pt, baseline: 0.1em))"


def _transform_block(block: dict, lang: str) -> list:
    t = block.get("t")
    if t == "RawBlock":
        return []
    if t == "Header":
        level, _attr, inlines = block["c"]
        return [{"t": "Header", "c": [max(1, level - 2), ["", [], []], _transform_inlines(inlines, lang)]}]
    if t == "BulletList" and block["c"] and all(_starts_with_box(item) for item in block["c"]):
        # "- ☐ item" lists print as lists of tick boxes.
        items = [_strip_box(item) for item in block["c"]]
        return [{"t": "RawBlock", "c": ["typst", TICK_LIST_OPEN]},
                _walk({"t": "BulletList", "c": items}, lang),
                {"t": "RawBlock", "c": ["typst", "]"]}]
    return [_walk(block, lang)]


def _starts_with_box(item: list) -> bool:
    if not item or item[0].get("t") not in ("Plain", "Para") or not item[0]["c"]:
        return False
    first = item[0]["c"][0]
    return first.get("t") == "Str" and first["c"].startswith(CHECK_MARKS)


def _strip_box(item: list) -> list:
    head = dict(item[0])
    inlines = list(head["c"])
    rest = inlines[0]["c"][1:]
    if rest:
        inlines[0] = {"t": "Str", "c": rest}
    else:
        inlines = inlines[1:]
        if inlines and inlines[0].get("t") in ("Space", "SoftBreak"):
            inlines = inlines[1:]
    head["c"] = inlines
    return [head] + item[1:]


def _walk(node, lang: str):
    """Transform every inline list and block list inside `node`."""
    if isinstance(node, list):
        if node and all(isinstance(x, dict) and "t" in x for x in node):
            if _is_inline(node[0]):
                return _transform_inlines(node, lang)
            return _transform_blocks(node, lang)
        return [_walk(x, lang) for x in node]
    if isinstance(node, dict) and "t" in node:
        t, c = node["t"], node.get("c")
        if t in _ATTR_FIRST and isinstance(c, list) and c and isinstance(c[0], list):
            c = [["", c[0][1], c[0][2]]] + c[1:]
        if t == "Header":
            return _transform_block(node, lang)[0]
        if c is None:
            return node
        return {"t": t, "c": _walk(c, lang)}
    return node


_INLINE_TYPES = {"Str", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps",
                 "Quoted", "Cite", "Code", "Space", "SoftBreak", "LineBreak", "Math", "RawInline", "Link",
                 "Image", "Note", "Span"}


def _is_inline(node: dict) -> bool:
    return node.get("t") in _INLINE_TYPES


def _typst_string(text: str) -> str:
    """`text` as a typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _raw(code: str) -> dict:
    return {"t": "RawInline", "c": ["typst", code]}


def _unsafe_scheme(target: str) -> bool:
    """A link target whose scheme may run code in a viewer (javascript:…)."""
    match = re.match(r"([a-z][a-z0-9+.-]*):", re.sub(r"[\x00-\x20\x7f]", "", target), re.I)
    return bool(match) and match.group(1).lower() not in ("http", "https", "mailto", "tel")


# An e-mail or web address written as plain text: printed as a link.
ADDRESS_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://[^\s<>\"]*[^\s<>\".,;:!?)\]]")


def _linked_addresses(text: str) -> list:
    """A Str's text as inlines, its addresses made links."""
    out, at = [], 0
    for match in ADDRESS_RE.finditer(text):
        address = match.group(0)
        target = address if "://" in address else f"mailto:{address}"
        if match.start() > at:
            out.append({"t": "Str", "c": text[at:match.start()]})
        out += [_raw(f"#link({_typst_string(target)})["), {"t": "Str", "c": address}, _raw("];")]
        at = match.end()
    if at < len(text):
        out.append({"t": "Str", "c": text[at:]})
    return out


def span_language(attr: list) -> str | None:
    """The tag of a span written `[words]{lang=…}` (check has refused any
    other), or None."""
    tag = dict(attr[2]).get("lang") if attr and len(attr) > 2 else None
    return tag if tag and safety.LANG_TAG.fullmatch(tag) else None


def _transform_inlines(inlines: list, lang: str, in_link: bool = False) -> list:
    out: list = []
    for node in inlines:
        t = node.get("t")
        c = node.get("c")
        if t == "RawInline":
            continue
        if t == "Str" and not in_link and ADDRESS_RE.search(c):
            out.extend(_linked_addresses(c))
            continue
        if t == "Math":
            out.append({"t": "Str", "c": c[1]})
        elif t == "Image":
            out.extend(_transform_inlines(c[1], lang))  # its alt text
        elif t == "Link":
            target = c[2][0]
            inner = _transform_inlines(c[1], lang, in_link=True)
            match = REF_RE.match(target)
            # Written as raw typst, ended by ";" so that text right after the
            # link (".x", "(b)") cannot be read as part of the call.
            if match:
                out.append(_raw(f'#xref("{label_for(*match.groups())}")['))
            elif _unsafe_scheme(target):
                out.extend(inner or [{"t": "Str", "c": target}])  # javascript:, data:…: the words, no link
                continue
            else:
                out.append(_raw(f"#link({_typst_string(target)})["))
            out.extend(inner or [{"t": "Str", "c": target}])
            out.append(_raw("];"))
        elif t == "Span" and span_language(c[0]):
            # [words]{lang=en-GB}: typst's text(lang, region), which hyphenates
            # and tags the words in that language; its own spacing rules too.
            # In a link, typst tags the link itself with the phrase's language.
            tag = span_language(c[0])
            language, _, rest = tag.partition("-")
            region = next((part for part in rest.split("-") if len(part) == 2 and part.isalpha()), None)
            if in_link:
                args = f"lang: {_typst_string(language.lower())}" + (f", region: {_typst_string(region.upper())}" if region else "")
                out.append(_raw(f"#text({args})["))
            else:
                out.append(_raw(f"#phrase({_typst_string(tag)}, {_typst_string(language.lower())}, "
                                f"{_typst_string(region.upper()) if region else 'none'})["))
            out.extend(_transform_inlines(c[1], tag, in_link=True))  # a link already
            out.append(_raw("];"))
        elif t == "Quoted" and typography.uses_spacing(lang) and c[0]["t"] == "DoubleQuote":
            opening, closing = typography.quotes(lang)
            out.append({"t": "Str", "c": opening})
            out.extend(_transform_inlines(c[1], lang))
            out.append({"t": "Str", "c": closing})
        else:
            out.append(_walk(node, lang))
    if typography.uses_spacing(lang):
        out = typography.space_inlines(out, lang)
    return out


def md_module(keys: list[str], batch: MarkdownBatch, labels: set[str]) -> str:
    """A typst module holding the fragments `keys` as `md`, a dictionary of
    content.  Cross-references become links when their target is one of
    `labels` (the document's own), plain text otherwise."""
    # A dictionary, not a list: a guide has hundreds of links and targets.
    present = "".join(f'"{label}": true, ' for label in sorted(labels)) or ":"
    lines = ['#import "lib.typ": horizontalrule, phrase',
             f"#let present = ({present})",
             "#let xref(target, body) = if target in present { link(label(target), body) } else { body }",
             "#let md = ("]
    for key in keys:
        lines.append(f'"{key}": [')
        lines.append(batch.typst[key])
        lines.append("],")
    lines.append(")")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Documents


@dataclasses.dataclass
class Job:
    lang: str
    path: str          # relative to dist/<lang>/
    function: str      # the typst function in docs.typ
    data: dict
    md_keys: list[str]
    fields: list[pdfform.FieldSpec] = dataclasses.field(default_factory=list)  # a fillable form's fields
    identity: dict[str, str] = dataclasses.field(default_factory=dict)        # which form, language, version


PDF_UI_KEYS = ("form", "annex", "chapter", "forms", "annexes", "contents", "calendar", "purpose", "who_fills",
               "when_filled", "name", "signature", "date", "objectives", "materials", "duration", "group_size",
               "steps", "questions", "key_points", "question", "answer", "participant_sheet", "facilitator_sheet",
               "coordinator", "pdf_workshop", "pdf_milestone", "pdf_date_hint", "pdf_facilitator_notes")


def format_date(docs: "Documents", lang: str, date: dt.date) -> str:
    """A date in words: "1er septembre 2026", "September 1, 2026"."""
    return docs.plain(docs.model.long_date(date, lang), lang)


class Documents:
    """Turns the model into one Job per PDF (data + Markdown keys)."""

    def __init__(self, model: m.Model, batch: MarkdownBatch):
        self.model = model
        self.batch = batch
        prog = model.programme
        self.logo_name = "logo" + Path(prog.organisation.logo).suffix.lower()
        self.warnings: list[str] = []
        self.warned: set = set()

    # -- helpers -----------------------------------------------------------
    def plain(self, text: str, lang: str) -> str:
        """A plain text as printed (the resolved document's typography)."""
        return document.of(self.model, lang).plain(text)

    def t(self, text: m.Text | None, lang: str) -> str | None:
        return None if text is None else document.of(self.model, lang).plain(text)

    def raw_ui(self, key: str, lang: str) -> str:
        try:
            return self.model.ui(key, lang)
        except KeyError:
            raise BuildError(f"templates/strings.yml has no {lang!r} text for {key!r}, which the PDF handouts need: "
                             f"add it (the bundled templates/strings.yml has it)") from None

    def ui(self, key: str, lang: str) -> str:
        return self.plain(self.raw_ui(key, lang), lang)

    def with_colon(self, key: str, lang: str) -> str:
        return self.plain(self.raw_ui(key, lang) + self.raw_ui("pdf_colon", lang), lang)

    def md(self, text: m.Markdown | None, lang: str, keys: list[str]) -> str | None:
        key = self.batch.add(text, lang)
        if key is not None and key not in keys:
            keys.append(key)
        return key

    def ui_block(self, lang: str) -> dict:
        ui = {key.removeprefix("pdf_").replace("_", "-"): self.ui(key, lang) for key in PDF_UI_KEYS}
        ui["see-also"] = self.with_colon("see_also", lang)
        ui["forms-due"] = self.with_colon("forms", lang)
        ui["list-sep"] = self.plain("a; a", lang)[1:-1]
        ui["colon"] = self.plain("a" + self.raw_ui("pdf_colon", lang), lang)[1:]
        return ui

    def doc_block(self, lang: str, title: str, footer: str, cover: bool = False) -> dict:
        prog = self.model.programme
        org = self.t(prog.organisation.name, lang)
        page = self.raw_ui("page_x_of_y", lang)
        return {
            "lang": lang,
            "title": title,
            "author": org,
            "keywords": [self.t(prog.title, lang), self.t(prog.organisation.short_name, lang)],
            "paper": m.PAPERS[prog.page_size].typst,
            "card-rows": m.PAPERS[prog.page_size].card_rows,
            "primary": prog.colours.primary,
            "accent": prog.colours.accent,
            "tint": _tint(prog.colours.primary),
            "logo": self.logo_name,
            "logo-alt": self.t(prog.organisation.logo_alt, lang),
            "programme": self.t(prog.title, lang),
            "header": self.t(prog.title, lang),
            "header-right": self.t(prog.organisation.short_name, lang),
            "footer": footer,
            "cover": cover,
            "page-parts": [p for p in re.split(r"(\{page\}|\{pages\})", self.plain(page, lang)) if p],
        }

    def numbered(self, kind: str, item, lang: str) -> str:
        return document.of(self.model, lang).numbered(kind, item, dash=EM_DASH)

    def dates(self, lang: str) -> str:
        prog = self.model.programme
        return f"{format_date(self, lang, prog.start)} – {format_date(self, lang, prog.end)}"

    def ref(self, ref: str, lang: str) -> dict:
        """A `kind:id` reference as {label, text} for the templates."""
        kind, ident, anchor = REF_RE.match(ref).groups()
        text = document.of(self.model, lang).ref_title(ref, dash=EM_DASH)
        return {"ref": True, "anchor": label_for(kind, ident, anchor), "text": text, "linked": False}

    # -- forms -------------------------------------------------------------
    def field(self, f, lang: str, keys: list[str], fillable: bool = False) -> dict:
        tint = _tint(self.model.programme.colours.primary)
        if isinstance(f, m.Heading):
            return {"type": "heading", "text": self.t(f.text, lang)}
        if isinstance(f, m.Instructions):
            return {"type": "instructions", "md": self.md(f.text, lang, keys), "tint": tint}
        data = {"type": f.type, "id": f.id, "label": self.t(f.label, lang), "help": self.t(f.help, lang)}
        data.update(FIELD_DATA[f.type](self, f, lang, keys))
        if fillable:
            data["fill"] = f.id  # lib.typ marks its boxes; pdfform makes them fields
        return data

    # What the typst template needs of each kind, besides its label and help
    # (templates/pdf/lib.typ draws it, and stops at a kind it does not know).
    def no_data(self, f, lang: str, keys: list[str]) -> dict:
        return {}

    def long_text_data(self, f: m.LongTextField, lang: str, keys: list[str]) -> dict:
        return {"lines": f.lines}

    def number_data(self, f: m.NumberField, lang: str, keys: list[str]) -> dict:
        hint = self.model.number_range(f, lang)
        return {"unit": self.t(f.unit, lang), "range": self.plain(hint, lang) if hint else None}

    def choice_data(self, f: m.ChoiceField, lang: str, keys: list[str]) -> dict:
        options = [self.t(o.label, lang) for o in f.options]
        # In a table cell, long option labels become lettered boxes with a legend.
        long = len(f.options) > 4 or max(len(o) for o in options) > 16
        return {"options": options, "values": [o.value for o in f.options],
                "codes": [chr(ord("A") + i) for i in range(len(f.options))] if long else None}

    def rating_data(self, f: m.RatingField, lang: str, keys: list[str]) -> dict:
        return {"scale": f.scale, "low": self.t(f.low, lang), "high": self.t(f.high, lang)}

    def checklist_data(self, f: m.ChecklistField, lang: str, keys: list[str]) -> dict:
        return {"items": [self.t(o.label, lang) for o in f.items], "values": [o.value for o in f.items]}

    def table_data(self, f: m.TableField, lang: str, keys: list[str]) -> dict:
        tint = _tint(self.model.programme.colours.primary)
        columns = [self.field(c, lang, keys) for c in f.columns]
        return {"rows": f.rows, "tint": tint, "columns": columns, "landscape": _table_width(columns) > 11}

    def form(self, form: m.Form, lang: str, keys: list[str], fillable: bool = False) -> dict:
        return {
            "heading": self.numbered("form", form, lang),
            "anchor": label_for("form", form.id),
            "purpose": self.md(form.purpose, lang, keys),
            "who": self.t(form.who, lang),
            "when": self.t(form.when, lang),
            "tint": _tint(self.model.programme.colours.primary),
            "items": [self.field(f, lang, keys, fillable) for f in form.fields],
        }

    def annex(self, annex: m.Annex, lang: str, keys: list[str]) -> dict:
        return {
            "heading": self.numbered("annex", annex, lang),
            "anchor": label_for("annex", annex.id),
            "summary": self.t(annex.summary, lang),
            "body": self.md(annex.body, lang, keys),
            "items": [self.field(f, lang, keys) for f in annex.fields],
        }

    def workshop(self, w: m.Workshop, lang: str, keys: list[str]) -> dict:
        prog = self.model.programme
        minutes = self.ui("minutes", lang)
        steps, start = [], 0
        for s in w.steps:
            end = start + s.minutes
            steps.append({
                "title": self.t(s.title, lang),
                "minutes": f"{s.minutes} {minutes}",
                "time": f"{_clock(start, lang)}–{_clock(end, lang)}",
                "participant": self.md(s.participant, lang, keys),
                "facilitator": self.md(s.facilitator, lang, keys),
                "questions": [self.t(q, lang) for q in s.questions],
                "key-points": [self.t(k, lang) for k in s.key_points],
            })
            start = end
        return {
            "title": self.t(w.title, lang),
            "anchor": label_for("workshop", w.id),
            "summary": self.md(w.summary, lang, keys),
            "duration": f"{w.duration_minutes} {minutes}",
            "group-size": self.t(w.group_size, lang),
            "objectives": [self.t(o, lang) for o in w.objectives],
            "materials": [self.t(o, lang) for o in w.materials],
            "notes": self.md(w.facilitator_notes, lang, keys),
            "steps": steps,
            "tint": _tint(prog.colours.primary),
            "primary": prog.colours.primary,
            "accent": prog.colours.accent,
        }

    def flashcards(self, lang: str, keys: list[str]) -> dict:
        fc = self.model.flashcards
        for card in fc.cards:
            if len(card.answer[lang]) > MAX_ANSWER_CHARS and (card.id, lang) not in self.warned:
                self.warned.add((card.id, lang))
                self.warnings.append(f"{card.answer.value_pos.get(lang) or card.pos}: the {lang!r} answer of flashcard "
                                     f"{card.id!r} is long ({len(card.answer[lang])} characters); it prints in very "
                                     f"small type and may be cut off: shorten it")
        return {
            "anchor": label_for("flashcards", ""),
            "title": self.t(fc.title, lang),
            "intro": self.md(fc.intro, lang, keys),
            "how-to-print": self.ui("pdf_flashcards_print", lang),
            "footer": self.t(fc.title, lang),
            "cards": [{"n": i + 1, "question": self.t(c.question, lang), "answer": self.md(c.answer, lang, keys)}
                      for i, c in enumerate(fc.cards)],
        }

    def sheet_title(self, w: m.Workshop, variant: str, lang: str) -> str:
        return f"{self.t(w.title, lang)} — {self.ui(variant + '_sheet', lang)}"

    # -- the documents -----------------------------------------------------
    def guide(self, lang: str) -> Job:
        model, prog = self.model, self.model.programme
        keys: list[str] = []
        title = f"{self.t(prog.title, lang)} — {self.ui('guide', lang)}"
        coord = prog.coordinator
        data = {
            "doc": self.doc_block(lang, title, self.t(prog.organisation.name, lang), cover=True),
            "ui": self.ui_block(lang),
            "cover": {
                "kind": self.ui("guide", lang),
                "title": self.t(prog.title, lang),
                "dates": self.dates(lang),
                "lines": [_capitalised(self.t(prog.duration, lang)),
                          f"{self.with_colon('coordinator', lang)} {coord.name}, {self.t(coord.title, lang)}"]
                         + ([prog.organisation.website] if prog.organisation.website else []),
            },
            "home": {
                "anchor": label_for("home", ""),
                "title": self.ui("pdf_intro_title", lang),
                "intro": self.md(model.home.intro, lang, keys),
                "audience-title": self.ui("pdf_audience_title", lang),
                "audience": self.md(model.home.audience, lang, keys),
                "start-title": self.ui("pdf_getting_started_title", lang),
                "start": self.md(model.home.getting_started, lang, keys),
                "coordinator": [coord.name, self.t(coord.title, lang), coord.email] + ([coord.phone] if coord.phone else []),
            },
            # The anchor exists only with a calendar (links to it are plain text otherwise).
            "calendar-head": {"anchor": label_for("home", "", "calendar")} if prog.calendar else {},
            "calendar": [{
                "date": format_date(self, lang, ms.date),
                "title": self.t(ms.title, lang),
                "description": self.md(ms.description, lang, keys),
                "forms": [self.ref(r, lang) for r in ms.forms],
            } for ms in prog.calendar],
            "chapters": [{
                "title": self.t(ch.title, lang),
                "anchor": label_for("chapter", ch.id),
                "summary": self.t(ch.summary, lang),
                "sections": [{
                    "title": self.t(s.title, lang),
                    "anchor": label_for("chapter", ch.id, s.id),
                    "body": self.md(s.body, lang, keys),
                    "related": [self.ref(r, lang) for r in s.related],
                } for s in ch.sections],
            } for ch in model.chapters],
            "glossary": None if model.glossary is None else {
                "anchor": "glossary",
                "title": self.t(model.glossary.title, lang),
                "terms": [{"term": self.t(term.term, lang), "anchor": label_for("glossary", term.id),
                           "definition": self.md(term.definition, lang, keys)}
                          for term in document.of(model, lang).glossary_terms()],
            },
            "forms": [self.form(f, lang, keys) for f in model.forms],
            "annexes": [self.annex(a, lang, keys) for a in model.annexes],
        }
        return Job(lang, "", "guide", data, keys)

    def form_doc(self, form: m.Form, lang: str) -> Job:
        keys: list[str] = []
        title = self.numbered("form", form, lang)
        data = {"doc": self.doc_block(lang, title, title), "ui": self.ui_block(lang),
                "form": self.form(form, lang, keys, fillable=True)}
        identity = {ctl.FORM_PROPERTY: form.id, ctl.LANGUAGE_PROPERTY: lang,
                    ctl.VERSION_PROPERTY: ctl.form_version(form), "programme": self.model.programme.title[lang]}
        return Job(lang, "", "form-doc", data, keys, self.form_fields(form, lang), identity)

    def form_fields(self, form: m.Form, lang: str) -> list[pdfform.FieldSpec]:
        """The PDF form fields of `form`: one per DOCX control (same names),
        plus a signature field per signature block."""
        label = lambda f: self.t(f.label, lang)
        out = []
        for c in ctl.controls(form):
            if isinstance(c.parent, m.ChecklistField):
                tooltip = f"{label(c.parent)} — {self.t(c.field.label, lang)}"
            elif isinstance(c.parent, m.TableField):
                cell = self.raw_ui("site_cell", lang).replace("{column}", self.t(c.field.label, lang))
                tooltip = f"{label(c.parent)} — {self.plain(cell.replace('{row}', str(c.row)), lang)}"
            elif isinstance(c.parent, m.SignatureField):
                part = "name" if c.tag.endswith("-name") else "date"
                tooltip = f"{label(c.parent)} — {self.ui(part, lang)}"
            else:
                tooltip = label(c.field)
            if c.kind == ctl.DATE:
                tooltip += f" ({self.ui('pdf_date_hint', lang)})"
            elif c.kind == ctl.NUMBER:
                hint = [h for h in (self.model.number_range(c.field, lang), self.t(c.field.unit, lang)) if h]
                tooltip += f" ({self.plain(', '.join(hint), lang)})" if hint else ""
            kind = PDF_FIELD_KINDS[c.kind]
            states = tuple(ctl.choices(c.field)) if kind == pdfform.RADIO_GROUP else ()
            size = 9 if isinstance(c.parent, m.TableField) else 10
            out.append(pdfform.FieldSpec(c.tag, kind, tooltip, states, size))
        for f in form.input_fields():
            if isinstance(f, m.SignatureField):
                out.append(pdfform.FieldSpec(f.id, pdfform.SIGNATURE, f"{label(f)} — {self.ui('signature', lang)}"))
        return out

    def annex_doc(self, annex: m.Annex, lang: str) -> Job:
        keys: list[str] = []
        title = self.numbered("annex", annex, lang)
        data = {"doc": self.doc_block(lang, title, title), "ui": self.ui_block(lang), "annex": self.annex(annex, lang, keys)}
        return Job(lang, "", "annex-doc", data, keys)

    def workshop_doc(self, w: m.Workshop, variant: str, lang: str) -> Job:
        keys: list[str] = []
        title = self.sheet_title(w, variant, lang)
        data = {"doc": self.doc_block(lang, title, title), "ui": self.ui_block(lang),
                "workshop": self.workshop(w, lang, keys), "variant": variant}
        return Job(lang, "", "workshop-doc", data, keys)

    def flashcards_doc(self, lang: str) -> Job:
        keys: list[str] = []
        title = self.t(self.model.flashcards.title, lang)
        data = {"doc": self.doc_block(lang, title, title), "ui": self.ui_block(lang),
                "flashcards": self.flashcards(lang, keys)}
        return Job(lang, "", "flashcards-doc", data, keys)

    def pack_doc(self, lang: str) -> Job:
        prog = self.model.programme
        keys: list[str] = []
        kind = self.ui("trainer_pack", lang)
        title = f"{self.t(prog.title, lang)} — {kind}"
        workshops = []
        for w in self.model.workshops:
            data = self.workshop(w, lang, keys)
            for variant in ("participant", "facilitator"):
                data[variant + "-title"] = self.sheet_title(w, variant, lang)
            workshops.append(data)
        data = {
            "doc": self.doc_block(lang, title, kind, cover=True),
            "ui": self.ui_block(lang),
            "cover": {"kind": kind, "title": self.t(prog.title, lang), "dates": self.dates(lang),
                      "lines": [self.t(w.title, lang) for w in self.model.workshops]
                      + ([self.t(self.model.flashcards.title, lang)] if self.model.flashcards else [])},
            "workshops": workshops,
            "flashcards": self.flashcards(lang, keys) if self.model.flashcards else None,
        }
        return Job(lang, "", "pack-doc", data, keys)

    def jobs(self) -> list[Job]:
        by_id = lambda items: {i.id: i for i in items}
        forms, annexes, workshops = by_id(self.model.forms), by_id(self.model.annexes), by_id(self.model.workshops)
        jobs = []
        for lang in self.model.languages:
            for out in layout.outputs(self.model):
                if out.format != "pdf":
                    continue
                if out.kind == "guide":
                    job = self.guide(lang)
                elif out.kind == "form":
                    job = self.form_doc(forms[out.item_id], lang)
                elif out.kind == "annex":
                    job = self.annex_doc(annexes[out.item_id], lang)
                elif out.kind == "workshop":
                    job = self.workshop_doc(workshops[out.item_id], out.variant, lang)
                elif out.kind == "flashcards":
                    job = self.flashcards_doc(lang)
                elif out.kind == "pack":
                    job = self.pack_doc(lang)
                else:
                    raise BuildError(f"the PDF writer does not know how to make {out.path}")
                job.path = out.path
                jobs.append(job)
        return jobs


def _link_targets(data) -> set[str]:
    """The labels a document defines (every "anchor" in its data), and marks
    each reference to them as linked."""
    labels: set[str] = set()
    refs: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("ref"):
                refs.append(node)
            elif isinstance(node.get("anchor"), str):
                labels.add(node["anchor"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    for ref in refs:
        ref["linked"] = ref["anchor"] in labels
    return labels


# The PDF form field each kind of control becomes.
PDF_FIELD_KINDS = m.require_kinds({
    ctl.TEXT: pdfform.TEXT,
    ctl.LONG_TEXT: pdfform.MULTILINE_TEXT,
    ctl.DATE: pdfform.TEXT,
    ctl.NUMBER: pdfform.TEXT,
    ctl.CHOICE: pdfform.RADIO_GROUP,
    ctl.RATING: pdfform.RADIO_GROUP,
    ctl.CHECKBOX: pdfform.CHECKBOX,
}, "the PDF form fields", ctl.KINDS)

FIELD_DATA = m.require_kinds({
    "text": Documents.no_data,
    "long_text": Documents.long_text_data,
    "date": Documents.no_data,
    "number": Documents.number_data,
    "choice": Documents.choice_data,
    "rating": Documents.rating_data,
    "checkbox": Documents.no_data,
    "checklist": Documents.checklist_data,
    "table": Documents.table_data,
    "signature": Documents.no_data,
}, "the PDF writer")

# Rough width of a column, in units of about 15 mm of a portrait page's ~11.
COLUMN_WIDTHS = m.require_kinds({
    "text": lambda c: 2,
    "long_text": lambda c: 3,
    "date": lambda c: 1.7,
    "number": lambda c: 1.3,
    "choice": lambda c: len(c["codes"]) * 0.5 + 0.2 if c["codes"] else 2,
    "rating": lambda c: c["scale"] * 0.35 + 0.3,
    "checkbox": lambda c: 0.8,
}, "the PDF table widths", [k.type for k in m.FIELD_KINDS if k.in_tables])


def _table_width(columns: list[dict]) -> float:
    """Rough width of a table, in units of about 15 mm of a portrait page's ~11."""
    return sum(COLUMN_WIDTHS[c["type"]](c) for c in columns)


def _clock(minutes: int, lang: str) -> str:
    """Time since a workshop's start: "1:30", in French "1 h 30"."""
    return typography.rules(lang).clock(*divmod(minutes, 60))


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _tint(colour: str, amount: float = 0.9) -> str:
    """`colour` mixed with white (amount 0.9 = 90 % white), as #rrggbb."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


# ---------------------------------------------------------------------------
# Compiling


def creation_timestamp(model: m.Model) -> int:
    """SOURCE_DATE_EPOCH when set, else midnight UTC on the programme's first
    day (for callers outside the build engine, which passes its own date)."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    start = model.programme.start
    return int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc).timestamp())


_TYPST_RAN_IN: set[int] = set()  # the processes (pids) that have compiled with typst


def typst_ran_in_this_process() -> bool:
    """True once this process has compiled a document: typst then runs
    threads that a forked child would inherit dead (its compiles would hang)."""
    return os.getpid() in _TYPST_RAN_IN


# One typst compiler per worker (per thread in `write`) and work folder:
# the fonts are found and loaded once, and the templates shared by every
# document (lib.typ, docs.typ) are read and evaluated once, not per document.
_COMPILERS = threading.local()


def _compiler(work: Path):
    import typst

    held = getattr(_COMPILERS, "held", None)
    if held is None or held[0] != (os.getpid(), str(work)):
        held = ((os.getpid(), str(work)), typst.Compiler(root=str(work)))
        _COMPILERS.held = held
    return held[1]


def _compile(work: Path, name: str, where: str, timestamp: int) -> tuple[bytes, list[str]]:
    _TYPST_RAN_IN.add(os.getpid())

    main = work / f"{name}.typ"
    try:
        pdf, warnings = _compiler(work).compile_with_warnings(input=str(main), pdf_standards=PDF_STANDARDS,
                                                              timestamp=timestamp)
    except Exception as exc:  # typst.TypstError, with typst's own message
        detail = getattr(exc, "diagnostic", "") or str(exc)
        raise BuildError(f"typst could not make {where} (from {name}.typ):\n{detail}") from exc
    return pdf, [f"{where}: {getattr(w, 'message', w)}" for w in warnings]


def _source_name(job: Job) -> str:
    """A stable file name for a document's typst sources: the same document
    keeps the same name when others are added or removed."""
    return job.lang + "--" + re.sub(r"[^a-z0-9]+", "-", job.path.removesuffix(".pdf").lower())


def _prepare(model: m.Model, work: Path, log, pandoc_processes: int = 2) -> list[tuple[Job, str, str]]:
    """Convert the Markdown, write every document's typst sources into
    `work`; (job, source name, digest of its sources) per document."""
    batch = MarkdownBatch(document.resolve(model))
    documents = Documents(model, batch)
    jobs = documents.jobs()
    for warning in documents.warnings:
        log(f"  warning: {warning}")
    batch.convert(pandoc_processes, cache_dir=Path(model.root) / CACHE_DIR)
    work.mkdir(parents=True, exist_ok=True)
    shared = []
    for name in TEMPLATE_FILES:
        # A project may carry its own templates/pdf/; else the bundled ones.
        own = Path(model.root) / "templates" / "pdf" / name
        data = (own if own.is_file() else TEMPLATE_DIR / name).read_bytes()
        (work / name).write_bytes(data)
        shared.append(data)
    logo = (Path(model.root) / model.programme.organisation.logo).read_bytes()
    (work / documents.logo_name).write_bytes(logo)
    shared.append(logo)
    common = digest(*shared)
    prepared = []
    for job in jobs:
        name = _source_name(job)
        data = json.dumps(job.data, ensure_ascii=False, indent=1)
        module = md_module(job.md_keys, batch, _link_targets(job.data))
        main = '#import "docs.typ": *\n' f'#import "{name}-md.typ": md\n' f'#{job.function}(json("{name}.json"), md)\n'
        (work / f"{name}.json").write_text(data, encoding="utf-8")
        (work / f"{name}-md.typ").write_text(module, encoding="utf-8")
        (work / f"{name}.typ").write_text(main, encoding="utf-8")
        fields = ""
        if job.fields:
            fields = json.dumps({"fields": [f.as_json() for f in job.fields], "identity": job.identity},
                                ensure_ascii=False, indent=1)
            (work / f"{name}-fields.json").write_text(fields, encoding="utf-8")
        prepared.append((job, name, digest(common, data, module, main, fields)))
    return prepared


def plan(model: m.Model, ctx: Context, log, lang=None) -> list[Task]:
    """One task per PDF; its key is the digest of the typst sources it is
    compiled from (data, converted Markdown, templates, logo).  Biggest
    first, the languages side by side: both sites then become ready near
    the end and build together on two cores."""
    import typst

    log("Converting the texts of the PDF handouts…")
    salt = digest(ctx.salt, getattr(typst, "__version__", ""), PDF_STANDARDS, pdfform.code_digest())
    work = ctx.staging / WORK_DIR
    tasks = []
    # One pandoc at a time: the build's workers already use every core, and
    # each pandoc takes about 180 MB.
    for job, name, key in _prepare(model, work, log, pandoc_processes=1):
        out = f"dist/{job.lang}/{job.path}"
        tasks.append(Task(name=out, lang=job.lang, outputs=[out], key=digest("pdf", salt, key),
                          weight=3.0 if job.function == "guide" else 1.0,
                          run=functools.partial(run_task, str(work), name, out, ctx.epoch)))
    rank = {id(t): i for lang in model.languages for i, t in enumerate(t for t in tasks if t.lang == lang)}
    return sorted(tasks, key=lambda t: (-t.weight, rank[id(t)], model.languages.index(t.lang)))


def run_task(work: str, name: str, out: str, epoch: int, staging: Path) -> list[str]:
    pdf, warnings = _compile(Path(work), name, out, epoch)
    pdf = pdflang.mark_languages(pdf)
    fields_file = Path(work) / f"{name}-fields.json"
    if fields_file.is_file():
        wanted = json.loads(fields_file.read_text(encoding="utf-8"))
        try:
            pdf = pdfform.make_fillable(pdf, [pdfform.FieldSpec.from_json(f) for f in wanted["fields"]],
                                        wanted["identity"])
        except pdfform.FieldLayoutError as exc:
            raise BuildError(f"{out}: the form fields could not be placed ({exc}); the PDF templates and "
                             f"the form's fields disagree: report this with the form's file") from None
    target = Path(staging) / out
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    return list(dict.fromkeys(warnings))


WRITER = Writer(name="pdf", plan=plan, stage="typst", slow_to_plan=True, work_dirs=(WORK_DIR,),
                fork_safe=lambda: not typst_ran_in_this_process(), preload=("typst",))


def write(model: m.Model, staging: Path, log, epoch: int | None = None) -> None:
    """Make every PDF here and now (the build engine uses `plan` instead)."""
    started = time.monotonic()
    timestamp = creation_timestamp(model) if epoch is None else epoch
    with tempfile.TemporaryDirectory(prefix="dyade-pdf-") as tmp:
        # DYADE_PDF_WORK=<folder> keeps the typst sources there, to debug a template.
        work = Path(os.environ.get("DYADE_PDF_WORK") or tmp)
        prepared = _prepare(model, work, log)
        order = sorted(prepared, key=lambda p: p[0].function != "guide")  # biggest first
        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            results = pool.map(lambda p: run_task(str(work), p[1], f"dist/{p[0].lang}/{p[0].path}", timestamp,
                                                  staging), order)
            for warnings in results:
                for warning in warnings:
                    log(f"  warning: {warning}")
    log(f"  {len(prepared)} PDF files in {time.monotonic() - started:.1f} s")
