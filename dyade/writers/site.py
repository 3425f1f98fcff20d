"""The website: one mkdocs-material site per language, joined at the root.

The writer is thin on purpose, so another engine could replace mkdocs:
1. it renders one Markdown page per item from the Jinja2 templates in
   `templates/site/` (same page paths in every language; cross-references
   become relative `.md` links), and copies the documents of `dist/<lang>/`
   next to them under `downloads/`;
2. it writes one mkdocs configuration per language, extending the project's
   `mkdocs.yml` (theme language, search language, nav, logo, footer…);
3. it runs `mkdocs build` in strict mode, one process per language, and
   turns every warning into a `BuildError`, then gives each language's site
   its search index (`site_search.py`: Pagefind);
4. it writes `site/index.html`, which sends visitors to their language.

Everything it generates besides `site/` stays in the staging folder.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import functools
import json
import multiprocessing
import os
import posixpath
import shutil
import sys
from pathlib import Path
from typing import Callable

import jinja2
from markupsafe import Markup

from .. import bundled
from .. import controls as ctl
from .. import document
from .. import layout
from .. import model as m
from .. import pdfform
from .. import safety
from ..errors import BuildError
from ..state import link_or_copy
from ..tasks import Context, Task, digest, tree_digest
from .base import Writer
from . import site_markdown as md
from . import site_search
from . import site_tree

PACKAGE_ROOT = bundled.ROOT  # Dyade's own templates and mkdocs.yml
WORK_DIR = "site-src"  # inside the staging folder: generated Markdown, per-language configs, pages for the index
SEARCH_PAGES = "search-pages"  # in WORK_DIR/<lang>: the pages as Pagefind reads them
MAX_PROCESSES = 2
# Search: split words on spaces, hyphens, apostrophes and punctuation, so
# "l'engagement" is found by "engagement".
SEARCH_SEPARATOR = r"[\s\-,:;!?=\[\]()\"'’/«»]+|\.(?!\d)"


def prepare(model: m.Model, ctx: Context, lang: str) -> Task:
    """Write the Markdown pages and mkdocs configuration of `lang` into the
    staging folder (its documents must already be in `dist/<lang>/` there);
    the task that runs mkdocs on them.

    The key is the digest of what mkdocs reads: the pages (with the
    documents offered for download), the configuration, the base
    `mkdocs.yml`, the theme overrides and the versions of mkdocs and the
    theme; so a site is rebuilt only when one of them changed."""
    from importlib.metadata import version

    staging, root = Path(ctx.staging), Path(model.root)
    templates = project_or_bundled(root, "templates/site")
    base_config = project_or_bundled(root, "mkdocs.yml")
    work = staging / WORK_DIR / lang
    shutil.rmtree(work, ignore_errors=True)
    docs = work / "docs"
    available = _available_downloads(model, staging / "dist" / lang)
    env = jinja_env(templates)
    check_field_templates(env, templates)
    _write_pages(model, lang, env, docs, available)
    _copy_assets(model, templates, docs, available, staging / "dist" / lang)
    config = _write_config(model, lang, work, docs, staging / "site" / lang, base_config, templates / "overrides")
    settings = json.loads(config.read_text(encoding="utf-8"))
    for machine_specific in ("INHERIT", "docs_dir", "site_dir"):
        settings.pop(machine_specific, None)
    settings["theme"].pop("custom_dir", None)
    key = digest("site", ctx.salt, version("mkdocs"), version("mkdocs-material"), version("pagefind_bin"), settings,
                 base_config.read_bytes(), tree_digest(templates / "overrides"), tree_digest(docs))
    return Task(name=f"site/{lang}", lang=lang, outputs=[f"site/{lang}"], key=key, weight=4.0,
                run=functools.partial(run_task, str(config), lang))


def run_task(config_file: str, lang: str, staging: Path) -> list[str]:
    """Run mkdocs on one language, then index it (in a worker process)."""
    problems = build_one(config_file)
    if problems:
        raise BuildError("mkdocs found problems in the generated website:\n  "
                         + "\n  ".join(f"[{lang}] {msg}" for msg in problems))
    index_search(config_file)
    return []


def index_search(config_file: str) -> None:
    """The search index of the site that `config_file` built (its pages
    prepared for Pagefind next to the configuration, in the staging folder)."""
    config = Path(config_file)
    site_dir = Path(json.loads(config.read_text(encoding="utf-8"))["site_dir"])
    site_search.index_site(site_dir, config.parent / SEARCH_PAGES)


def _plan(model: m.Model, ctx: Context, log, lang: str) -> list[Task]:
    return [prepare(model, ctx, lang)]


# Planned per language once its documents exist: it offers them for download.
WRITER = Writer(name="site", plan=_plan, stage="website", needs=("docx", "pdf", "calendar"), work_dirs=(WORK_DIR,))


def _root_page(model: m.Model, template: str, **extra) -> bytes:
    """A page at the site's root, outside the languages' sites."""
    env = jinja_env(project_or_bundled(Path(model.root), "templates/site"))
    return env.get_template(template).render(
        model=model, brand=brand(model),
        logo_suffix=Path(model.programme.organisation.logo).suffix.lower(), **extra).encode("utf-8")


def chooser_page(model: m.Model) -> bytes:
    """site/index.html: sends visitors to the site in their browser's language."""
    return _root_page(model, "index.html.j2")


def not_found_page(model: m.Model) -> bytes:
    """site/404.html: what hosts serve from the root for a missing address."""
    site_url = model.programme.site_url
    return _root_page(model, "404.html.j2",
                      base=safety.url_for_html(site_url.rstrip("/") + "/") if site_url else "/")


def write(model: m.Model, staging: Path, log: Callable[[str], None]) -> None:
    """Build every language's site here and now, from the documents already
    in `staging/dist/` (the build engine uses `prepare` instead)."""
    staging = Path(staging)
    ctx = Context(root=Path(model.root), staging=staging, epoch=0, salt="")
    configs = {lang: Path(prepare(model, ctx, lang).run.args[0]) for lang in model.languages}
    problems = _build_all(configs)
    if problems:
        lines = [f"[{lang}] {msg}" for lang, msgs in problems.items() for msg in msgs]
        raise BuildError("mkdocs found problems in the generated website:\n  " + "\n  ".join(lines))
    for config in configs.values():
        index_search(str(config))
    (staging / "site" / "index.html").write_bytes(chooser_page(model))
    (staging / "site" / "404.html").write_bytes(not_found_page(model))
    pages = sum(1 for lang in model.languages for _ in (staging / "site" / lang).rglob("index.html"))
    log(f"  website: {pages} pages in {len(model.languages)} languages ({', '.join(model.languages)})")


def project_or_bundled(root: Path, rel: str) -> Path:
    """A project may bring its own site templates or mkdocs.yml; otherwise the
    ones bundled with Dyade are used."""
    own = root / rel
    return own if own.exists() else PACKAGE_ROOT / rel


# -- pages -------------------------------------------------------------------

def check_field_templates(env: jinja2.Environment, templates: Path) -> None:
    """fields.html.j2 previews every field kind and every kind of table
    column (a project may bring its own copy, made for an older Dyade)."""
    module = env.get_template("fields.html.j2").module
    where = f"{templates / 'fields.html.j2'}"
    try:
        m.require_kinds(getattr(module, "KINDS", {}), f"{where} (KINDS)")
        m.require_kinds(getattr(module, "CELLS", {}), f"{where} (CELLS)", [k.type for k in m.FIELD_KINDS if k.in_tables])
    except RuntimeError as exc:
        raise BuildError(f"{exc} — add a macro for it, or copy the file again from Dyade's templates/site/")


@jinja2.pass_context
def _escape_for_page(context, value):
    """Every `{{ value }}` of every template is escaped for where it lands:
    in a Markdown page (`*.md.j2`) as Markdown text (`escape_inline`: no
    markup, no HTML); in an HTML template (`*.html.j2`) autoescape then
    escapes it as HTML.  A value marked `Markup` is written as it is: each
    place that makes one says why."""
    if isinstance(value, Markup) or (context.name or "").endswith(".html.j2"):
        return value
    return Markup(md.escape_inline(str(value)))


def _same_kind(function):
    """A filter that keeps a raw (`Markup`) value raw, and a text a text."""
    def apply(value, *args):
        out = function(str(value), *args)
        return Markup(out) if isinstance(value, Markup) else out
    return apply


def jinja_env(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True, finalize=_escape_for_page,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["mdesc"] = lambda text: Markup(md.escape_inline(str(text)))  # escaped here, once
    env.filters["indent4"] = _same_kind(md.indent)
    env.filters["one_line"] = _same_kind(md.one_line)
    env.filters["quotes"] = md.curly_quotes
    # Raw: attr_list's explicit heading id, around an id the reader checked (letters, digits, hyphens).
    env.filters["anchor"] = lambda ident: Markup("{#" + safety.IDENT.fullmatch(ident).group() + "}")
    # An HTML number attribute: "2.5", never "2,5" (whatever the page's language).
    env.filters["number"] = lambda value: str(int(value)) if float(value).is_integer() else repr(float(value))
    env.filters["compact"] = _same_kind(lambda html: "\n".join(line for line in html.splitlines() if line.strip()))
    return env


class Page:
    """What a template needs to write one page in one language; links are
    relative to the page."""

    def __init__(self, model: m.Model, lang: str, path: str, available: dict[str, Download]):
        self.model, self.lang, self.path, self.available = model, lang, path, available
        self.programme = model.programme
        self.doc = document.of(model, lang)

    # text: as printed, the same typography as the DOCX's and the PDF's
    def t(self, text: m.Text | str | None) -> str:
        return self.doc.plain(text)

    def ui(self, key: str, **values) -> str:
        return self.doc.ui(key, **values)

    def number_range(self, f: m.NumberField) -> str | None:
        hint = self.model.number_range(f, self.lang)
        return self.doc.plain(hint) if hint else None

    def md(self, text: m.Markdown, top: int = 3) -> Markup:
        # Raw: written by site_tree from pandoc's tree of the text, every
        # character of the author's escaped (no HTML, no link but http(s):,
        # mailto: and Dyade's own).
        return Markup(site_tree.render(self.doc.tree(text), self.lang, self.path, top))

    def label(self, key: str) -> str:
        """"Who fills it in:" with the language's spacing before the colon."""
        return self.doc.with_colon(key)

    # links
    def link(self, target: str) -> Markup:
        """A page path (`forms/x.md`) or a reference (`form:x`) → relative link."""
        # Raw: a link target, made of page paths and ids the reader checked.
        if ":" in target.split("#")[0]:
            return Markup(md.ref_link(target, self.path))
        return Markup(md.relative(target, self.path))

    def ref_title(self, ref: str) -> str:
        return self.doc.ref_title(ref)

    def numbered(self, kind: str, item) -> str:
        return self.doc.numbered(kind, item)

    def page_of(self, kind: str, ident: str = "", facilitator: bool = False) -> str:
        return {"chapter": md.chapter_page, "form": md.form_page, "annex": md.annex_page}.get(
            kind, lambda i: md.workshop_page(i, facilitator))(ident)

    # downloads
    def download(self, path: str) -> Download | None:
        return self.available.get(path)

    def download_link(self, output: Download) -> Markup:
        # Raw: a link target, made of the layout's folders and checked ids.
        return Markup(md.relative(md.download_path(output.path), self.path))

    def form_docx(self, form: m.Form) -> str:
        return layout.form_docx(form)

    def root_relative(self, target: str) -> str:
        """The address of `target` (a file of the built site, `assets/x.js`)
        from this page's own address: raw HTML that mkdocs does not rewrite
        (with directory URLs, `forms/x.md` is served at `forms/x/`)."""
        folder = self.path[: -len(".md")]
        if folder == "index" or folder.endswith("/index"):
            folder = posixpath.dirname(folder)
        return "../" * (folder.count("/") + 1 if folder else 0) + target

    def fill_config(self, form: m.Form) -> dict:
        """What dyade-fill.js needs to keep, check and download the answers of
        `form` in this language: the blank DOCX to fill (the one offered
        for download), how Word writes a date and a number here, and its
        sentences (the placeholders in braces are filled in by the script)."""
        docx = self.download(layout.form_docx(form))
        pdf = self.download(f"forms/{form.id}.pdf")
        pdf = pdf if pdf and pdf.fill_plan else None  # only a PDF with its plan can be filled here
        coordinator = self.programme.coordinator
        messages = {key: self.ui(f"site_fill_{key}") for key in (
            "clear_confirm", "cleared", "restored", "row_added", "not_date", "not_number", "too_small",
            "too_large", "left", "unanswered", "no_blank", "no_storage",
            "pdf_working", "pdf_rows_left", "pdf_replaced", "pdf_mismatch")}
        messages["done"] = self.ui("site_fill_done", file="{file}", name=coordinator.name, email=coordinator.email)
        return {
            "form": form.id, "lang": self.lang, "version": ctl.form_version(form),
            "docx": self.root_relative(md.download_path(docx.path)) if docx else None,
            "file": f"{form.id}-{self.lang}.docx",
            # The fillable PDF of the downloads page, filled by the same script
            # with an incremental update that its fill plan (written by
            # _copy_assets from that very file: pdfform.fill_plan) describes.
            "pdf": self.root_relative(md.download_path(pdf.path)) if pdf else None,
            "pdf_plan": self.root_relative(fill_plan_path(form.id)) if pdf else None,
            "pdf_file": f"{form.id}-{self.lang}.pdf",
            "date_format": self.model.ui("date_format", self.lang),
            "months": self.model.ui("month_names", self.lang).split(),
            "decimal": self.model.ui("site_decimal_mark", self.lang),
            "cell": self.model.ui("site_cell", self.lang),
            "colon": self.ui("site_colon"),
            "messages": messages,
        }

    def buttons(self, files: list[tuple[str, str]]) -> str:
        """Download buttons for the files (dist paths) that exist, as one
        Markdown paragraph; the first one is the main button."""
        links = []
        for path, label in files:
            output = self.download(path)
            if output:
                kind = ".md-button .md-button--primary" if not links else ".md-button"
                links.append(f"[{md.escape_inline(label)}]({self.download_link(output)}){{ {kind} download }}")
        # Raw: Markdown links whose words are escaped above.
        return Markup(" ".join(links) + "\n{: .dyade-buttons }" if links else "")

    def download_groups(self) -> list[tuple[str, list[Download]]]:
        """The existing downloads under their headings, in layout order."""
        headings = {"guide": "guide", "form": "forms", "annex": "annexes", "workshop": "workshops",
                    "pack": "workshops", "flashcards": "flashcards", "calendar": "calendar"}
        groups: dict[str, list[Download]] = {}
        for output in self.available.values():
            key = headings.get(output.kind, output.kind)
            groups.setdefault(key, []).append(output)
        return [(self.ui(key) if key in self.model.strings else key, outputs) for key, outputs in groups.items()]

    def size(self, output: Download) -> str:
        n = output.size
        if n < 1024 * 1024:
            return self.ui("site_size_kb", n=max(1, round(n / 1024)))
        value = f"{n / 1024 / 1024:.1f}".replace(".", self.model.ui("site_decimal_mark", self.lang))
        return self.ui("site_size_mb", n=value)

    def output_title(self, output: Download) -> str:
        model = self.model
        if output.kind == "guide":
            return self.ui("site_complete_guide")
        if output.kind == "form":
            form = model.find("form", output.item_id)
            which = "site_fillable" if output.format == "docx" else "site_printable"
            return f"{self.numbered('form', form)} ({self.ui(which)})"
        if output.kind == "annex":
            return self.numbered("annex", model.find("annex", output.item_id))
        if output.kind == "workshop":
            workshop = model.find("workshop", output.item_id)
            sheet = "participant_sheet" if output.variant == "participant" else "facilitator_sheet"
            return f"{self.t(workshop.title)} – {self.ui(sheet)}"
        if output.kind == "flashcards":
            return self.t(model.flashcards.title) if model.flashcards else self.ui("flashcards")
        if output.kind == "pack":
            return self.ui("trainer_pack")
        if output.kind == "calendar":
            return self.ui("site_calendar_file")
        return output.path

    # dates and durations
    def date(self, day: dt.date) -> str:
        return self.model.long_date(day, self.lang).replace(" ", "\u00a0")  # a date is not split across lines

    def minutes(self, n: int) -> str:
        return f"{n}\u00a0{self.model.ui('minutes', self.lang)}"


def _available_downloads(model: m.Model, dist: Path) -> dict[str, Download]:
    """The outputs of dist/<lang>/ that the other writers really made, with
    their size (a writer may be missing or skip a file)."""
    found = {}
    for output in layout.outputs(model):
        path = dist / output.path
        if path.is_file():
            found[output.path] = Download(**dataclasses.asdict(output), size=path.stat().st_size,
                                          fill_plan=_fill_plan(path) if output.kind == "form" and
                                          path.suffix == ".pdf" else None)
    return found


def _fill_plan(path: Path) -> dict | None:
    """How dyade-fill.js fills this form's PDF (pdfform.fill_plan), or None
    when it is not a fillable PDF Dyade made: its page then offers the PDF
    to print only, rather than a filler that would fail."""
    try:
        return pdfform.fill_plan(path.read_bytes())
    except (pdfform.FormFileError, pdfform.pikepdf.PdfError, KeyError, AttributeError, ValueError):
        return None


@dataclasses.dataclass(frozen=True)
class Download(layout.Output):
    """A file of dist/<lang>/ that exists, with its size in bytes (and, for
    a form's fillable PDF, its fill plan)."""
    size: int = 0
    fill_plan: dict | None = dataclasses.field(default=None, compare=False, hash=False)


def _pages(model: m.Model) -> list[tuple[str, str, dict]]:
    """(page path, template, extra context) for every page, in nav order."""
    pages = [(md.HOME, "home.md.j2", {})]
    if model.chapters:
        pages.append((md.GUIDE_INDEX, "guide-index.md.j2", {}))
        pages += [(md.chapter_page(c.id), "chapter.md.j2", {"chapter": c}) for c in model.chapters]
    if model.forms:
        pages.append((md.FORMS_INDEX, "forms-index.md.j2", {}))
        pages += [(md.form_page(f.id), "form.md.j2", {"form": f}) for f in model.forms]
    if model.annexes:
        pages.append((md.ANNEXES_INDEX, "annexes-index.md.j2", {}))
        pages += [(md.annex_page(a.id), "annex.md.j2", {"annex": a}) for a in model.annexes]
    if model.workshops:
        pages.append((md.WORKSHOPS_INDEX, "workshops-index.md.j2", {}))
        for w in model.workshops:
            pages.append((md.workshop_page(w.id), "workshop.md.j2", {"workshop": w}))
            pages.append((md.workshop_page(w.id, True), "workshop-facilitator.md.j2", {"workshop": w}))
    if model.flashcards:
        pages.append((md.FLASHCARDS, "flashcards.md.j2", {"flashcards": model.flashcards}))
    if model.glossary:
        terms = document.of(model, model.languages[0]).glossary_terms()
        pages.append((md.GLOSSARY, "glossary.md.j2", {"glossary": model.glossary, "terms": terms}))
    pages.append((md.DOWNLOADS, "downloads.md.j2", {}))
    return pages


def _write_pages(model: m.Model, lang: str, env: jinja2.Environment, docs: Path,
                 available: dict[str, Download]) -> None:
    for path, template, extra in _pages(model):
        page = Page(model, lang, path, available)
        if "terms" in extra:  # the glossary is in the dictionary order of each language
            extra = {**extra, "terms": page.doc.glossary_terms()}
        text = env.get_template(template).render(p=page, model=model, lang=lang, **extra)
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _copy_assets(model: m.Model, templates: Path, docs: Path, available: dict[str, Download],
                 dist: Path) -> None:
    assets = docs / "assets"
    shutil.copytree(templates / "assets", assets, dirs_exist_ok=True)
    logo = Path(model.root) / model.programme.organisation.logo
    shutil.copy2(logo, assets / f"logo{logo.suffix.lower()}")
    (assets / "brand.css").write_text(_brand_css(brand(model)), encoding="utf-8")
    for output in available.values():
        target = docs / md.download_path(output.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(dist / output.path, target)
    for form in model.forms:
        pdf = available.get(f"forms/{form.id}.pdf")
        if pdf and pdf.fill_plan:  # how dyade-fill.js fills this PDF, without parsing it
            plan = pdf.fill_plan
            target = docs / fill_plan_path(form.id)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(plan, ensure_ascii=True, separators=(",", ":")), encoding="utf-8")


def fill_plan_path(form_id: str) -> str:
    """Where the fill plan of a form's PDF is, in each language's site."""
    return f"assets/fill/{form_id}.json"


# -- configuration -----------------------------------------------------------

def _nav(model: m.Model, lang: str) -> list:
    page = Page(model, lang, md.HOME, {})
    nav: list = [{page.ui("home"): md.HOME}]
    if model.chapters:
        nav.append({page.ui("guide"): [md.GUIDE_INDEX,
                                       *({page.t(c.title): md.chapter_page(c.id)} for c in model.chapters)]})
    if model.forms:
        nav.append({page.ui("forms"): [md.FORMS_INDEX,
                                       *({page.numbered("form", f): md.form_page(f.id)} for f in model.forms)]})
    if model.annexes:
        nav.append({page.ui("annexes"): [md.ANNEXES_INDEX,
                                         *({page.numbered("annex", a): md.annex_page(a.id)} for a in model.annexes)]})
    if model.workshops:
        entries: list = [md.WORKSHOPS_INDEX]
        for w in model.workshops:  # flat: nested sections would give the theme unnamed nav landmarks
            entries.append({page.t(w.title): md.workshop_page(w.id)})
            entries.append({f"{page.t(w.title)} – {page.ui('facilitator_sheet')}": md.workshop_page(w.id, True)})
        nav.append({page.ui("workshops"): entries})
    if model.flashcards:
        nav.append({page.ui("flashcards"): md.FLASHCARDS})  # the full title is too long for a tab
    if model.glossary:
        nav.append({page.t(model.glossary.title): md.GLOSSARY})
    nav.append({page.ui("downloads"): md.DOWNLOADS})
    return _html_titles(nav)


def _html_titles(entry):
    """The nav with its titles as HTML text: the theme does not escape them."""
    if isinstance(entry, list):
        return [_html_titles(e) for e in entry]
    if isinstance(entry, dict):
        return {md.html_text(title): _html_titles(target) for title, target in entry.items()}
    return entry


def _theme_language(lang: str) -> str:
    partials = Path(__import__("material").__file__).parent / "templates" / "partials" / "languages"
    return lang if (partials / f"{lang}.html").exists() else "en"


def _search_language(lang: str) -> str:
    from mkdocs.contrib import search
    lunr = Path(search.__file__).parent / "lunr-language"
    return lang if lang == "en" or (lunr / f"lunr.{lang}.js").exists() else "en"


def _with_entry(entries: list, name: str, options: dict) -> list:
    """A plugin or Markdown extension list with `name`'s options updated."""
    out, found = [], False
    for entry in entries or []:
        key = entry if isinstance(entry, str) else next(iter(entry))
        if key == name:
            current = {} if isinstance(entry, str) else dict(entry[key] or {})
            entry, found = {name: {**current, **options}}, True
        out.append(entry)
    if not found:
        out.append({name: options})
    return out


def _write_config(model: m.Model, lang: str, work: Path, docs: Path, site_dir: Path, base_config: Path,
                  overrides: Path) -> Path:
    from mkdocs.utils.yaml import yaml_load

    with open(base_config, "rb") as fh:
        base = yaml_load(fh) or {}
    prog, page = model.programme, Page(model, lang, md.HOME, {})
    coordinator = prog.coordinator
    extensions = base.get("markdown_extensions") or []
    if any((e if isinstance(e, str) else next(iter(e))) == "toc" for e in extensions):
        extensions = _with_entry(extensions, "toc", {"permalink_title": page.ui("site_permalink")})
    config = {
        "INHERIT": str(base_config.resolve()),
        # The theme writes these (and nav titles) into its pages as HTML.
        "site_name": md.html_text(page.t(prog.title)),
        "site_description": md.html_text(page.t(prog.organisation.name)),
        "docs_dir": str(docs.resolve()),
        "site_dir": str(site_dir.resolve()),
        "strict": True,
        "theme": {"language": _theme_language(lang), "custom_dir": str(overrides.resolve()),
                  "logo": f"assets/logo{Path(prog.organisation.logo).suffix.lower()}",
                  "favicon": f"assets/logo{Path(prog.organisation.logo).suffix.lower()}"},
        "nav": _nav(model, lang),
        "markdown_extensions": extensions,
        "plugins": _with_entry(base.get("plugins") or [], "search",
                               {"lang": _search_language(lang), "separator": SEARCH_SEPARATOR,
                                # the theme leaves the stemmer out by default:
                                # "mentorés" must find "mentoré"
                                "pipeline": ["trimmer", "stopWordFilter", "stemmer"]}),
        "extra": {
            "alternate": [{"name": model.ui("language_name", other), "link": f"../{other}/", "lang": other}
                          for other in model.languages],
            "dyade": {
                # Every page names its versions in the other languages (same
                # path under the other language's folder): absolute from
                # site_url when there is one, else relative to the page.
                "alternates": [{"lang": other, "base": (safety.url_for_html(prog.site_url.rstrip("/") + f"/{other}/")
                                                        if prog.site_url else f"../{other}/")}
                               for other in model.languages],
                "x_default": safety.url_for_html(prog.site_url.rstrip("/") + "/") if prog.site_url else "../",
                # the 404 page's links start here when there is no site_url
                "error_base": f"/{lang}/",
                "home": page.ui("home"),
                "not_found": [page.ui("not_found_title"), page.ui("not_found_text")],
                "organisation": page.t(prog.organisation.name),
                "website": prog.organisation.website,
                "logo_alt": page.t(prog.organisation.logo_alt),
                "coordinator_label": page.label("coordinator"),
                "coordinator": coordinator.name,
                "coordinator_title": page.t(coordinator.title),
                "email": coordinator.email,
                "email_label": page.label("site_email"),
                "phone": coordinator.phone,
                "phone_label": page.label("site_phone"),
            },
        },
    }
    if prog.site_url:
        # The theme writes it into every page unescaped (links, inline
        # script): the reader's grammar refuses quotes and brackets, and
        # whatever could end an attribute or a string is percent-encoded too.
        config["site_url"] = safety.url_for_html(prog.site_url.rstrip("/") + f"/{lang}/")
    path = work / "mkdocs.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    # JSON is YAML: the file can be built by hand with `mkdocs build -f`.
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# -- building ----------------------------------------------------------------

def _build_all(configs: dict[str, Path]) -> dict[str, list[str]]:
    """Run mkdocs for every language, in parallel; the problems per language."""
    workers = max(1, min(MAX_PROCESSES, len(configs), os.cpu_count() or 1))
    # fork where it exists: the workers then need no re-import of the caller's
    # main module (spawn would run an unguarded script again).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") and "fork" in methods else None)
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {lang: pool.submit(build_one, str(path)) for lang, path in configs.items()}
        results = {lang: future.result() for lang, future in futures.items()}
    return {lang: msgs for lang, msgs in results.items() if msgs}


def build_one(config_file: str) -> list[str]:
    """Build one language with mkdocs in strict mode; the warnings and errors
    it reported (empty when the build is clean)."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        build(load_config(config_file, strict=True))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # mkdocs' Abort is a SystemExit
        if not messages or "strict mode" not in str(exc):
            messages.append(f"{type(exc).__name__}: {exc}")
    finally:
        logger.removeHandler(handler)
    return messages


# -- branding ----------------------------------------------------------------

def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(max(0, min(1, c)) * 255):02x}" for c in rgb)


def _luminance(colour: str) -> float:
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(colour: str, other: str, amount: float) -> str:
    return _hex(tuple(c + (o - c) * amount for c, o in zip(_rgb(colour), _rgb(other))))


def _readable_on_white(colour: str, ratio: float = 4.6) -> str:
    """`colour`, darkened just enough for text on white (WCAG AA)."""
    step = 0.0
    while contrast(colour, "#ffffff") < ratio and step < 1:
        step += 0.05
        colour = _mix(colour, "#000000", 0.05)
    return colour


def brand(model: m.Model) -> dict[str, str]:
    return _brand_for(model.programme.colours.primary, model.programme.colours.accent)


def _brand_for(primary: str, accent: str) -> dict[str, str]:
    """The theme's colours: the brand's, adjusted where text would be hard to read."""
    on_primary = "#ffffff" if contrast(primary, "#ffffff") >= contrast(primary, "#000000") else "#000000"
    return {
        "primary": primary,
        "primary_light": _mix(primary, "#ffffff", 0.15),
        "primary_dark": _mix(primary, "#000000", 0.2),
        "on_primary": on_primary,
        "link": _readable_on_white(primary),
        "accent": _readable_on_white(accent),
        "accent_raw": accent,
    }


def _brand_css(brand: dict[str, str]) -> str:
    on = brand["on_primary"]
    on_light = "rgba(255,255,255,0.82)" if on == "#ffffff" else "rgba(0,0,0,0.75)"
    r, g, b = (round(c * 255) for c in _rgb(brand["accent"]))
    return f"""/* Generated from content/programme.yml (colours): do not edit. */
:root, [data-md-color-scheme="default"] {{
  --md-primary-fg-color: {brand["primary"]};
  --md-primary-fg-color--light: {brand["primary_light"]};
  --md-primary-fg-color--dark: {brand["primary_dark"]};
  --md-primary-bg-color: {on};
  --md-primary-bg-color--light: {on_light};
  --md-accent-fg-color: {brand["accent"]};
  --md-accent-fg-color--transparent: rgba({r}, {g}, {b}, 0.1);
  --md-accent-bg-color: #ffffff;
  --md-accent-bg-color--light: rgba(255, 255, 255, 0.7);
  --md-typeset-a-color: {brand["link"]};
  --dyade-accent-raw: {brand["accent_raw"]};
}}
"""
