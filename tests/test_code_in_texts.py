"""Text written as code is code everywhere: a link inside a code span or a
fenced code block is neither checked as a link nor followed by any output,
and prints as typed.  So does a link whose bracket is escaped (`\\[z](…)`):
`check` finds links in pandoc's tree, which holds none there."""
from __future__ import annotations

import re
import subprocess
import zipfile

from conftest import run_dyade
from test_check import CHAPTER, FORM, make_tiny, write

SPAN = "`[x](form:nothing)`"
FENCED = "[y](form:nowhere)"
ESCAPED = "\\[z](form:gone)"
BODY_FR = f"Voir {SPAN}, {ESCAPED} et [le formulaire](form:intake).\n\n        ```\n        {FENCED}\n        ```\n"
BODY_EN = f"See {SPAN}, {ESCAPED} and [the form](form:intake).\n\n        ```\n        {FENCED}\n        ```\n"


def project(tmp_path):
    root = make_tiny(tmp_path / "tiny")
    chapter = CHAPTER.replace("      fr: Lisez le guide de {org}.\n      en: Read the {org} guide.\n",
                              f"      fr: |\n        {BODY_FR}      en: |\n        {BODY_EN}")
    write(root, "content/guide/01-welcome.yml", chapter)
    form = FORM + ("  - type: instructions\n    text:\n"
                   f"      fr: |\n        {BODY_FR}      en: |\n        {BODY_EN}")
    write(root, "forms/1-intake.yml", form)
    return root


def test_links_in_code_pass_check_and_print_as_code(tmp_path):
    root = project(tmp_path)
    result = run_dyade(root, "check")
    assert result.returncode == 0, result.stderr
    result = run_dyade(root, "--quiet")
    assert result.returncode == 0, result.stderr
    for lang in ("fr", "en"):
        page = (root / "site" / lang / "guide" / "welcome" / "index.html").read_text(encoding="utf-8")
        assert "<code>[x](form:nothing)</code>" in page
        assert re.search(r"<pre[^>]*>.*<code>\[y\]\(form:nowhere\)\s*</code></pre>", page, re.S), "fenced block"
        assert 'href="../../forms/intake/"' in page  # the real link still is one
        assert "forms/nothing" not in page and "forms/nowhere" not in page
        assert "[z](form:gone)" in page and "forms/gone" not in page  # the escaped one: text
        guide = subprocess.run(["pdftotext", str(root / "dist" / lang / "guide.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
        assert "[x](form:nothing)" in guide and FENCED in guide and "[z](form:gone)" in guide
        with zipfile.ZipFile(root / "dist" / lang / "forms" / "intake.docx") as z:
            xml = z.read("word/document.xml").decode("utf-8")
        # Printed as typed, in a fixed-width font, and not a hyperlink.
        assert "[x](form:nothing)" in xml and FENCED in xml and "[z](form:gone)" in xml
        assert xml.count('w:ascii="Courier New"') >= 2


def test_a_real_link_to_nothing_is_still_refused(tmp_path):
    root = project(tmp_path)
    path = root / "content" / "guide" / "01-welcome.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(f"Voir {SPAN}", "Voir [x](form:nothing)"),
                    encoding="utf-8")
    result = run_dyade(root, "check")
    assert result.returncode == 1
    assert "link to form 'nothing', which does not exist" in result.stderr and "nowhere" not in result.stderr
    assert "gone" not in result.stderr
