"""The website (issue 3), read from the built files: one site per language
with the same pages, interface in the page's language, cross-references
that land on the right page and anchor, downloads that exist, no resource
from another origin, branding from programme.yml, strict mkdocs builds and
the `serve` preview."""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from sitetools import free_port, html_pages, page_url, read_page, resolve, search_fragments

from dyade import document, layout, sources
from dyade import model as m
from dyade.errors import BuildError
from dyade.writers import site, site_markdown as smd


def plain(text: str) -> str:
    """Text as a reader sees it, compared with the sources as typed:
    no-break spaces read as spaces, typographic apostrophes and quotes
    (which the site prints, as the DOCX and the PDF do) as straight ones."""
    text = re.sub(r"[\u00a0\u202f]", " ", text).replace("’", "'")
    return re.sub(r"\s?[»”]", '"', re.sub(r"[«“]\s?", '"', text))


def text_of(path: Path) -> str:
    """The visible text of a page (tags removed, entities decoded)."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return plain(html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def site_pages(built: Path, lang: str) -> set[str]:
    folder = built / "site" / lang
    return {page_url(folder, p) for p in html_pages(folder)}


# -- one site per language, joined ------------------------------------------

def test_every_language_has_its_site_with_the_same_pages(built, model):
    assert (built / "site" / "index.html").is_file()
    pages = {lang: site_pages(built, lang) for lang in model.languages}
    first = pages[model.languages[0]]
    for lang, paths in pages.items():
        assert paths == first, f"{lang} differs: {sorted(paths ^ first)}"
    expected = {"", "guide/", "forms/", "annexes/", "workshops/", "glossary/", "flashcards/", "downloads/"}
    expected |= {f"guide/{c.id}/" for c in model.chapters}
    expected |= {f"forms/{f.id}/" for f in model.forms}
    expected |= {f"annexes/{a.id}/" for a in model.annexes}
    expected |= {f"workshops/{w.id}/" for w in model.workshops}
    expected |= {f"workshops/{w.id}/facilitator/" for w in model.workshops}
    assert expected <= first, sorted(expected - first)


def test_pages_are_in_their_language(built, model):
    for lang in model.languages:
        folder = built / "site" / lang
        for path in html_pages(folder):
            text = path.read_text(encoding="utf-8")
            page = read_page(path)
            assert page.lang == lang, path
            # the theme's own words (search box, navigation) follow theme.language
            search = next(a for t, a in page.tags if t == "input" and "md-search__input" in a.get("class", ""))
            assert search["placeholder"] == {"fr": "Rechercher", "en": "Search"}[lang]
            assert model.ui("downloads", lang) in text
            assert model.ui("forms", lang) in text


def test_interface_text_comes_from_strings(built, model):
    fr = (built / "site" / "fr" / "forms" / "learning-plan" / "index.html").read_text(encoding="utf-8")
    en = (built / "site" / "en" / "forms" / "learning-plan" / "index.html").read_text(encoding="utf-8")
    assert model.ui("download_docx", "fr") in fr and model.ui("download_docx", "en") in en
    assert "Télécharger" not in en and "Download the" not in fr
    assert "Lien vers cette section" in fr and "Link to this section" in en


def test_root_page_sends_visitors_to_their_language_and_lists_them(built, model):
    index = read_page(built / "site" / "index.html")
    text = (built / "site" / "index.html").read_text(encoding="utf-8")
    hrefs = [value for tag, attr, value in index.links if tag == "a"]
    assert hrefs == [f"{lang}/" for lang in model.languages]
    assert "navigator.languages" in text and "location.replace" in text
    for lang in model.languages:
        assert model.programme.title[lang] in text


def test_language_switcher_links_keep_the_page(built, model):
    for lang in model.languages:
        folder = built / "site" / lang
        for path in html_pages(folder):
            page = read_page(path)
            alternates = {a["hreflang"]: a["href"] for t, a in page.tags
                          if t == "a" and "md-select__link" in a.get("class", "")}
            assert set(alternates) == set(model.languages), path
            for other, href in alternates.items():
                target, _ = resolve(built / "site", path, href)
                assert target == built / "site" / other / path.relative_to(folder), (path, href)


# -- search ------------------------------------------------------------------

def test_one_search_index_per_language(built, model):
    for lang in model.languages:
        titles = " ".join(search_fragments(built / "site" / lang).values())
        assert model.forms[0].title[lang] in titles
        other = [lg for lg in model.languages if lg != lang]
        for lg in other:
            assert model.forms[0].title[lg] not in titles


# -- pages -------------------------------------------------------------------

def test_home_page_has_programme_texts_and_calendar(built, model):
    for lang in model.languages:
        text = text_of(built / "site" / lang / "index.html")
        assert model.programme.organisation.name[lang] in text
        assert model.programme.title[lang] in text
        assert model.ui("calendar", lang) in text
        for step in model.programme.calendar:
            assert plain(step.title[lang]) in text
    assert "1er septembre 2026" in text_of(built / "site" / "fr" / "index.html")
    assert "September 1, 2026" in text_of(built / "site" / "en" / "index.html")


def is_theme_control(attrs: dict) -> bool:
    """The theme's own inputs (search box, hidden menu toggles)."""
    return attrs.get("id", "").startswith("__") or "md-search__input" in attrs.get("class", "") \
        or "md-toggle" in attrs.get("class", "")


def test_form_pages_show_every_field_live_with_a_label(built, model):
    from dyade import controls as ctl
    for lang in model.languages:
        for form in model.forms:
            path = built / "site" / lang / "forms" / form.id / "index.html"
            page = read_page(path)
            labels = {a.get("for") for t, a in page.tags if t == "label"}
            controls = [(t, a) for t, a in page.tags if t in ("input", "select", "textarea") and not is_theme_control(a)]
            assert controls, path
            for tag, attrs in controls:
                assert "disabled" not in attrs, (path, attrs)  # filled on the page (tests/test_browser_fill.py)
                # radios and checklist boxes sit inside their <label>
                named = attrs.get("id") in labels or attrs.get("aria-label") or attrs.get("name")
                assert named, (path, tag, attrs)
            shown = [a["data-field"] for t, a in page.tags if "data-field" in a]
            assert shown == [f.id for f in form.input_fields()], path
            # every Word control outside tables has its element, by its tag
            tags = {a["data-tag"] for t, a in page.tags if "data-tag" in a}
            assert tags == {c.tag for c in ctl.controls(form) if c.row is None}, path


def test_annex_fields_stay_a_disabled_preview(built, model):
    for lang in model.languages:
        for annex in (a for a in model.annexes if a.fields):
            page = read_page(built / "site" / lang / "annexes" / annex.id / "index.html")
            controls = [a for t, a in page.tags if t in ("input", "select", "textarea") and not is_theme_control(a)]
            assert controls and all("disabled" in a and "data-tag" not in a for a in controls), annex.id
            assert not any("dyade-fill" in (a.get("src") or "") for t, a in page.tags), annex.id


def test_form_previews_do_not_ask_to_click_fields_that_cannot_be_filled(built, model):
    # the Word form's prompts ("Click or tap here…") belong in the DOCX, not
    # on disabled web fields; an author's example text ("For example, 3") stays
    for lang in model.languages:
        prompts = {model.ui(key, lang) for key in ("placeholder_text", "placeholder_date")}
        for form in model.forms:
            page = read_page(built / "site" / lang / "forms" / form.id / "index.html")
            shown = {a["placeholder"] for t, a in page.tags
                     if a.get("placeholder") and not is_theme_control(a)}
            assert not shown & prompts, (lang, form.id, shown & prompts)
    shown = {a.get("placeholder") for t, a in
             read_page(built / "site" / "en" / "forms" / "self-assessment" / "index.html").tags}
    assert any(text and text.startswith("For example") for text in shown)


def test_table_previews_list_the_answers_of_their_drop_downs(built, model):
    # a disabled drop-down cannot be opened: its answers are written under the table
    tables = [(form, f) for form in model.forms for f in form.input_fields() if isinstance(f, m.TableField)
              and any(isinstance(c, m.ChoiceField) for c in f.columns)]
    assert tables, "the bundled forms have a table with a choice column"
    for lang in model.languages:
        for form, f in tables:
            page = (built / "site" / lang / "forms" / form.id / "index.html").read_text(encoding="utf-8")
            outside = flat(re.sub(r"<select.*?</select>", "", page, flags=re.S))
            for c in f.columns:
                if isinstance(c, m.ChoiceField):
                    for o in c.options:
                        assert flat(o.label[lang]) in outside, (lang, form.id, c.id, o.label[lang])


def flat(text: str) -> str:
    """Text without spaces of any kind, with straight apostrophes (typography aside)."""
    return re.sub(r"\s+", "", html.unescape(text).replace("\u2019", "'"))


def test_not_found_page_works_at_any_depth_and_speaks_the_language(built, model):
    # a server shows 404.html for any missing address under /<lang>/: its
    # style sheets, scripts and links must not depend on that address
    site_root = built / "site"
    for lang in model.languages:
        path = site_root / lang / "404.html"
        page = read_page(path)
        for tag, attr, link in page.links:
            if link.startswith(("mailto:", "tel:", "http:", "https:", "#", "data:")):
                continue
            assert link.startswith(f"/{lang}/"), (lang, tag, link)
            target, _ = resolve(site_root, site_root / "index.html", link)
            assert target.exists(), (lang, link)
        assert model.ui("home", lang) in text_of(path)
        assert model.ui("not_found_text", lang) in text_of(path)
    assert "Not found" not in text_of(site_root / "fr" / "404.html")  # the theme's English-only title


def test_every_item_has_its_page_content(built, model):
    for lang in model.languages:
        folder = built / "site" / lang
        for workshop in model.workshops:
            participant = (folder / "workshops" / workshop.id / "index.html").read_text(encoding="utf-8")
            facilitator = (folder / "workshops" / workshop.id / "facilitator" / "index.html").read_text(encoding="utf-8")
            assert model.ui("facilitator_sheet", lang) in plain(html.unescape(facilitator))
            for step in workshop.steps:
                assert f'id="{step.id}"' in participant and f'id="{step.id}"' in facilitator
        if model.flashcards:
            cards = (folder / "flashcards" / "index.html").read_text(encoding="utf-8")
            assert cards.count("<details") == len(model.flashcards.cards)
            assert cards.count("<summary") == len(model.flashcards.cards)
        if model.glossary:
            glossary = read_page(folder / "glossary" / "index.html")
            assert {t.id for t in model.glossary.terms} <= glossary.ids
        for chapter in model.chapters:
            page = read_page(folder / "guide" / chapter.id / "index.html")
            assert {s.id for s in chapter.sections} <= page.ids


def test_cross_references_become_relative_links(built):
    home = read_page(built / "site" / "en" / "index.html")
    hrefs = [v for t, attr, v in home.links if t == "a"]
    assert "glossary/#dyad" in hrefs            # glossary:dyad
    assert "guide/context/" in hrefs            # chapter:context
    assert "flashcards/" in hrefs               # flashcards:
    assert "forms/self-assessment/" in hrefs    # form:self-assessment
    assert not [h for h in hrefs if re.match(r"^(form|chapter|annex|workshop|glossary|flashcards|home):", h)]


@pytest.mark.parametrize("ref, page, expected", [
    ("form:learning-plan", "guide/forms.md", "../forms/learning-plan.md"),
    ("chapter:coordinator#follow-up-calendar", "index.md", "guide/coordinator.md#follow-up-calendar"),
    ("chapter:roles", "guide/forms.md", "roles.md"),
    ("annex:reading", "workshops/x/facilitator.md", "../../annexes/reading.md"),
    ("workshop:learning-situations", "forms/feedback.md", "../workshops/learning-situations/index.md"),
    ("glossary:dyad", "glossary.md", "glossary.md#dyad"),
    ("flashcards:", "guide/x.md", "../flashcards.md"),
    ("home:", "annexes/reading.md", "../index.md"),
])
def test_reference_links(ref, page, expected):
    assert smd.ref_link(ref, page) == expected


def test_markdown_helpers():
    assert smd.escape_inline("a *b* [c] <d>") == r"a \*b\* \[c\] &lt;d>"
    # headings and links of the authors' texts: tests/test_site_tree.py


# -- links, images, downloads ---------------------------------------------------

def test_no_broken_internal_link_or_image(built):
    site_dir = built / "site"
    cache: dict[Path, set[str]] = {}
    broken = []
    for path in [site_dir / "index.html", *html_pages(site_dir)]:
        page = read_page(path)
        for tag, attr, link in page.links:
            if link.startswith(("mailto:", "tel:", "data:", "javascript:")):
                continue
            target, anchor = resolve(site_dir, path, link)
            if target is None:
                continue
            if not target.is_file():
                broken.append(f"{path.relative_to(site_dir)}: {tag} {attr}={link}")
                continue
            if anchor and target.suffix == ".html":
                ids = cache.setdefault(target, read_page(target).ids)
                if anchor not in ids:
                    broken.append(f"{path.relative_to(site_dir)}: {link} (no #{anchor})")
    assert not broken, "\n".join(broken[:40])


def test_no_resource_from_another_origin(built):
    site_dir = built / "site"
    foreign = []
    for path in [site_dir / "index.html", *html_pages(site_dir)]:
        for tag, attr, link in read_page(path).links:
            if tag == "a":
                continue  # links are only followed when clicked
            if re.match(r"^(https?:)?//", link):
                foreign.append(f"{path.relative_to(site_dir)}: <{tag} {attr}={link}>")
    for css in site_dir.rglob("*.css"):
        for url in re.findall(r"url\(([^)]*)\)", css.read_text(encoding="utf-8")):
            if re.match(r"^['\"]?(https?:)?//", url):
                foreign.append(f"{css.relative_to(site_dir)}: url({url})")
    assert not foreign, "\n".join(foreign[:20])
    text = (site_dir / "en" / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_downloads_page_lists_every_built_file(built, model):
    for lang in model.languages:
        dist = built / "dist" / lang
        expected = {o.path for o in layout.outputs(model) if (dist / o.path).is_file()}
        page_path = built / "site" / lang / "downloads" / "index.html"
        page = read_page(page_path)
        listed = set()
        for link in [a["href"] for t, a in page.tags if t == "a" and "download" in a]:
            if True:
                target, _ = resolve(built / "site", page_path, link)
                assert target.is_file(), link
                rel = target.relative_to(built / "site" / lang / "downloads").as_posix()
                assert target.read_bytes() == (dist / rel).read_bytes(), rel
                listed.add(rel)
        assert listed == expected
        text = page_path.read_text(encoding="utf-8")
        if expected:
            assert ("ko" if lang == "fr" else "KB") in text
            assert "PDF" in text


def test_site_writer_lists_only_files_that_exist(project, tmp_path):
    """The DOCX and PDF writers may be missing: the site still builds, its
    download buttons and downloads page only show what exists."""
    model = sources.load(project)
    staging = tmp_path / "staging"
    (staging / "site").mkdir(parents=True)
    (staging / "dist" / "en" / "forms").mkdir(parents=True)
    form = model.forms[0]
    (staging / "dist" / "en" / "forms" / f"{form.id}.pdf").write_bytes(b"%PDF-1.7 test\n" * 200)
    site.write(model, staging, lambda msg: None)
    en = (staging / "site" / "en" / "downloads" / "index.html").read_text(encoding="utf-8")
    fr = (staging / "site" / "fr" / "downloads" / "index.html").read_text(encoding="utf-8")
    assert f"forms/{form.id}.pdf\"" in en and ".docx" not in en
    assert model.ui("site_no_downloads", "fr") in plain(html.unescape(fr))
    form_page = (staging / "site" / "en" / "forms" / form.id / "index.html").read_text(encoding="utf-8")
    assert f"{form.id}.pdf" in form_page and f"{form.id}.docx" not in form_page
    # Not a fillable PDF Dyade made: offered to print, never to fill here.
    assert 'data-action="download-pdf"' not in form_page
    assert not (staging / "site" / "en" / "assets" / "fill" / f"{form.id}.json").exists()
    assert (staging / "site" / "en" / "downloads" / "forms" / f"{form.id}.pdf").is_file()


# -- branding ----------------------------------------------------------------

def test_branding_comes_from_programme(built, model):
    org = model.programme.organisation
    assert (built / "site" / "en" / "assets" / "logo.png").read_bytes() == (ROOT / org.logo).read_bytes()
    css = (built / "site" / "en" / "assets" / "brand.css").read_text(encoding="utf-8")
    assert model.programme.colours.primary.lower() in css.lower()
    for lang in model.languages:
        page = read_page(built / "site" / lang / "index.html")
        logos = [a for t, a in page.tags if t == "img" and a.get("src", "").endswith("logo.png")]
        assert logos and all(a["alt"] == document.of(model, lang).plain(org.logo_alt) for a in logos)
        text = (built / "site" / lang / "index.html").read_text(encoding="utf-8")
        footer = text[text.index('<footer'):]
        assert model.programme.coordinator.email in footer
        assert model.programme.coordinator.name in footer


def test_brand_colours_stay_readable():
    assert site.contrast("#ffffff", "#000000") == pytest.approx(21)
    light = site._readable_on_white("#ffdd00")
    assert site.contrast(light, "#ffffff") >= 4.5
    assert site._brand_css(dict(site._brand_for("#ffee88", "#00ccff")))


def test_everything_generated_stays_out_of_the_project(built):
    assert not (built / site.WORK_DIR).exists()
    assert not (built / ".dyade-staging").exists()
    assert not list(built.rglob("*.md"))


# -- engine --------------------------------------------------------------------

def test_root_mkdocs_yml_is_the_base(built):
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "font: false" in config and "name: material" in config


def test_mkdocs_warnings_fail_the_build(project, tmp_path):
    """mkdocs runs in strict mode: a broken link stops the build.  (`check`
    refuses such links in the sources; a project's own page template can
    still hold one.)"""
    template = project / "templates" / "site" / "home.md.j2"
    assert template.is_file()
    template.write_text("Voir [ailleurs](nowhere.md).\n\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    model = sources.load(project)
    staging = tmp_path / "staging"
    (staging / "site").mkdir(parents=True)
    (staging / "dist").mkdir()
    with pytest.raises(BuildError) as info:
        site.write(model, staging, lambda msg: None)
    assert "nowhere.md" in str(info.value) and "[fr]" in str(info.value)


def test_project_without_site_templates_uses_the_bundled_ones(project, tmp_path):
    shutil.rmtree(project / "templates" / "site")
    (project / "mkdocs.yml").unlink()
    model = sources.load(project)
    staging = tmp_path / "staging"
    (staging / "site").mkdir(parents=True)
    (staging / "dist").mkdir()
    site.write(model, staging, lambda msg: None)
    assert (staging / "site" / "fr" / "index.html").is_file()


def slow_build(config_file: str) -> list[str]:
    """Stands in for one mkdocs build: reports its process and when it ran."""
    start = time.time()
    time.sleep(1.5)
    return [f"{os.getpid()} {start} {time.time()}"]


def test_languages_are_built_in_parallel_processes(monkeypatch):
    monkeypatch.setattr(site, "build_one", slow_build)
    results = site._build_all({"fr": Path("fr.yml"), "en": Path("en.yml")})
    runs = [msgs[0].split() for msgs in results.values()]
    pids = {pid for pid, _, _ in runs}
    assert len(pids) == 2 and str(os.getpid()) not in pids
    starts, ends = [float(r[1]) for r in runs], [float(r[2]) for r in runs]
    assert max(starts) < min(ends), "the two languages did not run at the same time"


# -- serve -------------------------------------------------------------------

def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def start_serve(root: Path, port: int) -> subprocess.Popen:
    code = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "from dyade.commands.serve import serve; "
            "sys.exit(serve(Path(sys.argv[2]), lambda m: print(m, flush=True), port=int(sys.argv[3]), host='127.0.0.1'))")
    return subprocess.Popen([sys.executable, "-c", code, str(ROOT), str(root), str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(project):
    port = free_port()
    proc = start_serve(project, port)
    try:
        url = f"http://127.0.0.1:{port}/en/"
        _wait_for(lambda: "Francophone School Leaders Network" in _get(url), 300, "the first build")
        programme = project / "content" / "programme.yml"
        original = programme.read_text(encoding="utf-8")
        programme.write_text(original.replace("en: Francophone School Leaders Network",
                                              "en: Northern Lights School Network"), encoding="utf-8")
        _wait_for(lambda: "Northern Lights School Network" in _get(url), 300, "the rebuild")
        # a broken source: the error is printed, the last good site stays
        programme.write_text(original.replace("  primary:", "  primry:"), encoding="utf-8")
        time.sleep(8)
        assert "Northern Lights School Network" in _get(url)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "unknown key 'primry'" in output, output[-3000:]
    assert "Traceback" not in output, output[-3000:]


def test_root_not_found_page_links_from_the_public_address(model):
    import copy
    from dyade.writers.site import not_found_page
    page = not_found_page(model).decode("utf-8")
    assert 'href="/fr/"' in page and 'src="/fr/assets/logo' in page  # no site_url: from the server's root
    published = copy.deepcopy(model)
    published.programme.site_url = "https://example.org/mentoring/"
    page = not_found_page(published).decode("utf-8")
    for lang in model.languages:
        assert f'href="https://example.org/mentoring/{lang}/"' in page
    assert "<link rel=\"stylesheet\"" not in page and "http://" not in page


def test_every_page_links_its_own_versions_in_the_other_languages(built, model):
    """hreflang alternates name the same page in each language (and
    x-default the language chooser), relative without site_url."""
    from sitetools import html_pages
    site = built / "site"
    for lang in model.languages:
        pages = [p for p in html_pages(site / lang) if p.name == "index.html"]
        assert len(pages) > 20
        for path in pages:
            text = path.read_text(encoding="utf-8")
            links = dict((h, u) for u, h in re.findall(r'<link rel="alternate" href="([^"]+)" hreflang="([^"]+)">', text))
            assert set(links) == {*model.languages, "x-default"}, path
            for other in model.languages:
                target = (path.parent / links[other]).resolve()
                mirror = site / other / path.parent.relative_to(site / lang)
                assert target == mirror.resolve() and (mirror / "index.html").is_file(), (path, other, links[other])
            assert (path.parent / links["x-default"]).resolve() == site.resolve()


def test_with_a_public_address_alternates_canonical_and_sitemap_are_absolute(project):
    from conftest import run_dyade
    programme = project / "content" / "programme.yml"
    text = programme.read_text(encoding="utf-8")
    programme.write_text(text.replace("organisation:", "site_url: https://example.org/mentoring/\norganisation:", 1),
                         encoding="utf-8")
    result = run_dyade(project, "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (project / "site" / "en" / "guide" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/mentoring/en/guide/">' in page
    assert '<link rel="alternate" href="https://example.org/mentoring/fr/guide/" hreflang="fr">' in page
    assert '<link rel="alternate" href="https://example.org/mentoring/" hreflang="x-default">' in page
    sitemap = (project / "site" / "fr" / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.startswith("<?xml")
    from lxml import etree
    root = etree.fromstring(sitemap.encode("utf-8"))
    urls = root.findall("{http://www.sitemaps.org/schemas/sitemap/0.9}url")
    assert len(urls) > 20
    for url in urls:
        loc = url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
        alternates = {a.get("hreflang"): a.get("href") for a in url.findall("{http://www.w3.org/1999/xhtml}link")}
        assert loc.startswith("https://example.org/mentoring/fr/")
        assert alternates["en"] == loc.replace("/mentoring/fr/", "/mentoring/en/")
        assert alternates["fr"] == loc and alternates["x-default"] == "https://example.org/mentoring/"
