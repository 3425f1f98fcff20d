"""Fillable DOCX forms: one file per form and per language.

Every field becomes a Word content control (`dyade.oxml` builds the XML) with
the field id as its tag and the label as its title, so the coordinator can
read returned forms back with `dyade.readback.read_form`.  The writer reads
only the model (and the logo file it names).  Same input, same bytes: zip
timestamps and document dates come from the build's date (SOURCE_DATE_EPOCH,
or the sources' last change).
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Callable

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from .. import controls as ctl
from .. import document, layout, safety, typography
from .. import model as m
from .. import oxml as ox
from ..errors import BuildError
from ..tasks import Context, Task, current_model, digest, plain
from .base import Writer

FONT = "Calibri"
TEXT_COLOUR = "1A1A1A"
MUTED = "404040"          # help text: dark enough for grey-scale print
HELP_TEXT_STYLE_ID = "FieldHelpText"  # the character style "Field Help Text" (python-docx drops the spaces)
RULE = "7F7F7F"
MARGIN = Cm(2)
LOGO_HEIGHT = Cm(1.3)
LINE_TWIPS = 300          # one handwriting line in boxes and tables
BOX_INDENT = Pt(10)       # text inside the summary and instructions bars
LIST_HANG = Pt(14)        # bullet to text


def plan(model: m.Model, ctx: Context, log=None, lang=None) -> list[Task]:
    """One task per form and language: dist/<lang>/forms/<form-id>.docx.

    A form's key holds, in its language only, the form, the programme
    (branding, page size, protection), the interface strings and the list of
    forms, plus the logo's bytes: editing the English of one form re-renders
    that form's English DOCX and nothing else."""
    logo = _FormDocument(model, model.forms[0], model.languages[0]).logo_path() if model.forms else None
    logo_bytes = logo.read_bytes() if logo else b""
    tasks = []
    for lang in model.languages:
        shared = digest(ctx.salt, plain(model.programme, lang), plain(model.strings, lang),
                        [(f.id, f.number, plain(f.title, lang)) for f in model.forms], logo_bytes)
        for form in model.forms:
            out = f"dist/{lang}/{layout.form_docx(form)}"
            key = digest("docx", shared, plain(form, lang))
            tasks.append(Task(name=out, lang=lang, outputs=[out], weight=0.2, key=key,
                              run=functools.partial(run_task, form.id, lang, ctx.epoch, out)))
    return tasks


def logo_note(model: m.Model) -> str | None:
    """A note for the build log when Word cannot show the logo."""
    if model.forms and _FormDocument(model, model.forms[0], model.languages[0]).logo_path() is None:
        return (f"Note: Word cannot show the logo {model.programme.organisation.logo}; put a PNG of it next "
                "to it (same name, .png) to have it in the DOCX forms' header")
    return None


def _notes(model: m.Model) -> list[str]:
    note = logo_note(model)
    return [note] if note else []


def run_task(form_id: str, lang: str, epoch: int, out: str, staging: Path) -> list[str]:
    """Render one form (in a worker process: the model is the build's)."""
    model = current_model()
    form = next(f for f in model.forms if f.id == form_id)
    target = Path(staging) / out
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(render(model, form, lang, build_date(epoch)))
    return []


WRITER = Writer(name="docx", plan=plan, notes=_notes, stage="docx")


def write(model: m.Model, staging: Path, log: Callable[[str], None], epoch: int | None = None) -> None:
    """Write dist/<lang>/forms/<form-id>.docx for every language and form,
    here and now (the build engine uses `plan` instead)."""
    note = logo_note(model)
    if note:
        log("  " + note)
    stamp = build_date(model_epoch(model) if epoch is None else epoch)
    for lang in model.languages:
        for form in model.forms:
            target = Path(staging) / "dist" / lang / layout.form_docx(form)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(render(model, form, lang, stamp))
        log(f"  {len(model.forms)} DOCX forms in {lang}")


def model_epoch(model: m.Model) -> int:
    """SOURCE_DATE_EPOCH if set, else midnight UTC on the programme's first day
    (for callers outside the build engine, which passes its own date)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return int(epoch)
        except ValueError:
            raise BuildError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds; unset it or fix it")
    start = model.programme.start
    return int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc).timestamp())


def build_date(epoch: int) -> dt.datetime:
    try:
        stamp = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise BuildError(f"the build date {epoch!r} is not a number of seconds since 1970; fix SOURCE_DATE_EPOCH")
    # Zip archives cannot hold dates before 1980.
    return max(stamp, dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)).replace(microsecond=0)


def render(model: m.Model, form: m.Form, lang: str, stamp: dt.datetime) -> bytes:
    """The DOCX file of `form` in `lang`, as bytes."""
    doc = _FormDocument(model, form, lang)
    doc.build()
    return doc.save(stamp)


# -- text helpers ------------------------------------------------------------

def hexcolour(value: str) -> str:
    return value.lstrip("#").upper()


def tint(value: str, amount: float) -> str:
    """`value` mixed with white; amount 0 = the colour, 1 = white."""
    rgb = [int(value.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)


# Markdown, from the tree dyade.markdown parsed (the PDF reads the same):
# blocks become ("p" | "h", inlines), ("ul" | "ol", [inlines]) or
# ("code", text); inlines become runs.
CODE_FONT = "Courier New"


def markdown_blocks(tree: list) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for block in tree:
        t, c = block["t"], block.get("c")
        if t in ("Para", "Plain"):
            out.append(("p", c))
        elif t == "Header":
            out.append(("h", c[2]))
        elif t in ("BulletList", "OrderedList"):
            kind = "ul" if t == "BulletList" else "ol"
            entries: list = []
            for item in (c if t == "BulletList" else c[1]):
                inner = markdown_blocks(item)
                # An item's paragraphs in one entry; a list inside it adds entries.
                words = [x for k, x in inner if k in ("p", "h")]
                entries.append([node for i, para in enumerate(words) for node in ([{"t": "Space"}] if i else []) + para])
                for k, x in inner:
                    if k in ("ul", "ol"):
                        entries.extend(x)
            out.append((kind, entries))
        elif t == "CodeBlock":
            out.append(("code", c[1]))
        elif t in ("BlockQuote", "Div"):
            out.extend(markdown_blocks(c if t == "BlockQuote" else c[1]))
        elif t == "LineBlock":
            out.extend(("p", line) for line in c)
        elif t == "DefinitionList":
            for term, definitions in c:
                out.append(("p", [{"t": "Strong", "c": term}]))
                for definition in definitions:
                    out.extend(markdown_blocks(definition))
        elif t == "Table":
            for row in _table_rows(c):
                out.append(("p", [node for i, cell in enumerate(row)
                                  for node in ([{"t": "Str", "c": " · "}] if i else []) + cell]))
        # HorizontalRule, RawBlock (not read: raw formats are off), Figure: nothing to print
    return out


def _table_rows(c) -> list[list[list]]:
    """The cells of a pandoc table, as inline lists, row by row."""
    rows = []
    head, bodies = c[3], c[4]
    for row in head[1] + [r for body in bodies for r in body[2] + body[3]]:
        rows.append([[n for b in cell[4] for n in (b["c"] if b["t"] in ("Para", "Plain") else [])] for cell in row[1]])
    return rows


def inline_runs(inlines: list, lang: str, bold=False, italic=False, url=None,
                phrase: str | None = None) -> list[tuple[str, bool, bool, str | None, bool, str | None]]:
    """(text, bold, italic, url, code, phrase language) pieces of an inline
    list; the phrase language is a `[words]{lang=…}` span's tag, or None."""
    out: list = []
    for node in inlines:
        t, c = node["t"], node.get("c")
        if t == "Str":
            out.append((c, bold, italic, url, False, phrase))
        elif t in ("Space", "SoftBreak"):
            out.append((" ", bold, italic, url, False, phrase))
        elif t == "LineBreak":
            out.append(("\n", bold, italic, url, False, phrase))
        elif t == "Strong":
            out.extend(inline_runs(c, lang, True, italic, url, phrase))
        elif t == "Emph":
            out.extend(inline_runs(c, lang, bold, True, url, phrase))
        elif t in ("Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            out.extend(inline_runs(c, lang, bold, italic, url, phrase))
        elif t == "Span":
            # [words]{lang=en}: the words are marked as that language (Word's
            # spelling, hyphenation and screen readers follow it).
            tag = dict(c[0][2]).get("lang")
            tag = tag if tag and safety.LANG_TAG.fullmatch(tag) else phrase
            out.extend(inline_runs(c[1], tag or lang, bold, italic, url, tag))
        elif t == "Quoted":
            opening, closing = typography.quotes(lang) if c[0]["t"] == "DoubleQuote" else ("‘", "’")
            out.append((opening, bold, italic, url, False, phrase))
            out.extend(inline_runs(c[1], lang, bold, italic, url, phrase))
            out.append((closing, bold, italic, url, False, phrase))
        elif t == "Code":
            out.append((c[1], bold, italic, url, True, phrase))
        elif t == "Link":
            target = c[2][0]
            # Web and e-mail links are followed; a reference to another item
            # (form:…, chapter:…) has no page in a form: its words only.
            external = target if re.match(r"^(https?:|mailto:)", target, re.I) else None
            out.extend(inline_runs(c[1] or [{"t": "Str", "c": target}], lang, bold, italic, external, phrase))
        elif t == "Image":
            out.extend(inline_runs(c[1], lang, bold, italic, url, phrase))
        elif t == "Math":
            out.append((c[1], bold, italic, url, False, phrase))
        elif t == "Note":
            for k, x in markdown_blocks(c):
                if k in ("p", "h"):
                    out.append((" (", bold, italic, url, False, phrase))
                    out.extend(inline_runs(x, lang, bold, italic, url, phrase))
                    out.append((")", bold, italic, url, False, phrase))
        # RawInline, Cite: not read (their extensions are off)
    merged: list = []
    for piece in out:
        if merged and merged[-1][1:] == piece[1:] and "\n" not in (piece[0], merged[-1][0][-1:]):
            merged[-1] = (merged[-1][0] + piece[0],) + piece[1:]
        else:
            merged.append(piece)
    return merged


# -- the document -------------------------------------------------------------

class _FormDocument:
    def __init__(self, model: m.Model, form: m.Form, lang: str):
        self.model, self.form, self.lang = model, form, lang
        self.resolved = document.of(model, lang)  # the resolved document of this language
        self.prog = model.programme
        self.primary = hexcolour(self.prog.colours.primary)
        self.accent = hexcolour(self.prog.colours.accent)
        self.locale = self.ui("locale", lang)  # e.g. fr-CA; the bare language code if strings.yml has none
        self.doc = docx.Document()
        self.next_id = 1000
        self.style_ids: dict[str, str] = {}  # paragraph style name → id; "" → the default's
        self.body_width = 0       # of the section being written
        self.portrait_width = 0   # of a portrait page
        self.landscape = False    # whether the section being written is landscape

    # small helpers
    def ui(self, key: str, default: str | None = None) -> str:
        try:
            return self.model.ui(key, self.lang)
        except KeyError:
            if default is None:
                raise BuildError(f"templates/strings.yml has no {key!r} text in {self.lang!r}; add it")
            return default

    def t(self, text) -> str:
        """A plain text as printed: the same typography as the PDF's."""
        return self.resolved.plain(text)

    def sdt_id(self) -> int:
        self.next_id += 1
        return self.next_id

    # -- build ------------------------------------------------------------------
    def build(self) -> None:
        self.setup_page()
        self.setup_styles()
        self.header_footer(self.doc.sections[0])
        self.title_block()
        plan = iter(ctl.controls(self.form))
        self.plan = plan
        # A table too wide for a portrait page gets a landscape section, with the headings and
        # instructions just before it (its `lead`), as the printed PDF gives it a landscape page.
        lead: list = []
        for item in self.form.fields:
            if isinstance(item, (m.Heading, m.Instructions)):
                lead.append(item)
                continue
            wide = isinstance(item, m.TableField) and self.needs_landscape(item)
            if wide != self.landscape:
                self.new_section(landscape=wide)
            for before in lead:
                self.item(before)
            lead = []
            self.item(item)
        if lead and self.landscape:
            self.new_section(landscape=False)
        for before in lead:
            self.item(before)
        leftover = next(plan, None)
        if leftover is not None:  # a bug, not a user error: the reader relies on this order
            raise BuildError(f"internal error: control {leftover.tag!r} of form {self.form.id!r} was not written")
        self.properties()
        ox.set_document_protection(self.doc.settings.element, bool(self.prog.forms_protection))

    def take(self, tag: str) -> ctl.Control:
        """The next control of the shared plan; it must be `tag`."""
        control = next(self.plan, None)
        if control is None or control.tag != tag:
            raise BuildError(f"internal error: form {self.form.id!r} writes {tag!r} out of order")
        return control

    def para(self, text: str = "", style: str | None = None):
        """A new paragraph at the end of the body, in the paragraph style `style`."""
        p = self.doc.add_paragraph(text)
        if style is not None:
            self.set_style(p, style)
        return p

    def set_style(self, p, name: str) -> None:
        # python-docx looks a style name up among all the template's styles,
        # and its default, on every assignment (half the writer's time): the
        # ids are looked up once per document instead.
        ids = self.style_ids
        if not ids:
            ids[""] = self.doc.styles.default(WD_STYLE_TYPE.PARAGRAPH).style_id
        if name not in ids:
            style = self.doc.styles[name]
            if style.type != WD_STYLE_TYPE.PARAGRAPH:
                raise BuildError(f"internal error: {name!r} is not a paragraph style")
            ids[name] = style.style_id
        # The default style is left implicit, as python-docx does.
        p._p.style = None if ids[name] == ids[""] else ids[name]

    # -- styles -----------------------------------------------------------------
    def setup_styles(self) -> None:
        doc, styles = self.doc, self.doc.styles
        # Document defaults: font, size and language of every run.
        rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        self._fonts(rpr_default)
        self._lang(rpr_default)
        theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.attrib.clear()
            theme_lang.set(qn("w:val"), self.locale)

        normal = styles["Normal"]
        self._style_font(normal, size=10.5, colour=TEXT_COLOUR)
        normal.paragraph_format.space_after = Pt(4)
        normal.paragraph_format.line_spacing = 1.1

        for name, size, before, after in (("Heading 1", 20, 0, 4), ("Heading 2", 13.5, 14, 4), ("Heading 3", 11.5, 10, 2)):
            style = styles[name]
            self._style_font(style, size=size, colour=self.primary, bold=True)
            pf = style.paragraph_format
            pf.space_before, pf.space_after = Pt(before), Pt(after)
            pf.keep_with_next = True
        h2 = styles["Heading 2"].element.get_or_add_pPr()
        self._insert_ppr(h2, ox.paragraph_borders(bottom=("single", 6, 2, self.primary)))

        def para_style(name, *, size=None, colour=None, bold=False, italic=False, before=None, after=None,
                       keep=False, base="Normal"):
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles[base]
            style.quick_style = True
            self._style_font(style, size=size, colour=colour, bold=bold, italic=italic)
            pf = style.paragraph_format
            if before is not None:
                pf.space_before = Pt(before)
            if after is not None:
                pf.space_after = Pt(after)
            pf.keep_with_next = keep or None
            return style

        para_style("Form Number", size=10, colour=self.accent, bold=True, after=2, keep=True).font.all_caps = True
        para_style("Form Subtitle", size=10.5, colour=MUTED, after=10, keep=True)
        # Boxed texts (the summary, instructions) and their lists: same bar, same indent.
        def summary_look(style):
            ppr = style.element.get_or_add_pPr()
            self._insert_ppr(ppr, ox.paragraph_borders(left=("single", 24, 8, self.primary)))
            ox.shade(ppr, tint(self.prog.colours.primary, 0.9))

        def instructions_look(style):
            self._insert_ppr(style.element.get_or_add_pPr(),
                             ox.paragraph_borders(left=("single", 12, 8, self.accent)))

        for name, look, before in (("Form Summary", summary_look, None), ("Form Instructions", instructions_look, 6)):
            style = para_style(name, before=before, after=3 if before is None else 4)
            look(style)
            style.paragraph_format.left_indent = BOX_INDENT
            for kind, base in (("Bullet", "List Bullet"), ("Number", "List Number")):
                look(para_style(f"{name} {kind}", after=2, base=base))
        para_style("Field Label", bold=True, before=9, after=2, keep=True)
        para_style("Field Help", size=9.5, colour=MUTED, italic=True, after=2, keep=True)
        help_text = styles.add_style("Field Help Text", WD_STYLE_TYPE.CHARACTER)
        self._style_font(help_text, size=9.5, colour=MUTED, italic=True)
        help_text.font.bold = False  # inside the bold label
        if help_text.style_id != HELP_TEXT_STYLE_ID:
            raise BuildError("internal error: unexpected id for the help text style")
        answer = para_style("Field Answer", after=6)
        self._insert_ppr(answer.element.get_or_add_pPr(), ox.paragraph_borders(bottom=("single", 4, 2, RULE)))
        # The paragraphs holding a plain-text control are grey: LibreOffice 7.4 opens such a
        # control as an input field, drawn in its paragraph's colour (it drops the placeholder
        # run's style and colour), so only a grey paragraph shows its placeholder grey, as Word
        # does.  What is typed in Word takes the control's own run properties (TEXT_COLOUR, see
        # text_control), and the other words of these paragraphs have that colour directly (`dark`).
        para_style("Field Input", colour=ox.PLACEHOLDER_COLOUR, base="Field Answer")
        box = para_style("Field Box", colour=ox.PLACEHOLDER_COLOUR, after=0)  # holds a long-text control only
        side = ("single", 4, 4, RULE)
        self._insert_ppr(box.element.get_or_add_pPr(),
                         ox.paragraph_borders(top=side, left=side, bottom=side, right=side))
        box.paragraph_format.left_indent = Pt(4)
        box.paragraph_format.right_indent = Pt(4)
        check = para_style("Check Item", after=3)
        check.paragraph_format.left_indent = Pt(20)
        check.paragraph_format.first_line_indent = Pt(-20)
        check.paragraph_format.tab_stops.add_tab_stop(Pt(20))
        sign_line = para_style("Signature Line", before=26, after=0, keep=True)
        self._insert_ppr(sign_line.element.get_or_add_pPr(),
                         ox.paragraph_borders(bottom=("single", 8, 1, TEXT_COLOUR)))
        sign_line.paragraph_format.right_indent = Cm(6)
        para_style("Signature Caption", size=9, colour=MUTED, after=6)
        para_style("Table Text", size=9.5, after=0)
        para_style("Table Input", colour=ox.PLACEHOLDER_COLOUR, base="Table Text")  # as "Field Input"
        para_style("Table Heading", size=9.5, colour="FFFFFF", bold=True, after=0)

        placeholder = styles.add_style(ox.PLACEHOLDER_STYLE_NAME, WD_STYLE_TYPE.CHARACTER)
        placeholder.font.color.rgb = RGBColor.from_string(ox.PLACEHOLDER_COLOUR)
        placeholder.hidden = False
        placeholder.priority = 99
        if placeholder.style_id != ox.PLACEHOLDER_STYLE_ID:  # python-docx derives it from the name
            raise BuildError("internal error: unexpected id for the placeholder style")
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = RGBColor.from_string(self.accent)
        link.font.underline = True

        for name in ("Header", "Footer"):
            style = styles[name]
            self._style_font(style, size=9, colour=MUTED)
            ppr = style.element.get_or_add_pPr()
            for tabs in ppr.findall(qn("w:tabs")):
                ppr.remove(tabs)
            style.paragraph_format.tab_stops.add_tab_stop(self.body_width, WD_TAB_ALIGNMENT.RIGHT)

    def _style_font(self, style, *, size=None, colour=None, bold=False, italic=False):
        rpr = style.element.get_or_add_rPr()
        self._fonts(rpr)
        if size:
            style.font.size = Pt(size)
        if colour:
            style.font.color.rgb = RGBColor.from_string(colour)
            rpr.find(qn("w:color")).attrib.pop(qn("w:themeColor"), None)
            rpr.find(qn("w:color")).attrib.pop(qn("w:themeShade"), None)
        style.font.bold = bold or None
        style.font.italic = italic or None
        self._lang(rpr)

    def _fonts(self, rpr):
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = ox.el("w:rFonts")
            rpr.insert(1 if rpr.find(qn("w:rStyle")) is not None else 0, fonts)
        fonts.attrib.clear()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)

    def _lang(self, rpr, locale: str | None = None):
        for old in rpr.findall(qn("w:lang")):
            rpr.remove(old)
        locale = locale or self.locale
        lang = ox.el("w:lang", {"w:val": locale, "w:bidi": locale})
        # w:lang sits after w:color/w:sz/…/w:u/w:effect/…/w:vertAlign etc.; before eastAsianLayout/specVanish/oMath.
        tail = [rpr.find(qn(t)) for t in ("w:eastAsianLayout", "w:specVanish", "w:oMath")]
        tail = [t for t in tail if t is not None]
        if tail:
            tail[0].addprevious(lang)
        else:
            rpr.append(lang)

    @staticmethod
    def _insert_ppr(ppr, element):
        ox.insert_ordered(ppr, element)

    # -- page, header, footer ---------------------------------------------------
    def setup_page(self) -> None:
        section = self.doc.sections[0]
        width, height = (Twips(n) for n in m.PAPERS[self.prog.page_size].twips())
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
        section.left_margin = section.right_margin = MARGIN
        section.top_margin, section.bottom_margin = Cm(2.9), Cm(2)
        section.header_distance = section.footer_distance = Cm(0.9)
        self.body_width = self.portrait_width = width - 2 * MARGIN

    def new_section(self, landscape: bool) -> None:
        """End the section written so far at the last paragraph, and go on in
        a new section, on a new page, landscape or portrait."""
        body = self.doc.element.body
        last = body.sectPr.getprevious()
        if last is None or last.tag != qn("w:p"):
            last = self.para()._p
        last.set_sectPr(body.sectPr.clone())  # the section so far, its header and footer included
        sentinel = body.sectPr                # from here on: the new section
        for ref in sentinel.xpath("w:headerReference|w:footerReference"):
            sentinel.remove(ref)
        section = self.doc.sections[-1]
        width, height = (Twips(n) for n in m.PAPERS[self.prog.page_size].twips())
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (height, width) if landscape else (width, height)
        self.body_width = section.page_width - 2 * MARGIN
        self.landscape = landscape
        if landscape:
            # Its own header and footer, their right tab stop at this page's margin.
            section.header.is_linked_to_previous = False
            section.footer.is_linked_to_previous = False
            self.header_footer(section)
        else:
            # Back to portrait: the first section's header and footer.
            first = self.doc.sections[0]._sectPr
            for i, ref in enumerate(first.xpath("w:headerReference|w:footerReference")):
                sentinel.insert(i, copy.deepcopy(ref))

    def header_footer(self, section) -> None:
        org = self.prog.organisation
        header = section.header.paragraphs[0]
        header.style = self.doc.styles["Header"]
        self.right_tab(header)
        logo = self.logo_path()
        if logo is not None:
            shape = header.add_run().add_picture(str(logo), height=LOGO_HEIGHT)
            doc_pr = shape._inline.docPr
            doc_pr.set("descr", org.logo_alt[self.lang])
            doc_pr.set("name", "Logo")
            doc_pr.set("id", str(len(self.doc.sections)))  # one drawing id per header: 1, 2…
        header.add_run("\t")
        name = header.add_run(self.t(org.name))
        name.bold = True
        name.font.color.rgb = RGBColor.from_string(self.primary)
        self._insert_ppr(header._p.get_or_add_pPr(),
                         ox.paragraph_borders(bottom=("single", 6, 4, self.primary)))

        footer = section.footer.paragraphs[0]
        footer.style = self.doc.styles["Footer"]
        self.right_tab(footer)
        footer.add_run(self.t(f"{org.short_name[self.lang]} · {self.ui('form')} {self.form.number} — "
                              f"{self.form.title[self.lang]}") + "\t")
        # "Page {page} of {pages}" with PAGE and NUMPAGES fields in place.
        pattern = self.ui("page_x_of_y")
        for piece in re.split(r"(\{page\}|\{pages\})", pattern):
            if piece == "{page}":
                footer._p.extend(ox.field_runs("PAGE"))
            elif piece == "{pages}":
                footer._p.extend(ox.field_runs("NUMPAGES"))
            elif piece:
                footer.add_run(self.t(piece))

    def right_tab(self, p) -> None:
        """In a landscape section, move the Header and Footer styles' right tab
        stop (at a portrait page's margin) to this page's margin."""
        if self.body_width != self.portrait_width:
            stops = p.paragraph_format.tab_stops
            stops.add_tab_stop(self.portrait_width, WD_TAB_ALIGNMENT.CLEAR)
            stops.add_tab_stop(self.body_width, WD_TAB_ALIGNMENT.RIGHT)

    def logo_path(self) -> Path | None:
        path = Path(self.model.root) / self.prog.organisation.logo
        if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".bmp"):
            return path if path.is_file() else None
        sibling = path.with_suffix(".png")  # an SVG logo: use a PNG next to it if there is one
        return sibling if sibling.is_file() else None

    # -- opening block ------------------------------------------------------------
    def title_block(self) -> None:
        form = self.form
        self.para(f"{self.ui('form')} {form.number}", style="Form Number")
        self.para(self.t(form.title), style="Heading 1")
        self.para(self.t(self.prog.title), style="Form Subtitle")
        self.markdown(form.purpose[self.lang], "Form Summary", lead=self.label_colon(self.ui("purpose")))
        for key, value in (("who_fills", form.who), ("when_filled", form.when)):
            p = self.para(style="Form Summary")
            p.add_run(self.label_colon(self.ui(key))).bold = True
            p.add_run(self.t(value))
        how = self.ui("how_to_fill").replace("{name}", self.prog.coordinator.name) \
            .replace("{email}", self.prog.coordinator.email)
        p = self.para(style="Form Summary")
        p.add_run(self.t(how)).italic = True

    def label_colon(self, label: str) -> str:
        # "Nom : " in French, "Name: " in English: the colon as the PDF and site write it.
        return self.t(label + self.ui("pdf_colon") + " ")

    def inline(self, paragraph, inlines: list, *, italic=False) -> None:
        for piece, bold, ital, url, code, phrase in inline_runs(inlines, self.lang, italic=italic):
            if piece == "\n":
                paragraph.add_run().add_break()
                continue
            # Quotes and apostrophes are pandoc's already (as in the PDF): spacing only.
            piece = piece if code else typography.spacing(piece, phrase or self.lang)
            if url:
                rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
                link = ox.el("w:hyperlink", {"r:id": rid})
                r = ox.run(piece, style="Hyperlink", bold=bold, italic=ital)
                link.append(r)
                paragraph._p.append(link)
            else:
                run = paragraph.add_run(piece)
                run.bold = bold or None
                run.italic = ital or None
                if code:
                    run.font.name = CODE_FONT
                r = run._r
            if phrase:
                rpr = r.find(qn("w:rPr"))
                if rpr is None:
                    rpr = ox.el("w:rPr")
                    r.insert(0, rpr)
                self._lang(rpr, phrase)

    def markdown(self, text: str, style: str = "Normal", lead: str | None = None) -> None:
        """Markdown blocks as paragraphs of `style` (lists get `style` + " Bullet"/" Number");
        `lead` is a bold label opening the first paragraph."""
        boxed = style != "Normal"
        blocks = markdown_blocks(self.resolved.tree(text))
        if lead and (not blocks or blocks[0][0] != "p"):
            blocks.insert(0, ("p", []))
        for kind, content in blocks:
            if kind == "code":
                # Code as typed, line by line, in a fixed-width font.
                p = self.para(style=style)
                for i, line in enumerate(content.split("\n")):
                    if i:
                        p.add_run().add_break()
                    p.add_run(line).font.name = CODE_FONT
                continue
            if kind in ("p", "h"):
                p = self.para(style=style if (kind == "p" or boxed) else "Heading 3")
                if lead:
                    p.add_run(lead).bold = True
                    lead = None
                self.inline(p, content)
                if kind == "h" and boxed:
                    for r in p.runs:
                        r.bold = True
                continue
            suffix = "Bullet" if kind == "ul" else "Number"
            list_style = f"{style} {suffix}" if boxed else f"List {suffix}"
            num_id = self.restart_numbering(list_style) if kind == "ol" else None
            for entry in content:
                p = self.para(style=list_style)
                pf = p.paragraph_format
                pf.left_indent = (BOX_INDENT if boxed else 0) + LIST_HANG
                pf.first_line_indent = -LIST_HANG
                if num_id is not None:
                    ox.set_numbering(p._p.get_or_add_pPr(), num_id)
                self.inline(p, entry)

    def restart_numbering(self, style_name: str) -> int | None:
        """A new list instance of the numbering `style_name` uses, counting from 1."""
        style = self.doc.styles[style_name]
        while style is not None:
            num_pr = style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None and num_pr.find(qn("w:numId")) is not None:
                break
            style = style.base_style
        if style is None:
            return None
        numbering = self.doc.part.numbering_part.element
        num_id = int(num_pr.find(qn("w:numId")).get(qn("w:val")))
        abstract = numbering.num_having_numId(num_id).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    # -- form items ---------------------------------------------------------------
    def item(self, item) -> None:
        if isinstance(item, m.Heading):
            self.para(self.t(item.text), style="Heading 2")
        elif isinstance(item, m.Instructions):
            self.markdown(item.text[self.lang], style="Form Instructions")
            last = self.doc.paragraphs[-1].paragraph_format
            last.space_after = Pt(8)
            last.keep_with_next = True  # never left alone at the foot of a page, away from what it explains
        else:
            FIELD_WRITERS[item.type](self, item)

    def checkbox_field(self, item: m.CheckboxField) -> None:
        p = self.para(style="Check Item")
        p.paragraph_format.space_before = Pt(9)
        p._p.append(self.checkbox(self.take(item.id), item.label))
        run = p.add_run("\t" + self.t(item.label))
        run.bold = True
        self.help(item)

    def labelled(self, item) -> None:
        # The help goes in the label's paragraph: LibreOffice keeps a
        # paragraph with the next one, but not a chain of three, and the
        # answer would start a page alone.
        self.help(item, into=self.label(item))

    def checklist_field(self, item: m.ChecklistField) -> None:
        self.labelled(item)
        for option in item.items:
            p = self.para(style="Check Item")
            alias = f"{item.label[self.lang]} – {option.label[self.lang]}"
            p._p.append(self.checkbox(self.take(f"{item.id}.{option.value}"), alias))
            p.add_run("\t" + self.t(option.label))

    def table_field(self, item: m.TableField) -> None:
        self.labelled(item)
        self.table(item)

    def signature_field(self, item: m.SignatureField) -> None:
        self.labelled(item)
        self.signature(item)

    def long_text_field(self, item: m.LongTextField) -> None:
        self.labelled(item)
        # One paragraph, its writing lines made by line breaks after the control, kept on one
        # page: a box of several paragraphs splits across pages (LibreOffice ignores chains of
        # "keep with next").
        box = self.para(style="Field Box")
        box._p.append(self.control(self.take(item.id), item.label[self.lang], item))
        if item.lines > 1:
            box._p.append(ox.line_breaks(item.lines - 1))
        box.paragraph_format.keep_together = True
        box.paragraph_format.space_after = Pt(6)

    def answer_field(self, item) -> None:
        """A field answered in one control on a line of its own."""
        self.labelled(item)
        c = self.take(item.id)
        p = self.para(style="Field Input" if c.word_type == "text" else "Field Answer")
        p._p.append(self.control(c, item.label[self.lang], item))
        return p

    def number_field(self, item: m.NumberField) -> None:
        p = self.answer_field(item)
        if item.unit:
            self.dark(p, "\u00a0" + self.t(item.unit))

    @staticmethod
    def dark(p, text: str):
        """A run of `text` at the end of `p` in the body text's colour, given
        directly: the paragraphs holding a plain-text control are grey."""
        run = p.add_run(text)
        run.font.color.rgb = RGBColor.from_string(TEXT_COLOUR)
        return run

    def label(self, f):
        return self.para(self.t(f.label), style="Field Label")

    def help(self, f, into=None) -> None:
        """The field's help and the meaning of its choices: lines of their own,
        or lines added to the paragraph `into`."""
        lines = []
        if f.help:
            lines.append(self.t(f.help))
        if isinstance(f, m.RatingField):
            lines.append(self.rating_legend(f))
        elif isinstance(f, m.ChoiceField):
            lines.append(self.label_colon(self.ui("options")) + " · ".join(self.t(o.label) for o in f.options))
        elif isinstance(f, m.NumberField) and self.model.number_range(f, self.lang):
            lines.append(self.t(self.model.number_range(f, self.lang)))
        for line in lines:
            if into is None:
                self.para(line, style="Field Help")
            else:
                into.add_run().add_break()
                into._p.append(ox.run(line, style=HELP_TEXT_STYLE_ID))

    def rating_legend(self, f: m.RatingField) -> str:
        if f.low or f.high:
            parts = []
            if f.low:
                parts.append(f"1 = {self.t(f.low)}")
            if f.high:
                parts.append(f"{f.scale} = {self.t(f.high)}")
            return " · ".join(parts)
        return self.t(self.ui("rating_scale").replace("{max}", str(f.scale)))

    # -- controls -----------------------------------------------------------------
    def placeholder(self, f, key: str, short: bool = False) -> str:
        """The field's own placeholder, else the interface's (a short one in table cells)."""
        own = getattr(f, "placeholder", None)
        if own:
            return own[self.lang]
        return self.ui(key.replace("placeholder_", "placeholder_short_")) if short else self.ui(key)

    def control(self, c: ctl.Control, alias: str, f):
        """The content control for control `c` of the plan (field or column `f`)."""
        return CONTROL_WRITERS[c.kind](self, c, alias, f, c.row is not None)

    def text_control(self, c: ctl.Control, alias: str, f, short: bool):
        return ox.text_control(c.tag, alias, self.sdt_id(), self.placeholder(f, "placeholder_text", short),
                               multiline=c.kind == ctl.LONG_TEXT, lang=self.locale, typed_colour=TEXT_COLOUR)

    def date_control(self, c: ctl.Control, alias: str, f, short: bool):
        return ox.date_control(c.tag, alias, self.sdt_id(), self.placeholder(f, "placeholder_date", short),
                               locale=self.locale, date_format=self.ui("date_format"), lang=self.locale)

    def choice_control(self, c: ctl.Control, alias: str, f, short: bool):
        items = [(o.label[self.lang], o.value) for o in f.options]
        return ox.dropdown_control(c.tag, alias, self.sdt_id(), self.placeholder(f, "placeholder_choice", short),
                                   items, lang=self.locale)

    def rating_control(self, c: ctl.Control, alias: str, f, short: bool):
        items = []
        for i in range(1, f.scale + 1):
            meaning = f.low if i == 1 else f.high if i == f.scale else None
            items.append((f"{i} – {meaning[self.lang]}" if meaning else str(i), str(i)))
        return ox.dropdown_control(c.tag, alias, self.sdt_id(), self.placeholder(f, "placeholder_choice", short),
                                   items, lang=self.locale)

    def number_control(self, c: ctl.Control, alias: str, f, short: bool):
        return ox.text_control(c.tag, alias, self.sdt_id(), self.placeholder(f, "placeholder_number", short),
                               lang=self.locale, typed_colour=TEXT_COLOUR)

    def checkbox_control(self, c: ctl.Control, alias: str, f, short: bool):
        return self.checkbox(c, alias)

    def checkbox(self, c: ctl.Control, alias) -> object:
        alias = alias[self.lang] if isinstance(alias, m.Text) else alias
        return ox.checkbox_control(c.tag, alias, self.sdt_id())

    # -- composite fields ---------------------------------------------------------
    def signature(self, f: m.SignatureField) -> None:
        label = f.label[self.lang]
        p = self.para(style="Field Input")
        self.dark(p, self.label_colon(self.ui("name")))
        c = self.take(f"{f.id}-name")
        p._p.append(ox.text_control(c.tag, f"{label} – {self.ui('name')}", self.sdt_id(),
                                    self.placeholder(f, "placeholder_text"), lang=self.locale,
                                    typed_colour=TEXT_COLOUR))
        p.paragraph_format.keep_with_next = True  # the whole block on one page
        self.para(style="Signature Line")
        self.para(self.ui("signature"), style="Signature Caption").paragraph_format.keep_with_next = True
        p = self.para(style="Field Answer")
        p.add_run(self.label_colon(self.ui("date")))
        c = self.take(f"{f.id}-date")
        p._p.append(ox.date_control(c.tag, f"{label} – {self.ui('date')}", self.sdt_id(),
                                    self.ui("placeholder_date"), locale=self.locale,
                                    date_format=self.ui("date_format"), lang=self.locale))

    def column_minimums(self, f: m.TableField) -> list[int]:
        """The width (EMU) each column of `f` needs so that no word breaks: the
        longest word of its heading, of its placeholder and of what a
        participant may pick in it (the items of a list, the dates)."""
        out = []
        for col in f.columns:
            words = [(w, True) for w in words_of(self.t(col.label))]
            for text in self.cell_texts(col):
                words.extend((w, False) for w in words_of(text))
            out.append(max((text_width(w, TABLE_TEXT_SIZE, bold) for w, bold in words), default=0) + CELL_PADDING)
        return out

    def cell_texts(self, col) -> list[str]:
        """What a cell of column `col` may show: its placeholder, or a value picked."""
        kind = ctl.kind_of(col)
        key = {ctl.TEXT: "placeholder_text", ctl.LONG_TEXT: "placeholder_text", ctl.NUMBER: "placeholder_number",
               ctl.DATE: "placeholder_date", ctl.CHOICE: "placeholder_choice", ctl.RATING: "placeholder_choice"}
        if kind == ctl.CHECKBOX:
            return [ox.UNCHECKED_GLYPH]
        texts = [self.placeholder(col, key[kind], short=True)]
        if kind == ctl.NUMBER:
            # The unit follows the number after a no-break space.
            unit = "\u00a0" + self.t(col.unit) if col.unit else ""
            texts = [texts[0] + unit, "0000" + unit]
        elif kind == ctl.CHOICE:
            texts += [o.label[self.lang] for o in col.options]
        elif kind == ctl.RATING:
            texts += [f"{col.scale} – {text[self.lang]}" for text in (col.low, col.high) if text]
        elif kind == ctl.DATE:
            texts += date_samples(self.ui("date_format"), self.ui("month_names").split())
        return texts

    def needs_landscape(self, f: m.TableField) -> bool:
        return sum(self.column_minimums(f)) > WORDS_SHARE * self.portrait_width

    def table(self, f: m.TableField) -> None:
        cols = f.columns
        widths = column_widths(self.column_minimums(f), [c.type for c in cols], self.body_width)
        table = self.doc.add_table(rows=f.rows + 1, cols=len(cols))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        look = tbl_pr.find(qn("w:tblLook"))
        if look is not None:
            look.attrib.clear()
            look.set(qn("w:val"), "0420")
            look.set(qn("w:firstRow"), "1")
            look.set(qn("w:lastRow"), "0")
            look.set(qn("w:firstColumn"), "0")
            look.set(qn("w:lastColumn"), "0")
            look.set(qn("w:noHBand"), "1")
            look.set(qn("w:noVBand"), "1")
        ox.insert_ordered(tbl_pr, ox.el("w:tblCaption", {"w:val": f.label[self.lang]}))
        for i, col in enumerate(table.columns):
            col.width = widths[i]
        header = table.rows[0]
        ox.mark_header_row(header._tr)
        for i, col in enumerate(cols):
            cell = header.cells[i]
            cell.width = widths[i]
            ox.shade(cell._tc.get_or_add_tcPr(), self.primary)
            para = cell.paragraphs[0]
            self.set_style(para, "Table Heading")
            para.add_run(self.t(col.label))
        tall = any(isinstance(c, m.LongTextField) for c in cols)
        for r in range(1, f.rows + 1):
            row = table.rows[r]
            ox.keep_row_together(row._tr)
            row.height = Twips(LINE_TWIPS * (2 if tall else 1) + 160)  # room to write by hand
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            for i, col in enumerate(cols):
                cell = row.cells[i]
                cell.width = widths[i]
                para = cell.paragraphs[0]
                c = self.take(f"{f.id}.{r}.{col.id}")
                self.set_style(para, "Table Input" if c.word_type == "text" else "Table Text")
                alias = f"{col.label[self.lang]} – {self.ui('row')} {r}"
                if c.kind == ctl.CHECKBOX:
                    para.alignment = 1
                para._p.append(self.control(c, alias, col))
                if isinstance(col, m.NumberField) and col.unit:
                    self.dark(para, "\u00a0" + self.t(col.unit))
        # A little air after the table.
        self.para(style="Table Text")

    # -- properties and saving --------------------------------------------------
    def properties(self) -> None:
        org = self.prog.organisation
        props = self.doc.core_properties
        props.title = _core_property(self.form.title[self.lang])
        props.subject = _core_property(self.prog.title[self.lang])
        props.author = _core_property(org.name[self.lang])
        props.last_modified_by = _core_property(org.name[self.lang])
        props.language = self.locale
        props.category = f"{self.ui('form')} {self.form.number}"
        props.keywords = _core_property(f"{self.prog.title[self.lang]}; {self.ui('form')} {self.form.number}")
        props.comments = ""
        props.identifier = f"dyade:form:{self.form.id}"
        props.content_status = ""
        props.revision = 1
        package = self.doc.part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:  # python-docx's template ships a stock thumbnail
                del package.rels[rid]
        for part in package.iter_parts():
            if str(part.partname) == "/docProps/app.xml":
                part._blob = _app_xml(org.name[self.lang])
        # What `dyade collect` needs to read a returned copy: which form, in
        # which language, made from which version of its field list.
        custom = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES,
                      ox.custom_properties_xml(form_properties(self.form, self.lang)), package)
        package.relate_to(custom, RT.CUSTOM_PROPERTIES)

    def save(self, stamp: dt.datetime) -> bytes:
        naive = stamp.astimezone(dt.timezone.utc).replace(tzinfo=None)
        props = self.doc.core_properties
        props.created = naive
        props.modified = naive
        raw = io.BytesIO()
        self.doc.save(raw)
        return normalise_zip(raw.getvalue(), naive)


def form_properties(form: m.Form, lang: str) -> dict[str, str]:
    """The custom properties every form file carries (read by dyade.readback)."""
    return {ctl.FORM_PROPERTY: form.id, ctl.LANGUAGE_PROPERTY: lang,
            ctl.VERSION_PROPERTY: ctl.form_version(form)}


# How each field kind is written: one method of _FormDocument per kind of
# field, and per kind of control; checked against the model's kinds when
# this module loads.
FIELD_WRITERS = m.require_kinds({
    "text": _FormDocument.answer_field,
    "long_text": _FormDocument.long_text_field,
    "date": _FormDocument.answer_field,
    "number": _FormDocument.number_field,
    "choice": _FormDocument.answer_field,
    "rating": _FormDocument.answer_field,
    "checkbox": _FormDocument.checkbox_field,
    "checklist": _FormDocument.checklist_field,
    "table": _FormDocument.table_field,
    "signature": _FormDocument.signature_field,
}, "the DOCX writer")
CONTROL_WRITERS = m.require_kinds({
    ctl.TEXT: _FormDocument.text_control,
    ctl.LONG_TEXT: _FormDocument.text_control,
    ctl.DATE: _FormDocument.date_control,
    ctl.NUMBER: _FormDocument.number_control,
    ctl.CHOICE: _FormDocument.choice_control,
    ctl.RATING: _FormDocument.rating_control,
    ctl.CHECKBOX: _FormDocument.checkbox_control,
}, "the DOCX writer's controls", ctl.KINDS)
# Share of a table's width, by the column's kind.
COLUMN_WEIGHTS = m.require_kinds({"text": 2.0, "long_text": 3.0, "date": 1.5, "number": 1.2, "choice": 1.5,
                                  "rating": 1.2, "checkbox": 0.9}, "the DOCX table widths",
                                 [k.type for k in m.FIELD_KINDS if k.in_tables])


# A table whose columns need more than this share of a portrait page's width
# for their longest words alone is put in a landscape section: what is left
# is what gives its writing columns room to write in.
WORDS_SHARE = 0.8
TABLE_TEXT_SIZE = 9.5     # pt, of the "Table Text" and "Table Heading" styles
CELL_PADDING = Pt(14)     # a cell's left and right margins and borders, generously


def words_of(text: str) -> list[str]:
    """The words a line may break between (a no-break space joins two)."""
    return [w for w in re.split(r"[ \t\n]+", text) if w]


def text_width(word: str, size: float, bold: bool = False) -> int:
    """A generous width (EMU) of `word` at `size` pt: DejaVu Sans's advances,
    about, the widest of the fonts LibreOffice puts in Calibri's place (Word's
    Calibri is narrower still)."""
    em = 0.0
    for ch in word:
        if ch in "iljtfr'’.,:;!|()[]-\u00a0\u202f ":
            em += 0.42
        elif ch in "mwMW":
            em += 1.0
        elif ch.isupper():
            em += 0.78
        else:
            em += 0.65
    return int(Pt(em * size * (1.15 if bold else 1.0)))


def date_samples(date_format: str, months: list[str]) -> list[str]:
    """A date of every month as the date format writes it (the day and year
    as wide as they come), for the width of a date column."""
    tokens = {"yyyy": "2026", "yy": "26", "MM": "12", "M": "12", "dddd": "Wednesday", "ddd": "Wed", "dd": "30",
              "d": "30"}
    out = []
    for month in months:
        out.append(re.sub(r"yyyy|yy|MMMM|MMM|MM|M|dddd|ddd|dd|d",
                          lambda t: month if t.group() == "MMMM" else month[:3] if t.group() == "MMM"
                          else tokens[t.group()], date_format))
    return out


def column_widths(minimum: list[int], kinds: list[str], total: int) -> list[int]:
    """Column widths (EMU) sharing `total` by field type, each at least its
    `minimum` (so that no word breaks), when there is room for them all."""
    if sum(minimum) >= total:  # too many columns: shrink them all alike
        return [int(total * w / sum(minimum)) for w in minimum]
    weights = [COLUMN_WEIGHTS[k] for k in kinds]
    widths = [0] * len(minimum)
    free = list(range(len(minimum)))
    budget = total
    # Give the narrow columns their minimum, share the rest by weight.
    while free:
        share = budget / sum(weights[i] for i in free)
        short = [i for i in free if weights[i] * share < minimum[i]]
        if not short:
            for i in free:
                widths[i] = int(weights[i] * share)
            break
        for i in short:
            widths[i] = minimum[i]
            budget -= minimum[i]
            free.remove(i)
    return widths


def _core_property(text: str) -> str:
    """A document property: Word (and python-docx) hold at most 255 characters."""
    return text if len(text) <= 255 else text[:254] + "\u2026"


def _app_xml(company: str) -> bytes:
    from xml.sax.saxutils import escape
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            "<Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>Dyade</Application>"
            "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
            f"<Company>{escape(company)}</Company><LinksUpToDate>false</LinksUpToDate>"
            "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
            "<AppVersion>16.0000</AppVersion></Properties>").encode("utf-8")


def normalise_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes, members in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            dst.writestr(fixed, src.read(info.filename), compresslevel=9)
    return out.getvalue()
