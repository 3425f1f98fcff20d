"""`build.py check`: every kind of source mistake gets one precise line
`path:line:col: what — how`, exit code 1 and no traceback."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, run_dyade

HOME = """\
intro: {fr: Le programme accompagne les nouvelles directions., en: The programme supports new school leaders.}
audience: {fr: Pour les mentors et les mentorés., en: For mentors and mentees.}
getting_started: {fr: "Remplissez [l'autoévaluation](form:intake).", en: "Fill in [the self-assessment](form:intake)."}
"""
CHAPTER = """\
id: welcome
title: {fr: Bienvenue, en: Welcome}
sections:
  - id: first
    title: {fr: Premiers pas, en: First steps}
    body:
      fr: Lisez le guide de {org}.
      en: Read the {org} guide.
    related: [form:intake]
"""
FORM = """\
id: intake
number: 1
title: {fr: Accueil, en: Intake}
purpose: {fr: Connaître le mentoré., en: Get to know the mentee.}
who: {fr: Le mentoré, en: The mentee}
when: {fr: Avant le jumelage, en: Before matching}
fields:
  - id: name
    type: text
    label: {fr: Nom, en: Name}
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A small valid programme, independent of the bundled content."""
    return make_tiny(tmp_path / "tiny")


def make_tiny(root: Path) -> Path:
    """Write the small valid programme into `root` (a new folder)."""
    (root / "content" / "guide").mkdir(parents=True)
    (root / "content" / "assets").mkdir()
    (root / "forms").mkdir()
    (root / "templates").mkdir()
    shutil.copy(ROOT / "content" / "programme.yml", root / "content" / "programme.yml")
    shutil.copy(ROOT / "content" / "assets" / "logo.png", root / "content" / "assets" / "logo.png")
    shutil.copy(ROOT / "templates" / "strings.yml", root / "templates" / "strings.yml")
    # The bundled calendar names the bundled forms; keep the tiny one self-contained.
    prog = (root / "content" / "programme.yml").read_text(encoding="utf-8")
    prog = prog.split("calendar:")[0] + "calendar: []\n"
    (root / "content" / "programme.yml").write_text(prog, encoding="utf-8")
    write(root, "content/home.yml", HOME)
    write(root, "content/guide/01-welcome.yml", CHAPTER)
    write(root, "forms/1-intake.yml", FORM)
    return root


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def problems(root: Path) -> list[str]:
    result = run_dyade(root, "check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].endswith("nothing was built.")
    return lines[:-1]


def test_tiny_programme_is_valid(tiny):
    result = run_dyade(tiny, "check")
    assert result.returncode == 0, result.stderr
    # The summary is in the programme's first language, French here, where 0 and 1 take the singular.
    assert result.stdout.splitlines()[-1] == ("0 problème : 1 chapitre, 1 formulaire (1 champ), 0 annexe, 0 atelier, "
                                             "0 carte-éclair, 0 terme du glossaire, 0 date du calendrier, "
                                             "en 2 langues (fr, en).")


def test_summary_counts_every_kind_with_english_plurals(tiny):
    prog = tiny / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("languages: [fr, en]", "languages: [en, fr]"),
                    encoding="utf-8")
    write(tiny, "content/glossary.yml", """\
        title: {fr: Glossaire, en: Glossary}
        terms:
          - id: mentee
            term: {fr: Mentoré, en: Mentee}
            definition: {fr: La personne accompagnée., en: The person being supported.}
          - id: mentor
            term: {fr: Mentor, en: Mentor}
            definition: {fr: La personne qui accompagne., en: The person giving support.}
        """)
    write(tiny, "content/flashcards.yml", """\
        title: {fr: Quiz, en: Quiz}
        intro: {fr: Répondez., en: Answer.}
        cards:
          - id: one
            question: {fr: Qui remplit l'accueil ?, en: Who fills in the intake?}
            answer: {fr: Le mentoré., en: The mentee.}
        """)
    result = run_dyade(tiny, "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == ("0 problems: 1 chapter, 1 form (1 field), 0 annexes, 0 workshops, "
                                              "1 flashcard, 2 glossary terms, 0 calendar dates, in 2 languages (en, fr).")


def test_a_count_with_three_forms_is_refused(tiny):
    strings = tiny / "templates" / "strings.yml"
    text = strings.read_text(encoding="utf-8")
    strings.write_text(text.replace('en: "{n} form|{n} forms"', 'en: "{n} form|{n} forms|{n} formz"'), encoding="utf-8")
    [line] = problems(tiny)
    assert "interface text 'count_forms' (en) has 3 forms separated by |, not two" in line
    assert line.startswith("templates/strings.yml:")


def test_svg_logo_without_png_twin_is_a_warning_at_the_logo_key(tiny):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    (tiny / "content" / "assets" / "logo.svg").write_text(svg, encoding="utf-8")
    (tiny / "content" / "assets" / "logo.png").unlink()
    prog = tiny / "content" / "programme.yml"
    text = prog.read_text(encoding="utf-8").replace("assets/logo.png", "assets/logo.svg")
    prog.write_text(text, encoding="utf-8")
    line_no = next(i for i, l in enumerate(text.splitlines(), 1) if "logo: " in l)
    col = text.splitlines()[line_no - 1].index("content/assets/logo.svg") + 1
    result = run_dyade(tiny, "check")
    assert result.returncode == 0, result.stderr  # a warning, not a problem
    assert result.stderr.strip() == (
        f"warning: content/programme.yml:{line_no}:{col}: the logo content/assets/logo.svg is an SVG with no PNG of "
        "the same name beside it, so the DOCX forms will have no logo (Word cannot show an SVG) — export the logo "
        "as a PNG (about 600 pixels wide) and save it as content/assets/logo.png")
    assert result.stdout.splitlines()[-1].startswith("0 problème")
    # With its twin beside it, nothing to say.
    shutil.copy(ROOT / "content" / "assets" / "logo.png", tiny / "content" / "assets" / "logo.png")
    result = run_dyade(tiny, "check")
    assert result.returncode == 0 and result.stderr == ""


def test_check_writes_the_missing_schemas_and_keeps_the_others(tiny):
    assert not (tiny / "schema").exists()
    result = run_dyade(tiny, "check")
    assert result.returncode == 0, result.stderr
    assert "Wrote the missing JSON Schemas into schema/ " in result.stdout
    names = sorted(p.name for p in (tiny / "schema").iterdir())
    assert names == sorted(f"{k}.schema.json" for k in
                           ("programme", "home", "chapter", "form", "annex", "workshop", "flashcards", "glossary",
                            "strings"))
    form = json.loads((tiny / "schema" / "form.schema.json").read_text(encoding="utf-8"))
    assert form["$defs"]["Text"]["required"] == ["fr", "en"]
    (tiny / "schema" / "chapter.schema.json").write_text("{}", encoding="utf-8")  # the coordinator's own: kept
    (tiny / "schema" / "home.schema.json").unlink()
    result = run_dyade(tiny, "check")
    assert "Wrote the missing JSON Schemas into schema/home.schema.json " in result.stdout
    assert (tiny / "schema" / "chapter.schema.json").read_text(encoding="utf-8") == "{}"
    assert (tiny / "schema" / "home.schema.json").is_file()
    assert "Wrote" not in run_dyade(tiny, "check").stdout


def test_yaml_syntax_error(tiny):
    write(tiny, "forms/2-bad.yml", "id: bad\ntitle: {fr: Oui, en: Yes\nnumber: 2\n")
    [line] = problems(tiny)
    # The parser notices on line 3; what needs fixing is the brace opened on line 2.
    assert line.startswith("forms/2-bad.yml:2:8: YAML syntax error: the '{' opened here is not closed, "
                           "or an entry lacks its comma — add '}' at the end")


def test_tab_indentation(tiny):
    write(tiny, "forms/2-bad.yml", "id: bad\ntitle:\n\tfr: Oui\n")
    [line] = problems(tiny)
    assert line.startswith("forms/2-bad.yml:3:1: a tab character is used for indentation — indent with spaces")


def test_wrong_type(tiny):
    write(tiny, "forms/1-intake.yml", FORM.replace("number: 1", "number: one"))
    [line] = problems(tiny)
    assert line == ("forms/1-intake.yml:2:9: 'number' should be a whole number, not 'one' — "
                    "write a number such as 3, without quotes")


def test_unknown_key_suggests_the_close_one(tiny):
    write(tiny, "content/guide/01-welcome.yml", CHAPTER.replace("    title:", "    titel:"))
    lines = problems(tiny)
    assert ("content/guide/01-welcome.yml:5:5: unknown key 'titel' in entry 1 of 'sections' — "
            "did you mean 'title'? Rename it") in lines


def test_unknown_key_without_close_match_lists_allowed_keys(tiny):
    write(tiny, "forms/1-intake.yml", FORM + "colour: red\n")
    [line] = problems(tiny)
    assert line.startswith("forms/1-intake.yml:11:1: unknown key 'colour' in the file — remove it; the keys allowed here are: id, number")


def test_missing_language(tiny):
    write(tiny, "forms/1-intake.yml", FORM.replace("title: {fr: Accueil, en: Intake}", "title: {fr: Accueil}"))
    [line] = problems(tiny)
    assert line == "forms/1-intake.yml:3:8: 'title' has no 'en' text — add a line 'en: …' with the translation"


def test_empty_language(tiny):
    write(tiny, "forms/1-intake.yml", FORM.replace("en: Intake}", "en: ''}"))
    [line] = problems(tiny)
    assert line == "forms/1-intake.yml:3:22: 'title' has an empty 'en' text — write the 'en' text after 'en:'"


def test_untranslated_text(tiny):
    write(tiny, "forms/1-intake.yml", FORM.replace("title: {fr: Accueil, en: Intake}", "title: Accueil"))
    [line] = problems(tiny)
    assert line.startswith("forms/1-intake.yml:3:8: 'title' must be translated, not a single text — give one entry per language")


def test_duplicate_form_id(tiny):
    write(tiny, "forms/2-copy.yml", FORM.replace("number: 1", "number: 2"))
    [line] = problems(tiny)
    assert line == ("forms/2-copy.yml:1:1: duplicate form id 'intake' (also used at forms/1-intake.yml:1:1) — "
                    "give each a different id")


def test_duplicate_field_id(tiny):
    write(tiny, "forms/1-intake.yml", FORM + "  - id: name\n    type: date\n    label: {fr: Date, en: Date}\n")
    [line] = problems(tiny)
    assert line.startswith("forms/1-intake.yml:11:5: duplicate field id 'name' (also used at forms/1-intake.yml:8:5)")


def test_unknown_field_type(tiny):
    write(tiny, "forms/1-intake.yml", FORM.replace("type: text", "type: texte"))
    [line] = problems(tiny)
    assert line.startswith("forms/1-intake.yml:9:11: unknown field type 'texte' — use one of: text, long_text")
    assert line.endswith("did you mean 'text'?")


def test_dangling_cross_reference_in_markdown(tiny):
    write(tiny, "content/guide/01-welcome.yml", CHAPTER.replace("Lisez le guide de {org}.", "Voir [le plan](form:plan)."))
    [line] = problems(tiny)
    assert line == ("content/guide/01-welcome.yml:7:26: link to form 'plan', which does not exist — "
                    "use the id of an existing form")


def test_dangling_related_reference_suggests(tiny):
    write(tiny, "content/guide/01-welcome.yml", CHAPTER.replace("related: [form:intake]", "related: [form:intak]"))
    [line] = problems(tiny)
    assert line.startswith("content/guide/01-welcome.yml:9:15: link to form 'intak', which does not exist")
    assert line.endswith("did you mean 'intake'?")


def test_a_refused_file_still_has_its_links_and_placeholders_checked(tiny):
    # One run of `check` lists the unknown key and the mistakes in the texts
    # beside it, so the coordinator does not fix them in rounds.
    write(tiny, "content/guide/01-welcome.yml",
          CHAPTER.replace("id: welcome\n", "id: welcome\nsumary: oops\n")
          .replace("Read the {org} guide.", "Read the {orgs} [form](form:intak)."))
    lines = problems(tiny)
    assert len(lines) == 3, lines
    assert lines[0].startswith("content/guide/01-welcome.yml:2:1: unknown key 'sumary'")
    assert lines[1].startswith("content/guide/01-welcome.yml:9:20: unknown placeholder {orgs}")
    assert lines[2].startswith("content/guide/01-welcome.yml:9:34: link to form 'intak', which does not exist")


def test_unknown_placeholder(tiny):
    write(tiny, "content/guide/01-welcome.yml", CHAPTER.replace("Read the {org} guide.", "Read the {orgs} guide."))
    [line] = problems(tiny)
    assert line.startswith("content/guide/01-welcome.yml:8:20: unknown placeholder {orgs} — use one of {org}")


def test_missing_asset(tiny):
    prog = tiny / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("content/assets/logo.png", "content/assets/logo2.png"), encoding="utf-8")
    [line] = problems(tiny)
    assert line.startswith("content/programme.yml:11:9: 'logo' 'content/assets/logo2.png' does not exist")


def test_asset_outside_the_project(tiny):
    prog = tiny / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("content/assets/logo.png", "../../etc/passwd"), encoding="utf-8")
    [line] = problems(tiny)
    assert "points outside the project folder — copy the file into the project" in line
    assert line.startswith("content/programme.yml:11:9:")


def test_non_utf8_file(tiny):
    (tiny / "forms" / "1-intake.yml").write_bytes(FORM.replace("Accueil", "Acc\xe9").encode("latin-1"))
    [line] = problems(tiny)
    assert line == "forms/1-intake.yml:3:16: the file is not UTF-8 (byte 0xe9) — save it again with the UTF-8 encoding"


def test_yaml_alias_is_refused(tiny):
    write(tiny, "forms/1-intake.yml", FORM.replace("who: {fr: Le mentoré, en: The mentee}", "who: &w {fr: Le mentoré, en: The mentee}")
          .replace("when: {fr: Avant le jumelage, en: Before matching}", "when: *w"))
    [line] = problems(tiny)
    assert line.startswith("forms/1-intake.yml:6:7: YAML aliases (*name) are not allowed")


def test_every_problem_is_reported_not_just_the_first(tiny):
    write(tiny, "forms/1-intake.yml", FORM.replace("number: 1", "number: one").replace("type: text", "type: texte"))
    write(tiny, "content/guide/01-welcome.yml", CHAPTER.replace("id: welcome", "id: Welcome!"))
    lines = problems(tiny)
    assert len(lines) == 3
    assert [l.split(":")[0] for l in lines] == ["content/guide/01-welcome.yml", "forms/1-intake.yml", "forms/1-intake.yml"]


def test_missing_programme_file(tiny):
    (tiny / "content" / "programme.yml").unlink()
    [line] = problems(tiny)
    assert line.startswith("content/programme.yml:1:1: the programme file is missing — create content/programme.yml")


def test_language_not_declared(tiny):
    write(tiny, "forms/1-intake.yml", FORM.replace("en: Intake}", "en: Intake, de: Aufnahme}"))
    [line] = problems(tiny)
    assert line.startswith("forms/1-intake.yml:3:34: 'title' has a text in 'de', a language this programme does not declare")


def test_adding_a_language_requires_every_translation(tiny):
    prog = tiny / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("languages: [fr, en]", "languages: [fr, en, es]"), encoding="utf-8")
    lines = problems(tiny)
    assert any(l.startswith("forms/1-intake.yml:3:8: 'title' has no 'es' text") for l in lines)
    # Dyade ships Spanish interface strings: only the programme's own texts lack it.
    assert not any(l.startswith("templates/strings.yml:") for l in lines)
    prog.write_text(prog.read_text(encoding="utf-8").replace("languages: [fr, en, es]", "languages: [fr, en, nl]"),
                    encoding="utf-8")
    assert any(l.startswith("templates/strings.yml:") and "no 'nl' text" in l for l in problems(tiny))


def test_bundled_programme_has_no_problems():
    result = run_dyade(ROOT, "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("0 problème : 18 chapitres")


def test_committed_schema_matches_the_model(tmp_path):
    from dyade import schema
    for kind, generated in schema.schemas(["fr", "en"]).items():
        committed = json.loads((ROOT / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert committed == generated, f"schema/{kind}.schema.json is stale: run `python build.py schema`"


def test_bundled_sources_satisfy_the_schema_and_point_to_it():
    jsonschema = pytest.importorskip("jsonschema") if False else __import__("jsonschema")
    from ruamel.yaml import YAML
    from dyade import schema, sources
    kinds = {k: v for k, v in schema.schemas(["fr", "en"]).items()}
    checked = 0
    for kind, paths in sources.source_files(ROOT).items():
        for path in paths:
            text = path.read_text(encoding="utf-8")
            first = text.splitlines()[0]
            rel = Path(first.split("$schema=")[1])
            assert first.startswith("# yaml-language-server: $schema="), path
            assert (path.parent / rel).resolve() == (ROOT / "schema" / f"{kind}.schema.json").resolve(), path
            data = json.loads(json.dumps(YAML(typ="safe", pure=True).load(text), default=str))
            jsonschema.validate(data, kinds[kind])
            checked += 1
    assert checked >= 3


def test_schema_rejects_what_the_reader_rejects():
    import jsonschema
    from dyade import schema
    form_schema = schema.schemas(["fr", "en"])["form"]
    bad = {"id": "x", "number": 1, "title": {"fr": "a"}, "purpose": {"fr": "a", "en": "b"},
           "who": {"fr": "a", "en": "b"}, "when": {"fr": "a", "en": "b"}, "fields": [{"id": "a", "type": "texte", "label": {"fr": "a", "en": "b"}}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, form_schema)


def _drop_string(root: Path, key: str) -> None:
    path = root / "templates" / "strings.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(f"{key}:")]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")


def test_project_strings_from_an_older_dyade_are_completed_from_the_bundled_ones(tiny):
    _drop_string(tiny, "first_day")
    result = run_dyade(tiny, "check")
    assert result.returncode == 0, result.stderr
    from dyade import sources
    assert sources.load(tiny).ui("first_day", "fr") == "1er"


def test_a_string_missing_everywhere_names_the_key_and_the_fix(tiny, tmp_path, monkeypatch):
    from dyade import sources
    from dyade.errors import SourceErrors
    from dyade.sources import strings

    _drop_string(tiny, "first_day")
    bundled = tmp_path / "strings.yml"
    bundled.write_text('first_day: {fr: 1er}\n', encoding="utf-8")
    monkeypatch.setattr(strings, "BUNDLED_STRINGS", bundled)
    with pytest.raises(SourceErrors) as caught:
        sources.load(tiny)
    lines = (tiny / "templates" / "strings.yml").read_text(encoding="utf-8").count("\n")
    assert [str(p) for p in caught.value.problems] == [
        f"templates/strings.yml:{lines + 1}:1: the interface text 'first_day' is missing in en — add a line "
        "'first_day: {…}' with its text in every language (Dyade's own templates/strings.yml has the French "
        "and English to start from)"]


def test_removing_a_language_needs_no_change_to_the_interface_strings(tiny):
    # The bundled strings.yml has French and English whatever the programme uses:
    # only the programme's own texts must lose their English.
    prog = tiny / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("languages: [fr, en]", "languages: [fr]"), encoding="utf-8")
    lines = problems(tiny)
    assert lines and not [l for l in lines if l.startswith("templates/strings.yml")]
    assert all("has a text in 'en', a language this programme does not declare" in l for l in lines)


def test_a_new_language_is_asked_once_per_interface_text(tiny):
    prog = tiny / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("languages: [fr, en]", "languages: [fr, en, nl]"), encoding="utf-8")
    strings = [l for l in problems(tiny) if l.startswith("templates/strings.yml")]
    keys = [l.split("interface text ")[1].split()[0] for l in strings]
    assert len(keys) == len(set(keys)) > 50
    assert any(l.startswith("templates/strings.yml:5:7: interface text 'form' has no 'nl' text") for l in strings)
