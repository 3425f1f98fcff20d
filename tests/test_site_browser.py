"""The website in a real browser (headless Chromium through Playwright):
search in the reader's language, the language switcher, downloads, keyboard
access, axe-core on every page, no request to another origin, and the
organisation's name following programme.yml.

These tests fail (never skip) when Chromium or axe-core is missing:
`apt-get install chromium` and `npm ci` at the repository root.
"""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from conftest import ROOT  # the `browser` and `page` fixtures are there too
from sitetools import free_port, html_pages, page_url, serve_dir

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def base(built):
    with serve_dir(built / "site") as url:
        yield url


def local(base: str, url: str) -> str:
    assert url.startswith(base), url
    return url[len(base):]


# -- search ------------------------------------------------------------------

def search(page, base: str, lang: str, query: str) -> list[str]:
    """Type `query` in the search box of the `lang` site; the result links
    (site-relative, without anchors)."""
    page.goto(f"{base}{lang}/", wait_until="networkidle")
    meta = page.locator(".md-search-result__meta")
    box = page.locator("input.md-search__input")
    box.click()
    idle = meta.inner_text()  # "Type to start searching"
    box.press_sequentially(query, delay=20)
    box.press("End")  # the theme reads the box on keyup, which a typed "é" (inserted as text here) lacks
    page.wait_for_function("([el, idle]) => el.textContent.trim() && el.textContent.trim() !== idle",
                           arg=[meta.element_handle(), idle.strip()])
    time.sleep(0.3)  # let the result list settle
    # the theme shows the results ten at a time: scroll until all are there
    count, stable = -1, 0
    while stable < 3:
        now = page.locator(".md-search-result__item").count()
        stable = stable + 1 if now == count else 0
        count = now
        page.evaluate("document.querySelector('.md-search__scrollwrap').scrollTop = 1e9")
        time.sleep(0.2)
    hrefs = page.eval_on_selector_all(".md-search-result__link", "links => links.map(a => a.href)")
    return [re.split(r"[?#]", local(base, h))[0] for h in hrefs]


@pytest.mark.parametrize("lang, query, expected, stem", [
    ("fr", "mentorées", None, "mentorée"),
    ("fr", "confidentialité", "fr/forms/confidentiality/", None),
    ("en", "mentees", None, "mentee"),
    ("en", "confidentiality", "en/forms/confidentiality/", None),
])
def test_search_finds_pages_in_the_readers_language_only(page, base, built, lang, query, expected, stem):
    results = search(page, base, lang, query)
    assert results, f"no result for {query!r}"
    assert all(r.startswith(f"{lang}/") for r in results), results
    if expected:
        assert expected in results, results
    if stem:
        # the stemmer is on: some results hold the word only in another form
        def words(path):
            text = (built / "site" / path / "index.html").read_text(encoding="utf-8").lower()
            text = text[text.index("<article"):text.index("</article>")]  # not the navigation
            return set(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", text)))
        other_forms = [r for r in set(results) if stem in words(r) and query not in words(r)]
        assert other_forms, f"no result has {stem!r} without {query!r}: {sorted(set(results))}"


def test_search_does_not_return_the_other_language(page, base):
    for lang, query in [("fr", "confidentiality agreement"), ("fr", "mentees"), ("en", "mentorés"),
                        ("en", "engagement de confidentialité")]:
        results = search(page, base, lang, query)
        assert all(r.startswith(f"{lang}/") for r in results), (query, results)


def test_search_does_not_call_a_word_missing_from_the_pages_that_hold_it(page, base):
    # the index holds stems ("learn"); the theme lists under a result the
    # words of the query that no indexed word of the result starts with
    for lang, query in [("en", "learning"), ("fr", "confidentialité")]:
        assert search(page, base, lang, query)
        missing = page.locator(".md-search-result__terms").all_inner_texts()
        assert not missing, (query, missing[:3])


# -- language switcher -------------------------------------------------------

@pytest.mark.parametrize("path", ["", "forms/learning-plan/", "guide/coordinator/", "workshops/mentoring-coaching/facilitator/",
                                  "glossary/", "downloads/"])
def test_switcher_keeps_the_page(page, base, model, path):
    for lang in model.languages:
        for other in model.languages:
            if other == lang:
                continue
            page.goto(f"{base}{lang}/{path}", wait_until="networkidle")
            page.hover(".md-select")
            page.click(f"a.md-select__link[hreflang={other}]")
            page.wait_for_url(f"{base}{other}/{path}")
            assert page.evaluate("document.documentElement.lang") == other


def test_root_sends_visitors_to_their_browser_language(browser, base, model):
    first = model.languages[0]
    for locale, expected in [("en-GB", "en"), ("fr-CA", "fr"), ("de-DE", first)]:
        context = browser.new_context(locale=locale)
        tab = context.new_page()
        tab.goto(base)
        tab.wait_for_url(f"{base}{expected}/")
        context.close()
    # without JavaScript: a visible list of the languages
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(base)
    assert tab.url == base
    for lang in model.languages:
        link = tab.locator(f'a[hreflang="{lang}"]')
        assert link.is_visible()
        assert link.get_attribute("href") == f"{lang}/"
    context.close()


# -- downloads ---------------------------------------------------------------

def test_every_download_link_answers_with_the_file(page, base, built, model):
    checked = 0
    for lang in model.languages:
        page.goto(f"{base}{lang}/downloads/", wait_until="networkidle")
        hrefs = page.eval_on_selector_all("a[download]", "links => links.map(a => a.href)")
        for href in hrefs:
            response = page.request.get(href)
            assert response.ok, href
            rel = local(base, href)
            assert rel.startswith(f"{lang}/downloads/")
            dist_file = built / "dist" / lang / rel[len(f"{lang}/downloads/"):]
            assert dist_file.is_file(), rel
            assert response.body() == dist_file.read_bytes(), rel
            checked += 1
    expected = sum(1 for lang in model.languages for p in (built / "dist" / lang).rglob("*") if p.is_file())
    assert checked == expected


# -- keyboard ----------------------------------------------------------------

def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("sel => document.activeElement && document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


def test_keyboard_reaches_search_switcher_and_downloads(page, base, built):
    # search: Tab to the box, type, arrow down to a result, Enter
    page.goto(f"{base}en/", wait_until="networkidle")
    tab_to(page, "input.md-search__input")
    page.keyboard.type("confidentiality", delay=20)
    page.wait_for_selector(".md-search-result__item")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(base) + "en/.+"))

    # language switcher
    page.goto(f"{base}en/forms/feedback/", wait_until="networkidle")
    tab_to(page, "a.md-select__link[hreflang=fr]")
    assert page.locator("a.md-select__link[hreflang=fr]").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}fr/forms/feedback/")

    # a download button of a form (when the document writers made its files)
    if any((built / "dist" / "fr" / "forms").glob("feedback.*")):
        tab_to(page, "a.md-button[download]")
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        assert info.value.suggested_filename.endswith((".docx", ".pdf"))

    # the downloads page: its first link is reached with Tab and downloads with Enter
    page.goto(f"{base}en/downloads/", wait_until="networkidle")
    if page.locator("article a[download]").count():
        tab_to(page, "article a[download]")
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        assert info.value.suggested_filename.endswith((".docx", ".pdf"))


def test_keyboard_on_a_narrow_screen_skips_the_closed_menu_and_can_open_it(browser, base):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        tab.goto(f"{base}en/forms/feedback/", wait_until="networkidle")
        # the closed menu's links are off screen: Tab must not walk through them
        tab_to(tab, "a.md-button[download]", limit=15)
        tab.goto(f"{base}en/forms/feedback/", wait_until="networkidle")
        tab_to(tab, ".dyade-menu-button", limit=5)
        tab.keyboard.press("Enter")
        tab.wait_for_function("document.getElementById('__drawer').checked")
        tab.keyboard.press("Tab")
        tab.wait_for_timeout(500)  # the menu slides in
        focused = tab.evaluate("""() => { const r = document.activeElement.getBoundingClientRect();
            return [document.activeElement.closest('.md-nav--primary') !== null, r.left >= 0 && r.right <= innerWidth]; }""")
        assert focused == [True, True], focused
    finally:
        context.close()


# -- every page: accessibility, privacy -----------------------------------------

@pytest.fixture(scope="module")
def visited(browser, base, built):
    """Load every page of every language once; axe-core's serious and
    critical violations and every request the pages made."""
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` at the repository root"
    axe = AXE.read_text(encoding="utf-8")
    site = built / "site"
    urls = [page_url(site, p) for p in html_pages(site)]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[tuple[str, str]] = []
    current = {"url": ""}
    context.on("request", lambda request: requests.append((current["url"], request.url)))
    # the root page redirects at once: check it as it stands, without its script
    context.route(base, lambda route: route.fulfill(
        content_type="text/html",
        body=re.sub(r"<script>.*?</script>", "", (site / "index.html").read_text(encoding="utf-8"), flags=re.S)))
    # axe in every page before its own scripts, rather than injected after
    context.add_init_script(axe)
    tab = context.new_page()
    violations = {}
    for url in urls:
        current["url"] = url
        # "load", not "networkidle" (half a second of quiet per page, 90
        # pages): the theme's scripts have run by then, and the requests a
        # page makes afterwards are checked page by page in test_payloads.
        tab.goto(base + url, wait_until="load")
        found = tab.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
        }""")
        if found:
            violations[url] = found
    context.close()
    return {"urls": urls, "violations": violations, "requests": requests}


def test_pages_of_both_languages_were_visited(visited, model):
    for lang in model.languages:
        assert sum(1 for u in visited["urls"] if u.startswith(f"{lang}/")) > 30
    assert "" in visited["urls"]


def test_no_serious_accessibility_violation(visited):
    report = [f"{url or '/'}: {v}" for url, found in visited["violations"].items() for v in found]
    assert not report, "\n".join(report[:40])


def test_no_request_leaves_the_site(visited, base):
    origin = urlsplit(base).netloc
    foreign = [(page, url) for page, url in visited["requests"]
               if not url.startswith(("data:", "blob:", "about:")) and urlsplit(url).netloc != origin]
    assert not foreign, foreign[:20]
    assert len(visited["requests"]) > len(visited["urls"])  # the recording did see the pages' requests


# -- print -------------------------------------------------------------------

def test_pages_print_without_the_site_chrome(page, base):
    page.goto(f"{base}en/flashcards/", wait_until="networkidle")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-sidebar--primary", ".md-footer", ".dyade-buttons"):
        if page.locator(selector).count():
            assert not page.locator(selector).first.is_visible(), selector
    assert page.locator("article h1").is_visible()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")


def test_form_preview_prints_as_a_paper_form(page, base):
    page.set_viewport_size({"width": 720, "height": 1000})  # about the width of A4 paper, within its margins
    page.goto(f"{base}en/forms/learning-plan/", wait_until="networkidle")
    page.emulate_media(media="print")
    # a list in a table cell: a blank line, not a truncated "Choo▾"
    lists = page.eval_on_selector_all(".dyade-table select", """els => els.map(e => {
        const s = getComputedStyle(e); return [s.appearance, s.color]; })""")
    assert lists and all(shown == ["none", "rgba(0, 0, 0, 0)"] for shown in lists), lists[:3]
    # the table fits the paper's width
    overflow = page.eval_on_selector_all(".dyade-table-wrap", "els => els.map(e => e.scrollWidth - e.clientWidth)")
    assert overflow and max(overflow) <= 1, overflow


# -- how pages look: form previews, phones, the 404 page ------------------------

def _hex(css_colour: str) -> str:
    r, g, b = (int(float(v)) for v in re.findall(r"[\d.]+", css_colour)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def test_preview_radio_buttons_and_check_boxes_can_be_seen(page, base):
    from dyade.writers.site import contrast
    for path in ("fr/forms/self-assessment/", "en/forms/checklist/", "en/annexes/mentor-competencies/"):
        page.goto(base + path, wait_until="networkidle")
        boxes = page.eval_on_selector_all(
            ".dyade-field input[type=radio], .dyade-field input[type=checkbox]", """els => els.map(e => {
                const s = getComputedStyle(e);
                return [s.appearance, s.borderTopColor, parseFloat(s.borderTopWidth), e.getBoundingClientRect().width,
                        getComputedStyle(e.closest('.dyade-field')).backgroundColor];
            })""")
        assert boxes, path
        for appearance, border, width, size, background in boxes:
            # the browser's own disabled boxes are pale grey on grey
            assert appearance == "none", (path, appearance)
            assert width >= 1.5 and size >= 12, (path, width, size)
            assert contrast(_hex(border), _hex(background)) >= 3, (path, border, background)


def test_calendar_fits_a_phone_screen(browser, base, model):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    try:
        for lang in model.languages:
            tab.goto(f"{base}{lang}/", wait_until="networkidle")
            rights = tab.eval_on_selector_all(
                ".dyade-calendar td, .dyade-calendar td a",
                "els => els.filter(e => e.getClientRects().length).map(e => e.getBoundingClientRect().right)")
            assert rights, "no calendar"
            assert max(rights) <= 390, (lang, max(rights))
            forms_column = tab.locator(".dyade-calendar td a").first
            assert forms_column.is_visible() and forms_column.bounding_box()["x"] >= 0
    finally:
        context.close()


def test_not_found_page_is_whole_wherever_it_is_served(browser, base, built, model):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        for lang in model.languages:
            body = (built / "site" / lang / "404.html").read_text(encoding="utf-8")
            missing = f"{base}{lang}/no/such/page/"
            tab.route(missing, lambda route, _request=None, body=body: route.fulfill(status=404, content_type="text/html", body=body))
            tab.goto(missing, wait_until="networkidle")
            # the theme's style sheet applies: icons keep their size, the header its colour
            assert tab.locator(".md-header").evaluate("e => getComputedStyle(e).position") == "sticky"
            assert max(tab.eval_on_selector_all("svg", "els => els.map(e => e.getBoundingClientRect().height)")) < 60
            title = tab.locator("article h1").inner_text()
            assert title == model.ui("not_found_title", lang), title  # in the page's language
            home = tab.locator("article a", has_text=model.ui("home", lang))
            home.click()
            tab.wait_for_url(f"{base}{lang}/")
    finally:
        context.close()


def test_root_not_found_page_works_at_any_depth_in_the_visitors_language(browser, base, built, model):
    """Hosts serve site/404.html for any missing address, from the root:
    its style, logo and links must hold wherever it is shown."""
    body = (built / "site" / "404.html").read_text(encoding="utf-8")
    requests = []
    for locale, expected in [("en-GB", "en"), ("fr-CA", "fr"), ("de-DE", model.languages[0])]:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        tab.on("request", lambda request: requests.append(request.url))
        try:
            for missing in (f"{base}nowhere.html", f"{base}fr/deep/er/page/", f"{base}a/b/c/d/e/"):
                tab.route(missing, lambda route, _request=None: route.fulfill(status=404, content_type="text/html",
                                                                                body=body))
                tab.goto(missing, wait_until="networkidle")
                first = tab.locator("main section").first
                assert first.get_attribute("lang") == expected
                assert first.locator("h1").inner_text() == model.ui("not_found_title", expected)
                assert tab.evaluate("document.documentElement.lang") == expected
                assert tab.locator("header img").evaluate("img => img.naturalWidth") > 0, "logo not found"
                assert tab.locator("header").evaluate("e => getComputedStyle(e).paddingTop") == "16px"
            tab.locator(f'main a[hreflang="{expected}"]').click()
            tab.wait_for_url(f"{base}{expected}/")
        finally:
            context.close()
    assert all(url.startswith(base) for url in requests), [u for u in requests if not u.startswith(base)]
    # without JavaScript, every language's message shows
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.route(f"{base}x/y/", lambda route, _request=None: route.fulfill(status=404, content_type="text/html", body=body))
    tab.goto(f"{base}x/y/")
    for lang in model.languages:
        assert tab.locator(f'section[lang="{lang}"] h1').is_visible()
    context.close()


# -- branding follows programme.yml ---------------------------------------------

def test_home_page_shows_the_organisation_from_programme_yml(browser, project):
    from test_site import start_serve
    port = free_port()
    proc = start_serve(project, port)
    context = browser.new_context()
    tab = context.new_page()
    try:
        url = f"http://127.0.0.1:{port}/en/"

        def org_name():
            try:
                tab.goto(url, wait_until="load")
                return tab.locator(".dyade-org").inner_text(timeout=2000)
            except Exception:  # the site is not there yet
                return ""

        deadline = time.monotonic() + 300
        while org_name() != "Francophone School Leaders Network":
            assert time.monotonic() < deadline, "the first build did not appear"
            time.sleep(1)
        assert "Francophone School Leaders Network" in tab.locator("footer").inner_text()
        programme = project / "content" / "programme.yml"
        programme.write_text(programme.read_text(encoding="utf-8").replace(
            "en: Francophone School Leaders Network", "en: Prairie School Leaders Circle"), encoding="utf-8")
        while org_name() != "Prairie School Leaders Circle":
            assert time.monotonic() < deadline, "the rebuilt site did not show the new name"
            time.sleep(1)
        assert "Prairie School Leaders Circle" in tab.locator("footer").inner_text()
    finally:
        context.close()
        proc.terminate()
        proc.communicate(timeout=30)
