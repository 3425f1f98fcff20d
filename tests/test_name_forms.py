"""The organisation's name inside sentences (issue 18, item 7): programme.yml
gives, per language, the forms of the name with its article (`le`, `du`,
`au`; `the`), texts write `{org:du}` (`{org:The}` to start a sentence), every
output prints the form, and `check` refuses a form the text's language lacks
or that no language gives, in one line with its position.  The corpus
(tests/corpus/115-117) holds the refused cases as a coordinator makes them."""
from __future__ import annotations

import re
import subprocess
import zipfile

from conftest import run_dyade
from test_check import CHAPTER, FORM, make_tiny, problems, write


def flat(text: str) -> str:
    """One space between words, apostrophes plain: outputs set typographic ones."""
    return re.sub(r"\s+", " ", text).replace("\u2019", "'")


def test_name_forms_are_printed_in_the_site_the_docx_and_the_pdf(tmp_path):
    root = make_tiny(tmp_path / "tiny")
    write(root, "content/guide/01-welcome.yml", CHAPTER.replace(
        "fr: Lisez le guide de {org}.", "fr: Bienvenue au programme {org:du}. {org:Le} vous accompagne.").replace(
        "en: Read the {org} guide.", "en: Welcome to the program of {org:the}. {org:The} stands by you."))
    write(root, "forms/1-intake.yml", FORM.replace(
        "purpose: {fr: Connaître le mentoré., en: Get to know the mentee.}",
        'purpose: {fr: "Présenter le mentoré au réseau et {org:au} bureau.", en: "Introduce the mentee to {org:the}."}'))
    built = run_dyade(root, "--quiet", timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr

    fr_name, en_name = "Réseau francophone des directions d'école", "Francophone School Leaders Network"
    chapter = {lang: flat((root / "site" / lang / "guide" / "welcome" / "index.html").read_text(encoding="utf-8"))
               for lang in ("fr", "en")}
    assert f"Bienvenue au programme du {fr_name}." in chapter["fr"] and f"Le {fr_name} vous" in chapter["fr"]
    assert f"program of the {en_name}. The {en_name} stands" in chapter["en"]
    assert "{org:" not in chapter["fr"] + chapter["en"]

    for lang, words in (("fr", f"au {fr_name} bureau"), ("en", f"Introduce the mentee to the {en_name}")):
        with zipfile.ZipFile(root / "dist" / lang / "forms" / "intake.docx") as docx:
            xml = docx.read("word/document.xml").decode("utf-8")
        assert words in flat(re.sub(r"<[^>]+>", "", xml)), lang
        pdf = subprocess.run(["pdftotext", str(root / "dist" / lang / "forms" / "intake.pdf"), "-"],
                             capture_output=True, text=True, check=True).stdout
        assert words in flat(pdf).replace("- ", "-"), lang
    guide = subprocess.run(["pdftotext", str(root / "dist" / "en" / "guide.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert f"The {en_name} stands by you" in flat(guide)


def test_a_form_the_language_lacks_and_an_unknown_one_are_refused_where_they_are_written(tmp_path):
    root = make_tiny(tmp_path / "tiny")
    write(root, "content/guide/01-welcome.yml", CHAPTER.replace(
        "fr: Lisez le guide de {org}.", "fr: Lisez le guide {org:du} et {org:des}.").replace(
        "en: Read the {org} guide.", "en: Read the guide {org:du}, by {org_short:the}."))
    assert problems(root) == [
        "content/guide/01-welcome.yml:7:38: {org:des}: unknown form of the organisation's name — use one of "
        "{org:au}, {org:du}, {org:le}, or add 'des: …' under organisation: name_forms: fr: "
        "in content/programme.yml",
        "content/guide/01-welcome.yml:8:26: {org:du}: the organisation's name has no form 'du' in 'en' (only in fr) "
        "— add 'du: …' under organisation: name_forms: en: in content/programme.yml, or use one of {org:the}",
        "content/guide/01-welcome.yml:8:39: {org_short:the}: only the organisation's name has forms, written "
        "{org:FORM} — write {org_short} alone, or {org:the}",
    ]


def test_a_programme_without_name_forms_still_checks_and_refuses_their_use(tmp_path):
    root = make_tiny(tmp_path / "tiny")
    prog = root / "content" / "programme.yml"
    text = prog.read_text(encoding="utf-8")
    text = re.sub(r"  # The name as a sentence.*?(?=colours:)", "", text, flags=re.S)
    # Such a programme writes the bare name where the bundled one uses a form (its logo_alt).
    prog.write_text(re.sub(r"\{org:\w+\}", "{org}", text), encoding="utf-8")
    assert "name_forms" not in prog.read_text(encoding="utf-8")
    assert run_dyade(root, "check").returncode == 0
    write(root, "content/guide/01-welcome.yml", CHAPTER.replace("en: Read the {org} guide.", "en: Read {org:the}."))
    assert problems(root) == [
        "content/guide/01-welcome.yml:8:16: {org:the}: unknown form of the organisation's name — add 'the: …' "
        "under organisation: name_forms: en: in content/programme.yml"]
