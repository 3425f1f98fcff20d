"""`build.py` (build everything): outputs appear only when the whole build
succeeded; a failed build leaves the previous site/ and dist/ untouched."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import run_dyade
from test_check import tiny, write, FORM  # noqa: F401  (fixture)


def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for name in ("site", "dist"):
        for path in sorted((root / name).rglob("*")):
            if path.is_file():
                out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_build_reports_progress_and_where_outputs_are(tiny):
    result = run_dyade(tiny)
    assert result.returncode == 0, result.stderr
    assert "Checking the sources…" in result.stdout
    assert f"website in {tiny / 'site'}" in result.stdout and f"documents in {tiny / 'dist'}" in result.stdout
    assert (tiny / "site").is_dir() and (tiny / "dist").is_dir()
    assert not list((tiny / ".dyade").glob("staging-*"))


def test_quiet_build_prints_only_the_project_and_the_final_line(tiny):
    result = run_dyade(tiny, "--quiet")
    assert result.returncode == 0, result.stderr
    project, final = result.stdout.strip().splitlines()
    assert project == f"Project folder: {tiny.resolve()}"
    assert final.startswith("Built 2 languages")


def test_failed_check_leaves_previous_outputs_untouched(tiny):
    assert run_dyade(tiny, "--quiet").returncode == 0
    before = snapshot(tiny)
    write(tiny, "forms/1-intake.yml", FORM.replace("type: text", "type: texte"))
    result = run_dyade(tiny)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "forms/1-intake.yml:9:11: unknown field type 'texte'" in result.stderr
    assert snapshot(tiny) == before


def test_failed_writer_leaves_previous_outputs_untouched(tiny, monkeypatch):
    from dyade import pipeline
    from dyade.errors import BuildError
    from dyade.writers import docx

    assert run_dyade(tiny, "--quiet").returncode == 0
    before = snapshot(tiny)
    assert before, "the first build should have produced files"

    def broken(model, form, lang, stamp, trees=None):
        raise BuildError("the disk is full")

    # The workers are forked from this process, so they see the broken writer.
    monkeypatch.setattr(docx, "render", broken)
    with pytest.raises(BuildError, match="the disk is full"):
        pipeline.build(tiny, lambda msg: None, force=True)
    assert snapshot(tiny) == before
    assert not list((tiny / ".dyade").glob("staging-*"))


def test_quiet_build_still_shows_notes_and_warnings(tiny):
    """--quiet silences progress, not what the coordinator should act on."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    (tiny / "content" / "assets" / "logo.svg").write_text(svg, encoding="utf-8")
    (tiny / "content" / "assets" / "logo.png").unlink()
    programme = tiny / "content" / "programme.yml"
    programme.write_text(programme.read_text(encoding="utf-8").replace("assets/logo.png", "assets/logo.svg"),
                         encoding="utf-8")
    result = run_dyade(tiny, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Note: Word cannot show the logo content/assets/logo.svg" in result.stderr
    assert result.stdout.splitlines()[1].startswith("Built 2 languages") and len(result.stdout.splitlines()) == 2


def test_a_fault_in_dyade_is_one_plain_line_with_the_details_kept(tiny, monkeypatch, capsys):
    """Not a source mistake but a bug: still no traceback on screen, the
    previous outputs kept, the traceback saved for whoever fixes it."""
    from dyade import cli
    from dyade.writers import docx

    assert run_dyade(tiny, "--quiet").returncode == 0
    before = snapshot(tiny)

    def buggy(model, form, lang, stamp, trees=None):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(docx, "render", buggy)
    assert cli.main(["--root", str(tiny), "--force", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "unexpected problem (ZeroDivisionError: division by zero)" in err
    assert "Traceback" in (tiny / ".dyade" / "last-error.txt").read_text(encoding="utf-8")
    assert snapshot(tiny) == before
