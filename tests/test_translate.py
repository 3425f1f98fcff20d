"""`dyade translate` (issue 18, item 6): the texts go out as XLIFF 1.2 and
come back into the YAML, changing only the lines translated; translate-toolkit
reads the file; a hostile or broken file is refused in one line per problem
and leaves the sources as they were; ids survive an inserted text."""
from __future__ import annotations

import difflib
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from conftest import ROOT

NS = "urn:oasis:names:tc:xliff:document:1.2"
MARK = "Übersetzt: "
LINE = re.compile(r"^(?P<file>[^:]+):\d+:\d+: .+ — .+$")


def dyade(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL)


def new_project(where: Path, languages: str = "en,fr") -> Path:
    made = dyade(where, "new", "programme", "--name", "Northside General Hospital", "--short-name", "NGH",
                 "--languages", languages)
    assert made.returncode == 0, made.stdout + made.stderr
    return where / "programme"


def sources_of(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for part in ("content", "forms", "templates") for p in sorted((root / part).rglob("*.yml"))}


def digest(root: Path) -> str:
    return hashlib.sha256(repr(sorted(sources_of(root).items())).encode()).hexdigest()


def fill(exported: Path, filled: Path, text=lambda unit_id, source: MARK + source) -> int:
    """Every unit translated by a script, as a translation tool would: the
    interface strings Dyade ships kept, the others copied (their grammar is
    the source's), the rest marked."""
    tree = etree.parse(str(exported))
    n = 0
    for tu in tree.iter(f"{{{NS}}}trans-unit"):
        source = tu.find(f"{{{NS}}}source")
        target = tu.find(f"{{{NS}}}target")
        if target is None:
            target = etree.Element(f"{{{NS}}}target")
            source.addnext(target)
        unit_id = tu.get("id")
        if unit_id.startswith("templates/"):
            target.text = target.text or source.text
        else:
            target.text = text(unit_id, source.text)
        target.set("state", "translated")
        n += 1
    tree.write(str(filled), xml_declaration=True, encoding="UTF-8")
    return n


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A new project (en, fr), its German export and that export filled in."""
    root = new_project(tmp_path_factory.mktemp("translate"))
    out = dyade(root, "translate", "export", "--lang", "de")
    assert out.returncode == 0, out.stdout + out.stderr
    xlf = root / "translations" / "de.xlf"
    filled = root.parent / "de-filled.xlf"
    fill(xlf, filled)
    return root, xlf, filled


def test_round_trip_new_language_checks_builds_and_changes_only_the_translated_lines(exported, tmp_path):
    import shutil
    original, xlf, filled = exported
    root = tmp_path / "programme"
    shutil.copytree(original, root)
    before = sources_of(root)

    imported = dyade(root, "translate", "import", str(filled))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    every = etree.parse(str(filled)).findall(f".//{{{NS}}}trans-unit")
    units = len(every)
    # Dyade's shipped German interface texts, kept as they were, need no line of the project's.
    own = sum(not tu.get("id").startswith("templates/") for tu in every)
    assert f"Imported {own} translations into de" in imported.stdout
    assert "Added de to 'languages' in content/programme.yml" in imported.stdout
    assert "Added the name's form the under organisation: name_forms: de: in content/programme.yml" \
        in imported.stdout

    checked = dyade(root, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "in 3 languages (en, fr, de)" in checked.stdout

    after = sources_of(root)
    assert set(after) == set(before)
    for rel in before:
        old, new = before[rel].splitlines(), after[rel].splitlines()
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            if rel == "content/programme.yml" and old[i1:i2] == ["languages: [en, fr]"]:
                assert new[j1:j2] == ["languages: [en, fr, de]"]
                continue
            if rel == "content/programme.yml" and new[j1:j2][:1] == ["    de:"]:
                # the name's forms the German texts write ({org:The}), in English until the coordinator writes them
                assert op == "insert" and new[j1 + 1:j2] == [
                    "      the: the Northside General Hospital  # to translate: the name as de sentences write "
                    "{org:the}"], new[j1:j2]
                continue
            if op == "replace" and rel == "templates/strings.yml":
                # a one-line entry {en: …, fr: …} gains ", de: …" and nothing else changes
                assert i2 - i1 == j2 - j1, (rel, old[i1:i2], new[j1:j2])
                for a, b in zip(old[i1:i2], new[j1:j2]):
                    assert b.startswith(a.rstrip("}")) and ", de: " in b, (rel, a, b)
                continue
            assert op == "insert", (rel, op, old[i1:i2], new[j1:j2])  # no line of the sources is rewritten
            added = new[j1:j2]
            indent = len(added[0]) - len(added[0].lstrip())
            assert added[0].lstrip().startswith("de: "), (rel, added)
            for line in added[1:]:  # the rest of a | block, or the next added text
                assert not line.strip() or line.lstrip().startswith("de: ") or len(line) - len(line.lstrip()) > indent

    built = dyade(root, "--quiet")
    assert built.returncode == 0, built.stdout + built.stderr
    home = (root / "site" / "de" / "index.html").read_text(encoding="utf-8")
    assert MARK + "Mentoring programme" in home
    form = next((root / "site" / "de" / "forms").glob("*/index.html")).read_text(encoding="utf-8")
    assert form.count(MARK) > 5  # title, labels, help, options
    assert (root / "dist" / "de" / "guide.pdf").is_file()

    # Exported again, every text is there, translated; imported again, nothing changes.
    again = dyade(root, "translate", "export", "--lang", "de", "--out", str(tmp_path / "again.xlf"))
    assert again.returncode == 0, again.stderr
    assert f"{units} texts from en to de, {units} already translated, 0 to translate" in again.stdout
    same = dyade(root, "translate", "import", str(tmp_path / "again.xlf"))
    assert same.returncode == 0 and "Imported 0 translations" in same.stdout, same.stdout + same.stderr
    assert sources_of(root) == after


def test_translate_toolkit_reads_the_export_and_converts_it_to_po(exported, tmp_path):
    from translate.storage import factory

    root, xlf, filled = exported
    store = factory.getobject(str(xlf))
    units = [u for u in store.units if not u.isheader()]
    ours = etree.parse(str(xlf)).findall(f".//{{{NS}}}trans-unit")
    assert len(units) == len(ours) > 200
    by_id = {u.getid().split("\x04")[-1]: u for u in units}
    title = by_id["content/programme.yml#title"]
    assert title.source == "Mentoring programme"
    assert not title.istranslated()
    assert any("content/programme.yml" in loc for loc in title.getlocations())
    assert "programme's settings" in title.getnotes()
    assert any(u.getid().split("\x04")[-1].startswith("templates/strings.yml#") for u in units)
    assert any("Markdown" in u.getnotes() for u in units)

    translated = [u for u in factory.getobject(str(filled)).units if not u.isheader()]
    assert all(u.target.startswith(MARK) or u.getid().split("\x04")[-1].startswith("templates/") for u in translated)
    # What the sources already have in a language goes out as its approved translation.
    french = dyade(root, "translate", "export", "--lang", "fr", "--out", str(tmp_path / "fr.xlf"))
    assert french.returncode == 0, french.stderr
    units = [u for u in factory.getobject(str(tmp_path / "fr.xlf")).units if not u.isheader()]
    assert len(units) == len(ours) and all(u.istranslated() for u in units)
    assert {u.getid().split("\x04")[-1]: u.target for u in units}["content/programme.yml#title"] == \
        "Programme de mentorat"

    po = tmp_path / "de.po"
    converted = subprocess.run([str(Path(sys.executable).parent / "xliff2po"), str(filled), str(po)],
                               capture_output=True, text=True, timeout=120)
    assert converted.returncode == 0, converted.stdout + converted.stderr
    text = po.read_text(encoding="utf-8")
    content = sum(not tu.get("id").startswith("templates/") for tu in ours)
    assert text.count(MARK) == content > 50 and "#: content/programme.yml:" in text  # every target, its place


def test_existing_translations_are_exported_and_a_to_translate_mark_goes_with_its_translation(tmp_path):
    root = new_project(tmp_path, "en,fr,nl")  # nl: Dyade ships no interface text, English marked '# to translate'
    out = dyade(root, "translate", "export", "--lang", "nl")
    assert out.returncode == 0, out.stderr
    tree = etree.parse(str(root / "translations" / "nl.xlf"))
    states = {tu.get("id"): tu.find(f"{{{NS}}}target").get("state") for tu in tree.iter(f"{{{NS}}}trans-unit")}
    assert states["templates/strings.yml#form"] == "needs-translation"  # the English placeholder
    assert states["templates/strings.yml#language_name"] == "translated"  # a fact: Nederlands
    form = tree.find(f".//{{{NS}}}trans-unit[@id='templates/strings.yml#form']/{{{NS}}}target")
    form.text, form.attrib["state"] = "Formulier", "translated"
    tree.write(str(tmp_path / "nl.xlf"), xml_declaration=True, encoding="UTF-8")
    imported = dyade(root, "translate", "import", str(tmp_path / "nl.xlf"))
    assert imported.returncode == 0 and "Imported 1 translation into nl" in imported.stdout, imported.stderr
    strings = (root / "templates" / "strings.yml").read_text(encoding="utf-8")
    assert "  nl: Formulier\n" in strings and "  nl: Annex  # to translate (English)\n" in strings


def _unit_text(xlf: Path, unit_id: str, text: str, out: Path, **attrs) -> Path:
    tree = etree.parse(str(xlf))
    tu = tree.find(f".//{{{NS}}}trans-unit[@id='{unit_id}']")
    target = tu.find(f"{{{NS}}}target")
    if text is None:
        tu.remove(target)
    else:
        target.text = text
    for key, value in attrs.items():
        (target if key == "state" else tu).set(key, value)
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


def _replace(path: Path, old: str, new: str, out: Path) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    out.write_text(text.replace(old, new, 1), encoding="utf-8")
    return out


BAD = {
    "malformed": lambda xlf, out: out.write_bytes(xlf.read_bytes()[:5000]) and out,
    "external entity": lambda xlf, out: _replace(
        _replace(xlf, "<xliff ", '<!DOCTYPE xliff [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<xliff ', out),
        "Übersetzt: Mentoring programme<", "&e;<", out),
    "billion laughs": lambda xlf, out: _replace(
        _replace(xlf, "<xliff ", '<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa">'
                 + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
                 + "]>\n<xliff ", out), "Übersetzt: Mentoring programme<", "&i;<", out),
    "unknown id": lambda xlf, out: _replace(xlf, 'id="content/programme.yml#title"',
                                            'id="content/programme.yml#tilte"', out),
    "final without target": lambda xlf, out: _unit_text(xlf, "content/programme.yml#title", None, out,
                                                        approved="yes"),
    "broken link": lambda xlf, out: _unit_text(xlf, "content/home.yml#intro",
                                               "Siehe [den Plan](form:no-such-form).", out),
    "broken link, third line": lambda xlf, out: _unit_text(xlf, "content/home.yml#intro",
                                                           "Erste Zeile.\n\nSiehe [den Plan](form:no-such-form).\n",
                                                           out),
    "bad placeholder": lambda xlf, out: _unit_text(xlf, "content/programme.yml#title", "Programm von {Org}", out),
    "interface grammar": lambda xlf, out: _unit_text(xlf, "templates/strings.yml#month_names", "Januar Februar", out),
    "markup tag": lambda xlf, out: _replace(xlf, "Übersetzt: Mentoring programme<",
                                            'Übersetzt: <g id="1">Mentoring</g> programme<', out),
    "xliff 2": lambda xlf, out: out.write_text(
        '<?xml version="1.0"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" '
        'trgLang="de"><file id="f"><unit id="u"><segment><source>a</source><target>b</target></segment></unit>'
        "</file></xliff>", encoding="utf-8") and out,
    "not xliff": lambda xlf, out: out.write_text("<html><body>hello</body></html>", encoding="utf-8") and out,
    "too large": lambda xlf, out: out.write_bytes(b"<xliff>" + b" " * 21_000_000 + b"</xliff>") and out,
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_hostile_or_broken_file_is_refused_in_one_line_and_nothing_is_written(exported, tmp_path, case):
    root, xlf, filled = exported
    bad = BAD[case](filled, tmp_path / "returned.xlf")
    before = digest(root)
    result = dyade(root, "translate", "import", str(bad))
    assert result.returncode == 1, (case, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1].endswith("found; nothing was written."), lines
    assert lines[:-1] and all(LINE.match(line) and line.startswith(str(bad) + ":") for line in lines[:-1]), lines
    assert digest(root) == before
    assert "root:" not in result.stdout + result.stderr  # /etc/passwd was never read
    expected = {"broken link": "no-such-form", "broken link, third line": "no-such-form", "bad placeholder": "{Org}", "interface grammar": "month",
                "final without target": "marked final", "unknown id": "unknown unit", "xliff 2": "XLIFF 1.2",
                "external entity": "DOCTYPE", "billion laughs": "DOCTYPE", "malformed": "not well-formed",
                "too large": "too large", "markup tag": "<g>", "not xliff": "not XLIFF"}[case]
    assert expected in result.stderr, result.stderr


def test_ids_stay_when_a_text_is_inserted_before_another(tmp_path):
    root = new_project(tmp_path)

    def exported_units(name: str) -> dict[str, str]:
        out = dyade(root, "translate", "export", "--lang", "de", "--out", str(tmp_path / name))
        assert out.returncode == 0, out.stderr
        tree = etree.parse(str(tmp_path / name))
        return {tu.get("id"): tu.find(f"{{{NS}}}source").text for tu in tree.iter(f"{{{NS}}}trans-unit")}

    first = exported_units("first.xlf")
    workshop = next((root / "content" / "workshops").glob("*.yml"))
    text = workshop.read_text(encoding="utf-8")
    start = text.index("objectives:\n") + len("objectives:\n")
    workshop.write_text(text[:start] + "  - en: A new first objective\n    fr: Un nouvel objectif\n" + text[start:],
                        encoding="utf-8")
    form = next((root / "forms").glob("*.yml"))
    text = form.read_text(encoding="utf-8")
    start = text.index("fields:\n") + len("fields:\n")
    form.write_text(text[:start] + "  - type: heading\n    text: {en: A new heading, fr: Un titre}\n"
                    "  - id: new-first\n    type: text\n    label: {en: A new field, fr: Un champ}\n" + text[start:],
                    encoding="utf-8")
    assert dyade(root, "check").returncode == 0
    second = exported_units("second.xlf")
    assert {i: second.get(i) for i in first} == first  # every text keeps its id
    assert len(second) == len(first) + 3
    assert f"forms/{form.name}#fields[new-first].label" in second


def test_a_text_changed_since_the_export_is_left_out_with_a_warning(exported, tmp_path):
    import shutil
    original, xlf, filled = exported
    root = tmp_path / "programme"
    shutil.copytree(original, root)
    programme = root / "content" / "programme.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace("en: Mentoring programme\n",
                                                                        "en: Mentoring and coaching\n"),
                         encoding="utf-8")
    result = dyade(root, "translate", "import", str(filled))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"^warning: {re.escape(str(filled))}:\d+:\d+: the en text of 'content/programme.yml#title' "
                     r"changed since this file was exported; its translation was not imported — export again",
                     result.stderr, re.M), result.stderr
    text = programme.read_text(encoding="utf-8")
    assert MARK + "Mentoring programme'\n" not in text and MARK + "Mentoring programme coordinator" in text
    assert "left out (their source changed)" in result.stdout


def test_comments_order_and_quotes_stay_where_they_were(tmp_path):
    from dyade import translation

    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "chapter.yml"
    path.write_text("# The chapter\ntitle:\n  fr: Bonjour  # kept\n  en: \"Hello\"\n  # about the summary\n"
                    "summary: {fr: Court, en: Short}  # flow\nsections:\n  - id: a\n    title:\n      fr: A\n"
                    "      en: A\n      de: Alt  # to translate (English)\n    body:\n      fr: |\n        Un\n\n"
                    "        Deux\n      en: |\n        One\n\n        Two\n", encoding="utf-8")
    source = translation.read_source(tmp_path, "chapter", path)
    new = translation.apply(source, ["fr", "en"], "de", {
        "title": "Hallo", "summary": "Kurz", "sections[a].title": "Neu", "sections[a].body": "Eins\n\nZwei"})
    assert new == ("# The chapter\ntitle:\n  fr: Bonjour  # kept\n  en: \"Hello\"\n  de: Hallo\n"
                   "  # about the summary\nsummary: {fr: Court, en: Short, de: Kurz} # flow\nsections:\n  - id: a\n"
                   "    title:\n      fr: A\n      en: A\n      de: Neu\n    body:\n      fr: |\n        Un\n\n"
                   "        Deux\n      en: |\n        One\n\n        Two\n      de: |\n        Eins\n\n"
                   "        Zwei\n")


def test_a_file_saved_on_windows_keeps_its_line_ends_and_byte_order_mark(tmp_path):
    from dyade import translation

    (tmp_path / "content").mkdir()
    path = tmp_path / "content" / "glossary.yml"
    path.write_bytes(b"\xef\xbb\xbftitle:\r\n  fr: Glossaire\r\n  en: Glossary\r\nterms: []\r\n")
    source = translation.read_source(tmp_path, "glossary", path)
    assert source.indent is not None
    translation.save(source, translation.apply(source, ["fr", "en"], "de", {"title": "Glossar"}))
    assert path.read_bytes() == b"\xef\xbb\xbftitle:\r\n  fr: Glossaire\r\n  en: Glossary\r\n  de: Glossar\r\nterms: []\r\n"


def test_export_of_a_source_with_a_yaml_error_says_where_in_one_line(tmp_path):
    root = new_project(tmp_path)
    glossary = root / "content" / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "oops: [unclosed\n", encoding="utf-8")
    result = dyade(root, "translate", "export", "--lang", "de")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and LINE.match(lines[0]) and lines[0].startswith("content/glossary.yml:"), lines
    assert "YAML syntax error — run dyade check" in lines[0] and lines[1].endswith("nothing was exported.")
    assert not (root / "translations").exists()


def test_interface_texts_the_project_leaves_to_dyade_are_exported_with_the_shipped_translation(tmp_path):
    root = new_project(tmp_path)
    strings = root / "templates" / "strings.yml"
    text = strings.read_text(encoding="utf-8")  # comments only: every text is Dyade's
    out = dyade(root, "translate", "export", "--lang", "de")
    assert out.returncode == 0, out.stderr
    xlf = root / "translations" / "de.xlf"
    tree = etree.parse(str(xlf))
    targets = {tu.get("id"): tu.findtext(f"{{{NS}}}target") for tu in tree.iter(f"{{{NS}}}trans-unit")}
    # Dyade's German is offered as the existing translation: nothing to redo.
    assert targets["templates/strings.yml#form"] == "Formular"
    assert targets["templates/strings.yml#page_x_of_y"] == "Seite {page} von {pages}"
    assert targets["templates/strings.yml#month_names"].startswith("Januar Februar März")

    fill(xlf, tmp_path / "de.xlf")
    tree = etree.parse(str(tmp_path / "de.xlf"))
    tree.find(f".//{{{NS}}}trans-unit[@id='templates/strings.yml#form']/{{{NS}}}target").text = "Bogen"
    tree.write(str(tmp_path / "de.xlf"), xml_declaration=True, encoding="UTF-8")
    imported = dyade(root, "translate", "import", str(tmp_path / "de.xlf"))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    # Only the text the translator changed joins the project's file, and only in German.
    after = strings.read_text(encoding="utf-8")
    assert after == text + "form: {de: Bogen}\n", after
    checked = dyade(root, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    from dyade import sources
    model = sources.load(root)
    assert model.ui("form", "de") == "Bogen" and model.ui("form", "fr") == "Formulaire"
    assert model.ui("annex", "de") == "Anhang"


def test_a_regional_code_from_a_tool_imports_into_the_language_and_another_projects_file_is_refused(exported,
                                                                                                   tmp_path):
    import shutil
    original, xlf, filled = exported
    root = tmp_path / "programme"
    shutil.copytree(original, root)
    regional = _replace(filled, 'target-language="de"', 'target-language="de-DE"', tmp_path / "de-DE.xlf")
    regional.write_text(regional.read_text(encoding="utf-8").replace('target-language="de"',
                                                                     'target-language="de-DE"'), encoding="utf-8")
    imported = dyade(root, "translate", "import", str(regional))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "into de from" in imported.stdout and "languages: [en, fr, de]" in \
        (root / "content" / "programme.yml").read_text(encoding="utf-8")

    (tmp_path / "other").mkdir()
    other = new_project(tmp_path / "other")
    before = digest(other)
    bundled = tmp_path / "bundled.xlf"
    assert dyade(ROOT, "translate", "export", "--lang", "de", "--out", str(bundled)).returncode == 0
    result = dyade(other, "translate", "import", str(bundled))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(f"{bundled}:1:1: the file translates from fr, but this "
                                                    "programme's texts are written in en first — import it into "
                                                    "the project it was exported from")
    assert len(result.stderr.splitlines()) == 2, result.stderr
    assert digest(other) == before
    # Same first language, other texts (a few names alike): said once, not once per unit.
    relabelled = _replace(filled, 'source-language="en"', 'source-language="fr"', tmp_path / "fr.xlf")
    relabelled.write_text(relabelled.read_text(encoding="utf-8").replace('source-language="en"',
                                                                         'source-language="fr"'), encoding="utf-8")
    (tmp_path / "french").mkdir()
    french = new_project(tmp_path / "french", "fr,en")
    before = digest(french)
    result = dyade(french, "translate", "import", str(relabelled))
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 2, result.stderr
    assert re.search(r"only \d+ of the file's \d+ texts are texts of this project", result.stderr), result.stderr
    assert digest(french) == before
