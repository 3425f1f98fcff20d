"""The website checked by the Nu HTML Checker (vnu.jar, the validator of
validator.w3.org/nu, from npm's vnu-jar): every built page, and pages as
the scripts leave them after loading and with the phone menu open.

Fails (never skips) when Java or vnu.jar is missing: `apt-get install
default-jre-headless` and `npm ci` at the repository root.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from sitetools import serve_dir

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# mkdocs-material's base.html writes autocomplete="off" on its two hidden
# check boxes (drawer and search: so that Firefox does not restore them
# checked on going back); only copying the whole base.html could change that,
# and the attribute is harmless.  Filtered by exact message and element.
THEME_ONLY = [
    ("Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, "
     "“email”, “hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or “week”.",
     ('type="checkbox" id="__drawer" autocomplete="off"', 'type="checkbox" id="__search" autocomplete="off"')),
]


def theme_only(message: dict) -> bool:
    return any(message.get("message") == text and any(e in message.get("extract", "") for e in elements)
               for text, elements in THEME_ONLY)


def validate(files: list[Path]) -> list[str]:
    """The validator's errors for these HTML files, as `file:line: message`."""
    java = shutil.which("java")
    assert java, "java is missing: install the Debian package 'default-jre-headless'"
    assert VNU.is_file(), f"{VNU} is missing: run `npm ci` at the repository root"
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]
    assert result.returncode in (0, 1), result.stderr[-2000:]
    errors = [f"{m.get('url', '?')}:{m.get('lastLine', '?')}: {m.get('message')} [{m.get('extract', '').strip()[:120]}]"
              for m in messages if m.get("type") in ("error", "non-document-error") and not theme_only(m)]
    return errors


def test_every_built_page_is_valid_html(built):
    pages = sorted((built / "site").rglob("*.html"))
    assert len(pages) > 80
    errors = validate(pages)
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors[:30])


def test_the_theme_exceptions_are_still_needed(built):
    # an exception that no longer matches anything must be removed
    pages = [built / "site" / "en" / "index.html"]
    java = shutil.which("java")
    assert java and VNU.is_file()
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr)["messages"]
    for text, elements in THEME_ONLY:
        for element in elements:
            assert any(m["message"] == text and element in m.get("extract", "") for m in messages), element


@pytest.mark.parametrize("width, path", [(1280, "en/"), (375, "fr/forms/learning-plan/"), (375, "en/guide/")])
def test_pages_stay_valid_once_the_scripts_ran(browser, built, tmp_path, width, path):
    """Dyade's scripts change the page (the phone menu's button): what
    they leave must be valid too, menu closed and open."""
    files = []
    with serve_dir(built / "site") as base:
        context = browser.new_context(viewport={"width": width, "height": 800})
        tab = context.new_page()
        try:
            tab.goto(base + path, wait_until="networkidle")
            states = ["loaded"]
            if width < 1220:
                states.append("menu open")
            for state in states:
                if state == "menu open":
                    tab.locator(".dyade-menu-button").click()
                    tab.wait_for_function("document.getElementById('__drawer').checked")
                html = "<!DOCTYPE html>\n" + tab.evaluate("document.documentElement.outerHTML")
                out = tmp_path / f"{state.replace(' ', '-')}.html"
                out.write_text(html, encoding="utf-8")
                files.append(out)
        finally:
            context.close()
    errors = validate(files)
    assert not errors, "\n".join(errors[:30])
