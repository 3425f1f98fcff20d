"""The build engine's promises: incremental (only what changed is rendered,
nothing else is rewritten), atomic (a killed build loses nothing) and
reproducible (same sources, same bytes), on the real CLI."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, run_dyade
from test_check import tiny, write, FORM  # noqa: F401  (fixture)


def files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p
            for name in ("site", "dist") for p in sorted((root / name).rglob("*")) if p.is_file()}


def stats(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every output file: a rewritten file changes both."""
    return {rel: (p.stat().st_ino, p.stat().st_mtime_ns) for rel, p in files(root).items()}


def digests(root: Path) -> dict[str, str]:
    return {rel: hashlib.sha256(p.read_bytes()).hexdigest() for rel, p in files(root).items()}


def build(root: Path, *args: str) -> subprocess.CompletedProcess:
    result = run_dyade(root, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def rendered(result: subprocess.CompletedProcess) -> set[str]:
    """The outputs a build says it rendered (its progress lines)."""
    return {line.split("] ", 1)[1] for line in result.stdout.splitlines() if line.startswith("  [")}


def test_nothing_changed_rewrites_nothing(tiny):
    build(tiny)
    before = stats(tiny)
    result = build(tiny)
    assert "Nothing changed since the last build" in result.stdout
    assert "(nothing changed)" in result.stdout.splitlines()[-1]
    assert rendered(result) == set()
    assert stats(tiny) == before


def test_saving_a_file_unchanged_renders_nothing(tiny):
    build(tiny)
    before = stats(tiny)
    later = time.time() + 5
    os.utime(tiny / "forms" / "1-intake.yml", (later, later))
    result = build(tiny)
    assert rendered(result) == set()
    assert stats(tiny) == before


def test_editing_one_language_of_a_form_renders_only_its_outputs(tiny):
    build(tiny)
    before, old = stats(tiny), digests(tiny)
    form = tiny / "forms" / "1-intake.yml"
    text = form.read_text(encoding="utf-8")
    assert "label: {fr: Nom, en: Name}" in text
    form.write_text(text.replace("label: {fr: Nom, en: Name}", "label: {fr: Nom, en: Full name}"), encoding="utf-8")
    result = build(tiny)
    expected = {"dist/en/forms/intake.docx", "dist/en/forms/intake.pdf", "dist/en/guide.pdf", "site/en"}
    assert rendered(result) == expected
    after = stats(tiny)
    rewritten = {rel for rel in after if before.get(rel) != after[rel]}
    assert {"dist/en/forms/intake.docx", "dist/en/forms/intake.pdf", "dist/en/guide.pdf"} <= rewritten
    assert all(rel.startswith(("site/en/", "dist/en/")) for rel in rewritten), sorted(rewritten)
    assert not any(rel.startswith(("dist/fr/", "site/fr/")) for rel in rewritten)
    assert "site/index.html" not in rewritten
    new = digests(tiny)
    with zipfile.ZipFile(tiny / "dist/en/forms/intake.docx") as zf:
        assert "Full name" in zf.read("word/document.xml").decode("utf-8")
    assert new["dist/fr/forms/intake.docx"] == old["dist/fr/forms/intake.docx"]


def test_an_edit_of_one_language_leaves_the_other_languages_calendar_and_site_alone(tiny):
    """The calendar is dated by the sources' last change, like the documents,
    but keyed without that date: an English edit must not rewrite the French
    calendar, nor so the French website that offers it."""
    prog = tiny / "content" / "programme.yml"
    prog.write_text(prog.read_text(encoding="utf-8").replace("calendar: []\n", (
        "calendar:\n  - id: start\n    date: 2026-09-01\n    title: {fr: Lancement, en: Launch}\n"
        "    description: {fr: La première rencontre., en: The first meeting.}\n")), encoding="utf-8")
    build(tiny)
    assert (tiny / "dist/fr/calendar.ics").is_file()
    before = stats(tiny)
    time.sleep(1.1)  # the sources' date has a resolution of one second
    form = tiny / "forms" / "1-intake.yml"
    form.write_text(form.read_text(encoding="utf-8").replace("label: {fr: Nom, en: Name}",
                                                             "label: {fr: Nom, en: Full name}"), encoding="utf-8")
    result = build(tiny)
    assert not any(out.startswith(("dist/fr/", "site/fr")) for out in rendered(result)), rendered(result)
    assert stats(tiny)["dist/fr/calendar.ics"] == before["dist/fr/calendar.ics"]


def test_force_renders_everything_again_with_the_same_bytes(tiny):
    build(tiny)
    before, old = stats(tiny), digests(tiny)
    result = build(tiny, "--force")
    assert "site/fr" in rendered(result) and "dist/fr/forms/intake.docx" in rendered(result)
    after = stats(tiny)
    assert all(before[rel] != after[rel] for rel in after)
    assert digests(tiny) == old


def test_deleted_output_is_rendered_again(tiny):
    build(tiny)
    (tiny / "dist" / "fr" / "forms" / "intake.pdf").unlink()
    result = build(tiny)
    assert rendered(result) == {"dist/fr/forms/intake.pdf"}
    assert (tiny / "dist" / "fr" / "forms" / "intake.pdf").is_file()


def test_two_clean_builds_are_identical_byte_for_byte(built, tmp_path):
    """The bundled programme, everywhere in site/ and dist/ (the search
    index, the sitemap, every PDF and DOCX)."""
    again = copy_project(tmp_path / "again")
    build(again, "--quiet")
    first, second = digests(built), digests(again)
    assert sorted(first) == sorted(second)
    differ = [rel for rel in first if first[rel] != second[rel]]
    assert not differ, f"{len(differ)} files differ, e.g. {differ[:5]}"


def test_documents_are_dated_by_the_sources_last_change(tiny, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    when = dt.datetime(2026, 3, 14, 15, 9, 26, tzinfo=dt.timezone.utc).timestamp()
    for path in tiny.rglob("*"):
        os.utime(path, (when - 3600, when - 3600))
    os.utime(tiny / "forms" / "1-intake.yml", (when, when))
    build(tiny)
    core = zipfile.ZipFile(tiny / "dist/fr/forms/intake.docx").read("docProps/core.xml").decode()
    assert "2026-03-14T15:09:26Z" in core
    with zipfile.ZipFile(tiny / "dist/fr/forms/intake.docx") as zf:
        assert {i.date_time for i in zf.infolist()} == {(2026, 3, 14, 15, 9, 26)}
    pdf = (tiny / "dist/fr/guide.pdf").read_bytes()
    assert b"2026-03-14T15:09:26" in pdf or b"D:20260314150926" in pdf
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01: an explicit date wins
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(tiny), "--quiet"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    core = zipfile.ZipFile(tiny / "dist/fr/forms/intake.docx").read("docProps/core.xml").decode()
    assert "2026-01-01T00:00:00Z" in core


def test_failed_build_keeps_previous_outputs_and_leaves_no_staging(tiny):
    build(tiny)
    before, old = stats(tiny), digests(tiny)
    write(tiny, "templates/pdf/docs.typ", "#let broken = (\n")  # a project's own, broken, PDF template
    result = run_dyade(tiny)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "typst could not make" in result.stderr
    assert "The previous site/ and dist/ were left as they were." in result.stderr
    assert stats(tiny) == before and digests(tiny) == old
    assert not list((tiny / ".dyade").glob("staging-*"))


def test_a_second_build_at_the_same_time_is_refused(tiny):
    import fcntl

    build(tiny)
    with open(tiny / ".dyade" / "lock", "a+") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        result = run_dyade(tiny, "--force")
    assert result.returncode == 1
    assert "another build of this project is running" in result.stderr
    assert "Traceback" not in result.stderr


def _named(rels) -> set[str]:
    """The files whose names do not depend on their content: Pagefind names
    its index files after their digest (checked by `search_bundle_whole`)."""
    return {rel for rel in rels if "/pagefind/" not in rel or rel.endswith(("/pagefind.js", "pagefind-entry.json"))}


def search_bundle_whole(bundle: Path) -> None:
    """Every file Pagefind's entry leads to is there, and none is cut short."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        assert (bundle / f"pagefind.{language['hash']}.pf_meta").is_file(), bundle
        assert (bundle / f"wasm.{language['wasm'] or 'unknown'}.pagefind").is_file(), bundle
        assert len(list((bundle / "fragment").glob("*.pf_fragment"))) == language["page_count"], bundle
    for path in [*bundle.glob("*.pf_meta"), *bundle.glob("*/*.pf_*")]:
        gzip.decompress(path.read_bytes())  # raises on a truncated file


def complete(root: Path, expected: set[str]) -> None:
    """site/ and dist/ hold every expected file, none of them cut short."""
    found = files(root)
    assert _named(found) == _named(expected), sorted(_named(found) ^ _named(expected))[:10]
    for bundle in (root / "site").glob("*/pagefind"):
        search_bundle_whole(bundle)
    for rel, path in found.items():
        data = path.read_bytes()
        if rel.endswith(".pdf"):
            assert data.rstrip().endswith(b"%%EOF"), rel
        elif rel.endswith(".docx"):
            with zipfile.ZipFile(path) as zf:
                assert zf.testzip() is None, rel


def consistent(root: Path) -> None:
    """The documents the site offers are the ones in dist/: both from one build."""
    for lang in ("fr", "en"):
        for path in (root / "dist" / lang).rglob("*.*"):
            rel = path.relative_to(root / "dist" / lang).as_posix()
            copy = root / "site" / lang / "downloads" / rel
            assert copy.read_bytes() == path.read_bytes(), f"site/{lang} and dist/{lang} differ on {rel}"


def test_build_killed_at_random_moments_loses_nothing(tiny):
    from dyade.state import State

    build(tiny)
    expected = set(files(tiny))
    programme = tiny / "content" / "programme.yml"
    original = programme.read_text(encoding="utf-8")
    rng = random.Random(20261122)
    kills = 0
    for attempt in range(10):
        # A different title each time, so the old and new outputs differ.
        programme.write_text(original.replace("en: ", f"en: v{attempt} ", 1), encoding="utf-8")
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(tiny), "--force"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.05, 1.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=600)
        complete(tiny, expected)
        State(tiny).recover()  # what the next build does first
        complete(tiny, expected)
        consistent(tiny)
    assert kills >= 5, "the builds finished before they could be killed: the test proves nothing"
    result = build(tiny)
    complete(tiny, expected)
    consistent(tiny)
    assert not list((tiny / ".dyade").glob("staging-*"))
    assert "Traceback" not in result.stderr


def test_swap_interrupted_half_way_is_finished_by_the_next_build(tiny, monkeypatch):
    """Killed between putting the new dist/ and the new site/ in place: the
    journal lets the next build finish the job, so the pair stays consistent."""
    from dyade import state as st

    build(tiny)
    programme = tiny / "content" / "programme.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace("en: ", "en: New ", 1), encoding="utf-8")
    calls = []
    real = st.State._apply

    def killed_after_dist(self, staging, journal):
        real_exchange = st.exchange

        def once(a, b):
            if calls:
                raise KeyboardInterrupt("killed")  # stands for the kill: nothing after this runs
            calls.append(b)
            return real_exchange(a, b)
        monkeypatch.setattr(st, "exchange", once)
        real(self, staging, journal)

    monkeypatch.setattr(st.State, "_apply", killed_after_dist)
    from dyade import pipeline
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(tiny, lambda msg: None)
    monkeypatch.undo()
    assert (tiny / ".dyade" / "swap.json").is_file()
    with pytest.raises(AssertionError):
        consistent(tiny)  # new dist/, old site/
    result = build(tiny)
    assert "Finished putting in place the outputs of a build that was interrupted." in result.stdout
    consistent(tiny)
    assert "(nothing changed)" in result.stdout.splitlines()[-1]


def test_without_fork_the_build_spawns_its_workers_and_gives_the_same_files(tiny, monkeypatch):
    """Windows has no fork: the workers are then spawned and each gets a
    copy of the model; the outputs must be the same."""
    import multiprocessing

    from dyade import pipeline

    build(tiny)
    expected = digests(tiny)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    report = pipeline.build(tiny, lambda msg: None, force=True)
    assert "site/fr" in report.rendered and not report.reused
    assert digests(tiny) == expected


def test_a_process_that_ran_typst_does_not_fork_workers(tiny):
    """typst's threads do not survive a fork: a process that compiled a PDF
    itself (the writer used on its own) then builds with spawned workers,
    instead of hanging."""
    code = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from pathlib import Path
from dyade import pipeline, sources
from dyade.writers import pdf
root = Path({str(tiny)!r})
out = root.parent / "alone"
(out / "dist").mkdir(parents=True)
pdf.write(sources.load(root), out, lambda msg: None)
assert pdf.typst_ran_in_this_process()
report = pipeline.build(root, lambda msg: None, force=True)
print("rendered", len(report.rendered))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    # (the tiny programme: its documents, each language's site, site/index.html and site/404.html)
    assert "rendered 10" in result.stdout


def test_a_change_to_dyade_itself_renders_everything_again(tiny, monkeypatch):
    """A new Dyade may render differently: none of the old outputs is kept."""
    from dyade import pipeline

    build(tiny)
    real = pipeline.file_digest
    monkeypatch.setattr(pipeline, "file_digest",
                        lambda path: real(path) + ("-edited" if path.name == "docx.py" else ""))
    report = pipeline.build(tiny, lambda msg: None)
    assert not report.nothing_changed and not report.reused
    assert "dist/fr/forms/intake.docx" in report.rendered and "site/en" in report.rendered
