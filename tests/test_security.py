"""Issue 13: no value of the sources can run on the site, every check
matches the whole value, and hostile returned files never hang.

The payloads of every free text are built and loaded in Chromium by
tests/test_payloads.py, and each refusal has its corpus case in
tests/corpus/ (91-111) or in tests/test_corpus.py (logos, file names); here:
the values with a grammar, refused by `check` at their position; the links
of a text; the grammars themselves; the site's escaping even for a value
that `check` would refuse; returned files that are not files.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from dyade import safety, sources
from dyade.errors import SourceErrors
from test_check import make_tiny

PROGRAMME = "content/programme.yml"
CHAPTER = "content/guide/01-welcome.yml"
FORM = "forms/1-intake.yml"
SCRIPT = '"><script>alert(1)</script>'


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_tiny(tmp_path_factory.mktemp("security") / "tiny")


@pytest.fixture
def tiny(pristine, tmp_path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "tiny"))


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (rel, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(SourceErrors) as caught:
        sources.load(root)
    return [str(p) for p in caught.value.problems]


def line_of(root: Path, rel: str, old: str) -> int:
    """The line `old` stands on, so that a test does not break when the tiny
    programme gains a line above it."""
    text = (root / rel).read_text(encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1


def yaml_quoted(text: str) -> str:
    import json
    return json.dumps(text)


# -- every programme.yml scalar with a grammar, and every kind of id -------------------

HOSTILE_SCALARS = [
    # (file, old, new value, column of the value, what); the line is where `old` stands
    (PROGRAMME, "website: https://example.org/", "javascript:alert(1)", 12, "is not a web address"),
    (PROGRAMME, "website: https://example.org/", "data:text/html,<script>alert(1)</script>", 12, "is not a web address"),
    (PROGRAMME, "website: https://example.org/", "https://example.org/" + SCRIPT, 12, "is not a web address"),
    (PROGRAMME, "website: https://example.org/", "https://example.org/\n", 12, "is not a web address"),
    (PROGRAMME, "website: https://example.org/", "https://exa mple.org/", 12, "is not a web address"),
    (PROGRAMME, 'primary: "#1d4e6e"', "#1d4e6e;}</style><script>alert(1)</script>", 12, "is not a colour"),
    (PROGRAMME, 'accent: "#a3442a"', "#a3442a\n", 11, "is not a colour"),
    (PROGRAMME, "email: mentorat@example.org", '"><svg/onload=alert(1)>@example.org', 10, "is not an email address"),
    (PROGRAMME, "email: mentorat@example.org", "mentorat@example.org\n", 10, "is not an email address"),
    (PROGRAMME, "email: mentorat@example.org", "<mentorat@example.org>", 10, "is not an email address"),
    (PROGRAMME, "email: mentorat@example.org", "a@example.org?bcc=b@example.org", 10, "is not an email address"),
    (PROGRAMME, "phone: 613-555-0147", "<b>613</b>", 10, "is not a telephone number"),
    (PROGRAMME, "phone: 613-555-0147", "613-555-0147\n", 10, "is not a telephone number"),
    (PROGRAMME, "phone: 613-555-0147", "javascript:alert(1)", 10, "is not a telephone number"),
    (PROGRAMME, "languages: [fr, en]", "en\n", 17, "is not a language code"),
    (PROGRAMME, "languages: [fr, en]", "en><script>", 17, "is not a language code"),
    (PROGRAMME, "page_size: letter", "letter\n", 12, "is not allowed"),
    (CHAPTER, "id: welcome", "welcome\n", 5, "is not a valid identifier"),
    (CHAPTER, "id: welcome", "w" * 65, 5, "is 65 characters long"),
    (CHAPTER, "id: welcome", "aux", 5, "is a name Windows reserves"),
    (CHAPTER, "id: welcome", "lpt1", 5, "is a name Windows reserves"),
    (CHAPTER, "  - id: first", "first\n", 9, "is not a valid identifier"),
    (FORM, "id: intake", "intake\n", 5, "is not a valid identifier"),
    (FORM, "  - id: name", "name" + SCRIPT, 9, "is not a valid identifier"),
    (FORM, "  - id: name", "com9", 9, "is a name Windows reserves"),
]


@pytest.mark.parametrize("rel, old, value, column, what", HOSTILE_SCALARS,
                         ids=[f"{rel.split('/')[-1]}-{old.split(':')[0].strip(' -')}-{i}"
                              for i, (rel, old, *_) in enumerate(HOSTILE_SCALARS)])
def test_hostile_scalar_is_refused(tiny, rel, old, value, column, what):
    key = old.split(":")[0]
    where = f"{line_of(tiny, rel, old)}:{column}"
    if old == "languages: [fr, en]":
        new = f"languages: [fr, {yaml_quoted(value)}]"
    else:
        new = f"{key}: {yaml_quoted(value)}"
    edit(tiny, rel, old, new)
    found = problems(tiny)
    assert any(p.startswith(f"{rel}:{where}: ") and what in p for p in found), found


def test_site_url_with_markup_is_refused(tiny):
    line = line_of(tiny, PROGRAMME, "page_size: letter") + 1
    edit(tiny, PROGRAMME, "page_size: letter", f"page_size: letter\nsite_url: {yaml_quoted('https://example.org/x' + SCRIPT + '/')}")
    [problem] = problems(tiny)
    assert problem.startswith(f"{PROGRAMME}:{line}:11: 'site_url' ") and "is not a web address" in problem


@pytest.mark.parametrize("value", ["https://example.org/", "http://example.org", "https://mentorat.example.org:8443/fr/",
                                   "https://réseau.example/équipe/?page=1&lang=fr#top"])
def test_plain_web_addresses_are_accepted(tiny, value):
    edit(tiny, PROGRAMME, "website: https://example.org/", f"website: {value}")
    edit(tiny, PROGRAMME, "page_size: letter", f"page_size: letter\nsite_url: {value}")
    sources.load(tiny)


# -- links and images in texts -----------------------------------------------------------

HOSTILE_LINKS = [
    ("[click me](javascript:alert(1))", "javascript:"),
    ("[x](JaVaScRiPt:alert(1))", "javascript:"),
    ("[y](jav&#97;script:alert(1))", "javascript:"),
    ("[y](java&Tab;script:alert(1))", "javascript:"),
    ("[z](<javascript:alert(1)>)", "javascript:"),
    ("[d](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ("[v](vbscript:msgbox)", "vbscript:"),
    ("[f](file:///etc/passwd)", "file:"),
    ("[t](tel:+16135550147)", "tel:"),
]


@pytest.mark.parametrize("link, scheme", HOSTILE_LINKS, ids=[link.split("(")[1][:12] for link, _ in HOSTILE_LINKS])
def test_hostile_link_is_refused(tiny, link, scheme):
    edit(tiny, CHAPTER, "en: Read the {org} guide.", f"en: {yaml_quoted('Read ' + link + '.')}")
    found = problems(tiny)
    target_col = 12 + len("Read ") + link.index("(") + 1
    assert any(p.startswith(f"{CHAPTER}:8:{target_col}: ") and f"is a {scheme!r} address" in p for p in found), found


def test_reference_definition_to_javascript_is_refused(tiny):
    edit(tiny, CHAPTER, "      en: Read the {org} guide.\n", "      en: |\n        Read [r][evil].\n\n"
         "        [evil]: javascript:alert(1)\n")
    found = problems(tiny)
    assert any(p.startswith(f"{CHAPTER}:11:17: ") and "is a 'javascript:' address" in p for p in found), found


@pytest.mark.parametrize("target, what", [
    ("https://example.org/a page", None),  # Markdown ends the target at the space: a plain address
    ('https://ex"ample.org/', "is not a whole web address"),
    ("https://", "is not a whole web address"),
    ("mailto:a@b.org?bcc=<x>", None),
    ("mailto:<x>@example.org", "is not a mailto: link to one e-mail address"),
])
def test_web_links_must_be_whole_addresses(tiny, target, what):
    edit(tiny, CHAPTER, "en: Read the {org} guide.", f"en: {yaml_quoted('Read [it](' + target + ').')}")
    if what is None:
        sources.load(tiny)
        return
    found = problems(tiny)
    assert any(p.startswith(f"{CHAPTER}:8:22: ") and what in p for p in found), found


@pytest.mark.parametrize("image", ["![x](https://evil.example/track.png)", "![x](logo.png)", "![x][r]"])
def test_images_in_texts_are_refused(tiny, image):
    edit(tiny, CHAPTER, "en: Read the {org} guide.", f"en: {yaml_quoted('Read ' + image + ' now.')}")
    [problem] = problems(tiny)
    assert problem.startswith(f"{CHAPTER}:8:17: texts cannot hold images ({image!r})"), problem


# -- placeholders ---------------------------------------------------------------------

def test_doubled_braces_are_printed_as_one(tiny):
    edit(tiny, CHAPTER, "en: Read the {org} guide.", "en: Read the {org} guide {{org}} }}.")
    model = sources.load(tiny)
    body = model.chapters[0].sections[0].body["en"]
    assert body == "Read the Francophone School Leaders Network guide {org} }."


@pytest.mark.parametrize("written", ["{org", "{org[0]}", "{org:>99999999}", "{org.__class__}", "{org!r}", "}", "{}"])
def test_malformed_placeholder_is_refused(tiny, written):
    edit(tiny, CHAPTER, "en: Read the {org} guide.", f"en: {yaml_quoted('Read the ' + written + ' guide.')}")
    [problem] = problems(tiny)
    assert problem.startswith(f"{CHAPTER}:8:21: ") and "is not a placeholder" in problem, problem


@pytest.mark.parametrize("written", ["{n:>999999999}", "{n!r}", "{n.__class__}", "{n[0]}", "{n"])
def test_malformed_placeholder_in_strings_is_refused(tiny, written):
    edit(tiny, "templates/strings.yml", 'site_size_kb: {fr: "{n} ko"', f'site_size_kb: {{fr: "{written} ko"')
    [problem] = problems(tiny)
    assert problem.startswith("templates/strings.yml:82:21: interface text 'site_size_kb' (fr) has "), problem


def test_strings_without_placeholders_take_doubled_braces(tiny):
    edit(tiny, "templates/strings.yml", "home: {fr: Accueil,", 'home: {fr: "Accueil {{x}}",')
    assert sources.load(tiny).strings["home"]["fr"] == "Accueil {x}"
    edit(tiny, "templates/strings.yml", 'home: {fr: "Accueil {{x}}",', 'home: {fr: "Accueil {org}",')
    [problem] = problems(tiny)
    assert problem.startswith("templates/strings.yml:15:21: unknown placeholder {org} in interface text 'home' (fr)")


# -- YAML tags, bidirectional controls ------------------------------------------------

@pytest.mark.parametrize("tag", ["!include /etc/passwd", "!!binary aGk=", "!!str text", "!!python/object:os.system x",
                                 "! text", "!<tag:yaml.org,2002:str> text"])
def test_yaml_tags_are_refused(tiny, tag):
    edit(tiny, CHAPTER, "en: Read the {org} guide.", f"en: {tag}")
    [problem] = problems(tiny)
    assert problem.startswith(f"{CHAPTER}:8:11: YAML tags such as ") and "remove the tag" in problem, problem


@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"])
def test_bidirectional_controls_are_refused(tiny, char):
    edit(tiny, CHAPTER, "en: Read the {org} guide.", f"en: {yaml_quoted('Read the ' + char + 'guide.')}")
    [problem] = problems(tiny)
    assert problem.startswith(f"{CHAPTER}:8:21: 'body' (en) contains an invisible ") and f"U+{ord(char):04X}" in problem


def test_bidirectional_control_in_a_plain_scalar_is_refused(tiny):
    line = line_of(tiny, PROGRAMME, "name: Mireille Gagnon")
    edit(tiny, PROGRAMME, "name: Mireille Gagnon", "name: \"Mireille \\u202eGagnon\"")
    [problem] = problems(tiny)
    assert problem.startswith(f"{PROGRAMME}:{line}:19: 'name' contains an invisible right-to-left override"), problem


# -- the grammars themselves ----------------------------------------------------------------

@pytest.mark.parametrize("pattern, good", [
    (safety.IDENT, "learning-plan"), (safety.COLOUR, "#1d4e6e"), (safety.LANG, "fr"),
    (safety.EMAIL, "mentorat@example.org"), (safety.WEB, "https://example.org/mentoring/"),
    (safety.PHONE, "613-555-0147"), (sources.REF_RE, "form:feedback"),
])
def test_every_grammar_matches_whole_values_only(pattern, good):
    assert pattern.fullmatch(good)
    for bad in (good + "\n", good + " ", " " + good, good + "\x00", good + '"', good + "<"):
        assert not pattern.fullmatch(bad), repr(bad)
    import re
    assert re.search(safety.anchored(pattern), good)
    assert not re.search(safety.anchored(pattern), "x" + good + "\n<")


# -- the site escapes even what check would refuse -------------------------------------

def test_site_escapes_values_that_check_would_refuse(model, tmp_path):
    """Defence in depth: with check bypassed, markup in the e-mail, the
    coordinator's name and site_url still reaches the pages as text."""
    import copy
    import json

    from dyade.writers import site
    hostile = copy.deepcopy(model)
    prog = hostile.programme
    prog.coordinator = dataclasses.replace(prog.coordinator, name="<svg/onload=alert(1)>",
                                           email='"><svg/onload=alert(2)>@example.org')
    prog.site_url = "https://example.org/x" + SCRIPT + "/"
    form = hostile.forms[0]
    docs = tmp_path / "docs"
    site._write_pages(hostile, "en", site.jinja_env(site.PACKAGE_ROOT / "templates" / "site"), docs, {})
    page = (docs / f"forms/{form.id}.md").read_text(encoding="utf-8")
    assert "<svg" not in page and "&lt;svg/onload=alert(1)>" in page and "&lt;svg/onload=alert(2)>" in page
    config = site._write_config(hostile, "en", tmp_path / "work", docs, tmp_path / "out",
                                site.PACKAGE_ROOT / "mkdocs.yml", site.PACKAGE_ROOT / "templates" / "site" / "overrides")
    url = json.loads(config.read_text(encoding="utf-8"))["site_url"]
    assert not set(url) & set("\"'<> ") and url.startswith("https://example.org/x%22%3E%3Cscript%3E")


def test_templates_render_with_escaping_on():
    from markupsafe import Markup

    from dyade.writers import site
    templates = site.PACKAGE_ROOT / "templates" / "site"
    env = site.jinja_env(templates)
    assert env.autoescape is True
    # A Markdown page (every template but *.html.j2): a value is Markdown text.
    assert env.from_string("{{ v }}").render(v="<b>*x*</b> [a](b)") == "&lt;b>\\*x\\*&lt;/b> \\[a\\](b)"
    # Raw only where a helper marks it so (each says why).
    assert env.from_string("{{ v }}").render(v=Markup("<b>")) == "<b>"
    for path in [*templates.rglob("*.j2"), *templates.rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", "") and "autoescape false" not in text, path


# -- returned files that are not files ----------------------------------------------------

def read_at_once(path: Path) -> str:
    """The UnreadableForm message read_form gives for `path`, within a second."""
    from dyade.readback import UnreadableForm, read_form
    outcome: list = []

    def run():
        try:
            read_form(path)
            outcome.append("read")
        except UnreadableForm as exc:
            outcome.append(str(exc))
        except BaseException as exc:  # anything else is a failure of the test
            outcome.append(exc)

    start = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(5)
    elapsed = time.monotonic() - start
    assert outcome, f"read_form({path.name}) hangs"
    assert elapsed < 1, f"read_form({path.name}) took {elapsed:.1f} s"
    assert isinstance(outcome[0], str) and outcome[0] != "read", outcome
    return outcome[0]


def test_fifo_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "form.docx")
    assert read_at_once(tmp_path / "form.docx") == ("form.docx is a pipe (FIFO), not an ordinary file: "
                                                    "give the path of the returned .docx file itself")


def test_folder_is_refused_at_once(tmp_path):
    (tmp_path / "form.docx").mkdir()
    assert read_at_once(tmp_path / "form.docx").startswith("form.docx is a folder, not a file")


def test_socket_is_refused_at_once(tmp_path):
    path = tmp_path / "form.docx"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        server.listen()
        assert read_at_once(path).startswith("form.docx is a socket, not an ordinary file")
    finally:
        server.close()


def test_device_is_refused_at_once(tmp_path):
    os.symlink("/dev/zero", tmp_path / "form.docx")
    assert read_at_once(tmp_path / "form.docx").startswith("form.docx is a device, not an ordinary file")
