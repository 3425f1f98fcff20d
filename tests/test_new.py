"""`dyade new` (issue 18, item 1): a new project that checks and builds at
once, in three languages and in four with no interface strings of its own
(Dyade ships them); a copy of the bundled programme with --example; plain errors otherwise."""
from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from conftest import ROOT

NAME = 'Northside "General" Hospital: <Nursing> & Care'


def dyade(cwd: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("stdin", subprocess.DEVNULL)  # not a terminal: nothing is asked
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, **kw)


def test_new_project_in_three_languages_checks_and_builds_with_no_edit(tmp_path):
    from dyade import model, starter

    made = dyade(tmp_path, "new", "preceptorship", "--name", NAME, "--short-name", "NGH", "--languages", "en,fr,es")
    assert made.returncode == 0, made.stdout + made.stderr
    assert not made.stdout.startswith("Project folder")  # there was none yet
    assert "no interface text" not in made.stdout  # Dyade ships en, fr and es
    root = tmp_path / "preceptorship"

    checked = dyade(root / "forms", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stderr == ""  # no warning either: the SVG logo has its PNG twin
    assert checked.stdout.splitlines() == [
        f"Project folder: {root.resolve()}",
        "0 problems: 1 chapter, 1 form (11 fields), 1 annex, 1 workshop, 3 flashcards, 3 glossary terms, "
        "2 calendar dates, in 3 languages (en, fr, es)."]

    built = dyade(root, "--quiet")
    assert built.returncode == 0, built.stdout + built.stderr
    for lang in ("en", "fr", "es"):
        assert (root / "site" / lang / "index.html").is_file()
        dist = root / "dist" / lang
        for rel in ("forms/meeting-record.docx", "forms/meeting-record.pdf", "guide.pdf", "flashcards.pdf",
                    "trainer-pack.pdf", "annexes/first-meeting.pdf", "workshops/getting-started-participant.pdf",
                    "workshops/getting-started-facilitator.pdf"):
            assert (dist / rel).stat().st_size > 1000, dist / rel
    # The name, typed with quotes, a colon and markup characters, is text in the page, escaped.
    home = (root / "site" / "en" / "index.html").read_text(encoding="utf-8")
    assert "&lt;Nursing&gt; &amp; Care" in home and "<Nursing>" not in home
    assert "Réseau francophone" not in home and "school leader" not in home.lower()  # nothing of the bundled one
    spanish = (root / "site" / "es" / "index.html").read_text(encoding="utf-8")
    assert "Durante diez meses" in spanish
    # The name inside a sentence, from the forms programme.yml gives each language (issue 18, item 7).
    assert "The Northside" in home and "El Northside" in spanish
    assert "Le Northside" in (root / "site" / "fr" / "index.html").read_text(encoding="utf-8")
    programme = YAML(typ="safe", pure=True).load((root / "content" / "programme.yml").read_text(encoding="utf-8"))
    assert programme["organisation"]["name_forms"] == {
        "en": {"the": f"the {NAME}"}, "fr": {"le": f"le {NAME}", "du": f"du {NAME}", "au": f"au {NAME}"},
        "es": {"el": f"el {NAME}", "del": f"del {NAME}", "al": f"al {NAME}"}}

    # Every field kind is in the starter's form; the logo is a pair; the rest is there.
    assert starter.used_kinds() == set(model.KIND_NAMES)
    assert (root / "content" / "assets" / "logo.png").read_bytes().startswith(b"\x89PNG")
    assert (root / "content" / "assets" / "logo.svg").read_text(encoding="utf-8").startswith("<svg")
    ignored = (root / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/returned/", "/collected/", "/site/", "/dist/", "/.dyade/"} <= set(ignored)
    workflow = YAML(typ="safe", pure=True).load((root / ".github" / "workflows" / "pages.yml").read_text())
    assert workflow["jobs"]["deploy"]["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert "upload-pages-artifact" in str(workflow["jobs"]["build"]["steps"])
    readme = (root / "README.md").read_text(encoding="utf-8")
    for rel in ("content/programme.yml", "forms/*.yml", "content/annexes/*.yml", "templates/strings.yml",
                "dyade check", "dyade serve", "dyade build", "optional"):
        assert rel in readme, rel
    assert len(list((root / "schema").glob("*.schema.json"))) == 9
    # No copy of the shipped strings: only how to override one.
    strings = (root / "templates" / "strings.yml").read_text(encoding="utf-8")
    assert all(not line.strip() or line.startswith("#") for line in strings.splitlines()), strings
    assert "Formulario" in (root / "site" / "es" / "forms" / "index.html").read_text(encoding="utf-8")


def _docx_text(path: Path) -> str:
    import zipfile
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/") and n.endswith(".xml"))


def test_new_project_in_en_de_pt_it_uses_the_shipped_strings_and_an_override_wins(tmp_path):
    made = dyade(tmp_path, "new", "p", "--name", "Klinikum Nord", "--short-name", "KN", "--languages", "en,de,pt,it")
    assert made.returncode == 0, made.stdout + made.stderr
    assert "no interface text" not in made.stdout
    root = tmp_path / "p"
    checked = dyade(root, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = dyade(root, "--quiet")
    assert built.returncode == 0, built.stdout + built.stderr
    pdf = subprocess.run(["pdftotext", str(root / "dist" / "de" / "forms" / "meeting-record.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "Seite 1 von 2" in pdf and "Formular 1" in pdf
    docx = _docx_text(root / "dist" / "de" / "forms" / "meeting-record.docx")
    assert "Klicken oder tippen Sie hier, um Text einzugeben." in docx and "Seite " in docx
    site = (root / "site" / "de" / "forms" / "index.html").read_text(encoding="utf-8")
    assert "Formulare" in site and "Forms" not in site
    assert "Moduli" in (root / "site" / "it" / "forms" / "index.html").read_text(encoding="utf-8")
    guide = subprocess.run(["pdftotext", str(root / "dist" / "pt" / "guide.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "Página 2 de" in guide

    # A German line of the project's own wins over the shipped one; the others stay Dyade's.
    (root / "templates" / "strings.yml").write_text("form: {de: Bogen}\n", encoding="utf-8")
    assert dyade(root, "check").returncode == 0
    rebuilt = dyade(root, "--quiet")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    pdf = subprocess.run(["pdftotext", str(root / "dist" / "de" / "forms" / "meeting-record.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "Bogen 1" in pdf and "Formular 1" not in pdf and "Seite 1 von 2" in pdf
    en = subprocess.run(["pdftotext", str(root / "dist" / "en" / "forms" / "meeting-record.pdf"), "-"],
                        capture_output=True, text=True, check=True).stdout
    assert "Form 1" in en


def test_new_example_copies_the_bundled_programme(tmp_path):
    made = dyade(tmp_path, "new", "example", "--example")
    assert made.returncode == 0, made.stdout + made.stderr
    root = tmp_path / "example"
    for rel in ("content/programme.yml", "forms/3-learning-plan.yml", "templates/strings.yml"):
        assert (root / rel).read_bytes() == (ROOT / rel).read_bytes()
    assert (root / ".gitignore").is_file() and (root / ".github" / "workflows" / "pages.yml").is_file()
    checked = dyade(root, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-1].startswith("0 problème : 18 chapitres, 7 formulaires")
    built = dyade(root, "--quiet")
    assert built.returncode == 0, built.stdout + built.stderr
    assert (root / "dist" / "en" / "forms" / "learning-plan.docx").is_file()
    assert (root / "site" / "fr" / "index.html").is_file()


def test_missing_values_without_a_terminal_are_one_plain_line(tmp_path):
    result = dyade(tmp_path, "new", "p", "--name", "Northside Hospital")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "dyade new: missing --short-name, --languages (nothing can be asked: the input is not a terminal); "
        'for example: dyade new mentoring --name "Northside Hospital" --short-name NSH --languages en,fr,es')
    assert not (tmp_path / "p").exists()
    bad = dyade(tmp_path, "new", "p", "--name", "N", "--short-name", "N", "--languages", "en,French")
    assert bad.returncode == 2 and "'French' is not a language code" in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "p").exists()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    full = dyade(tmp_path, "new", "full", "--example")
    assert full.returncode == 2 and "already exists and is not empty" in full.stderr
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == ["notes.txt"]
    both = dyade(tmp_path, "new", "q", "--example", "--name", "N")
    assert both.returncode == 2 and "leave out --name" in both.stderr
    assert dyade(tmp_path, "new").stderr.strip() == "dyade new: say which folder to create, for example: dyade new mentoring/"


def test_new_asks_on_a_terminal(tmp_path):
    main, secondary = pty.openpty()
    os.write(main, "Hôpital du Nord\nHDN\nfr,en\n".encode("utf-8"))
    try:
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "new", "asked"], cwd=tmp_path,
                                stdin=secondary, capture_output=True, text=True, timeout=120)
    finally:
        os.close(secondary)
        os.close(main)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The organisation's full name:" in result.stdout and "Languages, separated by commas" in result.stdout
    programme = YAML(typ="safe", pure=True).load((tmp_path / "asked" / "content" / "programme.yml").read_text())
    assert programme["organisation"]["name"] == {"fr": "Hôpital du Nord", "en": "Hôpital du Nord"}
    assert programme["languages"] == ["fr", "en"]
    assert "to translate" not in (tmp_path / "asked" / "templates" / "strings.yml").read_text(encoding="utf-8")
    checked = dyade(tmp_path / "asked", "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[-1].startswith("0 problème : 1 chapitre, 1 formulaire (11 champs), 1 annexe")


def test_name_forms_of_a_new_project_follow_the_article_and_wait_for_a_translation(tmp_path):
    """French elides before a vowel; a language the starter's texts are not
    written in gets the English forms, marked, which its English texts use."""
    made = dyade(tmp_path, "new", "p", "--name", "Hôpital du Nord", "--short-name", "HDN", "--languages", "fr,de")
    assert made.returncode == 0, made.stdout + made.stderr
    text = (tmp_path / "p" / "content" / "programme.yml").read_text(encoding="utf-8")
    assert "      le: l'Hôpital du Nord\n      du: de l'Hôpital du Nord\n      au: à l'Hôpital du Nord\n" in text
    assert "    de:\n      the: the Hôpital du Nord  # to translate (English)\n" in text
    checked = dyade(tmp_path / "p", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_failed_new_leaves_nothing_half_written(tmp_path, monkeypatch, capsys):
    from dyade import cli, starter

    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(starter, "logo_png", full)
    (tmp_path / "empty").mkdir()
    assert cli.main(["new", str(tmp_path / "empty"), "--name", "N", "--short-name", "N", "--languages", "en"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == ("Could not write the new project: No space left on device — check the disk space and "
                           "that you may write there; nothing was written.")
    assert [p.name for p in tmp_path.iterdir()] == ["empty"] and not any((tmp_path / "empty").iterdir())
