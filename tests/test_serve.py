"""`build.py serve`: previews the site and rebuilds it when a source changes."""
from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

from conftest import ROOT
from test_check import tiny  # noqa: F401  (fixture)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for_line(proc: subprocess.Popen, pattern: str, timeout: float = 120) -> re.Match:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        seen.append(line)
        found = re.search(pattern, line)
        if found:
            return found
    raise AssertionError(f"no line matching {pattern!r} in:\n{''.join(seen)}\n{proc.stderr.read() if proc.poll() is not None else ''}")


def test_serve_shows_the_site_and_rebuilds_after_an_edit(tiny):
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--root", str(tiny), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    try:
        url = wait_for_line(proc, r"Serving the site on (http://\S+/)").group(1)
        page = fetch(url + "fr/")
        assert "Réseau francophone des directions d'école" in page or "Réseau francophone" in page
        programme = tiny / "content" / "programme.yml"
        text = programme.read_text(encoding="utf-8")
        assert "Réseau francophone des directions d'école" in text
        programme.write_text(text.replace("Réseau francophone des directions d'école", "Réseau des écoles du Nord"),
                             encoding="utf-8")
        wait_for_line(proc, r"Rebuilt; the open pages reload")
        assert "Réseau des écoles du Nord" in fetch(url + "fr/")
        # A broken edit keeps the last good site online, and says why.
        programme.write_text("organisation: [\n", encoding="utf-8")
        wait_for_line(proc, r"Sources changed; rebuilding")
        time.sleep(3)
        assert "Réseau des écoles du Nord" in fetch(url + "fr/")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert "content/programme.yml:" in proc.stderr.read()


def test_a_broken_first_build_does_not_promise_a_site(tiny, capsys):
    """With no good build yet, the preview says there is nothing to show, rather
    than "still serving the last good site"; after a good build, it says it keeps it."""
    from dyade.commands import serve

    programme = tiny / "content" / "programme.yml"
    good = programme.read_text(encoding="utf-8")
    programme.write_text(good.replace("languages:", "langages:"), encoding="utf-8")
    assert not serve.rebuild(tiny, lambda msg: None)
    err = capsys.readouterr().err
    assert "no site to show yet" in err and "last good site" not in err
    programme.write_text(good, encoding="utf-8")
    assert serve.rebuild(tiny, lambda msg: None)
    programme.write_text(good.replace("languages:", "langages:"), encoding="utf-8")
    assert not serve.rebuild(tiny, lambda msg: None)
    assert "still serving the last good site" in capsys.readouterr().err
