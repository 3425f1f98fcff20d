"""`build.py serve`: previews the site and rebuilds it when a source changes."""
from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from conftest import ROOT
from test_check import tiny  # noqa: F401  (fixture)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


class Lines:
    """The lines a process prints, read in a thread so that waiting for one
    honours its deadline even when the process goes quiet (a blocking
    readline would hang the whole run)."""

    def __init__(self, stream):
        self.queue: queue.Queue = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.queue.put(line)
        self.queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if found := re.search(pattern, line):
                return found
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s in:\n{''.join(self.seen)}")


def test_serve_shows_the_site_and_rebuilds_after_an_edit(tiny):
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--root", str(tiny), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    # stderr is drained in its own thread too: a full pipe would block the server.
    out, err = Lines(proc.stdout), Lines(proc.stderr)
    try:
        url = out.wait_for( r"Serving the site on (http://\S+/)").group(1)
        page = fetch(url + "fr/")
        assert "Réseau francophone des directions d'école" in page or "Réseau francophone" in page
        programme = tiny / "content" / "programme.yml"
        text = programme.read_text(encoding="utf-8")
        assert "Réseau francophone des directions d'école" in text
        programme.write_text(text.replace("Réseau francophone des directions d'école", "Réseau des écoles du Nord"),
                             encoding="utf-8")
        out.wait_for(r"Website rebuilt in .*the open pages reload")
        assert "Réseau des écoles du Nord" in fetch(url + "fr/")
        # A broken edit keeps the last good site online, and says why.
        programme.write_text("organisation: [\n", encoding="utf-8")
        out.wait_for(r"Sources changed; rebuilding")
        time.sleep(3)
        assert "Réseau des écoles du Nord" in fetch(url + "fr/")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    err.wait_for(r"content/programme\.yml:\d+:\d+: ", timeout=10)


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


def _start(root, log):
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--root", str(root), "--port", "0"],
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        found = re.search(r"Serving the site on (http://\S+/)", Path(log.name).read_text(encoding="utf-8"))
        if found:
            return proc, found.group(1)
        assert proc.poll() is None, Path(log.name).read_text(encoding="utf-8")
        time.sleep(0.2)
    raise AssertionError(Path(log.name).read_text(encoding="utf-8"))


def _newest(folder: Path) -> float:
    return max(p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file())


def test_the_open_page_reloads_itself_then_the_documents_follow(tiny, browser, tmp_path):
    """Edit: the page reloads by itself with the new text, keeping its scroll
    position, and says the downloads are refreshed until they are; a broken
    edit shows its problems over the last good page; the fix takes them away."""
    context = browser.new_context(viewport={"width": 1000, "height": 250}, locale="fr-CA")
    page = context.new_page()
    page.set_default_timeout(120_000)
    with open(tmp_path / "serve.log", "w", encoding="utf-8") as log:
        proc, url = _start(tiny, log)
        try:
            page.goto(url + "fr/")
            assert "Réseau francophone" in page.inner_text("body")
            # Nothing of the preview in the built site.
            assert "dyade-live" not in (tiny / "site" / "fr" / "index.html").read_text(encoding="utf-8")
            assert "dyade-live" in page.content()
            page.evaluate("window.scrollTo(0, 120)")
            page.wait_for_function("window.scrollY > 0")
            scrolled = page.evaluate("window.scrollY")
            documents = _newest(tiny / "dist")
            programme = tiny / "content" / "programme.yml"
            good = programme.read_text(encoding="utf-8").replace("Réseau francophone des directions d'école",
                                                                  "Réseau des écoles du Nord")
            programme.write_text(good, encoding="utf-8")
            page.wait_for_function("document.body && document.body.innerText.includes('Réseau des écoles du Nord')")
            assert page.evaluate("window.scrollY") == scrolled
            page.wait_for_selector("#dyade-banner")
            assert "téléchargements" in page.inner_text("#dyade-banner")
            page.wait_for_selector("#dyade-banner", state="detached")
            assert _newest(tiny / "dist") > documents
            assert "Réseau des écoles du Nord" in fetch(url + "fr/")

            programme.write_text("organisation: [\n<b>x</b>\n", encoding="utf-8")
            page.wait_for_selector("#dyade-overlay")
            overlay = page.inner_text("#dyade-overlay")
            assert re.search(r"content/programme\.yml:\d+:\d+: ", overlay), overlay
            assert page.locator("#dyade-overlay b").count() == 0  # text, never HTML
            assert "Réseau des écoles du Nord" in page.inner_text("body")

            # An edit of the French only: the English page open beside it is left alone.
            english = context.new_page()
            english.goto(url + "en/")
            english.wait_for_function("document.body && document.body.innerText.includes('Francophone School Leaders Network')")
            english.evaluate("window.dyadeKept = true")
            log_text = lambda: (tmp_path / "serve.log").read_text(encoding="utf-8")
            rebuilt = log_text().count("Website rebuilt")
            programme.write_text(good.replace("Réseau des écoles du Nord", "Réseau du Sud"), encoding="utf-8")
            page.wait_for_function("document.body && document.body.innerText.includes('Réseau du Sud')")
            assert page.locator("#dyade-overlay").count() == 0
            deadline = time.monotonic() + 120
            while log_text().count("Website rebuilt") == rebuilt and time.monotonic() < deadline:
                time.sleep(0.1)
            assert log_text().count("Website rebuilt") > rebuilt, log_text()
            assert "preview: website of en rendered" not in log_text().split("Website rebuilt")[-2], log_text()
            assert english.evaluate("window.dyadeKept === true"), "the English page reloaded for a French edit"
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            context.close()


def test_a_saved_source_wakes_the_preview_at_once_and_its_own_outputs_do_not(tiny):
    """The file system's notification, not the next poll, starts a rebuild;
    what the build writes (site/, dist/, .dyade/) never starts one."""
    from dyade.commands.serve import Changes

    changes = Changes(tiny)
    try:
        assert changes.observer is not None, "watchdog is a dependency: notifications must be on"
        (tiny / "site").mkdir(exist_ok=True)
        (tiny / "site" / "page.html").write_text("built", encoding="utf-8")
        (tiny / ".dyade").mkdir(exist_ok=True)
        (tiny / ".dyade" / "state.json").write_text("{}", encoding="utf-8")
        assert not changes.event.wait(1.0)
        chapter = tiny / "content" / "guide" / "01-welcome.yml"
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert changes.event.wait(10)
    finally:
        changes.stop()
