"""Filling a form on its web page (issue 16), in headless Chromium: every
field of every bundled form in both languages typed in, kept across a
reload, downloaded as the completed DOCX built in the browser and read back
by `dyade collect` as it would read a form filled in Word; answers cleared;
no request leaving the site, the download working with the network cut;
axe-core on the empty and the filled pages; a form filled and downloaded
with the keyboard alone; checks announced in the page's language; the
printed page holding the answers; the phone layout at 320 px.

These tests fail (never skip) when Chromium or axe-core is missing:
`apt-get install chromium` and `npm ci` at the repository root.
"""
from __future__ import annotations

import gzip
import json
import re
import subprocess
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, run_dyade
from dyade import model as m
from dyade import readback
from sitetools import serve_dir

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def base(built):
    with serve_dir(built / "site") as url:
        yield url


# -- what is typed, and what collect must read ------------------------------------------

@dataclass
class Step:
    """One thing a participant does on the page."""
    how: str        # "fill", "check", "radio", "select", "add-row"
    selector: str
    value: str = ""


def control(tag: str) -> str:
    return f'[data-tag="{tag}"]'


def cell(table: str, row: int, col: str) -> str:
    return f'.dyade-field[data-field="{table}"] tbody tr:nth-child({row}) [data-col="{col}"]'


def number_for(f: m.NumberField, seed: int):
    """A number inside the field's range, a decimal one when the range allows."""
    low = f.min if f.min is not None else 0
    high = f.max if f.max is not None else low + 100
    if low <= 1.5 + seed <= high and seed % 2 == 0:
        return f"{1.5 + seed}", 1.5 + seed
    value = int(min(high, low + 1 + seed))
    return str(value), value


# Who fills the forms: one mentee and one mentor per language, so that
# collect groups the forms by person without a doubt.
PEOPLE = {"fr": ("Alexandrine Tremblay", "Gérald Fontaine"), "en": ("Jordan Wells", "Priya Nakamura")}


def person(field_id: str, lang: str) -> str:
    return PEOPLE[lang][1 if "mentor" in field_id else 0]


def answer_steps(kind, f, selector: str, seed: int, lang: str):
    """(step, answer as collect reports it) for one control of kind `kind`."""
    if kind == "text" and f.id.endswith("name"):
        return Step("fill", selector, person(f.id, lang)), person(f.id, lang)
    if kind == "text":
        text = f"{f.id} {seed} – {lang} « é » & <b>x</b>"
        return Step("fill", selector, text), text
    if kind == "long_text":
        text = f"First line of {f.id}\nSecond line, {lang} ç {seed}"
        return Step("fill", selector, text), text
    if kind == "date":
        day = f"2026-{(seed % 12) + 1:02d}-{(seed % 27) + 1:02d}"
        return Step("fill", selector, day), day
    if kind == "number":
        typed, answer = number_for(f, seed)
        return Step("fill", selector, typed), answer
    if kind == "choice":
        option = f.options[seed % len(f.options)]
        return option, option.value
    if kind == "rating":
        point = seed % f.scale + 1
        return point, point
    if kind == "checkbox":
        return Step("check", selector), True
    raise AssertionError(kind)


def plan(form: m.Form, lang: str) -> tuple[list[Step], dict]:
    """Every step that fills every control of `form`, a row added to each
    table, and the answers `dyade collect` must then read."""
    steps: list[Step] = []
    expected: dict = {}
    seed = 0
    for f in form.input_fields():
        seed += 1
        if isinstance(f, m.ChecklistField):
            expected[f.id] = {}
            for i, item in enumerate(f.items):
                ticked = i % 2 == 0
                if ticked:
                    steps.append(Step("check", control(f"{f.id}.{item.value}")))
                expected[f.id][item.value] = ticked
        elif isinstance(f, m.TableField):
            steps.append(Step("add-row", f'.dyade-add-row[data-table="{f.id}"]'))
            rows = []
            for r in range(1, f.rows + 2):
                row = {}
                for col in f.columns:
                    seed += 1
                    step, answer = answer_steps(col.type, col, cell(f.id, r, col.id), seed, lang)
                    if col.type == "choice":
                        step = Step("select", cell(f.id, r, col.id), step.value)
                    elif col.type == "rating":
                        step = Step("select", cell(f.id, r, col.id), str(step))
                    steps.append(step)
                    row[col.id] = answer
                rows.append(row)
            expected[f.id] = rows
        elif isinstance(f, m.SignatureField):
            name = person(f.id, lang)
            steps.append(Step("fill", control(f"{f.id}-name"), name))
            day = f"2027-01-{seed % 28 + 1:02d}"
            steps.append(Step("fill", control(f"{f.id}-date"), day))
            expected[f"{f.id}-name"] = name
            expected[f"{f.id}-date"] = day
        else:
            step, answer = answer_steps(f.type, f, control(f.id), seed, lang)
            if f.type in ("choice", "rating"):
                step = Step("radio", f'{control(f.id)} input[value="{getattr(step, "value", step)}"]')
            steps.append(step)
            expected[f.id] = answer
    return steps, expected


def do(page, step: Step) -> None:
    if step.how == "fill":
        page.fill(step.selector, step.value)
    elif step.how in ("check", "radio"):
        page.check(step.selector)
    elif step.how == "select":
        page.select_option(step.selector, step.value)
    elif step.how == "add-row":
        page.click(step.selector)


def shown(page, step: Step):
    """What the page shows for a step's control (after a reload)."""
    if step.how in ("check", "radio"):
        return page.is_checked(step.selector)
    if step.how == "add-row":
        return None
    return page.input_value(step.selector)


def expected_shown(step: Step):
    return True if step.how in ("check", "radio") else None if step.how == "add-row" else step.value


def axe_serious(page, axe: str) -> list[str]:
    page.add_script_tag(content=axe)
    # The last click leaves the mouse over whatever now lies under it; a button
    # there is mid-way through its 125 ms hover transition, and axe would judge
    # the colours half-way. Judge the colours a reader sees once it settles.
    return page.evaluate("""async () => {
        await Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition).map(a => a.finished.catch(() => null)));
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
          .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
    }""")


def stored(page) -> dict:
    return page.evaluate("() => Object.fromEntries(Object.keys(localStorage).map(k => [k, localStorage.getItem(k)]))")


@pytest.fixture(scope="module")
def filled(browser, base, built, model, tmp_path_factory):
    """Every bundled form in every language filled on its page, reloaded and
    downloaded; what the pages showed, every request they made, axe-core's
    findings empty and filled, and `dyade collect` run over the downloads."""
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` at the repository root"
    axe = AXE.read_text(encoding="utf-8")
    work = tmp_path_factory.mktemp("browser-fill")
    returned = work / "returned"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    result = {"expected": {}, "lost": {}, "axe_empty": {}, "axe_filled": {}, "storage": {}, "status": {}}
    for lang in model.languages:
        for form in model.forms:
            url = f"{base}{lang}/forms/{form.id}/"
            tab.goto(url, wait_until="networkidle")
            result["axe_empty"][url] = axe_serious(tab, axe)
            steps, expected = plan(form, lang)
            for step in steps:
                do(tab, step)
            result["axe_filled"][url] = axe_serious(tab, axe)
            result["storage"][url] = stored(tab)
            tab.reload(wait_until="networkidle")
            result["lost"][url] = [(s.selector, shown(tab, s), expected_shown(s)) for s in steps
                                   if shown(tab, s) != expected_shown(s)]
            with tab.expect_download() as info:
                tab.click('[data-action="download-docx"]')
            target = returned / lang / info.value.suggested_filename
            info.value.save_as(target)
            tab.wait_for_function("document.getElementById('dyade-fill-status').textContent.trim() !== ''")
            result["status"][url] = tab.inner_text("#dyade-fill-status")
            result["expected"][f"{lang}/{target.name}"] = (form.id, lang, expected)
    context.close()
    out = work / "collected"
    run = run_dyade(built, "collect", str(returned), "--out", str(out), "--today", "2026-12-02", timeout=300)
    result.update(requests=requests, collect=run, out=out, returned=returned)
    return result


def test_every_answer_survives_a_reload(filled):
    lost = {url: steps for url, steps in filled["lost"].items() if steps}
    assert not lost, lost


def test_answers_are_kept_per_form_and_language(filled, model):
    for url, entries in filled["storage"].items():
        lang, form = re.search(r"/(\w+)/forms/([\w-]+)/$", url).groups()
        # one entry per page visited so far, this one's named by its language and form
        mine = [k for k in entries if k.endswith(f"/{lang}/forms/{form}/")]
        assert len(mine) == 1, (url, list(entries))
        kept = json.loads(entries[mine[0]])
        assert kept["values"], url


def test_collect_reads_every_answer_typed_in_the_browser(filled, model):
    run = filled["collect"]
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads((filled["out"] / "answers.json").read_text(encoding="utf-8"))
    returns = {r["file"]: r for r in data["returns"]}
    assert sorted(returns) == sorted(filled["expected"]), (sorted(returns), data["unread"])
    assert len(returns) == len(model.forms) * len(model.languages)
    for file, (form_id, lang, expected) in filled["expected"].items():
        got = returns[file]
        assert got["form"] == form_id and got["language"] == lang and got["current_version"], file
        assert got["problems"] == [], (file, got["problems"])
        for key, answer in expected.items():
            assert got["answers"][key] == answer, (file, key, got["answers"][key], answer)
        assert set(got["answers"]) == set(expected), file
    assert (filled["out"] / "problems.txt").read_text(encoding="utf-8") == ""


def test_the_download_is_the_blank_form_filled_as_word_fills_it(filled, built, model):
    from docx_helpers import NS, W, W14, part
    form = model.find("form", "learning-plan")
    filled_docx = filled["returned"] / "fr" / "learning-plan-fr.docx"
    blank = built / "dist" / "fr" / "forms" / "learning-plan.docx"
    import zipfile
    with zipfile.ZipFile(blank) as a, zipfile.ZipFile(filled_docx) as b:
        assert a.namelist() == b.namelist()  # the same parts, in the same order
        for name in a.namelist():
            if name != "word/document.xml":
                assert a.read(name) == b.read(name), name
    doc = part(filled_docx, "word/document.xml")
    sdts = [s for s in doc.iter(W + "sdt") if not s.findall(".//w:sdt", NS)]
    assert not [s for s in sdts if s.find("w:sdtPr/w:showingPlcHdr", NS) is not None], "a filled control shows its placeholder"
    dates = [s.find("w:sdtPr/w:date", NS) for s in sdts if s.find("w:sdtPr/w:date", NS) is not None]
    assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", d.get(W + "fullDate")) for d in dates)
    # the date as French Word writes it with the control's own picture ("d MMMM yyyy")
    date_text = "".join(dates[0].getparent().getparent().find("w:sdtContent", NS).itertext())
    assert re.fullmatch(r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) 20\d\d", date_text), date_text
    ids = [s.find("w:sdtPr/w:id", NS).get(W + "val") for s in sdts]
    assert len(ids) == len(set(ids)), "a copied row kept the ids of the row it copies"
    # the added row is a copy of the last one: the same tags, as Word copies it
    tables = {t.find("w:tblPr/w:tblCaption", NS).get(W + "val"): t for t in doc.iter(W + "tbl")}
    objectives = tables[next(f for f in form.input_fields() if f.id == "objectives").label["fr"]]
    rows = objectives.findall("w:tr", NS)
    assert len(rows) == 1 + 4 + 1
    last_tags = [s.find("w:sdtPr/w:tag", NS).get(W + "val") for s in rows[-1].iter(W + "sdt")]
    before_tags = [s.find("w:sdtPr/w:tag", NS).get(W + "val") for s in rows[-2].iter(W + "sdt")]
    assert last_tags == before_tags and last_tags[0] == "objectives.4.objective"
    boxes = [s for s in sdts if s.find("w:sdtPr/w14:checkbox", NS) is not None]
    for box in boxes:
        ticked = box.find("w:sdtPr/w14:checkbox/w14:checked", NS).get(W14 + "val") == "1"
        glyph = "".join(box.find("w:sdtContent", NS).itertext())
        assert glyph == ("\u2612" if ticked else "\u2610")
    # read_form agrees with collect, straight from the file
    answers = readback.read_form(filled_docx, model)
    assert answers["objectives"][4]["objective"].startswith("First line")


def test_the_page_says_what_was_downloaded_and_what_is_left(filled, model):
    for url, text in filled["status"].items():
        lang = re.search(r"/(\w+)/forms/", url).group(1)
        assert model.programme.coordinator.email in text, (url, text)
        assert re.search(r"[\w-]+-" + lang + r"\.docx", text), (url, text)


def test_no_request_leaves_the_site(filled, base):
    origin = urlsplit(base).netloc
    foreign = [u for u in filled["requests"] if not u.startswith(("data:", "blob:", "about:"))
               and urlsplit(u).netloc != origin]
    assert not foreign, foreign[:10]
    assert any(u.endswith("/assets/dyade-fill.js") for u in filled["requests"])
    assert any(u.endswith("/downloads/forms/learning-plan.docx") for u in filled["requests"])


def test_axe_finds_nothing_serious_on_empty_and_filled_forms(filled, model):
    report = [f"{state} {url}: {v}" for state in ("axe_empty", "axe_filled")
              for url, found in filled[state].items() for v in found]
    assert not report, "\n".join(report[:30])
    assert len(filled["axe_filled"]) == len(model.forms) * len(model.programme.languages)  # every form, filled


# -- clearing, offline, keyboard ----------------------------------------------------------

@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_clear_empties_the_page_and_the_storage(tab, base):
    tab.goto(f"{base}fr/forms/learning-plan/", wait_until="networkidle")
    tab.fill(control("mentee-name"), "Camille")
    tab.click('.dyade-add-row[data-table="objectives"]')
    tab.fill(cell("objectives", 5, "objective"), "Une cinquième ligne")
    assert stored(tab)
    tab.once("dialog", lambda dialog: dialog.accept())
    tab.click('[data-action="clear"]')
    assert stored(tab) == {}
    assert tab.input_value(control("mentee-name")) == ""
    assert tab.locator('.dyade-field[data-field="objectives"] tbody tr').count() == 4
    assert "effacées" in tab.inner_text("#dyade-fill-status")
    tab.reload(wait_until="networkidle")
    assert tab.input_value(control("mentee-name")) == ""
    assert stored(tab) == {}
    # the clear button asks first: refusing keeps everything
    tab.fill(control("mentee-name"), "Camille")
    tab.once("dialog", lambda dialog: dialog.dismiss())
    tab.click('[data-action="clear"]')
    assert tab.input_value(control("mentee-name")) == "Camille" and stored(tab)


def test_the_download_works_with_the_network_cut(tab, base, model, tmp_path):
    tab.goto(f"{base}en/forms/feedback/", wait_until="networkidle")
    tab.context.set_offline(True)
    try:
        tab.fill(control("mentee-name"), "Offline Ostrowski")
        tab.fill(control("meeting-date"), "2026-11-20")
        with tab.expect_download() as info:
            tab.click('[data-action="download-docx"]')
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
    finally:
        tab.context.set_offline(False)
    answers = readback.read_form(path, model)
    assert answers["mentee-name"] == "Offline Ostrowski" and answers["meeting-date"] == "2026-11-20"


def tab_to(page, selector: str, limit: int = 200) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("sel => document.activeElement && document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


def test_a_form_is_filled_and_downloaded_with_the_keyboard_alone(tab, base, model, tmp_path):
    tab.goto(f"{base}en/forms/confidentiality/", wait_until="networkidle")
    form = model.find("form", "confidentiality")
    fields = form.input_fields()
    first = fields[0]
    tab_to(tab, control(first.id) if not isinstance(first, m.ChecklistField) else "input")
    expected = {}
    in_field = "(document.activeElement.closest('.dyade-field') || {dataset: {}}).dataset.field || null"
    for f in fields:
        while tab.evaluate(in_field) is None:  # the heading links between fields
            tab.keyboard.press("Tab")
        focused = tab.evaluate(in_field)
        assert focused == f.id, (focused, f.id)
        if isinstance(f, m.TextField):
            tab.keyboard.type("Kim Keyboard")
            expected[f.id] = "Kim Keyboard"
            tab.keyboard.press("Tab")
        elif isinstance(f, m.ChecklistField):
            expected[f.id] = {}
            for i, item in enumerate(f.items):
                if i % 2 == 0:
                    tab.keyboard.press("Space")
                expected[f.id][item.value] = i % 2 == 0
                tab.keyboard.press("Tab")
        elif isinstance(f, m.SignatureField):
            tab.keyboard.type("Kim Keyboard")
            tab.keyboard.press("Tab")
            tab.keyboard.type("11202026")  # month, day, year in an en-US date box
            expected[f"{f.id}-name"], expected[f"{f.id}-date"] = "Kim Keyboard", "2026-11-20"
            tab.keyboard.press("Tab")
        elif isinstance(f, m.DateField):
            tab.keyboard.type("11202026")
            expected[f.id] = "2026-11-20"
            tab.keyboard.press("Tab")
        elif isinstance(f, m.LongTextField):
            tab.keyboard.type("Typed with keys")
            expected[f.id] = "Typed with keys"
            tab.keyboard.press("Tab")
        elif isinstance(f, m.CheckboxField):
            tab.keyboard.press("Space")
            expected[f.id] = True
            tab.keyboard.press("Tab")
        else:
            raise AssertionError(f"the keyboard test does not know {f.type}")
        # a date box has three parts: Tab walks through them
        while tab.evaluate("document.activeElement.type") == "date":
            tab.keyboard.press("Tab")
    tab_to(tab, '[data-action="download-docx"]')
    with tab.expect_download() as info:
        tab.keyboard.press("Enter")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    answers = readback.read_form(path, model)
    for key, value in expected.items():
        assert answers[key] == value, (key, answers[key], value)


# -- checks as the participant types -------------------------------------------------------

def spaced(text: str) -> str:
    """Text with French typography's narrow and no-break spaces as plain
    ones, and its apostrophes as straight ones (as the strings are typed)."""
    return re.sub(r"[\s\u202f\u00a0]+", " ", text).strip().replace("’", "'")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_number_out_of_range_and_an_unfinished_date_are_announced(tab, base, model, lang, tmp_path):
    tab.goto(f"{base}{lang}/forms/feedback/", wait_until="networkidle")
    number = tab.locator(control("meeting-number"))
    number.fill("41")
    message = tab.locator("#field-meeting-number-msg")
    tab.wait_for_function("() => document.getElementById('field-meeting-number-msg').textContent !== ''")
    assert spaced(message.inner_text()) == spaced(model.ui("site_fill_too_large", lang).format(max=40))
    assert number.get_attribute("aria-invalid") == "true"
    assert "field-meeting-number-msg" in number.get_attribute("aria-describedby").split()
    tab.wait_for_function("() => document.getElementById('dyade-fill-live').textContent.includes('40')")
    number.fill("3")
    tab.wait_for_function("() => document.getElementById('field-meeting-number-msg').textContent === ''")
    assert number.get_attribute("aria-invalid") is None
    # a date with its year left out
    date = tab.locator(control("meeting-date"))
    date.click()
    tab.keyboard.type("1120")  # month and day of the en-US box, no year
    while tab.evaluate("document.activeElement.type") == "date":  # the year's part, then out of the box
        tab.keyboard.press("Tab")
    assert spaced(tab.inner_text("#field-meeting-date-msg")) == spaced(model.ui("site_fill_not_date", lang))
    assert date.get_attribute("aria-invalid") == "true"
    number.fill("41")
    # the download still works, and says what is left to look at
    with tab.expect_download() as info:
        tab.click('[data-action="download-docx"]')
    info.value.save_as(tmp_path / "f.docx")
    status = tab.inner_text("#dyade-fill-status")
    label = model.find("form", "feedback")
    assert next(f for f in label.input_fields() if f.id == "meeting-number").label[lang][:10] in status, status
    assert re.search(r"\d+ ", status), status


# -- the page itself ---------------------------------------------------------------------------

def test_the_fill_script_is_loaded_on_form_pages_only_and_is_light(built, model):
    site = built / "site"
    for page in site.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        is_form = re.search(r"/forms/[\w-]+/index\.html$", page.as_posix()) is not None
        assert ("dyade-fill.js" in text) == is_form, page
        assert ("fflate.js" in text) == is_form, page
    weight = sum(len(gzip.compress((site / "en" / "assets" / name).read_bytes(), 9))
                 for name in ("dyade-fill.js", "vendor/fflate.js"))
    assert weight <= 150 * 1024, weight


def test_the_vendored_fflate_is_the_npm_package_of_the_lock_file():
    vendored = ROOT / "templates" / "site" / "assets" / "vendor" / "fflate.js"
    installed = ROOT / "node_modules" / "fflate" / "umd" / "index.js"
    assert installed.is_file(), "run `npm ci` at the repository root"
    assert vendored.read_bytes() == installed.read_bytes(), "run `npm run vendor` after changing fflate's version"
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/fflate"]["version"] == package["dependencies"]["fflate"]


def test_the_printed_page_holds_the_answers(tab, base, tmp_path):
    tab.goto(f"{base}en/forms/feedback/", wait_until="networkidle")
    long_answer = "\n".join(f"Observation line {i} kept whole on paper" for i in range(1, 13))
    tab.fill(control("mentee-name"), "Printed Pat")
    tab.fill(control("observations"), long_answer)
    tab.emulate_media(media="print")
    assert not tab.locator('[data-action="download-docx"]').is_visible()
    pdf = tmp_path / "page.pdf"
    tab.pdf(path=str(pdf))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Printed Pat" in text
    assert "Observation line 12 kept whole on paper" in text, "a long answer was cut on paper"
    # in a table, where the columns are narrower on paper than on screen
    tab.emulate_media(media="screen")
    tab.goto(f"{base}en/forms/learning-plan/", wait_until="networkidle")
    objective = "Delegate routine management tasks without checking everything afterwards myself"
    tab.fill(cell("objectives", 1, "objective"), objective)
    tab.select_option(cell("objectives", 1, "capacity"), "conversations")
    tab.emulate_media(media="print")
    tab.pdf(path=str(pdf))
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    for word in objective.split():
        assert word in words, f"{word!r} of a table answer is missing on paper"
    # the choice is printed in its cell, besides the list of choices under the table
    assert words.count("courageous") == 2, words.count("courageous")


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_a_filled_form_fits_the_screen(browser, base, width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 400,
                                  has_touch=width < 400)
    page = context.new_page()
    try:
        page.goto(f"{base}fr/forms/learning-plan/", wait_until="networkidle")
        page.fill(control("mentee-name"), "Alex Tremblay")
        page.fill(control("plan-date"), "2026-10-01")
        page.fill(cell("objectives", 1, "objective"), "Mieux déléguer les tâches de gestion")
        page.select_option(cell("objectives", 1, "capacity"), "resources")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (width, overflow)
        buttons = page.locator(".dyade-fill-buttons .md-button")
        for i in range(buttons.count()):
            box = buttons.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
        # for a person to look at (pytest's temporary folder keeps the last runs)
        page.locator('.dyade-field[data-field="objectives"]').scroll_into_view_if_needed()
        page.screenshot(path=str(tmp_path / f"learning-plan-{width}.png"))
    finally:
        context.close()


def test_libreoffice_opens_the_downloads_and_keeps_every_answer(filled, model, tmp_path):
    """LibreOffice reads each browser-made file as a filled form: the text it
    shows holds the answers, and a copy it saves again as DOCX (which drops
    the tags) reads back with the very same answers."""
    from docx_helpers import convert
    files = sorted(filled["returned"].rglob("*.docx"))
    assert len(files) == len(filled["expected"])
    for lang in model.languages:
        mine = [f for f in files if f.parent.name == lang]
        pdfs = convert(mine, "pdf", tmp_path / "pdf" / lang, tmp_path / "profile")
        resaved = convert(mine, "docx:MS Word 2007 XML", tmp_path / "docx" / lang, tmp_path / "profile")
        for original, pdf, again in zip(mine, pdfs, resaved):
            form_id, _, expected = filled["expected"][f"{lang}/{original.name}"]
            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            assert PEOPLE[lang][0] in text or PEOPLE[lang][1] in text, original.name
            answers = readback.read_form(again, model.find("form", form_id))
            for key, answer in expected.items():
                got = answers[key]
                got = float(got) if type(got).__name__ == "Decimal" else got
                assert without_breaks(got) == without_breaks(answer), (original.name, key, got, answer)


def without_breaks(value):
    """An answer with the line breaks of its texts taken out: LibreOffice
    (7.4) joins the lines of a Word file's plain-text control when it saves
    the file again, a file filled in Word as much as one made here."""
    if isinstance(value, str):
        return value.replace("\n", "")
    if isinstance(value, dict):
        return {k: without_breaks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_breaks(v) for v in value]
    return value
